package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// joinTreeQuery is a SELECT of two to four tables (see joinTables):
// JOIN, LEFT JOIN, a first RIGHT JOIN or USING, or a comma list with
// every condition in WHERE. Each table is linked to an earlier one by an
// equality of columns of one kind, or (at most once per statement) by a
// condition that is not one (<, = x + 1, an OR of two tables); ON and
// WHERE add conditions on one table and across tables; the select list
// has qualified and unqualified columns, computed columns, * and t.*.
func (g *queryGen) joinTreeQuery() genQuery {
	ts := joinTables()
	n := 2 + g.pickWeighted(3, 4, 2)
	type use struct {
		f genFrom
		q string
	}
	var us []use
	for i := 0; i < n; i++ {
		us = append(us, use{f: ts[g.pickWeighted(4, 3, 3, 1)], q: string(rune('a' + i))})
	}
	qual := func(u use, c genColumn) genColumn { return genColumn{u.q + "." + c.expr, c.kind} }
	pick := func(u use, kind genKind) (genColumn, bool) {
		var cs []genColumn
		for _, c := range u.f.cols {
			if c.kind == kind {
				cs = append(cs, qual(u, c))
			}
		}
		if len(cs) == 0 {
			return genColumn{}, false
		}
		return cs[g.r.Intn(len(cs))], true
	}
	any := func(u use) genColumn { return qual(u, u.f.cols[g.r.Intn(len(u.f.cols))]) }
	side := func(u use) string {
		c := any(u)
		if c.kind == kindText && g.chance(0.3) {
			return g.likeCond(c.expr)
		}
		switch g.r.Intn(6) {
		case 0:
			return c.expr + " IS NULL"
		case 1:
			return c.expr + " IS NOT NULL"
		case 2:
			if u.f.vindex != "" && u.f.vindexKind == kindInt {
				return u.q + "." + u.f.vindex + " IN (" + fmt.Sprint(g.r.Intn(80)+1) + ", " + fmt.Sprint(g.r.Intn(80)+1) + ", " + fmt.Sprint(g.r.Intn(80)+1) + ")"
			}
		}
		ops := []string{"=", "<>", "<", ">="}
		return c.expr + " " + ops[g.r.Intn(len(ops))] + " " + g.literal(c.kind)
	}
	// cross is a condition over two tables that is not an equality of columns.
	cross := func(x, y use) string {
		a, aok := pick(x, kindInt)
		b, bok := pick(y, kindInt)
		if aok && bok {
			switch g.r.Intn(3) {
			case 0:
				if n == 2 {
					return a.expr + " < " + b.expr
				}
				fallthrough
			case 1:
				return a.expr + " = " + b.expr + " + 1"
			}
			return "(" + a.expr + " = " + b.expr + " OR " + a.expr + " = " + fmt.Sprint(g.r.Intn(10)) + ")"
		}
		a, aok = pick(x, kindText)
		b, bok = pick(y, kindText)
		if aok && bok {
			if g.chance(0.4) {
				return "(" + a.expr + " LIKE " + b.expr + " OR " + g.likeCond(b.expr) + ")"
			}
			return "(" + a.expr + " = " + b.expr + " OR " + b.expr + " IS NULL)"
		}
		return any(x).expr + " IS NOT NULL"
	}
	link := func(x, y use) (string, bool) {
		kind := kindInt
		if g.chance(0.25) {
			kind = kindText
		}
		a, aok := pick(x, kind)
		b, bok := pick(y, kind)
		if !aok || !bok {
			kind = kindText
			a, aok = pick(x, kind)
			b, bok = pick(y, kind)
		}
		if !aok || !bok {
			return "", false
		}
		return b.expr + " = " + a.expr, true
	}
	// The select list names no placeholder, so it is written first.
	var items []string
	if g.chance(0.08) {
		items = append(items, "*")
	} else {
		for i := 0; i < 1+g.r.Intn(4); i++ {
			u := us[g.r.Intn(n)]
			if g.chance(0.06) {
				items = append(items, u.q+".*")
				continue
			}
			c := u.f.cols[g.r.Intn(len(u.f.cols))]
			expr := u.q + "." + c.expr
			unique := true
			for _, o := range us {
				for _, oc := range o.f.cols {
					if o.q != u.q && oc.expr == c.expr {
						unique = false
					}
				}
			}
			if unique && g.chance(0.4) {
				expr = c.expr
			}
			switch {
			case c.kind == kindInt && g.chance(0.15):
				items = append(items, fmt.Sprintf("%s + 1 AS c%d", expr, i))
			case g.chance(0.1):
				items = append(items, fmt.Sprintf("COALESCE(%s, %s) AS c%d", expr, g.literal(c.kind), i))
			default:
				items = append(items, fmt.Sprintf("%s AS c%d", expr, i))
			}
		}
	}
	var sb strings.Builder
	sb.WriteString("SELECT " + strings.Join(items, ", ") + " FROM ")
	comma := g.chance(0.25)
	fmt.Fprintf(&sb, "%s %s", us[0].f.from, us[0].q)
	var where []string
	loose := false
	for i := 1; i < n; i++ {
		var using string
		if !comma && i == 1 && us[0].f.from != us[1].f.from && g.chance(0.15) {
			for _, a := range us[0].f.cols {
				for _, b := range us[1].f.cols {
					if a == b && using == "" {
						using = a.expr
					}
				}
			}
		}
		kind := []string{"JOIN", "LEFT JOIN"}[g.pickWeighted(5, 4)]
		if i == 1 && g.chance(0.12) {
			kind = "RIGHT JOIN"
		}
		if using != "" && kind == "RIGHT JOIN" && n > 2 && items[0] == "*" {
			// SQLite finds the column of `*` ambiguous once another
			// table joins the RIGHT JOIN's USING.
			using = ""
		}
		if using != "" {
			fmt.Fprintf(&sb, " %s %s %s USING (%s)", kind, us[i].f.from, us[i].q, using)
			continue
		}
		j := g.r.Intn(i)
		var on []string
		cond, ok := link(us[j], us[i])
		if !ok || !loose && g.chance(0.15) {
			loose = true
			cond = cross(us[j], us[i])
		}
		on = append(on, cond)
		if g.chance(0.25) {
			on = append(on, side(us[i]))
		}
		if g.chance(0.15) {
			on = append(on, cross(us[g.r.Intn(i)], us[i]))
		}
		if comma {
			fmt.Fprintf(&sb, ", %s %s", us[i].f.from, us[i].q)
			where = append(where, on...)
			continue
		}
		fmt.Fprintf(&sb, " %s %s %s ON %s", kind, us[i].f.from, us[i].q, strings.Join(on, " AND "))
	}
	// Three and more tables: the first is restricted, so the joined rows
	// stay few enough to compare.
	if f := us[0].f; n > 2 && f.vindex != "" && f.vindexKind == kindInt {
		var ids []string
		for k := 0; k < 6; k++ {
			ids = append(ids, fmt.Sprint(g.r.Intn(90)+1))
		}
		where = append(where, us[0].q+"."+f.vindex+" IN ("+strings.Join(ids, ", ")+")")
	} else if n > 2 {
		where = append(where, side(us[0]))
	}
	for k := g.r.Intn(3); k > 0; k-- {
		u := us[g.r.Intn(n)]
		if g.chance(0.2) {
			where = append(where, "("+side(u)+" OR "+side(us[g.r.Intn(n)])+")")
		} else if c, ok := pick(u, kindText); ok && g.chance(0.15) {
			where = append(where, "("+g.likeCond(c.expr)+" OR "+side(us[g.r.Intn(n)])+")")
		} else {
			where = append(where, side(u))
		}
	}
	if len(where) > 0 {
		sb.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	return genQuery{sql: sb.String(), args: g.args}
}

// likePatterns are LIKE patterns over the merge schema's text: the case
// of ASCII and other letters, escaped wildcards and an escaping
// backslash, % and _ next to each other.
var likePatterns = []string{"a%", "A%", "%E%", "_PPLE", "Ä%", "ä%", "%b", "%", "", "t_-%", "%\\_%", "t0-a\\ b", "%_", "_%_", "%l%e%", "X", "日_"}

// likeCond is expr [NOT] LIKE a pattern, an argument or (with ESCAPE) a
// pattern escaping with '!'.
func (g *queryGen) likeCond(expr string) string {
	op := " LIKE "
	if g.chance(0.25) {
		op = " NOT LIKE "
	}
	switch g.r.Intn(5) {
	case 0:
		// An argument is no literal the parser reads escapes in.
		ps := []string{`\t%`, `%\b`, `\A%`, `%\%`, `t0-a\ b`, `%\_%`, `\\%`}
		g.args = append(g.args, append(ps, likePatterns...)[g.r.Intn(len(ps)+len(likePatterns))])
		return expr + op + "?"
	case 1:
		return expr + op + "'" + []string{"a!%", "%!_%", "t!_%", "!A%", "%!!%"}[g.r.Intn(5)] + "' ESCAPE '!'"
	}
	return expr + op + "'" + likePatterns[g.r.Intn(len(likePatterns))] + "'"
}

// Generated joins of two to four tables return the rows one database
// returns.
func TestQueryGenJoinTreesEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 200, "joins of several tables", (*queryGen).joinTreeQuery)
}

// joinTreeHorizonQuery is a generated join of several tables (see
// joinTreeQuery) whose select items are columns, with a horizon (see
// joinHorizonQuery).
func (g *queryGen) joinTreeHorizonQuery() genQuery {
	for {
		g.args = nil
		q := g.joinTreeQuery()
		list, _, _ := strings.Cut(strings.TrimPrefix(q.sql, "SELECT "), " FROM ")
		if !strings.ContainsAny(list, "*(") {
			return g.horizonOver(q)
		}
	}
}

// Generated joins of several tables with a horizon return the rows one
// database returns.
func TestQueryGenJoinTreeHorizonsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 150, "joins of several tables with a horizon", (*queryGen).joinTreeHorizonQuery)
}
