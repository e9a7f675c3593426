package route

import (
	"context"
	"errors"
	"sync"

	"github.com/dot-do/vitessdo/shard"
)

// ensureRecords writes the shard record of every shard a CREATE TABLE
// runs on, where the backend has none yet: the first table the driver
// creates on a shard records which keyspace, shard and key range the
// backend holds (and the shard list of a placement by consistent_hash or
// range), which the driver compares with the VSchema when it opens.
func (dp *ddlPlan) ensureRecords(ctx context.Context, shards []*shard.Shard) error {
	placement := dp.ks.Placement()
	var wg sync.WaitGroup
	errs := make([]error, len(shards))
	for i, sh := range shards {
		if _, ok := sh.Backend.Capabilities().(shard.RecordKeeper); !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := shard.Record{Keyspace: sh.Keyspace, Shard: sh.Name, KeyRange: sh.KeyRange, Placement: placement, State: shard.StateServing}
			if err := shard.EnsureRecord(ctx, sh.Backend, r); err != nil {
				errs[i] = &shard.Error{Keyspace: sh.Keyspace, Shard: sh.Name, Err: err}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
