package vitessdo_test

import "testing"

// joinOuterReduceCases filter a LEFT JOIN across shards by conditions no
// NULL-extended row passes, over values near the int8 maximum: one
// database plans the join as an inner one, so the arithmetic fails over
// a nullable-side row no preserved row matches (PostgreSQL evaluates it
// where it reads that table), and does not run over a preserved row no
// nullable row matches; a condition that NULL-extended rows pass keeps
// the join outer.
var joinOuterReduceCases = []string{
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id WHERE b.item_id + 1000 > 0",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id WHERE a.id + 1000 > b.item_id",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id WHERE (a.id + 1000 > b.item_id OR b.note = 'x') AND a.qty IS NOT NULL",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id WHERE a.id * 2 >= b.item_id AND b.note <> 'zz'",
	"SELECT a.id, b.note FROM tokens b LEFT JOIN items a ON a.id = b.item_id WHERE b.item_id + 1000 > a.id",
	"SELECT a.id, b.note, c.tag FROM tokens b LEFT JOIN items a ON a.id = b.item_id LEFT JOIN item_tags c ON c.item_id = a.id WHERE b.item_id + 1000 > c.weight",
	"SELECT a.id, b.note, c.tag FROM items a LEFT JOIN (tokens b JOIN item_tags c ON c.item_id = b.item_id) ON b.item_id = a.id WHERE a.id + 1000 > c.weight",
	"SELECT a.id, b.note, c.tag FROM tokens b JOIN item_tags c ON c.item_id = b.item_id RIGHT JOIN items a ON b.item_id = a.id WHERE a.id * 3 > b.item_id",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id WHERE b.item_id IS NULL OR a.id > 0",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id WHERE COALESCE(b.item_id, 0) < 5",
	"SELECT a.id, b.note FROM items a LEFT JOIN tokens b ON b.item_id = a.id WHERE b.note IS NOT NULL FOR UPDATE",
}

// TestOuterJoinRejectingNullsRunsAsInnerJoin compares, with one
// database, LEFT JOINs across shards whose WHERE rejects the
// NULL-extended rows: the same rows, or an error where one database
// fails (bigint out of range), and none where it answers.
func TestOuterJoinRejectingNullsRunsAsInnerJoin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", []byte{0xfe, 1}, int64(9223372036854775000), "big")
		p.exec(t, "INSERT INTO items (id, grp, name, qty, price, ratio, kind, made) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			int64(9223372036854775001), "g", "n", 7, "1.00", 1.0, "x", nil)
		for _, q := range joinOuterReduceCases {
			p.compareOutcome(t, q)
		}
	})
}
