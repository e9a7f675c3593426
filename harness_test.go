package vitessdo_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/internal/backendtest"
)

// The end-to-end suite runs every test against SQLite shards, and against
// PostgreSQL shards too when VITESSDO_TEST_POSTGRES holds a server URL
// (each shard in a schema of its own, dropped when the test ends).
const postgresEnv = backendtest.PostgresEnv

// engine is a kind of shard backend the suite runs on.
type engine struct {
	name string
	// url returns the backend URL of one shard (or of the oracle).
	url func(t testing.TB, ks, shard string) string
}

// engines returns the backends to run on: SQLite always, PostgreSQL when
// VITESSDO_TEST_POSTGRES is set.
func engines(t testing.TB) []engine {
	t.Helper()
	es := []engine{{name: "sqlite", url: sqliteURL}}
	if os.Getenv(postgresEnv) != "" {
		es = append(es, engine{name: "postgres", url: postgresURL})
	}
	return es
}

// forEachEngine runs fn as a subtest per backend.
func forEachEngine(t *testing.T, fn func(t *testing.T, e engine)) {
	t.Helper()
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) { fn(t, e) })
	}
	if os.Getenv(postgresEnv) == "" {
		t.Logf("PostgreSQL shards skipped: set %s to a server URL to run them", postgresEnv)
	}
}

func sqliteURL(t testing.TB, ks, shard string) string { return backendtest.SQLiteURL(t, ks, shard) }

// postgresURL creates a schema for one shard and returns a URL whose
// search_path selects it; the schema is dropped when the test ends.
func postgresURL(t testing.TB, ks, shard string) string {
	return backendtest.PostgresURL(t, "vt", ks, shard)
}

// openSharded opens vitessdo over a VSchema (multi-keyspace JSON), giving
// every shard a fresh backend of the engine.
func openSharded(t testing.TB, e engine, vschema string) *sql.DB {
	t.Helper()
	return openShardedWith(t, e, vschema, func(*vitessdo.Config) {})
}

// openShardedWith is openSharded with the Config set further by set.
func openShardedWith(t testing.TB, e engine, vschema string, set func(*vitessdo.Config)) *sql.DB {
	t.Helper()
	var vs struct {
		Keyspaces map[string]struct {
			Sharded bool     `json:"sharded"`
			Shards  []string `json:"shards"`
		} `json:"keyspaces"`
	}
	if err := json.Unmarshal([]byte(vschema), &vs); err != nil {
		t.Fatalf("test vschema: %v", err)
	}
	cfg := &vitessdo.Config{VSchemaJSON: []byte(vschema), Shards: map[string]string{}}
	for ks, k := range vs.Keyspaces {
		shards := k.Shards
		if len(shards) == 0 {
			shards = []string{"0"}
		}
		for _, sh := range shards {
			cfg.Shards[ks+"/"+sh] = e.url(t, ks, sh)
		}
	}
	set(cfg)
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatalf("NewConnector: %v", err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// unshardedVSchema derives the oracle's VSchema: every keyspace unsharded,
// on one shard, with the same tables, sequences and auto-increments.
func unshardedVSchema(t testing.TB, vschema string) string {
	t.Helper()
	var vs map[string]map[string]map[string]any
	if err := json.Unmarshal([]byte(vschema), &vs); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for name, ks := range vs["keyspaces"] {
		tables := map[string]any{}
		if ts, ok := ks["tables"].(map[string]any); ok {
			for tn, tv := range ts {
				tm, _ := tv.(map[string]any)
				nt := map[string]any{}
				for k, v := range tm {
					if k == "type" || k == "auto_increment" || k == "columns" {
						nt[k] = v
					}
				}
				tables[tn] = nt
			}
		}
		out[name] = map[string]any{"sharded": false, "shards": []string{"0"}, "tables": tables}
	}
	data, err := json.Marshal(map[string]any{"keyspaces": out})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// pair is a sharded database and its oracle: the same tables and rows in
// one unsharded database of the same engine. The correctness oracle of
// the design: a statement returns the same rows on both.
type pair struct {
	e       engine
	sharded *sql.DB
	oracle  *sql.DB
}

func newPair(t testing.TB, e engine, vschema string) *pair {
	t.Helper()
	return &pair{e: e, sharded: openSharded(t, e, vschema), oracle: openSharded(t, e, unshardedVSchema(t, vschema))}
}

// exec runs a statement on both databases.
func (p *pair) exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := p.sharded.Exec(query, args...); err != nil {
		t.Fatalf("sharded: %s: %v", query, err)
	}
	if _, err := p.oracle.Exec(query, args...); err != nil {
		t.Fatalf("oracle: %s: %v", query, err)
	}
}

// result is a query's column names and rows.
type result struct {
	Columns []string
	Rows    [][]any
}

// querier is a database, a connection or a transaction.
type querier interface {
	Query(query string, args ...any) (*sql.Rows, error)
}

func queryAll(db querier, query string, args ...any) (result, error) {
	rows, err := db.Query(query, args...)
	if err != nil {
		return result{}, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return result{}, err
	}
	res := result{Columns: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return result{}, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

// compare runs a query on both databases and requires the same columns
// and the same rows; with ordered the same sequence, else the same
// multiset.
func (p *pair) compare(t *testing.T, ordered bool, query string, args ...any) result {
	t.Helper()
	got, err := queryAll(p.sharded, query, args...)
	if err != nil {
		t.Fatalf("sharded: %s: %v", query, err)
	}
	want, err := queryAll(p.oracle, query, args...)
	if err != nil {
		t.Fatalf("oracle: %s: %v", query, err)
	}
	if !ordered {
		sortRows(got.Rows)
		sortRows(want.Rows)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s %v: sharded differs from one database (-oracle +sharded):\n%s", query, args, diff)
	}
	return got
}

// compareOrdered is compare with the rows in order.
func (p *pair) compareOrdered(t *testing.T, query string, args ...any) result {
	t.Helper()
	return p.compare(t, true, query, args...)
}

// compareRows is compare with the rows as a multiset.
func (p *pair) compareRows(t *testing.T, query string, args ...any) result {
	t.Helper()
	return p.compare(t, false, query, args...)
}

// sortRows puts rows in a canonical order for comparison as multisets.
// The key holds each value's type: int64(0) and float64(0) print alike.
func sortRows(rows [][]any) {
	key := func(r []any) string {
		var b strings.Builder
		for _, v := range r {
			fmt.Fprintf(&b, "%T:%v|", v, v)
		}
		return b.String()
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return key(rows[i]) < key(rows[j])
	})
}

// explain returns the shards VEXPLAIN PLAN says a statement reaches, as
// keyspace/shard.
func explain(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	res, err := queryAll(db, "VEXPLAIN PLAN "+query, args...)
	if err != nil {
		t.Fatalf("VEXPLAIN PLAN %s: %v", query, err)
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, fmt.Sprint(r[0], "/", r[1]))
	}
	return out
}
