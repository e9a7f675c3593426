package vitessdo_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// shopAndMainVSchema is the merge schema with an unsharded keyspace
// first by name, so that statements without tables default to it.
var shopAndMainVSchema = strings.Replace(mergeVSchema, `"keyspaces": {`, `"keyspaces": {
    "main": {"sharded": false, "tables": {"notes": {}}},`, 1)

func newShopAndMainPair(t *testing.T, e engine) *pair {
	t.Helper()
	p := newPair(t, e, shopAndMainVSchema)
	for _, ddl := range mergeDDL {
		p.exec(t, ddl)
	}
	p.exec(t, "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body VARCHAR(32))")
	p.exec(t, "INSERT INTO notes (id, body) VALUES (1, 'one'), (2, 'two'), (3, NULL)")
	p.exec(t, "INSERT INTO kinds (code, label) VALUES ('x', 'Ex'), ('y', 'Why')")
	for _, it := range genData() {
		p.exec(t, "INSERT INTO items (id, grp, name, qty, price, kind) VALUES (?, ?, ?, ?, ?, ?)", it.id, it.grp, it.name, it.qty, it.price, it.kind)
	}
	return p
}

// A SELECT without tables whose subqueries read sharded tables runs each
// subquery over every shard it needs, once, and computes the rest: the
// answers one database gives, never one shard's, and never on a keyspace
// that does not hold the tables.
func TestTablelessSelectWithSubqueriesEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newShopAndMainPair(t, e)
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "SELECT (SELECT COUNT(*) FROM items)"},
			{query: "SELECT (SELECT COUNT(*) FROM items) AS n"},
			{query: "SELECT EXISTS(SELECT 1 FROM items WHERE name = ?)", args: []any{"zebra"}},
			{query: "SELECT EXISTS(SELECT 1 FROM items WHERE name = ?)", args: []any{"nobody"}},
			{query: "SELECT NOT EXISTS(SELECT 1 FROM items WHERE name = 'zebra') AS free"},
			{query: "SELECT 1 FROM dual WHERE EXISTS (SELECT 1 FROM items WHERE name = 'zebra')"},
			{query: "SELECT 1 FROM dual WHERE EXISTS (SELECT 1 FROM items WHERE name = 'nobody')"},
			{query: "SELECT (SELECT COUNT(*) FROM items) + (SELECT COUNT(*) FROM item_tags) AS n"},
			{query: "SELECT (SELECT COUNT(*) FROM items) - (SELECT COUNT(*) FROM notes)"},
			{query: "SELECT (SELECT MAX(qty) FROM items), (SELECT MIN(name) FROM items WHERE qty > ?)", args: []any{3}},
			{query: "SELECT (SELECT SUM(qty) FROM items WHERE grp = 'a') * 2 + 1"},
			{query: "SELECT (SELECT AVG(qty) FROM items)"},
			{query: "SELECT COALESCE((SELECT name FROM items WHERE id = 1000), 'none')"},
			{query: "SELECT CASE WHEN (SELECT COUNT(*) FROM items WHERE qty > 5) > 10 THEN 'many' ELSE 'few' END"},
			{query: "SELECT (SELECT name FROM items WHERE id = 3)"},
			{query: "SELECT (SELECT name FROM items WHERE id = ?)", args: []any{int64(7)}},
			{query: "SELECT (SELECT label FROM kinds WHERE code = 'x')"},
			{query: "SELECT (SELECT body FROM notes WHERE id = 2)"},
			{query: "SELECT (SELECT COUNT(*) FROM items WHERE id = 1 AND id = 2)"},
			{query: "SELECT (SELECT COUNT(*) FROM items WHERE kind IN (SELECT code FROM kinds))"},
			{query: "SELECT (SELECT name FROM items ORDER BY name DESC, id LIMIT 1)"},
			{query: "SELECT (SELECT COUNT(*) FROM (SELECT id FROM items WHERE qty > 0) t)"},
		} {
			p.compareRows(t, c.query, c.args...)
		}
		got := p.compareRows(t, "SELECT (SELECT COUNT(*) FROM items)")
		if len(got.Rows) != 1 || got.Rows[0][0] != int64(90) {
			t.Errorf("SELECT (SELECT COUNT(*) FROM items) = %v, want 90", got.Rows)
		}
	})
}

// shardsOf drops the operator rows (no keyspace, no shard) of a VEXPLAIN
// PLAN from explain's keyspace/shard list.
func shardsOf(rows []string) []string {
	var out []string
	for _, r := range rows {
		if r != "/" {
			out = append(out, r)
		}
	}
	return out
}

// VEXPLAIN PLAN shows the operators over the shard statements, indented
// by level, each before its inputs.
func TestVexplainPlanShowsTheOperatorTree(t *testing.T) {
	p := newShopAndMainPair(t, engine{name: "sqlite", url: sqliteURL})
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"SELECT (SELECT COUNT(*) FROM items) + (SELECT COUNT(*) FROM notes) AS n", []string{
			"Project n",
			"  Subquery scalar (select COUNT(*) from items)",
			"shop/-40", "shop/40-80", "shop/80-c0", "shop/c0-",
			"  Subquery scalar (select COUNT(*) from notes)",
			"main/0",
		}},
		{"SELECT 1 FROM dual WHERE EXISTS (SELECT 1 FROM items WHERE name = 'x')", []string{
			"Project 1",
			"  Filter",
			"    Subquery EXISTS exists (select 1 from items where name = 'x')",
			"shop/-40", "shop/40-80", "shop/80-c0", "shop/c0-",
		}},
		{"SELECT grp FROM items UNION SELECT body FROM notes ORDER BY 1 DESC LIMIT 3", []string{
			"Limit 3",
			"  Sort 1 DESC",
			"    Union DISTINCT",
			"shop/-40", "shop/40-80", "shop/80-c0", "shop/c0-",
			"main/0",
		}},
		{"SELECT grp FROM items UNION ALL SELECT tag FROM item_tags UNION SELECT body FROM notes", []string{
			"Union DISTINCT",
			"  Union ALL",
			"shop/-40", "shop/40-80", "shop/80-c0", "shop/c0-",
			"shop/-40", "shop/40-80", "shop/80-c0", "shop/c0-",
			"main/0",
		}},
	} {
		res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+tt.query)
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		var got []string
		for _, r := range res.Rows {
			if r[0] == "" {
				got = append(got, r[2].(string))
			} else {
				got = append(got, r[0].(string)+"/"+r[1].(string))
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("VEXPLAIN PLAN %s (-want +got):\n%s", tt.query, diff)
		}
	}
}

// Pushdown first: subqueries whose tables one shard holds whole send the
// statement there as written; others send each subquery on its own.
func TestTablelessSelectWithSubqueriesReachesTheShardsItNeeds(t *testing.T) {
	p := newShopAndMainPair(t, engine{name: "sqlite", url: sqliteURL})
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"SELECT (SELECT name FROM items WHERE id = 3)", []string{"shop/" + []string{"-40", "40-80", "80-c0", "c0-"}[shardOfID(3)]}},
		{"SELECT (SELECT body FROM notes WHERE id = 2)", []string{"main/0"}},
		{"SELECT (SELECT label FROM kinds WHERE code = 'x')", []string{"shop/-40"}},
		{"SELECT (SELECT COUNT(*) FROM items)", []string{"shop/-40", "shop/40-80", "shop/80-c0", "shop/c0-"}},
		{"SELECT (SELECT COUNT(*) FROM items) + (SELECT COUNT(*) FROM notes)", []string{"shop/-40", "shop/40-80", "shop/80-c0", "shop/c0-", "main/0"}},
	} {
		got := shardsOf(explain(t, p.sharded, tt.query))
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s reaches %v, want %v", tt.query, got, tt.want)
		}
	}
}

// A subquery left of IN a subquery of numbers, which on SQLite becomes a
// chain of equalities, reads the left's value in each of them.
func TestTablelessSubqueryInANumberListEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, q := range []string{
			"SELECT (SELECT COUNT(weight) FROM item_tags) IN (SELECT id FROM items WHERE qty > ?) AS c",
			"SELECT (SELECT COUNT(weight) FROM item_tags) NOT IN (SELECT id FROM items WHERE qty > ?) AS c",
			"SELECT (SELECT COUNT(qty) FROM items) IN (SELECT weight FROM item_tags WHERE weight IS NULL) AS c0, (SELECT COUNT(weight) FROM item_tags) IN (SELECT id FROM items WHERE qty > ?) AS c1",
		} {
			p.compareRows(t, q, int64(-1))
		}
	})
}
