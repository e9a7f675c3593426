package vitessdo_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEveryRoutingVariantMatchesOneDatabase(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		args   []any
		shards int
	}{
		{"EqualUnique", "SELECT id, name FROM users WHERE id = ?", []any{12}, 1},
		{"EqualUnique literal", "SELECT id, name FROM users WHERE id = 12", nil, 1},
		{"IN", "SELECT id, name FROM users WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8)", nil, 3},
		{"IN two values", "SELECT id, name FROM users WHERE id IN (?, ?)", []any{3, 3}, 1},
		{"OR as IN", "SELECT id FROM users WHERE id = 1 OR id = 30", nil, 2},
		{"Scatter", "SELECT id, name FROM users WHERE score = 2", nil, 4},
		{"Scatter range", "SELECT id FROM users WHERE id > 30", nil, 4},
		{"Unsharded", "SELECT name, value FROM settings", nil, 1},
		{"Reference", "SELECT code, name FROM countries", nil, 1},
		{"Reference join pushed down", "SELECT u.id, c.name FROM users u JOIN countries c ON c.code = u.country WHERE u.id = 9", nil, 1},
		{"Reference join scattered", "SELECT u.id, c.name FROM users u JOIN countries c ON c.code = u.country", nil, 4},
		{"None", "SELECT id FROM users WHERE id = 1 AND id = 2", nil, 1},
		{"None with null", "SELECT id FROM users WHERE id = NULL", nil, 1},
		{"co-located join", "SELECT u.id, o.id, o.amount FROM users u JOIN orders o ON o.user_id = u.id", nil, 4},
		{"co-located join pinned", "SELECT u.id, o.id FROM users u JOIN orders o ON o.user_id = u.id WHERE o.user_id = 11", nil, 1},
		{"co-located left join", "SELECT u.id, o.id FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.score = 1", nil, 4},
		{"same shard by conditions", "SELECT u.id, o.id FROM users u, orders o WHERE u.id = 5 AND o.user_id = 5", nil, 1},
		{"correlated subquery", "SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.amount > 5)", nil, 4},
		{"IN subquery on vindex", "SELECT id FROM users WHERE id IN (SELECT user_id FROM orders WHERE amount > 20)", nil, 4},
		{"derived table", "SELECT d.id FROM (SELECT id, score FROM users WHERE score > 3) AS d", nil, 4},
		{"FOR UPDATE", "SELECT id FROM users WHERE id = 3 FOR UPDATE", nil, 1},
		{"qualified", "SELECT id FROM app.users WHERE id = 3", nil, 1},
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 40)
		p.exec(t, "INSERT INTO settings (name, value) VALUES ('a', 'x')")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p.compareRows(t, tt.query, tt.args...)
				if got := explain(t, p.sharded, tt.query, tt.args...); len(got) != tt.shards {
					t.Errorf("reaches %v, want %d shards", got, tt.shards)
				}
			})
		}
	})
}

func TestNoShardRouteStillAnswersScalarAggregates(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 10)
		res := p.compareRows(t, "SELECT COUNT(*), MAX(score) FROM users WHERE id = 1 AND id = 2")
		if len(res.Rows) != 1 || res.Rows[0][0] != int64(0) {
			t.Errorf("got %v, want one row with count 0", res.Rows)
		}
		p.compareRows(t, "SELECT COUNT(*) FROM users WHERE id IN (1, 2) AND score = 100")
	})
}

func TestSessionTargetsAndShowStatements(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 40)
		ctx := context.Background()
		conn, err := p.sharded.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		count := func(target string) int64 {
			t.Helper()
			if _, err := conn.ExecContext(ctx, "USE "+target); err != nil {
				t.Fatalf("USE %s: %v", target, err)
			}
			var n int64
			if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
				t.Fatalf("count in %s: %v", target, err)
			}
			return n
		}
		var total int64
		for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
			n := count("`app:" + sh + "`")
			if m := count("`app/" + sh + "`"); m != n {
				t.Errorf("app:%s counts %d, app/%s %d", sh, n, sh, m)
			}
			total += n
		}
		if total != 40 {
			t.Errorf("shards hold %d rows in all, want 40", total)
		}
		if lo, hi := count("app[-80]"), count("`app[80-]`"); lo+hi != 40 {
			t.Errorf("key ranges -80 and 80- hold %d + %d rows, want 40", lo, hi)
		}
		if n := count("app"); n != 40 {
			t.Errorf("USE app counts %d, want 40", n)
		}
		var db string
		if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&db); err != nil || db != "app" {
			t.Errorf("SELECT DATABASE() = %q, %v; want app", db, err)
		}
		show := func(q string) []string {
			t.Helper()
			rows, err := conn.QueryContext(ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var s string
				rows.Scan(&s)
				out = append(out, s)
			}
			return out
		}
		if diff := cmp.Diff([]string{"app", "main"}, show("SHOW KEYSPACES")); diff != "" {
			t.Errorf("SHOW KEYSPACES (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"app/-40", "app/40-80", "app/80-c0", "app/c0-", "main/0"}, show("SHOW VITESS_SHARDS")); diff != "" {
			t.Errorf("SHOW VITESS_SHARDS (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"countries", "orders", "users"}, show("SHOW VSCHEMA TABLES")); diff != "" {
			t.Errorf("SHOW VSCHEMA TABLES (-want +got):\n%s", diff)
		}
		if _, err := conn.ExecContext(ctx, "USE nope"); err == nil || !strings.Contains(err.Error(), `keyspace "nope" not found`) {
			t.Errorf("USE nope: %v", err)
		}
		if _, err := conn.ExecContext(ctx, "USE `app:-20`"); err == nil || !strings.Contains(err.Error(), `no shard "-20"`) {
			t.Errorf("USE app:-20: %v", err)
		}
	})
}

func TestVExplainQueriesReportsTheStatementsThatRan(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 4)
		res, err := queryAll(p.sharded, "VEXPLAIN QUERIES UPDATE users SET score = 0 WHERE id IN (1, 2, 3, 4)")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"keyspace", "shard", "query"}, res.Columns); diff != "" {
			t.Errorf("columns (-want +got):\n%s", diff)
		}
		var got []string
		for _, r := range res.Rows {
			got = append(got, fmt.Sprint(r[1]))
			if !strings.Contains(fmt.Sprint(r[2]), "IN (") {
				t.Errorf("query %v does not show its bound IN values", r[2])
			}
		}
		if len(got) < 2 {
			t.Errorf("ran on %v, want the shards of ids 1-4", got)
		}
		var n int
		p.sharded.QueryRow("SELECT COUNT(*) FROM users WHERE score = 0").Scan(&n)
		if n != 4 {
			t.Errorf("VEXPLAIN QUERIES did not run the UPDATE: %d rows updated", n)
		}
	})
}

func TestSequenceIDsAreUniqueAndConsecutivePerStatementUnderConcurrency(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 0)
		const workers, perWorker, rowsPerStmt = 50, 4, 3
		var mu sync.Mutex
		var ids []int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perWorker; i++ {
					res, err := p.sharded.Exec("INSERT INTO users (name, score) VALUES (?, 1), (?, 2), (?, 3)", fmt.Sprint(w, "a", i), fmt.Sprint(w, "b", i), fmt.Sprint(w, "c", i))
					if err != nil {
						errs <- err
						return
					}
					first, err := res.LastInsertId()
					if err != nil {
						errs <- err
						return
					}
					// The statement's rows have ids first, first+1, first+2.
					var got []int64
					rows, err := p.sharded.Query("SELECT id FROM users WHERE name IN (?, ?, ?) ORDER BY id", fmt.Sprint(w, "a", i), fmt.Sprint(w, "b", i), fmt.Sprint(w, "c", i))
					if err != nil {
						errs <- err
						return
					}
					for rows.Next() {
						var id int64
						rows.Scan(&id)
						got = append(got, id)
					}
					rows.Close()
					if want := []int64{first, first + 1, first + 2}; !cmp.Equal(want, got) {
						errs <- fmt.Errorf("statement ids %v, LastInsertId %d", got, first)
						return
					}
					mu.Lock()
					ids = append(ids, got...)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for i := 1; i < len(ids); i++ {
			if ids[i] == ids[i-1] {
				t.Fatalf("id %d given twice", ids[i])
			}
		}
		if len(ids) != workers*perWorker*rowsPerStmt {
			t.Errorf("%d ids, want %d", len(ids), workers*perWorker*rowsPerStmt)
		}
		var n int
		p.sharded.QueryRow("SELECT COUNT(*) FROM users").Scan(&n)
		if n != len(ids) {
			t.Errorf("%d rows stored, want %d", n, len(ids))
		}
	})
}

func TestInsertSplitsRowsAndHandlesIgnoreAndUpsert(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 0)
		p.exec(t, "INSERT INTO users (id, name, score) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3), (4, 'd', 4), (5, 'e', 5)")
		p.compareRows(t, "SELECT id, name, score FROM users")
		if got := explain(t, p.sharded, "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')"); len(got) < 2 {
			t.Errorf("multi-row insert goes to %v, want one statement per shard", got)
		}
		p.exec(t, "INSERT IGNORE INTO users (id, name, score) VALUES (1, 'dup', 0), (6, 'f', 6)")
		p.compareRows(t, "SELECT id, name, score FROM users")
		p.exec(t, "INSERT INTO users (id, name, score) VALUES (2, 'b', 20), (7, 'g', 7) ON DUPLICATE KEY UPDATE score = VALUES(score)")
		p.compareRows(t, "SELECT id, name, score FROM users")
		// A NULL or absent id comes from the sequence.
		p.exec(t, "UPDATE user_seq SET next_id = 1000 WHERE id = 0")
		res, err := p.sharded.Exec("INSERT INTO users (id, name) VALUES (NULL, 'seq')")
		if err != nil {
			t.Fatal(err)
		}
		if id, _ := res.LastInsertId(); id != 1000 {
			t.Errorf("LastInsertId = %d, want the sequence's next id 1000", id)
		}
	})
}

func TestQueryTimeoutDirectiveBoundsOneStatement(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 60)
		// A cross product of the reference table with itself: billions
		// of rows on one shard.
		q := "SELECT /*vt+ QUERY_TIMEOUT_MS=50 */ COUNT(*) FROM countries a, countries b, countries c, countries d, countries e, countries f, countries g, countries h, countries i, countries j, countries k, countries l, countries m, countries n, countries o, countries p, countries q, countries r, countries s"
		_, err := p.sharded.Exec(q)
		if err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "interrupt") && !strings.Contains(err.Error(), "cancel") {
			t.Errorf("got %v, want the statement stopped by its 50 ms timeout", err)
		}
	})
}

func TestLastInsertIDOfAnUnshardedTablesOwnAutoIncrementIsTheFirstRowsID(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 0)
		if _, err := p.sharded.Exec("CREATE TABLE events (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, what VARCHAR(32))"); err != nil {
			t.Fatal(err)
		}
		for _, want := range []int64{1, 2, 5} {
			n := map[int64]int{1: 1, 2: 3, 5: 2}[want]
			vals := strings.TrimSuffix(strings.Repeat("('x'), ", n), ", ")
			res, err := p.sharded.Exec("INSERT INTO events (what) VALUES " + vals)
			if err != nil {
				t.Fatal(err)
			}
			id, _ := res.LastInsertId()
			rows, _ := res.RowsAffected()
			if id != want || rows != int64(n) {
				t.Errorf("insert of %d rows: LastInsertId %d, RowsAffected %d; want %d, %d", n, id, rows, want, n)
			}
		}
		res, err := p.sharded.Exec("INSERT INTO settings (name, value) VALUES ('k', 'v')")
		if err != nil {
			t.Fatal(err)
		}
		if id, _ := res.LastInsertId(); id != 0 {
			t.Errorf("LastInsertId of a table without generated ids = %d, want 0", id)
		}
	})
}

func TestMultiShardWriteOutsideATransactionIsAllOrNone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 0)
		p.exec(t, "INSERT INTO users (id, name) VALUES (4, 'exists')")
		// Rows for several shards; id 4 fails on its shard with a
		// duplicate key, so no shard may keep its rows.
		_, err := p.sharded.Exec("INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'dup'), (100, 'e'), (1000, 'f')")
		if err == nil {
			t.Fatal("insert with a duplicate key succeeded")
		}
		res, err := queryAll(p.sharded, "SELECT id, name FROM users")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]any{{int64(4), "exists"}}, res.Rows); diff != "" {
			t.Errorf("after the failed insert (-want +got):\n%s", diff)
		}
		// The same for an UPDATE failing on one shard.
		p.exec(t, "INSERT INTO users (id, name, score) VALUES (1, 'a', 1), (100, 'e', 1), (1000, 'f', 1)")
		if _, err := p.sharded.Exec("UPDATE users SET name = CASE WHEN id = 100 THEN NULL ELSE 'x' END, score = 2"); err != nil {
			t.Fatal(err)
		}
		p.oracle.Exec("UPDATE users SET name = CASE WHEN id = 100 THEN NULL ELSE 'x' END, score = 2")
		p.compareRows(t, "SELECT id, name, score FROM users")
	})
}

func TestMultiColumnVindexRoutesTuples(t *testing.T) {
	const vschema = `{"keyspaces": {"mc": {
		"sharded": true, "shards": ["-40", "40-80", "80-c0", "c0-"],
		"vindexes": {"mc": {"type": "multicol", "params": {"column_count": "2", "column_vindex": "hash,xxhash"}}},
		"tables": {"events": {"column_vindexes": [{"columns": ["tenant", "id"], "name": "mc"}]}}
	}}}`
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, vschema)
		p.exec(t, "CREATE TABLE events (tenant BIGINT NOT NULL, id BIGINT NOT NULL, what VARCHAR(16), PRIMARY KEY (tenant, id))")
		for tenant := 1; tenant <= 5; tenant++ {
			for id := 1; id <= 6; id++ {
				p.exec(t, "INSERT INTO events (tenant, id, what) VALUES (?, ?, ?)", tenant, id, fmt.Sprint("e", tenant, id))
			}
		}
		p.compareRows(t, "SELECT tenant, id, what FROM events WHERE tenant = 3 AND id = 4")
		if got := explain(t, p.sharded, "SELECT what FROM events WHERE tenant = 3 AND id = 4"); len(got) != 1 {
			t.Errorf("tuple equality reaches %v, want one shard", got)
		}
		p.compareRows(t, "SELECT tenant, id, what FROM events WHERE (tenant, id) IN ((1, 1), (2, 5), (5, 6))")
		if got := explain(t, p.sharded, "SELECT what FROM events WHERE (tenant, id) IN ((1, 1), (2, 5), (5, 6))"); len(got) > 3 {
			t.Errorf("tuple IN reaches %v, want at most the shards of its three tuples", got)
		}
		p.compareRows(t, "SELECT tenant, COUNT(*) FROM events GROUP BY tenant")
	})
}
