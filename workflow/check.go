package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// The kinds of findings Check reports.
const (
	KindVSchema         = "vschema"           // the VSchema does not load
	KindUnreachable     = "unreachable"       // a shard's backend does not answer
	KindLayout          = "layout"            // shard records disagree with the VSchema (vitessdo.LayoutError)
	KindMissingTable    = "missing_table"     // a VSchema table is missing on a shard
	KindColumnDrift     = "column_drift"      // a column differs between the shards of a keyspace
	KindMisplacedRow    = "misplaced_row"     // a row is not on the shard its primary vindex names
	KindReferenceDrift  = "reference_drift"   // a reference table differs between shards
	KindLookupMissing   = "lookup_missing"    // an owner row has no lookup row for its keyspace id
	KindLookupDangling  = "lookup_dangling"   // a lookup row has no owner row
	KindSequenceBehind  = "sequence_behind"   // a sequence's next_id is not above the ids given
	KindNotChecked      = "not_checked"       // something Check cannot verify, a warning
	KindTooManyFindings = "too_many_findings" // findings left out of the report
)

// CheckOptions select what Check verifies.
type CheckOptions struct {
	// Keyspace restricts the check to one keyspace; "" checks all.
	Keyspace string
}

// Finding is one problem or warning: what kind, and where.
type Finding struct {
	Kind     string `json:"kind"`
	Keyspace string `json:"keyspace,omitempty"`
	Shard    string `json:"shard,omitempty"`
	Table    string `json:"table,omitempty"`
	Column   string `json:"column,omitempty"`
	// Key names a row by its primary key: "id=7".
	Key     string `json:"key,omitempty"`
	Message string `json:"message"`
}

// String returns the finding as one line.
func (f Finding) String() string {
	var where []string
	if f.Keyspace != "" {
		w := f.Keyspace
		if f.Shard != "" {
			w += "/" + f.Shard
		}
		where = append(where, w)
	}
	if f.Table != "" {
		where = append(where, "table "+f.Table)
	}
	if f.Column != "" {
		where = append(where, "column "+f.Column)
	}
	if f.Key != "" {
		where = append(where, "row "+f.Key)
	}
	if len(where) == 0 {
		return f.Kind + ": " + f.Message
	}
	return f.Kind + " [" + strings.Join(where, ", ") + "]: " + f.Message
}

// CheckReport is what Check found.
type CheckReport struct {
	// Keyspaces lists the keyspaces checked.
	Keyspaces []string `json:"keyspaces"`
	// Shards, Tables and Rows count what was read.
	Shards int   `json:"shards"`
	Tables int   `json:"tables"`
	Rows   int64 `json:"rows"`
	// Problems break what the driver assumes; Warnings do not.
	Problems []Finding `json:"problems"`
	Warnings []Finding `json:"warnings"`
	// Elapsed is how long the check took.
	Elapsed time.Duration `json:"elapsed_ns"`

	counts map[string]int
}

// OK reports whether the check found no problem.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// maxFindingsPerPlace bounds the findings of one kind on one table and
// shard: a table placed by the wrong vindex would otherwise list every
// row.
const maxFindingsPerPlace = 20

func (r *CheckReport) add(warning bool, f Finding) {
	place := f.Kind + "\x00" + f.Keyspace + "\x00" + f.Shard + "\x00" + f.Table
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	r.counts[place]++
	if r.counts[place] > maxFindingsPerPlace {
		return
	}
	if warning {
		r.Warnings = append(r.Warnings, f)
	} else {
		r.Problems = append(r.Problems, f)
	}
}

func (r *CheckReport) problem(f Finding) { r.add(false, f) }
func (r *CheckReport) warning(f Finding) { r.add(true, f) }

// summarizeOverflow adds one finding per place whose findings were left
// out.
func (r *CheckReport) summarizeOverflow() {
	var places []string
	for p, n := range r.counts {
		if n > maxFindingsPerPlace {
			places = append(places, p)
		}
	}
	sort.Strings(places)
	for _, p := range places {
		parts := strings.Split(p, "\x00")
		r.Problems = append(r.Problems, Finding{Kind: KindTooManyFindings, Keyspace: parts[1], Shard: parts[2], Table: parts[3],
			Message: fmt.Sprintf("%d more findings of kind %s left out", r.counts[p]-maxFindingsPerPlace, parts[0])})
	}
}

// Check verifies the database cfg names (see the package documentation
// for what it verifies) and reports every problem it finds. The error is
// for a check that could not run to its end (a cancelled context); a
// VSchema that does not load or a shard that does not answer is a
// problem of the report.
func Check(ctx context.Context, cfg *vitessdo.Config, opts CheckOptions) (*CheckReport, error) {
	start := time.Now()
	r := &CheckReport{Problems: []Finding{}, Warnings: []Finding{}}
	t, err := open(cfg)
	if err != nil {
		var ce *vitessdo.ConfigError
		if !errors.As(err, &ce) {
			return nil, err
		}
		r.problem(Finding{Kind: KindVSchema, Message: err.Error()})
		return r, nil
	}
	defer t.close()
	c := &checker{t: t, r: r, vs: t.conn.VSchema(), topo: t.conn.Topology(), down: map[*shard.Backend]bool{}}
	keyspaces := c.vs.KeyspaceNames()
	if opts.Keyspace != "" {
		if c.vs.Keyspace(opts.Keyspace) == nil {
			r.problem(Finding{Kind: KindVSchema, Keyspace: opts.Keyspace, Message: fmt.Sprintf("keyspace %q is not in the vschema (keyspaces: %s)", opts.Keyspace, strings.Join(keyspaces, ", "))})
			return r, nil
		}
		keyspaces = []string{opts.Keyspace}
	}
	r.Keyspaces = keyspaces
	steps := []func(context.Context, *vschema.Keyspace) error{c.reach, c.layout, c.schema, c.placement, c.references, c.lookups, c.sequences}
	for _, step := range steps {
		for _, name := range keyspaces {
			if err := step(ctx, c.vs.Keyspace(name)); err != nil {
				return nil, err
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	r.summarizeOverflow()
	r.Elapsed = time.Since(start)
	return r, nil
}

// checker is one run of Check.
type checker struct {
	t    *target
	r    *CheckReport
	vs   *vschema.VSchema
	topo *shard.Topology
	// down holds the backends that did not answer.
	down map[*shard.Backend]bool
	// tables holds, per keyspace, table (lower-cased) and shard, the
	// catalog's description of the table on that shard.
	tables map[string]map[string]map[string]*shard.TableInfo
}

// shards returns the keyspace's reachable shards.
func (c *checker) shards(ks *vschema.Keyspace) []*shard.Shard {
	var out []*shard.Shard
	for _, sh := range c.topo.Shards(ks.Name) {
		if !c.down[sh.Backend] {
			out = append(out, sh)
		}
	}
	return out
}

// reach pings every shard's backend.
func (c *checker) reach(ctx context.Context, ks *vschema.Keyspace) error {
	for _, sh := range c.topo.Shards(ks.Name) {
		c.r.Shards++
		if c.down[sh.Backend] {
			c.r.problem(Finding{Kind: KindUnreachable, Keyspace: ks.Name, Shard: sh.Name, Message: "its backend does not answer (shared with another shard)"})
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := sh.Backend.DB.PingContext(pctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.down[sh.Backend] = true
			c.r.problem(Finding{Kind: KindUnreachable, Keyspace: ks.Name, Shard: sh.Name, Message: fmt.Sprintf("backend %s: %v", sh.Backend.URL, err)})
		}
	}
	return nil
}

// layout reports the shard records that disagree with the VSchema.
func (c *checker) layout(ctx context.Context, ks *vschema.Keyspace) error {
	if c.tables == nil {
		// The layout problems of every keyspace are read once.
		c.tables = map[string]map[string]map[string]*shard.TableInfo{}
		for _, p := range c.t.conn.LayoutProblems(ctx) {
			if c.vs.Keyspace(p.Keyspace) != nil && contains(c.r.Keyspaces, p.Keyspace) {
				c.r.problem(Finding{Kind: KindLayout, Keyspace: p.Keyspace, Shard: p.Shard, Message: strings.TrimPrefix(p.Error(), "vitessdo: layout: ")})
			}
		}
	}
	return ctx.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sortedTables returns the keyspace's tables in name order.
func sortedTables(ks *vschema.Keyspace) []*vschema.Table {
	out := make([]*vschema.Table, 0, len(ks.Tables))
	for _, t := range ks.Tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
