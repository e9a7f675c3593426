package vitessdo_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/merge"
)

// semiVSchema shards users by id, orders by user_id and flags_app by id,
// and keeps flags in an unsharded keyspace: every subquery over orders or
// flags runs on other shards than the users it filters.
const semiVSchema = `{
  "keyspaces": {
    "main": {"sharded": false, "tables": {"flags": {}}},
    "app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "users": {"column_vindexes": [{"column": "id", "name": "hash"}]},
        "orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}]},
        "flags_app": {"column_vindexes": [{"column": "id", "name": "hash"}]}
      }
    }
  }
}`

// newSemiPair loads users with NULL refs, orders with NULL amounts and
// repeated user_ids, and the same flag rows in main.flags and
// app.flags_app.
func newSemiPair(t *testing.T, e engine) *pair {
	t.Helper()
	p := newPair(t, e, semiVSchema)
	p.exec(t, "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(64), ref BIGINT)")
	p.exec(t, "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount BIGINT)")
	p.exec(t, "CREATE TABLE flags (id BIGINT NOT NULL PRIMARY KEY, v BIGINT)")
	p.exec(t, "CREATE TABLE flags_app (id BIGINT NOT NULL PRIMARY KEY, v BIGINT)")
	p.exec(t, "INSERT INTO users (id, email, ref) VALUES (1, 'a', 1), (2, 'b', NULL), (3, 'c', 3), (4, 'd', 7), (5, 'e', NULL), (6, 'x', 2), (7, 'y', 9), (8, 'z', 5)")
	p.exec(t, "INSERT INTO orders (id, user_id, amount) VALUES (10, 1, 5), (11, 2, 6), (12, 3, 7), (13, 3, NULL), (14, 5, 3), (15, 6, 1), (16, 6, 3)")
	for _, tbl := range []string{"flags", "flags_app"} {
		p.exec(t, "INSERT INTO "+tbl+" (id, v) VALUES (1, 4), (2, 8), (3, 4), (4, NULL)")
	}
	return p
}

// Uncorrelated IN, NOT IN, EXISTS and NOT EXISTS subqueries over other
// shards or another keyspace run once and bind their values into the
// outer statement: the same rows as one database, with SQL's NULL rules
// for NOT IN (a NULL in the list: never true; an empty list: always true).
func TestUncorrelatedSemiJoinSubqueriesMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			// Vindex outer column: the list routes the outer statement.
			{sql: "SELECT id FROM users WHERE id IN (SELECT amount FROM orders)"},
			{sql: "SELECT id, email FROM users WHERE id IN (SELECT user_id FROM orders WHERE amount > ?)", args: []any{4}},
			{sql: "SELECT id FROM users WHERE id IN (SELECT amount FROM orders WHERE amount > 100)"},
			{sql: "SELECT id FROM users WHERE id NOT IN (SELECT amount FROM orders)"},
			{sql: "SELECT id FROM users WHERE id NOT IN (SELECT amount FROM orders WHERE amount IS NOT NULL)"},
			{sql: "SELECT id FROM users WHERE id NOT IN (SELECT amount FROM orders WHERE amount > 100)"},
			{sql: "SELECT id FROM users WHERE id IN (SELECT amount FROM orders) AND email <> ?", args: []any{"c"}},
			// Non-vindex outer column holding NULLs.
			{sql: "SELECT id FROM users WHERE ref IN (SELECT amount FROM orders)"},
			{sql: "SELECT id FROM users WHERE ref NOT IN (SELECT user_id FROM orders)"},
			{sql: "SELECT id FROM users WHERE ref NOT IN (SELECT amount FROM orders)"},
			{sql: "SELECT id FROM users WHERE ref NOT IN (SELECT amount FROM orders WHERE amount > 100)"},
			{sql: "SELECT id FROM users WHERE ref IN (SELECT amount FROM orders WHERE amount > 100)"},
			{sql: "SELECT id FROM users WHERE ref NOT IN (SELECT amount FROM orders WHERE amount IS NULL)"},
			{sql: "SELECT id FROM users WHERE ref IN (SELECT amount FROM orders WHERE amount IS NULL)"},
			// Under NOT and OR the NULL of an IN list counts.
			{sql: "SELECT id FROM users WHERE NOT (ref IN (SELECT amount FROM orders))"},
			{sql: "SELECT id FROM users WHERE NOT (id NOT IN (SELECT amount FROM orders))"},
			{sql: "SELECT id FROM users WHERE NOT (ref IN (SELECT amount FROM orders WHERE amount IS NULL))"},
			{sql: "SELECT id FROM users WHERE NOT (ref NOT IN (SELECT amount FROM orders WHERE amount > 100))"},
			{sql: "SELECT id FROM users WHERE email = 'a' OR id NOT IN (SELECT amount FROM orders)"},
			{sql: "SELECT id FROM users WHERE email = 'b' OR ref IN (SELECT amount FROM orders)"},
			{sql: "SELECT COUNT(*), MAX(id) FROM users WHERE ref NOT IN (SELECT user_id FROM orders WHERE amount > 4)"},
			// EXISTS and NOT EXISTS.
			{sql: "SELECT id FROM users WHERE EXISTS (SELECT 1 FROM orders WHERE amount > 5)"},
			{sql: "SELECT id FROM users WHERE EXISTS (SELECT 1 FROM orders WHERE amount > 100)"},
			{sql: "SELECT id FROM users WHERE NOT EXISTS (SELECT 1 FROM orders WHERE amount > 100)"},
			{sql: "SELECT id FROM users WHERE NOT EXISTS (SELECT id FROM orders) OR id = 3"},
			{sql: "SELECT id FROM users WHERE EXISTS (SELECT amount FROM orders WHERE amount IS NULL) AND id IN (SELECT user_id FROM orders WHERE amount < ?)", args: []any{4}},
		} {
			p.compareRows(t, q.sql, q.args...)
		}
		// Cross-keyspace: main.flags on the shards, flags_app (the same
		// rows) in one database.
		for _, q := range []string{
			"SELECT id FROM users WHERE id IN (SELECT v FROM %s)",
			"SELECT id FROM users WHERE id NOT IN (SELECT v FROM %s)",
			"SELECT id FROM users WHERE id NOT IN (SELECT v FROM %s WHERE v IS NOT NULL)",
			"SELECT id FROM users WHERE ref NOT IN (SELECT v FROM %s WHERE v > 100)",
			"SELECT id FROM users WHERE EXISTS (SELECT 1 FROM %s WHERE v = 8)",
		} {
			got, err := queryAll(p.sharded, strings.Replace(q, "%s", "flags", 1))
			if err != nil {
				t.Fatalf("sharded: %s: %v", q, err)
			}
			want, err := queryAll(p.oracle, strings.Replace(q, "%s", "flags_app", 1))
			if err != nil {
				t.Fatalf("oracle: %s: %v", q, err)
			}
			sortRows(got.Rows)
			sortRows(want.Rows)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s (-one database +shards):\n%s", q, d)
			}
		}
		// A correlated one is not pulled out: answered by the shards or
		// refused, never a wrong answer.
		if _, err := p.sharded.Query("SELECT id FROM users u WHERE u.id IN (SELECT o.user_id FROM orders o WHERE o.amount = u.ref)"); err == nil {
			p.compareRows(t, "SELECT id FROM users u WHERE u.id IN (SELECT o.user_id FROM orders o WHERE o.amount = u.ref)")
		} else if !isUnsupported(err) {
			t.Errorf("correlated IN subquery: %v, want rows or unsupported", err)
		}
		if rows := explain(t, p.sharded, "SELECT id FROM users WHERE id IN (SELECT amount FROM orders)"); len(rows) < 3 {
			t.Errorf("VEXPLAIN of a pulled-out IN subquery: %v, want PulloutSubquery over the outer statement and the subquery", rows)
		}
	})
}

// An IN subquery whose value list passes max_memory_rows fails naming the
// limit; within it the answer is whole.
func TestInSubqueryValueListRespectsMaxMemoryRows(t *testing.T) {
	db := openMemoryBounded(t)
	loadItems(t, db, 100)
	_, err := queryAll(db, "SELECT id FROM items WHERE qty IN (SELECT id FROM items)")
	var me *merge.MemoryRowsError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "max_memory_rows = 20") {
		t.Errorf("IN list of 100 values: got %v, want an error naming max_memory_rows = 20", err)
	}
	if _, err := queryAll(db, "SELECT id FROM items WHERE qty NOT IN (SELECT id FROM items WHERE id < 10)"); err != nil {
		t.Errorf("IN list within the bound: %v", err)
	}
}

// An uncorrelated subquery in HAVING runs once and its value or list is
// bound into the outer statement's HAVING, evaluated at the merge of
// groups from every shard. What the merge cannot evaluate (an IN list, a
// NUMERIC cast over aggregates) is refused, never answered wrong.
func TestUncorrelatedSubqueryInHavingMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT ref, COUNT(*) FROM users GROUP BY ref HAVING COUNT(*) >= (SELECT MIN(amount) FROM orders)",
			"SELECT ref, COUNT(*) FROM users GROUP BY ref HAVING MAX(id) > (SELECT MAX(amount) FROM orders WHERE amount < 5)",
			"SELECT ref, COUNT(*) FROM users GROUP BY ref HAVING NOT EXISTS (SELECT 1 FROM orders WHERE amount > 100)",
			"SELECT ref, COUNT(*) FROM users GROUP BY ref HAVING EXISTS (SELECT 1 FROM orders WHERE amount > 6) AND COUNT(*) > 1",
		} {
			p.compareRows(t, q)
		}
		for _, q := range []string{
			"SELECT ref, COUNT(*) FROM users GROUP BY ref HAVING MAX(id) > (SELECT AVG(amount) FROM orders)",
			"SELECT ref, COUNT(*) FROM users GROUP BY ref HAVING MAX(id) IN (SELECT amount FROM orders)",
			"SELECT ref, COUNT(*) FROM users GROUP BY ref HAVING MAX(id) NOT IN (SELECT amount FROM orders WHERE amount IS NOT NULL)",
			"SELECT ref, COUNT(*) FROM users GROUP BY ref HAVING MAX(id) NOT IN (SELECT amount FROM orders)",
		} {
			if _, err := queryAll(p.sharded, q); err == nil {
				p.compareRows(t, q)
			} else if !isUnsupported(err) {
				t.Errorf("%s: %v, want rows or unsupported", q, err)
			}
		}
	})
}

// A pulled-out subquery runs inside the session's transaction: it sees
// the transaction's own uncommitted rows.
func TestPulledOutSubqueryRunsInTheTransaction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		tx, err := p.sharded.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec("INSERT INTO orders (id, user_id, amount) VALUES (20, 8, 8)"); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := tx.QueryRow("SELECT COUNT(*) FROM users WHERE id IN (SELECT amount FROM orders WHERE amount = 8)").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("IN subquery in a transaction counts %d users, want 1 (the uncommitted order's)", n)
		}
		if err := tx.QueryRow("SELECT COUNT(*) FROM users WHERE EXISTS (SELECT 1 FROM orders WHERE id = 20)").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 8 {
			t.Errorf("EXISTS subquery in a transaction counts %d users, want 8", n)
		}
	})
}
