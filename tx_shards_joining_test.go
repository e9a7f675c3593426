package vitessdo_test

import (
	"database/sql"
	"testing"
)

// TestTransactionOnOneShardThenMoreCommitsOrRollsBackEvery checks a
// transaction whose first statement touches one shard (whose part the
// transaction keeps in itself) and whose later statements bring in the
// others, one shard and then a multi-row INSERT over every shard: COMMIT
// writes all of it, ROLLBACK none of it, and a failing multi-row INSERT in
// the middle writes no row while the transaction goes on, as on one
// database.
func TestTransactionOnOneShardThenMoreCommitsOrRollsBackEvery(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, hotVSchema)
		p.exec(t, "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v INT)")
		p.exec(t, "INSERT INTO t (id, v) VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8)")
		// run runs the statements in one transaction on db, then commits
		// or rolls back; a statement listed in fails must fail.
		run := func(t *testing.T, db *sql.DB, side string, commit bool, fails map[int]bool, stmts []string) {
			t.Helper()
			tx, err := db.Begin()
			if err != nil {
				t.Fatalf("%s: begin: %v", side, err)
			}
			for i, q := range stmts {
				_, err := tx.Exec(q)
				if fails[i] != (err != nil) {
					t.Fatalf("%s: %s: error %v, want failure %v", side, q, err, fails[i])
				}
			}
			if commit {
				err = tx.Commit()
			} else {
				err = tx.Rollback()
			}
			if err != nil {
				t.Fatalf("%s: end (commit %v): %v", side, commit, err)
			}
		}
		for _, tc := range []struct {
			name   string
			commit bool
			fails  map[int]bool
			stmts  []string
		}{
			{"commit", true, nil, []string{
				"UPDATE t SET v = 10 WHERE id = 1",
				"UPDATE t SET v = 20 WHERE id = 2",
				"INSERT INTO t (id, v) VALUES (11, 1), (12, 2), (13, 3), (14, 4), (15, 5), (16, 6)",
			}},
			{"rollback", false, nil, []string{
				"UPDATE t SET v = 100 WHERE id = 3",
				"DELETE FROM t WHERE id = 4",
				"INSERT INTO t (id, v) VALUES (21, 1), (22, 2), (23, 3), (24, 4), (25, 5), (26, 6)",
			}},
			{"a failing multi-row insert between", true, map[int]bool{1: true}, []string{
				"UPDATE t SET v = 30 WHERE id = 5",
				"INSERT INTO t (id, v) VALUES (31, 1), (32, 2), (33, 3), (34, 4), (35, 5), (6, 6)",
				"INSERT INTO t (id, v) VALUES (41, 1), (42, 2), (43, 3), (44, 4), (45, 5), (46, 6)",
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.fails != nil && e.name == "postgres" {
					// One PostgreSQL database aborts the transaction at the
					// failed statement: there is nothing to compare with.
					t.Skip("PostgreSQL aborts a transaction at a failed statement")
				}
				run(t, p.sharded, "sharded", tc.commit, tc.fails, tc.stmts)
				run(t, p.oracle, "oracle", tc.commit, tc.fails, tc.stmts)
				p.compareRows(t, "SELECT id, v FROM t")
			})
		}
	})
}

// TestMultiRowInsertOfARowWithoutKeyspaceIDWritesNothing checks a
// multi-row INSERT with a row whose hash vindex value has no keyspace id
// (NULL): it fails naming the vindex, and no row of it is written.
func TestMultiRowInsertOfARowWithoutKeyspaceIDWritesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, hotVSchema)
		p.exec(t, "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v INT)")
		if _, err := p.sharded.Exec("INSERT INTO t (id, v) VALUES (1, 1), (2, 2), (?, 3), (4, 4)", nil); err == nil {
			t.Fatal("INSERT of a NULL primary vindex value: no error")
		}
		p.compareRows(t, "SELECT id, v FROM t")
	})
}
