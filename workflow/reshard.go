package workflow

import (
	"context"
	"errors"
	"fmt"
	"github.com/dot-do/vitessdo"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// ReshardOptions say how to reshard a keyspace.
type ReshardOptions struct {
	// Keyspace is the sharded keyspace to reshard ("" for the DSN's
	// only keyspace).
	Keyspace string
	// To lists the new shards, which must cover the keyspace-id range
	// with no gap and no overlap: "-40", "40-80", "80-c0", "c0-".
	To []string
	// Backend is the backend URL of each new shard, with {shard}
	// standing for its name: sqlite:/data/app/{shard}.db, or
	// postgres://host/db?search_path=app_{shard} (the schema must
	// exist). Without it new shards are SQLite files under the DSN's
	// dir=, DIR/KEYSPACE/SHARD.db.
	Backend string
	// Cleanup removes the old shards' backends after the switch: their
	// SQLite files, or their tables on PostgreSQL.
	Cleanup bool
	// Progress, when set, is called as rows are copied and verified,
	// from one goroutine at a time.
	Progress func(Progress)

	// afterBatch, when set, is called after each batch written to a
	// new shard (tests interrupt the copy there).
	afterBatch func()
}

// ReshardResult says what Reshard did.
type ReshardResult struct {
	Keyspace string   `json:"keyspace"`
	From     []string `json:"from"`
	To       []string `json:"to"`
	// Copied lists the new shards the rows were copied into; the
	// shards named in both lists stay as they are.
	Copied []string `json:"copied"`
	// Diffs is the verification of every table on every new shard.
	Diffs []ShardDiff `json:"diffs"`
	// Switched reports whether the VSchema file now lists To.
	Switched bool `json:"switched"`
	// VSchemaBackup is the file the old VSchema was kept in.
	VSchemaBackup string `json:"vschema_backup,omitempty"`
	// Retired lists the old shards, now marked retired.
	Retired []string `json:"retired,omitempty"`
	// Removed lists the old shard backends removed by Cleanup.
	Removed []string `json:"removed,omitempty"`
	// Problems lists why Reshard did not switch.
	Problems []string `json:"problems,omitempty"`
}

// ShardDiff compares one table on one new shard with the rows of the old
// shards whose keyspace ids fall in the new shard's range.
type ShardDiff struct {
	Table string `json:"table"`
	Shard string `json:"shard"`
	// Source is what the old shards hold for the range when verified;
	// Copied is what they held when the copy read them.
	Source Sum `json:"source"`
	Copied Sum `json:"copied"`
	// Target is what the new shard holds.
	Target Sum `json:"target"`
}

// OK reports whether the new shard holds exactly the old shards' rows.
func (d ShardDiff) OK() bool { return d.Source == d.Target && d.Source == d.Copied }

// ErrVerify is wrapped by the error a workflow returns when the copy
// differs from its source.
var ErrVerify = errors.New("verification found differences")

// ErrWritesDuringCopy is wrapped by Reshard's error when rows of the old
// shards changed while they were copied.
var ErrWritesDuringCopy = errors.New("writes reached the old shards during the copy")

// Reshard splits or merges the shards of a sharded keyspace. The shards
// in both the old and the new list stay; the rows of the others are
// copied by keyspace id into new shard backends, every table of the
// keyspace (lookup and reference tables included). The copy is then
// verified table by table and shard by shard (row count and checksum of
// the old shards' rows whose keyspace ids fall in each new shard's
// range), and the old shards are read again to check that no write
// reached them meanwhile. Only then does it switch: the new shards are
// recorded as serving, the VSchema file's "shards" for the keyspace is
// rewritten (a new file renamed over the old, the old one kept beside
// it), and the old shards are recorded as retired.
//
// Until the switch the old layout is untouched and serving; new shard
// backends are marked as a reshard in progress, which the driver refuses
// to open. A run interrupted before the switch (its context cancelled,
// the process killed) is started over by running it again. Writers must
// stop writing to the keyspace from the start of a reshard until it has
// switched, then reopen the driver.
func Reshard(ctx context.Context, cfg *vitessdo.Config, opts ReshardOptions) (*ReshardResult, error) {
	l, err := openLayout(cfg)
	if err != nil {
		return nil, err
	}
	ks, err := l.keyspace(opts.Keyspace)
	if err != nil {
		return nil, err
	}
	if !ks.Sharded {
		return nil, fmt.Errorf("vitessdo: reshard: keyspace %q is not sharded", ks.Name)
	}
	if ks.Placement() != nil {
		return nil, fmt.Errorf("vitessdo: unsupported: reshard of keyspace %q, whose rows are placed by a vindex that picks shards from the shard list (consistent_hash, range): under a new list the same values name other shards", ks.Name)
	}
	if l.cfg.VSchema == "" || len(l.cfg.VSchemaJSON) > 0 {
		return nil, fmt.Errorf("vitessdo: reshard: the dsn holds its vschema in memory; reshard rewrites a vschema file")
	}
	for target := range l.cfg.Shards {
		if strings.HasPrefix(target, ks.Name+"/") {
			return nil, fmt.Errorf("vitessdo: reshard: the dsn names a backend for shard %s with shard=; list the keyspace's backends in the vschema's \"shards\" instead, which reshard rewrites", target)
		}
	}
	to, toRanges, err := key.Partition(opts.To)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: reshard %s: -to: %w", ks.Name, err)
	}
	res := &ReshardResult{Keyspace: ks.Name, From: slices.Clone(ks.Shards), To: to}
	var sourceNames []string
	for _, n := range ks.Shards {
		if !slices.Contains(to, n) {
			sourceNames = append(sourceNames, n)
		}
	}
	var targetNames []string
	var targetRanges []key.KeyRange
	for i, n := range to {
		if !slices.Contains(ks.Shards, n) {
			targetNames = append(targetNames, n)
			targetRanges = append(targetRanges, toRanges[i])
		}
	}
	if len(targetNames) == 0 {
		return res, nil
	}
	res.Copied = targetNames
	urls, err := targetURLs(l, ks, targetNames, opts.Backend)
	if err != nil {
		return nil, err
	}
	sources, err := l.openShards(ks, sourceNames)
	if err != nil {
		return nil, err
	}
	defer closeShards(sources)
	var targets []*shardBackend
	defer func() { closeShards(targets) }()
	for i, n := range targetNames {
		for _, s := range sources {
			if s.url == urls[i] {
				return nil, fmt.Errorf("vitessdo: reshard: new shard %s/%s has the backend of old shard %s", ks.Name, n, s)
			}
		}
		b, err := openBackend(urls[i])
		if err != nil {
			return nil, fmt.Errorf("vitessdo: reshard: new shard %s/%s: %w", ks.Name, n, err)
		}
		targets = append(targets, &shardBackend{keyspace: ks.Name, name: n, url: urls[i], backend: b})
	}
	r := &resharder{ks: ks, sources: sources, targets: targets, ranges: targetRanges, opts: opts, to: to}
	if err := r.prepare(ctx); err != nil {
		return nil, err
	}
	if err := r.copy(ctx); err != nil {
		return nil, err
	}
	diffs, problems, err := r.verify(ctx)
	res.Diffs = diffs
	if err != nil {
		return res, err
	}
	if len(problems) > 0 {
		res.Problems = problems
		return res, fmt.Errorf("vitessdo: reshard %s: %w: nothing switched", ks.Name, problemError(problems))
	}
	if err := r.markServing(ctx); err != nil {
		return res, err
	}
	backup, err := rewriteShards(l.cfg.VSchema, ks, to, urlsByShard(l, ks, targetNames, urls, opts.Backend != ""))
	if err != nil {
		return res, err
	}
	res.Switched, res.VSchemaBackup = true, backup
	if err := r.retire(ctx); err != nil {
		return res, err
	}
	res.Retired = sourceNames
	if opts.Cleanup {
		removed, err := removeBackends(ctx, ks, sources)
		res.Removed = removed
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// problemError picks the sentinel for a list of problems: writes during
// the copy when one says so, else a verification difference.
func problemError(problems []string) error {
	for _, p := range problems {
		if strings.Contains(p, "changed during the copy") {
			return ErrWritesDuringCopy
		}
	}
	return ErrVerify
}

// targetURLs returns the backend URL of each new shard.
func targetURLs(l *layout, ks *vschema.Keyspace, names []string, template string) ([]string, error) {
	out := make([]string, len(names))
	for i, n := range names {
		switch {
		case template != "":
			if !strings.Contains(template, "{shard}") && len(names) > 1 {
				return nil, fmt.Errorf("vitessdo: reshard: -backend %q has no {shard} placeholder for the new shards' names", shard.RedactURL(template))
			}
			out[i] = strings.ReplaceAll(template, "{shard}", backendShardName(n))
		case l.cfg.Dir != "" && l.cfg.Dir != ":memory:":
			dir := filepath.Join(l.cfg.Dir, ks.Name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("vitessdo: reshard: %w", err)
			}
			out[i] = "sqlite:" + filepath.Join(dir, n+".db")
		default:
			return nil, fmt.Errorf("vitessdo: reshard: keyspace %q has no dir= for new SQLite shards: give -backend with a {shard} placeholder", ks.Name)
		}
	}
	return out, nil
}

// backendShardName is a shard name as it goes into a backend URL: a
// PostgreSQL schema name cannot hold '-', so -40 becomes _40 and 40-80
// becomes 40_80.
func backendShardName(n string) string {
	return strings.ReplaceAll(n, "-", "_")
}

// urlsByShard returns the "shards" object entries for the new shards,
// or nil when they are SQLite files under dir= and the VSchema can keep
// listing names.
func urlsByShard(l *layout, ks *vschema.Keyspace, names, urls []string, explicit bool) map[string]string {
	if !explicit && len(ks.ShardURLs) == 0 {
		return nil
	}
	out := map[string]string{}
	for i, n := range names {
		out[n] = urls[i]
	}
	return out
}

// dataTables returns a keyspace's tables that hold rows on its shards
// (sharded and reference tables), by name.
func dataTables(ks *vschema.Keyspace) []*vschema.Table {
	var out []*vschema.Table
	for _, t := range ks.Tables {
		if t.Type == vschema.TypeSharded || t.Type == vschema.TypeReference {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
