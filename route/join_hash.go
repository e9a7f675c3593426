package route

import (
	"context"
	"errors"

	"github.com/dot-do/vitessdo/merge"
)

// A join on equalities alone whose sides are both scatters, and whose key
// is no vindex column of the inner side, would send the inner statement
// to every shard once per batch of outer rows. Such a join (Vitess's
// HashJoin) reads the inner side once, unbound, into a merge.HashTable
// and probes it with each outer row: one scatter of each side. The
// join_hash option forces it for every join on equalities alone, or turns
// it off.

// hashJoins reports whether a step of a join chain reads its inner leaf
// into a hash table: a join on equalities alone, and under JoinHashAuto
// one whose outer side is not on one shard and whose inner leaf, bound,
// still scatters.
func (p *Planner) hashJoins(st *joinStep, outer Plan, inner Plan) bool {
	if !st.bound || len(st.residual) > 0 {
		return false
	}
	switch p.joinHash {
	case JoinHashNever:
		return false
	case JoinHashAlways:
		return true
	}
	sp, ok := inner.(*selectPlan)
	return ok && !singleShard(outer) && !st.leaf.single && sp.routing.opcode == Scatter
}

// hashInner reads the inner side into a hash table on the join keys; nil
// without error when its key values cannot be hashed as the backend
// compares them or it holds more than max_memory_rows rows: the join then
// binds batches of outer keys instead.
func (jp *joinPlan) hashInner(ctx context.Context, vc Cursor, args []any) (*merge.HashTable, error) {
	it, err := jp.all.Query(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	t, err := merge.BuildHashTable(it, jp.keys, jp.maxRows, jp.eng)
	var he *merge.HashKeyError
	var me *merge.MemoryRowsError
	if errors.As(err, &he) || errors.As(err, &me) {
		return nil, nil
	}
	return t, err
}
