package vitessdo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/shard/sqlite"
	"github.com/dot-do/vitessdo/vschema"
)

// The layout check compares what the VSchema says each shard holds with
// what the shard records and tables of the backends say they hold (see
// shard.Record), before the driver reads a row. It refuses, with a
// LayoutError:
//
//   - a shard whose backend records another shard of the keyspace (the
//     VSchema maps it to a backend holding another key range), unless
//     that record is retired or the target of a reshard;
//   - a shard recorded retired (a finished reshard replaced it) or as the
//     target of a reshard that has not switched;
//   - a shard recorded with another placement shard list (a keyspace
//     placed by consistent_hash or range over another list of shards);
//   - a shard with neither a record nor any of the keyspace's tables
//     while a sibling holds rows (a shard added to the list by hand);
//   - for keyspaces of SQLite files under dir=, a file DIR/KS/NAME.db of
//     a shard the VSchema does not list that holds rows, unless its
//     record says retired or reshard target.
//
// An empty keyspace, or the layout a finished reshard wrote, passes.

// layoutInfo is what one backend says it holds.
type layoutInfo struct {
	records []shard.Record
	tables  []string
	err     error
}

// layoutChecker reads each backend once.
type layoutChecker struct {
	cfg  *Config
	vs   *vschema.VSchema
	topo *shard.Topology
	info map[*shard.Backend]*layoutInfo
	// pool sizes the backends opened for unlisted files.
	pool shard.PoolOptions
}

// checkLayout returns every disagreement between the VSchema and the
// shards' data. Backends it cannot read are left out: reaching them is
// for their statements (and `vitessdo check`) to report.
func checkLayout(ctx context.Context, cfg *Config, vs *vschema.VSchema, topo *shard.Topology) []*LayoutError {
	lc := &layoutChecker{cfg: cfg, vs: vs, topo: topo, info: map[*shard.Backend]*layoutInfo{}, pool: shard.PoolOptions{MaxOpenConns: 1, WrapConnector: cfg.WrapConnector}}
	var out []*LayoutError
	for _, ks := range vs.KeyspaceNames() {
		out = append(out, lc.keyspace(ctx, vs.Keyspace(ks))...)
	}
	return out
}

func (lc *layoutChecker) read(ctx context.Context, b *shard.Backend) *layoutInfo {
	if li := lc.info[b]; li != nil {
		return li
	}
	li := &layoutInfo{}
	if _, ok := b.Capabilities().(shard.RecordKeeper); ok {
		li.records, li.err = shard.ReadRecords(ctx, b)
		if li.err == nil {
			li.tables, li.err = shard.TableNames(ctx, b)
		}
	} else {
		li.err = fmt.Errorf("no shard records")
	}
	lc.info[b] = li
	return li
}

func (lc *layoutChecker) keyspace(ctx context.Context, ks *vschema.Keyspace) []*LayoutError {
	var out []*LayoutError
	problem := func(sh, format string, args ...any) *LayoutError {
		e := &LayoutError{Keyspace: ks.Name, Shard: sh, Problem: fmt.Sprintf(format, args...)}
		out = append(out, e)
		return e
	}
	shards := lc.topo.Shards(ks.Name)
	backendOf := map[string]*shard.Backend{}
	for _, sh := range shards {
		backendOf[sh.Name] = sh.Backend
	}
	placement := ks.Placement()
	// bare lists the shards with neither a record nor a table of the
	// keyspace; filled lists the others, with the keyspace's tables
	// they have.
	var bare []*shard.Shard
	filled := map[*shard.Shard][]string{}
	for _, sh := range shards {
		li := lc.read(ctx, sh.Backend)
		if li.err != nil {
			continue
		}
		own, hasOwn := shard.FindRecord(li.records, ks.Name, sh.Name)
		if hasOwn {
			switch own.State {
			case shard.StateResharding:
				problem(sh.Name, "the shard is the target of a reshard (to %s) that has not switched", own.Detail).HalfDoneReshard = true
			case shard.StateRetired:
				problem(sh.Name, "a finished reshard retired the shard: its rows are stale copies")
			}
			if len(own.Placement) > 0 && placement != nil && !slices.Equal(own.Placement, placement) {
				problem(sh.Name, "its rows were placed over the shards %s, the vschema lists %s: the same value now names another shard", strings.Join(own.Placement, ","), strings.Join(placement, ","))
			}
		}
		for _, r := range li.records {
			if r.Keyspace != ks.Name || r.Shard == sh.Name || r.State != shard.StateServing {
				continue
			}
			if backendOf[r.Shard] == sh.Backend {
				continue
			}
			problem(sh.Name, "its backend %s holds shard %s (key range %s), not the key range %s", sh.Backend.URL, r.Shard, r.KeyRange, sh.KeyRange)
		}
		mine := ksTables(ks, li.tables)
		if !hasOwn && len(mine) == 0 {
			bare = append(bare, sh)
		} else {
			filled[sh] = mine
		}
	}
	if len(bare) > 0 && len(filled) > 0 {
		if sib, table := lc.siblingWithRows(ctx, shards, filled); sib != nil {
			for _, sh := range bare {
				problem(sh.Name, "the shard has none of the keyspace's tables while shard %s holds rows of %s: the data was never moved to it", sib.Name, table)
			}
		}
	}
	out = append(out, lc.unlistedFiles(ctx, ks)...)
	return out
}

// siblingWithRows returns a shard with a row in one of its tables.
func (lc *layoutChecker) siblingWithRows(ctx context.Context, shards []*shard.Shard, filled map[*shard.Shard][]string) (*shard.Shard, string) {
	for _, sh := range shards {
		for _, t := range filled[sh] {
			if ok, err := shard.HasRows(ctx, sh.Backend, t); err == nil && ok {
				return sh, t
			}
		}
	}
	return nil, ""
}

// ksTables returns the tables among names the keyspace's VSchema lists.
func ksTables(ks *vschema.Keyspace, names []string) []string {
	var out []string
	for _, n := range names {
		if ks.Tables[strings.ToLower(n)] != nil {
			out = append(out, n)
		}
	}
	return out
}

// unlistedFiles checks the SQLite files DIR/KS/*.db of shards the
// VSchema does not list.
func (lc *layoutChecker) unlistedFiles(ctx context.Context, ks *vschema.Keyspace) []*LayoutError {
	if lc.cfg.Dir == "" || lc.cfg.Dir == ":memory:" {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(lc.cfg.Dir, ks.Name, "*.db"))
	if err != nil || len(files) == 0 {
		return nil
	}
	inUse := map[string]bool{}
	for _, b := range lc.topo.Backends() {
		if p, ok := strings.CutPrefix(b.URL, "sqlite:"); ok {
			p, _, _ = strings.Cut(p, "?")
			if abs, err := filepath.Abs(p); err == nil {
				inUse[abs] = true
			}
		}
	}
	var out []*LayoutError
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil || inUse[abs] {
			continue
		}
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(f), ".db")
		if table := lc.unlistedRows(ctx, ks, f); table != "" {
			out = append(out, &LayoutError{Keyspace: ks.Name, Shard: name, Problem: fmt.Sprintf("the file %s holds rows (table %s) of a shard the vschema does not list", f, table)})
		}
	}
	return out
}

// unlistedRows returns a table of the file that holds rows, "" when none
// does or when the file's record says a reshard retired it or is copying
// into it.
func (lc *layoutChecker) unlistedRows(ctx context.Context, ks *vschema.Keyspace, path string) string {
	b, err := sqlite.Open("sqlite:"+path, lc.pool)
	if err != nil {
		return ""
	}
	defer b.Close()
	records, err := shard.ReadRecords(ctx, b)
	if err != nil {
		return ""
	}
	for _, r := range records {
		if r.Keyspace == ks.Name && r.State != shard.StateServing {
			return ""
		}
	}
	tables, err := shard.TableNames(ctx, b)
	if err != nil {
		return ""
	}
	for _, t := range tables {
		if ok, err := shard.HasRows(ctx, b, t); err == nil && ok {
			return t
		}
	}
	return ""
}

// LayoutProblems returns every disagreement between the VSchema and what
// the shards hold, the problems NewConnector refuses to open on unless
// Config.SkipLayoutCheck is set (as `vitessdo check` and the reshard
// workflow set it, to report or repair them).
func (c *Connector) LayoutProblems(ctx context.Context) []*LayoutError {
	return checkLayout(ctx, c.cfg, c.engine.vs, c.engine.topo)
}

// Topology returns the connector's shards and their backends, for
// programs (the workflows) that read the shards directly.
func (c *Connector) Topology() *shard.Topology { return c.engine.topo }

// VSchema returns the VSchema the connector loaded.
func (c *Connector) VSchema() *vschema.VSchema { return c.engine.vs }
