package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// cteQuery is a generated derived-table statement (derivedQuery's inner
// and outer SELECTs) written with WITH, which the sharded database runs,
// and as its derived tables, which one database runs: the CTE alone, with
// a column list that renames its columns, read through a second CTE, in
// a WITH inside the derived table's parentheses, or read twice.
func (g *queryGen) cteQuery() genQuery {
	g.f = genFroms()[g.pickWeighted(5, 3, 2, 2, 2, 1)]
	inner, cols := g.derivedInner()
	innerArgs := append([]any(nil), g.args...)
	switch g.pickWeighted(3, 2, 2, 2, 1) {
	case 0:
		q := g.derivedOuter(inner, cols, "d")
		return cteForm(q.genQuery, "WITH d AS ("+inner+") ", inner)
	case 1:
		// A column list: the derived form renames in a derived table.
		renamed := make([]derivedCol, len(cols))
		var names, items []string
		for i, c := range cols {
			renamed[i] = derivedCol{fmt.Sprintf("x%d", i), c.kind}
			names = append(names, renamed[i].name)
			items = append(items, c.name+" AS "+renamed[i].name)
		}
		wrapped := "SELECT " + strings.Join(items, ", ") + " FROM (" + inner + ") AS d0"
		q := g.derivedOuter(wrapped, renamed, "d")
		return cteForm(q.genQuery, "WITH d ("+strings.Join(names, ", ")+") AS ("+inner+") ", wrapped)
	case 2:
		// A second CTE over the first, with a condition of its own.
		c := cols[g.r.Intn(len(cols))]
		second := "SELECT * FROM d0 WHERE " + c.name + " IS NOT NULL"
		wrapped := "SELECT * FROM (" + inner + ") AS d0 WHERE " + c.name + " IS NOT NULL"
		q := g.derivedOuter(wrapped, cols, "d")
		return cteForm(q.genQuery, "WITH d0 AS ("+inner+"), d AS ("+second+") ", wrapped)
	case 3:
		// The WITH inside the derived table's parentheses.
		q := g.derivedOuter(inner, cols, "d")
		sql := q.sql
		for _, from := range []string{" FROM (" + inner + ") AS d", " FROM (" + inner + ") d"} {
			if i := strings.Index(sql, from); i >= 0 {
				sql = sql[:i] + " FROM (WITH d0 AS (" + inner + ") SELECT * FROM d0) AS d" + sql[i+len(from):]
				break
			}
		}
		return genQuery{sql: sql, args: q.args, ordered: q.ordered, oracle: q.sql}
	default:
		// Read twice: in FROM and in an IN subquery; one database reads
		// the derived table's placeholders twice.
		c := cols[g.r.Intn(len(cols))]
		for _, k := range cols {
			if k.kind != kindBlob && k.kind != kindFloat {
				c = k
				break
			}
		}
		outer := "SELECT COUNT(*) AS n, COUNT(d.%[1]s) AS cn FROM %[2]s WHERE d.%[1]s IN (SELECT e.%[1]s FROM %[3]s)"
		return genQuery{
			sql:        "WITH d AS (" + inner + ") " + fmt.Sprintf(outer, c.name, "d", "d AS e"),
			args:       innerArgs,
			oracle:     fmt.Sprintf(outer, c.name, "("+inner+") AS d", "("+inner+") AS e"),
			oracleArgs: append(append([]any(nil), innerArgs...), innerArgs...),
		}
	}
}

// cteForm returns q, a statement over the derived table (body) d, as the
// same statement over the CTE d that with defines, one database running
// q itself.
func cteForm(q genQuery, with, body string) genQuery {
	sql := q.sql
	for _, from := range []string{" FROM (" + body + ") AS d", " FROM (" + body + ") d"} {
		if i := strings.Index(sql, from); i >= 0 {
			sql = sql[:i] + " FROM d" + sql[i+len(from):]
			break
		}
	}
	return genQuery{sql: with + sql, args: q.args, ordered: q.ordered, oracle: q.sql}
}

// Generated statements with common table expressions, run as their
// derived tables, return the rows one database returns for the same
// statement written with derived tables.
func TestQueryGenCTEsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 100, "common table expressions", (*queryGen).cteQuery)
}

// recursiveQuery is a generated recursive CTE over the items, sharded by
// id, so each round's join reaches other shards: an anchor of some
// items, a step joining the previous round's rows with items (by id, the
// primary vindex, or by qty, which routes nowhere) or with their tags,
// bounded by a depth, under UNION or UNION ALL; the statement reads the
// CTE alone, grouped, ordered and cut, or joined with items. One
// database runs the same statement.
func (g *queryGen) recursiveQuery() genQuery {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "?"
	}
	anchors := []func() string{
		func() string { return "id = " + arg(int64(1+g.r.Intn(80))) },
		func() string {
			return fmt.Sprintf("id IN (%d, %d, %s)", 1+g.r.Intn(80), 1+g.r.Intn(80), arg(int64(1+g.r.Intn(80))))
		},
		func() string { return "qty > " + arg(int64(g.r.Intn(12))) },
		func() string {
			return fmt.Sprintf("grp = '%s' AND id < %d", mergeGroups[g.r.Intn(len(mergeGroups))], 20+g.r.Intn(60))
		},
	}
	anchor := "SELECT id, qty, 0 AS depth FROM items WHERE " + anchors[g.r.Intn(len(anchors))]()
	depth := 1 + g.r.Intn(4)
	var step string
	switch g.pickWeighted(3, 2, 2, 1) {
	case 0:
		// Along ids: each round routed to the shards of its keys.
		step = fmt.Sprintf("SELECT i.id, i.qty, r.depth + 1 FROM r JOIN items i ON i.id = r.id + %d WHERE r.depth < %d", 1+g.r.Intn(9), depth)
	case 1:
		step = fmt.Sprintf("SELECT i.id, i.qty, r.depth + 1 FROM items i JOIN r ON i.id = r.id * 2 WHERE r.depth < %s", arg(int64(depth)))
	case 2:
		// Along qty: no vindex, every shard each round.
		step = fmt.Sprintf("SELECT i.id, i.qty, r.depth + 1 FROM r JOIN items i ON i.qty = r.qty + 1 WHERE r.depth < %d AND i.id < %d", depth, 30+g.r.Intn(50))
	default:
		step = fmt.Sprintf("SELECT t.item_id + 1, t.weight, r.depth + 1 FROM r JOIN item_tags t ON t.item_id = r.id WHERE r.depth < %d", depth)
	}
	union := []string{" UNION ALL ", " UNION "}[g.r.Intn(2)]
	with := "WITH RECURSIVE r (id, qty, depth) AS (" + anchor + union + step + ") "
	q := genQuery{}
	switch g.pickWeighted(2, 2, 2, 2, 1, 1, 1, 1) {
	case 5:
		// Aggregates without GROUP BY: one row, over no rows too.
		q.sql = with + "SELECT COUNT(*) AS n, MAX(depth) AS d, MIN(qty) AS m, AVG(id) AS a, SUM(qty) AS s FROM r" + []string{"", " WHERE qty > " + arg(int64(g.r.Intn(9)))}[g.r.Intn(2)]
	case 6:
		// DISTINCT and HAVING, ordered and cut.
		if g.chance(0.5) {
			q.sql = with + "SELECT DISTINCT depth FROM r ORDER BY depth DESC LIMIT " + arg(int64(1+g.r.Intn(4)))
		} else {
			q.sql = with + "SELECT qty, COUNT(*) AS n FROM r GROUP BY qty HAVING COUNT(*) > " + arg(int64(g.r.Intn(3))) + " ORDER BY n DESC, qty LIMIT 3 OFFSET " + arg(int64(g.r.Intn(2)))
		}
		q.ordered = true
	case 7:
		// Joined with a sharded table, aggregated.
		q.sql = with + "SELECT COUNT(*) AS n, MAX(i.name) AS mx, SUM(r.depth) AS s FROM r JOIN items i ON i.id = r.id"
	case 0:
		q.sql = with + "SELECT * FROM r"
	case 1:
		q.sql = with + "SELECT depth, COUNT(*) AS n, COUNT(DISTINCT id) AS ids, SUM(qty) AS s FROM r GROUP BY depth"
	case 2:
		q.sql = with + "SELECT id, depth, qty FROM r ORDER BY id, depth, qty LIMIT " + arg(int64(3+g.r.Intn(10)))
		q.ordered = true
	case 3:
		q.sql = with + "SELECT r.id, r.depth, i.name FROM r JOIN items i ON i.id = r.id WHERE r.depth > 0"
	default:
		q.sql = with + "SELECT COUNT(*) AS n FROM items WHERE id IN (SELECT id FROM r)"
	}
	q.args = args
	return q
}

// Generated recursive CTEs whose rounds cross shards return the rows one
// database returns for the same statement.
func TestQueryGenRecursiveCTEsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 150, "recursive common table expressions", (*queryGen).recursiveQuery)
}
