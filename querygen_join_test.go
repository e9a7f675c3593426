package vitessdo_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// joinTables are the tables the join generator pairs: sharded by item id
// (items, item_tags), by a binary key (tokens, whose item_id is no vindex
// column) and a reference table.
func joinTables() []genFrom {
	return []genFrom{
		{from: "items", cols: []genColumn{{"id", kindInt}, {"grp", kindText}, {"name", kindText}, {"qty", kindInt}, {"kind", kindText}, {"price", kindDecimal}}, vindex: "id"},
		{from: "item_tags", cols: []genColumn{{"item_id", kindInt}, {"tag", kindText}, {"weight", kindInt}}, vindex: "item_id"},
		{from: "tokens", cols: []genColumn{{"item_id", kindInt}, {"note", kindText}}, vindex: "tok", vindexKind: kindBlob},
		{from: "kinds", cols: []genColumn{{"code", kindText}, {"label", kindText}}},
	}
}

// joinQuery is a SELECT of two tables joined on equalities of columns of
// one kind: JOIN, LEFT JOIN or a comma with the equality in WHERE, with
// conditions on each side and columns of either side.
func (g *queryGen) joinQuery() genQuery {
	ts := joinTables()
	a, b := ts[g.pickWeighted(4, 3, 3, 1)], ts[g.pickWeighted(3, 3, 4, 1)]
	an, bn := "a", "b"
	qual := func(q string, c genColumn) genColumn { return genColumn{q + "." + c.expr, c.kind} }
	pick := func(f genFrom, q string, kind genKind) (genColumn, bool) {
		var cs []genColumn
		for _, c := range f.cols {
			if c.kind == kind {
				cs = append(cs, qual(q, c))
			}
		}
		if len(cs) == 0 {
			return genColumn{}, false
		}
		return cs[g.r.Intn(len(cs))], true
	}
	kind := kindInt
	if g.chance(0.3) {
		kind = kindText
	}
	ka, ok1 := pick(a, an, kind)
	kb, ok2 := pick(b, bn, kind)
	if !ok1 || !ok2 {
		kind = kindText
		ka, _ = pick(a, an, kind)
		kb, _ = pick(b, bn, kind)
	}
	on := []string{kb.expr + " = " + ka.expr}
	if g.chance(0.15) {
		if x, ok := pick(a, an, kindText); ok {
			if y, ok := pick(b, bn, kindText); ok {
				on = append(on, x.expr+" = "+y.expr)
			}
		}
	}
	side := func(f genFrom, q string) string {
		c := qual(q, f.cols[g.r.Intn(len(f.cols))])
		switch g.r.Intn(5) {
		case 0:
			return c.expr + " IS NULL"
		case 1:
			if f.vindex != "" && f.vindexKind == kindInt {
				return q + "." + f.vindex + " = " + fmt.Sprint(g.r.Intn(80)+1)
			}
			return c.expr + " IS NOT NULL"
		case 2:
			if f.vindex != "" && f.vindexKind == kindInt {
				return q + "." + f.vindex + " IN (" + fmt.Sprint(g.r.Intn(80)+1) + ", " + fmt.Sprint(g.r.Intn(80)+1) + ")"
			}
		}
		ops := []string{"=", "<>", "<", ">="}
		return c.expr + " " + ops[g.r.Intn(len(ops))] + " " + g.literal(c.kind)
	}
	var sb strings.Builder
	sb.WriteString("SELECT ")
	n := 1 + g.r.Intn(3)
	for i := 0; i < n; i++ {
		f, q := a, an
		if g.chance(0.5) {
			f, q = b, bn
		}
		c := qual(q, f.cols[g.r.Intn(len(f.cols))])
		if i > 0 {
			sb.WriteString(", ")
		}
		if c.kind == kindInt && g.chance(0.2) {
			fmt.Fprintf(&sb, "%s + 1 AS c%d", c.expr, i)
		} else {
			fmt.Fprintf(&sb, "%s AS c%d", c.expr, i)
		}
	}
	// Conditions are generated in the order of their text, so the
	// arguments they bind are in the order of their placeholders.
	var where []string
	whereA := g.chance(0.5)
	switch g.pickWeighted(4, 3, 2) {
	case 0:
		if g.chance(0.4) {
			on = append(on, side(b, bn))
		}
		if whereA {
			where = append(where, side(a, an))
		}
		fmt.Fprintf(&sb, " FROM %s %s JOIN %s %s ON %s", a.from, an, b.from, bn, strings.Join(on, " AND "))
	case 1:
		if g.chance(0.4) {
			on = append(on, side(b, bn))
		}
		if whereA {
			where = append(where, side(a, an))
		}
		fmt.Fprintf(&sb, " FROM %s %s LEFT JOIN %s %s ON %s", a.from, an, b.from, bn, strings.Join(on, " AND "))
	default:
		if whereA {
			where = append(where, side(a, an))
		}
		where = append(where, on...)
		if g.chance(0.4) {
			where = append(where, side(b, bn))
		}
		fmt.Fprintf(&sb, " FROM %s %s, %s %s", a.from, an, b.from, bn)
	}
	if len(where) > 0 {
		sb.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	return genQuery{sql: sb.String(), args: g.args}
}

// Generated two-table joins return the rows one database returns.
func TestQueryGenJoinsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 200, "joins", (*queryGen).joinQuery)
}

// compareGeneratedJoins compares n generated statements (the
// -querygen.n flag overrides it) per engine with one database, and fails
// when more than a tenth of them are refused.
func compareGeneratedJoins(t *testing.T, n int, what string, gen func(*queryGen) genQuery) {
	compareGenerated(t, n, what, 1, func(g *queryGen, _ string) genQuery { return gen(g) })
}

// compareGenerated is compareGeneratedJoins for a generator that knows
// the engine, running each statement runs times.
func compareGenerated(t *testing.T, n int, what string, runs int, gen func(g *queryGen, engine string) genQuery) {
	compareGeneratedOver(t, n, what, runs, nil, gen)
}

// generatedCount is how many statements a generator of n by default
// draws: -querygen.n when set, fewer with -short.
func generatedCount(n int) int {
	if *queryGenN != 0 {
		return *queryGenN
	}
	if testing.Short() {
		return n * 3 / 10
	}
	return n
}

// compareGeneratedOver is compareGenerated over the generator's data and
// the rows setup adds to both databases.
func compareGeneratedOver(t *testing.T, n int, what string, runs int, setup func(testing.TB, *pair), gen func(g *queryGen, engine string) genQuery) {
	n = generatedCount(n)
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		if setup != nil {
			setup(t, p)
		}
		st := &genStats{reasons: map[string]int{}}
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			g := &queryGen{r: rand.New(rand.NewSource(seed))}
			q := gen(g, e.name)
			for range runs {
				compareGenQuery(t, p, seed, q, st)
			}
			if st.mismatches >= 20 {
				t.Fatalf("stopping after %d mismatches", st.mismatches)
			}
		}
		st.report(t, e.name)
		if st.unsupported*10 > st.run {
			t.Errorf("%d of %d generated %s are unsupported: %v", st.unsupported, st.run, what, st.reasons)
		}
	})
}
