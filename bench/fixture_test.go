package bench

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/shard/postgres"
	"github.com/dot-do/vitessdo/shard/sqlite"
	"github.com/dot-do/vitessdo/vindex"
)

// The overhead benchmarks compare a statement routed by vitessdo over N
// shards with the same statement on one plain database holding all the
// rows, in the same run (see pair_test.go and README.md). A fixture is
// one such pair of databases.
var (
	overheadRows = flag.Int("bench.overhead.rows", 200_000, "rows of the overhead benchmarks' items table")
	scaleRows    = flag.Int("bench.scale.rows", 100_000, "rows of the shard-count benchmarks' items table")
	cacheKiB     = flag.Int("bench.cache", 0, "SQLite page cache of every connection on both sides, KiB (0: vitessdo's default, 2,000 up to 32 shards)")
)

// postgresEnv names the server the PostgreSQL benchmarks use, as the
// tests do; without it they are skipped.
const postgresEnv = "VITESSDO_TEST_POSTGRES"

// The tables: items is read and updated (k is a secondary, indexed copy
// of id, for range scatters); events takes the inserts and is emptied
// before each benchmark that writes it; small holds 100 rows a shard for
// the scatters whose cost is fan-out.
var tableDDL = []string{
	"CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, grp VARCHAR(8), name VARCHAR(32), qty INT, price DECIMAL(10,2), k BIGINT, KEY items_k (k))",
	"CREATE TABLE events (id BIGINT NOT NULL PRIMARY KEY, grp VARCHAR(8), name VARCHAR(32), qty INT, price DECIMAL(10,2), k BIGINT)",
	"CREATE TABLE small (id BIGINT NOT NULL PRIMARY KEY, qty INT)",
}

// fixture is vitessdo over n shards and one plain database with the same
// rows, of one engine.
type fixture struct {
	vt, one *sql.DB
	// shardURLs are the shards' backend URLs, in key-range order.
	shardURLs []string
	shards    int
	rows      int
	engine    string
}

func (f *fixture) db(side int) *sql.DB {
	if side == 0 {
		return f.vt
	}
	return f.one
}

// shardNamesFor returns the names of n equal key ranges, n a power of two
// up to 256: -40, 40-80, 80-c0, c0- for 4.
func shardNamesFor(n int) []string {
	names := make([]string, n)
	bound := func(i int) string {
		if i == 0 || i == n {
			return ""
		}
		return fmt.Sprintf("%02x", i*256/n)
	}
	for i := range n {
		names[i] = bound(i) + "-" + bound(i+1)
	}
	return names
}

// shardOf returns the index of the shard (of n) that holds id.
func shardOf(id int64, n int) int {
	return int(vindex.HashUint64(uint64(id))[0]) >> (8 - bits.TrailingZeros(uint(n)))
}

func vschemaFor(names []string, withOne bool) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = `"` + n + `"`
	}
	hash := `{"column_vindexes": [{"column": "id", "name": "hash"}]}`
	app := `"app": {"sharded": true, "shards": [` + strings.Join(quoted, ", ") + `],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {"items": ` + hash + `, "events": ` + hash + `, "small": ` + hash + `}}`
	if withOne {
		app += `, "one": {"sharded": false, "tables": {"items": {}, "events": {}, "small": {}}}`
	}
	return `{"keyspaces": {` + app + `}}`
}

// openVT opens vitessdo over the shard URLs (and the single database as
// keyspace one, when oneURL is set).
func openVT(names, urls []string, oneURL string) (*sql.DB, error) {
	cfg := &vitessdo.Config{VSchemaJSON: []byte(vschemaFor(names, oneURL != "")), Shards: map[string]string{}}
	if oneURL != "" {
		cfg.Shards["one/0"] = oneURL
	}
	for i, n := range names {
		cfg.Shards["app/"+n] = urls[i]
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// createTables creates the tables through vitessdo on every shard and on
// the single database, so both have the DDL vitessdo renders.
func createTables(names, urls []string, oneURL string) error {
	db, err := openVT(names, urls, oneURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, ks := range []string{"app", "one"} {
		if _, err := conn.ExecContext(ctx, "USE "+ks); err != nil {
			return err
		}
		for _, stmt := range tableDDL {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s on %s: %w", stmt, ks, err)
			}
		}
	}
	return nil
}

// itemRow returns the values of item id: 100 groups, names in an order
// unrelated to the id, k equal to id.
func itemRow(id int64) []any {
	h := uint64(id) * 0x9E3779B97F4A7C15
	return []any{id, fmt.Sprintf("g%02d", id%100), fmt.Sprintf("name-%016x", h), int64(h>>40)%10007 - 5000, fmt.Sprintf("%d.%02d", h%1000, (h>>20)%100), id}
}

// fillTables writes the rows of ids (items) and smallIDs (small) into one
// database, 100 rows a statement, in one transaction.
func fillTables(db *sql.DB, dialectPG bool, ids, smallIDs []int64) error {
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := insertRows(ctx, tx, dialectPG, "items (id, grp, name, qty, price, k)", 6, ids, itemRow); err != nil {
		return err
	}
	small := func(id int64) []any { return []any{id, id % 7} }
	if err := insertRows(ctx, tx, dialectPG, "small (id, qty)", 2, smallIDs, small); err != nil {
		return err
	}
	return tx.Commit()
}

func insertRows(ctx context.Context, tx *sql.Tx, dialectPG bool, into string, cols int, ids []int64, row func(int64) []any) error {
	const per = 100
	for i := 0; i < len(ids); i += per {
		chunk := ids[i:min(i+per, len(ids))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + into + " VALUES ")
		args := make([]any, 0, cols*len(chunk))
		for j, id := range chunk {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(")
			for c := range cols {
				if c > 0 {
					sb.WriteString(", ")
				}
				if dialectPG {
					fmt.Fprintf(&sb, "$%d", len(args)+c+1)
				} else {
					sb.WriteString("?")
				}
			}
			sb.WriteString(")")
			args = append(args, row(id)...)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// splitIDs returns 1..n, and the same split by shard.
func splitIDs(n, shards int) (all []int64, byShard [][]int64) {
	byShard = make([][]int64, shards)
	all = make([]int64, 0, n)
	for id := int64(1); id <= int64(n); id++ {
		s := shardOf(id, shards)
		byShard[s] = append(byShard[s], id)
		all = append(all, id)
	}
	return all, byShard
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[string]*fixture{}
)

// sqliteFixture returns (building on first use, under the bench
// directory, and reusing in later runs) n SQLite shards and one SQLite
// database holding rows items and 100 small rows a shard.
func sqliteFixture(b *testing.B, shards, rows int) *fixture {
	b.Helper()
	key := fmt.Sprintf("sqlite-%d-%d", shards, rows)
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f := fixtures[key]; f != nil {
		return f
	}
	dir := filepath.Join(baseDir(), "vitessdo-overhead-"+key)
	names := shardNamesFor(shards)
	urls := make([]string, shards)
	for i, n := range names {
		urls[i] = "sqlite:" + filepath.Join(dir, "app", n+".db")
	}
	oneURL := "sqlite:" + filepath.Join(dir, "one.db")
	marker := filepath.Join(dir, "complete")
	if _, err := os.Stat(marker); err != nil {
		if err := buildSQLite(dir, names, urls, oneURL, rows); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if *cacheKiB > 0 {
		pragma := fmt.Sprintf("?_pragma=cache_size(-%d)", *cacheKiB)
		for i := range urls {
			urls[i] += pragma
		}
		oneURL += pragma
	}
	f := openFixture(b, names, urls, oneURL, rows, "sqlite")
	fixtures[key] = f
	return f
}

func buildSQLite(dir string, names, urls []string, oneURL string, rows int) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "app"), 0o755); err != nil {
		return err
	}
	if err := createTables(names, urls, oneURL); err != nil {
		return err
	}
	all, byShard := splitIDs(rows, len(names))
	allSmall, smallByShard := splitIDs(100*len(names), len(names))
	open := func(url string) (*sql.DB, error) {
		return sql.Open("sqlite", "file:"+strings.TrimPrefix(url, "sqlite:")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	}
	errs := make([]error, len(names)+1)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range len(names) + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			url, ids, small := oneURL, all, allSmall
			if i < len(names) {
				url, ids, small = urls[i], byShard[i], smallByShard[i]
			}
			db, err := open(url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			if errs[i] = fillTables(db, false, ids, small); errs[i] == nil {
				_, errs[i] = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// openFixture opens vitessdo over the shards and the single database
// the way vitessdo opens a shard (so with the same pragmas and pool
// sizes).
func openFixture(b *testing.B, names, urls []string, oneURL string, rows int, engine string) *fixture {
	vt, err := openVT(names, urls, "")
	if err != nil {
		b.Fatal(err)
	}
	one, err := openBackend(oneURL)
	if err != nil {
		b.Fatal(err)
	}
	return &fixture{vt: vt, one: plainDB(one), shardURLs: urls, shards: len(names), rows: rows, engine: engine}
}

// openBackend opens a backend as vitessdo opens a shard.
// plainDB is a database/sql pool of its own over a backend's connector
// (the same driver and connection settings): the plain database a
// benchmark compares with, or the floor's shard, without vitessdo's
// shard pool in between (an SQLite backend's DB borrows its
// connections from that pool).
func plainDB(b *shard.Backend) *sql.DB {
	db := b.OpenPool()
	db.SetMaxIdleConns(4)
	return db
}

func openBackend(url string) (*shard.Backend, error) {
	if strings.HasPrefix(url, "sqlite:") {
		return sqlite.Open(url, shard.PoolOptions{})
	}
	return postgres.Open(url, shard.PoolOptions{})
}

// postgresFixture returns 4 PostgreSQL shards, one schema each, and one
// schema holding every row, on the server VITESSDO_TEST_POSTGRES names.
func postgresFixture(b *testing.B, rows int) *fixture {
	b.Helper()
	server := os.Getenv(postgresEnv)
	if server == "" {
		b.Skip(postgresEnv + " is not set")
	}
	key := fmt.Sprintf("postgres-%d", rows)
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f := fixtures[key]; f != nil {
		return f
	}
	names := shardNamesFor(4)
	schema := func(s string) string { return fmt.Sprintf("vtbench_%d_%s", rows, s) }
	withSchema := func(s string) string {
		sep := "?"
		if strings.Contains(server, "?") {
			sep = "&"
		}
		return server + sep + "search_path=" + s
	}
	urls := make([]string, 4)
	for i := range urls {
		urls[i] = withSchema(schema(fmt.Sprint(i)))
	}
	oneURL := withSchema(schema("one"))
	admin, err := sql.Open("pgx", server)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	var have int
	err = admin.QueryRow("SELECT COUNT(*) FROM " + schema("one") + ".items").Scan(&have)
	if err != nil || have != rows {
		if err := buildPostgres(admin, names, urls, oneURL, rows, schema); err != nil {
			b.Fatal(err)
		}
	}
	f := openFixture(b, names, urls, oneURL, rows, "postgres")
	fixtures[key] = f
	return f
}

func buildPostgres(admin *sql.DB, names, urls []string, oneURL string, rows int, schema func(string) string) error {
	for _, s := range []string{"0", "1", "2", "3", "one"} {
		if _, err := admin.Exec("DROP SCHEMA IF EXISTS " + schema(s) + " CASCADE"); err != nil {
			return err
		}
		if _, err := admin.Exec("CREATE SCHEMA " + schema(s)); err != nil {
			return err
		}
	}
	if err := createTables(names, urls, oneURL); err != nil {
		return err
	}
	all, byShard := splitIDs(rows, 4)
	allSmall, smallByShard := splitIDs(400, 4)
	for i := range 5 {
		url, ids, small := oneURL, all, allSmall
		if i < 4 {
			url, ids, small = urls[i], byShard[i], smallByShard[i]
		}
		db, err := sql.Open("pgx", url)
		if err != nil {
			return err
		}
		err = fillTables(db, true, ids, small)
		if err == nil {
			_, err = db.Exec("ANALYZE")
		}
		db.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
