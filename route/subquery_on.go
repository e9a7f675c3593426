package route

import (
	"github.com/xwb1989/sqlparser"
)

// The ON condition of an inner join that no outer join makes nullable is
// a condition on the whole result, as WHERE is: a conjunct of it holding
// a subquery moves into WHERE, where the subquery is planned as any
// WHERE subquery is (run once and bound, or as a semi-join):
//
//	SELECT … FROM items a JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT code FROM kinds)
//	  → SELECT … FROM items a JOIN tokens t ON t.item_id = a.id WHERE t.note IN (SELECT code FROM kinds)
//
// The ON of an outer join, or of a join on the nullable side of one,
// filters only the pairs of rows it matches and stays; its uncorrelated
// subqueries run once and bind their values there (onPulloutSlots), as
// WHERE's do: a conjunct of ON, as one of WHERE, keeps only the pairs
// where it is true.

// subqueriesOutOfOn returns sel with the conjuncts holding a subquery of
// the ON conditions of its inner joins moved into WHERE, sel itself when
// it has none.
func subqueriesOutOfOn(sel *sqlparser.Select) (*sqlparser.Select, error) {
	if !innerOnSubquery(sel.From) {
		return sel, nil
	}
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	sel = c.(*sqlparser.Select)
	var moved []sqlparser.Expr
	forInnerJoins(sel.From, func(j *sqlparser.JoinTableExpr) {
		if j.Condition.On == nil || !exprHasSubquery(j.Condition.On) {
			return
		}
		var kept []sqlparser.Expr
		for _, e := range splitAnd(j.Condition.On) {
			if exprHasSubquery(e) {
				moved = append(moved, e)
			} else {
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			kept = []sqlparser.Expr{&sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: sqlparser.NewIntVal([]byte("1")), Right: sqlparser.NewIntVal([]byte("1"))}}
		}
		j.Condition.On = andAll(kept)
	})
	if sel.Where != nil && sel.Where.Expr != nil {
		moved = append([]sqlparser.Expr{sel.Where.Expr}, moved...)
	}
	for i, e := range moved {
		moved[i] = parenOr(e)
	}
	sel.Where = sqlparser.NewWhere(sqlparser.WhereStr, andAll(moved))
	return sel, nil
}

// innerOnSubquery reports an inner join no outer join makes nullable
// whose ON holds a subquery.
func innerOnSubquery(from sqlparser.TableExprs) bool {
	found := false
	forInnerJoins(from, func(j *sqlparser.JoinTableExpr) {
		found = found || j.Condition.On != nil && exprHasSubquery(j.Condition.On)
	})
	return found
}

// forInnerJoins calls f with each JOIN (or STRAIGHT_JOIN) of a FROM that
// is not on the nullable side of a LEFT or RIGHT JOIN.
func forInnerJoins(from sqlparser.TableExprs, f func(*sqlparser.JoinTableExpr)) {
	walkJoins(from, true, f)
}

// onPulloutSlots finds the uncorrelated subqueries of the ON conditions
// of a FROM's joins that can be pulled out, join by join in the order of
// a walk.
func onPulloutSlots(from sqlparser.TableExprs) []pulloutSlot {
	var out []pulloutSlot
	forJoins(from, func(j *sqlparser.JoinTableExpr) {
		if j.Condition.On != nil {
			out = appendPulloutSlots(out, &j.Condition.On)
		}
	})
	return out
}

// forJoins calls f with each join of a FROM, outer before inner.
func forJoins(from sqlparser.TableExprs, f func(*sqlparser.JoinTableExpr)) {
	walkJoins(from, false, f)
}

// walkJoins calls f with each join of a FROM, outer before inner; with
// innerOnly only with the inner joins no outer join makes nullable.
func walkJoins(from sqlparser.TableExprs, innerOnly bool, f func(*sqlparser.JoinTableExpr)) {
	var walk func(te sqlparser.TableExpr)
	walk = func(te sqlparser.TableExpr) {
		switch te := te.(type) {
		case *sqlparser.ParenTableExpr:
			for _, e := range te.Exprs {
				walk(e)
			}
		case *sqlparser.JoinTableExpr:
			if !innerOnly {
				f(te)
				walk(te.LeftExpr)
				walk(te.RightExpr)
				return
			}
			switch te.Join {
			case sqlparser.JoinStr, sqlparser.StraightJoinStr:
				f(te)
				walk(te.LeftExpr)
				walk(te.RightExpr)
			case sqlparser.LeftJoinStr, sqlparser.NaturalLeftJoinStr:
				walk(te.LeftExpr)
			case sqlparser.RightJoinStr, sqlparser.NaturalRightJoinStr:
				walk(te.RightExpr)
			}
		}
	}
	for _, te := range from {
		walk(te)
	}
}
