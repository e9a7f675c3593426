package route

import (
	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
)

// A correlated `x IN (SELECT y …)` run as a semi-join, or per pair of
// rows in the ON of an outer join across shards, compares x with y's
// values at the router. PostgreSQL resolves `x = y` when the statement
// is parsed: a text x and an integer y have no operator, and one
// database fails whatever the rows, none too. The plan reads both
// columns' types from shards of their tables (x a column of the outer
// statement's tables, y a plain column the subquery selects from one of
// its own) and fails so. On SQLite a text x IN a subquery of a numeric
// column, or the reverse, compares the two as numbers ('05' = 5), as
// SQLite applies NUMERIC affinity to both (merge.Correlated.Numeric).
// Where a type is not known, values of two kinds that meet are still
// refused as before (merge.JoinKeyTypeError).

// inKindError returns PostgreSQL's error for x IN sub when x, of type
// leftType ("" when not known), and the column sub selects are of kinds
// it has no = between, nil otherwise.
func (p *Planner) inKindError(leftType string, sub *sqlparser.Subquery, s *Session) error {
	if leftType == "" {
		return nil
	}
	t, eng := p.selectedColumnType(sub, s)
	if eng != eval.PostgreSQL {
		return nil
	}
	if lc, rc := pgTypeCategory(leftType), pgTypeCategory(t); lc != "" && rc != "" && lc != rc {
		return planErrorf("operator does not exist: %s = %s", pgTypeName(leftType), pgTypeName(t))
	}
	return nil
}

// inNumeric reports, on SQLite, an x of declared type leftType IN sub
// whose selected column has numeric affinity where x has none, or the
// reverse: SQLite applies NUMERIC affinity to both sides ('05' IN
// (SELECT 5) is true), and the merge compares them as numbers.
func (p *Planner) inNumeric(leftType string, sub *sqlparser.Subquery, s *Session) bool {
	if leftType == "" {
		return false
	}
	t, eng := p.selectedColumnType(sub, s)
	return eng == eval.SQLite && t != "" && eval.HasNumericAffinity(leftType) != eval.HasNumericAffinity(t)
}

// selectedColumnType returns the declared type of the plain column a
// subquery selects from a table of its FROM, as a shard of the table
// reports it, and the table's engine; "" when not known.
func (p *Planner) selectedColumnType(sub *sqlparser.Subquery, s *Session) (string, eval.Engine) {
	sel, ok := sub.Select.(*sqlparser.Select)
	if !ok || len(sel.SelectExprs) != 1 {
		return "", eval.SQLite
	}
	ae, ok := sel.SelectExprs[0].(*sqlparser.AliasedExpr)
	if !ok {
		return "", eval.SQLite
	}
	col, ok := ae.Expr.(*sqlparser.ColName)
	if !ok {
		return "", eval.SQLite
	}
	from, vt := p.columnTable(sel, col, s)
	if from == nil {
		return "", eval.SQLite
	}
	t, known, err := p.probeColumnType(vt, from, col)
	if err != nil || !known {
		return "", eval.SQLite
	}
	return t, p.engineOfKeyspace(vt.Keyspace)
}

// markLeftType returns the declared type of the x of an IN in a join
// step's ON, a column of the join's tables, "" when not known.
func (jt *joinPlanner) markLeftType(x sqlparser.Expr) string {
	c, ok := x.(*sqlparser.ColName)
	if !ok {
		return ""
	}
	t, known, err := jt.columnType(c)
	if err != nil || !known {
		return ""
	}
	return t
}

// outerLeftType returns the declared type of the x of an IN a semi-join
// runs, a column of a table of the outer FROM, "" when not known.
func (b *semiBuild) outerLeftType(x sqlparser.Expr) string {
	c, ok := x.(*sqlparser.ColName)
	if !ok {
		return ""
	}
	from, vt := b.p.columnTable(b.sel, c, b.s)
	if from == nil {
		return ""
	}
	t, known, err := b.p.probeColumnType(vt, from, c)
	if err != nil || !known {
		return ""
	}
	return t
}
