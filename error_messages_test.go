package vitessdo_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pulloutVSchema shards users by id and orders by user_id: an
// uncorrelated subquery over orders is on other shards than the users.
const pulloutVSchema = `{
  "keyspaces": {
    "app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "users": {"column_vindexes": [{"column": "id", "name": "hash"}]},
        "orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}]}
      }
    }
  }
}`

func newPulloutPair(t *testing.T, e engine) *pair {
	t.Helper()
	p := newPair(t, e, pulloutVSchema)
	p.exec(t, "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(64), score DECIMAL(10, 2))")
	p.exec(t, "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount INT)")
	p.exec(t, "INSERT INTO users (id, email, score) VALUES (1, 'a', 1.5), (2, 'b', 2.25), (3, 'c', 3), (4, 'd', 4.75), (5, 'e', 5), (6, 'x', 6.5)")
	p.exec(t, "INSERT INTO orders (id, user_id, amount) VALUES (10, 1, 5), (11, 2, 6), (12, 3, 7), (13, 3, 8), (14, 5, 9), (15, 6, 1)")
	return p
}

// An uncorrelated scalar subquery in WHERE over other shards runs once
// and its value is bound into the outer statement: the same rows as one
// database, on both backends (PostgreSQL's NUMERIC AVG included).
func TestUncorrelatedScalarSubqueryOverOtherShardsMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPulloutPair(t, e)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{sql: "SELECT id FROM orders WHERE id > (SELECT AVG(id) FROM orders)"},
			{sql: "SELECT id, email FROM users WHERE id > (SELECT AVG(user_id) FROM orders)"},
			{sql: "SELECT id, email FROM users WHERE id = (SELECT MAX(user_id) FROM orders)"},
			{sql: "SELECT id FROM users WHERE (SELECT MIN(amount) FROM orders) < id AND email <> ?", args: []any{"c"}},
			{sql: "SELECT id FROM users WHERE id >= (SELECT MIN(user_id) FROM orders WHERE amount > ?) AND email <> ?", args: []any{6, "x"}},
			{sql: "SELECT id FROM users WHERE score > (SELECT AVG(amount) FROM orders WHERE amount < ?)", args: []any{9}},
			{sql: "SELECT id FROM users WHERE id > (SELECT MAX(user_id) FROM orders WHERE amount > 100)"},
			{sql: "SELECT COUNT(*) FROM users WHERE id < (SELECT COUNT(*) FROM orders) AND id > (SELECT MIN(user_id) FROM orders)"},
		} {
			p.compareRows(t, q.sql, q.args...)
		}
		rows := explain(t, p.sharded, "SELECT id FROM users WHERE id = (SELECT MAX(user_id) FROM orders)")
		if len(rows) < 2 {
			t.Errorf("VEXPLAIN of a pulled-out subquery: %v, want the outer statement and the subquery", rows)
		}
		// A correlated subquery is not pulled out: it runs per batch of
		// outer rows (see TestCorrelatedScalarSubqueryInWhere…).
		p.compareRows(t, "SELECT id FROM users u WHERE u.id > (SELECT AVG(o.amount) FROM orders o WHERE o.id = u.id)")
	})
}

// Errors name the real problem: a UNION whose sides share one shard is
// sent whole, a recursive SELECT with an aggregate is an UnsupportedError
// (window functions in correlated subqueries run), an expression over
// joined rows the router does not compute is not said to be over
// aggregates, a LIMIT past int64 is out of range (not negative), and a
// tableless scalar subquery is not a table "dual".
func TestErrorsNameTheRealProblem(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPulloutPair(t, e)
		// A correlated subquery's own windows run once per distinct tuple
		// of the outer values it reads.
		p.compareRows(t, "SELECT id FROM users u WHERE id IN (SELECT RANK() OVER (ORDER BY o.id) FROM orders o WHERE o.user_id = u.id)")
		union := "SELECT id FROM users WHERE id = 3 UNION SELECT user_id FROM orders WHERE user_id = 3"
		p.compareRows(t, union)
		if rows := explain(t, p.sharded, union); len(rows) != 1 {
			t.Errorf("UNION of sides on one shard: VEXPLAIN %v, want one statement", rows)
		}
		for _, q := range []string{
			"WITH RECURSIVE x AS (SELECT id FROM users UNION ALL SELECT MAX(id) FROM x) SELECT id FROM x",
		} {
			_, err := p.sharded.Query(q)
			if !isUnsupported(err) || !strings.Contains(err.Error(), "unsupported:") {
				t.Errorf("%s: %v, want an UnsupportedError", q, err)
			}
		}
		// An expression over joined rows the router does not compute is
		// named as that, not as one over aggregates.
		join := "SELECT CONCAT(u.email, ':', o.amount) FROM users u JOIN orders o ON o.id = u.id"
		if _, err := p.sharded.Query(join); !isUnsupported(err) || !strings.Contains(err.Error(), "over the rows of several shards (aggregated or joined at the router)") {
			t.Errorf("%s: %v, want the expression the router does not compute", join, err)
		}
		// MySQL's LIMIT of every row is past both backends' range.
		limit := "SELECT id FROM users ORDER BY id LIMIT 18446744073709551615 OFFSET 2"
		if _, err := p.sharded.Query(limit); err == nil || !strings.Contains(err.Error(), "LIMIT 18446744073709551615 is out of range") {
			t.Errorf("%s: %v, want LIMIT out of range", limit, err)
		}
		for _, q := range []string{
			"SELECT id FROM users WHERE email = (SELECT 'x')",
			"SELECT id FROM users WHERE email = (SELECT 'zzz')",
		} {
			got := p.compareRows(t, q)
			if q == "SELECT id FROM users WHERE email = (SELECT 'x')" && !cmp.Equal(got.Rows, [][]any{{int64(6)}}) {
				t.Errorf("%s = %v, want user 6", q, got.Rows)
			}
		}
	})
}
