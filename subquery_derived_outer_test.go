package vitessdo_test

import "testing"

// A subquery over derived tables that names a column of the statement's
// table without a qualifier reads it as the statement's column, as the
// backend does (no derived table of the subquery has a column of that
// name): correlated, with the rows one database returns.
func TestDerivedSubqueryOuterColumnsEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "SELECT id, name FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT item_id FROM item_tags) d WHERE d.item_id = id)"},
			{query: "SELECT id, name FROM items WHERE NOT EXISTS (SELECT 1 FROM (SELECT item_id FROM item_tags) d WHERE d.item_id = id)"},
			{query: "SELECT id FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT item_id, tag FROM item_tags) d WHERE item_id = id AND tag > name)"},
			{query: "SELECT id, (SELECT COUNT(*) FROM (SELECT item_id FROM item_tags) d WHERE d.item_id = id) AS n FROM items i"},
			{query: "SELECT id FROM items i WHERE qty IN (SELECT weight FROM (SELECT item_id, weight FROM item_tags) d WHERE d.item_id = id)"},
			{query: "SELECT id FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT item_id AS j FROM tokens) d WHERE d.j = id AND qty > ?)", args: []any{int64(2)}},
			{query: "SELECT i.id FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d WHERE d.item_id = id AND n > 1)"},
			{query: "SELECT i.id FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT item_id FROM item_tags) d JOIN kinds k ON k.code = kind WHERE d.item_id = id)"},
			{query: "SELECT g, n FROM (SELECT grp AS g, COUNT(*) AS n FROM items GROUP BY grp) x WHERE EXISTS (SELECT 1 FROM (SELECT kind FROM items) d WHERE d.kind = g)"},
			// A name the derived table has is its own, not the statement's.
			{query: "SELECT id FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT item_id AS id FROM item_tags WHERE weight > 1) d WHERE d.id = id)"},
		} {
			p.compareRows(t, c.query, c.args...)
		}
		// A name neither has is the backend's error, on both.
		q := "SELECT id FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT item_id FROM item_tags) d WHERE d.item_id = nosuch)"
		if _, err := queryAll(p.sharded, q); err == nil {
			t.Errorf("%s: no error", q)
		}
	})
}
