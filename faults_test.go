package vitessdo_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

// writeOnEveryShard begins a transaction and inserts one user on each
// shard of app, joining them in shard order, which is the commit order.
func writeOnEveryShard(t *testing.T, env *txEnv, db *sql.DB) *sql.Tx {
	t.Helper()
	ids := idsByShard(t, db, 1)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	for _, s := range env.shards("app") {
		mustExec(t, tx, "INSERT INTO users (id) VALUES (?)", ids[s][0])
	}
	return tx
}

func allCounts(env *txEnv, n int64) map[string]int64 {
	out := map[string]int64{}
	for _, s := range env.shards("app") {
		out[s] = n
	}
	return out
}

func TestMultiCommitFailureListsExactlyWhichShardsCommitted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		shards := env.shards("app")
		tests := []struct {
			name string
			rule faultRule
			// committed is how many shards, in commit order, committed.
			committed int
			unknown   bool
		}{
			{name: "third shard fails", rule: faultRule{shard: shards[2], op: "commit"}, committed: 2},
			{name: "last shard fails", rule: faultRule{shard: shards[3], op: "commit"}, committed: 3},
			{name: "connection lost after the third shard committed", rule: faultRule{shard: shards[2], op: "commit", err: driver.ErrBadConn, after: true}, committed: 3, unknown: true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				db, _ := env.open(t, vitessdo.TxMulti)
				mustExec(t, db, "DELETE FROM users")
				tx := writeOnEveryShard(t, env, db)
				rule := tt.rule
				env.faults.add(&rule)
				defer env.faults.reset()
				err := tx.Commit()
				var ce *vitessdo.CommitError
				if !errors.As(err, &ce) {
					t.Fatalf("Commit: %v, want a CommitError", err)
				}
				failed := tt.rule.shard
				want := &vitessdo.CommitError{Committed: shards[:2], Failed: failed, Unknown: tt.unknown, RolledBack: shards[3:]}
				if tt.rule.shard == shards[3] {
					want.Committed, want.RolledBack = shards[:3], nil
				}
				if diff := cmp.Diff(want, ce, cmpIgnoreErr); diff != "" {
					t.Errorf("CommitError (-want +got):\n%s", diff)
				}
				if !strings.Contains(err.Error(), failed) {
					t.Errorf("error %q does not name the failed shard", err)
				}
				env.faults.reset()
				wantRows := zeroCounts(env)
				for _, s := range shards[:tt.committed] {
					wantRows[s] = 1
				}
				if diff := cmp.Diff(wantRows, count(t, db, "app", "users")); diff != "" {
					t.Errorf("rows per shard (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("first shard fails", func(t *testing.T) {
			db, _ := env.open(t, vitessdo.TxMulti)
			mustExec(t, db, "DELETE FROM users")
			tx := writeOnEveryShard(t, env, db)
			env.faults.add(&faultRule{shard: shards[0], op: "commit"})
			defer env.faults.reset()
			err := tx.Commit()
			var se *vitessdo.ShardError
			if !errors.As(err, &se) || se.Shard != "-40" || !strings.Contains(err.Error(), "no shard committed") {
				t.Fatalf("Commit: %v, want a ShardError for app/-40 saying no shard committed", err)
			}
			env.faults.reset()
			if diff := cmp.Diff(zeroCounts(env), count(t, db, "app", "users")); diff != "" {
				t.Errorf("rows per shard (-want +got):\n%s", diff)
			}
		})
	})
}

var cmpIgnoreErr = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Err" }, cmp.Ignore())

func TestMultiCommitAfterAFailedPostgreSQLStatementRollsBackEverywhere(t *testing.T) {
	if os.Getenv(postgresEnv) == "" {
		t.Skipf("needs PostgreSQL: set %s", postgresEnv)
	}
	env := newAppEnv(t, engine{name: "postgres", url: postgresURL})
	db, _ := env.open(t, vitessdo.TxMulti)
	ids := idsByShard(t, db, 3)
	shards := env.shards("app")
	last := ids[shards[3]]
	mustExec(t, db, "INSERT INTO users (id) VALUES (?)", last[0])
	tests := []struct {
		name string
		fail func(tx *sql.Tx) error
		// savepoint: the failed statement ran under a savepoint, rolled
		// back to: the transaction commits.
		savepoint bool
	}{
		{name: "duplicate key", fail: func(tx *sql.Tx) error {
			_, err := tx.Exec("INSERT INTO users (id) VALUES (?)", last[0])
			return err
		}},
		{name: "duplicate key under a savepoint", savepoint: true, fail: func(tx *sql.Tx) error {
			_, err := tx.Exec("INSERT INTO users (id) VALUES (?)", last[0])
			return err
		}},
		{name: "error on the second row of a read", fail: func(tx *sql.Tx) error {
			// The statement starts well; the shard's transaction fails
			// while its rows are read.
			if _, err := tx.Exec("INSERT INTO users (id) VALUES (?)", last[1]); err != nil {
				return nil
			}
			// last[0] * factor fits in a bigint, last[1] * factor does not.
			factor := int64(math.MaxInt64) / last[0]
			rows, err := tx.Query("SELECT id * ? FROM users WHERE id IN (?, ?)", factor, last[0], last[1])
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}},
	}
	want := map[string]int64{shards[0]: 0, shards[1]: 0, shards[2]: 0, shards[3]: 1}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			mustExec(t, tx, "INSERT INTO users (id) VALUES (?)", ids[shards[0]][0])
			if tt.savepoint {
				mustExec(t, tx, "SAVEPOINT before_failure")
			}
			if err := tt.fail(tx); err == nil {
				t.Fatal("the failing statement succeeded")
			}
			if tt.savepoint {
				mustExec(t, tx, "ROLLBACK TO SAVEPOINT before_failure")
				if err := tx.Commit(); err != nil {
					t.Fatalf("commit after rolling back to a savepoint: %v", err)
				}
				want[shards[0]] = 1
				mustExec(t, db, "DELETE FROM users WHERE id = ?", ids[shards[0]][0])
				return
			}
			if err := tx.Commit(); err == nil || !strings.Contains(err.Error(), "every shard was rolled back") {
				t.Errorf("commit after a failed statement: %v, want a refusal that rolled back every shard", err)
			}
			if diff := cmp.Diff(map[string]int64{shards[0]: 0, shards[1]: 0, shards[2]: 0, shards[3]: 1}, count(t, db, "app", "users")); diff != "" {
				t.Errorf("rows per shard (-want +got):\n%s", diff)
			}
		})
	}
}

// postgresEnv skips a two-phase-commit test without PostgreSQL.
func newTwoPCEnv(t *testing.T) *txEnv {
	t.Helper()
	if os.Getenv(postgresEnv) == "" {
		t.Skipf("two-phase commit needs PostgreSQL: set %s", postgresEnv)
	}
	return newAppEnv(t, engine{name: "postgres", url: postgresURL})
}

func recoverNow(t *testing.T, c *vitessdo.Connector) vitessdo.TwoPCRecovery {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rec, err := c.RecoverTwoPC(ctx)
	if err != nil {
		t.Fatalf("RecoverTwoPC: %v", err)
	}
	return rec
}

func logRows(t *testing.T, env *txEnv) int {
	t.Helper()
	db, err := sql.Open("pgx", env.urls["app/-40"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM vitessdo_twopc").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTwoPCFailureBeforeTheDecisionRollsBackEveryShard(t *testing.T) {
	env := newTwoPCEnv(t)
	shards := env.shards("app")
	tests := []struct {
		name string
		rule faultRule
		// hidePgx: the failed statement is found by checking
		// pg_prepared_xacts after PREPARE, not by the transaction status
		// before it.
		hidePgx bool
	}{
		{name: "prepare fails on one shard", rule: faultRule{shard: shards[2], op: "exec", sql: "PREPARE TRANSACTION"}},
		{name: "recording the decision fails", rule: faultRule{op: "exec", sql: "UPDATE vitessdo_twopc SET state = 'commit'"}},
		{name: "a statement failed earlier"},
		{name: "a statement failed earlier, seen after PREPARE", hidePgx: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.faults.mu.Lock()
			env.faults.hidePgx = tt.hidePgx
			env.faults.mu.Unlock()
			defer func() {
				env.faults.mu.Lock()
				env.faults.hidePgx = false
				env.faults.mu.Unlock()
			}()
			db, _ := env.open(t, vitessdo.TxTwoPC)
			mustExec(t, db, "DELETE FROM users")
			tx := writeOnEveryShard(t, env, db)
			if tt.rule.op != "" {
				rule := tt.rule
				env.faults.add(&rule)
				defer env.faults.reset()
			} else {
				// The second row of a read fails, after the statement
				// started: PostgreSQL has aborted that shard's transaction
				// unseen by the statement's start, PREPARE TRANSACTION
				// rolls it back without an error, and the check in
				// pg_prepared_xacts catches it.
				second := idsByShard(t, db, 2)[shardOf(t, db, 1)][1]
				mustExec(t, tx, "INSERT INTO users (id) VALUES (?)", second)
				rows, err := tx.Query("SELECT id * 9223372036854775807 FROM users WHERE id IN (1, ?)", second)
				if err == nil {
					for rows.Next() {
					}
					err = rows.Err()
					rows.Close()
				}
				if err == nil {
					t.Fatal("bigint overflow succeeded")
				}
			}
			err := tx.Commit()
			var pe *vitessdo.TwoPCError
			var se *vitessdo.ShardError
			switch {
			case tt.rule.op == "" && !tt.hidePgx:
				if !errors.As(err, &se) || !strings.Contains(err.Error(), "commit refused") {
					t.Fatalf("Commit: %v, want a refusal before preparing", err)
				}
			case !errors.As(err, &pe) || pe.Decision != vitessdo.TwoPCRolledBack || len(pe.Pending) != 0:
				t.Fatalf("Commit: %v, want a TwoPCError, rolled back with nothing pending", err)
			}
			env.faults.reset()
			if diff := cmp.Diff(zeroCounts(env), count(t, db, "app", "users")); diff != "" {
				t.Errorf("rows per shard (-want +got):\n%s", diff)
			}
			if left := env.prepared(t); len(left) != 0 {
				t.Errorf("prepared transactions left: %v", left)
			}
			if n := logRows(t, env); n != 0 {
				t.Errorf("%d rows left in the decision log", n)
			}
		})
	}
}

func TestTwoPCCommitPreparedFailureIsFinishedByRecovery(t *testing.T) {
	env := newTwoPCEnv(t)
	shards := env.shards("app")
	db, c := env.open(t, vitessdo.TxTwoPC)
	tx := writeOnEveryShard(t, env, db)
	env.faults.add(&faultRule{shard: shards[1], op: "exec", sql: "COMMIT PREPARED"})
	err := tx.Commit()
	var pe *vitessdo.TwoPCError
	if !errors.As(err, &pe) || pe.Decision != vitessdo.TwoPCCommitted {
		t.Fatalf("Commit: %v, want a TwoPCError with the commit decided", err)
	}
	if diff := cmp.Diff([]string{shards[1]}, pe.Pending); diff != "" {
		t.Errorf("Pending (-want +got):\n%s", diff)
	}
	want := allCounts(env, 1)
	want[shards[1]] = 0
	if diff := cmp.Diff(want, count(t, db, "app", "users")); diff != "" {
		t.Errorf("rows per shard before recovery (-want +got):\n%s", diff)
	}
	env.faults.reset()
	recoverNow(t, c)
	if diff := cmp.Diff(allCounts(env, 1), count(t, db, "app", "users")); diff != "" {
		t.Errorf("rows per shard after recovery (-want +got):\n%s", diff)
	}
	if left := env.prepared(t); len(left) != 0 {
		t.Errorf("prepared transactions left: %v", left)
	}
	if n := logRows(t, env); n != 0 {
		t.Errorf("%d rows left in the decision log", n)
	}
}

// TestTwoPCCrashIsResolvedByTheNextConnector stops the "process" (every
// backend operation fails from then on, new connections too) at points
// of the commit, abandons its connector, and opens another on the same
// shards, whose recovery must leave every shard committed or every shard
// rolled back, as the decision log says.
func TestTwoPCCrashIsResolvedByTheNextConnector(t *testing.T) {
	env := newTwoPCEnv(t)
	shards := env.shards("app")
	tests := []struct {
		name      string
		rule      faultRule
		committed bool
	}{
		{"while one shard prepares", faultRule{shard: shards[2], op: "exec", sql: "PREPARE TRANSACTION", crash: true}, false},
		{"after every shard prepared", faultRule{op: "exec", sql: "UPDATE vitessdo_twopc SET state = 'commit'", crash: true}, false},
		{"as the decision is recorded", faultRule{op: "exec", sql: "UPDATE vitessdo_twopc SET state = 'commit'", crash: true, after: true}, true},
		{"after the first commit prepared", faultRule{op: "exec", sql: "COMMIT PREPARED", crash: true, after: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, _ := env.open(t, vitessdo.TxMulti)
			mustExec(t, clean, "DELETE FROM users")
			clean.Close()

			db, _ := env.open(t, vitessdo.TxTwoPC)
			tx := writeOnEveryShard(t, env, db)
			rule := tt.rule
			env.faults.add(&rule)
			err := tx.Commit()
			var pe *vitessdo.TwoPCError
			if !errors.As(err, &pe) {
				t.Fatalf("Commit: %v, want a TwoPCError", err)
			}
			t.Logf("at the crash: %v", err)
			db.Close() // the process is gone: its advisory lock goes with it
			env.faults.reset()

			next, c := env.open(t, vitessdo.TxTwoPC)
			rec := recoverNow(t, c)
			t.Logf("recovery: %+v", rec)
			want := zeroCounts(env)
			if tt.committed {
				want = allCounts(env, 1)
			}
			if diff := cmp.Diff(want, count(t, next, "app", "users")); diff != "" {
				t.Errorf("rows per shard after recovery (-want +got):\n%s", diff)
			}
			if left := env.prepared(t); len(left) != 0 {
				t.Errorf("prepared transactions left: %v", left)
			}
			if n := logRows(t, env); n != 0 {
				t.Errorf("%d rows left in the decision log", n)
			}
		})
	}
}

// commitHeldAt commits, under two-phase commit, a transaction that
// wrote on every shard, holding it at the first shard statement that
// contains sql; release lets it go on and returns Commit's error.
func commitHeldAt(t *testing.T, env *txEnv, sql string) (release func() error) {
	t.Helper()
	db, _ := env.open(t, vitessdo.TxTwoPC)
	tx := writeOnEveryShard(t, env, db)
	hold := make(chan struct{})
	rule := &faultRule{op: "exec", sql: sql, hold: hold}
	env.faults.add(rule)
	done := make(chan error, 1)
	go func() { done <- tx.Commit() }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		env.faults.mu.Lock()
		hits := rule.hits
		env.faults.mu.Unlock()
		if hits > 0 {
			break
		}
		if time.Now().After(deadline) {
			close(hold)
			t.Fatalf("the commit never reached %s", sql)
		}
	}
	return func() error {
		close(hold)
		return <-done
	}
}

func TestTwoPCRecoveryLeavesALiveConnectorsTransactionAlone(t *testing.T) {
	env := newTwoPCEnv(t)
	release := commitHeldAt(t, env, "UPDATE vitessdo_twopc SET state = 'commit'")
	// Another connector, as another process would, finds the prepared
	// transactions of a live connector and leaves them.
	other, c := env.open(t, vitessdo.TxTwoPC)
	rec := recoverNow(t, c)
	if len(rec.Waiting) != 1 || len(rec.RolledBack) != 0 || len(rec.Committed) != 0 {
		t.Errorf("recovery beside a live commit: %+v, want one transaction waiting and nothing resolved", rec)
	}
	if err := release(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	env.faults.reset()
	if diff := cmp.Diff(allCounts(env, 1), count(t, other, "app", "users")); diff != "" {
		t.Errorf("rows per shard (-want +got):\n%s", diff)
	}
}

// TestTwoPCRecoveryLeavesALiveConnectorsDecidedCommitAlone holds a
// commit after its decision is recorded, before any shard commits, and
// runs another connector's recovery there: the transaction is decided
// but its connector is alive and finishing it, so recovery must not
// commit its prepared transactions concurrently with it (PostgreSQL
// answers one of the two "prepared transaction is busy").
func TestTwoPCRecoveryLeavesALiveConnectorsDecidedCommitAlone(t *testing.T) {
	env := newTwoPCEnv(t)
	release := commitHeldAt(t, env, "COMMIT PREPARED")
	other, c := env.open(t, vitessdo.TxTwoPC)
	rec := recoverNow(t, c)
	if len(rec.RolledBack) != 0 || len(rec.Committed) != 0 {
		t.Errorf("recovery beside a live commit: %+v, want nothing resolved", rec)
	}
	if left := env.prepared(t); len(left) != len(env.shards("app")) {
		t.Errorf("prepared transactions while the commit is held: %v, want one per shard", left)
	}
	if err := release(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	env.faults.reset()
	if diff := cmp.Diff(allCounts(env, 1), count(t, other, "app", "users")); diff != "" {
		t.Errorf("rows per shard (-want +got):\n%s", diff)
	}
	if left := env.prepared(t); len(left) != 0 {
		t.Errorf("prepared transactions left: %v", left)
	}
}

func TestLookupRowsCommitAndRollBackWithTheOwnerUnderTwoPC(t *testing.T) {
	if os.Getenv(postgresEnv) == "" {
		t.Skipf("two-phase commit needs PostgreSQL: set %s", postgresEnv)
	}
	env := newTxEnv(t, engine{name: "postgres", url: postgresURL}, lookupVSchema)
	db, _ := env.open(t, vitessdo.TxTwoPC)
	for _, ddl := range lookupDDL {
		mustExec(t, db, ddl)
	}
	for _, commit := range []bool{false, true} {
		prepares := len(env.gids())
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 6; i++ {
			mustExec(t, tx, "INSERT INTO users (id, email, name) VALUES (?, ?, ?)", i, "u"+itoa(i)+"@x.org", "n"+itoa(i%2))
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
		var users, emails, names int
		db.QueryRow("SELECT COUNT(*) FROM users").Scan(&users)
		db.QueryRow("SELECT COUNT(*) FROM user_email_idx").Scan(&emails)
		db.QueryRow("SELECT COUNT(*) FROM user_name_idx").Scan(&names)
		want := 0
		if commit {
			want = 6
		}
		if users != want || emails != want || names != want {
			t.Errorf("commit=%v: %d users, %d email lookup rows, %d name lookup rows; want %d of each", commit, users, emails, names, want)
		}
		if commit {
			var id int64
			if err := db.QueryRow("SELECT id FROM users WHERE email = 'u5@x.org'").Scan(&id); err != nil || id != 5 {
				t.Errorf("user by email: %d, %v", id, err)
			}
			// The consistent lookup's pre transactions are participants
			// beside the owner's.
			if n := len(env.gids()) - prepares; n < 3 {
				t.Errorf("%d parts prepared, want the owner's shards and the lookup's pre transactions", n)
			}
		}
	}
}

func TestTwoPCLeftoversAreFinishedInTheBackground(t *testing.T) {
	env := newTwoPCEnv(t)
	shards := env.shards("app")
	db, _ := env.open(t, vitessdo.TxTwoPC)
	tx := writeOnEveryShard(t, env, db)
	// The shard's COMMIT PREPARED fails once; the resolver's retry works.
	env.faults.add(&faultRule{shard: shards[3], op: "exec", sql: "COMMIT PREPARED", times: 1})
	var pe *vitessdo.TwoPCError
	if err := tx.Commit(); !errors.As(err, &pe) || pe.Decision != vitessdo.TwoPCCommitted {
		t.Fatalf("Commit: %v, want a TwoPCError with the commit decided", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := count(t, db, "app", "users")
		if cmp.Equal(allCounts(env, 1), got) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rows per shard %v: the background recovery did not commit the last shard", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if left := env.prepared(t); len(left) != 0 {
		t.Errorf("prepared transactions left: %v", left)
	}
}

func TestImplicitTransactionsOfMultiShardWritesFollowTheMode(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		shards := env.shards("app")
		for _, mode := range commitModes(e) {
			t.Run(mode, func(t *testing.T) {
				db, _ := env.open(t, mode)
				mustExec(t, db, "DELETE FROM users")
				mustExec(t, db, "INSERT INTO users (id, score) VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0)")
				prepares := len(env.gids())
				mustExec(t, db, "UPDATE users SET score = 1")
				if n := len(env.gids()) - prepares; mode == vitessdo.TxTwoPC && n != 4 || mode != vitessdo.TxTwoPC && n != 0 {
					t.Errorf("a scatter update in %s prepared %d transactions", mode, n)
				}
				// A commit that fails on one shard.
				env.faults.add(&faultRule{shard: shards[2], op: "commit"})
				env.faults.add(&faultRule{shard: shards[2], op: "exec", sql: "PREPARE TRANSACTION"})
				_, err := db.Exec("UPDATE users SET score = 2")
				env.faults.reset()
				var sum int64
				if err := db.QueryRow("SELECT SUM(score) FROM users").Scan(&sum); err != nil {
					t.Fatal(err)
				}
				var ce *vitessdo.CommitError
				var pe *vitessdo.TwoPCError
				switch mode {
				case vitessdo.TxMulti:
					// Shards commit in key-range order: two did before
					// the third failed.
					if !errors.As(err, &ce) || len(ce.Committed) != 2 || ce.Failed != shards[2] {
						t.Errorf("scatter update with a failing commit: %v, want a CommitError after two shards", err)
					}
					if sum == 8 || sum == 16 {
						t.Errorf("SUM(score) = %d, want the partial commit the error reports", sum)
					}
				case vitessdo.TxTwoPC:
					if !errors.As(err, &pe) || pe.Decision != vitessdo.TwoPCRolledBack {
						t.Errorf("scatter update with a failing prepare: %v, want a TwoPCError, rolled back", err)
					}
					if sum != 8 {
						t.Errorf("SUM(score) = %d, want 8: nothing committed", sum)
					}
				}
			})
		}
	})
}
