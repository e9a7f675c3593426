package vitessdo_test

import "testing"

// TestSubqueryRoutedToNoShardEqualsOneDatabase compares statements whose
// sharded tables are only in a subquery (or a derived table on an outer
// join's nullable side) whose vindex conditions name no shard: a value
// no row can have, a fraction an integer vindex maps nowhere, a
// contradiction. The subquery has no row; the statement, whose rows
// need none of it, still returns its own (NOT EXISTS, NOT IN, OR, a
// scalar NULL or 0, the preserved side, a UNION's other SELECT).
func TestSubqueryRoutedToNoShardEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		frac := []any{3.5}
		if e.name == "postgres" {
			frac = []any{"3.5"} // a bigint argument of PostgreSQL takes no fraction
		}
		for _, c := range []outcomeCase{
			{"SELECT k.code, k.label FROM kinds k WHERE NOT EXISTS (SELECT id FROM items WHERE id = ?)", frac},
			{"SELECT k.code FROM kinds k WHERE EXISTS (SELECT id FROM items WHERE id = ?)", frac},
			{"SELECT k.code FROM kinds k WHERE NOT EXISTS (SELECT id FROM items WHERE id = NULL)", nil},
			{"SELECT k.code FROM kinds k WHERE NOT EXISTS (SELECT id FROM items WHERE id = 1 AND id = 2)", nil},
			{"SELECT k.code FROM kinds k WHERE k.code = 'x' OR EXISTS (SELECT id FROM items WHERE id = NULL)", nil},
			{"SELECT k.code, (SELECT COUNT(*) FROM items WHERE id = NULL) AS c FROM kinds k", nil},
			{"SELECT k.code, (SELECT name FROM items WHERE id = 1 AND id = 2) AS c FROM kinds k", nil},
			{"SELECT k.code FROM kinds k WHERE k.code NOT IN (SELECT kind FROM items WHERE id = NULL)", nil},
			{"SELECT k.code, d.name FROM kinds k LEFT JOIN (SELECT kind, name FROM items WHERE id = NULL) d ON d.kind = k.code", nil},
			{"SELECT COUNT(*) FROM kinds k WHERE NOT EXISTS (SELECT id FROM items WHERE id = ?)", frac},
			{"SELECT code FROM kinds UNION SELECT kind FROM items WHERE id = NULL", nil},
			// A UNION's other SELECT pinned to one shard: the statement
			// runs there.
			{"SELECT id FROM items WHERE id = 21 AND id = 34 UNION SELECT item_id FROM item_tags WHERE item_id = 9", nil},
			{"SELECT id FROM items WHERE id = NULL UNION ALL SELECT item_id FROM item_tags WHERE item_id = 9", nil},
			{"SELECT id + qty FROM items WHERE (qty IS NULL AND (id = 21 AND id = 34)) UNION SELECT item_id FROM item_tags WHERE item_id = 9 ORDER BY id + qty", nil},
			{"SELECT item_id FROM item_tags WHERE item_id = 9 UNION SELECT id FROM items WHERE id = ?", frac},
			// The sharded table's rows needed: none.
			{"SELECT k.code FROM kinds k JOIN items i ON i.kind = k.code WHERE i.id = NULL", nil},
			{"SELECT COUNT(*) FROM items WHERE id = 1 AND id = 2", nil},
		} {
			p.compareOutcome(t, c.query, c.args...)
		}
	})
}
