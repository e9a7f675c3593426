package vitessdo_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

// newAppEnv returns an environment with the app schema (users over four
// shards, a sequence and settings in main) created.
func newAppEnv(t *testing.T, e engine) *txEnv {
	t.Helper()
	env := newTxEnv(t, e, appVSchema)
	db, _ := env.open(t, "")
	for _, ddl := range appDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatalf("%s: %v", ddl, err)
		}
	}
	db.Close()
	return env
}

// commitModes returns the transaction modes that commit across shards on
// an engine: twopc needs PostgreSQL.
func commitModes(e engine) []string {
	if e.name == "postgres" {
		return []string{vitessdo.TxMulti, vitessdo.TxTwoPC}
	}
	return []string{vitessdo.TxMulti}
}

func mustExec(t *testing.T, q interface {
	Exec(string, ...any) (sql.Result, error)
}, query string, args ...any) {
	t.Helper()
	if _, err := q.Exec(query, args...); err != nil {
		t.Fatalf("%s %v: %v", query, args, err)
	}
}

func userIDs(t *testing.T, db *sql.DB) []int64 {
	t.Helper()
	rows, err := db.Query("SELECT id FROM users ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

func zeroCounts(env *txEnv) map[string]int64 {
	out := map[string]int64{}
	for _, s := range env.shards("app") {
		out[s] = 0
	}
	return out
}

func TestTransactionCommitShowsEveryShardsWritesAndRollbackLeavesNone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		for _, mode := range commitModes(e) {
			for _, commit := range []bool{true, false} {
				name := mode + "/rollback"
				if commit {
					name = mode + "/commit"
				}
				t.Run(name, func(t *testing.T) {
					db, _ := env.open(t, mode)
					mustExec(t, db, "DELETE FROM users")
					ids := idsByShard(t, db, 2)
					prepares := len(env.gids())
					tx, err := db.BeginTx(context.Background(), nil)
					if err != nil {
						t.Fatal(err)
					}
					want := zeroCounts(env)
					for s, list := range ids {
						for _, id := range list {
							mustExec(t, tx, "INSERT INTO users (id, name, score) VALUES (?, ?, 1)", id, "u")
						}
						want[s] = int64(len(list))
					}
					mustExec(t, tx, "UPDATE users SET score = score + 1")
					var sum int64
					if err := tx.QueryRow("SELECT SUM(score) FROM users").Scan(&sum); err != nil || sum != 16 {
						t.Errorf("inside the transaction SUM(score) = %d, %v; want 16 (its own writes on every shard)", sum, err)
					}
					if diff := cmp.Diff(zeroCounts(env), count(t, db, "app", "users")); diff != "" {
						t.Errorf("another connection sees uncommitted rows (-want +got):\n%s", diff)
					}
					if commit {
						err = tx.Commit()
					} else {
						err = tx.Rollback()
						want = zeroCounts(env)
					}
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, count(t, db, "app", "users")); diff != "" {
						t.Errorf("rows per shard after the transaction (-want +got):\n%s", diff)
					}
					if n := len(env.gids()) - prepares; commit && mode == vitessdo.TxTwoPC && n != 4 {
						t.Errorf("twopc commit of four shards prepared %d transactions, want 4", n)
					}
				})
			}
		}
	})
}

func TestSavepointRollbackUndoesExactlyTheStatementsAfterIt(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		for _, mode := range commitModes(e) {
			t.Run(mode, func(t *testing.T) {
				db, _ := env.open(t, mode)
				mustExec(t, db, "DELETE FROM users")
				ids := idsByShard(t, db, 3)
				shards := env.shards("app")
				a, b, c, d := ids[shards[0]], ids[shards[1]], ids[shards[2]], ids[shards[3]]
				tx, err := db.Begin()
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'kept')", a[0])
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'kept')", b[0])
				// GORM names its nested transactions' savepoints this way.
				mustExec(t, tx, "SAVEPOINT sp0xc000012345")
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'undone')", b[1]) // a shard that joined before
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'undone')", c[0]) // a shard that joins after
				mustExec(t, tx, "UPDATE users SET name = 'undone' WHERE id = ?", a[0])
				mustExec(t, tx, "ROLLBACK TO SAVEPOINT sp0xc000012345")
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'kept')", d[0]) // joins after the rollback
				// Nested savepoints, names case-insensitive as in MySQL.
				mustExec(t, tx, "SAVEPOINT Outer")
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'kept')", c[1])
				mustExec(t, tx, "SAVEPOINT inner")
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'undone')", c[2])
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'undone')", a[1])
				mustExec(t, tx, "ROLLBACK TO inner")
				mustExec(t, tx, "RELEASE SAVEPOINT OUTER")
				if _, err := tx.Exec("ROLLBACK TO SAVEPOINT inner"); err == nil || !strings.Contains(err.Error(), "no such savepoint") {
					t.Errorf("ROLLBACK TO a released savepoint: %v, want no such savepoint", err)
				}
				// The same name again replaces the savepoint.
				mustExec(t, tx, "SAVEPOINT again")
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'undone')", d[1])
				mustExec(t, tx, "SAVEPOINT again")
				mustExec(t, tx, "INSERT INTO users (id, name) VALUES (?, 'kept')", d[2])
				mustExec(t, tx, "ROLLBACK TO again")
				mustExec(t, tx, "ROLLBACK TO again")
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				res, err := queryAll(db, "SELECT id, name FROM users ORDER BY id")
				if err != nil {
					t.Fatal(err)
				}
				want := map[int64]string{a[0]: "kept", b[0]: "kept", d[0]: "kept", c[1]: "kept", d[1]: "undone"}
				got := map[int64]string{}
				for _, r := range res.Rows {
					got[r[0].(int64)] = r[1].(string)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("rows after the savepoints (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestSingleModeRefusesASecondShardNamingBoth(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		ctx := context.Background()
		for _, how := range []string{"dsn", "set"} {
			t.Run(how, func(t *testing.T) {
				mode := vitessdo.TxSingle
				if how == "set" {
					mode = vitessdo.TxMulti
				}
				clean, _ := env.open(t, vitessdo.TxMulti)
				mustExec(t, clean, "DELETE FROM users")
				db, _ := env.open(t, mode)
				ids := idsByShard(t, db, 2)
				shards := env.shards("app")
				conn, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				if how == "set" {
					if _, err := conn.ExecContext(ctx, "SET transaction_mode = 'single'"); err != nil {
						t.Fatal(err)
					}
				}
				tx, err := conn.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				mustExec(t, tx, "INSERT INTO users (id) VALUES (?)", ids[shards[0]][0])
				_, err = tx.Exec("INSERT INTO users (id) VALUES (?)", ids[shards[1]][0])
				var te *vitessdo.TransactionError
				if !errors.As(err, &te) || !strings.Contains(err.Error(), shards[0]) || !strings.Contains(err.Error(), shards[1]) {
					t.Fatalf("second shard in single mode: %v, want a TransactionError naming %s and %s", err, shards[0], shards[1])
				}
				// The transaction is still usable on its shard, and rolls back.
				mustExec(t, tx, "INSERT INTO users (id) VALUES (?)", ids[shards[0]][1])
				if err := tx.Rollback(); err != nil {
					t.Fatal(err)
				}
				// An autocommit write over several shards is refused before
				// anything is written.
				_, err = conn.ExecContext(ctx, "INSERT INTO users (id) VALUES (?), (?)", ids[shards[2]][0], ids[shards[3]][0])
				if !errors.As(err, &te) {
					t.Errorf("multi-shard autocommit insert in single mode: %v, want a TransactionError", err)
				}
				if _, err := conn.ExecContext(ctx, "INSERT INTO users (id) VALUES (?)", ids[shards[2]][0]); err != nil {
					t.Errorf("one-shard autocommit insert in single mode: %v", err)
				}
				want := zeroCounts(env)
				want[shards[2]] = 1
				if diff := cmp.Diff(want, count(t, db, "app", "users")); diff != "" {
					t.Errorf("rows per shard (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestTwoPCOnSQLiteShardsIsRefusedAtBeginSayingWhy(t *testing.T) {
	env := newAppEnv(t, engine{name: "sqlite", url: sqliteURL})
	db, _ := env.open(t, vitessdo.TxTwoPC)
	_, err := db.Begin()
	var te *vitessdo.TransactionError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "PREPARE TRANSACTION") || !strings.Contains(err.Error(), "SQLite") {
		t.Fatalf("BeginTx in twopc mode on SQLite: %v, want a TransactionError explaining that SQLite has no PREPARE TRANSACTION", err)
	}
	// Autocommit writes: one shard needs no transaction; several do.
	if _, err := db.Exec("INSERT INTO users (id) VALUES (1)"); err != nil {
		t.Errorf("one-shard insert: %v", err)
	}
	if _, err := db.Exec("UPDATE users SET score = 1"); !errors.As(err, &te) {
		t.Errorf("scatter update in twopc mode on SQLite: %v, want a TransactionError", err)
	}
}

func TestIsolationLevelsMapToEachBackendOrFailAtBegin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		tests := []struct {
			level sql.IsolationLevel
			// backend is the level the backend is asked for; on SQLite
			// always the default (serializable).
			backend sql.IsolationLevel
			ok      bool
		}{
			{sql.LevelDefault, sql.LevelDefault, true},
			{sql.LevelReadUncommitted, sql.LevelReadUncommitted, true},
			{sql.LevelReadCommitted, sql.LevelReadCommitted, true},
			{sql.LevelRepeatableRead, sql.LevelRepeatableRead, true},
			{sql.LevelSnapshot, sql.LevelRepeatableRead, true},
			{sql.LevelSerializable, sql.LevelSerializable, true},
			{sql.LevelWriteCommitted, 0, false},
			{sql.LevelLinearizable, 0, false},
		}
		for _, tt := range tests {
			env.faults.mu.Lock()
			env.faults.begins = nil
			env.faults.mu.Unlock()
			tx, err := db.BeginTx(context.Background(), &sql.TxOptions{Isolation: tt.level})
			if !tt.ok {
				if err == nil || !strings.Contains(err.Error(), "isolation level") {
					t.Errorf("%v: BeginTx = %v, want an error naming the isolation level", tt.level, err)
				}
				if tx != nil {
					tx.Rollback()
				}
				continue
			}
			if err != nil {
				t.Errorf("%v: %v", tt.level, err)
				continue
			}
			var n int
			if err := tx.QueryRow("SELECT COUNT(*) FROM users").Scan(&n); err != nil {
				t.Errorf("%v: %v", tt.level, err)
			}
			tx.Rollback()
			want := tt.backend
			if e.name == "sqlite" {
				want = sql.LevelDefault
			}
			env.faults.mu.Lock()
			begins := append([]beginRecord(nil), env.faults.begins...)
			env.faults.mu.Unlock()
			if len(begins) != 4 {
				t.Errorf("%v: %d backend transactions begun, want 4 (one per shard)", tt.level, len(begins))
			}
			for _, b := range begins {
				if got := sql.IsolationLevel(b.opts.Isolation); got != want {
					t.Errorf("%v: shard %s asked for %v, want %v", tt.level, b.shard, got, want)
				}
			}
		}
	})
}

func TestReadOnlyTransactionsRefuseWritesAndLeaveConnectionsWritable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		// One connection per shard pool: the read-only transaction's
		// connection is the one the next write gets.
		db, _ := env.open(t, "", func(c *vitessdo.Config) { c.MaxOpenConns = 1 })
		db.SetMaxOpenConns(1)
		mustExec(t, db, "DELETE FROM users")
		for round := 0; round < 2; round++ {
			tx, err := db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := tx.QueryRow("SELECT COUNT(*) FROM users").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec("INSERT INTO users (id) VALUES (?)", 100+round); err == nil || !strings.Contains(strings.ToLower(err.Error()), "read") {
				t.Errorf("insert in a read-only transaction: %v, want a read-only error", err)
			}
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("INSERT INTO users (id) VALUES (?)", 200+round); err != nil {
				t.Errorf("write after a read-only transaction: %v", err)
			}
		}
		if diff := cmp.Diff([]int64{200, 201}, userIDs(t, db)); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
	})
}

func TestTextTransactionStatementsActLikeTheDatabaseSQLCalls(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		ctx := context.Background()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		steps := []struct {
			sql  string
			fail string // a substring of the expected error
		}{
			{sql: "BEGIN"},
			{sql: "INSERT INTO users (id) VALUES (1), (2), (3), (4)"},
			{sql: "BEGIN", fail: "already open"},
			{sql: "ROLLBACK"},
			{sql: "start transaction read write"},
			{sql: "INSERT INTO users (id) VALUES (5), (6)"},
			{sql: "SAVEPOINT `s1`"},
			{sql: "INSERT INTO users (id) VALUES (7), (8)"},
			{sql: "ROLLBACK WORK TO s1"},
			{sql: "COMMIT WORK;"},
			{sql: "COMMIT"}, // no transaction: nothing to do
			{sql: "BEGIN READ ONLY"},
			{sql: "INSERT INTO users (id) VALUES (9)", fail: "read"},
			{sql: "ROLLBACK"},
			{sql: "START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE"},
			{sql: "INSERT INTO users (id) VALUES (10)"},
			{sql: "COMMIT"},
			{sql: "BEGIN WORK"},
			{sql: "INSERT INTO users (id) VALUES (11)"},
			{sql: "RELEASE SAVEPOINT nope", fail: "no such savepoint"},
			{sql: "ROLLBACK"},
			{sql: "START TRANSACTION WITH CONSISTENT SNAPSHOT", fail: "unsupported transaction statement"},
			{sql: "SAVEPOINT s2", fail: "need a transaction"},
		}
		for _, st := range steps {
			_, err := conn.ExecContext(ctx, st.sql)
			switch {
			case st.fail == "" && err != nil:
				t.Errorf("%s: %v", st.sql, err)
			case st.fail != "" && (err == nil || !strings.Contains(strings.ToLower(err.Error()), st.fail)):
				t.Errorf("%s: %v, want an error mentioning %q", st.sql, err, st.fail)
			}
		}
		if diff := cmp.Diff([]int64{5, 6, 10}, userIDs(t, db)); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
		// On a *sql.DB, BEGIN belongs to whichever connection ran it: the
		// pool rolls it back when it hands that connection out again, and
		// the next statement is on its own.
		db.SetMaxOpenConns(1)
		conn.Close()
		mustExec(t, db, "BEGIN")
		mustExec(t, db, "INSERT INTO users (id) VALUES (12)")
		mustExec(t, db, "ROLLBACK")
		if diff := cmp.Diff([]int64{5, 6, 10, 12}, userIDs(t, db)); diff != "" {
			t.Errorf("users after BEGIN on the pool (-want +got):\n%s", diff)
		}
	})
}

func TestSequenceIDsAreNotReusedAfterARollback(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		// The first reservation of a block commits on its own, outside
		// any transaction.
		res, err := db.Exec("INSERT INTO users (name) VALUES ('first')")
		if err != nil {
			t.Fatal(err)
		}
		first, _ := res.LastInsertId()
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		res, err = tx.Exec("INSERT INTO users (name) VALUES ('rolled back'), ('rolled back')")
		if err != nil {
			t.Fatal(err)
		}
		inTx, _ := res.LastInsertId()
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		res, err = db.Exec("INSERT INTO users (name) VALUES ('after')")
		if err != nil {
			t.Fatal(err)
		}
		after, _ := res.LastInsertId()
		if !(first < inTx && inTx+1 < after) {
			t.Errorf("ids: %d, then %d in the rolled-back transaction, then %d; want them increasing, never reused", first, inTx, after)
		}
		if diff := cmp.Diff([]int64{first, after}, userIDs(t, db)); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
	})
}

func TestSQLiteDeadlockBetweenShardsFailsOneTransactionAtOnce(t *testing.T) {
	env := newAppEnv(t, engine{name: "sqlite", url: sqliteURL})
	db, _ := env.open(t, "")
	ids := idsByShard(t, db, 2)
	shards := env.shards("app")
	a, b := ids[shards[0]], ids[shards[1]]
	t1, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	t2, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, t1, "INSERT INTO users (id, name) VALUES (?, 't1')", a[0])
	mustExec(t, t2, "INSERT INTO users (id, name) VALUES (?, 't2')", b[0])
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, step := range []struct {
		tx *sql.Tx
		id int64
	}{{t1, b[1]}, {t2, a[1]}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = step.tx.Exec("INSERT INTO users (id, name) VALUES (?, 'second')", step.id)
			if errs[i] != nil {
				step.tx.Rollback()
			}
		}()
	}
	wg.Wait()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the deadlock took %v to resolve; the detector should not wait for busy_timeout", d)
	}
	var deadlocked, survivor = -1, -1
	for i, err := range errs {
		switch {
		case errors.Is(err, vitessdo.ErrDeadlock):
			deadlocked = i
		case err == nil:
			survivor = i
		default:
			t.Errorf("transaction %d: %v", i+1, err)
		}
	}
	if deadlocked < 0 || survivor < 0 {
		t.Fatalf("errors %v: want one transaction failing with ErrDeadlock and the other going on", errs)
	}
	if err := []*sql.Tx{t1, t2}[survivor].Commit(); err != nil {
		t.Fatal(err)
	}
	want := zeroCounts(env)
	want[shards[0]], want[shards[1]] = 1, 1
	if diff := cmp.Diff(want, count(t, db, "app", "users")); diff != "" {
		t.Errorf("rows per shard: the survivor's two rows only (-want +got):\n%s", diff)
	}
}

// TestSequenceReservationBesideAWriteToItsShard reserves ids in a
// transaction that already writes the sequence's shard. On SQLite the
// transaction holds that file's one write lock, so the reservation runs
// in the transaction: it succeeds at once, commits with it, and a
// rollback leaves no row behind and no id handed out twice.
func TestSequenceReservationBesideAWriteToItsShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		var ids []int64
		for i, commit := range []bool{true, false, true} {
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, tx, "INSERT INTO settings (name, value) VALUES (?, 'b')", fmt.Sprint("k", i))
			// More ids than the sequence's cache of 10: a reservation is
			// due whatever the block in memory holds.
			res, err := tx.Exec("INSERT INTO users (name) VALUES ('a'), ('b'), ('c'), ('d'), ('e'), ('f'), ('g'), ('h'), ('i'), ('j'), ('k')")
			if err != nil {
				t.Fatalf("sequence reservation on a shard the transaction writes: %v", err)
			}
			first, _ := res.LastInsertId()
			if commit {
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				for id := first; id < first+11; id++ {
					ids = append(ids, id)
				}
			} else if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(ids, userIDs(t, db)); diff != "" {
			t.Errorf("users: the committed transactions' rows, each id once (-want +got):\n%s", diff)
		}
		var settings int
		if err := db.QueryRow("SELECT COUNT(*) FROM settings").Scan(&settings); err != nil || settings != 2 {
			t.Errorf("settings: %d rows, %v; want the 2 committed", settings, err)
		}
	})
}

func TestContextCancelRollsBackEveryShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		ids := idsByShard(t, db, 1)
		ctx, cancel := context.WithCancel(context.Background())
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, list := range ids {
			mustExec(t, tx, "INSERT INTO users (id) VALUES (?)", list[0])
		}
		cancel()
		if err := tx.Commit(); err == nil {
			t.Fatal("Commit after the transaction's context ended succeeded")
		}
		if diff := cmp.Diff(zeroCounts(env), count(t, db, "app", "users")); diff != "" {
			t.Errorf("rows per shard (-want +got):\n%s", diff)
		}
		mustExec(t, db, "INSERT INTO users (id) VALUES (1)")
		if n := db.Stats().InUse; n != 0 {
			t.Errorf("%d connections in use", n)
		}
	})
}

func TestStatementTimeoutInATransactionRollsBackEveryShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		ids := idsByShard(t, db, 2)
		shards := env.shards("app")
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range shards[:3] {
			mustExec(t, tx, "INSERT INTO users (id) VALUES (?)", ids[s][0])
		}
		// The next statement on the third shard hangs until its context ends.
		env.faults.add(&faultRule{shard: shards[2], op: "exec", sql: "INSERT", hold: make(chan struct{})})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err = tx.ExecContext(ctx, "INSERT INTO users (id) VALUES (?)", ids[shards[2]][1])
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "rolled back on every shard") {
			t.Errorf("timed-out statement: %v, want the deadline and the rollback", err)
		}
		env.faults.reset()
		_, err = tx.Exec("INSERT INTO users (id) VALUES (?)", ids[shards[3]][0])
		var te *vitessdo.TransactionError
		if !errors.As(err, &te) {
			t.Errorf("statement after the rollback: %v, want the TransactionError", err)
		}
		if err := tx.Commit(); err == nil {
			t.Errorf("Commit after the rollback succeeded")
		}
		if diff := cmp.Diff(zeroCounts(env), count(t, db, "app", "users")); diff != "" {
			t.Errorf("rows per shard (-want +got):\n%s", diff)
		}
		// The connection is usable again.
		mustExec(t, db, "INSERT INTO users (id) VALUES (?)", ids[shards[0]][0])
		if n := db.Stats().InUse; n != 0 {
			t.Errorf("%d connections in use", n)
		}
	})
}

func TestBadConnFromAShardIsNotRetriedByDatabaseSQL(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		db, _ := env.open(t, "")
		mustExec(t, db, "INSERT INTO users (id, score) VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0)")
		shards := env.shards("app")
		env.faults.watchFor("UPDATE")
		env.faults.add(&faultRule{shard: shards[2], op: "exec", sql: "UPDATE", err: driver.ErrBadConn})
		_, err := db.Exec("UPDATE users SET score = score + 1")
		if err == nil || errors.Is(err, driver.ErrBadConn) {
			t.Fatalf("scatter update with a broken shard: %v, want an error that database/sql does not retry", err)
		}
		if n := env.faults.count(shards[0] + " exec UPDATE"); n != 1 {
			t.Errorf("shard %s ran the UPDATE %d times, want once", shards[0], n)
		}
		env.faults.reset()
		var sum int64
		if err := db.QueryRow("SELECT SUM(score) FROM users").Scan(&sum); err != nil || sum != 0 {
			t.Errorf("SUM(score) = %d, %v; want 0: the implicit transaction rolled back every shard", sum, err)
		}
	})
}
