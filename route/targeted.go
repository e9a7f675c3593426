package route

import (
	"context"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
)

// planTargeted plans a statement of a session that targets a shard (USE
// ks:-80) or a key range (USE ks[-80]): it goes to those shards as
// written, with no routing, no sequences and no lookup maintenance, as in
// Vitess. Rows of several shards are concatenated.
func (p *Planner) planTargeted(stmt sqlparser.Statement, s *Session, nargs int) (Plan, error) {
	ks := p.vs.Keyspace(s.Keyspace)
	if ks == nil {
		return nil, planErrorf("keyspace %q not found", s.Keyspace)
	}
	if s.KeyRange != nil {
		if pl, ok, err := p.planInRange(stmt, s, nargs); ok || err != nil {
			return pl, err
		}
	}
	var dest key.Destination = key.DestinationShard(s.Shard)
	if s.KeyRange != nil {
		dest = key.DestinationKeyRange(*s.KeyRange)
	}
	r := &routing{keyspace: ks, opcode: ByDestination, destination: dest}
	stripQualifiers(stmt, ks)
	if sel, ok := stmt.(sqlparser.SelectStatement); ok {
		sp := &selectPlan{p: p, routing: r, nargs: nargs, stmt: newShardStmt(sel)}
		sp.impossible = sp.stmt
		return sp, nil
	}
	return &passPlan{p: p, routing: r, stmt: newShardStmt(stmt), nargs: nargs}, nil
}

// planInRange plans a SELECT, INSERT, UPDATE or DELETE of a session that
// targets a key range as the router would without a target, then keeps
// only the shards in the range: a SELECT's rows merge as usual, and an
// INSERT of a row whose shard is outside the range is an error.
func (p *Planner) planInRange(stmt sqlparser.Statement, s *Session, nargs int) (Plan, bool, error) {
	inner := *s
	inner.Shard, inner.KeyRange = "", nil
	var pl Plan
	var err error
	switch st := stmt.(type) {
	case sqlparser.SelectStatement:
		pl, err = p.planSelect(st, &inner, nargs)
	case *sqlparser.Insert:
		pl, err = p.planInsert(st, &inner, nargs)
	case *sqlparser.Update:
		pl, err = p.planUpdate(st, &inner, nargs)
	case *sqlparser.Delete:
		pl, err = p.planDelete(st, &inner, nargs)
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	kr := s.KeyRange
	switch pl := pl.(type) {
	case *selectPlan:
		if pl.routing.keyspace.Name != s.Keyspace {
			return nil, true, planErrorf("the statement's tables are in keyspace %s, not in the session's target %s", pl.routing.keyspace.Name, s.Keyspace)
		}
		pl.routing.within = kr
		for _, r := range pl.sameShard {
			r.within = kr
		}
	case *dmlPlan:
		pl.routing.within = kr
	case *insertPlan:
		pl.within = kr
	}
	return pl, true, nil
}

// passPlan runs a write unchanged on the shards of its routing, all of them
// or none.
type passPlan struct {
	p       *Planner
	routing *routing
	stmt    *shardStmt
	nargs   int
}

var _ Plan = (*passPlan)(nil)

func (pp *passPlan) NumArgs() int { return pp.nargs }

func (pp *passPlan) queries(ctx context.Context, vc Cursor, args []any) ([]ShardQuery, error) {
	targets, err := pp.routing.resolve(ctx, vc, pp.p.topo, args)
	if err != nil {
		return nil, err
	}
	qs := make([]ShardQuery, len(targets))
	for i, t := range targets {
		if qs[i], err = pp.stmt.bind(ctx, t.shard, args, nil); err != nil {
			return nil, err
		}
	}
	return qs, nil
}

func (pp *passPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	return queryByExec(ctx, pp, vc, args)
}

// execAtomic runs the shard statements all or none.
func execAtomic(ctx context.Context, vc Cursor, qs []ShardQuery) ([]shard.Result, error) {
	var results []shard.Result
	err := vc.Atomic(ctx, func(ctx context.Context) error {
		var err error
		results, err = vc.ExecShards(ctx, qs)
		return err
	})
	return results, err
}

func (pp *passPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	qs, err := pp.queries(ctx, vc, args)
	if err != nil {
		return Result{}, err
	}
	var one [1]shard.Result
	var results []shard.Result
	if len(qs) == 1 {
		one[0], err = execOne(ctx, vc, qs[0])
		results = one[:]
	} else {
		results, err = execAtomic(ctx, vc, qs)
	}
	if err != nil {
		return Result{}, err
	}
	var res Result
	for _, r := range results {
		res.RowsAffected += r.RowsAffected
	}
	if len(results) == 1 && results[0].HasLastInsertID {
		res.LastInsertID, res.HasLastInsertID = results[0].LastInsertID, true
	}
	return res, nil
}

func (pp *passPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	qs, err := pp.queries(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	return explainRows(qs), nil
}
