package vitessdo_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

// insertPerShard inserts per rows on every shard of app in one
// multi-row INSERT of (id, name) placeholders, taking ids[s][from:].
func insertPerShard(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, env *txEnv, ids map[string][]int64, from, per int) (sql.Result, error) {
	var tuples []string
	var args []any
	for _, s := range env.shards("app") {
		for _, id := range ids[s][from : from+per] {
			tuples = append(tuples, "(?, ?)")
			args = append(args, id, fmt.Sprintf("user-%d", id))
		}
	}
	return q.ExecContext(ctx, "INSERT INTO users (id, name) VALUES "+strings.Join(tuples, ", "), args...)
}

// hangGuard bounds a statement that would hang if a lock or connection
// leaked: the test fails with the deadline instead of running forever.
func hangGuard(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestMultiRowInsertPreparesEachShardStatementOnceOnSQLite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		ids := idsByShard(t, db, 8)
		shards := env.shards("app")
		ctx := hangGuard(t)
		prepares := func() map[string]int {
			out := map[string]int{}
			for _, s := range shards {
				out[s] = env.faults.count(s + " prepare")
			}
			return out
		}
		if _, err := insertPerShard(ctx, db, env, ids, 0, 2); err != nil {
			t.Fatal(err)
		}
		first := prepares()
		for from := 2; from < 8; from += 2 {
			if _, err := insertPerShard(ctx, db, env, ids, from, 2); err != nil {
				t.Fatal(err)
			}
		}
		if e.name == "sqlite" {
			for _, s := range shards {
				if first[s] == 0 {
					t.Errorf("shard %s prepared no statement for the INSERT", s)
				}
			}
			// The same shape again on every shard: its prepared statement
			// is reused, nothing is prepared again.
			if diff := cmp.Diff(first, prepares()); diff != "" {
				t.Errorf("statements prepared by later INSERTs of the same shape (-after the first +after all):\n%s", diff)
			}
		}
		if diff := cmp.Diff(allCounts(env, 8), count(t, db, "app", "users")); diff != "" {
			t.Errorf("rows per shard (-want +got):\n%s", diff)
		}
	})
}

func TestMultiRowInsertStatementsFollowSchemaChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		ids := idsByShard(t, db, 6)
		ctx := hangGuard(t)
		if _, err := insertPerShard(ctx, db, env, ids, 0, 2); err != nil {
			t.Fatal(err)
		}
		// The table is dropped and created again with its columns in
		// another order and one more: the cached INSERTs must write the
		// named columns of the new table.
		mustExec(t, db, "DROP TABLE users")
		mustExec(t, db, "CREATE TABLE users (score INT, name VARCHAR(64), extra INT, id BIGINT NOT NULL PRIMARY KEY, country VARCHAR(2))")
		if _, err := insertPerShard(ctx, db, env, ids, 2, 2); err != nil {
			t.Fatalf("INSERT after the table was created again: %v", err)
		}
		mustExec(t, db, "ALTER TABLE users ADD COLUMN later INT")
		if _, err := insertPerShard(ctx, db, env, ids, 4, 2); err != nil {
			t.Fatalf("INSERT after ALTER TABLE: %v", err)
		}
		rows, err := db.QueryContext(ctx, "SELECT id, name, extra, later FROM users ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id int64
			var name string
			var extra, later sql.NullInt64
			if err := rows.Scan(&id, &name, &extra, &later); err != nil {
				t.Fatal(err)
			}
			if name != fmt.Sprintf("user-%d", id) || extra.Valid || later.Valid {
				got = append(got, fmt.Sprintf("%d %q %v %v", id, name, extra, later))
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			t.Errorf("rows written into the wrong columns: %v", got)
		}
		if diff := cmp.Diff(allCounts(env, 4), count(t, db, "app", "users")); diff != "" {
			t.Errorf("rows per shard (-want +got):\n%s", diff)
		}
	})
}

func TestMultiRowInsertFailingOnOneShardWritesNoShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		shards := env.shards("app")
		tests := []struct {
			name string
			rule faultRule
		}{
			{name: "the INSERT fails", rule: faultRule{shard: shards[2], op: "exec", sql: "INSERT"}},
			{name: "the INSERT applied and its reply was lost", rule: faultRule{shard: shards[2], op: "exec", sql: "INSERT", err: driver.ErrBadConn, after: true}},
			{name: "the last shard's INSERT fails", rule: faultRule{shard: shards[3], op: "exec", sql: "INSERT"}},
			{name: "BEGIN fails", rule: faultRule{shard: shards[1], op: "begin"}},
			{name: "BEGIN fails on the first shard", rule: faultRule{shard: shards[0], op: "begin"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				db, _ := env.open(t, vitessdo.TxMulti)
				mustExec(t, db, "DELETE FROM users")
				ids := idsByShard(t, db, 4)
				ctx := hangGuard(t)
				// Warm the shard statements, so the failing one is the
				// prepared statement of a later execution.
				if _, err := insertPerShard(ctx, db, env, ids, 0, 2); err != nil {
					t.Fatal(err)
				}
				mustExec(t, db, "DELETE FROM users")
				rule := tt.rule
				env.faults.add(&rule)
				_, err := insertPerShard(ctx, db, env, ids, 2, 2)
				env.faults.reset()
				if err == nil {
					t.Fatal("INSERT with a failing shard succeeded")
				}
				if !strings.Contains(err.Error(), tt.rule.shard) {
					t.Errorf("error %q does not name shard %s", err, tt.rule.shard)
				}
				if diff := cmp.Diff(zeroCounts(env), count(t, db, "app", "users")); diff != "" {
					t.Errorf("rows per shard after the failed INSERT (-want +got):\n%s", diff)
				}
				// Nothing is left held: the same INSERT goes through.
				if _, err := insertPerShard(ctx, db, env, ids, 2, 2); err != nil {
					t.Fatalf("INSERT after the failure: %v", err)
				}
				if diff := cmp.Diff(allCounts(env, 2), count(t, db, "app", "users")); diff != "" {
					t.Errorf("rows per shard (-want +got):\n%s", diff)
				}
				if n := db.Stats().InUse; n != 0 {
					t.Errorf("%d connections in use", n)
				}
			})
		}
	})
}

func TestBeginFailingInATransactionLeavesItUsable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		shards := env.shards("app")
		db, _ := env.open(t, vitessdo.TxMulti)
		ids := idsByShard(t, db, 4)
		ctx := hangGuard(t)
		for _, multi := range []bool{false, true} {
			t.Run(fmt.Sprintf("several shards=%v", multi), func(t *testing.T) {
				mustExec(t, db, "DELETE FROM users")
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				// One shard joined before the failure.
				if _, err := tx.ExecContext(ctx, "INSERT INTO users (id) VALUES (?)", ids[shards[0]][0]); err != nil {
					t.Fatal(err)
				}
				env.faults.add(&faultRule{shard: shards[2], op: "begin", times: 1})
				if multi {
					_, err = insertPerShard(ctx, tx, env, ids, 1, 1)
				} else {
					_, err = tx.ExecContext(ctx, "INSERT INTO users (id) VALUES (?)", ids[shards[2]][1])
				}
				env.faults.reset()
				if err == nil || !errors.Is(err, errInjected) {
					t.Fatalf("statement whose shard failed to begin: %v, want the injected error", err)
				}
				// The transaction goes on: the shard joins on the next
				// statement, and commit writes what succeeded.
				if _, err := tx.ExecContext(ctx, "INSERT INTO users (id) VALUES (?)", ids[shards[2]][2]); err != nil {
					t.Fatalf("statement after the failed BEGIN: %v", err)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				// The failed statement wrote nothing: BEGIN failed before
				// any shard ran it.
				want := zeroCounts(env)
				want[shards[0]], want[shards[2]] = 1, 1
				if diff := cmp.Diff(want, count(t, db, "app", "users")); diff != "" {
					t.Errorf("rows per shard (-want +got):\n%s", diff)
				}
			})
		}
		if n := db.Stats().InUse; n != 0 {
			t.Errorf("%d connections in use", n)
		}
	})
}
