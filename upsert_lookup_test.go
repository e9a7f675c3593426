package vitessdo_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// upsertUsersDDL is lookupVSchema's tables with email unique in the owner
// table too (so that one database, the oracle, has the rule the unique
// lookup gives the shards) and a column no vindex maps.
var upsertUsersDDL = []string{
	"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(128) UNIQUE, name VARCHAR(64), score INT)",
	"CREATE TABLE user_email_idx (email VARCHAR(128) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
	"CREATE TABLE user_name_idx (name VARCHAR(64) NOT NULL, user_id BIGINT UNSIGNED NOT NULL, PRIMARY KEY (name, user_id))",
}

func newUpsertUsersPair(t *testing.T, e engine) *pair {
	t.Helper()
	p := newPair(t, e, lookupVSchema)
	for _, ddl := range upsertUsersDDL {
		p.exec(t, ddl)
	}
	p.exec(t, "INSERT INTO users (id, email, name, score) VALUES (1, 'ada@x', 'Ada', 1), (2, 'bob@x', 'Bob', 2), (3, 'cy@x', 'Cy', 3), (4, 'di@x', 'Di', 4)")
	return p
}

// INSERT IGNORE into a table that owns lookup vindexes inserts the new
// rows, skips the duplicates (of the primary key, or of a unique lookup
// value held by another row on any shard) and keeps every row findable
// through its lookups, as one database does.
func TestInsertIgnoreIntoLookupOwnerKeepsLookupsConsistent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newUpsertUsersPair(t, e)
		p.exec(t, "INSERT IGNORE INTO users (id, email, name, score) VALUES (5, 'eve@x', 'Eve', 5), (1, 'ada@x', 'Ada', 9), (6, ?, 'Fay', 6), (7, NULL, 'Gus', 7)", "bob@x")
		p.compareRows(t, "SELECT id, email, name, score FROM users")
		checkFindable(t, p)
		// The email of a skipped row is still its owner's.
		p.compareRows(t, "SELECT id FROM users WHERE email = 'bob@x'")
	})
}

// INSERT … ON DUPLICATE KEY UPDATE into a lookup owner updates the
// existing row, whether the duplicate is its primary key (same shard) or
// its unique email held by a row on another shard, found by the lookup.
func TestUpsertIntoLookupOwnerUpdatesTheRowTheLookupFinds(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newUpsertUsersPair(t, e)
		// Duplicate primary key: the row's own shard.
		p.exec(t, "INSERT INTO users (id, email, name, score) VALUES (2, 'bob@x', 'Bob', 0) ON DUPLICATE KEY UPDATE score = score + 10")
		// A new row.
		p.exec(t, "INSERT INTO users (id, email, name, score) VALUES (8, 'hal@x', 'Hal', 8) ON DUPLICATE KEY UPDATE score = score + 10")
		// GORM's association save: ON DUPLICATE KEY UPDATE id = id.
		p.exec(t, "INSERT INTO users (id, email, name, score) VALUES (3, 'cy@x', 'Cy', 3), (9, 'ivy@x', 'Ivy', 9) ON DUPLICATE KEY UPDATE id = id")
		// A consistent lookup's column may take the inserted value.
		p.exec(t, "INSERT INTO users (id, email, name, score) VALUES (4, 'dee@x', 'Di', 4) ON DUPLICATE KEY UPDATE email = VALUES(email)")
		p.compareRows(t, "SELECT id, email, name, score FROM users")
		p.compareRows(t, "SELECT id, email FROM users WHERE email = 'dee@x'")
		p.compareRows(t, "SELECT id, email FROM users WHERE email = 'di@x'")
		// A non-consistent lookup's column may not: its old value's
		// lookup row would stay behind.
		_, err := p.sharded.Exec("INSERT INTO users (id, email, name, score) VALUES (1, 'ada@x', 'Ann', 1) ON DUPLICATE KEY UPDATE name = VALUES(name)")
		if !isUnsupported(err) || !strings.Contains(err.Error(), "name_idx") {
			t.Errorf("ON DUPLICATE KEY UPDATE of a lookup_hash column: %v, want unsupported naming name_idx", err)
		}
		// Email held by user 3, wherever user 3 lives: user 3 is updated.
		if _, err := p.sharded.Exec("INSERT INTO users (id, email, name, score) VALUES (10, 'cy@x', 'Cyd', 0) ON DUPLICATE KEY UPDATE score = score + VALUES(id)"); err != nil {
			t.Fatal(err)
		}
		want := [][]any{{int64(3), "cy@x", "Cy", int64(13)}}
		got, err := queryAll(p.sharded, "SELECT id, email, name, score FROM users WHERE email = 'cy@x' OR id = 10")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.Rows); diff != "" {
			t.Errorf("upsert of a row whose email user 3 holds (-want +got):\n%s", diff)
		}
	})
}

// orderIDVSchema shards orders by user_id; "unique" orders also have a
// unique lookup vindex on id, which makes id unique across shards.
const orderIDVSchema = `{
  "keyspaces": {
    "app": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {
        "hash": {"type": "hash"},
        "order_id_idx": {
          "type": "consistent_lookup_unique",
          "params": {"table": "order_id_idx", "from": "id", "to": "keyspace_id"},
          "owner": "unique_orders"
        }
      },
      "tables": {
        "orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}]},
        "unique_orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}, {"column": "id", "name": "order_id_idx"}]},
        "order_id_idx": {"column_vindexes": [{"column": "id", "name": "hash"}]}
      }
    }
  }
}`

// A primary key that is not the primary vindex column is unique per shard
// only: an upsert of the same id for a user on another shard makes a
// second row. A unique lookup vindex on the column makes it unique across
// shards, and the upsert then updates the row the lookup finds.
func TestUpsertOfAnIDUniqueOnlyThroughALookupVindex(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, orderIDVSchema)
		for _, q := range []string{
			"CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount INT)",
			"CREATE TABLE unique_orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount INT)",
			"CREATE TABLE order_id_idx (id BIGINT NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// Users 1 and 4 live on different shards.
		if a, b := explain(t, db, "SELECT id FROM orders WHERE user_id = 1"), explain(t, db, "SELECT id FROM orders WHERE user_id = 4"); cmp.Equal(a, b) {
			t.Fatalf("users 1 and 4 share shard %v", a)
		}
		for _, table := range []string{"orders", "unique_orders"} {
			if _, err := db.Exec("INSERT INTO " + table + " (id, user_id, amount) VALUES (500, 1, 1)"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("INSERT INTO "+table+" (id, user_id, amount) VALUES (500, 4, ?) ON DUPLICATE KEY UPDATE amount = VALUES(amount)", 9); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
		}
		rows := func(table string) [][]any {
			res, err := queryAll(db, "SELECT id, user_id, amount FROM "+table+" WHERE id = 500 ORDER BY user_id")
			if err != nil {
				t.Fatal(err)
			}
			return res.Rows
		}
		if diff := cmp.Diff([][]any{{int64(500), int64(1), int64(1)}, {int64(500), int64(4), int64(9)}}, rows("orders")); diff != "" {
			t.Errorf("orders without a lookup on id: the documented per-shard rule (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([][]any{{int64(500), int64(1), int64(9)}}, rows("unique_orders")); diff != "" {
			t.Errorf("unique_orders: the upsert must update the row the lookup finds (-want +got):\n%s", diff)
		}
		// Setting the primary vindex column of the row found elsewhere
		// would move it: refused, nothing written.
		_, err := db.Exec("INSERT INTO unique_orders (id, user_id, amount) VALUES (500, 4, 7) ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), amount = VALUES(amount)")
		if !isUnsupported(err) || !strings.Contains(err.Error(), "user_id") {
			t.Errorf("upsert moving the row found by the lookup: %v, want unsupported naming user_id", err)
		}
		if diff := cmp.Diff([][]any{{int64(500), int64(1), int64(9)}}, rows("unique_orders")); diff != "" {
			t.Errorf("unique_orders after the refused upsert (-want +got):\n%s", diff)
		}
		// A plain INSERT of a held id is a duplicate, whatever the shard.
		if _, err := db.Exec("INSERT INTO unique_orders (id, user_id, amount) VALUES (500, 4, 1)"); err == nil {
			t.Error("INSERT of id 500 for user 4: no error, want a duplicate key of order_id_idx")
		}
		// INSERT IGNORE of a held id skips the row.
		if _, err := db.Exec("INSERT IGNORE INTO unique_orders (id, user_id, amount) VALUES (500, 4, 2), (501, 4, 2)"); err != nil {
			t.Fatal(err)
		}
		res, err := queryAll(db, "SELECT id, user_id, amount FROM unique_orders ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]any{{int64(500), int64(1), int64(9)}, {int64(501), int64(4), int64(2)}}, res.Rows); diff != "" {
			t.Errorf("unique_orders after INSERT IGNORE (-want +got):\n%s", diff)
		}
	})
}
