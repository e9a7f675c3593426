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

// What a semi-join cannot run correctly is refused, saying why.
func TestCorrelatedSubqueriesRefusedSayWhy(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, tt := range []struct{ sql, why string }{
			{"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.id)", "an equality of an inner and an outer value"},
			{"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.amount = u.id OR o.amount IS NULL)", "an equality of an inner and an outer value"},
			{"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref AND o.amount > u.id) AS n FROM users u", "only equalities of an inner and an outer value correlate an aggregate"},
			{"SELECT id FROM users u WHERE u.email = 'a' OR EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)", "under OR"},
			{"SELECT id FROM users u WHERE EXISTS (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id)", "aggregate"},
			{"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id LIMIT 1)", "LIMIT"},
			{"SELECT u.ref, COUNT(*) FROM users u GROUP BY u.ref HAVING EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.ref)", "HAVING"},
			{"SELECT u.ref, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.ref) FROM users u GROUP BY u.ref", "GROUP BY"},
			{"SELECT u.id, 1 + (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u", "inside the expression"},
			{"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u ORDER BY n", "ORDER BY"},
			{"SELECT u.id, (SELECT o.amount FROM orders o WHERE o.amount = u.id ORDER BY o.id) AS n FROM users u", "ORDER BY"},
		} {
			_, err := queryAll(p.sharded, tt.sql)
			if !isUnsupported(err) || !strings.Contains(err.Error(), tt.why) {
				t.Errorf("%s: %v, want unsupported saying %q", tt.sql, err, tt.why)
			}
		}
	})
}
