package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// outerOnSubqueryQuery is a LEFT JOIN (or a RIGHT JOIN) of two tables
// across shards, perhaps after an inner join of the preserved side with
// kinds, whose ON holds besides the key a subquery correlated with the
// preserved side's columns, and now and then the nullable side's (or
// the vindex columns of both, which join them to the subquery's table):
// EXISTS, NOT EXISTS, [NOT] IN (over NULLs; its x a column or an
// expression over the joined rows) or a comparison with a
// scalar aggregate, now and then under NOT or OR, an outer column named
// without its table where only one table of the join has it and the
// subquery's table (now and then a derived table of its columns) has
// none; now and then the nullable side is itself a join, b JOIN kinds.
func (g *queryGen) outerOnSubqueryQuery() genQuery {
	ts := joinTables()
	a := genUse{f: ts[g.pickWeighted(4, 3, 3, 0)], q: "a"}
	b := genUse{f: ts[g.pickWeighted(3, 3, 4, 1)], q: "b"}
	s := genUse{f: ts[g.pickWeighted(3, 2, 2, 2)], q: "s"}
	var items []string
	for i := 0; i < 1+g.r.Intn(3); i++ {
		u := []genUse{a, b}[g.r.Intn(2)]
		items = append(items, fmt.Sprintf("%s.%s AS c%d", u.q, u.f.cols[g.r.Intn(len(u.f.cols))].expr, i))
	}
	// Whether kinds joins the preserved side is drawn first: the ON's
	// subquery names its columns qualified then.
	g.joinsKinds = g.chance(0.2)
	// Now and then the nullable side is a join of b with kinds (as n).
	nested, bText := "", ""
	if c, ok := b.col(g, kindText); ok && !g.joinsKinds && g.chance(0.25) {
		nested, bText = b.f.from+" b JOIN kinds n ON n.code = "+c, c
		g.nestsKinds = true
	}
	on := g.joinKey(a, b, false) + " AND " + g.onSubquery(a, b, s)
	var from string
	switch {
	case nested != "":
		if g.chance(0.3) {
			on += " AND n.label <> " + bText
		}
		from = fmt.Sprintf("%s a LEFT JOIN (%s) ON %s", a.f.from, nested, on)
	case g.chance(0.25):
		from = fmt.Sprintf("%s b RIGHT JOIN %s a ON %s", b.f.from, a.f.from, on)
	default:
		from = fmt.Sprintf("%s a LEFT JOIN %s b ON %s", a.f.from, b.f.from, on)
	}
	if g.joinsKinds {
		if c, ok := a.col(g, kindText); ok {
			from = strings.Replace(from, a.f.from+" a", a.f.from+" a JOIN kinds k ON k.code = "+c, 1)
			if strings.Contains(from, "RIGHT JOIN") {
				from = fmt.Sprintf("%s a JOIN kinds k ON k.code = %s LEFT JOIN %s b ON %s", a.f.from, c, b.f.from, on)
			}
		}
	}
	return genQuery{sql: "SELECT " + strings.Join(items, ", ") + " FROM " + from + " WHERE " + g.restrict(a), args: g.args}
}

// onSubquery is a condition holding a subquery over s correlated with a,
// and now and then with b.
func (g *queryGen) onSubquery(a, b, s genUse) string {
	name := func(u genUse, c genColumn) string {
		kinds := genUse{f: joinTables()[3]}
		if g.chance(0.25) && !hasColumn(s, c.expr) && !(hasColumn(a, c.expr) && hasColumn(b, c.expr)) && !((g.joinsKinds || g.nestsKinds) && hasColumn(kinds, c.expr)) {
			return c.expr
		}
		return u.q + "." + c.expr
	}
	corr := func(u genUse) (string, bool) {
		for _, k := range []genKind{kindInt, kindText}[g.r.Intn(2):] {
			oc, ok1 := pickColumn(g, u, k)
			ic, ok2 := pickColumn(g, s, k)
			if ok1 && ok2 {
				op := "="
				if k == kindInt && g.chance(0.3) {
					op = []string{"<", ">="}[g.r.Intn(2)]
				}
				return "s." + ic.expr + " " + op + " " + name(u, oc), true
			}
		}
		return "", false
	}
	var where []string
	if s.f.vindex != "" && a.f.vindex != "" && b.f.vindex != "" && s.f.vindexKind == kindInt && a.f.vindexKind == kindInt && b.f.vindexKind == kindInt && g.chance(0.15) {
		// Both sides' vindex columns equal the subquery's: that places
		// its rows with each pair's, not a's with b's.
		where = append(where, "s."+s.f.vindex+" = "+a.q+"."+a.f.vindex, "s."+s.f.vindex+" = "+b.q+"."+b.f.vindex)
	} else {
		if c, ok := corr(a); ok {
			where = append(where, c)
		}
		if g.chance(0.6) {
			if c, ok := corr(b); ok {
				where = append(where, c)
			}
		}
	}
	if len(where) == 0 {
		where = append(where, "s."+s.f.cols[0].expr+" IS NOT NULL AND "+a.q+"."+a.f.cols[0].expr+" IS NOT NULL")
	}
	if g.chance(0.3) {
		where = append(where, g.sideCond(s))
	}
	src := s.f.from
	if g.chance(0.25) {
		// A derived table of the table's columns, which the subquery's
		// unqualified names resolve in.
		names := make([]string, len(s.f.cols))
		for i, c := range s.f.cols {
			names[i] = c.expr
		}
		src = "(SELECT " + strings.Join(names, ", ") + " FROM " + s.f.from + ")"
	}
	body := " FROM " + src + " s WHERE " + strings.Join(where, " AND ")
	var cond string
	switch g.r.Intn(5) {
	case 0:
		cond = "EXISTS (SELECT 1" + body + ")"
	case 1:
		cond = "NOT EXISTS (SELECT 1" + body + ")"
	case 2, 3:
		k := []genKind{kindInt, kindText}[g.r.Intn(2)]
		u := []genUse{a, b}[g.r.Intn(2)]
		oc, ok1 := pickColumn(g, u, k)
		ic, ok2 := pickColumn(g, s, k)
		if !ok1 || !ok2 {
			cond = "EXISTS (SELECT 1" + body + ")"
			break
		}
		left := u.q + "." + oc.expr
		if g.chance(0.35) {
			left = g.onInExpression(left, a, b, k)
		}
		cond = fmt.Sprintf("%s %s (SELECT s.%s%s)", left, []string{"IN", "NOT IN"}[g.r.Intn(2)], ic.expr, body)
	default:
		u := []genUse{a, b}[g.r.Intn(2)]
		oc, ok := pickColumn(g, u, kindInt)
		ic, ok2 := pickColumn(g, s, kindInt)
		if !ok || !ok2 {
			cond = "NOT EXISTS (SELECT 1" + body + ")"
			break
		}
		agg := []string{"MAX(s." + ic.expr + ")", "COUNT(*)", "MIN(s." + ic.expr + ")"}[g.r.Intn(3)]
		cond = fmt.Sprintf("%s.%s %s (SELECT %s%s)", u.q, oc.expr, []string{"<", ">=", "="}[g.r.Intn(3)], agg, body)
	}
	switch g.r.Intn(6) {
	case 0:
		cond = "NOT (" + cond + ")"
	case 1:
		cond = "(" + cond + " OR " + g.sideCond([]genUse{a, b}[g.r.Intn(2)]) + ")"
	}
	return cond
}

// onInExpression is an expression of kind k over the joined rows
// around the column x: arithmetic on it, or it and a column of a or b
// combined.
func (g *queryGen) onInExpression(x string, a, b genUse, k genKind) string {
	u := []genUse{a, b}[g.r.Intn(2)]
	other, ok := pickColumn(g, u, k)
	if k == kindText {
		if !ok {
			return x
		}
		return "COALESCE(" + x + ", " + u.q + "." + other.expr + ")"
	}
	switch g.r.Intn(4) {
	case 0:
		return x + " + 1"
	case 1:
		return x + " * 2"
	case 2:
		if ok {
			return x + " + " + u.q + "." + other.expr
		}
	}
	if ok {
		return "COALESCE(" + x + ", " + u.q + "." + other.expr + ")"
	}
	return x + " - 1"
}

// pickColumn returns a column of u of a kind, and whether it has one.
func pickColumn(g *queryGen, u genUse, k genKind) (genColumn, bool) {
	var cs []genColumn
	for _, c := range u.f.cols {
		if c.kind == k {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return genColumn{}, false
	}
	return cs[g.r.Intn(len(cs))], true
}

// hasColumn reports a column of u's table of that name.
func hasColumn(u genUse, name string) bool {
	for _, c := range u.f.cols {
		if c.expr == name {
			return true
		}
	}
	return false
}

// Generated outer joins across shards whose ON holds a subquery reading
// the preserved side return the rows one database returns.
func TestQueryGenOuterJoinOnSubqueriesEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 120, "outer joins with ON subqueries", (*queryGen).outerOnSubqueryQuery)
}
