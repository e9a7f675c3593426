package route

import (
	"context"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
)

// A point statement — one value of a unique vindex, or a table of an
// unsharded or reference keyspace — reaches one shard. Its executions
// find that shard without building the routing's values, destinations
// and targets (resolveAll's slices, one each), and hand the one shard
// statement to the cursor without a slice of statements or of streams:
// what they allocate of their own is the bound statement's arguments.

// ShardStreamer is a Cursor that starts one shard statement's read
// without the slices of StreamShards.
type ShardStreamer interface {
	// StreamShard starts the read of one shard statement: StreamShards
	// of one query.
	StreamShard(ctx context.Context, q ShardQuery) (merge.Iterator, error)
}

// pointShard returns the one shard an execution of the routing reaches,
// when it is known without destinations: an unsharded or reference
// keyspace's shard, a pinned table's, or the shard of one value of a
// unique vindex with 8-byte keyspace ids (vindex.Hashing8). ok is false
// when resolve must decide: another routing, a session's key range, a
// value that maps to no keyspace id. A routing made without its hash8
// (see hash8Of) leaves it to resolve too.
func (r *routing) pointShard(topo *shard.Topology, args []any) (sh *shard.Shard, ok bool, err error) {
	if r.within != nil {
		return nil, false, nil
	}
	ks := r.keyspace.Name
	switch {
	case r.opcode == Unsharded || r.opcode == Reference:
		if shards := topo.Shards(ks); len(shards) > 0 {
			return shards[0], true, nil
		}
		return nil, false, nil
	case r.opcode == None || r.opcode == Scatter || r.opcode == ByDestination:
		return nil, false, nil
	case r.pinned != nil:
		sh = topo.ShardFor(ks, r.pinned)
		return sh, sh != nil, nil
	case r.opcode != EqualUnique || len(r.values) != 1:
		return nil, false, nil
	}
	h := r.hash8
	if h == nil {
		return nil, false, nil
	}
	v, err := r.values[0].eval(args)
	if err != nil {
		return nil, true, err
	}
	id, isID, err := h.KeyspaceID8(v)
	if err != nil {
		return nil, true, vindexErr(r.vindex, err)
	}
	if !isID {
		return nil, false, nil
	}
	sh = topo.ShardFor(ks, id[:])
	return sh, sh != nil, nil
}

// pointQuery binds the statement for the one shard of an execution when
// pointShard knows it and the rows need no merge; ok is false otherwise
// (queries then binds it).
func (sp *selectPlan) pointQuery(ctx context.Context, vc Cursor, args []any) (q ShardQuery, ok bool, err error) {
	if len(sp.sameShard) > 0 || (sp.merger != nil && sp.whole == nil) {
		return ShardQuery{}, false, nil
	}
	sh, ok, err := sp.routing.pointShard(sp.p.topo, args)
	if !ok || err != nil {
		return ShardQuery{}, ok, err
	}
	stmt := sp.stmt
	if sp.whole != nil {
		stmt = sp.whole
	}
	q, err = stmt.bind(ctx, sh, args, nil)
	return q, true, err
}

// streamOne starts the read of one shard statement.
func streamOne(ctx context.Context, vc Cursor, q ShardQuery) (merge.Iterator, error) {
	if s, ok := vc.(ShardStreamer); ok {
		return s.StreamShard(ctx, q)
	}
	its, err := vc.StreamShards(ctx, []ShardQuery{q})
	if err != nil {
		return nil, err
	}
	return its[0], nil
}

// ShardExecer is a Cursor that runs one shard write without the slices
// of ExecShards.
type ShardExecer interface {
	// ExecShard runs one write: ExecShards of one query.
	ExecShard(ctx context.Context, q ShardQuery) (shard.Result, error)
}

// execOne runs one shard write.
func execOne(ctx context.Context, vc Cursor, q ShardQuery) (shard.Result, error) {
	if e, ok := vc.(ShardExecer); ok {
		return e.ExecShard(ctx, q)
	}
	res, err := vc.ExecShards(ctx, []ShardQuery{q})
	if err != nil {
		return shard.Result{}, err
	}
	return res[0], nil
}
