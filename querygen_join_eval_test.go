package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Generated joins of tables on other shards whose conditions and select
// items the router computes over the joined rows: an OR or a NOT over
// both tables, an item reading both. LIKE's cases are among them (the
// case of ASCII and other letters, % and _, an escaping backslash and
// ESCAPE, NULLs on either side), and arithmetic and comparisons of
// numbers with text and times, which SQLite reads by their numeric
// prefix. The rows include negative ids and notes that are numbers, or
// almost.

// joinEvalFrom is a join whose two sides are read from different
// shards, with the columns of each side by kind.
type joinEvalFrom struct {
	from       string
	a, b       []genColumn
	num, other bool
}

func joinEvalFroms() []joinEvalFrom {
	items := func(q string) []genColumn {
		return []genColumn{{q + ".id", kindInt}, {q + ".qty", kindInt}, {q + ".price", kindDecimal}, {q + ".ratio", kindFloat},
			{q + ".name", kindText}, {q + ".grp", kindText}, {q + ".kind", kindText}, {q + ".made", kindTime}}
	}
	tokens := func(q string) []genColumn { return []genColumn{{q + ".item_id", kindInt}, {q + ".note", kindText}} }
	tags := func(q string) []genColumn {
		return []genColumn{{q + ".item_id", kindInt}, {q + ".weight", kindInt}, {q + ".tag", kindText}}
	}
	return []joinEvalFrom{
		{from: "items a JOIN tokens b ON b.item_id = a.id", a: items("a"), b: tokens("b")},
		{from: "items a LEFT JOIN tokens b ON b.item_id = a.id", a: items("a"), b: tokens("b")},
		{from: "items a JOIN item_tags b ON b.item_id = a.qty", a: items("a"), b: tags("b")},
		{from: "item_tags a JOIN items b ON b.id = a.weight", a: tags("a"), b: items("b")},
		{from: "tokens a LEFT JOIN items b ON b.id = a.item_id", a: tokens("a"), b: items("b")},
		{from: "items a JOIN items b ON b.qty = a.id", a: items("a"), b: items("b")},
	}
}

// joinEvalNotes are notes of extra tokens: numbers as text, text with a
// numeric prefix, a datetime's text.
var joinEvalNotes = []any{" 7", "1e1", "5x", "0x10", "\v5", "-3.5abc", "2024-01-02 03:04:05", "+2", ".5", "", nil, "X", "a\\b", "a_b", "A%"}

// joinEvalSetup adds items with negative ids and text that reads as a
// number, and tokens of those notes, to both databases.
func joinEvalSetup(t testing.TB, p *pair) {
	for i, id := range []int64{-1, -7, -40, -3} {
		p.exec(t, "INSERT INTO items (id, grp, name, qty, price, ratio, kind, made) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			id, joinEvalNotes[i], joinEvalNotes[i+4], id*3, fmt.Sprintf("%d.50", id), float64(id)/4, "x",
			time.Date(1999+i, 12, 31, 23, 0, 0, 0, time.UTC))
	}
	for i, n := range joinEvalNotes {
		if s, ok := n.(string); ok && len(s) > 8 {
			n = s[:8] // the note's width
		}
		p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", []byte{0xe0, byte(i)}, []int64{-1, -7, 3, 5, -40}[i%5], n)
	}
}

// joinEvalQuery is a join of joinEvalFroms with a condition or a select
// item over both sides; engine is the shards' engine, where PostgreSQL
// has no arithmetic or comparison of text and numbers.
func (g *queryGen) joinEvalQuery(engine string) genQuery {
	fs := joinEvalFroms()
	f := fs[g.r.Intn(len(fs))]
	pick := func(cs []genColumn, ok func(genColumn) bool) string {
		var out []string
		for _, c := range cs {
			if ok(c) {
				out = append(out, c.expr)
			}
		}
		return out[g.r.Intn(len(out))]
	}
	text := func(c genColumn) bool { return c.kind == kindText }
	// operand is a column of either side for arithmetic: a number, or on
	// SQLite any column.
	operand := func(cs []genColumn) string {
		if engine == "sqlite" {
			return pick(cs, notBlob)
		}
		return pick(cs, numericCol)
	}
	x, y := pick(f.a, text), pick(f.b, text)
	if g.chance(0.5) {
		x, y = y, x
	}
	items := "a.*, b.*"
	var cond string
	switch g.r.Intn(8) {
	case 0:
		items += ", " + x + " LIKE " + y + " AS m"
	case 1:
		cond = "NOT (" + g.likeCond(x) + " OR " + g.likeCond(y) + ")"
	case 2:
		cond = x + " LIKE " + y + " OR " + g.likeCond(y)
	case 3:
		cond = g.likeCond(x) + " OR " + g.likeCond(y)
	case 4, 5:
		ops := []string{"+", "-", "*"}
		if engine == "sqlite" {
			ops = append(ops, "/", "%")
		}
		l, r := operand(f.a), operand(f.b)
		if g.chance(0.5) {
			l, r = r, l
		}
		e := l + " " + ops[g.r.Intn(len(ops))] + " " + r
		if g.chance(0.3) {
			e = "-" + l + " " + ops[g.r.Intn(len(ops))] + " " + g.joinEvalLiteral(engine)
			if g.chance(0.5) {
				e += " + " + r
			}
		}
		items += ", " + e + " AS v"
	default:
		cmp := []string{"=", "<>", "<", ">="}[g.r.Intn(4)]
		l, r := operand(f.a), operand(f.b)
		switch g.r.Intn(3) {
		case 0:
			cond = l + " " + cmp + " " + r + " OR " + r + " IS NULL"
		case 1:
			cond = l + " + " + g.joinEvalLiteral(engine) + " " + cmp + " " + r + " OR " + g.likeCond(y)
		default:
			cond = "NOT (" + l + " " + cmp + " " + r + " + " + g.joinEvalLiteral(engine) + ")"
		}
	}
	sql := fmt.Sprintf("SELECT %s FROM %s", items, f.from)
	if cond != "" {
		sql += " WHERE " + cond
	}
	return genQuery{sql: sql, args: g.args}
}

// joinEvalLiteral is a literal or an argument for arithmetic: a number,
// or on SQLite text that reads as one, or almost.
func (g *queryGen) joinEvalLiteral(engine string) string {
	if engine == "sqlite" && g.chance(0.4) {
		s := []string{"12abc", " 7 ", "1e2", "0x1A", "-", ".5e1x", "2024-05-01 10:00:00"}[g.r.Intn(7)]
		if g.chance(0.5) {
			g.args = append(g.args, s)
			return "?"
		}
		return "'" + s + "'"
	}
	switch g.r.Intn(3) {
	case 0:
		g.args = append(g.args, []any{int64(-3), 2.5, int64(2000)}[g.r.Intn(3)])
		return "?"
	case 1:
		return fmt.Sprint(g.r.Intn(21) - 10)
	}
	return "1.5"
}

// Generated conditions and items over two joined tables return what
// one database returns.
func TestQueryGenJoinEvalEqualsOneDatabase(t *testing.T) {
	compareGeneratedOver(t, 150, "conditions over joined rows", 1, joinEvalSetup, (*queryGen).joinEvalQuery)
}

// joinEvalHorizonQuery is a join of joinEvalFroms selecting values the
// router computes or reads from both sides, numbers, text and times
// mixed, with a horizon over them (see horizonOver): DISTINCT, GROUP BY,
// aggregates, ORDER BY.
func (g *queryGen) joinEvalHorizonQuery(engine string) genQuery {
	fs := joinEvalFroms()
	f := fs[g.r.Intn(len(fs))]
	any := func(cs []genColumn) genColumn { return cs[g.r.Intn(len(cs))] }
	var items []string
	for i := 0; i < 1+g.r.Intn(3); i++ {
		x, y := any(f.a), any(f.b)
		if g.chance(0.5) {
			x, y = y, x
		}
		var e string
		switch {
		case g.chance(0.4):
			e = x.expr
		case engine == "sqlite" || x.kind.numeric() && y.kind.numeric():
			e = x.expr + " " + []string{"+", "-", "*"}[g.r.Intn(3)] + " " + y.expr
		case x.kind == y.kind || engine == "sqlite":
			e = "COALESCE(" + x.expr + "," + y.expr + ")" // no ", ": horizonOver splits the items there
		default:
			e = y.expr
		}
		items = append(items, fmt.Sprintf("%s AS c%d", e, i))
	}
	q := g.horizonOver(genQuery{sql: fmt.Sprintf("SELECT %s FROM %s", strings.Join(items, ", "), f.from)})
	q.byValue = true
	return q
}

// Generated horizons over values of two joined tables return what one
// database returns.
func TestQueryGenJoinEvalHorizonsEqualOneDatabase(t *testing.T) {
	compareGeneratedOver(t, 150, "horizons over joined rows", 1, joinEvalSetup, (*queryGen).joinEvalHorizonQuery)
}
