package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// The inner derived table of a join across shards whose key column is,
// inside it, the primary vindex column of its table is read in batches
// bound by the outer rows' keys, each routed to the shards of its keys;
// another is read once. Both return the rows one database returns.
func TestDerivedTableInnerSideReadInRoutedBatchesEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "SELECT i.name, d.n FROM items i JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d ON d.item_id = i.id"},
			{query: "SELECT i.name, d.n FROM items i JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d ON d.item_id = i.id WHERE i.id IN (1, 2, 3)"},
			{query: "SELECT i.id, d.k, d.n FROM items i JOIN (SELECT item_id AS k, SUM(weight) AS n FROM item_tags GROUP BY item_id) d ON d.k = i.qty"},
			{query: "SELECT i.id, d.name FROM items i JOIN (SELECT id, name FROM items WHERE qty > ?) d ON d.id = i.qty", args: []any{0}},
			{query: "SELECT i.id, d.n FROM items i LEFT JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags WHERE weight IS NOT NULL GROUP BY item_id) d ON d.item_id = i.id"},
			{query: "SELECT t.tag, d.name FROM item_tags t JOIN (SELECT DISTINCT id, name FROM items) d ON d.id = t.weight"},
			{query: "SELECT i.id, d.n FROM items i JOIN (SELECT id, qty AS n FROM items ORDER BY qty, id LIMIT 5) d ON d.id = i.id + 1"},
		} {
			p.compareRows(t, c.query, c.args...)
		}
	})
}

// VEXPLAIN PLAN shows which inner derived tables are bound by batches.
func TestDerivedTableInnerSideBatchesShowInTheVexplainPlan(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	for _, tt := range []struct{ query, want string }{
		{"SELECT i.name, d.n FROM items i JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d ON d.item_id = i.id WHERE i.qty > 3", "inner routed IN by batches"},
		{"SELECT i.id, d.name FROM items i JOIN (SELECT id, name FROM items) d ON d.id = i.qty", "inner routed IN by batches"},
		// Grouped by another column, or limited: read once.
		{"SELECT i.id, d.n FROM items i JOIN (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d ON d.grp = i.grp", "inner read once"},
		{"SELECT i.id, d.n FROM items i JOIN (SELECT id, qty AS n FROM items ORDER BY qty LIMIT 5) d ON d.id = i.qty", "inner read once"},
		{"SELECT i.id, d.n FROM items i JOIN (SELECT id + 1 AS id, qty AS n FROM items) d ON d.id = i.qty", "inner read once"},
	} {
		res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+tt.query)
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if text := fmt.Sprint(res.Rows); !strings.Contains(text, tt.want) {
			t.Errorf("%s: VEXPLAIN PLAN does not show %q:\n%s", tt.query, tt.want, text)
		}
	}
}

// A derived table read in bound batches holds only a batch's rows: a
// join whose derived table has more rows than max_memory_rows, of which
// the outer rows' keys name fewer, runs; one whose keys name more fails
// naming the limit.
func TestDerivedTableInnerSideInBatchesHoldsOnlyTheBatchRows(t *testing.T) {
	db := openMemoryBounded(t)
	loadItems(t, db, 100)
	q := "SELECT i.id, d.name FROM items i JOIN (SELECT id, name FROM items) d ON d.id = i.qty WHERE i.id < 15"
	res, err := queryAll(db, q)
	if err != nil || len(res.Rows) != 14 {
		t.Errorf("%s: %d rows, %v; want 14 rows", q, len(res.Rows), err)
	}
	q = "SELECT i.id, d.name FROM items i JOIN (SELECT id, name FROM items) d ON d.id = i.qty"
	if _, err := queryAll(db, q); err == nil || !strings.Contains(err.Error(), "max_memory_rows = 20") {
		t.Errorf("%s: got %v, want an error naming max_memory_rows = 20", q, err)
	}
}
