package vitessdo_test

import (
	"context"
	"database/sql"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// copiesVSchema has a reference table whose ids the backend generates (no
// sequence) and a table pinned to the shard 80-c0.
const copiesVSchema = `{
  "keyspaces": {
    "shop": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "products": {"type": "reference"},
        "audit": {"pinned": "90"}
      }
    }
  }
}`

var copiesShards = []string{"-40", "40-80", "80-c0", "c0-"}

// onShard runs a query on one shard of a keyspace (a session targeting
// it) and returns its rows.
func onShard(t *testing.T, db *sql.DB, ks, sh, query string) [][]any {
	t.Helper()
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "USE `"+ks+":"+sh+"`"); err != nil {
		t.Fatal(err)
	}
	rows, err := c.QueryContext(ctx, query)
	if err != nil {
		t.Fatalf("%s on %s/%s: %v", query, ks, sh, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// requireIdenticalCopies compares a reference table's copies shard by
// shard with want.
func requireIdenticalCopies(t *testing.T, db *sql.DB, want [][]any) {
	t.Helper()
	for _, sh := range copiesShards {
		got := onShard(t, db, "shop", sh, "SELECT id, name FROM products ORDER BY id")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("copy of products on shop/%s (-want +got):\n%s", sh, diff)
		}
	}
}

// lastID runs an INSERT and returns its LastInsertId.
func lastID(t *testing.T, db interface {
	Exec(string, ...any) (sql.Result, error)
}, query string, args ...any) int64 {
	t.Helper()
	res, err := db.Exec(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// An INSERT into a reference table without a sequence takes its ids from
// the first shard's copy and writes the same rows, with those ids, to
// every copy: LastInsertId is the row's id and the copies stay identical,
// for single-row, multi-row and mixed inserts, in autocommit and in a
// transaction (whose rollback leaves every copy untouched).
func TestReferenceInsertWithoutSequenceGivesEveryCopyTheSameID(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, copiesVSchema)
		if _, err := db.Exec("CREATE TABLE products (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64))"); err != nil {
			t.Fatal(err)
		}
		if id := lastID(t, db, "INSERT INTO products (name) VALUES ('tea')"); id != 1 {
			t.Errorf("LastInsertId of the first row = %d, want 1", id)
		}
		if id := lastID(t, db, "INSERT INTO products (name) VALUES (?), (?)", "coffee", "cocoa"); id != 2 {
			t.Errorf("LastInsertId of a two-row insert = %d, want 2 (the first row's)", id)
		}
		if id := lastID(t, db, "INSERT INTO products (id, name) VALUES (NULL, 'mate'), (10, 'chai')"); id != 4 {
			t.Errorf("LastInsertId of (NULL, 10) = %d, want 4", id)
		}
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		// The next id is the backend's (after an explicit 10, SQLite
		// takes 11, PostgreSQL's identity 5): the same on every copy.
		if id := lastID(t, tx, "INSERT INTO products (name) VALUES ('rooibos')"); id <= 4 || id == 10 {
			t.Errorf("LastInsertId in a transaction = %d, want a new id", id)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		tx, err = db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		id := lastID(t, tx, "INSERT INTO products (name) VALUES ('sencha')")
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		var name string
		if err := db.QueryRow("SELECT name FROM products WHERE id = ?", id).Scan(&name); err != nil || name != "sencha" {
			t.Errorf("row of LastInsertId %d: %q, %v; want sencha", id, name, err)
		}
		want := [][]any{{int64(1), "tea"}, {int64(2), "coffee"}, {int64(3), "cocoa"}, {int64(4), "mate"}, {int64(10), "chai"}}
		want = append(want, []any{id, "sencha"})
		sort.Slice(want, func(i, j int) bool { return want[i][0].(int64) < want[j][0].(int64) })
		requireIdenticalCopies(t, db, want)
	})
}

// A row INSERT IGNORE skips on the first copy is skipped on every copy.
func TestReferenceInsertIgnoreWithoutSequenceKeepsCopiesIdentical(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, copiesVSchema)
		if _, err := db.Exec("CREATE TABLE products (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE)"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO products (name) VALUES ('tea')"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT IGNORE INTO products (name) VALUES ('tea'), ('coffee')"); err != nil {
			t.Fatal(err)
		}
		rows := onShard(t, db, "shop", "-40", "SELECT id, name FROM products ORDER BY id")
		if len(rows) != 2 {
			t.Fatalf("first copy holds %v, want tea and coffee", rows)
		}
		requireIdenticalCopies(t, db, rows)
	})
}

// A pinned table's INSERT goes to the shard of its keyspace id, where its
// reads go.
func TestPinnedTableInsertLandsOnThePinnedShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, copiesVSchema)
		if _, err := db.Exec("CREATE TABLE audit (id BIGINT NOT NULL PRIMARY KEY, note VARCHAR(64))"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO audit (id, note) VALUES (?, ?), (2, 'b')", 1, "a"); err != nil {
			t.Fatal(err)
		}
		res, err := queryAll(db, "SELECT id, note FROM audit ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		want := [][]any{{int64(1), "a"}, {int64(2), "b"}}
		if diff := cmp.Diff(want, res.Rows); diff != "" {
			t.Errorf("audit read back (-want +got):\n%s", diff)
		}
		for _, sh := range copiesShards {
			got := onShard(t, db, "shop", sh, "SELECT id, note FROM audit ORDER BY id")
			if sh == "80-c0" {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("pinned shard 80-c0 (-want +got):\n%s", diff)
				}
			} else if len(got) != 0 {
				t.Errorf("shard %s holds audit rows %v; they belong on 80-c0", sh, got)
			}
		}
		if _, err := db.Exec("INSERT INTO audit (id, note) SELECT id + 10, note FROM audit"); err != nil {
			t.Fatalf("INSERT … SELECT into a pinned table: %v", err)
		}
		want = append(want, []any{int64(11), "a"}, []any{int64(12), "b"})
		if diff := cmp.Diff(want, onShard(t, db, "shop", "80-c0", "SELECT id, note FROM audit ORDER BY id")); diff != "" {
			t.Errorf("pinned shard 80-c0 after INSERT … SELECT (-want +got):\n%s", diff)
		}
	})
}
