package vitessdo_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
)

// A GROUP BY or DISTINCT the shards may run alone must make each group
// or row live on one shard: a primary vindex column of a table no outer
// join fills with NULLs (a NULL of the nullable side is on every shard).
func TestVindexGroupingOnTheNullableSideIsMerged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				p.compareRows(t, "SELECT t.item_id, COUNT(*) FROM items i LEFT JOIN item_tags t ON t.item_id = i.id GROUP BY t.item_id")
				p.compareRows(t, "SELECT t.item_id, COUNT(*) AS n FROM item_tags t RIGHT JOIN items i ON t.item_id = i.id GROUP BY t.item_id")
				p.compareRows(t, "SELECT DISTINCT t.item_id FROM items i LEFT JOIN item_tags t ON t.item_id = i.id")
			})
		}
	})
}

// A derived table whose own GROUP BY, aggregates, DISTINCT, LIMIT or
// UNION the shards cannot run apart is planned as a statement of its own,
// and the outer SELECT is evaluated over its rows: the rows one database
// returns.
func TestDerivedTablesEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range derivedCases {
					p.compare(t, c.ordered, c.query, c.args...)
				}
			})
		}
	})
}

var derivedCases = []struct {
	query   string
	args    []any
	ordered bool
}{
	// The derived table's own horizon, passed through.
	{query: "SELECT * FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d"},
	{query: "SELECT d.* FROM (SELECT grp, kind, COUNT(*) AS n, SUM(qty) AS s, MIN(name) AS lo FROM items GROUP BY grp, kind) AS d"},
	{query: "SELECT * FROM (SELECT COUNT(*) AS n, SUM(qty) AS s, AVG(price) AS a, MAX(made) AS m FROM items) d"},
	{query: "SELECT * FROM (SELECT DISTINCT grp FROM items) d"},
	{query: "SELECT * FROM (SELECT DISTINCT COUNT(*) AS c FROM items GROUP BY id) d"},
	{query: "SELECT c FROM (SELECT DISTINCT qty AS c FROM items GROUP BY id, qty) d"},
	{query: "SELECT * FROM (SELECT id, name FROM items ORDER BY name, id LIMIT 5) d"},
	{query: "SELECT * FROM (SELECT id, name FROM items ORDER BY name DESC, id LIMIT 4 OFFSET 3) d"},
	{query: "SELECT * FROM (SELECT * FROM items ORDER BY id LIMIT 3) d"},
	{query: "SELECT * FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp HAVING COUNT(*) > 2) d"},
	{query: "SELECT * FROM (SELECT grp FROM items UNION SELECT tag FROM item_tags) d"},
	{query: "SELECT COUNT(*) FROM (SELECT grp FROM items UNION ALL SELECT tag FROM item_tags) d"},
	{query: "SELECT * FROM (SELECT t.item_id, COUNT(*) AS n FROM items i LEFT JOIN item_tags t ON t.item_id = i.id GROUP BY t.item_id) d"},
	// The outer statement's WHERE, GROUP BY, aggregates, HAVING, DISTINCT,
	// ORDER BY and LIMIT over the derived rows.
	{query: "SELECT d.grp, d.n FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d WHERE d.n > 1"},
	{query: "SELECT grp, n FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d WHERE n >= ? AND grp <> ?", args: []any{2, "a"}},
	{query: "SELECT d.grp, d.n FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d ORDER BY d.n DESC, d.grp", ordered: true},
	{query: "SELECT d.grp AS g, d.n * 2 AS twice FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d ORDER BY twice, g LIMIT 3", ordered: true},
	{query: "SELECT n, COUNT(*) AS groups FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d GROUP BY n"},
	{query: "SELECT n, COUNT(*) AS groups FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d GROUP BY n HAVING COUNT(*) > 1 ORDER BY n", ordered: true},
	{query: "SELECT MAX(n), MIN(n), SUM(n), COUNT(*), AVG(n) FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d"},
	{query: "SELECT COUNT(*) FROM (SELECT DISTINCT grp FROM items) d"},
	{query: "SELECT COUNT(DISTINCT k) FROM (SELECT kind AS k, grp FROM items GROUP BY kind, grp) d"},
	{query: "SELECT DISTINCT n FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d"},
	{query: "SELECT d.name FROM (SELECT id, name FROM items ORDER BY id LIMIT 10) d ORDER BY d.name, d.id LIMIT 4", ordered: true},
	{query: "SELECT * FROM (SELECT id, qty FROM items ORDER BY id LIMIT ?) d WHERE d.qty > ? ORDER BY id LIMIT ?", args: []any{20, 0, 5}, ordered: true},
	{query: "SELECT s - 1 AS x, COALESCE(lo, 'none') AS lo FROM (SELECT kind, SUM(qty) AS s, MIN(name) AS lo FROM items GROUP BY kind) d"},
	{query: "SELECT d.kind, d.s FROM (SELECT kind, SUM(qty) AS s FROM items GROUP BY kind) d WHERE d.kind IS NULL OR d.s IS NULL"},
	{query: "SELECT d.grp FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d WHERE d.n IN (SELECT qty FROM items)"},
	{query: "SELECT d.grp FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d WHERE d.n > (SELECT MIN(qty) FROM items)"},
	// No row routes anywhere: the derived table's scalar aggregate still
	// has its row.
	{query: "SELECT * FROM (SELECT COUNT(*) AS c, MAX(qty) AS m FROM items WHERE id = 1 AND id = 2) d"},
	{query: "SELECT c + 1 AS x FROM (SELECT COUNT(*) AS c FROM items WHERE id = 1 AND id = 2) d WHERE d.c = 0"},
	{query: "SELECT * FROM (SELECT COUNT(*) AS c FROM (SELECT id FROM items WHERE id = 3 AND id = 4) a) b"},
	{query: "SELECT * FROM (SELECT id, COUNT(*) AS n FROM items GROUP BY id) d WHERE d.id = 1 AND d.id = 2"},
	// SQLite gives an expression over a DATETIME column as the text the
	// row holds, the column itself as a time.
	{query: "SELECT MIN(d.m) AS lo, MAX(d.m) AS hi, COUNT(DISTINCT d.m) AS n FROM (SELECT made AS m, name FROM items ORDER BY id LIMIT 30) d"},
	{query: "SELECT d.m, COALESCE(d.m, d.m) AS c FROM (SELECT DISTINCT made AS m FROM items) d"},
	{query: "SELECT d.g, MIN(d.m) AS m FROM (SELECT grp AS g, made AS m FROM items GROUP BY grp, made) d GROUP BY d.g"},
	// Nested derived tables.
	{query: "SELECT x.n FROM (SELECT d.n FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d) x"},
	{query: "SELECT COUNT(*) AS c FROM (SELECT n FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d GROUP BY n) x"},
	{query: "SELECT * FROM (SELECT * FROM (SELECT id, name FROM items ORDER BY id LIMIT 8) a ORDER BY name, id LIMIT 3) b", ordered: false},
	// A derived table over a join across shards.
	{query: "SELECT * FROM (SELECT i.grp AS grp, COUNT(*) AS n FROM tokens t JOIN items i ON i.id = t.item_id GROUP BY i.grp) d WHERE d.n > 1"},
	// Derived tables the shards run whole, the outer statement merged.
	{query: "SELECT * FROM (SELECT id, COUNT(*) AS n FROM items GROUP BY id) d"},
	{query: "SELECT n, COUNT(*) FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d GROUP BY n"},
	{query: "SELECT * FROM (SELECT DISTINCT id, qty FROM items) d"},
}

// VEXPLAIN PLAN shows where a derived table runs: whole on the shards when
// they can run it apart, evaluated by the router over its merged rows
// otherwise.
func TestDerivedTablesShowInTheVexplainPlan(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	for _, tt := range []struct {
		query  string
		merged bool
	}{
		{"SELECT d.grp, d.n FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d WHERE d.n > 1", true},
		{"SELECT * FROM (SELECT id, name FROM items ORDER BY id LIMIT 3) d", true},
		{"SELECT * FROM (SELECT DISTINCT grp FROM items) d", true},
		{"SELECT * FROM (SELECT grp FROM items UNION SELECT tag FROM item_tags) d", true},
		{"SELECT * FROM (SELECT id, COUNT(*) AS n FROM items GROUP BY id) d", false},
		{"SELECT * FROM (SELECT DISTINCT id, qty FROM items) d", false},
		{"SELECT COUNT(*) FROM (SELECT id FROM items WHERE qty > 0) d", false},
		{"SELECT * FROM (SELECT grp, COUNT(*) AS n FROM items WHERE id = 7 GROUP BY grp) d", false},
		{"SELECT * FROM (SELECT id, name FROM items WHERE id = 7 ORDER BY id LIMIT 3) d", false},
	} {
		res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+tt.query)
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		text := fmt.Sprint(res.Rows)
		evaluated := strings.Contains(text, "Evaluate (derived table d)")
		pushed := strings.Contains(strings.ToLower(text), "from (select")
		if evaluated != tt.merged || pushed == tt.merged {
			t.Errorf("%s: VEXPLAIN PLAN evaluated=%v sent whole=%v, want evaluated=%v:\n%s", tt.query, evaluated, pushed, tt.merged, text)
		}
	}
}

// A derived table the router evaluates holds rows only in its sorts, at
// most max_memory_rows: past that the statement fails naming the limit.
func TestDerivedTableHoldsAtMostMaxMemoryRows(t *testing.T) {
	db := openMemoryBounded(t)
	loadItems(t, db, 100)
	for _, q := range []string{
		"SELECT n, COUNT(*) FROM (SELECT name, COUNT(*) AS n FROM items GROUP BY name) d GROUP BY n",
		"SELECT * FROM (SELECT id, name FROM items ORDER BY id LIMIT 50) d ORDER BY name",
		"SELECT DISTINCT g FROM (SELECT DISTINCT grp AS g, name FROM items) d",
	} {
		wantMemoryRowsError(t, db, q)
	}
	for _, tt := range []struct {
		query string
		rows  int
	}{
		{"SELECT * FROM (SELECT id, name FROM items ORDER BY id LIMIT 15) d WHERE d.id > 3", 12},
		{"SELECT * FROM (SELECT id FROM items ORDER BY id LIMIT 50) d ORDER BY id DESC LIMIT 5", 5},
		{"SELECT COUNT(*) FROM (SELECT id FROM items ORDER BY id LIMIT 50 OFFSET 10) d", 1},
	} {
		wantRows(t, db, tt.query, tt.rows)
	}
}

// What the router cannot evaluate over a derived table's rows is refused,
// saying why.
func TestDerivedTableRefusals(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	for _, tt := range []struct{ query, want string }{
		{"SELECT * FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d FOR UPDATE", "FOR UPDATE"},
		{"SELECT grp, n FROM (SELECT grp, kind, COUNT(*) AS n FROM items GROUP BY grp, kind) d GROUP BY grp", "neither grouped nor aggregated"},
	} {
		_, err := queryAll(p.sharded, tt.query)
		if err == nil || !isUnsupported(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an unsupported error saying %q", tt.query, err, tt.want)
		}
	}
}

// An outer condition on a plain column of a derived table (a grouping
// column when it groups, and no LIMIT) moves into the derived table's
// WHERE: it filters before the grouping and routes by the vindex.
func TestDerivedTableConditionsMoveInside(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, tt := range derivedPushCases {
					p.compare(t, tt.ordered, tt.query, tt.args...)
				}
			})
		}
	})
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	for _, tt := range derivedPushCases {
		shards := explain(t, p.sharded, tt.query, tt.args...)
		var n int
		for _, s := range shards {
			if strings.HasPrefix(s, "shop/") {
				n++
			}
		}
		if n != tt.shards {
			t.Errorf("%s: reaches %d shards, want %d: %v", tt.query, n, tt.shards, shards)
		}
		if tt.inside != "" {
			qs := fmt.Sprint(explainQueries(t, p.sharded, tt.query, tt.args...))
			if !strings.Contains(qs, tt.inside) {
				t.Errorf("%s: the shards get %s, want the condition %s inside", tt.query, qs, tt.inside)
			}
		}
	}
}

var derivedPushCases = []struct {
	query   string
	args    []any
	ordered bool
	// shards is how many shards the statement reaches; inside is the
	// text of the condition in the derived table's WHERE, if it moves.
	shards int
	inside string
}{
	{query: "SELECT * FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) t WHERE t.item_id = 5", shards: 1, inside: "WHERE `item_id` = 5 GROUP BY"},
	{query: "SELECT * FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) t WHERE item_id = ?", args: []any{7}, shards: 1},
	{query: "SELECT n FROM (SELECT item_id AS k, COUNT(*) AS n FROM item_tags GROUP BY item_id) t WHERE t.k IN (5, 7) AND t.n > 0", shards: 2, inside: "`item_id` IN"},
	{query: "SELECT * FROM (SELECT grp, COUNT(*) AS n FROM items WHERE qty > 0 OR qty IS NULL GROUP BY grp) d WHERE d.grp = 'a' OR d.grp IS NULL", shards: 4, inside: "(`qty` > 0 OR `qty` IS NULL) AND (`grp` = 'a' OR `grp` IS NULL)"},
	{query: "SELECT * FROM (SELECT grp, id, COUNT(*) AS n FROM items GROUP BY grp, id) d WHERE d.id = 7", shards: 1},
	{query: "SELECT * FROM (SELECT DISTINCT grp, kind FROM items) d WHERE d.kind = 'x'", shards: 4, inside: "`kind` = 'x'"},
	{query: "SELECT * FROM (SELECT * FROM items) d WHERE d.id = 11", shards: 1},
	{query: "SELECT d.name FROM (SELECT i.id AS ident, i.name FROM items i) d WHERE d.ident = ? AND d.name IS NOT NULL", args: []any{11}, shards: 1},
	{query: "SELECT x.n FROM (SELECT d.id, d.n FROM (SELECT id, COUNT(*) AS n FROM items GROUP BY id) d) x WHERE x.id = 3", shards: 1},
	// Conditions that stay outside: a LIMIT, an aggregate, a column not
	// grouped by.
	{query: "SELECT * FROM (SELECT id, name FROM items ORDER BY id LIMIT 9) d WHERE d.id = 3", shards: 4},
	{query: "SELECT * FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d WHERE d.n = 2", shards: 4},
	{query: "SELECT * FROM (SELECT grp, MAX(id) AS id FROM items GROUP BY grp) d WHERE d.id = 3", shards: 4},
	{query: "SELECT * FROM (SELECT COUNT(*) AS n, MAX(id) AS m FROM items) d WHERE d.n > 0", shards: 4},
}

// Over a keyspace on SQLite and PostgreSQL shards at once, the router
// passes a derived table's rows through, and refuses to compare them by
// one backend's rules.
func TestDerivedTableOverMixedBackends(t *testing.T) {
	db := openMixedItems(t)
	got, err := queryAll(db, "SELECT d.id FROM (SELECT id, name FROM items LIMIT 3) d")
	if err != nil || len(got.Rows) != 3 {
		t.Errorf("a derived LIMIT passed through: %v rows, %v; want 3 rows", len(got.Rows), err)
	}
	_, err = queryAll(db, "SELECT d.id FROM (SELECT id, name FROM items LIMIT 3) d WHERE d.name = 'n'")
	var ue *vitessdo.UnsupportedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "SQLite") || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("a condition over the derived rows of both backends: err = %v, want an UnsupportedError naming both", err)
	}
}
