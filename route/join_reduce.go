package route

import "github.com/xwb1989/sqlparser"

// An outer join whose result is filtered by a condition that no
// NULL-extended row can pass is an inner join: `a LEFT JOIN b ON … WHERE
// b.x + 1 > 0` keeps no row whose b columns are NULL. Both backends plan
// it as one (PostgreSQL's reduce_outer_joins, SQLite's LEFT JOIN
// strength reduction), and the difference shows where an expression
// fails on a value: PostgreSQL evaluates the condition over b's rows, or
// over the pairs that match, never over a NULL-extended row, so `a.id +
// 1000 > b.item_id` over an a.id near the int8 maximum that no b row
// matches answers on one database, and `b.item_id + 1000 > 0` over a b
// row no a row matches fails there. The join planner reduces the same
// joins before it plans them (reduceOuterJoins): the condition then runs
// in the reduced table's leaf statement, or as a residual of its join,
// as in an inner join; the rows are the same either way.

// reduceOuterJoins turns every nullable table that a condition on the
// whole result rejects when its columns are NULL into an inner table,
// its ON conditions joining the result's, until none is left to turn (a
// nested join, `a LEFT JOIN (b JOIN c ON …) ON …`, is one table here). A
// table whose ON holds a subquery stays an outer one. It runs after the
// conditions' refs are known.
func (jt *joinPlanner) reduceOuterJoins() {
	for changed := true; changed; {
		changed = false
		var rejected tableSet
		for _, c := range jt.conds {
			rejected |= nullRejected(jt, c.expr)
		}
		for i, t := range jt.tables {
			if !t.nullable || !rejected.has(i) || onSubquery(t) {
				continue
			}
			t.nullable = false
			jt.conds = append(jt.conds, t.on...)
			t.on = nil
			changed = true
		}
	}
}

// onSubquery reports a subquery among a table's ON conditions.
func onSubquery(t *joinTable) bool {
	for _, c := range t.on {
		if exprHasSubquery(c.expr) {
			return true
		}
	}
	return false
}

// nullRejected returns the tables whose columns all being NULL make a
// condition NULL or false (PostgreSQL's find_nonnullable_rels, at the top
// level of a WHERE): a comparison, LIKE or IN of strict operands, IS NOT
// NULL of one, a conjunction of any, a disjunction of all. Anything else
// (functions, CASE, COALESCE, IS NULL, NOT) rejects no table, as the
// join is then left outer, as before.
func nullRejected(jt *joinPlanner, e sqlparser.Expr) tableSet {
	switch e := e.(type) {
	case *sqlparser.ParenExpr:
		return nullRejected(jt, e.Expr)
	case *sqlparser.AndExpr:
		return nullRejected(jt, e.Left) | nullRejected(jt, e.Right)
	case *sqlparser.OrExpr:
		return nullRejected(jt, e.Left) & nullRejected(jt, e.Right)
	case *sqlparser.ComparisonExpr:
		switch e.Operator {
		case sqlparser.NullSafeEqualStr, sqlparser.JSONExtractOp, sqlparser.JSONUnquoteExtractOp:
			return 0
		case sqlparser.InStr, sqlparser.NotInStr:
			// The list's NULLs make the IN NULL or false as well, but
			// only its left operand is sure to be read.
			return strictRefs(jt, e.Left)
		}
		return strictRefs(jt, e.Left) | strictRefs(jt, e.Right)
	case *sqlparser.RangeCond:
		return strictRefs(jt, e.Left)
	case *sqlparser.IsExpr:
		if e.Operator == sqlparser.IsNotNullStr {
			return strictRefs(jt, e.Expr)
		}
	}
	return 0
}

// strictRefs returns the tables a value expression is NULL for when
// their columns are: a column's table, and those of the operands of
// arithmetic, a sign and a cast.
func strictRefs(jt *joinPlanner, e sqlparser.Expr) tableSet {
	switch e := e.(type) {
	case *sqlparser.ColName:
		if r, err := jt.refs(e); err == nil {
			return r
		}
	case *sqlparser.ParenExpr:
		return strictRefs(jt, e.Expr)
	case *sqlparser.BinaryExpr:
		return strictRefs(jt, e.Left) | strictRefs(jt, e.Right)
	case *sqlparser.UnaryExpr:
		if e.Operator == sqlparser.UMinusStr || e.Operator == sqlparser.UPlusStr {
			return strictRefs(jt, e.Expr)
		}
	case *sqlparser.ConvertExpr:
		return strictRefs(jt, e.Expr)
	case *sqlparser.CollateExpr:
		return strictRefs(jt, e.Expr)
	}
	return 0
}
