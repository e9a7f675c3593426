package vitessdo_test

import "testing"

// A correlated subquery in the WHERE of a join across shards or keyspaces
// runs as a semi-join over the joined rows, equal to one database; the
// aliases in the join's ON condition are not tables (they once were read
// as such: "table t not found").
func TestSubqueriesOverJoinsEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.id WHERE EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = a.id)",
			"SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.qty WHERE EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = a.id)",
			"SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.qty WHERE NOT EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = t.item_id)",
			"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id WHERE a.qty > (SELECT COUNT(*) FROM item_tags g WHERE g.item_id = a.id)",
		} {
			p.compareRows(t, q)
		}
		a := newApp(t, e, 30)
		for _, q := range []string{
			"SELECT * FROM users u JOIN orders o ON o.note < u.name WHERE u.score > (SELECT COUNT(*) FROM orders o2 WHERE o2.note = u.name)",
			"SELECT * FROM users u JOIN settings s ON s.name = u.name WHERE u.score > (SELECT COUNT(*) FROM orders o2 WHERE o2.note = u.name)",
			"SELECT u.id FROM users u LEFT JOIN orders o ON o.note < u.name AND o.amount > (SELECT COUNT(*) FROM orders o2 WHERE o2.note = u.name)",
		} {
			a.compareRows(t, q)
		}
	})
}
