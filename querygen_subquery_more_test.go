package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// markCondition is a correlated EXISTS or IN subquery that is not a
// condition of WHERE joined by AND: under OR or NOT, or tested IS NULL.
func (g *subqueryGen) markCondition() string {
	cond := g.anyCondition()
	switch g.r.Intn(4) {
	case 0:
		c, _ := g.col(g.outer, "a", -1)
		return "(" + cond + " OR " + c.expr + " IS NULL)"
	case 1:
		c, _ := g.col(g.outer, "a", kindInt)
		return "(" + cond + " OR " + c.expr + " < " + g.literal(kindInt) + ")"
	case 2:
		c, _ := g.col(g.outer, "a", -1)
		return "NOT (" + cond + " AND " + c.expr + " IS NOT NULL)"
	}
	return "(" + cond + ") IS NULL"
}

// anyCondition is a correlated condition of any class: by key
// equalities, with a horizon of its own, or without an equality.
func (g *subqueryGen) anyCondition() string {
	switch g.pickWeighted(3, 2, 2) {
	case 1:
		return g.innerHorizon()
	case 2:
		return g.inequality()
	}
	return g.condition()
}

// intPair returns an integer column of the outer table and one of t.
func (g *subqueryGen) intPair(t genFrom) (genColumn, genColumn) {
	x, _ := g.col(g.outer, "a", kindInt)
	y, _ := g.col(t, "b", kindInt)
	return x, y
}

// innerHorizon is an EXISTS or IN subquery with a GROUP BY, HAVING,
// LIMIT or aggregate of its own.
func (g *subqueryGen) innerHorizon() string {
	not := ""
	if g.chance(0.4) {
		not = "NOT "
	}
	switch g.r.Intn(6) {
	case 0:
		in, where := g.correlation(true)
		k, _ := g.col(in, "b", -1)
		return not + "EXISTS (SELECT " + k.expr + " FROM " + in.from + " b WHERE " + where + " GROUP BY " + k.expr + " HAVING COUNT(*) > 1)"
	case 1:
		in, where := g.correlation(true)
		return not + "EXISTS (SELECT 1 FROM " + in.from + " b WHERE " + where + " LIMIT 1)"
	case 2:
		x, _ := g.col(g.outer, "a", kindInt)
		in, where := g.correlation(false)
		_, n := g.intPair(in)
		aggs := []string{"MAX", "MIN", "COUNT", "SUM"}
		return x.expr + " " + not + "IN (SELECT " + aggs[g.r.Intn(len(aggs))] + "(" + n.expr + ") FROM " + in.from + " b WHERE " + where + ")"
	case 3:
		x, _ := g.col(g.outer, "a", kindInt)
		in, where := g.correlation(true)
		_, n := g.intPair(in)
		return x.expr + " " + not + "IN (SELECT " + n.expr + " FROM " + in.from + " b WHERE " + where + " GROUP BY " + n.expr + " HAVING COUNT(*) >= 1)"
	case 4:
		// Uncorrelated, grouped: the ids with several tags.
		x, _ := g.col(g.outer, "a", kindInt)
		return x.expr + " " + not + "IN (SELECT b.item_id FROM item_tags b GROUP BY b.item_id HAVING COUNT(*) > 1)"
	}
	x, _ := g.col(g.outer, "a", kindInt)
	oc, _ := g.col(g.outer, "a", kindInt)
	return x.expr + " " + not + "IN (SELECT b.qty FROM items b WHERE b.qty > " + oc.expr + " ORDER BY b.id LIMIT 3)"
}

// inequality is an EXISTS or IN subquery correlated without an equality
// of an inner and an outer value.
func (g *subqueryGen) inequality() string {
	ts := subqueryTables()
	in := ts[g.pickWeighted(3, 2, 2)]
	x, y := g.intPair(in)
	ops := []string{"<", ">", "<>", ">="}
	corr := y.expr + " " + ops[g.r.Intn(len(ops))] + " " + x.expr
	if g.chance(0.3) {
		c, _ := g.col(in, "b", -1)
		corr += " AND " + c.expr + " IS NOT NULL"
	}
	not := ""
	if g.chance(0.4) {
		not = "NOT "
	}
	if g.chance(0.5) {
		return not + "EXISTS (SELECT 1 FROM " + in.from + " b WHERE " + corr + ")"
	}
	v, _ := g.col(g.outer, "a", kindInt)
	n, _ := g.col(in, "b", kindInt)
	return v.expr + " " + not + "IN (SELECT " + n.expr + " + 1 FROM " + in.from + " b WHERE " + corr + ")"
}

// scalarShape is a correlated scalar subquery with a horizon of its
// own: an expression over an aggregate, an aggregate with a condition
// beside its correlation or without an equality, the latest row by a
// unique order, DISTINCT over one row, an outer column as its item.
func (g *subqueryGen) scalarShape() string {
	switch g.r.Intn(6) {
	case 0:
		in, where := g.correlation(false)
		return "(SELECT COUNT(*) + 1 FROM " + in.from + " b WHERE " + where + ")"
	case 1:
		in, where := g.correlation(false)
		x, n := g.intPair(in)
		aggs := []string{"SUM", "MAX", "COUNT"}
		return "(SELECT " + aggs[g.r.Intn(len(aggs))] + "(" + n.expr + ") FROM " + in.from + " b WHERE " + where + " AND " + n.expr + " <= " + x.expr + ")"
	case 2:
		oc, _ := g.col(g.outer, "a", kindInt)
		y, _ := g.col(subqueryTables()[1], "b", -1)
		return "(SELECT " + y.expr + " FROM item_tags b WHERE b.item_id = " + oc.expr + " ORDER BY b.tag" + direction(g.r) + " LIMIT 1)"
	case 3:
		x, _ := g.col(g.outer, "a", kindInt)
		return "(SELECT MAX(b.qty) * 2 FROM items b WHERE b.qty < " + x.expr + ")"
	case 4:
		// Bound per outer tuple, the outer column typed as its own.
		x, _ := g.col(g.outer, "a", kindInt)
		y, _ := g.col(g.outer, "a", -1)
		return "(SELECT " + y.expr + " FROM items b WHERE b.qty < " + x.expr + " ORDER BY b.id LIMIT 1)"
	}
	oc, _ := g.col(g.outer, "a", kindInt)
	return "(SELECT DISTINCT b.grp FROM items b WHERE b.id = " + oc.expr + ")"
}

// grouped returns a generator whose outer table shows only one integer
// column (the GROUP BY key of a grouped SELECT), and that column.
func (g *subqueryGen) grouped() (*subqueryGen, genColumn) {
	k, _ := g.col(g.outer, "a", kindInt)
	f := g.outer
	f.cols = []genColumn{{strings.TrimPrefix(k.expr, "a."), kindInt}}
	return &subqueryGen{queryGen: g.queryGen, outer: f}, k
}

// subqueryMoreQuery is a SELECT over one table with the correlated
// subqueries the semi-join marks, binds per outer tuple or evaluates per
// group: conditions under OR and NOT, EXISTS and IN in the select list,
// subqueries in HAVING, inner statements with a horizon of their own,
// correlations without an equality, scalar subqueries with a horizon,
// beside * and in a grouped SELECT, conditions over marks beside *, and
// aggregates without GROUP BY beside uncorrelated subqueries.
func (g *queryGen) subqueryMoreQuery() genQuery {
	sg, cols := g.subqueryOuter()
	from := " FROM " + sg.outer.from + " a"
	var sb strings.Builder
	switch g.pickWeighted(4, 3, 3, 2, 2, 2, 2, 2) {
	case 0:
		var conds []string
		if g.chance(0.3) {
			c, _ := sg.col(sg.outer, "a", -1)
			conds = append(conds, c.expr+" IS NOT NULL")
		}
		for i := 0; i < 1+g.r.Intn(2); i++ {
			if g.chance(0.5) {
				conds = append(conds, sg.markCondition())
			} else {
				conds = append(conds, sg.anyCondition())
			}
		}
		sb.WriteString("SELECT " + aliased(cols) + from + " WHERE " + strings.Join(conds, " AND "))
	case 1:
		fmt.Fprintf(&sb, "SELECT %s, %s AS m0", aliased(cols), sg.anyCondition())
		if g.chance(0.3) {
			fmt.Fprintf(&sb, ", CASE WHEN %s THEN 'y' ELSE 'n' END AS m1", sg.anyCondition())
		}
		sb.WriteString(from)
		if g.chance(0.3) {
			sb.WriteString(" WHERE " + sg.markCondition())
		}
	case 2:
		fmt.Fprintf(&sb, "SELECT %s, %s AS s0%s", aliased(cols), sg.scalarShape(), from)
	case 3:
		gg, k := sg.grouped()
		var having string
		switch g.r.Intn(3) {
		case 0:
			having = gg.anyCondition()
		case 1:
			having = gg.markCondition() + " OR COUNT(*) > 1"
		default:
			having = gg.valueCondition()
		}
		fmt.Fprintf(&sb, "SELECT %s AS k, COUNT(*) AS n%s GROUP BY %s HAVING %s", k.expr, from, k.expr, having)
	case 4:
		gg, k := sg.grouped()
		fmt.Fprintf(&sb, "SELECT %s AS k, %s AS s0, COUNT(*) AS n%s GROUP BY %s", k.expr, gg.scalar(), from, k.expr)
	case 5:
		switch g.r.Intn(6) {
		case 4:
			fmt.Fprintf(&sb, "SELECT *, CASE WHEN %s THEN 'y' ELSE 'n' END AS m0%s", sg.anyCondition(), from)
		case 5:
			fmt.Fprintf(&sb, "SELECT DISTINCT *%s WHERE %s", from, sg.markCondition())
		case 0:
			fmt.Fprintf(&sb, "SELECT *, %s AS s0%s", sg.scalar(), from)
		case 1:
			fmt.Fprintf(&sb, "SELECT %s AS s0, a.*%s", sg.scalar(), from)
		case 2:
			fmt.Fprintf(&sb, "SELECT a.*, %s AS m0%s", sg.anyCondition(), from)
		default:
			fmt.Fprintf(&sb, "SELECT *%s WHERE %s", from, sg.markCondition())
		}
	case 6:
		// Aggregates without GROUP BY beside uncorrelated subqueries,
		// over the rows a semi-join keeps, sometimes none.
		n, _ := sg.col(sg.outer, "a", kindInt)
		items := []string{"(SELECT MAX(weight) FROM item_tags)", "EXISTS (SELECT 1 FROM items WHERE qty > 100)", "5 IN (SELECT qty FROM items)", "(SELECT COUNT(*) FROM tokens WHERE note IS NULL) + 1"}
		where := sg.markCondition()
		if g.chance(0.4) {
			where += " AND " + n.expr + " > 1000000"
		}
		fmt.Fprintf(&sb, "SELECT COUNT(*) AS n, MAX(%s) AS hi, %s AS u0%s WHERE %s", n.expr, items[g.r.Intn(len(items))], from, where)
	default:
		// Marks of rows ordered by a unique key and cut by a LIMIT.
		fmt.Fprintf(&sb, "SELECT %s, %s AS m0%s", aliased(cols), sg.anyCondition(), from)
		return sg.orderedByUnique(&sb)
	}
	return genQuery{sql: sb.String(), args: g.args}
}

// Generated statements with the correlated subqueries that run as marks,
// per outer tuple or per group return the rows one database returns,
// with the outer rows in batches of 16 (join_batch).
func TestQueryGenMoreCorrelatedSubqueriesEqualOneDatabase(t *testing.T) {
	compareSubqueryGen(t, func(g *queryGen) genQuery { return g.subqueryMoreQuery() })
}
