package vitessdo_test

import (
	"context"
	"database/sql"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dot-do/vitessdo"
)

// silentServer accepts TCP connections and never answers, as a
// PostgreSQL server that hangs does; its address is returned.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// openWithShardURL opens the app's one-keyspace VSchema with its shard on
// the given backend URL.
func openWithShardURL(t *testing.T, backend string) *sql.DB {
	t.Helper()
	vs := `{"keyspaces": {"main": {"sharded": false, "tables": {"notes": {}}}}}`
	c, err := vitessdo.NewConnector(&vitessdo.Config{VSchemaJSON: []byte(vs), Shards: map[string]string{"main/0": backend}})
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// within fails the test if fn has not returned after limit: a liveness
// guard against a hang, not a measure of speed.
func within(t *testing.T, limit time.Duration, what string, fn func() error) error {
	t.Helper()
	ch := make(chan error, 1)
	go func() { ch <- fn() }()
	select {
	case err := <-ch:
		return err
	case <-time.After(limit):
		t.Fatalf("%s still blocked after %v", what, limit)
		return nil
	}
}

func TestStatementOnAPostgreSQLShardThatNeverAnswersFailsWithoutADeadline(t *testing.T) {
	t.Setenv("PGCONNECT_TIMEOUT", "")
	db := openWithShardURL(t, "postgres://u@"+silentServer(t)+"/db?sslmode=disable")
	err := within(t, 2*time.Minute, "a statement without a deadline", func() error {
		var n int
		return db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM notes").Scan(&n)
	})
	if err == nil || !strings.Contains(err.Error(), "main/0") {
		t.Errorf("got %v, want a connect timeout naming shard main/0", err)
	}
}

func TestPingOfAnUnreachablePostgreSQLShardNamesKeyspaceAndShard(t *testing.T) {
	silent := silentServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	for _, addr := range []string{silent, closed} {
		db := openWithShardURL(t, "postgres://u:secret@"+addr+"/db?sslmode=disable&connect_timeout=1")
		err := within(t, time.Minute, "Ping", func() error { return db.PingContext(context.Background()) })
		if err == nil || !strings.Contains(err.Error(), "shard main/0") || !strings.Contains(err.Error(), addr) {
			t.Errorf("Ping of %s: %v; want an error naming shard main/0 and the backend", addr, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Ping error leaks the password: %v", err)
		}
	}
}

func TestPostgreSQLShardCreatesTheSchemaItsSearchPathNames(t *testing.T) {
	base := os.Getenv(postgresEnv)
	if base == "" {
		t.Skipf("set %s to a PostgreSQL server URL to run this test", postgresEnv)
	}
	schema := "vt_missing_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "_")
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP SCHEMA IF EXISTS "` + schema + `" CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db := openWithShardURL(t, u.String())
	if _, err := db.Exec("CREATE TABLE notes (id BIGINT PRIMARY KEY, body VARCHAR(20))"); err != nil {
		t.Fatalf("CREATE TABLE in a schema that did not exist: %v", err)
	}
	if _, err := db.Exec("INSERT INTO notes (id, body) VALUES (1, 'a')"); err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRow(`SELECT count(*) FROM "` + schema + `".notes`).Scan(&n); err != nil || n != 1 {
		t.Errorf("rows in %s.notes: %d, %v; want 1", schema, n, err)
	}
}
