package vitessdo_test

import (
	"strings"
	"testing"
)

// A scalar subquery of the select list over other shards than the rows:
// an uncorrelated one runs once and its value (NULL when it has no row)
// fills its column; a correlated one runs per batch of outer rows grouped
// by its keys, and an outer row without inner rows gets what the
// aggregate gives over no rows (COUNT 0, others NULL; NULL without an
// aggregate).
func TestScalarSubqueryInSelectListMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range scalarQueries {
			p.compareRows(t, q)
		}
		p.compareOrdered(t, "SELECT id, (SELECT MIN(amount) FROM orders) AS m, email FROM users ORDER BY id DESC LIMIT 3")
		p.compareOrdered(t, "SELECT u.email, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref) AS n FROM users u ORDER BY u.email DESC")
	})
}

// scalarQueries have scalar subqueries in the select list over other
// shards than the rows.
var scalarQueries = []string{
	"SELECT id, (SELECT MAX(amount) FROM orders) FROM users",
	"SELECT id, (SELECT COUNT(*) FROM orders WHERE amount > 100) AS n FROM users",
	"SELECT id, (SELECT MAX(amount) FROM orders WHERE amount > 100) AS m FROM users WHERE id > 2",
	"SELECT id, (SELECT MIN(amount) FROM orders) AS m, email FROM users ORDER BY id DESC LIMIT 3",
	"SELECT COUNT(*), (SELECT MIN(amount) FROM orders) AS m FROM users",
	"SELECT id, (SELECT amount FROM orders WHERE id = 14) AS a FROM users",
	// Correlated, the inner key off and on the inner's vindex column.
	"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u",
	"SELECT u.id, (SELECT COUNT(o.amount) FROM orders o WHERE o.user_id = u.ref) AS n FROM users u",
	"SELECT u.id, (SELECT MAX(o.amount) FROM orders o WHERE o.user_id = u.ref) FROM users u",
	"SELECT u.id, (SELECT MIN(o.id) FROM orders o WHERE o.amount = u.ref) AS lo, (SELECT SUM(o.amount) FROM orders o WHERE o.user_id = u.ref) AS s FROM users u",
	"SELECT u.id, (SELECT o.amount FROM orders o WHERE o.id = u.id + 9) AS a FROM users u",
	"SELECT u.email, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref AND o.amount > 2) AS n FROM users u WHERE u.id < 7 ORDER BY u.email LIMIT 4",
	"SELECT o.id, (SELECT u.email FROM users u WHERE u.id = o.amount) AS e FROM orders o",
	"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref)",
	"SELECT f.id, (SELECT COUNT(*) FROM orders o WHERE o.amount = f.v) AS n FROM flags_app f",
	"SELECT u.id, (SELECT o.amount FROM orders o WHERE o.user_id = u.ref AND o.id > u.id + 9) AS a FROM users u",
	"SELECT id, (SELECT MAX(amount) FROM orders) AS m FROM users WHERE id IN (SELECT user_id FROM orders)",
}

// A scalar subquery with several rows for a row is PostgreSQL's error on
// PostgreSQL; SQLite takes its first row, which the shards answer only
// when every row has the same value (else unsupported, never a guess).
func TestScalarSubqueryWithSeveralRowsFollowsTheBackend(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		// Orders 14 and 16 both have amount 3; user 3 has amounts 7 and NULL.
		same := []string{
			"SELECT id, (SELECT amount FROM orders WHERE amount = 3) AS a FROM users",
			"SELECT u.id, (SELECT o.amount FROM orders o WHERE o.amount = u.ref - 2) AS a FROM users u",
		}
		differ := "SELECT u.id, (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) AS a FROM users u"
		if e.name == "postgres" {
			for _, q := range append(same, differ) {
				if _, err := queryAll(p.oracle, q); err == nil {
					t.Fatalf("oracle: %s: no error, want more than one row", q)
				}
				if _, err := queryAll(p.sharded, q); err == nil || !strings.Contains(err.Error(), "more than one row") {
					t.Errorf("sharded: %s: %v, want more than one row returned by a subquery", q, err)
				}
			}
			return
		}
		for _, q := range same {
			p.compareRows(t, q)
		}
		if _, err := queryAll(p.sharded, differ); !isUnsupported(err) {
			t.Errorf("%s: %v, want unsupported", differ, err)
		}
	})
}

// What a semi-join cannot run correctly is refused, saying why, and a
// statement one database rejects fails with its error.
func TestCorrelatedSubqueriesRefusedSayWhy(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, tt := range []struct{ sql, why string }{
			// Which of user 3's orders an unordered LIMIT keeps is arbitrary.
			{"SELECT u.id, (SELECT o.id FROM orders o WHERE o.user_id = u.ref LIMIT 1) AS n FROM users u", "LIMIT without ORDER BY"},
			{"SELECT id FROM users u WHERE u.id IN (SELECT o.id - 9 FROM orders o WHERE o.user_id = u.ref LIMIT 1)", "LIMIT without ORDER BY"},
			{"SELECT id FROM users u WHERE u.id IN (SELECT o.id FROM orders o WHERE o.user_id = u.ref LIMIT 1 OFFSET 1)", "without ORDER BY"},
			// User 6's two orders tie on user_id.
			{"SELECT u.id, (SELECT o.amount FROM orders o WHERE o.user_id = u.ref ORDER BY o.user_id LIMIT 1) AS n FROM users u", "ties rows holding different values"},
			{"SELECT id FROM users u WHERE u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref ORDER BY o.user_id DESC LIMIT 1)", "ties rows holding different values"},
			// An aggregate of the outer rows inside the subquery.
			{"SELECT u.ref, COUNT(*) AS n FROM users u GROUP BY u.ref HAVING EXISTS (SELECT 1 FROM orders o WHERE o.amount = MAX(u.id))", "aggregates the outer rows"},
			{"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id FOR UPDATE)", "locking"},
		} {
			_, err := queryAll(p.sharded, tt.sql)
			if !isUnsupported(err) || !strings.Contains(err.Error(), tt.why) {
				t.Errorf("%s: %v, want unsupported saying %q", tt.sql, err, tt.why)
			}
		}
		// A scalar subquery over outer columns neither grouped nor
		// aggregated: PostgreSQL's error; on SQLite some row's value of
		// the group, refused.
		q := "SELECT u.ref, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u GROUP BY u.ref"
		_, err := queryAll(p.sharded, q)
		if e.name == "postgres" {
			want := `subquery uses ungrouped column "u.id" from outer query`
			if _, oerr := queryAll(p.oracle, q); oerr == nil || !strings.Contains(oerr.Error(), want) {
				t.Errorf("oracle: %s: %v, want %s", q, oerr, want)
			}
			if err == nil || isUnsupported(err) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want PostgreSQL's GROUP BY error", q, err)
			}
		} else if !isUnsupported(err) || !strings.Contains(err.Error(), "neither grouped nor aggregated") {
			t.Errorf("%s: %v, want unsupported saying neither grouped nor aggregated", q, err)
		}
		// An outer column selected by a bound subquery: its placeholder
		// is cast to the column's type on PostgreSQL.
		for _, q := range []string{
			"SELECT id, (SELECT u.ref FROM orders o WHERE o.amount > u.id ORDER BY o.id LIMIT 1) AS n FROM users u",
			"SELECT id, (SELECT u.email FROM orders o WHERE o.amount > u.id ORDER BY o.id LIMIT 1) AS n FROM users u",
			"SELECT id FROM users u WHERE u.id IN (SELECT u.ref FROM orders o WHERE o.amount > u.id)",
			"SELECT id, (SELECT u.ref FROM orders o WHERE o.amount > u.id ORDER BY o.id LIMIT 1) + 1 AS n FROM users u",
		} {
			p.compareRows(t, q)
		}
		// Once refused, these now match one database.
		for _, q := range []string{
			"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.id)",
			"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.amount = u.id OR o.amount IS NULL)",
			"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref AND o.amount > u.id) AS n FROM users u",
			"SELECT id FROM users u WHERE u.email = 'a' OR EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)",
			"SELECT id FROM users u WHERE EXISTS (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id)",
			"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id LIMIT 1)",
			"SELECT u.ref, COUNT(*) FROM users u GROUP BY u.ref HAVING EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.ref)",
			"SELECT u.ref, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.ref) AS n FROM users u GROUP BY u.ref",
			"SELECT u.id, EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) AS e FROM users u",
			"SELECT u.id, (SELECT o.id FROM orders o WHERE o.user_id = u.ref AND o.id < 13 LIMIT 1) AS n FROM users u",
			"SELECT id FROM users u WHERE u.id IN (SELECT o.user_id FROM orders o WHERE o.user_id = u.ref LIMIT 1)",
			// Ties of one value, or none, across the LIMIT.
			"SELECT u.id, (SELECT o.user_id FROM orders o WHERE o.user_id = u.ref ORDER BY o.user_id LIMIT 1) AS n FROM users u",
			"SELECT u.id, (SELECT o.amount FROM orders o WHERE o.user_id = u.ref ORDER BY o.amount IS NULL, o.id DESC LIMIT 1) AS n FROM users u",
			"SELECT id FROM users u WHERE u.ref IN (SELECT o.amount FROM orders o WHERE o.amount > u.id - 3 ORDER BY o.amount, o.id LIMIT 2)",
		} {
			p.compareRows(t, q)
		}
		// ORDER BY decides the row on SQLite; several rows are
		// PostgreSQL's error.
		q = "SELECT u.id, (SELECT o.amount FROM orders o WHERE o.amount = u.id ORDER BY o.id) AS n FROM users u"
		if e.name != "postgres" {
			p.compareRows(t, q)
		} else if _, err := queryAll(p.sharded, q); err == nil || !strings.Contains(err.Error(), "more than one row returned by a subquery") {
			t.Errorf("%s: %v, want more than one row returned by a subquery", q, err)
		}
	})
}

// Scalar subqueries inside expressions of the select list or ORDER BY,
// under DISTINCT or inside aggregates, or named by ORDER BY, fill columns
// of the rows, over which the router evaluates the select list and the
// horizon.
func TestScalarSubqueryInExpressionsMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT u.id, 1 + (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u",
			"SELECT DISTINCT (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u",
			"SELECT u.ref, SUM((SELECT COUNT(*) FROM orders o WHERE o.amount = u.id)) AS n FROM users u GROUP BY u.ref",
			"SELECT COUNT(*) AS c, MAX((SELECT MAX(o.id) FROM orders o WHERE o.user_id = u.ref)) AS m FROM users u",
			"SELECT u.id, COALESCE((SELECT MAX(o.amount) FROM orders o WHERE o.user_id = u.ref), -1) AS m FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)",
			"SELECT u.id, (SELECT MAX(amount) FROM orders) + u.id AS n FROM users u",
		} {
			p.compareRows(t, q)
		}
		for _, q := range []string{
			"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u ORDER BY n, u.id",
			"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) ORDER BY u.id LIMIT 3",
			"SELECT u.id FROM users u ORDER BY (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id), u.id",
			"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u ORDER BY 2 DESC, 1 LIMIT 4",
		} {
			p.compareOrdered(t, q)
		}
	})
}

// Uncorrelated subqueries in the select list of a SELECT that aggregates
// without GROUP BY over the rows of a semi-join run first and are bound:
// the one row keeps their values when no outer row is left.
func TestUncorrelatedItemsBesideAggregatesOverASemiJoin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT COUNT(*) AS n, EXISTS (SELECT 1 FROM orders WHERE amount > 6) AS m FROM users u WHERE u.id > 100 AND EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref)",
			"SELECT COUNT(*) AS n, EXISTS (SELECT 1 FROM orders WHERE amount > 6) AS m FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref)",
			"SELECT COUNT(*), (SELECT MAX(amount) FROM orders) FROM users u WHERE u.id > 100 AND EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref)",
			"SELECT MAX(u.id) AS hi, (SELECT MIN(amount) FROM orders) + 1 AS m, 3 IN (SELECT amount FROM orders) AS f FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref)",
			"SELECT SUM(u.id) AS s, 3 NOT IN (SELECT amount FROM orders WHERE amount > 1000) AS f FROM users u WHERE u.id > 100 AND u.id IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref)",
			"SELECT COUNT(*) AS n, (SELECT COUNT(*) FROM orders o2 WHERE o2.amount > 2) AS c FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)",
		} {
			p.compareRows(t, q)
		}
	})
}
