package vitessdo_test

import (
	"database/sql"
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
)

// subqueryTables are the tables the correlated subquery generator uses,
// as outer and as inner table: items and item_tags sharded by item id,
// tokens by a binary key (its item_id is no vindex column). Only integer
// and text columns, so a correlation compares values of one kind.
func subqueryTables() []genFrom {
	return []genFrom{
		{from: "items", cols: []genColumn{{"id", kindInt}, {"grp", kindText}, {"name", kindText}, {"qty", kindInt}, {"kind", kindText}}, unique: []string{"id"}, vindex: "id"},
		{from: "item_tags", cols: []genColumn{{"item_id", kindInt}, {"tag", kindText}, {"weight", kindInt}}, unique: []string{"item_id", "tag"}, vindex: "item_id"},
		{from: "tokens", cols: []genColumn{{"item_id", kindInt}, {"note", kindText}}},
	}
}

// subqueryGen builds one statement with correlated subqueries: the outer
// table is a, every subquery's table b.
type subqueryGen struct {
	*queryGen
	outer genFrom
}

// col returns a column of f qualified by q, of kind k when k >= 0.
func (g *subqueryGen) col(f genFrom, q string, k genKind) (genColumn, bool) {
	var cs []genColumn
	for _, c := range f.cols {
		if k < 0 || c.kind == k {
			cs = append(cs, genColumn{q + "." + c.expr, c.kind})
		}
	}
	if len(cs) == 0 {
		return genColumn{}, false
	}
	return cs[g.r.Intn(len(cs))], true
}

// correlation returns an inner table and the conditions of its WHERE:
// one or two equalities of an inner and an outer column of one kind
// (often the inner's vindex column, so the batch routes the inner
// statement), sometimes with a condition on the inner table alone and,
// when residual, one comparing inner and outer columns otherwise.
func (g *subqueryGen) correlation(residual bool) (genFrom, string) {
	ts := subqueryTables()
	in := ts[g.pickWeighted(3, 2, 2)]
	kind := kindInt
	if g.chance(0.25) {
		kind = kindText
	}
	ic, ok1 := g.col(in, "b", kind)
	oc, ok2 := g.col(g.outer, "a", kind)
	if !ok1 || !ok2 {
		kind = kindInt
		ic, _ = g.col(in, "b", kind)
		oc, _ = g.col(g.outer, "a", kind)
	}
	if kind == kindInt && in.vindex != "" && g.chance(0.5) {
		ic = genColumn{"b." + in.vindex, kindInt}
	}
	if kind == kindInt && g.chance(0.15) {
		oc.expr += " + 1"
	}
	conds := []string{ic.expr + " = " + oc.expr}
	if g.chance(0.5) {
		conds[0] = oc.expr + " = " + ic.expr
	}
	if g.chance(0.15) {
		if x, ok := g.col(in, "b", kindText); ok {
			if y, ok := g.col(g.outer, "a", kindText); ok {
				conds = append(conds, x.expr+" = "+y.expr)
			}
		}
	}
	if residual && g.chance(0.25) {
		// A correlation the router evaluates over the candidate rows.
		x, _ := g.col(in, "b", kindInt)
		y, _ := g.col(g.outer, "a", kindInt)
		ops := []string{"<", ">=", "<>"}
		r := x.expr + " " + ops[g.r.Intn(len(ops))] + " " + y.expr
		if g.chance(0.3) {
			r = "(" + r + " OR " + x.expr + " IS NULL)"
		}
		conds = append(conds, r)
	}
	if g.chance(0.5) {
		c, _ := g.col(in, "b", -1)
		switch g.r.Intn(3) {
		case 0:
			conds = append(conds, c.expr+" IS NULL")
		case 1:
			conds = append(conds, c.expr+" IS NOT NULL")
		default:
			ops := []string{"=", "<>", "<", ">="}
			conds = append(conds, c.expr+" "+ops[g.r.Intn(len(ops))]+" "+g.literal(c.kind))
		}
	}
	return in, strings.Join(conds, " AND ")
}

// derivedInner returns the inner table in as a derived table of its
// columns and unqualifies in where each outer column whose name no
// column of in has: the backend reads it as the outer table's.
func (g *subqueryGen) derivedInner(in genFrom, where *string) string {
	names := make([]string, len(in.cols))
	own := map[string]bool{}
	for i, c := range in.cols {
		names[i] = c.expr
		own[c.expr] = true
	}
	for _, c := range g.outer.cols {
		if !own[c.expr] && g.chance(0.8) {
			*where = regexp.MustCompile(`\ba\.`+c.expr+`\b`).ReplaceAllString(*where, c.expr)
		}
	}
	return "(SELECT " + strings.Join(names, ", ") + " FROM " + in.from + ")"
}

// condition is a correlated [NOT] EXISTS or x [NOT] IN (SELECT y …).
func (g *subqueryGen) condition() string {
	not := ""
	if g.chance(0.5) {
		not = "NOT "
	}
	if g.chance(0.4) {
		in, where := g.correlation(true)
		if g.chance(0.3) {
			return not + "EXISTS (SELECT 1 FROM " + g.derivedInner(in, &where) + " b WHERE " + where + ")"
		}
		return not + "EXISTS (SELECT 1 FROM " + in.from + " b WHERE " + where + ")"
	}
	x, _ := g.col(g.outer, "a", -1)
	// The select list comes before WHERE in the text: its literals bind
	// first, so it is drawn first (it has none).
	in, where := g.correlation(true)
	y, ok := g.col(in, "b", x.kind)
	if !ok {
		x, _ = g.col(g.outer, "a", kindInt)
		y, _ = g.col(in, "b", kindInt)
	}
	if not == "" && g.chance(0.15) {
		// NOT over IN is NOT IN.
		return "NOT (" + x.expr + " IN (SELECT " + y.expr + " FROM " + in.from + " b WHERE " + where + "))"
	}
	return x.expr + " " + not + "IN (SELECT " + y.expr + " FROM " + in.from + " b WHERE " + where + ")"
}

// valueCondition compares an outer column with a correlated scalar
// subquery (an aggregate per outer row, or the column of the one item an
// id names), sometimes under OR.
func (g *subqueryGen) valueCondition() string {
	oc, _ := g.col(g.outer, "a", kindInt)
	var sub string
	if g.chance(0.7) {
		in, where := g.correlation(false)
		n, _ := g.col(in, "b", kindInt)
		aggs := []string{"COUNT(*)", "COUNT(" + n.expr + ")", "MAX(" + n.expr + ")", "MIN(" + n.expr + ")", "SUM(" + n.expr + ")"}
		sub = "(SELECT " + aggs[g.r.Intn(len(aggs))] + " FROM " + in.from + " b WHERE " + where + ")"
	} else {
		key, _ := g.col(g.outer, "a", kindInt)
		sub = "(SELECT b.qty FROM items b WHERE b.id = " + key.expr + ")"
	}
	ops := []string{"=", "<>", "<", ">="}
	cond := oc.expr + " " + ops[g.r.Intn(len(ops))] + " " + sub
	if g.chance(0.2) {
		cond = "(" + cond + " OR " + oc.expr + " IS NULL)"
	}
	return cond
}

// scalar is a scalar subquery of the select list: an aggregate per outer
// row (COUNT over no rows is 0, the others NULL), a column of the one
// item an id names, or an uncorrelated aggregate.
func (g *subqueryGen) scalar() string {
	switch g.pickWeighted(6, 2, 1) {
	case 0:
		in, where := g.correlation(false)
		y, _ := g.col(in, "b", -1)
		n, _ := g.col(in, "b", kindInt)
		aggs := []string{"COUNT(*)", "COUNT(" + y.expr + ")", "MAX(" + y.expr + ")", "MIN(" + y.expr + ")", "SUM(" + n.expr + ")"}
		return "(SELECT " + aggs[g.r.Intn(len(aggs))] + " FROM " + in.from + " b WHERE " + where + ")"
	case 1:
		oc, _ := g.col(g.outer, "a", kindInt)
		y, _ := g.col(subqueryTables()[0], "b", -1)
		more := ""
		if g.chance(0.3) {
			other, _ := g.col(g.outer, "a", kindInt)
			more = " AND b.qty < " + other.expr
		}
		return "(SELECT " + y.expr + " FROM items b WHERE b.id = " + oc.expr + more + ")"
	}
	aggs := []string{"(SELECT MAX(weight) FROM item_tags)", "(SELECT COUNT(*) FROM tokens WHERE note IS NULL)", "(SELECT MIN(name) FROM items WHERE qty > 100)"}
	return aggs[g.r.Intn(len(aggs))]
}

// subqueryQuery is a SELECT over one table with correlated subqueries
// over other shards: conditions of WHERE, scalar subqueries of the select
// list, and sometimes a horizon (aggregates, GROUP BY, DISTINCT, ORDER BY
// every column with LIMIT) over the rows the conditions keep.
func (g *queryGen) subqueryQuery() genQuery {
	sg, cols := g.subqueryOuter()
	// where is a WHERE of correlated conditions; with values, sometimes
	// one comparing a correlated scalar subquery.
	whereOf := func(values bool) string {
		var conds []string
		if g.chance(0.3) {
			c, _ := sg.col(sg.outer, "a", -1)
			conds = append(conds, c.expr+" IS NOT NULL")
		}
		for i := 0; i < 1+g.r.Intn(2); i++ {
			if values && g.chance(0.25) {
				conds = append(conds, sg.valueCondition())
				continue
			}
			conds = append(conds, sg.condition())
		}
		return " WHERE " + strings.Join(conds, " AND ")
	}
	where := func() string { return whereOf(true) }
	from := " FROM " + sg.outer.from + " a"
	var sb strings.Builder
	switch g.pickWeighted(4, 4, 2, 1, 1, 2, 2, 2) {
	case 0:
		sb.WriteString("SELECT " + aliased(cols) + from + where())
		if len(sg.outer.unique) > 0 && g.chance(0.3) {
			// ORDER BY a unique key alone runs on the shards.
			var by []string
			for _, u := range sg.outer.unique {
				by = append(by, "a."+u+direction(g.r))
			}
			sb.WriteString(" ORDER BY " + strings.Join(by, ", "))
			return genQuery{sql: sb.String(), args: g.args, ordered: true}
		}
	case 1:
		sb.WriteString("SELECT " + aliased(cols))
		for i := 0; i < 1+g.r.Intn(2); i++ {
			fmt.Fprintf(&sb, ", %s AS s%d", sg.scalar(), i)
		}
		sb.WriteString(from)
		if g.chance(0.3) {
			sb.WriteString(whereOf(false))
		}
	case 2:
		fmt.Fprintf(&sb, "SELECT COUNT(*) AS n, MAX(%s) AS hi, COUNT(%s) AS m%s%s", cols[0], cols[len(cols)-1], from, where())
	case 3:
		fmt.Fprintf(&sb, "SELECT %s AS k, COUNT(*) AS n%s%s GROUP BY %s", cols[0], from, where(), cols[0])
		if g.chance(0.3) {
			sb.WriteString(" HAVING COUNT(*) > 1")
		}
	case 4:
		sb.WriteString("SELECT DISTINCT " + aliased(cols) + from + where())
	case 5:
		var by []string
		for i := range cols {
			by = append(by, fmt.Sprintf("c%d", i))
			if g.chance(0.3) {
				by[i] += " DESC"
			}
		}
		fmt.Fprintf(&sb, "SELECT %s%s%s ORDER BY %s LIMIT %d", aliased(cols), from, where(), strings.Join(by, ", "), 1+g.r.Intn(12))
		return genQuery{sql: sb.String(), args: g.args, ordered: true}
	case 7:
		// A count per outer row in an expression, under DISTINCT, in an
		// aggregate, or ordering the rows: the router evaluates the
		// horizon over the values.
		in, corr := sg.correlation(false)
		count := "(SELECT COUNT(*) FROM " + in.from + " b WHERE " + corr + ")"
		switch g.r.Intn(4) {
		case 0:
			fmt.Fprintf(&sb, "SELECT %s, %s + 1 AS s0%s", aliased(cols), count, from)
		case 1:
			fmt.Fprintf(&sb, "SELECT DISTINCT %s AS s0%s", count, from)
		case 2:
			fmt.Fprintf(&sb, "SELECT %s AS k, SUM(%s) AS s0, COUNT(*) AS n%s GROUP BY %s", cols[0], count, from, cols[0])
		default:
			fmt.Fprintf(&sb, "SELECT %s, %s AS s0%s", aliased(cols), count, from)
			if len(sg.outer.unique) == 0 {
				return genQuery{sql: sb.String(), args: g.args}
			}
			by := []string{"s0" + direction(g.r)}
			for _, u := range sg.outer.unique {
				by = append(by, "a."+u)
			}
			fmt.Fprintf(&sb, " ORDER BY %s LIMIT %d", strings.Join(by, ", "), 1+g.r.Intn(30))
			return genQuery{sql: sb.String(), args: g.args, ordered: true}
		}
	default:
		// Scalar subqueries of rows ordered by a unique key and cut by a
		// LIMIT: the shards order and limit the rows, the values come after.
		sb.WriteString("SELECT " + aliased(cols))
		fmt.Fprintf(&sb, ", %s AS s0", sg.scalar())
		sb.WriteString(from)
		return sg.orderedByUnique(&sb)
	}
	return genQuery{sql: sb.String(), args: g.args}
}

// orderedByUnique ends a statement over the outer table with an ORDER BY
// of its unique key (a total order, so the rows compare in order) and a
// LIMIT; over a table without one, it ends it as it is.
func (g *subqueryGen) orderedByUnique(sb *strings.Builder) genQuery {
	if len(g.outer.unique) == 0 {
		return genQuery{sql: sb.String(), args: g.args}
	}
	var by []string
	for _, u := range g.outer.unique {
		by = append(by, "a."+u+direction(g.r))
	}
	fmt.Fprintf(sb, " ORDER BY %s LIMIT %d", strings.Join(by, ", "), 1+g.r.Intn(30))
	return genQuery{sql: sb.String(), args: g.args, ordered: true}
}

// subqueryOuter picks the outer table a of a generated statement and
// one or two of its columns to select.
func (g *queryGen) subqueryOuter() (*subqueryGen, []string) {
	ts := subqueryTables()
	sg := &subqueryGen{queryGen: g, outer: ts[g.pickWeighted(3, 2, 2)]}
	var cols []string
	for i := 0; i < 1+g.r.Intn(2); i++ {
		c, _ := sg.col(sg.outer, "a", -1)
		cols = append(cols, c.expr)
	}
	return sg, cols
}

// aliased names columns c0, c1, … in a select list.
func aliased(cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = fmt.Sprintf("%s AS c%d", c, i)
	}
	return strings.Join(out, ", ")
}

// Generated statements with correlated subqueries over other shards
// (EXISTS, NOT EXISTS, IN, NOT IN, scalar subqueries of the select list)
// return the rows one database returns, with the outer rows in batches
// of 16 (join_batch), so most statements bind several batches.
func TestQueryGenCorrelatedSubqueriesEqualOneDatabase(t *testing.T) {
	compareSubqueryGen(t, func(g *queryGen) genQuery { return g.subqueryQuery() })
}

// compareSubqueryGen runs statements of gen (150 per engine, fewer with
// -short) over the generator's tables on four shards with join_batch 16
// and on one database, and requires the same rows; at most one in ten
// may be refused.
func compareSubqueryGen(t *testing.T, gen func(*queryGen) genQuery) {
	n := 150
	if *queryGenN != 0 {
		n = *queryGenN
	} else if testing.Short() {
		n = n * 3 / 10
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		cfg := &vitessdo.Config{VSchemaJSON: []byte(mergeVSchema), Shards: map[string]string{}, JoinBatch: 16}
		for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
			cfg.Shards["shop/"+sh] = e.url(t, "shop", sh)
		}
		c, err := vitessdo.NewConnector(cfg)
		if err != nil {
			t.Fatal(err)
		}
		p := &pair{e: e, sharded: sql.OpenDB(c), oracle: openSharded(t, e, unshardedVSchema(t, mergeVSchema))}
		t.Cleanup(func() { p.sharded.Close() })
		loadMergeItems(t, p, genData())
		st := &genStats{reasons: map[string]int{}}
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			g := &queryGen{r: rand.New(rand.NewSource(seed))}
			compareGenQuery(t, p, seed, gen(g), st)
			if st.mismatches >= 20 {
				t.Fatalf("stopping after %d mismatches", st.mismatches)
			}
		}
		st.report(t, e.name)
		if st.unsupported*10 > st.run {
			t.Errorf("%d of %d generated statements with correlated subqueries are unsupported: %v", st.unsupported, st.run, st.reasons)
		}
	})
}
