package vitessdo_test

import (
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
)

// A keyspace whose shards are on SQLite and PostgreSQL at once is the state
// in the middle of moving it: statements that stay on one shard, writes,
// and reads the merge only concatenates work; a merge that compares values
// across the two backends is unsupported and says so.
func TestKeyspaceMidMigrationMixesSQLiteAndPostgreSQLShards(t *testing.T) {
	db := openMixedItems(t)
	var name string
	if err := db.QueryRow("SELECT name FROM items WHERE id = ?", 3).Scan(&name); err != nil || name != "n" {
		t.Fatalf("point select = %q, %v", name, err)
	}
	got, err := queryAll(db, "SELECT id FROM items")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 8 {
		t.Errorf("SELECT id FROM items over both backends: %d rows, want 8", len(got.Rows))
	}
	for _, q := range []string{"SELECT id FROM items ORDER BY id", "SELECT count(*) FROM items", "SELECT DISTINCT name FROM items"} {
		_, err := queryAll(db, q)
		var ue *vitessdo.UnsupportedError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "SQLite") || !strings.Contains(err.Error(), "PostgreSQL") {
			t.Errorf("%s: err = %v, want an UnsupportedError naming both backends", q, err)
		}
	}
}

// openMixedItems opens a keyspace of two shards, one on SQLite and one
// on PostgreSQL, with items ids 1 to 8; it skips without a PostgreSQL
// server.
func openMixedItems(t *testing.T) *sql.DB {
	t.Helper()
	if os.Getenv(postgresEnv) == "" {
		t.Skipf("needs a PostgreSQL server: set %s", postgresEnv)
	}
	cfg := &vitessdo.Config{VSchemaJSON: []byte(`{"keyspaces": {"app": {"sharded": true, "shards": ["-80", "80-"],
		"vindexes": {"hash": {"type": "hash"}},
		"tables": {"items": {"column_vindexes": [{"column": "id", "name": "hash"}]}}}}}`),
		Shards: map[string]string{"app/-80": sqliteURL(t, "app", "-80"), "app/80-": postgresURL(t, "app", "80-")}}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec("CREATE TABLE items (id bigint NOT NULL, name varchar(64), PRIMARY KEY (id))"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 8; i++ {
		if _, err := db.Exec("INSERT INTO items (id, name) VALUES (?, ?)", i, "n"); err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
	return db
}
