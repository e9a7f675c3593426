package vitessdo_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// Window functions in generated statements: each window's function,
// PARTITION BY, ORDER BY and frame are drawn at random, over the
// generator's FROM clauses and WHERE conditions, some partitioned by the
// primary vindex column (run on the shards), most not (evaluated by the
// router). Where the answer depends on how rows that tie are ordered
// (ROW_NUMBER, NTILE, LAG, LEAD, the value functions, ROWS frames), the
// window's ORDER BY ends in a unique key of the rows, so one database's
// answer is the only one; RANK, CUME_DIST and aggregates over RANGE
// frames order by any columns, ties and all. ORDER BY terms may say
// where NULLs go (NULLS FIRST or LAST), frames count ROWS, RANGE or
// GROUPS, and some exclude the row, its group or its ties.

// windowFuncs lists the functions drawn.
var windowGenFuncs = []string{
	"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
	"first_value", "last_value", "nth_value", "count(*)", "count", "sum", "avg", "min", "max",
}

// windowQuery is a SELECT of a unique key and window functions, or of
// groups with windows over their aggregates.
func (g *queryGen) windowQuery() genQuery {
	g.f = genFroms()[g.pickWeighted(5, 3, 3, 2, 2, 1)]
	if g.chance(0.2) {
		return g.windowGroupQuery()
	}
	items := append([]string(nil), g.f.unique...)
	n := 1 + g.r.Intn(3)
	var windows []string
	clause := ""
	for i := 0; i < n; i++ {
		w := g.windowItem(g.f.unique, nil)
		if i == 0 && g.chance(0.2) {
			// The same window, named.
			call, spec, _ := strings.Cut(w, " OVER (")
			clause = " WINDOW nw AS (" + strings.TrimSuffix(spec, ")") + ")"
			w = call + " OVER nw"
		}
		windows = append(windows, w)
		items = append(items, w+fmt.Sprintf(" AS w%d", i))
	}
	var sb strings.Builder
	sb.WriteString("SELECT " + strings.Join(items, ", ") + " FROM " + g.f.from + g.where() + clause)
	var q genQuery
	if clause == "" && g.chance(0.15) {
		// The windows of a derived table, its rows filtered by them.
		conds := []string{"d.w0 IS NOT NULL", "d.w0 IS NULL", "d.w0 = d.w0"}
		q.sql = "SELECT * FROM (" + sb.String() + ") AS d WHERE " + conds[g.r.Intn(len(conds))]
		q.args = g.args
		return q
	}
	if g.chance(0.35) {
		q.ordered = true
		k := g.r.Intn(n)
		first := fmt.Sprintf("w%d", k)
		if g.chance(0.3) {
			first = windows[k]
		}
		terms := []string{first + direction(g.r)}
		for _, u := range g.f.unique {
			terms = append(terms, u+direction(g.r))
		}
		sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
		g.limit(&q, &sb)
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// windowGroupQuery groups the rows by a column and draws windows over
// the groups, ordered by the group key (unique among the groups).
func (g *queryGen) windowGroupQuery() genQuery {
	key := g.column(func(c genColumn) bool { return c.kind != kindBlob && c.kind != kindFloat })
	num := g.column(numericCol)
	aggs := []genColumn{{"COUNT(*)", kindInt}, {"SUM(" + num.expr + ")", num.kind}, {"MIN(" + key.expr + ")", key.kind}}
	items := []string{key.expr + " AS g0", "COUNT(*) AS n"}
	for i := 0; i < 1+g.r.Intn(2); i++ {
		items = append(items, g.windowItem([]string{key.expr}, aggs)+fmt.Sprintf(" AS w%d", i))
	}
	sql := "SELECT " + strings.Join(items, ", ") + " FROM " + g.f.from + g.where() + " GROUP BY " + key.expr
	return genQuery{sql: sql, args: g.args}
}

// windowItem draws one window function over the generator's columns
// (or, for groups, over the aggregates aggs), total being a unique key
// of the rows its ORDER BY ends in where ties would matter.
func (g *queryGen) windowItem(total []string, aggs []genColumn) string {
	cols := g.f.cols
	if aggs != nil {
		cols = aggs
	}
	pick := func(pred func(genColumn) bool) genColumn {
		var cs []genColumn
		for _, c := range cols {
			if c.kind != kindBlob && (pred == nil || pred(c)) {
				cs = append(cs, c)
			}
		}
		if len(cs) == 0 {
			return genColumn{"1", kindInt}
		}
		return cs[g.r.Intn(len(cs))]
	}
	fn := windowGenFuncs[g.r.Intn(len(windowGenFuncs))]
	var call string
	switch fn {
	case "row_number", "rank", "dense_rank", "percent_rank", "cume_dist":
		call = fn + "()"
	case "count(*)":
		call, fn = "COUNT(*)", "count"
	case "ntile":
		call = fmt.Sprintf("NTILE(%d)", 1+g.r.Intn(5))
	case "lag", "lead":
		c := pick(nil)
		call = fn + "(" + c.expr
		if g.chance(0.6) {
			call += fmt.Sprintf(", %d", g.r.Intn(4))
			if c.kind == kindInt && g.chance(0.5) {
				call += ", -1"
			}
		}
		call += ")"
	case "nth_value":
		call = fmt.Sprintf("NTH_VALUE(%s, %d)", pick(nil).expr, 1+g.r.Intn(4))
	case "sum", "avg":
		call = fn + "(" + pick(numericCol).expr + ")"
	default:
		call = fn + "(" + pick(nil).expr + ")"
	}
	var spec []string
	if aggs == nil && g.chance(0.6) {
		var part []string
		if g.chance(0.35) {
			part = append(part, g.f.vindex)
		}
		for i := g.r.Intn(2); i >= 0 && len(part) < 2; i-- {
			part = append(part, g.column(notBlob).expr)
		}
		spec = append(spec, "PARTITION BY "+strings.Join(part, ", "))
	}
	tied := fn == "row_number" || fn == "ntile" || fn == "lag" || fn == "lead" || fn == "first_value" || fn == "last_value" || fn == "nth_value"
	framed := fn == "count" || fn == "sum" || fn == "avg" || fn == "min" || fn == "max" || fn == "first_value" || fn == "last_value" || fn == "nth_value"
	frame := ""
	var order []string
	if framed && g.chance(0.5) {
		switch g.r.Intn(4) {
		case 0:
			frame = "ROWS " + g.frameBounds(false)
			tied = true
		case 1:
			frame = "RANGE " + g.frameBounds(true)
		case 2:
			// Counted in peer groups: ties matter no more than in RANGE.
			frame = "GROUPS " + g.frameBounds(false)
			if len(total) > 0 && g.chance(0.3) {
				// Over one key's values, or single rows.
				order = []string{pick(nil).expr + g.windowDirection()}
			}
		default:
			if fn != "first_value" && fn != "last_value" && fn != "nth_value" {
				// An offset needs one numeric key, and ties do not matter.
				c := pick(numericCol)
				order = []string{c.expr + g.windowDirection()}
				frame = "RANGE " + g.frameBounds(false)
				tied = false
			} else {
				frame = "ROWS " + g.frameBounds(false)
				tied = true
			}
		}
	}
	groups := strings.HasPrefix(frame, "GROUPS")
	if groups && order != nil && tied {
		// A value function's row among peers is arbitrary: end in the key.
		for _, u := range total {
			order = append(order, u+g.windowDirection())
		}
	}
	if order == nil && (tied || groups || g.chance(0.7)) {
		for i := g.r.Intn(3); i > 0; i-- {
			order = append(order, pick(nil).expr+g.windowDirection())
		}
		if tied || groups && len(order) == 0 {
			// PostgreSQL's GROUPS wants an ORDER BY.
			for _, u := range total {
				order = append(order, u+g.windowDirection())
			}
		}
		if len(order) == 0 && groups {
			order = []string{pick(nil).expr}
		}
	}
	if frame != "" && g.chance(0.35) {
		// The value functions' windows end in a unique key, and the
		// aggregates' excluded rows are the row or whole peer groups:
		// no answer depends on the order of ties.
		frame += []string{" EXCLUDE CURRENT ROW", " EXCLUDE GROUP", " EXCLUDE TIES", " EXCLUDE NO OTHERS"}[g.r.Intn(4)]
	}
	if len(order) > 0 {
		spec = append(spec, "ORDER BY "+strings.Join(order, ", "))
	}
	if frame != "" {
		spec = append(spec, frame)
	}
	return call + " OVER (" + strings.Join(spec, " ") + ")"
}

// windowDirection draws a window's ORDER BY direction, at times with
// where its NULLs go.
func (g *queryGen) windowDirection() string {
	d := direction(g.r)
	if g.chance(0.3) {
		d += []string{" NULLS FIRST", " NULLS LAST"}[g.r.Intn(2)]
	}
	return d
}

// frameBounds draws BETWEEN start AND end; peers draws only UNBOUNDED
// and CURRENT ROW bounds.
func (g *queryGen) frameBounds(peers bool) string {
	bounds := []string{"UNBOUNDED PRECEDING", "CURRENT ROW", "UNBOUNDED FOLLOWING"}
	if !peers {
		n, m := g.r.Intn(3), 1+g.r.Intn(3)
		bounds = []string{"UNBOUNDED PRECEDING", fmt.Sprintf("%d PRECEDING", m), fmt.Sprintf("%d PRECEDING", n), "CURRENT ROW",
			fmt.Sprintf("%d FOLLOWING", n), fmt.Sprintf("%d FOLLOWING", m), "UNBOUNDED FOLLOWING"}
	}
	i := g.r.Intn(len(bounds) - 1)
	j := i + g.r.Intn(len(bounds)-i)
	if j == 0 {
		j = 1
	}
	return "BETWEEN " + bounds[i] + " AND " + bounds[j]
}

// Generated statements with window functions return what one database
// returns.
func TestQueryGenWindowsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 150, "window functions", (*queryGen).windowQuery)
}

// windowUngroupedQuery groups the rows by a column and draws a window
// naming another column, neither grouped nor aggregated.
func (g *queryGen) windowUngroupedQuery() genQuery {
	g.f = genFroms()[g.pickWeighted(5, 3, 3, 2)]
	usable := func(c genColumn) bool { return c.kind != kindBlob && c.kind != kindFloat }
	key := g.column(usable)
	other := g.column(func(c genColumn) bool { return usable(c) && c.expr != key.expr })
	w := []string{
		"RANK() OVER (ORDER BY " + other.expr + ")",
		"COUNT(*) OVER (PARTITION BY " + other.expr + ")",
		"MAX(" + other.expr + ") OVER ()",
		"ROW_NUMBER() OVER (ORDER BY " + key.expr + ", " + other.expr + ")",
	}[g.r.Intn(4)]
	sql := "SELECT " + key.expr + " AS g0, COUNT(*) AS n, " + w + " AS w0 FROM " + g.f.from + g.where() + " GROUP BY " + key.expr
	return genQuery{sql: sql, args: g.args}
}

// Generated grouped SELECTs whose windows name a column neither grouped
// nor aggregated fail on PostgreSQL as one database does (or, where the
// column depends on a grouped primary key and one database answers,
// answer alike or are refused), and are refused on SQLite, which would
// answer with some row's value of the group (unless one shard holds the
// rows and runs the statement whole).
func TestQueryGenUngroupedWindowsFailAsOneDatabase(t *testing.T) {
	n := 60
	if *queryGenN != 0 {
		n = *queryGenN
	} else if testing.Short() {
		n = 20
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		st := &genStats{reasons: map[string]int{}}
		failed := 0
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			q := (&queryGen{r: rand.New(rand.NewSource(seed))}).windowUngroupedQuery()
			// On SQLite refused, unless the rows are on one shard, which
			// computes the statement as one database does.
			compareBindQuery(t, p, seed, q, st, &failed)
		}
		st.report(t, e.name)
		t.Logf("%s: %d statements fail alike on both", e.name, failed)
		if e.name == "sqlite" && st.unsupported*2 < st.run {
			t.Errorf("%d of %d statements refused on SQLite, want most", st.unsupported, st.run)
		}
	})
}
