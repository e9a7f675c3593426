package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/internal/backendtest"
)

// growthVSchema is a keyspace to grow into: users with an owned lookup
// on email, orders sharded by user_id, a reference table and a sequence.
const growthVSchema = `{"keyspaces": {
  "main": {"sharded": false, "tables": {"users_seq": {"type": "sequence"}}MAIN},
  "app": {
    "sharded": true,
    "vindexes": {
      "hash": {"type": "hash"},
      "email_md5": {"type": "unicode_loose_md5"},
      "users_email": {"type": "consistent_lookup_unique", "params": {"table": "users_email_idx", "from": "email", "to": "keyspace_id"}, "owner": "users"}
    },
    "tables": {
      "users": {"column_vindexes": [{"column": "id", "name": "hash"}, {"column": "email", "name": "users_email"}], "auto_increment": {"column": "id", "sequence": "main.users_seq"}},
      "orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}]},
      "users_email_idx": {"column_vindexes": [{"column": "email", "name": "email_md5"}]},
      "countries": {"type": "reference"}
    },
    "shards": SHARDS
  }
}}`

var growthQueries = []string{
	"SELECT COUNT(*), MAX(id) FROM users",
	"SELECT id, name, email FROM users ORDER BY id",
	"SELECT id, name FROM users WHERE email = 'u77@example.com'",
	"SELECT user_id, COUNT(*), SUM(amount) FROM orders GROUP BY user_id ORDER BY user_id",
	"SELECT o.id, c.name FROM orders o JOIN countries c ON c.code = o.country WHERE o.user_id = 5 ORDER BY o.id",
	"SELECT COUNT(*) FROM users_email_idx",
}

// pgSchema creates a schema and returns a URL selecting it.
func pgSchema(t *testing.T, name string) string { return backendtest.PostgresSchema(t, name) }

// growthSetup writes a plain source database and the VSchema of a
// keyspace on two shards, and returns the DSN, the source URL and the
// -backend template for new shards ("" for SQLite files under dir=).
func growthSetup(t *testing.T, engine string) (dsn, source, backend string) {
	t.Helper()
	dir := t.TempDir()
	prefix := fmt.Sprintf("gc_%d_%d", os.Getpid(), schemaCounter.Add(1))
	var srcDB *sql.DB
	var err error
	shards, main := `["-80", "80-"]`, ""
	if engine == "sqlite" {
		path := filepath.Join(dir, "plain.db")
		source = "sqlite:" + path
		srcDB, err = sql.Open("sqlite", path)
	} else {
		source = pgSchema(t, prefix+"_source")
		srcDB, err = sql.Open("pgx", source)
		shards = fmt.Sprintf(`{"-80": %q, "80-": %q}`, pgSchema(t, prefix+"_a"), pgSchema(t, prefix+"_b"))
		main = fmt.Sprintf(`, "shards": {"0": %q}`, pgSchema(t, prefix+"_main"))
		for _, n := range []string{"_40", "40_80", "80_c0", "c0_", "_80", "80_"} {
			pgSchema(t, prefix+"_n_"+n)
		}
		backend = strings.Replace(pgSchema(t, prefix+"_n_x"), prefix+"_n_x", prefix+"_n_{shard}", 1)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer srcDB.Close()
	ph := func(n int) string {
		if engine == "sqlite" {
			return "?"
		}
		return fmt.Sprintf("$%d", n)
	}
	for _, q := range []string{
		"CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, email VARCHAR(128) NOT NULL)",
		"CREATE TABLE orders (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, amount BIGINT, country VARCHAR(2))",
		"CREATE INDEX orders_user ON orders (user_id)",
		"CREATE TABLE countries (code VARCHAR(2) PRIMARY KEY, name VARCHAR(64))",
		"INSERT INTO countries (code, name) VALUES ('de', 'Germany'), ('fr', 'France'), ('jp', 'Japan')",
	} {
		if _, err := srcDB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tx, err := srcDB.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 600; i++ {
		if _, err := tx.Exec("INSERT INTO users (id, name, email) VALUES ("+ph(1)+", "+ph(2)+", "+ph(3)+")", i, fmt.Sprint("user ", i), fmt.Sprintf("u%d@example.com", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 1800; i++ {
		if _, err := tx.Exec("INSERT INTO orders (id, user_id, amount, country) VALUES ("+ph(1)+", "+ph(2)+", "+ph(3)+", "+ph(4)+")", i, i%600+1, i*7%100, []string{"de", "fr", "jp"}[i%3]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	vs := filepath.Join(dir, "app.vschema.json")
	text := strings.Replace(strings.Replace(growthVSchema, "MAIN", main, 1), "SHARDS", shards, 1)
	if err := os.WriteFile(vs, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	dsn = url.Values{"vschema": {vs}, "dir": {filepath.Join(dir, "data")}}.Encode()
	return dsn, source, backend
}

// answers runs the fixed queries through the driver.
func answers(t *testing.T, dsn string) []string {
	t.Helper()
	db, err := sql.Open("vitessdo", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for _, q := range growthQueries {
		rows, err := db.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
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
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				if i > 0 {
					b.WriteByte('|')
				}
				fmt.Fprint(&b, v)
			}
			b.WriteByte('\n')
		}
		rows.Close()
		out = append(out, q+"\n"+b.String())
	}
	return out
}

func TestGrowthThroughTheCommand(t *testing.T) {
	bin := buildCommand(t)
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn, source, backend := growthSetup(t, engine)
			run := func(want int, args ...string) string {
				t.Helper()
				code, stdout, stderr := runCommand(t, bin, args...)
				if code != want {
					t.Fatalf("vitessdo %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args[:1], " "), code, want, stdout, stderr)
				}
				return stdout
			}
			code, out, stderr := runCommand(t, bin, "movetables", "-dsn", dsn, "-source", source, "-json")
			if code != 0 {
				t.Fatalf("movetables: exit %d\n%s\n%s", code, out, stderr)
			}
			for _, w := range []string{"copy users: 2403/2403 rows (100.0%)", "rows/s, ETA", "verify"} {
				if !strings.Contains(stderr, w) {
					t.Errorf("movetables progress on stderr lacks %q:\n%s", w, stderr)
				}
			}
			var mt struct {
				Tables []struct {
					Table  string
					Source struct{ Rows int64 }
				}
				Sequences []struct {
					NextID int64 `json:"next_id"`
				}
			}
			if err := json.Unmarshal([]byte(out), &mt); err != nil {
				t.Fatalf("movetables -json: %v\n%s", err, out)
			}
			if len(mt.Tables) != 3 || len(mt.Sequences) != 1 || mt.Sequences[0].NextID != 601 {
				t.Fatalf("movetables -json: %s", out)
			}
			run(0, "check", "-dsn", dsn)
			want := answers(t, dsn)
			if !strings.Contains(want[0], "600|600") {
				t.Fatalf("after movetables: %q", want[0])
			}
			// A second run finds the rows copied and copies nothing.
			if out := run(0, "movetables", "-dsn", dsn, "-source", source); strings.Count(out, "(already copied)") != 3 {
				t.Errorf("movetables re-run:\n%s", out)
			}

			args := []string{"reshard", "-dsn", dsn, "-keyspace", "app", "-to", "-40,40-80,80-c0,c0-"}
			if backend != "" {
				args = append(args, "-backend", backend)
			}
			out = run(0, args...)
			if !strings.Contains(out, "switched: the vschema lists -40,40-80,80-c0,c0-") {
				t.Errorf("reshard 2->4 output:\n%s", out)
			}
			if diff := cmp.Diff(want, answers(t, dsn)); diff != "" {
				t.Errorf("after 2->4 (-before +after):\n%s", diff)
			}
			run(0, "check", "-dsn", dsn)

			args = []string{"reshard", "-dsn", dsn, "-keyspace", "app", "-to", "-80,80-", "-cleanup", "-json"}
			if backend != "" {
				args = append(args, "-backend", backend)
			}
			out = run(0, args...)
			var rs struct {
				Switched bool
				Removed  []string
			}
			if err := json.Unmarshal([]byte(out), &rs); err != nil || !rs.Switched || len(rs.Removed) != 4 {
				t.Fatalf("reshard 4->2 -json: %v\n%s", err, out)
			}
			if diff := cmp.Diff(want, answers(t, dsn)); diff != "" {
				t.Errorf("after 4->2 (-before +after):\n%s", diff)
			}
			run(0, "check", "-dsn", dsn)

			// Usage errors exit 2.
			run(2, "reshard", "-dsn", dsn, "-keyspace", "app", "-to", "-40,80-")
			run(2, "reshard", "-dsn", dsn, "-keyspace", "app")
			run(2, "movetables", "-dsn", dsn)
		})
	}
}
