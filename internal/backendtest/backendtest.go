// Package backendtest gives tests fresh shard backends: a SQLite file in
// the test's temporary directory, or a schema of its own on the
// PostgreSQL server named by VITESSDO_TEST_POSTGRES, dropped when the
// test ends.
package backendtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	// The schemas are made through pgx's database/sql driver.
	_ "github.com/jackc/pgx/v5/stdlib"
)

// PostgresEnv names the variable holding the PostgreSQL server URL the
// tests run their PostgreSQL shards on; without it they skip them.
const PostgresEnv = "VITESSDO_TEST_POSTGRES"

// SQLiteURL returns the backend URL of a new SQLite file for one shard of
// keyspace ks, in the test's temporary directory.
func SQLiteURL(t testing.TB, ks, shard string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), ks)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + filepath.Join(dir, shard+".db")
}

var schemas atomic.Int64

// PostgresURL creates a schema for one shard of keyspace ks, named from
// prefix, the process and a counter so that concurrent test binaries do
// not meet, and returns the server URL whose search_path selects it.
func PostgresURL(t testing.TB, prefix, ks, shard string) string {
	t.Helper()
	name := fmt.Sprintf("%s_%d_%d_%s_%s", prefix, os.Getpid(), schemas.Add(1), ks, shard)
	return PostgresSchema(t, strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToLower(name)))
}

// PostgresSchema creates the schema name (if it does not exist) and
// returns the server URL whose search_path selects it; the schema and
// everything in it are dropped when the test ends.
func PostgresSchema(t testing.TB, name string) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS "`+name+`"`); err != nil {
		t.Fatalf("creating schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA IF EXISTS "` + name + `" CASCADE`); err != nil {
			t.Logf("dropping schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
