package workflow

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// finishRetire completes a reshard that switched the VSchema file but
// stopped before it retired the old shards: it reads the newest kept
// VSchema beside the file and marks retired the shards it lists that the
// current one does not, where their records still say serving. It
// returns the shards it retired.
func finishRetire(ctx context.Context, l *layout, ks *vschema.Keyspace) ([]string, error) {
	backups, err := filepath.Glob(l.cfg.VSchema + ".*.bak")
	if err != nil || len(backups) == 0 {
		return nil, err
	}
	sort.Strings(backups)
	old := *l.cfg
	old.VSchema = backups[len(backups)-1]
	vs, err := old.LoadVSchema()
	if err != nil {
		return nil, nil // not a VSchema this reshard can finish from
	}
	oks := vs.Keyspace(ks.Name)
	if oks == nil {
		return nil, nil
	}
	var retired []string
	for _, n := range oks.Shards {
		if slices.Contains(ks.Shards, n) {
			continue
		}
		u, err := old.ShardURL(oks, n)
		if err != nil {
			continue
		}
		b, err := openBackend(u)
		if err != nil {
			return retired, fmt.Errorf("vitessdo: reshard: old shard %s/%s: %w", ks.Name, n, err)
		}
		records, err := shard.ReadRecords(ctx, b)
		if err == nil {
			if r, ok := shard.FindRecord(records, ks.Name, n); ok && r.State == shard.StateServing {
				if err = shard.MarkRetired(ctx, b, ks.Name, n); err == nil {
					retired = append(retired, n)
				}
			}
		}
		b.Close()
		if err != nil {
			return retired, fmt.Errorf("vitessdo: reshard: retiring old shard %s/%s: %w", ks.Name, n, err)
		}
	}
	return retired, nil
}
