package shard

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/xwb1989/sqlparser"
	_ "modernc.org/sqlite"

	"github.com/dot-do/vitessdo/internal/dialect"
	_ "github.com/dot-do/vitessdo/shard/sqlite/mysqlfunc"
)

// The execution tests run rendered statements on real backends: SQLite
// always, PostgreSQL when VITESSDO_TEST_POSTGRES holds a server URL (each
// test gets a schema of its own, dropped at the end).

const postgresEnv = "VITESSDO_TEST_POSTGRES"

// testBackend is one backend database for one test.
type testBackend struct {
	d  dialect.Dialect
	db *sql.DB
}

// forEachBackend runs f on a fresh SQLite database and, when configured,
// on a fresh PostgreSQL schema.
func forEachBackend(t *testing.T, f func(t *testing.T, b *testBackend)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { f(t, openSQLite(t)) })
	t.Run("postgresql", func(t *testing.T) { f(t, openPostgres(t)) })
}

func openSQLite(t *testing.T) *testBackend {
	t.Helper()
	db, err := sql.Open("sqlite", t.TempDir()+"/x.db?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	// One connection: last_insert_rowid() is per connection.
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return &testBackend{d: dialect.SQLite, db: db}
}

func openPostgres(t *testing.T) *testBackend {
	t.Helper()
	url := os.Getenv(postgresEnv)
	if url == "" {
		t.Skipf("%s is not set: PostgreSQL execution tests skipped", postgresEnv)
	}
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	var suffix [6]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		t.Fatal(err)
	}
	schema := "vitessdo_test_" + hex.EncodeToString(suffix[:])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	db, err := sql.Open("pgx", url+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return &testBackend{d: dialect.PostgreSQL, db: db}
}

// PrimaryKey and Columns read the backend catalog: the executor's Schema
// does the same.
func (b *testBackend) PrimaryKey(table string) ([]string, error) {
	q := "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk"
	if b.d == dialect.PostgreSQL {
		q = `SELECT a.attname FROM pg_index i
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary
			ORDER BY array_position(i.indkey::int2[], a.attnum)`
	}
	return b.names(q, table)
}

func (b *testBackend) Columns(table string) ([]string, error) {
	q := "SELECT name FROM pragma_table_info(?) ORDER BY cid"
	if b.d == dialect.PostgreSQL {
		q = `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
	}
	return b.names(q, table)
}

func (b *testBackend) names(q, table string) ([]string, error) {
	rows, err := b.db.Query(q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ddl parses, renders and runs a DDL statement.
func (b *testBackend) ddl(t *testing.T, sql string) {
	t.Helper()
	if err := b.tryDDL(sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (b *testBackend) tryDDL(sql string) error {
	stmt, err := dialect.ParseDDL(sql)
	if err != nil {
		return err
	}
	tpls, err := dialect.RenderDDL(b.d, stmt)
	if err != nil {
		return err
	}
	for _, tpl := range tpls {
		if _, err := b.db.Exec(tpl.String()); err != nil {
			return fmt.Errorf("%s: %w", tpl, err)
		}
	}
	return nil
}

// bind renders sql and binds args to v1, v2… (the parser's names for '?');
// a map argument supplies named variables instead.
func (b *testBackend) bind(sql string, args ...any) (string, []any, error) {
	stmt, err := sqlparser.Parse(sql)
	if err != nil {
		return "", nil, err
	}
	tpl, err := dialect.Render(b.d, stmt, b)
	if err != nil {
		return "", nil, err
	}
	vars := map[string]any{}
	for i, a := range args {
		if m, ok := a.(map[string]any); ok {
			for k, v := range m {
				vars[k] = v
			}
			continue
		}
		vars["v"+strconv.Itoa(i+1)] = a
	}
	return tpl.Bind(vars)
}

// exec runs a DML statement and returns the rows it affected.
func (b *testBackend) exec(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	n, err := b.tryExec(sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (b *testBackend) tryExec(sql string, args ...any) (int64, error) {
	q, a, err := b.bind(sql, args...)
	if err != nil {
		return 0, err
	}
	res, err := b.db.Exec(q, a...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", q, err)
	}
	return res.RowsAffected()
}

// rows runs a query and returns its rows as "a|b|NULL" strings.
func (b *testBackend) rows(t *testing.T, sql string, args ...any) []string {
	t.Helper()
	_, rows := b.query(t, sql, args...)
	return rows
}

// query returns the column names and the rows of a query.
func (b *testBackend) query(t *testing.T, sql string, args ...any) ([]string, []string) {
	t.Helper()
	q, a, err := b.bind(sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	rows, err := b.db.Query(q, a...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = normalize(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return cols, out
}

// normalize prints a value the same way whichever driver returned it:
// decimals without trailing zeros, floats in shortest form, times in
// MySQL's format.
func normalize(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case time.Time:
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
			return v.Format("2006-01-02")
		}
		return v.Format("2006-01-02 15:04:05")
	case string:
		if _, err := strconv.ParseFloat(v, 64); err == nil && strings.Contains(v, ".") && !strings.ContainsAny(v, "eE") {
			v = strings.TrimRight(v, "0")
			v = strings.TrimSuffix(v, ".")
		}
		return v
	}
	return fmt.Sprint(v)
}
