package vitessdo_test

import (
	"testing"
)

// A SELECT over two tables no one shard holds together runs as a
// nested-loop join: the rows one database returns.
func TestJoinAcrossShardsEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range joinCases {
					p.compare(t, false, c.query, c.args...)
				}
			})
		}
	})
}

var joinCases = []mergeCase{
	// inner routed by its vindex column (items.id)
	{query: "SELECT t.note, i.name FROM tokens t JOIN items i ON i.id = t.item_id"},
	{query: "SELECT t.note, i.name, i.qty FROM tokens t, items i WHERE i.id = t.item_id AND i.qty > 2"},
	{query: "SELECT t.note AS n, i.id FROM tokens t JOIN items i ON t.item_id = i.id WHERE t.note = ?", args: []any{"x"}},
	// inner scattered: tokens.item_id is no vindex column
	{query: "SELECT i.name, t.note FROM items i JOIN tokens t ON t.item_id = i.id"},
	{query: "SELECT i.name, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id"},
	{query: "SELECT i.id, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id AND t.note = 'y'"},
	{query: "SELECT i.id, t.item_id FROM items i LEFT JOIN tokens t ON t.item_id = i.id WHERE i.qty IS NULL"},
	// outer on one shard
	{query: "SELECT i.name, t.note FROM items i JOIN tokens t ON t.item_id = i.id WHERE i.id = 3"},
	{query: "SELECT t.note, i.name FROM tokens t JOIN items i ON i.id = t.item_id WHERE i.id = ?", args: []any{int64(5)}},
	// duplicates on both sides, NULL keys
	{query: "SELECT g.tag, t.note FROM item_tags g JOIN tokens t ON t.item_id = g.item_id"},
	{query: "SELECT g.tag, g.weight, i.qty FROM item_tags g JOIN items i ON i.qty = g.weight"},
	{query: "SELECT i.id, g.tag FROM items i LEFT JOIN item_tags g ON g.weight = i.qty"},
	{query: "SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.qty = a.qty WHERE a.id < 10"},
	{query: "SELECT a.id, b.tag FROM items a JOIN item_tags b ON a.grp = b.tag"},
	// two key equalities; expressions of one side
	{query: "SELECT t.note, i.qty + 1 AS q1 FROM tokens t JOIN items i ON i.id = t.item_id AND i.kind = t.note"},
	// empty sides
	{query: "SELECT i.name, t.note FROM items i JOIN tokens t ON t.item_id = i.id WHERE i.id < 0"},
	{query: "SELECT i.name, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id AND t.note = 'none'"},
}
