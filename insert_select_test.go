package vitessdo_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/merge"
)

// insertSelectVSchema has two sharded tables with different primary
// vindexes (src_a by hash of id, dst_b by xxhash of k with ids from a
// sequence), a reference table, and unsharded tables in another keyspace.
const insertSelectVSchema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {
        "b_seq": {"type": "sequence"},
        "email_idx": {},
        "plain": {},
        "totals": {}
      }
    },
    "app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {
        "hash": {"type": "hash"},
        "xxhash": {"type": "xxhash"},
        "email": {"type": "consistent_lookup_unique", "params": {"table": "main.email_idx", "from": "email", "to": "keyspace_id"}, "owner": "people"}
      },
      "tables": {
        "src_a": {"column_vindexes": [{"column": "id", "name": "hash"}], "columns": [{"name": "id"}, {"name": "k"}, {"name": "v"}]},
        "dst_b": {"column_vindexes": [{"column": "k", "name": "xxhash"}], "auto_increment": {"column": "id", "sequence": "main.b_seq"}},
        "people": {"column_vindexes": [{"column": "id", "name": "hash"}, {"column": "email", "name": "email"}], "auto_increment": {"column": "id", "sequence": "main.b_seq"}},
        "ref": {"type": "reference", "columns": [{"name": "id"}, {"name": "v"}]}
      }
    }
  }
}`

var insertSelectShards = []string{"-40", "40-80", "80-c0", "c0-"}

// newInsertSelectPair creates the tables on both databases and loads
// src_a and main.plain.
func newInsertSelectPair(t *testing.T, e engine) *pair {
	t.Helper()
	p := newPair(t, e, insertSelectVSchema)
	for _, q := range []string{
		"CREATE TABLE main.b_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
		"INSERT INTO main.b_seq (id, next_id, cache) VALUES (0, 1, 10)",
		"CREATE TABLE main.plain (k BIGINT NOT NULL PRIMARY KEY, v VARCHAR(16))",
		"CREATE TABLE main.totals (k BIGINT NOT NULL PRIMARY KEY, n BIGINT, total BIGINT)",
		"CREATE TABLE app.src_a (id BIGINT NOT NULL PRIMARY KEY, k BIGINT, v VARCHAR(16))",
		"CREATE TABLE app.dst_b (id BIGINT NOT NULL PRIMARY KEY, k BIGINT, v VARCHAR(16))",
		"CREATE TABLE app.ref (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(16))",
		"CREATE TABLE main.email_idx (email VARCHAR(64) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
		"CREATE TABLE app.people (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(64), k BIGINT)",
	} {
		p.exec(t, q)
	}
	for i := 1; i <= 40; i++ {
		p.exec(t, "INSERT INTO app.src_a (id, k, v) VALUES (?, ?, ?)", i, i%7, fmt.Sprintf("a%d", i))
		p.exec(t, "INSERT INTO main.plain (k, v) VALUES (?, ?)", 100+i, fmt.Sprintf("p%d", i))
	}
	return p
}

// execBoth runs a statement on both databases and requires the same
// RowsAffected and, with ids (a target whose ids come from a sequence),
// the same LastInsertId.
func (p *pair) execBoth(t *testing.T, ids bool, query string, args ...any) {
	t.Helper()
	got, err := p.sharded.Exec(query, args...)
	if err != nil {
		t.Fatalf("sharded: %s: %v", query, err)
	}
	want, err := p.oracle.Exec(query, args...)
	if err != nil {
		t.Fatalf("oracle: %s: %v", query, err)
	}
	gn, _ := got.RowsAffected()
	wn, _ := want.RowsAffected()
	if gn != wn {
		t.Errorf("%s: RowsAffected %d, one database %d", query, gn, wn)
	}
	if !ids {
		return
	}
	gid, gerr := got.LastInsertId()
	wid, werr := want.LastInsertId()
	if (gerr == nil) != (werr == nil) || gid != wid {
		t.Errorf("%s: LastInsertId %d (%v), one database %d (%v)", query, gid, gerr, wid, werr)
	}
}

// requireOnVindexShards checks every row of a sharded table sits on the
// shard its primary vindex column routes it to.
func requireOnVindexShards(t *testing.T, db *sql.DB, table, col string) {
	t.Helper()
	for _, sh := range insertSelectShards {
		for _, r := range onShard(t, db, "app", sh, "SELECT "+col+" FROM "+table) {
			got := explain(t, db, "SELECT * FROM app."+table+" WHERE "+col+" = ?", r[0])
			if want := []string{"app/" + sh}; !cmp.Equal(want, got) {
				t.Errorf("%s row with %s = %v is on app/%s, its vindex routes it to %v", table, col, r[0], sh, got)
			}
		}
	}
}

func TestInsertSelectMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		tests := []struct {
			name   string
			stmts  []string
			check  string
			vindex [2]string // table, column whose rows are checked for placement
		}{
			{
				name:   "sharded to sharded with another vindex",
				stmts:  []string{"INSERT INTO app.dst_b (id, k, v) SELECT id, k, v FROM app.src_a WHERE id <= 30"},
				check:  "SELECT id, k, v FROM app.dst_b",
				vindex: [2]string{"dst_b", "k"},
			},
			{
				name:   "unsharded to sharded with a sequence",
				stmts:  []string{"INSERT INTO app.dst_b (k, v) SELECT k, v FROM main.plain ORDER BY k"},
				check:  "SELECT id, k, v FROM app.dst_b",
				vindex: [2]string{"dst_b", "k"},
			},
			{
				name:   "sequence id left NULL by the SELECT",
				stmts:  []string{"INSERT INTO app.dst_b (id, k, v) SELECT NULL, id, v FROM app.src_a WHERE id = 3"},
				check:  "SELECT id, k, v FROM app.dst_b",
				vindex: [2]string{"dst_b", "k"},
			},
			{
				name:  "scatter aggregate into another keyspace",
				stmts: []string{"INSERT INTO main.totals (k, n, total) SELECT k, COUNT(*), SUM(id) FROM app.src_a GROUP BY k"},
				check: "SELECT k, n, total FROM main.totals",
			},
			{
				name:  "union into an unsharded table",
				stmts: []string{"INSERT INTO main.totals (k, n, total) SELECT id, k, 0 FROM app.src_a WHERE id < 5 UNION SELECT k, 1, 1 FROM main.plain WHERE k > 135"},
				check: "SELECT k, n, total FROM main.totals",
			},
			{
				name:   "the target read by its own SELECT",
				stmts:  []string{"INSERT INTO app.src_a (id, k, v) SELECT id + 1000, k, v FROM app.src_a"},
				check:  "SELECT id, k, v FROM app.src_a",
				vindex: [2]string{"src_a", "id"},
			},
			{
				name:   "without a column list",
				stmts:  []string{"INSERT INTO app.src_a SELECT k, 1, v FROM main.plain WHERE k < 110"},
				check:  "SELECT id, k, v FROM app.src_a",
				vindex: [2]string{"src_a", "id"},
			},
			{
				name:   "with arguments, upserting",
				stmts:  []string{"INSERT INTO app.dst_b (id, k, v) SELECT id, k, v FROM app.src_a WHERE id < 10", "INSERT INTO app.dst_b (id, k, v) SELECT id, k, ? FROM app.src_a WHERE id < ? ON DUPLICATE KEY UPDATE v = ?"},
				check:  "SELECT id, k, v FROM app.dst_b",
				vindex: [2]string{"dst_b", "k"},
			},
			{
				name:   "upserting a table without a sequence, rows split over shards",
				stmts:  []string{"INSERT INTO app.src_a (id, k, v) SELECT id, k, ? FROM app.src_a WHERE id < ? ON DUPLICATE KEY UPDATE v = ?"},
				check:  "SELECT id, k, v FROM app.src_a",
				vindex: [2]string{"src_a", "id"},
			},
			{
				name:   "INSERT IGNORE",
				stmts:  []string{"INSERT INTO app.dst_b (id, k, v) SELECT id, k, v FROM app.src_a WHERE id < 10", "INSERT IGNORE INTO app.dst_b (id, k, v) SELECT id, k, 'second' FROM app.src_a WHERE id < 20"},
				check:  "SELECT id, k, v FROM app.dst_b",
				vindex: [2]string{"dst_b", "k"},
			},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				p := newInsertSelectPair(t, e)
				for _, q := range tc.stmts {
					var args []any
					if strings.Count(q, "?") == 3 {
						args = []any{"new", 15, "dup"}
					}
					p.execBoth(t, strings.Contains(q, "dst_b"), q, args...)
				}
				p.compareRows(t, tc.check)
				if tc.vindex[0] != "" {
					requireOnVindexShards(t, p.sharded, tc.vindex[0], tc.vindex[1])
				}
			})
		}
	})
}

func TestInsertSelectIntoReferenceKeepsCopiesIdentical(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newInsertSelectPair(t, e)
		p.execBoth(t, false, "INSERT INTO app.ref SELECT id, v FROM app.src_a WHERE k = 3")
		want := p.compareOrdered(t, "SELECT id, v FROM app.ref ORDER BY id")
		if len(want.Rows) == 0 {
			t.Fatal("no rows copied")
		}
		for _, sh := range insertSelectShards {
			got := onShard(t, p.sharded, "app", sh, "SELECT id, v FROM ref ORDER BY id")
			if diff := cmp.Diff(want.Rows, got); diff != "" {
				t.Errorf("copy of ref on app/%s (-want +got):\n%s", sh, diff)
			}
		}
	})
}

// shardCounts returns a table's row count per shard.
func shardCounts(t *testing.T, db *sql.DB, table string) []any {
	t.Helper()
	var out []any
	for _, sh := range insertSelectShards {
		out = append(out, onShard(t, db, "app", sh, "SELECT COUNT(*) FROM "+table)[0][0])
	}
	return out
}

func TestInsertSelectFailureLeavesNothingWritten(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newInsertSelectPair(t, e)
		// id 17 exists on the shard of k = 17 % 7: one shard's INSERT
		// fails on its primary key, the others would succeed.
		p.exec(t, "INSERT INTO app.dst_b (id, k, v) VALUES (17, 3, 'taken')")
		before := shardCounts(t, p.sharded, "dst_b")
		_, err := p.sharded.Exec("INSERT INTO app.dst_b (id, k, v) SELECT id, k, v FROM app.src_a")
		if err == nil {
			t.Fatal("duplicate key: no error")
		}
		if diff := cmp.Diff(before, shardCounts(t, p.sharded, "dst_b")); diff != "" {
			t.Errorf("a failed INSERT … SELECT wrote rows (-before +after):\n%s", diff)
		}
		_, err = p.sharded.Exec("INSERT INTO app.ref (id, v) SELECT id, v FROM app.src_a UNION ALL SELECT 1, 'again'")
		if err == nil {
			t.Fatal("duplicate key in the rows of a reference table: no error")
		}
		if diff := cmp.Diff([]any{int64(0), int64(0), int64(0), int64(0)}, shardCounts(t, p.sharded, "ref")); diff != "" {
			t.Errorf("a failed INSERT … SELECT into a reference table wrote copies:\n%s", diff)
		}
	})
}

func TestInsertSelectInTransactionRollsBack(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newInsertSelectPair(t, e)
		tx, err := p.sharded.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO app.src_a (id, k, v) VALUES (500, 1, 'in tx')"); err != nil {
			t.Fatal(err)
		}
		res, err := tx.Exec("INSERT INTO app.dst_b (id, k, v) SELECT id, k, v FROM app.src_a WHERE id >= 30")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 12 {
			t.Errorf("RowsAffected %d, want 12 (the SELECT reads the transaction's own row)", n)
		}
		var n int
		if err := tx.QueryRow("SELECT COUNT(*) FROM app.dst_b").Scan(&n); err != nil || n != 12 {
			t.Errorf("inside the transaction: %d rows (%v), want 12", n, err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]any{int64(0), int64(0), int64(0), int64(0)}, shardCounts(t, p.sharded, "dst_b")); diff != "" {
			t.Errorf("rolled back INSERT … SELECT left rows:\n%s", diff)
		}
	})
}

func TestInsertSelectErrors(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newInsertSelectPair(t, e)
		tests := []struct{ sql, want string }{
			{"INSERT INTO app.dst_b (id, k, v) SELECT id, k FROM app.src_a", "app.dst_b"},
			{"INSERT INTO app.src_a SELECT id, k FROM app.src_a", "app.src_a"},
			{"REPLACE INTO app.dst_b (id, k, v) SELECT id, k, v FROM app.src_a", "unsupported"},
		}
		for _, tc := range tests {
			_, err := p.sharded.Exec(tc.sql)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %v, want one containing %q", tc.sql, err, tc.want)
			}
		}
	})
}

func TestInsertSelectCreatesOwnedLookupRows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newInsertSelectPair(t, e)
		p.execBoth(t, true, "INSERT INTO app.people (email, k) SELECT v, k FROM main.plain ORDER BY k")
		p.compareRows(t, "SELECT id, email, k FROM app.people")
		requireOnVindexShards(t, p.sharded, "people", "id")
		var n int
		if err := p.sharded.QueryRow("SELECT COUNT(*) FROM main.email_idx").Scan(&n); err != nil || n != 40 {
			t.Fatalf("lookup rows: %d (%v), want 40", n, err)
		}
		for i, email := range map[int]string{1: "p1", 17: "p17", 40: "p40"} {
			if got := explain(t, p.sharded, "SELECT k FROM app.people WHERE email = ?", email); len(got) != 1 {
				t.Errorf("SELECT by email %s reaches %v, want the one shard the lookup names", email, got)
			}
			var k int
			if err := p.sharded.QueryRow("SELECT k FROM app.people WHERE email = ?", email).Scan(&k); err != nil || k != 100+i {
				t.Errorf("SELECT by email %s: k %d (%v), want %d", email, k, err, 100+i)
			}
		}
		// A value the lookup already holds fails the whole statement.
		if _, err := p.sharded.Exec("INSERT INTO app.people (email, k) SELECT v, k FROM main.plain WHERE k > 138 UNION ALL SELECT 'fresh', 1"); err == nil {
			t.Fatal("duplicate lookup value: no error")
		}
		if err := p.sharded.QueryRow("SELECT COUNT(*) FROM app.people WHERE email = 'fresh'").Scan(&n); err != nil || n != 0 {
			t.Errorf("failed INSERT … SELECT left %d rows (%v)", n, err)
		}
	})
}

func TestInsertSelectHoldsAtMostMaxMemoryRows(t *testing.T) {
	cfg := &vitessdo.Config{VSchemaJSON: []byte(insertSelectVSchema), Shards: map[string]string{"main/0": sqliteURL(t, "main", "0")}, MaxMemoryRows: 10}
	for _, sh := range insertSelectShards {
		cfg.Shards["app/"+sh] = sqliteURL(t, "app", sh)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE app.src_a (id BIGINT NOT NULL PRIMARY KEY, k BIGINT, v VARCHAR(16))",
		"CREATE TABLE app.dst_b (id BIGINT NOT NULL PRIMARY KEY, k BIGINT, v VARCHAR(16))",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 11; i++ {
		if _, err := db.Exec("INSERT INTO app.src_a (id, k, v) VALUES (?, ?, 'x')", i, i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec("INSERT INTO app.dst_b (id, k, v) SELECT id, k, v FROM app.src_a WHERE id <= 10"); err != nil {
		t.Fatalf("ten rows: %v", err)
	}
	_, err = db.Exec("INSERT INTO app.dst_b (id, k, v) SELECT id + 100, k, v FROM app.src_a")
	var me *merge.MemoryRowsError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "max_memory_rows = 10") {
		t.Fatalf("eleven rows: %v, want the max_memory_rows error", err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM app.dst_b").Scan(&n); err != nil || n != 10 {
		t.Errorf("dst_b holds %d rows (%v), want the first statement's 10", n, err)
	}
}

// TestInsertSelectOfManyRowsIsAllOrNone inserts more selected rows than
// one statement's arguments hold: the INSERTs of several batches commit
// together, or none of them when one fails.
func TestInsertSelectOfManyRowsIsAllOrNone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newInsertSelectPair(t, e)
		const n = 4000
		var sb strings.Builder
		args := make([]any, 0, 3*n)
		sb.WriteString("INSERT INTO app.src_a (id, k, v) VALUES ")
		for i := 0; i < n; i++ {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?)")
			args = append(args, 10000+i, i%13, fmt.Sprintf("m%d", i))
		}
		p.exec(t, sb.String(), args...)
		// The last row's id is taken on its shard of dst_b: the batch
		// holding it fails, after the first batch was written.
		p.exec(t, "INSERT INTO app.dst_b (id, k, v) VALUES (?, ?, 'taken')", 10000+n-1, (n-1)%13)
		if _, err := p.sharded.Exec("INSERT INTO app.dst_b (id, k, v) SELECT id, k, v FROM app.src_a WHERE id >= 10000 ORDER BY id"); err == nil {
			t.Fatal("duplicate key in the last batch: no error")
		}
		if diff := cmp.Diff([]any{int64(1)}, onShardCount(t, p.sharded)); diff != "" {
			t.Errorf("failed INSERT … SELECT of several batches left rows (-want +got):\n%s", diff)
		}
		p.exec(t, "DELETE FROM app.dst_b")
		p.execBoth(t, true, "INSERT INTO app.dst_b (k, v) SELECT k, v FROM app.src_a WHERE id >= 10000 ORDER BY id")
		p.compareRows(t, "SELECT id, k, v FROM app.dst_b")
	})
}

// onShardCount returns dst_b's row count over all shards.
func onShardCount(t *testing.T, db *sql.DB) []any {
	t.Helper()
	var total int64
	for _, c := range shardCounts(t, db, "dst_b") {
		total += c.(int64)
	}
	return []any{total}
}
