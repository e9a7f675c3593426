package vitessdo_test

import (
	"strings"
	"testing"
)

// An UPDATE's or DELETE's uncorrelated subquery over other shards than
// the rows it changes (a derived table, LIMIT, GROUP BY and HAVING, a
// join across shards, a UNION) runs once over every shard before the
// write, in its transaction, and the write changes the rows one database
// changes.
func TestWritesSubqueriesOverOtherShardsChangeWhatOneDatabaseChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "DELETE FROM items WHERE id IN (SELECT item_id FROM (SELECT item_id FROM item_tags ORDER BY item_id LIMIT 5) d)"},
			{query: "UPDATE items SET qty = qty + ? WHERE id IN (SELECT item_id FROM item_tags GROUP BY item_id HAVING COUNT(*) > ?)", args: []any{7, 1}},
			{query: "DELETE FROM item_tags WHERE item_id IN (SELECT id FROM items ORDER BY id DESC LIMIT 3 OFFSET 1)"},
			{query: "UPDATE items SET name = 'j' WHERE id NOT IN (SELECT t.item_id FROM item_tags t JOIN items i ON i.qty = t.weight)"},
			{query: "DELETE FROM items WHERE id IN (SELECT item_id FROM item_tags WHERE tag = 'a' UNION SELECT id FROM items WHERE qty > 40)"},
			{query: "UPDATE items SET qty = (SELECT MAX(n) FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d) WHERE id > 30"},
			{query: "DELETE FROM tokens WHERE item_id > (SELECT AVG(id) FROM (SELECT id FROM items ORDER BY id LIMIT 4) d) AND EXISTS (SELECT 1 FROM item_tags GROUP BY tag HAVING COUNT(*) > 1)"},
			{query: "UPDATE item_tags SET weight = weight * 2 WHERE item_id IN (SELECT id FROM items WHERE kind IN (SELECT kind FROM items GROUP BY kind HAVING SUM(qty) > 10))"},
			{query: "DELETE FROM kinds WHERE code NOT IN (SELECT kind FROM (SELECT kind, id FROM items ORDER BY kind, id LIMIT 6) d WHERE kind IS NOT NULL)"},
			{query: "DELETE FROM items WHERE EXISTS (SELECT 1 FROM item_tags LIMIT 1 OFFSET 3) AND id < 5"},
		} {
			p.compareWrite(t, mergeTables, c.query, c.query, c.args...)
		}
	})
}

// A LIMIT in a write's subquery over several shards whose ORDER BY does
// not read every selected column would keep the rows each database scans
// first, so the rows changed would be one database's own choice: it is
// refused as unsupported, and nothing is written.
func TestWritesSubqueryLimitsThatChooseRowsAreRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"DELETE FROM items WHERE id IN (SELECT item_id FROM item_tags LIMIT 5)",
			"UPDATE items SET qty = 0 WHERE id IN (SELECT item_id FROM (SELECT item_id, tag FROM item_tags ORDER BY item_id LIMIT 3) d)",
			"DELETE FROM kinds WHERE code IN (SELECT kind FROM items LIMIT 2)",
			"UPDATE items SET qty = (SELECT qty FROM items ORDER BY grp LIMIT 1) WHERE id = 3",
		} {
			_, err := p.sharded.Exec(q)
			if err == nil || !strings.Contains(err.Error(), "unsupported") || !strings.Contains(err.Error(), "LIMIT") {
				t.Errorf("%s: error %v, want unsupported naming the LIMIT", q, err)
			}
		}
		for _, tb := range mergeTables {
			p.compareRows(t, "SELECT * FROM "+tb)
		}
	})
}
