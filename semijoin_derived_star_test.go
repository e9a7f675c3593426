package vitessdo_test

import "testing"

// A derived table selecting * (SELECT * FROM users, SELECT u.* FROM
// users u) in a statement whose correlated subqueries run as a
// semi-join has its table's columns, as one database gives them: the
// semi-join reads its rows, and a horizon after it expands the outer *
// into those columns.
func TestSemiJoinOverDerivedStarMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT * FROM (SELECT * FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = d.ref)",
			"SELECT d.id, d.email FROM (SELECT * FROM users WHERE id > 1) AS d WHERE d.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = d.ref) OR d.ref IS NULL",
			"SELECT d.*, (SELECT COUNT(*) FROM orders o WHERE o.amount > d.ref) AS n FROM (SELECT u.* FROM users u) AS d",
			"SELECT DISTINCT * FROM (SELECT * FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref)",
			"SELECT d.ref, COUNT(*) AS n FROM (SELECT * FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref) OR d.id < 3 GROUP BY d.ref",
			"SELECT * FROM (SELECT * FROM flags_app) AS d WHERE d.v IN (SELECT o.amount FROM orders o WHERE o.user_id = d.id)",
		} {
			p.mustCompare(t, false, q)
		}
		for _, q := range []string{
			"SELECT * FROM (SELECT * FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref) ORDER BY email DESC LIMIT 3",
			"SELECT DISTINCT * FROM (SELECT * FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = d.ref) ORDER BY ref DESC",
		} {
			p.mustCompare(t, true, q)
		}
	})
}
