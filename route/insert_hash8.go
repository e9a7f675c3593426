package route

import (
	"context"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
)

// A multi-row INSERT into a table whose primary vindex has 8-byte keyspace
// ids (hash, xxhash, numeric: vindex.Hashing8) and that owns no lookup
// vindex needs only each row's shard, not a key.Destination per row: the
// rows' keyspace ids are written into one array (vindex.KeyspaceIDs8) and
// each row's shard is found from its id by binary search over the key
// ranges, as shardInserts does for a keyspace id destination. A row
// whose value has no keyspace id (NULL under hash) takes the general path,
// which reports it.

// hash8Inserts returns the shard INSERTs of the rows when the fast path
// applies; ok is false when it does not (then nothing was done).
func (ip *insertPlan) hash8Inserts(ctx context.Context, args []any, extra map[string]any) (qs []ShardQuery, ok bool, err error) {
	prim := ip.vindexes[0]
	h, isHash8 := prim.cv.Vindex.(vindex.Hashing8)
	if !isHash8 || len(prim.cols) != 1 || len(ip.table.Owned) > 0 {
		return nil, false, nil
	}
	col := prim.cols[0]
	vals := make([]any, len(ip.rows))
	for r, row := range ip.rows {
		if col == ip.autoInc {
			vals[r] = extra[seqArg(r)]
			continue
		}
		v, _ := newValueExpr(row[col])
		if vals[r], err = v.eval(args); err != nil {
			return nil, true, err
		}
	}
	ids := make([]byte, 8*len(vals))
	all, err := vindex.KeyspaceIDs8(h, vals, ids)
	if err != nil {
		return nil, true, vindexErr(prim.cv, err)
	}
	if !all {
		return nil, false, nil
	}
	shards := ip.p.topo.Shards(ip.table.Keyspace.Name)
	rowShard := make([]int32, len(vals))
	for r := range rowShard {
		rowShard[r] = int32(shard.IndexFor(shards, ids[8*r:8*r+8]))
	}
	qs, err = ip.insertsByShard(ctx, shards, rowShard, args, extra)
	return qs, true, err
}
