package vitessdo_test

import "testing"

// subqueryInKindCases are correlated `x [NOT] IN (SELECT y …)` over other
// shards, in WHERE and in the ON of a LEFT JOIN, whose x and y are a
// number and a text column: SQLite compares them as numbers ('05' IN
// (SELECT 5) is true, 'x' equals no number), PostgreSQL fails with its
// operator error, rows or none.
var subqueryInKindCases = []string{
	"SELECT t.note FROM tokens t WHERE t.note IN (SELECT i.qty FROM items i WHERE i.id = t.item_id)",
	"SELECT t.note FROM tokens t WHERE t.note NOT IN (SELECT i.qty FROM items i WHERE i.id = t.item_id)",
	"SELECT t.note FROM tokens t WHERE t.note IN (SELECT i.qty FROM items i WHERE i.id = t.item_id AND i.id < 0)",
	"SELECT t.note FROM tokens t WHERE t.item_id IN (SELECT i.name FROM items i WHERE i.id = t.item_id)",
	"SELECT t.note FROM tokens t WHERE t.item_id NOT IN (SELECT i.grp FROM items i WHERE i.id = t.item_id)",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id AND b.note IN (SELECT s.qty FROM items s WHERE s.grp = a.grp)",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id AND b.note IN (SELECT s.qty FROM items s WHERE s.grp = a.grp AND s.id < 0)",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id AND a.qty IN (SELECT s.note FROM tokens s WHERE s.item_id = a.id)",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id AND a.qty NOT IN (SELECT s.note FROM tokens s WHERE s.item_id = b.item_id)",
	"SELECT a.id, b.tag FROM items a LEFT JOIN item_tags b ON b.item_id = a.id AND b.tag IN (SELECT s.weight FROM item_tags s WHERE s.tag = a.grp)",
	"SELECT a.id, b.tag FROM items a LEFT JOIN item_tags b ON b.item_id = a.id AND b.weight IN (SELECT s.note FROM tokens s WHERE s.item_id = a.id)",
}

// TestCorrelatedInComparesKindsAsOneDatabase compares, with one
// database, correlated IN subqueries of a number and a text column.
func TestCorrelatedInComparesKindsAsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for i, n := range []string{"05", "7", "7.0", " 3", "1e1", "x"} {
			p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", []byte{0xfd, byte(i)}, int64(i+1), n)
		}
		p.exec(t, "UPDATE items SET qty = 5 WHERE id = 1")
		p.exec(t, "UPDATE items SET qty = 7 WHERE id IN (2, 3)")
		p.exec(t, "UPDATE items SET qty = 10 WHERE id = 5")
		p.exec(t, "UPDATE items SET name = '05', grp = '1e1' WHERE id IN (3, 5, 10)")
		for _, q := range subqueryInKindCases {
			p.compareOutcome(t, q)
		}
	})
}
