package vitessdo_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

// Correlated EXISTS, NOT EXISTS, IN and NOT IN subqueries over other
// shards than the outer rows run as a semi-join: the outer rows in
// batches, the subquery once per batch with the batch's keys bound (by
// vindex when the inner key is the inner table's vindex column). The rows
// equal one database's, NULLs on both sides of NOT IN included.
func TestCorrelatedSemiJoinMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range semiJoinQueries {
			p.compareRows(t, q)
		}
		// Cross-keyspace: main.flags on its shard, flags_app (the same
		// rows) in one database.
		for _, q := range []string{
			"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM %s f WHERE f.v = u.ref)",
			"SELECT id FROM users u WHERE u.id NOT IN (SELECT f.v FROM %s f WHERE f.id = u.ref)",
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
	})
}

// semiJoinQueries are correlated subquery conditions over other shards
// than the outer rows.
var semiJoinQueries = []string{
	// Inner key on the inner table's vindex column (orders.user_id),
	// outer key not on the outer's.
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref)",
	"SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref)",
	"SELECT id, email FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref AND o.amount > 4)",
	"SELECT id FROM users u WHERE u.id IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref)",
	"SELECT id FROM users u WHERE u.id NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref)",
	"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.id - 1)",
	// Inner key not on a vindex column: the batch scatters.
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)",
	"SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)",
	"SELECT id FROM users u WHERE u.ref IN (SELECT o.user_id FROM orders o WHERE o.amount = u.id)",
	"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.user_id FROM orders o WHERE o.amount = u.id)",
	"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.id - 10 = u.id)",
	"SELECT id FROM users u WHERE u.ref IN (SELECT o.amount FROM orders o WHERE o.id - 10 = u.id)",
	"SELECT id FROM users u WHERE NOT (u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.id))",
	// Several subqueries, other conditions, two keys.
	"SELECT id FROM users u WHERE email <> 'c' AND EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) AND u.ref NOT IN (SELECT o.user_id FROM orders o WHERE o.amount = u.ref)",
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref AND o.amount = u.id)",
	"SELECT u.id, u.email FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.ref) ORDER BY u.email DESC",
	"SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.ref)",
	// The outer rows over orders, the inner users routed by id.
	"SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = o.amount AND u.email <> 'c')",
	"SELECT o.id FROM orders o WHERE o.amount NOT IN (SELECT u.ref FROM users u WHERE u.id = o.amount)",
	"SELECT o.id FROM orders o WHERE o.id NOT IN (SELECT u.ref FROM users u WHERE u.id = o.user_id)",
	// Outer rows of a join across shards, of a co-located join, of a
	// derived table; inner rows of a co-located join, of a subquery
	// with a subquery of its own, of a DISTINCT; outer rows pinned to
	// one shard or a few.
	"SELECT u.id, o.id FROM users u JOIN orders o ON o.amount = u.id WHERE EXISTS (SELECT 1 FROM flags_app f WHERE f.v = u.ref)",
	"SELECT u.id, o.id AS oid FROM users u JOIN orders o ON o.user_id = u.id WHERE NOT EXISTS (SELECT 1 FROM orders x WHERE x.amount = o.id - 9)",
	"SELECT d.id FROM (SELECT id, ref FROM users WHERE id > 1) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = d.ref)",
	"SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM orders o JOIN users v ON v.id = o.user_id WHERE o.amount = u.id AND v.email <> 'q')",
	"SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id AND EXISTS (SELECT 1 FROM users v WHERE v.ref = o.id - 9))",
	"SELECT u.id FROM users u WHERE u.ref IN (SELECT DISTINCT o.amount FROM orders o WHERE o.user_id = u.id - 1 + 1)",
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) AND id = 3",
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) AND id IN (3, 5, 6)",
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id AND o.user_id = 6)",
	// Correlation beyond the key equalities, evaluated by the router
	// over each outer row and its candidate inner rows.
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref AND o.amount > u.id)",
	"SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref AND o.amount <> u.id)",
	"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref AND (o.amount < u.id OR o.amount IS NULL))",
	"SELECT id FROM users u WHERE u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.id AND o.id > u.id + 8)",
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id AND o.id - u.ref > 10)",
	// Mixed with an uncorrelated subquery, which runs once first.
	"SELECT id FROM users u WHERE u.id IN (SELECT amount FROM orders) AND EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.ref)",
	"SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id AND o.user_id > (SELECT MIN(user_id) FROM orders))",
}

// VEXPLAIN shows the semi-join over the outer statement, with its hidden
// key columns, and the inner statement routed by the batch.
func TestCorrelatedSemiJoinExplainShowsBothRoutes(t *testing.T) {
	p := newSemiPair(t, engines(t)[0])
	res, err := queryAll(p.sharded, "VEXPLAIN PLAN SELECT id FROM users u WHERE u.id NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref)")
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range res.Rows {
		text = append(text, strings.TrimSpace(r[len(r)-1].(string)))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"SemiJoin NOT IN on outer hidden 1 = inner 1 (inner routed IN", "FROM `users` AS `u`", "FROM `orders` AS `o`"} {
		if !strings.Contains(all, want) {
			t.Errorf("VEXPLAIN lacks %q:\n%s", want, all)
		}
	}
}

// A SELECT whose DISTINCT, GROUP BY, aggregates, HAVING or LIMIT must run
// after its semi-join is evaluated by the router over the rows the
// semi-join keeps.
func TestCorrelatedSemiJoinWithAHorizonMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range semiHorizonQueries {
			p.compareRows(t, q)
		}
		for _, q := range semiOrderedQueries {
			p.compareOrdered(t, q)
		}
	})
}

// semiHorizonQueries aggregate or deduplicate the rows a semi-join keeps.
var semiHorizonQueries = []string{
	"SELECT COUNT(*) FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)",
	"SELECT COUNT(*), MAX(u.email), SUM(u.ref) FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.id)",
	"SELECT u.ref, COUNT(*) AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) GROUP BY u.ref",
	"SELECT u.ref, COUNT(*) AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) GROUP BY u.ref HAVING COUNT(*) > 1",
	"SELECT DISTINCT u.ref FROM users u WHERE u.ref IN (SELECT o.user_id FROM orders o WHERE o.amount = u.id)",
	"SELECT DISTINCT ref FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref)",
	"SELECT COUNT(*) FROM users WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = users.id)",
}

// semiOrderedQueries order and limit the rows a semi-join keeps.
var semiOrderedQueries = []string{
	// LIMIT after the filters, the sort on the shards.
	"SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.ref) ORDER BY id LIMIT 3",
	"SELECT u.id, u.email FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.id) ORDER BY u.email DESC LIMIT 2 OFFSET 1",
	"SELECT u.id, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) ORDER BY u.id DESC LIMIT 3",
	// ORDER BY alone runs on the shards: the semi-join keeps the order.
	"SELECT u.id, u.email FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.ref) ORDER BY u.email DESC",
	"SELECT u.id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.id) ORDER BY u.ref, u.id",
	"SELECT id, email FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.ref) ORDER BY id LIMIT 2",
	"SELECT u.id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) ORDER BY u.id DESC LIMIT 3",
	"SELECT u.ref AS r, COUNT(*) AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id) GROUP BY r ORDER BY r",
}

// Batches of 2 outer rows (join_batch) give the same rows as one
// database: each batch binds its own keys, and a row's inner rows never
// straddle batches.
func TestCorrelatedSubqueriesInSmallBatchesMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		cfg := &vitessdo.Config{VSchemaJSON: []byte(semiVSchema), Shards: map[string]string{}, JoinBatch: 2}
		for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
			cfg.Shards["app/"+sh] = e.url(t, "app", sh)
		}
		cfg.Shards["main/0"] = e.url(t, "main", "0")
		c, err := vitessdo.NewConnector(cfg)
		if err != nil {
			t.Fatal(err)
		}
		small := &pair{e: e, sharded: sql.OpenDB(c), oracle: p.oracle}
		defer small.sharded.Close()
		loadSemiRows(t, small.sharded)
		for _, q := range append(append(append([]string{}, semiJoinQueries...), semiHorizonQueries...), scalarQueries...) {
			small.compareRows(t, q)
		}
		for _, q := range semiOrderedQueries {
			small.compareOrdered(t, q)
		}
	})
}

// loadSemiRows loads the tables and rows of newSemiPair into db.
func loadSemiRows(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{
		"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(64), ref BIGINT)",
		"CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount BIGINT)",
		"CREATE TABLE flags (id BIGINT NOT NULL PRIMARY KEY, v BIGINT)",
		"CREATE TABLE flags_app (id BIGINT NOT NULL PRIMARY KEY, v BIGINT)",
		"INSERT INTO users (id, email, ref) VALUES (1, 'a', 1), (2, 'b', NULL), (3, 'c', 3), (4, 'd', 7), (5, 'e', NULL), (6, 'x', 2), (7, 'y', 9), (8, 'z', 5)",
		"INSERT INTO orders (id, user_id, amount) VALUES (10, 1, 5), (11, 2, 6), (12, 3, 7), (13, 3, NULL), (14, 5, 3), (15, 6, 1), (16, 6, 3)",
		"INSERT INTO flags (id, v) VALUES (1, 4), (2, 8), (3, 4), (4, NULL)",
		"INSERT INTO flags_app (id, v) VALUES (1, 4), (2, 8), (3, 4), (4, NULL)",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// A condition comparing correlated scalar subqueries (under OR and NOT
// too) is evaluated by the router once each row has the subqueries'
// values, as are the horizon's clauses after it.
func TestCorrelatedScalarSubqueryInWhereMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT id FROM users u WHERE u.id > (SELECT AVG(o.amount) FROM orders o WHERE o.user_id = u.ref)",
			"SELECT id FROM users u WHERE (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) = 0",
			"SELECT id, email FROM users u WHERE u.ref < (SELECT MAX(o.amount) FROM orders o WHERE o.user_id = u.id) OR u.email = 'b'",
			"SELECT id FROM users u WHERE NOT (u.ref < (SELECT MAX(o.amount) FROM orders o WHERE o.user_id = u.id))",
			"SELECT COUNT(*) FROM users u WHERE (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref) >= 1 AND EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)",
			"SELECT u.ref, COUNT(*) AS n FROM users u WHERE u.id <> (SELECT MIN(o.id) FROM orders o WHERE o.user_id = u.ref) GROUP BY u.ref",
			"SELECT id FROM users u WHERE u.id > (SELECT o.amount FROM orders o WHERE o.id = u.id + 9)",
			"SELECT id FROM users u WHERE u.id IN (SELECT user_id FROM orders) AND u.id > (SELECT AVG(o.amount) FROM orders o WHERE o.amount = u.id)",
			"SELECT id FROM users u WHERE u.id > (SELECT AVG(o.amount) FROM orders o WHERE o.id = u.id)",
		} {
			p.compareRows(t, q)
		}
		p.compareOrdered(t, "SELECT id FROM users u WHERE (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) = 0 ORDER BY id DESC LIMIT 2")
	})
}

// A semi-join's inner statements run inside the session's transaction,
// and a prepared statement binds new arguments on each execution.
func TestCorrelatedSemiJoinRunsInTheTransactionAndRebinds(t *testing.T) {
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
		if err := tx.QueryRow("SELECT COUNT(*) FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)").Scan(&n); err != nil {
			t.Fatal(err)
		}
		// Amounts 5, 6, 7, 3, 1 and the uncommitted 8.
		if n != 6 {
			t.Errorf("semi-join in a transaction counts %d users, want 6", n)
		}
		if err := tx.QueryRow("SELECT (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) FROM users u WHERE u.id = 8").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("scalar subquery in a transaction counts %d orders, want 1", n)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		st, err := p.sharded.Prepare("SELECT id FROM users u WHERE u.email <> ? AND EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id AND o.id > ?)")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for _, args := range [][]any{{"a", 10}, {"c", 13}, {"e", 100}} {
			q := "SELECT id FROM users u WHERE u.email <> ? AND EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id AND o.id > ?)"
			want, err := queryAll(p.oracle, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := st.Query(args...)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]any
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				got = append(got, []any{id})
			}
			rows.Close()
			sortRows(got)
			sortRows(want.Rows)
			if d := cmp.Diff(want.Rows, got); d != "" {
				t.Errorf("prepared %v (-one database +shards):\n%s", args, d)
			}
		}
	})
}

// The inner rows of one batch are bounded by max_memory_rows.
func TestCorrelatedSemiJoinRespectsMaxMemoryRows(t *testing.T) {
	db := openMemoryBounded(t)
	loadItems(t, db, 100)
	_, err := queryAll(db, "SELECT a.id FROM items a WHERE EXISTS (SELECT 1 FROM items b WHERE b.qty = a.qty)")
	if err == nil || !strings.Contains(err.Error(), "max_memory_rows = 20") {
		t.Errorf("got %v, want an error naming max_memory_rows = 20", err)
	}
}
