package route

import (
	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// A SELECT without tables over subqueries on several shards that the
// router cannot compute itself (`x IN (SELECT …)`, a function of the
// backend's, GROUP BY, HAVING, ORDER BY, LIMIT, DISTINCT) runs as a
// pulloutPlan: every subquery runs once over its shards, its value (an
// IN list: its values) is bound as arguments, and the rest of the
// statement runs on one shard of the subqueries' keyspace, so the backend
// computes what one database would.
//
//	SELECT 3 IN (SELECT qty FROM items) AS found
//	  one shard: SELECT (3 IN (:v1, :v2, …)) AS found
//	  subquery: SELECT qty FROM items          (every shard)
//
// Nothing beside a placeholder types it there, so on PostgreSQL each
// value is cast to the type of the column it came from. A scalar
// subquery of several rows is an error on PostgreSQL only where the
// statement evaluates it (not under LIMIT 0, a false WHERE, a CASE
// branch not taken): it is bound, in this and any pulloutPlan, as a
// subquery of two of its rows, typed so, for the backend to fail on as
// one database would (a subquery without tables is never pulled out
// again). An empty IN list
// is false (NOT IN true) whatever its left side, a NULL in it stays in
// the list: SQL's rules for `x IN (SELECT …)`.

// planTablelessBound plans the SELECT without tables whose text is given
// with its subqueries bound, to run on one shard of ks.
func (p *Planner) planTablelessBound(text string, s *Session, nargs int, ks *vschema.Keyspace) (Plan, error) {
	stmt, err := Parse(text)
	if err != nil {
		return nil, err
	}
	sel, ok := stmt.(*sqlparser.Select)
	if !ok {
		return nil, planErrorf("statement %s is not a SELECT", text)
	}
	nameColumns(sel)
	pl, ok, err := p.pullout(sel, tablelessSlots(sel), s, nargs, ks)
	if !ok {
		return nil, unsupportedf("SELECT without tables over subqueries on several shards: no subquery to run first in %s", text)
	}
	return pl, err
}

// tablelessSlots finds every subquery of a SELECT without tables, in
// its select list, WHERE, GROUP BY, HAVING and ORDER BY: EXISTS, `x [NOT]
// IN (SELECT …)` (then those of x), and scalar subqueries, in the order
// of a walk of the statement.
func tablelessSlots(sel *sqlparser.Select) []pulloutSlot {
	var out []pulloutSlot
	var in *sqlparser.Expr
	var visit func(n sqlparser.SQLNode) (bool, error)
	visit = func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.ExistsExpr:
			out = append(out, pulloutSlot{kind: existsSlot, node: n, sub: n.Subquery, in: in})
			return false, nil
		case *sqlparser.ComparisonExpr:
			sq, k, ok := inSubquery(n)
			if !ok {
				return true, nil
			}
			out = append(out, pulloutSlot{kind: k, node: n, sub: sq, in: in})
			_ = sqlparser.Walk(visit, n.Left)
			return false, nil
		case *sqlparser.Subquery:
			out = append(out, pulloutSlot{kind: scalarSlot, node: n, sub: n, in: in})
			return false, nil
		}
		return true, nil
	}
	walk := func(e *sqlparser.Expr) {
		in = e
		_ = sqlparser.Walk(visit, *e)
	}
	for _, se := range sel.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok {
			walk(&ae.Expr)
		}
	}
	if sel.Where != nil {
		walk(&sel.Where.Expr)
	}
	for i := range sel.GroupBy {
		walk(&sel.GroupBy[i])
	}
	if sel.Having != nil {
		walk(&sel.Having.Expr)
	}
	for _, o := range sel.OrderBy {
		walk(&o.Expr)
	}
	return out
}

// tablelessOnShard is a SELECT without tables sent to one shard of ks.
func (p *Planner) tablelessOnShard(sel *sqlparser.Select, ks *vschema.Keyspace, nargs int) *selectPlan {
	sp := &selectPlan{p: p, routing: &routing{keyspace: ks, opcode: Reference}, nargs: nargs, stmt: newShardStmt(sel), names: longNames(sel)}
	sp.impossible = sp.stmt
	return sp
}

// castType is the type a pulloutPlan of a SELECT without tables casts a
// value of column c to (see backendType); "" (no cast) for others.
func (pp *pulloutPlan) castType(c merge.Column) string {
	if pp.tableless == nil {
		return ""
	}
	return backendType(pp.eng, c)
}

// backendType is the type a bound value of column c is cast to: the
// column's own on PostgreSQL, "" (no cast) on SQLite, whose arguments
// keep their values' types, or for a name that is not a plain type name.
func backendType(eng eval.Engine, c merge.Column) string {
	if eng != eval.PostgreSQL || !dialect.PlainTypeName(c.DatabaseType) {
		return ""
	}
	return c.DatabaseType
}

// severalRows reads the first two rows of a scalar subquery of several
// rows.
func (pp *pulloutPlan) severalRows(sq merge.Subquery) (subResult, error) {
	it, err := sq.Open()
	if err != nil {
		return subResult{}, err
	}
	defer it.Close()
	r := subResult{several: true, dbType: backendType(pp.eng, it.Columns()[0])}
	for len(r.values) < 2 {
		row, err := it.Next()
		if err != nil {
			return subResult{}, err
		}
		r.values = append(r.values, row[0])
	}
	return r, it.Close()
}

// severalRowsQuery is `(SELECT a UNION ALL SELECT b)`: a scalar subquery
// of two rows.
func severalRowsQuery(a, b sqlparser.Expr) sqlparser.Expr {
	row := func(e sqlparser.Expr) *sqlparser.Select {
		dual := &sqlparser.AliasedTableExpr{Expr: sqlparser.TableName{Name: sqlparser.NewTableIdent("dual")}}
		return &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: e}}, From: sqlparser.TableExprs{dual}}
	}
	return &sqlparser.Subquery{Select: &sqlparser.Union{Type: sqlparser.UnionAllStr, Left: row(a), Right: row(b)}}
}
