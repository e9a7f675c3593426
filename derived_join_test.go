package vitessdo_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/merge"
)

// A derived table the shards cannot run with the tables it is joined with
// is a leaf of the join of its own: its SELECT planned apart (merged when
// the shards cannot run it alone), joined at the merge with the tables.
// Each returns the rows one database returns.
func TestDerivedTableJoinsEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range derivedJoinCases {
					p.compare(t, c.ordered, c.query, c.args...)
				}
			})
		}
	})
}

var derivedJoinCases = []struct {
	query   string
	args    []any
	ordered bool
}{
	// The derived table's GROUP BY, joined on its key.
	{query: "SELECT d.item_id, d.n, i.name FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d JOIN items i ON i.id = d.item_id"},
	{query: "SELECT i.name, d.n FROM items i JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d ON d.item_id = i.id"},
	{query: "SELECT d.grp, d.n, k.label FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d JOIN kinds k ON k.code = d.grp"},
	{query: "SELECT d.g, d.n, i.id FROM (SELECT grp AS g, COUNT(*) AS n FROM items GROUP BY grp) d JOIN items i ON i.grp = d.g WHERE d.n > ? AND i.qty > ?", args: []any{1, 2}},
	// A LIMIT with ORDER BY, and DISTINCT.
	{query: "SELECT d.id, d.name, t.tag FROM (SELECT id, name FROM items ORDER BY name, id LIMIT 7) d JOIN item_tags t ON t.item_id = d.id"},
	{query: "SELECT i.id, i.name FROM (SELECT DISTINCT item_id FROM item_tags) d JOIN items i ON i.id = d.item_id"},
	// LEFT JOIN either way.
	{query: "SELECT i.id, d.n FROM items i LEFT JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d ON d.item_id = i.id"},
	{query: "SELECT d.grp, d.n, i.id FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d LEFT JOIN items i ON i.grp = d.grp AND i.qty > 3"},
	{query: "SELECT i.id, d.id AS top FROM items i LEFT JOIN (SELECT id FROM items ORDER BY qty DESC, id LIMIT 5) d ON d.id = i.id WHERE i.qty > 1"},
	{query: "SELECT d.kind, d.s, k.label FROM (SELECT kind, SUM(qty) AS s FROM items GROUP BY kind) d LEFT JOIN kinds k ON k.code = d.kind"},
	// NULL keys: a NULL group key matches nothing.
	{query: "SELECT d.kind, d.n, i.id FROM (SELECT kind, COUNT(*) AS n FROM items GROUP BY kind) d JOIN items i ON i.kind = d.kind"},
	{query: "SELECT i.id, d.n FROM items i LEFT JOIN (SELECT kind, COUNT(*) AS n FROM items GROUP BY kind) d ON d.kind = i.kind"},
	// A horizon over the join.
	{query: "SELECT d.item_id, d.n, i.name FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d JOIN items i ON i.id = d.item_id ORDER BY d.n DESC, i.name, d.item_id", ordered: true},
	{query: "SELECT i.grp, SUM(d.n) AS tags, COUNT(*) AS c FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d JOIN items i ON i.id = d.item_id GROUP BY i.grp"},
	{query: "SELECT d.n, COUNT(*) AS c FROM items i LEFT JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d ON d.item_id = i.id GROUP BY d.n ORDER BY d.n", ordered: true},
	{query: "SELECT i.name, d.n FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d JOIN items i ON i.id = d.item_id ORDER BY i.name, i.id LIMIT 4", ordered: true},
	// A filter on the nullable derived table after the join, a residual,
	// arguments inside the derived table, three leaves, two derived tables.
	{query: "SELECT i.id FROM items i LEFT JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d ON d.item_id = i.id WHERE d.n IS NULL"},
	{query: "SELECT i.id, d.g FROM items i JOIN (SELECT grp AS g, MAX(qty) AS m FROM items GROUP BY grp) d ON d.g = i.grp AND i.qty < d.m"},
	{query: "SELECT d.g, d.n, i.id FROM (SELECT grp AS g, COUNT(*) AS n FROM items WHERE qty > ? GROUP BY grp) d JOIN items i ON i.grp = d.g WHERE i.qty < ?", args: []any{2, 5}},
	{query: "SELECT d.g, i.id, t.tag FROM (SELECT grp AS g, COUNT(*) AS n FROM items GROUP BY grp) d JOIN items i ON i.grp = d.g JOIN item_tags t ON t.item_id = i.id"},
	{query: "SELECT a.g, a.n, b.m FROM (SELECT grp AS g, COUNT(*) AS n FROM items GROUP BY grp) a JOIN (SELECT grp AS g, MAX(qty) AS m FROM items GROUP BY grp) b ON b.g = a.g"},
	{query: "SELECT i.id, d.n FROM items i JOIN (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d ON d.grp = i.grp WHERE i.id = 7"},
	// * over the join, and a RIGHT JOIN.
	{query: "SELECT * FROM (SELECT grp AS g, COUNT(*) AS n FROM items GROUP BY grp) d JOIN items i ON i.grp = d.g"},
	{query: "SELECT i.id, d.n FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d RIGHT JOIN items i ON i.id = d.item_id"},
	// A column computed without an alias, named as the backend names it.
	{query: "SELECT d.*, i.id FROM (SELECT grp, COUNT(*) FROM items GROUP BY grp) d JOIN items i ON i.grp = d.grp"},
	{query: "SELECT * FROM (SELECT grp, MAX(qty) + 1, COUNT(*) FROM items GROUP BY grp) d JOIN items i ON i.grp = d.grp"},
	{query: "SELECT d.*, i.grp FROM (SELECT *, qty * 2 FROM items WHERE qty > 3) d JOIN items i ON i.id = d.id"},
	// Unqualified names of one table.
	{query: "SELECT n, name FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d JOIN items i ON i.id = item_id"},
}

// VEXPLAIN PLAN shows the derived table evaluated over its merged rows as
// a leaf of the join.
func TestDerivedTableJoinShowsInTheVexplainPlan(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	q := "SELECT d.g, d.n, i.id FROM (SELECT grp AS g, COUNT(*) AS n FROM items GROUP BY grp) d JOIN items i ON i.grp = d.g"
	res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+q)
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(res.Rows)
	if !strings.Contains(text, "Evaluate (derived table d)") || !strings.Contains(text, "Join") {
		t.Errorf("%s: VEXPLAIN PLAN shows no join over the derived table evaluated by the router:\n%s", q, text)
	}
}

// What a join with a derived table does not run is refused, saying why.
func TestDerivedTableJoinRefusals(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	for _, tt := range []struct{ query, want string }{
		{"SELECT d.*, i.id FROM (SELECT grp, COUNT(*) FROM shop.items GROUP BY grp) d JOIN items i ON i.grp = d.grp", "computed without an alias"},
	} {
		_, err := queryAll(p.sharded, tt.query)
		if err == nil || !isUnsupported(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an unsupported error saying %q", tt.query, err, tt.want)
		}
	}
}

// A derived table read once as the inner side of a join holds its rows,
// at most max_memory_rows: past that the statement fails naming the limit.
func TestDerivedTableJoinHoldsAtMostMaxMemoryRows(t *testing.T) {
	db := openMemoryBounded(t)
	loadItems(t, db, 100)
	q := "SELECT i.id, d.id FROM items i JOIN (SELECT id FROM items ORDER BY id LIMIT 50) d ON d.id = i.qty"
	_, err := queryAll(db, q)
	var me *merge.MemoryRowsError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "max_memory_rows = 20") {
		t.Errorf("%s: got %v, want an error naming max_memory_rows = 20", q, err)
	}
}

// Derived tables each pinned to one shard by their own conditions run as
// one statement when the conditions place them on one shard, and as a
// join at the router when they place them on two; a pinned derived
// table joined with a scatter one likewise. Both equal one database.
func TestPinnedDerivedTablesJoinAcrossShards(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		queries := []string{
			"SELECT a.j, b.j FROM (SELECT id AS j FROM items WHERE id = ?) a JOIN (SELECT item_id AS j FROM tokens WHERE tok = ?) b ON b.j = a.j",
			"SELECT a.j, b.j, b.note FROM (SELECT id AS j FROM items WHERE id = ?) a JOIN (SELECT item_id AS j, note FROM tokens WHERE tok = ?) b ON b.j <= a.j",
			"SELECT a.j, b.j FROM (SELECT id AS j FROM items WHERE id = ?) a LEFT JOIN (SELECT item_id AS j FROM tokens WHERE tok = ?) b ON b.j = a.j",
			"SELECT a.j, a.name, b.j FROM (SELECT id AS j, name FROM items WHERE id = ?) a JOIN (SELECT item_id AS j FROM tokens WHERE tok = ? OR note = 'x') b ON b.j = a.j",
		}
		rows := 0
		for _, q := range queries {
			for _, k := range [][2]int{{1, 0}, {2, 1}, {4, 3}, {4, 9}, {9, 8}, {11, 10}, {12, 2}} {
				res := p.compareRows(t, q, int64(k[0]), tokenOf(k[1]))
				rows += len(res.Rows)
			}
		}
		p.compareRows(t, "SELECT a.j, b.j FROM (SELECT id AS j FROM items WHERE id = 58) a JOIN (SELECT item_id AS j FROM tokens WHERE tok = ?) b ON b.j = a.j", tokenOf(57))
		if rows == 0 {
			t.Error("every join returned no rows")
		}
	})
}
