package vitessdo_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// Window functions below the statement's own SELECT, in generated
// statements: in a common table expression read alone (the first rows
// of each partition, ordered and cut or not), in one read through a
// second CTE, in a derived table or CTE joined with a table, with
// another windowed CTE or with itself, in the members of a UNION (read alone or
// through a CTE), and in a derived table or CTE a subquery reads
// (uncorrelated, or correlated outside it). Each windowed SELECT draws its windows as
// windowQuery does, over the generator's FROM clauses and WHERE
// conditions. One database runs the same statement.

// windowedSelect is a generated SELECT with window functions: its keys
// (a unique key of its rows, k0, k1, …), j (an id of an item), and its
// windows w0, w1, …; ranked reports w0 an integer rank of the rows
// (ROW_NUMBER, RANK or DENSE_RANK), which top-N conditions read.
type windowedSelect struct {
	sql    string
	keys   []string
	ranked bool
	n      int
}

// idColumn returns the column of the FROM that holds an item's id.
func idColumn(f genFrom) string {
	switch f.from {
	case "items":
		return "id"
	case "item_tags t":
		return "t.item_id"
	case "tokens":
		return "item_id"
	}
	return "i.id"
}

// windowedSelect draws a SELECT with windows over a FROM of the
// generator's.
func (g *queryGen) windowedSelect() windowedSelect {
	g.f = genFroms()[g.pickWeighted(5, 3, 3, 2, 2, 1)]
	var ws windowedSelect
	var items []string
	for i, u := range g.f.unique {
		items = append(items, fmt.Sprintf("%s AS k%d", u, i))
		ws.keys = append(ws.keys, fmt.Sprintf("k%d", i))
	}
	items = append(items, idColumn(g.f)+" AS j")
	ws.n = 1 + g.r.Intn(2)
	clause := ""
	for i := 0; i < ws.n; i++ {
		var w string
		if i == 0 && g.chance(0.6) {
			w = g.rankWindow()
			ws.ranked = true
		} else {
			w = g.windowItem(g.f.unique, nil)
		}
		if i == 0 && g.chance(0.2) {
			// The same window, named in the SELECT's WINDOW clause.
			call, spec, _ := strings.Cut(w, " OVER (")
			clause = " WINDOW nw AS (" + strings.TrimSuffix(spec, ")") + ")"
			w = call + " OVER nw"
		}
		items = append(items, fmt.Sprintf("%s AS w%d", w, i))
	}
	ws.sql = "SELECT " + strings.Join(items, ", ") + " FROM " + g.f.from + g.where() + clause
	return ws
}

// rankWindow draws ROW_NUMBER, RANK or DENSE_RANK over a partition (by
// the primary vindex column sometimes, so it runs on the shards),
// ROW_NUMBER's order ending in a unique key, NULLs at times placed.
func (g *queryGen) rankWindow() string {
	fn := []string{"ROW_NUMBER", "RANK", "DENSE_RANK"}[g.r.Intn(3)]
	var spec []string
	if g.chance(0.7) {
		part := g.column(notBlob).expr
		if g.chance(0.3) {
			part = g.f.vindex
		}
		spec = append(spec, "PARTITION BY "+part)
	}
	order := []string{g.column(notBlob).expr + g.windowDirection()}
	if fn == "ROW_NUMBER" {
		for _, u := range g.f.unique {
			order = append(order, u+g.windowDirection())
		}
	}
	spec = append(spec, "ORDER BY "+strings.Join(order, ", "))
	return fn + "() OVER (" + strings.Join(spec, " ") + ")"
}

// filter returns a condition on the windowed SELECT's rows read as q:
// the first rows of each partition when w0 ranks them, and some items'
// rows sometimes (a condition on their partitions moves under the
// windows, others stay above them).
func (g *queryGen) filter(ws windowedSelect, q string) string {
	cond := g.rowsFilter(ws, q)
	switch g.r.Intn(5) {
	case 0:
		cond += fmt.Sprintf(" AND %sj IN (%d, %d, %d)", q, 1+g.r.Intn(60), 1+g.r.Intn(60), 1+g.r.Intn(60))
	case 1:
		g.args = append(g.args, int64(1+g.r.Intn(60)))
		cond += " AND " + q + "j = ?"
	}
	return cond
}

// rowsFilter is filter's condition on the windows.
func (g *queryGen) rowsFilter(ws windowedSelect, q string) string {
	if ws.ranked {
		if g.chance(0.2) {
			g.args = append(g.args, int64(1+g.r.Intn(3)))
			return " WHERE " + q + "w0 <= ?"
		}
		if g.chance(0.8) {
			return fmt.Sprintf(" WHERE %sw0 <= %d", q, 1+g.r.Intn(3))
		}
		return " WHERE " + q + "w0 > 1"
	}
	conds := []string{"w0 IS NOT NULL", "w0 IS NULL", "j > 10"}
	return " WHERE " + q + conds[g.r.Intn(len(conds))]
}

// nestedWindowQuery draws a statement whose windows lie in a CTE, a
// derived table or a UNION member.
func (g *queryGen) nestedWindowQuery() genQuery {
	var q genQuery
	switch g.pickWeighted(3, 2, 1, 2, 1, 2, 3) {
	case 0, 1:
		// Read alone, through WITH or as a derived table, ordered and
		// cut sometimes.
		ws := g.windowedSelect()
		from := "d"
		with := "WITH d AS (" + ws.sql + ") "
		if g.chance(0.4) {
			from, with = "("+ws.sql+") AS d", ""
		}
		var sb strings.Builder
		sb.WriteString(with + "SELECT * FROM " + from + g.filter(ws, ""))
		if g.chance(0.5) {
			q.ordered = true
			var terms []string
			if ws.ranked {
				terms = append(terms, "w0"+direction(g.r))
			}
			for _, k := range ws.keys {
				terms = append(terms, k+direction(g.r))
			}
			sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
			g.limit(&q, &sb)
		}
		q.sql = sb.String()
	case 2:
		// Through a second CTE, grouped.
		ws := g.windowedSelect()
		q.sql = "WITH a AS (" + ws.sql + "), b AS (SELECT * FROM a" + g.filter(ws, "") + ") SELECT COUNT(*) AS n, COUNT(w0) AS c, MIN(j) AS lo, MAX(j) AS hi FROM b"
	case 3:
		// Joined with a table by the item's id.
		ws := g.windowedSelect()
		joins := []string{
			"JOIN items x ON x.id = d.j", "LEFT JOIN item_tags x ON x.item_id = d.j", "JOIN item_tags x ON x.item_id = d.j",
		}
		cols := []string{"x.name", "x.tag", "x.tag"}
		k := g.r.Intn(len(joins))
		body := "(" + ws.sql + ") AS d"
		with := ""
		if g.chance(0.6) {
			body, with = "d", "WITH d AS ("+ws.sql+") "
		}
		q.sql = with + "SELECT d.*, " + cols[k] + " FROM " + body + " " + joins[k] + g.filter(ws, "d.")
	case 4:
		// Two windowed CTEs joined by the item's id, or one read twice.
		a := g.windowedSelect()
		if g.chance(0.3) {
			q.sql = "WITH a AS (" + a.sql + ") SELECT x.k0, x.w0, y.w0 AS yw FROM a x JOIN a y ON y.j = x.j" + g.filter(a, "x.")
			break
		}
		b := g.windowedSelect()
		q.sql = "WITH a AS (" + a.sql + "), b AS (" + b.sql + ") SELECT a.k0, a.w0, b.k0 AS bk, b.w0 AS bw FROM a JOIN b ON b.j = a.j" + g.filter(a, "a.")
	case 5:
		q = g.windowUnion()
	default:
		q = g.windowSubquery()
	}
	q.args = g.args
	return q
}

// windowSubquery draws a windowed SELECT read by a subquery of a SELECT
// of items: IN or NOT IN its ids, a scalar compared or selected, or
// EXISTS correlated by the item's id, the SELECT as a derived table or a
// CTE.
func (g *queryGen) windowSubquery() genQuery {
	ws := g.windowedSelect()
	d, with := "("+ws.sql+") AS d", ""
	if g.chance(0.4) {
		d, with = "d", "WITH d AS ("+ws.sql+") "
	}
	var sql string
	switch g.r.Intn(5) {
	case 0:
		sql = "SELECT o.id, o.name FROM items o WHERE o.id IN (SELECT d.j FROM " + d + g.filter(ws, "d.") + ")"
	case 1:
		sql = "SELECT o.id FROM items o WHERE o.id NOT IN (SELECT d.j FROM " + d + g.filter(ws, "d.") + " AND d.j IS NOT NULL)"
	case 2:
		sql = "SELECT o.id, o.qty FROM items o WHERE o.qty <= (SELECT COUNT(*) FROM " + d + g.filter(ws, "d.") + ")"
	case 3:
		sql = "SELECT o.id FROM items o WHERE EXISTS (SELECT 1 FROM " + d + g.filter(ws, "d.") + " AND d.j = o.id)"
	default:
		sql = "SELECT o.id, (SELECT COUNT(*) FROM " + d + " WHERE d.j = o.id) AS n FROM items o"
	}
	return genQuery{sql: with + sql}
}

// windowUnion draws a UNION (ALL or not) of two SELECTs each of an
// item's id and an integer window of its own, read alone, ordered by
// both columns, or through a CTE that keeps its first ranks.
func (g *queryGen) windowUnion() genQuery {
	member := func() string {
		g.f = genFroms()[g.pickWeighted(5, 3, 3, 2, 2, 1)]
		w := g.rankWindow()
		switch g.r.Intn(4) {
		case 0:
			w = fmt.Sprintf("NTILE(%d) OVER (ORDER BY %s)", 2+g.r.Intn(3), strings.Join(g.f.unique, ", "))
		case 1:
			w = "COUNT(*) OVER (PARTITION BY " + g.column(notBlob).expr + ")"
		}
		return "SELECT " + idColumn(g.f) + " AS j, " + w + " AS w0 FROM " + g.f.from + g.where()
	}
	union := []string{" UNION ALL ", " UNION "}[g.r.Intn(2)]
	u := member() + union + member()
	var q genQuery
	switch g.r.Intn(3) {
	case 0:
		q.sql = u
	case 1:
		q.sql = u + " ORDER BY j, w0"
		q.ordered = true
		var sb strings.Builder
		g.limit(&q, &sb)
		q.sql += sb.String()
	default:
		q.sql = fmt.Sprintf("WITH u AS (%s) SELECT j, w0, COUNT(*) OVER (PARTITION BY j) AS c FROM u WHERE w0 <= %d", u, 1+g.r.Intn(3))
	}
	return q
}

// Generated statements with windows in CTEs, derived tables joined with
// tables, UNION members and subqueries return what one database
// returns.
func TestQueryGenNestedWindowsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 300, "nested window functions", (*queryGen).nestedWindowQuery)
}

// insertSelectWindows is a generated INSERT … SELECT into item_tags of
// the rows of a windowed SELECT, ids numbered past the items' by a
// window over its unique key, its rank the weight; the SELECT reads
// the windowed one as a derived table or, after INSERT, through WITH.
func (g *queryGen) insertSelectWindows() genQuery {
	var ws windowedSelect
	for !ws.ranked {
		g.args = nil
		ws = g.windowedSelect()
	}
	head := "INSERT INTO item_tags (item_id, tag, weight) "
	rows := "SELECT 1000 + ROW_NUMBER() OVER (ORDER BY " + strings.Join(ws.keys, ", ") + "), 'gen', w0 FROM "
	if g.chance(0.4) {
		return genQuery{sql: head + "WITH d AS (" + ws.sql + ") " + rows + "d" + g.filter(ws, ""), args: g.args}
	}
	return genQuery{sql: head + rows + "(" + ws.sql + ") AS d" + g.filter(ws, ""), args: g.args}
}

// Generated INSERT … SELECT statements with windows insert the rows one
// database inserts.
func TestQueryGenInsertSelectWindowsEqualOneDatabase(t *testing.T) {
	n := generatedCount(100)
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			g := &queryGen{r: rand.New(rand.NewSource(seed))}
			q := g.insertSelectWindows()
			p.execBoth(t, false, q.sql, q.args...)
			p.compareRows(t, "SELECT item_id, tag, weight FROM item_tags WHERE item_id > 1000")
			p.execBoth(t, false, "DELETE FROM item_tags WHERE item_id > 1000")
		}
	})
}

// correlatedWindowQuery draws a SELECT of items o with a correlated
// subquery over items whose own SELECT holds a window drawn as
// windowQuery draws one: correlated by a column with few values (so
// few tuples run) or by an inequality, read by EXISTS, IN, a compared
// or a selected scalar (one row by a unique order), or an aggregate of
// it as a derived table reading the outer columns.
func (g *queryGen) correlatedWindowQuery() genQuery {
	g.f = genFroms()[0]
	w := g.windowItem(g.f.unique, nil)
	corr := []string{"items.grp = o.grp", "items.kind = o.kind", "items.id < o.id", "items.grp = o.grp AND items.id <> o.id"}[g.r.Intn(4)]
	sub := "SELECT " + w + " FROM items WHERE " + corr
	one := "(" + sub + " ORDER BY items.id" + direction(g.r) + " LIMIT 1)"
	var sql string
	switch g.r.Intn(6) {
	case 5:
		// The windowed SELECT as a derived table reading o's columns.
		sql = "SELECT o.id, (SELECT " + []string{"MAX(d.w)", "MIN(d.w)", "COUNT(d.w)"}[g.r.Intn(3)] + " FROM (SELECT " + w + " AS w FROM items WHERE " + corr + ") AS d) AS v FROM items o"
	case 0:
		sql = "SELECT o.id FROM items o WHERE EXISTS (" + sub + ")"
	case 1:
		sql = "SELECT o.id FROM items o WHERE o.qty IN (SELECT " + []string{"ROW_NUMBER() OVER (ORDER BY items.qty, items.id)", "RANK() OVER (ORDER BY items.name NULLS LAST)", "COUNT(*) OVER (PARTITION BY items.kind)"}[g.r.Intn(3)] + " FROM items WHERE " + corr + ")"
	case 2:
		sql = "SELECT o.id, o.qty FROM items o WHERE " + one + []string{" IS NULL", " IS NOT NULL"}[g.r.Intn(2)]
	default:
		sql = "SELECT o.id, " + one + " AS v FROM items o"
	}
	return genQuery{sql: sql}
}

// Generated correlated subqueries with windows of their own return
// what one database returns.
func TestQueryGenCorrelatedWindowsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 60, "correlated subqueries with windows", (*queryGen).correlatedWindowQuery)
}
