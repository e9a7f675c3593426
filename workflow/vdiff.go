package workflow

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// verify compares every table on every new shard with the old shards'
// rows of its range (VDiff), reading the old shards again: a difference
// from what the copy read means a write reached them during the copy.
func (r *resharder) verify(ctx context.Context) ([]ShardDiff, []string, error) {
	var total int64
	for _, rt := range r.tables {
		for _, s := range rt.copied {
			total += 2 * s.Rows
		}
	}
	m := startMeter(ctx, r.opts.Progress, "verify", total)
	defer m.finish()
	var diffs []ShardDiff
	var problems []string
	for _, rt := range r.tables {
		m.setTable(rt.t.Name)
		source, target, err := r.sumTable(ctx, rt, m)
		if err != nil {
			return diffs, problems, err
		}
		for i, tg := range r.targets {
			d := ShardDiff{Table: rt.t.Name, Shard: tg.name, Source: source[i], Copied: rt.copied[i], Target: target[i]}
			diffs = append(diffs, d)
			if d.Source != d.Copied {
				problems = append(problems, fmt.Sprintf("table %s: the old shards' rows for %s changed during the copy (%s when copied, %s now): a writer wrote to keyspace %s while it was resharded", rt.t.Name, tg, d.Copied, d.Source, r.ks.Name))
			} else if d.Source != d.Target {
				problems = append(problems, fmt.Sprintf("table %s: shard %s holds %s, the old shards %s for its range", rt.t.Name, tg, d.Target, d.Source))
			}
		}
	}
	return diffs, problems, nil
}

// sumTable sums a table's rows per new shard: on the old shards by the
// keyspace id of each row, and on each new shard.
func (r *resharder) sumTable(ctx context.Context, rt reshardTable, m *meter) (source, target []Sum, err error) {
	source = make([]Sum, len(r.targets))
	target = make([]Sum, len(r.targets))
	var mu sync.Mutex
	g := newGroup(ctx)
	for _, src := range r.readers(rt.t) {
		g.run(func(ctx context.Context) error {
			local := make([]Sum, len(r.targets))
			var ids *keyspaceIDs
			if rt.t.IsSharded() {
				var err error
				if ids, err = newKeyspaceIDs(rt.t, rt.cols); err != nil {
					return err
				}
			}
			err := sumTableRows(ctx, src, rt, func(row []any, h uint64) error {
				if ids == nil {
					for i := range local {
						local[i].add(h)
					}
					return nil
				}
				ksids, err := ids.of(ctx, [][]any{row})
				if err != nil {
					return err
				}
				// A row outside every new range belongs to no new
				// shard: the copy refused it already.
				if d := shardIndex(r.ranges, ksids[0]); d >= 0 {
					local[d].add(h)
				}
				m.add(1)
				return nil
			})
			if err != nil {
				return fmt.Errorf("vitessdo: reshard: verify: shard %s: %w", src, err)
			}
			mu.Lock()
			for i := range local {
				source[i].merge(local[i])
			}
			mu.Unlock()
			return nil
		})
	}
	for i, tg := range r.targets {
		g.run(func(ctx context.Context) error {
			err := sumTableRows(ctx, tg, rt, func(_ []any, h uint64) error {
				target[i].add(h)
				m.add(1)
				return nil
			})
			if err != nil {
				return fmt.Errorf("vitessdo: reshard: verify: shard %s: %w", tg, err)
			}
			return nil
		})
	}
	return source, target, g.wait()
}

func sumTableRows(ctx context.Context, s *shardBackend, rt reshardTable, each func(row []any, h uint64) error) error {
	return sumTable(ctx, s.backend, strings.ToLower(rt.t.Name), rt.cols, rt.kinds, each)
}
