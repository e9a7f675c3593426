package vitessdo_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// genUse is a table of a generated join and its alias.
type genUse struct {
	f genFrom
	q string
}

// col returns a column of the table of a kind, qualified, and whether
// it has one.
func (u genUse) col(g *queryGen, kind genKind) (string, bool) {
	var cs []string
	for _, c := range u.f.cols {
		if c.kind == kind {
			cs = append(cs, u.q+"."+c.expr)
		}
	}
	if len(cs) == 0 {
		return "", false
	}
	return cs[g.r.Intn(len(cs))], true
}

// joinOuterQuery is a SELECT over one of three shapes of join across
// shards: a LEFT JOIN whose nullable side is a join of two tables
// (INNER or LEFT, written as a RIGHT JOIN now and then, the first now
// and then a derived table selecting *), perhaps joined on to a fourth
// table; or a derived table selecting * (filtered,
// perhaps ordered and limited) joined with a table, its columns named
// unqualified. With mixed, a join key pairs a number column with a text
// one now and then (SQLite compares them by its affinities; PostgreSQL
// has no such =).
func (g *queryGen) joinOuterQuery(mixed bool) genQuery {
	if g.chance(0.3) {
		return g.derivedStarJoinQuery(mixed)
	}
	ts := joinTables()
	var us []genUse
	for i := 0; i < 3+g.pickWeighted(3, 1); i++ {
		us = append(us, genUse{f: ts[g.pickWeighted(4, 3, 3, 1)], q: string(rune('a' + i))})
	}
	a, b, c := us[0], us[1], us[2]
	// The select list comes first, as its placeholders do.
	var items []string
	if g.chance(0.1) {
		items = []string{"*"}
	} else {
		for i := 0; i < 1+g.r.Intn(4); i++ {
			u := us[g.r.Intn(len(us))]
			col := u.f.cols[g.r.Intn(len(u.f.cols))]
			e := u.q + "." + col.expr
			if g.chance(0.1) {
				e = fmt.Sprintf("COALESCE(%s, %s)", e, g.literal(col.kind))
			}
			items = append(items, fmt.Sprintf("%s AS c%d", e, i))
		}
	}
	// Now and then the nullable join reads a derived table selecting *.
	bFrom := b.f.from
	if g.chance(0.15) {
		bFrom = "(SELECT * FROM " + b.f.from + " WHERE " + g.sideCond(genUse{f: b.f, q: b.f.from}) + ")"
	}
	inner := g.joinKey(b, c, mixed)
	if g.chance(0.3) {
		inner += " AND " + g.sideCond(c)
	}
	innerKind := []string{"JOIN", "LEFT JOIN"}[g.pickWeighted(3, 1)]
	outer := g.joinKey(a, []genUse{b, c}[g.r.Intn(2)], mixed)
	if g.chance(0.3) {
		outer += " AND " + g.sideCond([]genUse{a, b, c}[g.r.Intn(3)])
	}
	var from string
	if innerKind == "JOIN" && g.chance(0.25) {
		from = fmt.Sprintf("%s %s JOIN %s %s ON %s RIGHT JOIN %s %s ON %s", bFrom, b.q, c.f.from, c.q, inner, a.f.from, a.q, outer)
	} else {
		from = fmt.Sprintf("%s %s LEFT JOIN (%s %s %s %s %s ON %s) ON %s", a.f.from, a.q, bFrom, b.q, innerKind, c.f.from, c.q, inner, outer)
	}
	if len(us) > 3 {
		d := us[3]
		from += fmt.Sprintf(" %s %s %s ON %s", []string{"JOIN", "LEFT JOIN"}[g.r.Intn(2)], d.f.from, d.q, g.joinKey(us[g.r.Intn(3)], d, false))
	}
	where := []string{g.restrict(a)}
	if g.chance(0.4) {
		where = append(where, g.sideCond(us[g.r.Intn(len(us))]))
	}
	return genQuery{sql: "SELECT " + strings.Join(items, ", ") + " FROM " + from + " WHERE " + strings.Join(where, " AND "), args: g.args}
}

// derivedStarJoinQuery is a derived table selecting * (sometimes with a
// column computed without an alias) joined with a table, its columns
// named unqualified where no other table has them.
func (g *queryGen) derivedStarJoinQuery(mixed bool) genQuery {
	ts := joinTables()
	d := genUse{f: ts[g.pickWeighted(4, 3, 3, 1)], q: "d"}
	o := genUse{f: ts[g.pickWeighted(4, 3, 3, 1)], q: "o"}
	star := "*"
	if g.chance(0.2) {
		// A column computed without an alias, named as the backend names it.
		star = "*, " + d.f.cols[g.r.Intn(len(d.f.cols))].expr + " IS NULL"
	}
	sub := "SELECT " + star + " FROM " + d.f.from + " WHERE " + g.sideCond(genUse{f: d.f, q: d.f.from})
	if g.chance(0.4) {
		order := map[string]string{"items": "id", "item_tags": "item_id, tag", "tokens": "tok", "kinds": "code"}[d.f.from]
		sub += fmt.Sprintf(" ORDER BY %s LIMIT %d", order, 3+g.r.Intn(20))
	}
	kind := []string{"JOIN", "LEFT JOIN", "RIGHT JOIN"}[g.pickWeighted(4, 3, 1)]
	name := func(u genUse, c genColumn) string {
		for _, x := range []genUse{d, o} {
			if x.q == u.q {
				continue
			}
			for _, oc := range x.f.cols {
				if oc.expr == c.expr {
					return u.q + "." + c.expr
				}
			}
		}
		if g.chance(0.6) {
			return c.expr
		}
		return u.q + "." + c.expr
	}
	var items []string
	if g.chance(0.15) {
		items = []string{"*"}
	} else {
		for i := 0; i < 1+g.r.Intn(4); i++ {
			u := []genUse{d, o}[g.r.Intn(2)]
			items = append(items, fmt.Sprintf("%s AS c%d", name(u, u.f.cols[g.r.Intn(len(u.f.cols))]), i))
		}
	}
	q := fmt.Sprintf("SELECT %s FROM (%s) d %s %s o ON %s", strings.Join(items, ", "), sub, kind, o.f.from, g.joinKey(d, o, mixed))
	if g.chance(0.5) {
		q += " WHERE " + g.sideCond([]genUse{d, o}[g.r.Intn(2)])
	}
	return genQuery{sql: q, args: g.args}
}

// joinKey is an equality of a column of x and one of y, of one kind, or
// with mixed now and then a number and a text.
func (g *queryGen) joinKey(x, y genUse, mixed bool) string {
	kx, ky := kindInt, kindInt
	switch {
	case mixed && g.chance(0.3):
		kx, ky = kindInt, kindText
		if g.chance(0.5) {
			kx, ky = ky, kx
		}
	case g.chance(0.3):
		kx, ky = kindText, kindText
	}
	a, aok := x.col(g, kx)
	b, bok := y.col(g, ky)
	if !aok || !bok {
		a, aok = x.col(g, kindText)
		b, bok = y.col(g, kindText)
	}
	if !aok || !bok {
		return x.q + "." + x.f.cols[0].expr + " IS NOT NULL"
	}
	return b + " = " + a
}

// sideCond is a condition on one table's column.
func (g *queryGen) sideCond(u genUse) string {
	c := u.f.cols[g.r.Intn(len(u.f.cols))]
	switch g.r.Intn(5) {
	case 0:
		return u.q + "." + c.expr + " IS NULL"
	case 1:
		return u.q + "." + c.expr + " IS NOT NULL"
	}
	return u.q + "." + c.expr + " " + []string{"=", "<>", "<", ">="}[g.r.Intn(4)] + " " + g.literal(c.kind)
}

// restrict keeps the rows of the first table few: a list of its vindex
// values, else a condition on it.
func (g *queryGen) restrict(u genUse) string {
	if u.f.vindex != "" && u.f.vindexKind == kindInt {
		var ids []string
		for k := 0; k < 8; k++ {
			ids = append(ids, fmt.Sprint(g.r.Intn(90)+1))
		}
		return u.q + "." + u.f.vindex + " IN (" + strings.Join(ids, ", ") + ")"
	}
	return g.sideCond(u)
}

// Generated LEFT JOINs of joins, joins on keys of a number and a text
// column (SQLite only: PostgreSQL has no = between them) and derived
// tables selecting * joined with tables return the rows one database
// returns.
func TestQueryGenOuterJoinsEqualOneDatabase(t *testing.T) {
	n := 200
	if *queryGenN != 0 {
		n = *queryGenN
	} else if testing.Short() {
		n = 60
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for i, note := range mixedKindNotes {
			p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", []byte{0xf0, byte(i)}, int64(i%5+1), note)
		}
		st := &genStats{reasons: map[string]int{}}
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			g := &queryGen{r: rand.New(rand.NewSource(seed))}
			compareGenQuery(t, p, seed, g.joinOuterQuery(e.name == "sqlite"), st)
			if st.mismatches >= 20 {
				t.Fatalf("stopping after %d mismatches", st.mismatches)
			}
		}
		st.report(t, e.name)
		if st.unsupported*10 > st.run {
			t.Errorf("%d of %d generated outer joins are unsupported: %v", st.unsupported, st.run, st.reasons)
		}
	})
}

// joinLockQuery is a generated join of several tables without an outer
// join (see joinTreeQuery) with FOR UPDATE or LOCK IN SHARE MODE.
func (g *queryGen) joinLockQuery() genQuery {
	for {
		g.args = nil
		q := g.joinTreeQuery()
		if !strings.Contains(q.sql, "LEFT JOIN") && !strings.Contains(q.sql, "RIGHT JOIN") {
			q.sql += []string{" FOR UPDATE", " LOCK IN SHARE MODE"}[g.r.Intn(2)]
			return q
		}
	}
}

// Generated joins across shards that lock their rows return the rows one
// database returns.
func TestQueryGenJoinLocksEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 100, "locking joins", (*queryGen).joinLockQuery)
}
