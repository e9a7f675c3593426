package vitessdo_test

import "testing"

// A SELECT DISTINCT * over several shards, alone, over a join one shard
// runs, or once an uncorrelated IN subquery over other shards is bound
// into it, compares whole rows: * is its tables' columns, and an ORDER
// BY names them with or without their table.
func TestDistinctStarOverSeveralShardsMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		p.exec(t, "INSERT INTO users (id, email, ref) VALUES (9, 'a', 1), (10, 'b', NULL)")
		for _, q := range []string{
			"SELECT DISTINCT * FROM users WHERE ref IN (SELECT amount FROM orders) ORDER BY email",
			"SELECT DISTINCT u.* FROM users u WHERE u.ref IN (SELECT amount FROM orders) ORDER BY u.email DESC, id",
			"SELECT DISTINCT * FROM users ORDER BY ref DESC, id",
			"SELECT DISTINCT * FROM users ORDER BY 2, 1 LIMIT 3 OFFSET 1",
			"SELECT DISTINCT *, ref + 1 AS r FROM users ORDER BY r, id",
			"SELECT DISTINCT * FROM users u JOIN orders o ON o.user_id = u.id ORDER BY email, amount, o.id",
			"SELECT DISTINCT o.*, u.email FROM users u JOIN orders o ON o.user_id = u.id ORDER BY 1",
		} {
			p.mustCompare(t, true, q)
		}
		p.mustCompare(t, false, "SELECT DISTINCT * FROM orders o WHERE o.user_id IN (SELECT id FROM users WHERE ref IS NOT NULL)")
	})
}
