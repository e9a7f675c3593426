package vitessdo_test

import "testing"

// A SELECT DISTINCT * whose horizon runs after a semi-join orders by a
// column named as written (email, not u.email): the term is the column
// the * stands for, as one database resolves it.
func TestSemiJoinDistinctStarOrderedByColumnMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT DISTINCT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE orders.amount > users.ref) ORDER BY email",
			"SELECT DISTINCT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) ORDER BY ref DESC, id",
			"SELECT DISTINCT u.* FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.id) OR u.ref IS NULL ORDER BY email DESC",
			"SELECT DISTINCT * FROM users u JOIN orders o ON o.user_id = u.id WHERE EXISTS (SELECT 1 FROM flags_app f WHERE f.v > u.ref) ORDER BY email, amount DESC, o.id",
			"SELECT DISTINCT * FROM (SELECT ref, email AS e FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref) ORDER BY e DESC",
			"SELECT DISTINCT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) ORDER BY email LIMIT 2 OFFSET 1",
			"SELECT DISTINCT email, u.* FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref) ORDER BY ref, id",
		} {
			p.mustCompare(t, true, q)
		}
		// A name two tables hold is ambiguous on PostgreSQL and the first
		// such column on SQLite: refused, or the backend's error.
		q := "SELECT DISTINCT * FROM users u JOIN orders o ON o.user_id = u.id WHERE EXISTS (SELECT 1 FROM flags_app f WHERE f.v > u.ref) ORDER BY id"
		if _, err := queryAll(p.sharded, q); err == nil {
			t.Errorf("%s: no error, want a refusal or the backend's", q)
		}
	})
}
