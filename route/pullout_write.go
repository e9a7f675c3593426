package route

import (
	"context"
	"errors"

	"github.com/xwb1989/sqlparser"
)

// A reference table's UPDATE or DELETE runs on every copy, and a subquery
// over sharded tables in it would read, on each shard, only that shard's
// rows: each copy would change by other values. A sharded table's write
// whose subquery reads other shards than the rows it changes (a derived
// table, a LIMIT, GROUP BY or HAVING, a join or a UNION over them) would
// likewise see on each shard only that shard's rows of it. Their
// uncorrelated subqueries are pulled out instead (the pulloutPlan of a
// write): they run once over every shard, as the SELECT they are, in the
// transaction the write runs in (the session's, else the write's own),
// their values are bound into the statement as arguments, and the write
// then changes its rows (every copy of a reference table's) all or none,
// as any write does. A subquery whose rows lie on the shard of each row
// it is written beside is not pulled out: the statement goes to the
// shards whole, as before.
//
//	UPDATE kinds SET label = 'used' WHERE code IN (SELECT kind FROM items)
//	  outer: UPDATE kinds SET label = 'used' WHERE code IN (:v1, :v2)   every copy
//	  subquery: SELECT kind FROM items                                 every shard
//
// A LIMIT inside such a subquery must keep the rows one database keeps
// (see writeLimitRefusal). A correlated subquery stays in the statement,
// which is then refused.

// dmlSubqueries reports a subquery in an UPDATE's or DELETE's WHERE or SET.
func dmlSubqueries(where *sqlparser.Where, set sqlparser.UpdateExprs) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if _, ok := n.(*sqlparser.Subquery); ok {
			found = true
		}
		return !found, nil
	}, where, set)
	return found
}

// planSubqueryWrite plans again, with its uncorrelated subqueries pulled
// out, an UPDATE or DELETE of table tn whose text is given and whose
// first planning was refused as unsupported; the refusal stands when tn
// is no table of a sharded keyspace or nothing can be pulled out.
func (p *Planner) planSubqueryWrite(tn sqlparser.TableName, text string, refusal error, s *Session, nargs int) (Plan, error) {
	var unsupported *UnsupportedError
	if text == "" || !errors.As(refusal, &unsupported) {
		return nil, refusal
	}
	t, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
	if err != nil || !t.Keyspace.Sharded {
		return nil, refusal
	}
	stmt, err := Parse(text)
	if err != nil {
		return nil, err
	}
	pl, ok, err := p.pullout(stmt, outerSlots(stmt), s, nargs, nil)
	if !ok {
		return nil, refusal
	}
	return pl, err
}

// outerSlots finds the subqueries of a statement that can be pulled out:
// those of a SELECT's WHERE and HAVING, of an UPDATE's or DELETE's WHERE,
// and an UPDATE's SET values that are uncorrelated scalar subqueries.
func outerSlots(stmt sqlparser.Statement) []pulloutSlot {
	switch st := stmt.(type) {
	case *sqlparser.Select:
		return pulloutSlots(st)
	case *sqlparser.Update:
		var out []pulloutSlot
		for _, ue := range st.Exprs {
			if sq, ok := ue.Expr.(*sqlparser.Subquery); ok && pullable(sq) {
				out = append(out, pulloutSlot{kind: scalarSlot, node: sq, sub: sq, in: &ue.Expr})
			}
		}
		if st.Where != nil {
			out = appendPulloutSlots(out, &st.Where.Expr)
		}
		return out
	case *sqlparser.Delete:
		if st.Where != nil {
			return appendPulloutSlots(nil, &st.Where.Expr)
		}
	}
	return nil
}

// planOuter plans the outer statement of a pulloutPlan once its
// subqueries are replaced by their values.
func (pp *pulloutPlan) planOuter(stmt sqlparser.Statement, s *Session, nargs int) (Plan, error) {
	p := pp.p
	if sel, ok := stmt.(*sqlparser.Select); ok && pp.tableless != nil {
		return p.tablelessOnShard(sel, pp.tableless, nargs), nil
	}
	switch st := stmt.(type) {
	case *sqlparser.Update:
		return p.planUpdate(st, s, nargs)
	case *sqlparser.Delete:
		return p.planDelete(st, s, nargs)
	case sqlparser.SelectStatement:
		return p.planSelect(st, s, nargs)
	}
	return nil, planErrorf("outer statement %s is not a SELECT, UPDATE or DELETE", sqlparser.String(stmt))
}

// execWrite runs the subqueries of a write and then the write, in one
// transaction: the session's, else one of their own.
func (pp *pulloutPlan) execWrite(ctx context.Context, vc Cursor, args []any) (Result, error) {
	var res Result
	err := vc.Atomic(ctx, func(ctx context.Context) error {
		all, subs, sig, err := pp.outerArgs(ctx, vc, args)
		if err != nil {
			return err
		}
		outer, err := pp.outer(sig, subs)
		if err != nil {
			return err
		}
		res, err = outer.Exec(ctx, vc, all)
		return err
	})
	return res, err
}
