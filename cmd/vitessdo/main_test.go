package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	_ "github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/internal/backendtest"
)

const postgresEnv = backendtest.PostgresEnv

const cmdVSchema = `{
  "keyspaces": {
    "app": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "users": {"column_vindexes": [{"column": "id", "name": "hash"}]},
        "countries": {"type": "reference"}
      }
    }
  }
}`

// buildCommand builds the command into a temporary directory.
func buildCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vitessdo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runCommand runs the built command and returns its exit code, stdout
// and stderr.
func runCommand(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatalf("running %v: %v", args, err)
	}
	return 0, stdout.String(), stderr.String()
}

var schemaCounter atomic.Int64

// shardDSN returns a DSN over the test VSchema with each shard on a
// fresh backend: SQLite files under dir=, or PostgreSQL schemas.
func shardDSN(t *testing.T, engine string) string {
	t.Helper()
	dir := t.TempDir()
	vs := filepath.Join(dir, "app.vschema.json")
	if err := os.WriteFile(vs, []byte(cmdVSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	v := url.Values{"vschema": {vs}}
	if engine == "sqlite" {
		v.Set("dir", filepath.Join(dir, "data"))
		return v.Encode()
	}
	for _, sh := range []string{"-80", "80-"} {
		u := backendtest.PostgresURL(t, "cmd", "app", sh)
		v.Add("shard", "app/"+sh+"="+u)
	}
	return v.Encode()
}

func engines(t *testing.T) []string {
	if os.Getenv(postgresEnv) == "" {
		t.Logf("PostgreSQL shards skipped: set %s to a server URL to run them", postgresEnv)
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

func TestCommandExitCodesAndOutput(t *testing.T) {
	bin := buildCommand(t)
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := shardDSN(t, engine)
			db, err := sql.Open("vitessdo", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			for _, q := range []string{
				"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64))",
				"CREATE TABLE countries (code VARCHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(64))",
				"INSERT INTO countries (code, name) VALUES ('de', 'Germany'), ('fr', 'France')",
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			for i := 1; i <= 50; i++ {
				if _, err := db.ExecContext(ctx, "INSERT INTO users (id, name) VALUES (?, ?)", i, fmt.Sprint("user-", i)); err != nil {
					t.Fatal(err)
				}
			}

			for _, tc := range []struct {
				name string
				args []string
				code int
				// want are strings stdout (or, for usage errors,
				// stderr) must hold.
				want []string
			}{
				{"no command", nil, 2, []string{"usage: vitessdo"}},
				{"unknown command", []string{"frobnicate"}, 2, []string{`unknown command "frobnicate"`}},
				{"help", []string{"help"}, 0, []string{"check", "explain"}},
				{"check without dsn", []string{"check"}, 2, []string{"-dsn is required"}},
				{"check with a bad flag", []string{"check", "-nope"}, 2, []string{"flag provided but not defined"}},
				{"check clean", []string{"check", "-dsn", dsn}, 0, []string{"check: OK", "2 shards", "54 rows"}},
				{"check unknown keyspace", []string{"check", "-dsn", dsn, "-keyspace", "nope"}, 1, []string{`keyspace "nope" is not in the vschema`}},
				{"explain plan", []string{"explain", "-dsn", dsn, "SELECT name FROM users WHERE id = 1"}, 0, []string{"keyspace", "shard", "query", "(1 rows)"}},
				{"explain queries", []string{"explain", "-dsn", dsn, "-queries", "SELECT COUNT(*) FROM users"}, 0, []string{"-80", "80-", "(2 rows)"}},
				{"explain without statement", []string{"explain", "-dsn", dsn}, 2, []string{"want one SQL statement"}},
				{"explain of bad SQL", []string{"explain", "-dsn", dsn, "SELEC nothing"}, 1, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					code, stdout, stderr := runCommand(t, bin, tc.args...)
					if code != tc.code {
						t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
					}
					out := stdout
					if code == 2 || (code == 1 && stdout == "") {
						out = stderr
					}
					for _, w := range tc.want {
						if !strings.Contains(out, w) {
							t.Errorf("output lacks %q:\n%s", w, out)
						}
					}
				})
			}

			// A column added on one shard only: exit 1, the shard and
			// column named, in the summary and in the JSON.
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"USE `app:80-`", "ALTER TABLE users ADD COLUMN extra INT"} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			conn.Close()
			code, stdout, stderr := runCommand(t, bin, "check", "-dsn", dsn)
			if code != 1 || !strings.Contains(stdout, "column_drift [app/80-, table users, column extra]") {
				t.Errorf("check after drift: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			code, stdout, _ = runCommand(t, bin, "check", "-json", "-dsn", dsn)
			var report struct {
				Problems []struct{ Kind, Keyspace, Shard, Table, Column string }
			}
			if err := json.Unmarshal([]byte(stdout), &report); err != nil {
				t.Fatalf("check -json: %v\n%s", err, stdout)
			}
			if code != 1 || len(report.Problems) != 1 || report.Problems[0].Shard != "80-" || report.Problems[0].Column != "extra" {
				t.Errorf("check -json: exit %d, problems %+v", code, report.Problems)
			}
		})
	}
}

func TestRunWithoutBuilding(t *testing.T) {
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if code := run(ctx, []string{"check", "-dsn", "vschema=/nonexistent.json&dir=" + t.TempDir()}, &stdout, &stderr); code != 1 {
		t.Errorf("check of a missing vschema: exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "vschema") {
		t.Errorf("check of a missing vschema does not say so:\n%s", stdout.String())
	}
}
