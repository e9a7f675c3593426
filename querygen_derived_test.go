package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// derivedCol is a column of a generated derived table: its name and the
// kind of its values.
type derivedCol struct {
	name string
	kind genKind
}

// derivedQuery is a SELECT over a generated derived table with a horizon
// of its own (GROUP BY with aggregates, DISTINCT, ORDER BY a unique key
// with LIMIT, scalar aggregates, a GROUP BY of the vindex column, or none),
// and an outer statement with conditions on its columns and a horizon
// (GROUP BY with aggregates, DISTINCT, aggregates, ORDER BY every column
// with LIMIT, or the rows as they are); sometimes it is itself the derived
// table of one more SELECT.
func (g *queryGen) derivedQuery() genQuery {
	g.f = genFroms()[g.pickWeighted(5, 3, 2, 2, 2, 1)]
	inner, cols := g.derivedInner()
	q := g.derivedOuter(inner, cols, "d")
	if g.chance(0.2) {
		// One more level: the outer statement as a derived table.
		if !q.ordered && len(q.cols) > 0 {
			sql := q.sql
			c := q.cols[g.r.Intn(len(q.cols))]
			switch g.r.Intn(3) {
			case 0:
				q.sql = "SELECT COUNT(*) AS c, COUNT(x." + c.name + ") AS cn FROM (" + sql + ") x"
			case 1:
				q.sql = "SELECT x." + c.name + ", COUNT(*) AS c FROM (" + sql + ") AS x GROUP BY x." + c.name
			default:
				q.sql = "SELECT * FROM (" + sql + ") x WHERE x." + c.name + " IS NOT NULL"
			}
		}
	}
	return q.genQuery
}

// derivedGen is a generated statement with its output columns.
type derivedGen struct {
	genQuery
	cols []derivedCol
}

// derivedInner returns the derived table's SELECT over g.f and its
// columns.
func (g *queryGen) derivedInner() (string, []derivedCol) {
	var sb strings.Builder
	var cols []derivedCol
	pick := func(pred func(genColumn) bool) genColumn { return g.column(pred) }
	where := g.where()
	switch g.pickWeighted(4, 2, 2, 1, 1, 1) {
	case 0:
		// GROUP BY one or two keys, with aggregates.
		k := pick(func(c genColumn) bool { return c.kind != kindBlob && c.kind != kindFloat })
		keys := []string{k.expr}
		cols = append(cols, derivedCol{"k0", k.kind})
		fmt.Fprintf(&sb, "SELECT %s AS k0", k.expr)
		if g.chance(0.4) {
			k2 := pick(func(c genColumn) bool { return c.kind != kindBlob && c.kind != kindFloat && c.expr != k.expr })
			keys = append(keys, k2.expr)
			cols = append(cols, derivedCol{"k1", k2.kind})
			fmt.Fprintf(&sb, ", %s AS k1", k2.expr)
		}
		num := pick(intCol)
		other := pick(func(c genColumn) bool { return c.kind != kindBlob && c.kind != kindFloat })
		fmt.Fprintf(&sb, ", COUNT(*) AS n, SUM(%s) AS s, MIN(%s) AS lo FROM %s%s GROUP BY %s", num.expr, other.expr, g.f.from, where, strings.Join(keys, ", "))
		cols = append(cols, derivedCol{"n", kindInt}, derivedCol{"s", kindInt}, derivedCol{"lo", other.kind})
		if g.chance(0.25) {
			fmt.Fprintf(&sb, " HAVING COUNT(*) > %d", g.r.Intn(3))
		}
	case 1:
		// DISTINCT of one or two columns.
		a := pick(notBlob)
		list := a.expr + " AS k0"
		cols = append(cols, derivedCol{"k0", a.kind})
		if g.chance(0.5) {
			b := pick(func(c genColumn) bool { return c.kind != kindBlob && c.expr != a.expr })
			list += ", " + b.expr + " AS k1"
			cols = append(cols, derivedCol{"k1", b.kind})
		}
		fmt.Fprintf(&sb, "SELECT DISTINCT %s FROM %s%s", list, g.f.from, where)
	case 2:
		// ORDER BY a unique key, with LIMIT: which rows are in is certain.
		a := pick(notBlob)
		fmt.Fprintf(&sb, "SELECT %s AS k0", a.expr)
		cols = append(cols, derivedCol{"k0", a.kind})
		var by []string
		for i, u := range g.f.unique {
			fmt.Fprintf(&sb, ", %s AS u%d", u, i)
			cols = append(cols, derivedCol{fmt.Sprintf("u%d", i), g.keyKind(u)})
			by = append(by, u+direction(g.r))
		}
		fmt.Fprintf(&sb, " FROM %s%s ORDER BY %s LIMIT %d", g.f.from, where, strings.Join(by, ", "), 1+g.r.Intn(15))
		if g.chance(0.3) {
			fmt.Fprintf(&sb, " OFFSET %d", g.r.Intn(6))
		}
	case 3:
		// Scalar aggregates.
		num := pick(intCol)
		other := pick(func(c genColumn) bool { return c.kind != kindBlob && c.kind != kindFloat })
		fmt.Fprintf(&sb, "SELECT COUNT(*) AS n, MAX(%s) AS hi, MIN(%s) AS lo FROM %s%s", num.expr, other.expr, g.f.from, where)
		cols = append(cols, derivedCol{"n", kindInt}, derivedCol{"hi", kindInt}, derivedCol{"lo", other.kind})
	case 4:
		// GROUP BY the vindex column: the shards run it whole.
		num := pick(intCol)
		fmt.Fprintf(&sb, "SELECT %s AS v, COUNT(*) AS n, MAX(%s) AS hi FROM %s%s GROUP BY %s", g.f.vindex, num.expr, g.f.from, where, g.f.vindex)
		cols = append(cols, derivedCol{"v", g.f.vindexKind}, derivedCol{"n", kindInt}, derivedCol{"hi", kindInt})
	default:
		// Rows as they are.
		n := 1 + g.r.Intn(3)
		seen := map[string]bool{}
		var items []string
		for i := 0; i < n; i++ {
			c := pick(nil)
			if seen[c.expr] {
				continue
			}
			seen[c.expr] = true
			items = append(items, fmt.Sprintf("%s AS c%d", c.expr, len(cols)))
			cols = append(cols, derivedCol{fmt.Sprintf("c%d", len(cols)), c.kind})
		}
		if g.f.vindexKind == kindInt && !seen[g.f.vindex] {
			items = append(items, g.f.vindex+" AS v")
			cols = append(cols, derivedCol{"v", kindInt})
		}
		fmt.Fprintf(&sb, "SELECT %s FROM %s%s", strings.Join(items, ", "), g.f.from, where)
	}
	return sb.String(), cols
}

// derivedOuter returns a SELECT over the derived table inner, aliased
// alias, with conditions on its columns and a horizon.
func (g *queryGen) derivedOuter(inner string, cols []derivedCol, alias string) derivedGen {
	ref := func(c derivedCol) string {
		if g.chance(0.7) {
			return alias + "." + c.name
		}
		return c.name
	}
	var conds []string
	for i := 0; i < g.r.Intn(3); i++ {
		c := cols[g.r.Intn(len(cols))]
		switch {
		case g.chance(0.25):
			conds = append(conds, ref(c)+" IS NULL")
		case c.name == "v" && g.f.vindexKind == kindInt:
			// A point on the vindex column: it moves inside and routes.
			conds = append(conds, ref(c)+" = "+fmt.Sprint(g.r.Intn(70)+1))
		case c.kind == kindBlob || c.kind == kindFloat:
			conds = append(conds, ref(c)+" IS NOT NULL")
		default:
			ops := []string{"=", "<>", "<", ">="}
			conds = append(conds, ref(c)+" "+ops[g.r.Intn(len(ops))]+" "+g.literal(c.kind))
		}
	}
	where := ""
	if len(conds) > 0 {
		op := " AND "
		if g.chance(0.2) {
			op = " OR "
		}
		where = " WHERE " + strings.Join(conds, op)
	}
	from := " FROM (" + inner + ") "
	if g.chance(0.5) {
		from += "AS "
	}
	from += alias
	var q derivedGen
	var sb strings.Builder
	comparable := func(c derivedCol) bool { return c.kind != kindBlob && c.kind != kindFloat }
	var keys []derivedCol
	for _, c := range cols {
		if comparable(c) {
			keys = append(keys, c)
		}
	}
	switch g.pickWeighted(3, 2, 1, 2, 2) {
	case 0:
		// The rows as they are.
		switch g.r.Intn(3) {
		case 0:
			sb.WriteString("SELECT *" + from + where)
		case 1:
			sb.WriteString("SELECT " + alias + ".*" + from + where)
		default:
			var items []string
			for _, c := range cols {
				if g.chance(0.6) || len(items) == 0 {
					items = append(items, ref(c))
					q.cols = append(q.cols, c)
				}
			}
			sb.WriteString("SELECT " + strings.Join(items, ", ") + from + where)
		}
		if q.cols == nil {
			q.cols = cols
		}
	case 1:
		if len(keys) == 0 {
			sb.WriteString("SELECT COUNT(*) AS c" + from + where)
			q.cols = []derivedCol{{"c", kindInt}}
			break
		}
		// GROUP BY a column, with aggregates.
		k := keys[g.r.Intn(len(keys))]
		m := keys[g.r.Intn(len(keys))]
		fmt.Fprintf(&sb, "SELECT %s AS g, COUNT(*) AS c, MAX(%s) AS m%s%s GROUP BY %s", ref(k), ref(m), from, where, ref(k))
		if g.chance(0.3) {
			fmt.Fprintf(&sb, " HAVING COUNT(*) >= %d", 1+g.r.Intn(2))
		}
		q.cols = []derivedCol{{"g", k.kind}, {"c", kindInt}, {"m", m.kind}}
	case 2:
		if len(keys) == 0 {
			sb.WriteString("SELECT COUNT(*) AS c" + from + where)
			q.cols = []derivedCol{{"c", kindInt}}
			break
		}
		// DISTINCT of a column.
		k := keys[g.r.Intn(len(keys))]
		fmt.Fprintf(&sb, "SELECT DISTINCT %s%s%s", ref(k), from, where)
		q.cols = []derivedCol{k}
	case 3:
		// Aggregates of the whole.
		c := cols[g.r.Intn(len(cols))]
		fmt.Fprintf(&sb, "SELECT COUNT(*) AS c, COUNT(%s) AS cn", ref(c))
		if len(keys) > 0 {
			k := keys[g.r.Intn(len(keys))]
			fmt.Fprintf(&sb, ", MIN(%s) AS lo, COUNT(DISTINCT %s) AS dn", ref(k), ref(k))
		}
		sb.WriteString(from + where)
		q.cols = []derivedCol{{"c", kindInt}, {"cn", kindInt}}
	default:
		// ORDER BY every column (a total order of the rows), LIMIT.
		var items, by []string
		for _, c := range cols {
			items = append(items, ref(c))
			by = append(by, ref(c)+direction(g.r))
		}
		if len(keys) != len(cols) {
			// A blob or float orders as its backend orders it; the rows
			// are then compared as a multiset, without a LIMIT.
			sb.WriteString("SELECT " + strings.Join(items, ", ") + from + where + " ORDER BY " + strings.Join(by, ", "))
			q.cols = cols
			break
		}
		fmt.Fprintf(&sb, "SELECT %s%s%s ORDER BY %s LIMIT %d", strings.Join(items, ", "), from, where, strings.Join(by, ", "), 1+g.r.Intn(10))
		if g.chance(0.3) {
			fmt.Fprintf(&sb, " OFFSET %d", g.r.Intn(4))
		}
		q.ordered = true
		q.cols = cols
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// Generated derived tables with a horizon of their own, under outer
// statements with conditions and horizons, return the rows one database
// returns.
func TestQueryGenDerivedTablesEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 150, "derived tables", (*queryGen).derivedQuery)
}
