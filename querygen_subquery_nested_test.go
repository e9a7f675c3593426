package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// nestedInner is a condition on the middle subquery's table b holding a
// subquery of its own over table c: uncorrelated (an IN list, a scalar,
// an EXISTS), pinned to one item by its id, or correlated with b or with
// the outermost table a.
func (g *subqueryGen) nestedInner(mid genFrom) string {
	not := ""
	if g.chance(0.3) {
		not = "NOT "
	}
	switch g.r.Intn(6) {
	case 5:
		// Correlated with the outermost table a.
		x, _ := g.col(mid, "b", kindInt)
		k, _ := g.col(g.outer, "a", kindText)
		return x.expr + " " + not + "IN (SELECT c.qty FROM items c WHERE c.kind = " + k.expr + ")"
	case 0:
		x, _ := g.col(mid, "b", kindInt)
		return x.expr + " " + not + "IN (SELECT c.qty FROM items c WHERE c.qty > " + g.literal(kindInt) + ")"
	case 1:
		x, _ := g.col(mid, "b", kindText)
		return x.expr + " " + not + "IN (SELECT c.kind FROM items c WHERE c.id = " + fmt.Sprint(1+g.r.Intn(60)) + ")"
	case 2:
		x, _ := g.col(mid, "b", kindInt)
		return x.expr + " > (SELECT MIN(c.weight) FROM item_tags c)"
	case 3:
		x, _ := g.col(mid, "b", kindText)
		return not + "EXISTS (SELECT 1 FROM tokens c WHERE c.note = " + x.expr + ")"
	}
	x, _ := g.col(mid, "b", kindInt)
	return not + "EXISTS (SELECT 1 FROM items c WHERE c.id = " + x.expr + " AND c.qty > " + g.literal(kindInt) + ")"
}

// nestedCondition is a correlated EXISTS or IN subquery of the outer
// table a whose WHERE holds a nestedInner subquery.
func (g *subqueryGen) nestedCondition() string {
	not := ""
	if g.chance(0.3) {
		not = "NOT "
	}
	if g.chance(0.25) {
		// The middle pinned to one item by its id, the inner to another:
		// on one shard or two.
		k, _ := g.col(g.outer, "a", kindText)
		ts := subqueryTables()
		return not + "EXISTS (SELECT 1 FROM items b WHERE b.id = " + fmt.Sprint(1+g.r.Intn(60)) + " AND b.kind = " + k.expr + " AND " + g.nestedInner(ts[0]) + ")"
	}
	if g.chance(0.5) {
		in, where := g.correlation(false)
		return not + "EXISTS (SELECT 1 FROM " + in.from + " b WHERE " + where + " AND " + g.nestedInner(in) + ")"
	}
	x, _ := g.col(g.outer, "a", kindInt)
	in, where := g.correlation(false)
	y, _ := g.col(in, "b", kindInt)
	return x.expr + " " + not + "IN (SELECT " + y.expr + " FROM " + in.from + " b WHERE " + where + " AND " + g.nestedInner(in) + ")"
}

// havingSubquery is a HAVING condition over the aggregates of a grouped
// SELECT with an uncorrelated subquery: the aggregate IN or NOT IN a
// list, compared with a scalar directly or inside arithmetic, or beside
// an EXISTS.
func (g *subqueryGen) havingSubquery() string {
	n, _ := g.col(g.outer, "a", kindInt)
	aggs := []string{"COUNT(*)", "MAX(" + n.expr + ")", "MIN(" + n.expr + ")", "SUM(" + n.expr + ")", "COUNT(" + n.expr + ")"}
	agg := aggs[g.r.Intn(len(aggs))]
	ops := []string{"=", "<>", "<", ">="}
	op := ops[g.r.Intn(len(ops))]
	switch g.r.Intn(5) {
	case 0:
		not := ""
		if g.chance(0.4) {
			not = "NOT "
		}
		return agg + " " + not + "IN (SELECT c.qty FROM items c WHERE c.qty > " + g.literal(kindInt) + ")"
	case 1:
		return agg + " " + op + " (SELECT AVG(c.qty) FROM items c)"
	case 2:
		return agg + " " + op + " (SELECT MAX(c.weight) FROM item_tags c) - " + g.literal(kindInt)
	case 3:
		return "(" + agg + " > " + g.literal(kindInt) + " OR EXISTS (SELECT 1 FROM tokens c WHERE c.note = " + g.text() + "))"
	}
	return "NOT (" + agg + " IN (SELECT c.weight FROM item_tags c))"
}

// outerJoinOn is a LEFT or RIGHT JOIN of the outer table a with another
// table b across shards whose ON holds, beside the key equality, an
// uncorrelated subquery or one correlated with the nullable side b.
func (g *subqueryGen) outerJoinOn() (string, string) {
	ts := subqueryTables()
	in := ts[g.pickWeighted(2, 2, 3)]
	ic, _ := g.col(in, "b", kindInt)
	oc, _ := g.col(g.outer, "a", kindInt)
	// The subquery's condition reads the nullable side b or the other a.
	side, q := in, "b"
	if g.chance(0.4) {
		side, q = g.outer, "a"
	}
	x, _ := g.col(side, q, kindInt)
	t, _ := g.col(side, q, kindText)
	var sub string
	switch g.r.Intn(6) {
	case 4:
		// Correlated with the nullable side only.
		bt, ok := g.col(in, "b", kindText)
		if !ok {
			bt, _ = g.col(in, "b", kindInt)
			sub = "EXISTS (SELECT 1 FROM items c WHERE c.id = " + bt.expr + " AND c.qty > " + g.literal(kindInt) + ")"
			break
		}
		sub = "EXISTS (SELECT 1 FROM items c WHERE c.kind = " + bt.expr + " AND c.qty > " + g.literal(kindInt) + ")"
	case 5:
		bi, _ := g.col(in, "b", kindInt)
		not := ""
		if g.chance(0.4) {
			not = "NOT "
		}
		sub = bi.expr + " " + not + "IN (SELECT c.weight FROM item_tags c WHERE c.item_id = " + bi.expr + ")"
	case 0:
		not := ""
		if g.chance(0.4) {
			not = "NOT "
		}
		sub = x.expr + " " + not + "IN (SELECT c.qty FROM items c WHERE c.qty > " + g.literal(kindInt) + ")"
	case 1:
		sub = t.expr + " IN (SELECT c.code FROM kinds c)"
	case 2:
		sub = x.expr + " < (SELECT AVG(c.weight) FROM item_tags c) + " + g.literal(kindInt)
	default:
		sub = "(" + x.expr + " IS NULL OR EXISTS (SELECT 1 FROM tokens c WHERE c.note = " + g.text() + "))"
	}
	on := ic.expr + " = " + oc.expr + " AND " + sub
	if g.chance(0.5) {
		return " FROM " + g.outer.from + " a LEFT JOIN " + in.from + " b ON " + on, ic.expr
	}
	return " FROM " + in.from + " b RIGHT JOIN " + g.outer.from + " a ON " + on, ic.expr
}

// subqueryNestedQuery is a SELECT with a subquery inside a correlated
// subquery, an uncorrelated subquery in HAVING over aggregates, or a
// subquery in the ON of an outer join across shards.
func (g *queryGen) subqueryNestedQuery() genQuery {
	sg, cols := g.subqueryOuter()
	var sb strings.Builder
	switch g.pickWeighted(3, 3, 3) {
	case 0:
		fmt.Fprintf(&sb, "SELECT %s FROM %s a WHERE %s", aliased(cols), sg.outer.from, sg.nestedCondition())
	case 1:
		k, _ := sg.col(sg.outer, "a", -1)
		fmt.Fprintf(&sb, "SELECT %s AS k, COUNT(*) AS n FROM %s a GROUP BY %s HAVING %s", k.expr, sg.outer.from, k.expr, sg.havingSubquery())
	default:
		// The select list is drawn first: it has no literals, the ON has.
		from, inner := sg.outerJoinOn()
		fmt.Fprintf(&sb, "SELECT %s, %s AS j%s", aliased(cols), inner, from)
	}
	return genQuery{sql: sb.String(), args: g.args}
}

// Generated statements with a subquery inside a correlated subquery,
// uncorrelated subqueries in HAVING over aggregates merged at the router
// and in the ON of outer joins across shards return the rows one
// database returns.
func TestQueryGenNestedSubqueriesEqualOneDatabase(t *testing.T) {
	compareSubqueryGen(t, func(g *queryGen) genQuery { return g.subqueryNestedQuery() })
}
