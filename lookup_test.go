package vitessdo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lookupVSchema shards users by id and finds them by email (a consistent
// unique lookup) and by name (a non-unique lookup_hash); both lookup
// tables are sharded by the value they map.
const lookupVSchema = `{
  "keyspaces": {
    "app": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {
        "hash": {"type": "hash"},
        "md5": {"type": "unicode_loose_md5"},
        "email_idx": {
          "type": "consistent_lookup_unique",
          "params": {"table": "user_email_idx", "from": "email", "to": "keyspace_id", "ignore_nulls": "true"},
          "owner": "users"
        },
        "name_idx": {
          "type": "lookup_hash",
          "params": {"table": "user_name_idx", "from": "name", "to": "user_id", "ignore_nulls": "true"},
          "owner": "users"
        }
      },
      "tables": {
        "users": {
          "column_vindexes": [
            {"column": "id", "name": "hash"},
            {"column": "email", "name": "email_idx"},
            {"column": "name", "name": "name_idx"}
          ]
        },
        "user_email_idx": {"column_vindexes": [{"column": "email", "name": "md5"}]},
        "user_name_idx": {"column_vindexes": [{"column": "name", "name": "md5"}]}
      }
    }
  }
}`

var lookupDDL = []string{
	"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(128), name VARCHAR(64))",
	"CREATE TABLE user_email_idx (email VARCHAR(128) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
	"CREATE TABLE user_name_idx (name VARCHAR(64) NOT NULL, user_id BIGINT UNSIGNED NOT NULL, PRIMARY KEY (name, user_id))",
}

func newLookupPair(t *testing.T, e engine) *pair {
	t.Helper()
	p := newPair(t, e, lookupVSchema)
	for _, ddl := range lookupDDL {
		p.exec(t, ddl)
	}
	return p
}

// checkFindable requires every user to be found by email and by name,
// with the same rows as one database.
func checkFindable(t *testing.T, p *pair) {
	t.Helper()
	all, err := queryAll(p.oracle, "SELECT id, email, name FROM users")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all.Rows {
		if r[1] != nil {
			p.compareRows(t, "SELECT id, email, name FROM users WHERE email = ?", r[1])
		}
		if r[2] != nil {
			p.compareRows(t, "SELECT id, email, name FROM users WHERE name = ?", r[2])
		}
	}
	// The lookup tables hold exactly one row per owner value.
	emails, _ := queryAll(p.sharded, "SELECT COUNT(*) FROM user_email_idx")
	owners, _ := queryAll(p.sharded, "SELECT COUNT(*) FROM users WHERE email IS NOT NULL")
	if diff := cmp.Diff(owners.Rows, emails.Rows); diff != "" {
		t.Errorf("email lookup rows differ from owner rows with an email (-owners +lookup):\n%s", diff)
	}
	names, _ := queryAll(p.sharded, "SELECT COUNT(*) FROM user_name_idx")
	named, _ := queryAll(p.sharded, "SELECT COUNT(*) FROM users WHERE name IS NOT NULL")
	if diff := cmp.Diff(named.Rows, names.Rows); diff != "" {
		t.Errorf("name lookup rows differ from owner rows with a name (-owners +lookup):\n%s", diff)
	}
}

func TestOwnedLookupVindexesFollowInsertsUpdatesAndDeletes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newLookupPair(t, e)
		for i := 1; i <= 20; i++ {
			p.exec(t, "INSERT INTO users (id, email, name) VALUES (?, ?, ?)", i, fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("name%d", i%5))
		}
		p.exec(t, "INSERT INTO users (id, email, name) VALUES (21, 'a@x.org', 'name1'), (22, 'b@x.org', NULL), (23, NULL, 'solo')")
		checkFindable(t, p)

		// The lookup routes a point query to the owner's one shard.
		shards := explain(t, p.sharded, "SELECT id FROM users WHERE email = 'u7@example.com'")
		if len(shards) != 1 {
			t.Errorf("lookup routing reaches %v, want one shard", shards)
		}

		p.exec(t, "UPDATE users SET email = ? WHERE id = ?", "moved@example.com", 7)
		p.exec(t, "UPDATE users SET name = 'renamed' WHERE id IN (1, 2, 3)")
		p.exec(t, "DELETE FROM users WHERE id = 9")
		p.exec(t, "DELETE FROM users WHERE name = 'name2'")
		checkFindable(t, p)
		for _, q := range []string{"SELECT id FROM users WHERE email = 'u7@example.com'", "SELECT id FROM users WHERE email = 'u9@example.com'"} {
			res, err := queryAll(p.sharded, q)
			if err != nil || len(res.Rows) != 0 {
				t.Errorf("%s = %v, %v; want no rows", q, res.Rows, err)
			}
		}
	})
}

func TestUniqueLookupRefusesADuplicateValueNamingTheVindex(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newLookupPair(t, e)
		p.exec(t, "INSERT INTO users (id, email, name) VALUES (1, 'same@x.org', 'a')")
		_, err := p.sharded.Exec("INSERT INTO users (id, email, name) VALUES (2, 'same@x.org', 'b')")
		if err == nil || !strings.Contains(err.Error(), "email_idx") {
			t.Fatalf("duplicate email: got %v, want a duplicate-key error naming email_idx", err)
		}
		checkFindable(t, p)
		res, _ := queryAll(p.sharded, "SELECT id FROM users")
		if len(res.Rows) != 1 {
			t.Errorf("users = %v, want only user 1", res.Rows)
		}
	})
}

func TestLookupRowsRollBackWithTheOwner(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newLookupPair(t, e)
		p.exec(t, "INSERT INTO users (id, email, name) VALUES (1, 'one@x.org', 'a')")
		ctx := context.Background()
		tx, err := p.sharded.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			"INSERT INTO users (id, email, name) VALUES (2, 'two@x.org', 'b')",
			"UPDATE users SET email = 'uno@x.org' WHERE id = 1",
			"DELETE FROM users WHERE id = 1",
		} {
			if _, err := tx.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		checkFindable(t, p)
		res, _ := queryAll(p.sharded, "SELECT id, email FROM users WHERE email = 'one@x.org'")
		if diff := cmp.Diff([][]any{{int64(1), "one@x.org"}}, res.Rows); diff != "" {
			t.Errorf("after rollback (-want +got):\n%s", diff)
		}
		// The same statements committed.
		tx, err = p.sharded.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		tx.Exec("INSERT INTO users (id, email, name) VALUES (2, 'two@x.org', 'b')")
		tx.Exec("UPDATE users SET email = 'uno@x.org' WHERE id = 1")
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		p.oracle.Exec("INSERT INTO users (id, email, name) VALUES (2, 'two@x.org', 'b')")
		p.oracle.Exec("UPDATE users SET email = 'uno@x.org' WHERE id = 1")
		checkFindable(t, p)
	})
}
