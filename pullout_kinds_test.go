package vitessdo_test

import "testing"

// pulloutKindCases are `x [NOT] IN (SELECT y …)` whose subquery runs
// apart, across shards, before the outer statement: on PostgreSQL x and
// y of two kinds (a text and a number, a timestamp and a text) fail as
// one database fails, whatever rows the subquery returns (none too),
// and an integer beside a wider one compares by value; on SQLite an x
// of no affinity compares with a text column's values as text.
var pulloutKindCases = []string{
	"SELECT id FROM items WHERE name IN (SELECT item_id FROM tokens WHERE item_id < 0)",
	"SELECT id FROM items WHERE name NOT IN (SELECT item_id FROM tokens WHERE item_id < 0)",
	"SELECT id FROM items WHERE name NOT IN (SELECT item_id FROM tokens WHERE item_id IS NULL) OR id = 1",
	"SELECT id FROM items WHERE grp IN (SELECT item_id FROM tokens WHERE note = 'x')",
	"SELECT id FROM items WHERE grp NOT IN (SELECT item_id FROM tokens WHERE note = 'x')",
	"SELECT id FROM items WHERE qty IN (SELECT note FROM tokens WHERE note = '5')",
	"SELECT id FROM items WHERE LOWER(name) IN (SELECT item_id FROM tokens WHERE item_id < 0)",
	// On SQLite an expression of no affinity takes the TEXT column's.
	"SELECT id FROM items WHERE id + 0 IN (SELECT note FROM tokens WHERE note = '5')",
	"SELECT id FROM items WHERE id * 1 NOT IN (SELECT note FROM tokens WHERE note <> 'x')",
	"SELECT id FROM items WHERE id + 0 IN (SELECT note FROM tokens)",
	"SELECT id FROM items WHERE made IN (SELECT note FROM tokens WHERE note = 'x')",
	"SELECT id FROM items WHERE qty IN (SELECT item_id FROM tokens WHERE note IN ('x', 'big'))",
	"SELECT id FROM items WHERE id IN (SELECT item_id FROM tokens WHERE note = 'x')",
	"SELECT id FROM items WHERE name IN (SELECT note FROM tokens WHERE note <> 'x')",
}

// TestPulledOutInComparesKindsAsOneDatabase compares IN subqueries run
// apart with one database, where it answers and where it fails.
func TestPulledOutInComparesKindsAsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", []byte{0xfe, 1}, int64(5000000000), "big")
		p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", []byte{0xfe, 2}, int64(3), "5")
		for _, q := range pulloutKindCases {
			p.compareOutcome(t, q)
		}
	})
}
