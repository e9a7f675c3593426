package workflow

import (
	"context"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// guardTarget refuses a new shard's backend that holds someone else's
// rows: rows in its tables without a record of this shard, or the record
// of another shard that is not retired. A backend recording this very
// shard (an interrupted reshard, or a shard retired by an earlier one) is
// started over.
func guardTarget(ctx context.Context, t *shardBackend, ks *vschema.Keyspace) error {
	records, err := shard.ReadRecords(ctx, t.backend)
	if err != nil {
		return err
	}
	for _, r := range records {
		if (r.Keyspace != ks.Name || r.Shard != t.name) && r.State != shard.StateRetired {
			return fmt.Errorf("vitessdo: reshard: the backend %s of new shard %s holds shard %s: give each shard a backend of its own", t.backend.URL, t, r)
		}
	}
	if _, ok := shard.FindRecord(records, ks.Name, t.name); ok {
		return nil
	}
	tables, err := shard.TableNames(ctx, t.backend)
	if err != nil {
		return err
	}
	for _, name := range tables {
		full, err := shard.HasRows(ctx, t.backend, name)
		if err != nil {
			return err
		}
		if full {
			return fmt.Errorf("vitessdo: reshard: the backend %s of new shard %s already holds rows (table %s) and no record of the shard: give the new shard an empty backend", t.backend.URL, t, name)
		}
	}
	return nil
}

// markInProgress records a new shard as the target of this reshard, so
// that a VSchema listing it before the switch is refused.
func markInProgress(ctx context.Context, t *shardBackend, ks *vschema.Keyspace, to []string) error {
	kr, err := key.ParseKeyRange(t.name)
	if err != nil {
		return err
	}
	return shard.WriteRecord(ctx, t.backend, shard.Record{Keyspace: ks.Name, Shard: t.name, KeyRange: kr, State: shard.StateResharding, Detail: strings.Join(to, ",")})
}

// markServing records the new shards as serving, just before the VSchema
// lists them.
func (r *resharder) markServing(ctx context.Context) error {
	for _, t := range r.targets {
		if err := shard.MarkServing(ctx, t.backend, r.ks.Name, t.name); err != nil {
			return err
		}
	}
	return nil
}

// retire records the old shards as retired: the VSchema no longer lists
// them, and their rows are stale copies until Cleanup removes them.
func (r *resharder) retire(ctx context.Context) error {
	for _, s := range r.sources {
		records, err := shard.ReadRecords(ctx, s.backend)
		if err != nil {
			return err
		}
		if _, ok := shard.FindRecord(records, r.ks.Name, s.name); ok {
			err = shard.MarkRetired(ctx, s.backend, r.ks.Name, s.name)
		} else {
			kr, perr := key.ParseKeyRange(s.name)
			if perr != nil {
				return perr
			}
			err = shard.WriteRecord(ctx, s.backend, shard.Record{Keyspace: r.ks.Name, Shard: s.name, KeyRange: kr, State: shard.StateRetired})
		}
		if err != nil {
			return fmt.Errorf("vitessdo: reshard: retiring shard %s: %w", s, err)
		}
	}
	return nil
}
