package vitessdo_test

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// Generated statements whose expressions the router computes over the
// rows of a join across shards and of a derived table: arithmetic mixing
// smallint, integer, bigint, NUMERIC and float columns with integer,
// decimal and exponent literals and with integer, float and numeric-text
// arguments, in select lists, WHERE residuals, GROUP BY / HAVING and
// SUM/AVG/MIN/MAX/COUNT. The values and their Go types must be one
// database's; where one database fails (an integer type's range, an
// argument that does not convert) the sharded database must fail too, a
// range error with a range error.

// typeKind is the kind of a generated numeric expression: the operators
// the generator may apply to it depend on it (no % of floats, which
// PostgreSQL has no operator for).
type typeKind int

const (
	typeInt typeKind = iota
	typeNumeric
	typeFloat
)

// typeLeaf is a column the generator may use, with its kind.
type typeLeaf struct {
	expr string
	kind typeKind
}

// typeFrom is a FROM clause with the columns it offers and the row key
// the select list starts with.
type typeFrom struct {
	from  string
	key   string
	group string
	cols  []typeLeaf
}

// typeFroms are joins of nums and wide across shards (on the id wide is
// not sharded by, on an integer column, and LEFT JOINs on keys few rows
// match) and derived tables over nums.
// tame, when set, keeps the narrow columns of the join's tables within
// ranges where their arithmetic stays in range.
func typeFroms(tame bool) []typeFrom {
	numsCols := []typeLeaf{{"a.s", typeInt}, {"a.i", typeInt}, {"a.b", typeInt}, {"a.d", typeNumeric}, {"a.f", typeFloat}}
	joined := append(append([]typeLeaf(nil), numsCols...), typeLeaf{"w.s", typeInt}, typeLeaf{"w.i", typeInt}, typeLeaf{"w.b", typeInt})
	nums, wide := "nums a", "wide w"
	if tame {
		nums = "(SELECT id, g, s, i, b, d, f FROM nums WHERE s BETWEEN -1000 AND 1000 AND i BETWEEN -100000 AND 100000) a"
		wide = "(SELECT k, id, s, i, b FROM wide WHERE s BETWEEN -1000 AND 1000 AND i BETWEEN -100000 AND 100000) w"
	}
	return []typeFrom{
		{from: nums + " JOIN " + wide + " ON w.id = a.id", key: "a.id, w.k", group: "a.g", cols: joined},
		{from: nums + " LEFT JOIN " + wide + " ON w.id = a.id", key: "a.id, w.k", group: "a.g", cols: joined},
		{from: nums + " JOIN " + wide + " ON w.i = a.i", key: "a.id, w.k", group: "a.g", cols: joined},
		{from: "(SELECT g, MAX(s) AS s, MIN(i) AS i, SUM(i) AS b, MAX(d) AS d, MIN(f) AS f FROM nums GROUP BY g) a", key: "a.g", group: "a.g", cols: []typeLeaf{
			{"a.s", typeInt}, {"a.i", typeInt}, {"a.b", typeInt}, {"a.d", typeNumeric}, {"a.f", typeFloat}}},
		// Keys that few rows match: most rows of the preserved side are
		// NULL-extended, and a WHERE rejecting them makes the join an
		// inner one, whose expressions one database computes over the
		// matching pairs alone.
		{from: nums + " LEFT JOIN " + wide + " ON w.id = a.s", key: "a.id, w.k", group: "a.g", cols: joined},
		{from: wide + " LEFT JOIN " + nums + " ON a.id = w.s", key: "w.k, a.id", group: "a.g", cols: joined},
	}
}

// typeGen generates one statement over a typeFrom.
type typeGen struct {
	*queryGen
	f typeFrom
	// sqlite is set on SQLite, where DECIMAL and decimal literals are
	// floats.
	sqlite bool
	// exact is set while generating a float sum's argument.
	exact bool
	// mixed is set when a CASE or COALESCE just generated has branches
	// of two kinds, whose values of a row are of either type; tie when a
	// MIN or MAX is over such an expression, whose equal values of two
	// types (-3 and -3.0) one database picks among by the rows' order.
	mixed, tie bool
}

// leaf is a column, a literal or an argument.
func (g *typeGen) leaf() (string, typeKind) { return g.leafOf(6) }

// constant is a literal or an argument, to stand beside an aggregate.
func (g *typeGen) constant() string {
	x, _ := g.leafOf(0)
	return x
}

// leafOf is leaf with the weight of a column.
func (g *typeGen) leafOf(colWeight int) (string, typeKind) {
	if g.exact {
		switch g.pickWeighted(3, 1, 1, 1) {
		case 0:
			for {
				if c := g.f.cols[g.r.Intn(len(g.f.cols))]; strings.HasSuffix(c.expr, ".s") || strings.HasSuffix(c.expr, ".f") {
					return c.expr, c.kind
				}
			}
		case 1:
			return []string{"0", "1", "2", "7", "-3"}[g.r.Intn(5)], typeInt
		case 2:
			g.args = append(g.args, int64(g.r.Intn(21)-10))
			return "?", typeInt
		}
		g.args = append(g.args, float64(g.r.Intn(41)-20)/4)
		return "?", typeFloat
	}
	switch g.pickWeighted(colWeight, 3, 1, 1, 1, 2) {
	case 0:
		c := g.f.cols[g.r.Intn(len(g.f.cols))]
		return c.expr, c.kind
	case 1:
		return []string{"0", "1", "2", "7", "-3", "30000", "2147483647", "3000000000"}[g.r.Intn(8)], typeInt
	case 2:
		return []string{"1.5", "0.25", "-2.50", "100.125"}[g.r.Intn(4)], typeNumeric
	case 3:
		return []string{"2.5e0", "1e3", "1.50e1", "25e-1"}[g.r.Intn(4)], typeNumeric
	case 4:
		g.args = append(g.args, []any{"3", "3", "-4", "2.5"}[g.r.Intn(4)])
		return "?", typeInt
	}
	if g.chance(0.5) {
		g.args = append(g.args, int64(g.r.Intn(21)-10))
		return "?", typeInt
	}
	g.args = append(g.args, float64(g.r.Intn(41)-20)/4)
	return "?", typeFloat
}

// expr is a numeric expression of at most depth operators; agg allows no
// '/' (a float quotient summed in another order differs in its last bits).
func (g *typeGen) expr(depth int, agg bool) (string, typeKind) {
	if depth <= 0 || g.chance(0.3) {
		return g.leaf()
	}
	switch g.pickWeighted(8, 1, 1, 1) {
	case 0:
		l, lk := g.expr(depth-1, agg)
		r, rk := g.expr(depth-1, agg)
		ops := []string{"+", "-", "*"}
		if lk == typeInt && rk == typeInt {
			ops = append(ops, "%")
		}
		if !agg {
			ops = append(ops, "/")
		}
		if l == "?" && r == "?" {
			r, rk = g.column(0), typeInt
		}
		return "(" + l + " " + ops[g.r.Intn(len(ops))] + " " + r + ")", max(lk, rk)
	case 1:
		x, k := g.expr(depth-1, agg)
		if x == "?" {
			return g.column(0), typeInt
		}
		return "-(" + x + ")", k
	case 2:
		l, lk := g.expr(depth-1, agg)
		r, rk := g.expr(depth-1, agg)
		g.mixed = g.mixed || lk != rk
		return "COALESCE(" + l + ", " + r + ")", max(lk, rk)
	}
	c := g.cond(depth - 1)
	l, lk := g.expr(depth-1, agg)
	r, rk := g.expr(depth-1, agg)
	g.mixed = g.mixed || lk != rk
	return "CASE WHEN " + c + " THEN " + l + " ELSE " + r + " END", max(lk, rk)
}

// column replaces the placeholder just generated by column i: its
// argument is dropped.
func (g *typeGen) column(i int) string {
	g.args = g.args[:len(g.args)-1]
	return g.f.cols[i].expr
}

// cond is a comparison of two expressions, an IS NULL, or a conjunction.
func (g *typeGen) cond(depth int) string {
	switch g.pickWeighted(5, 1, 1) {
	case 1:
		x, _ := g.expr(depth, false)
		if x == "?" {
			x = g.column(1)
		}
		return x + " IS NULL"
	case 2:
		if depth > 0 {
			return "(" + g.cond(depth-1) + " AND " + g.cond(depth-1) + ")"
		}
	}
	l, _ := g.expr(depth, false)
	r, _ := g.expr(depth, false)
	if l == "?" && r == "?" {
		r = g.column(2)
	}
	return l + " " + []string{"=", "<>", "<", "<=", ">", ">="}[g.r.Intn(6)] + " " + r
}

// aggregate is SUM, AVG, MIN, MAX or COUNT of an expression.
func (g *typeGen) aggregate() string {
	fn := []string{"SUM", "AVG", "MIN", "MAX", "COUNT"}[g.pickWeighted(4, 3, 2, 2, 1)]
	mark := len(g.args)
	mixed := g.mixed
	g.mixed = false
	x, kind := g.expr(2, true)
	g.tie = g.tie || (fn == "MIN" || fn == "MAX") && g.mixed
	g.mixed = mixed || g.mixed
	if (fn == "SUM" || fn == "AVG") && (kind == typeFloat || kind == typeNumeric && g.sqlite) {
		// A float sum depends on the order of its terms unless each is
		// exact and small: sum floats of smallints, quarters and small
		// integers only.
		g.args, g.exact = g.args[:mark], true
		x, _ = g.expr(1, true)
		g.exact = false
	}
	if x == "?" {
		x = g.column(g.r.Intn(len(g.f.cols)))
	}
	return fn + "(" + x + ")"
}

// query is a row query (the key, expressions, a residual WHERE) or a
// grouped one (aggregates and expressions over them, HAVING).
func (g *typeGen) query() genQuery {
	var b strings.Builder
	if g.pickWeighted(3, 2) == 0 {
		b.WriteString("SELECT " + g.f.key)
		for n := 1 + g.r.Intn(3); n > 0; n-- {
			x, _ := g.expr(2, false)
			b.WriteString(", " + x)
		}
		b.WriteString(" FROM " + g.f.from)
		if g.chance(0.5) {
			b.WriteString(" WHERE " + g.cond(1))
		}
		return genQuery{sql: b.String(), args: g.args}
	}
	grouped := g.chance(0.7)
	var items []string
	if grouped {
		if g.chance(0.3) {
			// An integer group key: the router groups smallints (and
			// the derived table's MAX of them) itself.
			g.f.group = "a.s"
		}
		items = append(items, g.f.group)
	}
	for n := 1 + g.r.Intn(3); n > 0; n-- {
		x := g.aggregate()
		if g.chance(0.25) {
			x += " " + []string{"+", "*", "-"}[g.r.Intn(3)] + " " + g.constant()
		}
		items = append(items, x)
	}
	b.WriteString("SELECT " + strings.Join(items, ", "))
	b.WriteString(" FROM " + g.f.from)
	if g.chance(0.3) {
		b.WriteString(" WHERE " + g.cond(1))
	}
	if grouped {
		b.WriteString(" GROUP BY " + g.f.group)
		if g.chance(0.4) {
			b.WriteString(" HAVING " + g.aggregate() + " " + []string{"<", ">", "<>"}[g.r.Intn(3)] + " " + g.constant())
		}
	}
	return genQuery{sql: b.String(), args: g.args, byValue: g.tie}
}

// outOfRange finds PostgreSQL's range errors in an error's text.
var outOfRange = regexp.MustCompile(`(smallint|integer|bigint) out of range|value out of range: overflow`)

// failReason is the server's message of an error, without the shard and
// the values.
func failReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "ERROR: "); i >= 0 {
		msg = msg[i+len("ERROR: "):]
	}
	if i := strings.Index(msg, " (SQLSTATE"); i >= 0 {
		msg = msg[:i]
	}
	return msg[:min(len(msg), 60)]
}

func TestQueryGenRouterTypesEqualOneDatabase(t *testing.T) {
	n := 400
	if *queryGenN != 0 {
		n = *queryGenN
	} else if testing.Short() {
		n = 90
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newNumsPair(t, e)
		run, failed, rowsFirst, unsupported, mismatches := 0, 0, 0, 0, 0
		reasons, fails := map[string]int{}, map[string]int{}
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			g := &typeGen{queryGen: &queryGen{r: rand.New(rand.NewSource(seed))}, sqlite: e.name == "sqlite"}
			g.f = typeFroms(g.chance(0.6))[g.pickWeighted(4, 2, 2, 2, 1, 1)]
			q := g.query()
			run++
			got, gerr := queryAll(p.sharded, q.sql, q.args...)
			want, werr := queryAll(p.oracle, q.sql, q.args...)
			switch {
			case gerr != nil && isUnsupported(gerr):
				unsupported++
				msg := gerr.Error()
				reasons[msg[:min(len(msg), 90)]]++
				continue
			case gerr != nil && werr != nil:
				failed++
				fails[failReason(werr)]++
				// Which row fails first, and so which range error, depends
				// on the order of the rows.
				if outOfRange.MatchString(werr.Error()) && !outOfRange.MatchString(gerr.Error()) {
					mismatches++
					t.Errorf("seed %d: sharded error %v, one database's %v\n%s %v", seed, gerr, werr, q.sql, q.args)
				}
				continue
			case gerr != nil && strings.Contains(gerr.Error(), "vitessdo: shard ") && outOfRange.MatchString(gerr.Error()):
				// A shard statement computes an expression over its own
				// table's rows before the join drops some of them.
				rowsFirst++
				continue
			case gerr != nil || werr != nil:
				mismatches++
				t.Errorf("seed %d: sharded error %v, one database's %v\n%s %v", seed, gerr, werr, q.sql, q.args)
				continue
			}
			q.ordered = false // compared as a multiset
			if !sameGenRows(t, seed, q, got, want) {
				mismatches++
			}
			if mismatches >= 20 {
				t.Fatalf("stopping after %d mismatches", mismatches)
			}
		}
		t.Logf("%s: %d generated statements, %d failing on both, %d failing on a shard's rows before the join, %d unsupported, %d mismatches", e.name, run, failed, rowsFirst, unsupported, mismatches)
		logTally(t, "unsupported", reasons)
		logTally(t, "failing", fails)
		if unsupported*10 > run {
			t.Errorf("%d of %d generated statements are unsupported", unsupported, run)
		}
	})
}
