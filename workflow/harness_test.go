package workflow_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/internal/backendtest"
)

// The workflow tests run on SQLite shards, and on PostgreSQL shards too
// when VITESSDO_TEST_POSTGRES holds a server URL (a schema per shard,
// dropped when the test ends).
const postgresEnv = backendtest.PostgresEnv

type engine struct {
	name string
	url  func(t testing.TB, ks, shard string) string
}

func forEachEngine(t *testing.T, fn func(t *testing.T, e engine)) {
	t.Helper()
	es := []engine{{name: "sqlite", url: sqliteURL}}
	if os.Getenv(postgresEnv) != "" {
		es = append(es, engine{name: "postgres", url: postgresURL})
	} else {
		t.Logf("PostgreSQL shards skipped: set %s to a server URL to run them", postgresEnv)
	}
	for _, e := range es {
		t.Run(e.name, func(t *testing.T) { fn(t, e) })
	}
}

func sqliteURL(t testing.TB, ks, shard string) string { return backendtest.SQLiteURL(t, ks, shard) }

func postgresURL(t testing.TB, ks, shard string) string {
	return backendtest.PostgresURL(t, "wf", ks, shard)
}

// shopVSchema: users sharded by id over four shards, found by email (an
// owned consistent_lookup_unique) and by name (an owned lookup_hash), ids
// from a sequence; orders sharded by user_id; a reference table.
const shopVSchema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {"user_seq": {"type": "sequence"}}
    },
    "app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
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
          ],
          "auto_increment": {"column": "id", "sequence": "main.user_seq"}
        },
        "user_email_idx": {"column_vindexes": [{"column": "email", "name": "md5"}]},
        "user_name_idx": {"column_vindexes": [{"column": "name", "name": "md5"}]},
        "orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}]},
        "countries": {"type": "reference"}
      }
    }
  }
}`

var shopDDL = []string{
	"CREATE TABLE user_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO user_seq (id, next_id, cache) VALUES (0, 1, 10)",
	"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(128), name VARCHAR(64))",
	"CREATE TABLE user_email_idx (email VARCHAR(128) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
	"CREATE TABLE user_name_idx (name VARCHAR(64) NOT NULL, user_id BIGINT UNSIGNED NOT NULL, PRIMARY KEY (name, user_id))",
	"CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount DECIMAL(10,2))",
	"CREATE TABLE countries (code VARCHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(64))",
}

// newShop returns the Config of a fresh shop database of n users, and
// the database opened on it.
func newShop(t *testing.T, e engine, n int) (*vitessdo.Config, *sql.DB) {
	t.Helper()
	cfg := &vitessdo.Config{VSchemaJSON: []byte(shopVSchema), Shards: map[string]string{"main/0": e.url(t, "main", "0")}}
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		cfg.Shards["app/"+sh] = e.url(t, "app", sh)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	for _, q := range shopDDL {
		mustExec(t, db, q)
	}
	mustExec(t, db, "INSERT INTO countries (code, name) VALUES ('de', 'Germany'), ('fr', 'France'), ('jp', 'Japan')")
	for i := 1; i <= n; i++ {
		mustExec(t, db, "INSERT INTO users (email, name) VALUES (?, ?)", fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("user-%03d", i))
		mustExec(t, db, "INSERT INTO orders (id, user_id, amount) VALUES (?, ?, ?)", i*10, i, fmt.Sprintf("%d.50", i))
	}
	return cfg, db
}

func mustExec(t *testing.T, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// onShard runs statements on one shard alone.
func onShard(t *testing.T, db *sql.DB, target string, qs ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mustExec(t, conn, "USE `"+target+"`")
	for _, q := range qs {
		mustExec(t, conn, q)
	}
}

// shardOfUser returns the shard holding user id.
func shardOfUser(t *testing.T, db *sql.DB, id int) string {
	t.Helper()
	ctx := context.Background()
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, conn, "USE `app:"+sh+"`")
		var n int
		err = conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = ?", id).Scan(&n)
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			return sh
		}
	}
	t.Fatalf("user %d is on no shard", id)
	return ""
}
