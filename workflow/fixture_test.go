package workflow

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

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/internal/backendtest"
	"github.com/dot-do/vitessdo/shard"
)

// The workflow tests run on SQLite shards, and on PostgreSQL shards too
// when VITESSDO_TEST_POSTGRES holds a server URL.
const postgresEnv = backendtest.PostgresEnv

// growthVSchema is the keyspaces the tests grow: users with an owned
// lookup on email, orders sharded by user_id, a reference table, and the
// sequences of the two sharded tables' ids in an unsharded keyspace.
// SHARDS is replaced by the keyspace's "shards" value.
const growthVSchema = `{"keyspaces": {
  "main": {"sharded": false, "tables": {"users_seq": {"type": "sequence"}, "orders_seq": {"type": "sequence"}}SHARDS_MAIN},
  "app": {
    "sharded": true,
    "vindexes": {
      "hash": {"type": "hash"},
      "email_md5": {"type": "unicode_loose_md5"},
      "users_email": {"type": "consistent_lookup_unique", "params": {"table": "users_email_idx", "from": "email", "to": "keyspace_id"}, "owner": "users"}
    },
    "tables": {
      "users": {"column_vindexes": [{"column": "id", "name": "hash"}, {"column": "email", "name": "users_email"}], "auto_increment": {"column": "id", "sequence": "main.users_seq"}},
      "orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}], "auto_increment": {"column": "id", "sequence": "main.orders_seq"}},
      "users_email_idx": {"column_vindexes": [{"column": "email", "name": "email_md5"}]},
      "countries": {"type": "reference"}
    },
    "shards": SHARDS
  }
}}`

// growthQueries is the fixed list of queries whose answers must not
// change as the data moves.
var growthQueries = []string{
	"SELECT COUNT(*) FROM users",
	"SELECT COUNT(*), SUM(amount) FROM orders",
	"SELECT id, name, email, score FROM users ORDER BY id",
	"SELECT id, name FROM users WHERE email = 'user417@example.com'",
	"SELECT id, user_id, amount, note FROM orders WHERE user_id = 42 ORDER BY id",
	"SELECT user_id, COUNT(*), SUM(amount) FROM orders GROUP BY user_id ORDER BY user_id",
	"SELECT u.id, u.name, o.id, o.amount FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id IN (7, 99, 512) ORDER BY o.id",
	"SELECT code, name FROM countries ORDER BY code",
	"SELECT o.id, c.name FROM orders o JOIN countries c ON c.code = o.country WHERE o.user_id = 3 ORDER BY o.id",
	"SELECT email FROM users_email_idx ORDER BY email LIMIT 5",
	"SELECT COUNT(*) FROM users_email_idx",
}

const (
	fixtureUsers  = 800
	fixtureOrders = 2400
)

// sourceDDL creates the plain database, in each engine's own dialect.
var sourceDDL = map[string][]string{
	"sqlite": {
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL, created TEXT)",
		"CREATE UNIQUE INDEX users_email ON users (email)",
		"CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, amount INTEGER NOT NULL, note TEXT, country TEXT)",
		"CREATE INDEX orders_user ON orders (user_id)",
		"CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL)",
	},
	"postgres": {
		"CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(128) NOT NULL, score DOUBLE PRECISION, created TIMESTAMP)",
		"CREATE UNIQUE INDEX users_email ON users (email)",
		"CREATE TABLE orders (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, amount BIGINT NOT NULL, note TEXT, country VARCHAR(2))",
		"CREATE INDEX orders_user ON orders (user_id)",
		"CREATE TABLE countries (code VARCHAR(2) PRIMARY KEY, name TEXT NOT NULL)",
	},
}

// engine is a kind of backend the tests run on.
type engine struct {
	name string
	// url returns a fresh, empty backend.
	url func(t testing.TB, name string) string
}

func engines(t *testing.T) []engine {
	es := []engine{{"sqlite", func(t testing.TB, name string) string {
		return "sqlite:" + filepath.Join(t.TempDir(), name+".db")
	}}}
	if os.Getenv(postgresEnv) != "" {
		es = append(es, engine{"postgres", func(t testing.TB, name string) string {
			return postgresSchemaURL(t, pgSchemaName(name))
		}})
	} else {
		t.Logf("PostgreSQL skipped: set %s to a server URL to run it", postgresEnv)
	}
	return es
}

// pgSchemaName returns a schema name unique to this process and test.
func pgSchemaName(name string) string {
	n := fmt.Sprintf("gw_%d_%d_%s", os.Getpid(), schemaCounter.Add(1), name)
	return strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToLower(n))
}

var schemaCounter atomic.Int64

// postgresSchemaURL creates a schema and returns a URL selecting it; the
// schema is dropped when the test ends.
func postgresSchemaURL(t testing.TB, schema string) string {
	return backendtest.PostgresSchema(t, schema)
}

func pgExec(t testing.TB, stmt string) {
	t.Helper()
	admin, err := sql.Open("pgx", os.Getenv(postgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// growth is a plain source database and a vitessdo keyspace to grow.
type growth struct {
	e       engine
	source  string
	vschema string
	dir     string
	dsn     string
	cfg     *vitessdo.Config
}

// newGrowth fills a plain database and writes the VSchema of a keyspace
// on two shards.
func newGrowth(t *testing.T, e engine) *growth {
	t.Helper()
	return newGrowthFrom(t, e, e)
}

// newGrowthFrom is newGrowth with the plain database on another engine.
func newGrowthFrom(t *testing.T, e, source engine) *growth {
	t.Helper()
	g := &growth{e: e, dir: t.TempDir()}
	g.source = source.url(t, "source")
	fillSource(t, source.name, g.source)
	g.vschema = filepath.Join(g.dir, "app.vschema.json")
	var shards, main string
	switch e.name {
	case "sqlite":
		shards = `["-80", "80-"]`
	default:
		shards = fmt.Sprintf(`{"-80": %q, "80-": %q}`, e.url(t, "app-80"), e.url(t, "app80-"))
		main = fmt.Sprintf(`, "shards": {"0": %q}`, e.url(t, "main"))
	}
	text := strings.Replace(strings.Replace(growthVSchema, "SHARDS_MAIN", main, 1), "SHARDS", shards, 1)
	if err := os.WriteFile(g.vschema, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	g.dsn = "vschema=" + url.QueryEscape(g.vschema) + "&dir=" + url.QueryEscape(filepath.Join(g.dir, "data"))
	cfg, err := vitessdo.ParseDSN(g.dsn)
	if err != nil {
		t.Fatal(err)
	}
	g.cfg = cfg
	return g
}

// fillSource creates the plain database's tables and rows.
func fillSource(t testing.TB, engine, u string) {
	t.Helper()
	b, err := openBackend(u)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	for _, s := range sourceDDL[engine] {
		if _, err := b.DB.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	tx, err := b.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	p := func(n int) string { return b.Dialect.Placeholder(n) }
	countries := []string{"de", "fr", "jp", "nz", "us", "br", "in", "za"}
	for i, c := range countries {
		mustExec(t, tx, "INSERT INTO countries (code, name) VALUES ("+p(1)+", "+p(2)+")", c, fmt.Sprintf("Country %d", i))
	}
	base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := 1; i <= fixtureUsers; i++ {
		var score any = float64(i%97) / 4
		if i%13 == 0 {
			score = nil
		}
		created := base.Add(time.Duration(i) * time.Minute).Format("2006-01-02 15:04:05")
		mustExec(t, tx, "INSERT INTO users (id, name, email, score, created) VALUES ("+p(1)+", "+p(2)+", "+p(3)+", "+p(4)+", "+p(5)+")",
			int64(i), fmt.Sprintf("user %d", i), fmt.Sprintf("user%d@example.com", i), score, created)
	}
	for i := 1; i <= fixtureOrders; i++ {
		var note any = fmt.Sprintf("order %d's note", i)
		if i%7 == 0 {
			note = nil
		}
		mustExec(t, tx, "INSERT INTO orders (id, user_id, amount, note, country) VALUES ("+p(1)+", "+p(2)+", "+p(3)+", "+p(4)+", "+p(5)+")",
			int64(i), int64(i%fixtureUsers+1), int64(i*37%1000), note, countries[i%len(countries)])
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func mustExec(t testing.TB, tx *sql.Tx, q string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// answers runs the fixed queries through the driver and returns their
// rows, as text.
func (g *growth) answers(t testing.TB) []string {
	t.Helper()
	db, err := sql.Open("vitessdo", g.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := make([]string, len(growthQueries))
	for i, q := range growthQueries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var b strings.Builder
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for j := range vals {
				ptrs[j] = &vals[j]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for j, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				if j > 0 {
					b.WriteString("|")
				}
				fmt.Fprintf(&b, "%v", v)
			}
			b.WriteString("\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		rows.Close()
		out[i] = q + "\n" + b.String()
	}
	return out
}

// sameAnswers fails the test when the fixed queries answer otherwise.
func (g *growth) sameAnswers(t testing.TB, want []string) {
	t.Helper()
	if diff := cmp.Diff(want, g.answers(t)); diff != "" {
		t.Errorf("the queries answer differently (-before +now):\n%s", diff)
	}
}

// checkClean fails the test when Check finds a problem, reopening the
// configuration as a new program would.
func (g *growth) checkClean(t testing.TB) {
	t.Helper()
	cfg, err := vitessdo.ParseDSN(g.dsn)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Check(context.Background(), cfg, CheckOptions{})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	for _, p := range rep.Problems {
		t.Errorf("Check: %s", p)
	}
	if rep.Rows == 0 {
		t.Errorf("Check read no rows: %+v", rep)
	}
}

// checkPlacement fails the test when a row of a sharded table is not on
// the shard its keyspace id names, or a reference table differs between
// shards.
func (g *growth) checkPlacement(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	l, err := openLayout(g.cfg)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := l.keyspace("app")
	if err != nil {
		t.Fatal(err)
	}
	shards, err := l.openShards(ks, ks.Shards)
	if err != nil {
		t.Fatal(err)
	}
	defer closeShards(shards)
	for _, tbl := range dataTables(ks) {
		cat, err := readCatalog(ctx, shards[0].backend)
		if err != nil {
			t.Fatal(err)
		}
		info, ok := cat[tbl.Name]
		if !ok {
			t.Fatalf("shard %s has no table %s", shards[0], tbl.Name)
		}
		cols, kinds := columnsOf(info)
		var ref *Sum
		for i, s := range shards {
			var sum Sum
			var ids *keyspaceIDs
			if tbl.IsSharded() {
				if ids, err = newKeyspaceIDs(tbl, cols); err != nil {
					t.Fatal(err)
				}
			}
			err := sumTable(ctx, s.backend, tbl.Name, cols, kinds, func(row []any, h uint64) error {
				sum.add(h)
				if ids == nil {
					return nil
				}
				id, err := ids.of(ctx, [][]any{row})
				if err != nil {
					return err
				}
				if !ks.KeyRanges[i].Contains(id[0]) {
					return fmt.Errorf("table %s: row %v is on shard %s but its keyspace id %x is not", tbl.Name, row, s, id[0])
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
			if ids == nil {
				if ref != nil && *ref != sum {
					t.Errorf("reference table %s: shard %s holds %s, shard %s %s", tbl.Name, s, sum, shards[0], *ref)
				}
				ref = &sum
			}
		}
	}
}

// records returns the shard records of every backend a keyspace's shards
// of a given list use.
func backendRecords(t testing.TB, u string) []shard.Record {
	t.Helper()
	b, err := openBackend(u)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rs, err := shard.ReadRecords(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
