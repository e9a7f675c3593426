package vitessdo_test

import "testing"

// TestSubqueryConditionsPlaceNoOuterTablesTogether compares statements
// whose subquery equates its table's vindex column with those of two
// tables of the enclosing statement that nothing else joins: the
// subquery's conditions relate its rows to each outer row, and place no
// two outer tables on one shard, so the outer rows still pair across
// shards (under OR, beside a count of zero, in an outer join's ON).
func TestSubqueryConditionsPlaceNoOuterTablesTogether(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, q := range []string{
			"SELECT a.tag, b.price FROM item_tags a JOIN items b ON b.qty = a.weight WHERE EXISTS (SELECT 1 FROM items s WHERE s.id = a.item_id AND s.id = b.id) OR b.price <> -7.00",
			"SELECT a.tag, b.price FROM item_tags a JOIN items b ON b.qty = a.weight WHERE 0 = (SELECT COUNT(*) FROM items s WHERE s.id = a.item_id AND s.id = b.id)",
			"SELECT a.tag, b.price FROM item_tags a JOIN items b ON b.qty = a.weight AND (1 = (SELECT COUNT(*) FROM items s WHERE s.id = a.item_id AND s.id = b.id) OR b.price <> -7.00)",
			"SELECT a.weight, a.tag, b.price FROM item_tags a LEFT JOIN items b ON b.qty = a.weight AND (a.item_id = (SELECT COUNT(*) FROM items s WHERE s.id = item_id AND s.id = b.id) OR b.price <> -7.00) WHERE a.item_id IN (77, 63, 67, 29, 12, 83, 28, 5)",
			"SELECT a.tag, b.price FROM item_tags a JOIN items b ON b.qty = a.weight WHERE NOT EXISTS (SELECT 1 FROM items s WHERE s.id = a.item_id AND b.id = a.item_id)",
			// Joined on the vindex besides: one shard's rows, as before.
			"SELECT a.tag, b.price FROM item_tags a JOIN items b ON b.id = a.item_id WHERE EXISTS (SELECT 1 FROM items s WHERE s.id = a.item_id AND s.id = b.id) OR b.price <> -7.00",
		} {
			p.compareRows(t, q)
		}
	})
}
