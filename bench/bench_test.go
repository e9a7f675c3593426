package bench

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/shard/sqlite"
	"github.com/dot-do/vitessdo/vindex"
)

// The benchmarks compare a statement over 4 SQLite shards (through
// vitessdo, in this process) with the same statement on one plain SQLite
// database holding the same rows (modernc.org/sqlite, opened with the
// pragmas vitessdo gives its shards), in the same run. See README.md.
var (
	benchRows = flag.Int("bench.rows", 1_000_000, "rows in the benchmark table")
	benchDir  = flag.String("bench.dir", "", "where the databases are built and kept between runs (default: /dev/shm or the temp dir)")
)

// appKeyspace is the sharded keyspace the benchmarks query; buildVSchema
// adds the single database as an unsharded keyspace, so that vitessdo
// renders the same DDL for both.
const appKeyspace = `"app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {"items": {"column_vindexes": [{"column": "id", "name": "hash"}]}}
    }`

const (
	queryVSchema = `{"keyspaces": {` + appKeyspace + `}}`
	buildVSchema = `{"keyspaces": {` + appKeyspace + `, "one": {"sharded": false, "tables": {"items": {}}}}}`
)

var shardNames = []string{"-40", "40-80", "80-c0", "c0-"}

const ddl = "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, grp VARCHAR(8), name VARCHAR(32), qty INT, price DECIMAL(10,2))"

// dataset is the benchmark table, loaded once per process: sharded is
// vitessdo over the 4 shards, single the plain database.
type dataset struct {
	sharded *sql.DB
	single  *sql.DB
	rows    int
}

var (
	loadOnce sync.Once
	loaded   *dataset
	loadErr  error
)

func data(b *testing.B) *dataset {
	b.Helper()
	loadOnce.Do(func() { loaded, loadErr = load(*benchRows) })
	if loadErr != nil {
		b.Fatal(loadErr)
	}
	return loaded
}

func baseDir() string {
	if *benchDir != "" {
		return *benchDir
	}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

// load builds (or reuses) the databases under the base directory and
// opens them.
func load(n int) (*dataset, error) {
	dir := filepath.Join(baseDir(), fmt.Sprintf("vitessdo-bench-%d", n))
	marker := filepath.Join(dir, "complete")
	shardPath := func(sh string) string { return filepath.Join(dir, "app", sh+".db") }
	singlePath := filepath.Join(dir, "single.db")
	if _, err := os.Stat(marker); err != nil {
		start := time.Now()
		if err := build(dir, n, shardPath, singlePath); err != nil {
			return nil, err
		}
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "bench: loaded %d rows into 4 shards and one database in %s (%s)\n", n, time.Since(start).Round(time.Millisecond), dir)
	}
	sharded, err := openVitess(queryVSchema, shardPath, "")
	if err != nil {
		return nil, err
	}
	// The plain database: opened as vitessdo opens a shard, so the
	// pragmas are the same.
	single, err := sqlite.Open("sqlite:"+singlePath, shard.PoolOptions{})
	if err != nil {
		return nil, err
	}
	return &dataset{sharded: sharded, single: plainDB(single), rows: n}, nil
}

func openVitess(vschema string, shardPath func(string) string, singlePath string) (*sql.DB, error) {
	cfg := &vitessdo.Config{VSchemaJSON: []byte(vschema), Shards: map[string]string{}}
	if singlePath != "" {
		cfg.Shards["one/0"] = "sqlite:" + singlePath
	}
	for _, sh := range shardNames {
		cfg.Shards["app/"+sh] = "sqlite:" + shardPath(sh)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// build creates the table through vitessdo (so the shards and the single
// database have the DDL vitessdo renders), then writes the rows straight
// into each SQLite file: many rows a statement, one transaction a file,
// the files in parallel.
func build(dir string, n int, shardPath func(string) string, singlePath string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "app"), 0o755); err != nil {
		return err
	}
	db, err := openVitess(buildVSchema, shardPath, singlePath)
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
	for _, stmt := range []string{"USE app", ddl, "USE one", ddl} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}

	byShard := make([][]int64, len(shardNames))
	all := make([]int64, 0, n)
	for id := int64(1); id <= int64(n); id++ {
		s := int(vindex.HashUint64(uint64(id))[0] >> 6)
		byShard[s] = append(byShard[s], id)
		all = append(all, id)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(shardNames)+1)
	for i, sh := range shardNames {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fill(shardPath(sh), byShard[i])
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs[len(shardNames)] = fill(singlePath, all)
	}()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// row returns the values of item id: 100 groups, quantities from -5000
// to 5006, names in an order unrelated to the id.
func row(id int64) (grp, name string, qty int64, price string) {
	h := uint64(id) * 0x9E3779B97F4A7C15
	return fmt.Sprintf("g%02d", id%100), fmt.Sprintf("name-%016x", h), int64(h>>40)%10007 - 5000, fmt.Sprintf("%d.%02d", h%1000, (h>>20)%100)
}

func fill(path string, ids []int64) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	const per = 200
	insert := func(rows int) string {
		return "INSERT INTO items (id, grp, name, qty, price) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", rows), ", ")
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	full, err := tx.Prepare(insert(per))
	if err != nil {
		return err
	}
	args := make([]any, 0, 5*per)
	for i := 0; i < len(ids); i += per {
		chunk := ids[i:min(i+per, len(ids))]
		args = args[:0]
		for _, id := range chunk {
			grp, name, qty, price := row(id)
			args = append(args, id, grp, name, qty, price)
		}
		if len(chunk) == per {
			_, err = full.Exec(args...)
		} else {
			_, err = tx.Exec(insert(len(chunk)), args...)
		}
		if err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// drain runs a query and reads every row, returning how many.
func drain(db *sql.DB, query string) (int, error) {
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// compare runs the query on the shards and on the single database in
// turn, b.N times each, and reports the median time of each and their
// ratio (sharded/single: below 1 the shards are faster), and the ratio of
// the fastest runs, which other load on the machine disturbs least.
func compare(b *testing.B, query string, wantRows int) {
	d := data(b)
	for _, db := range []*sql.DB{d.sharded, d.single} {
		n, err := drain(db, query)
		if err != nil {
			b.Fatal(err)
		}
		if wantRows >= 0 && n != wantRows {
			b.Fatalf("%s: %d rows, want %d", query, n, wantRows)
		}
	}
	sharded := make([]time.Duration, 0, b.N)
	single := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := drain(d.sharded, query); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := drain(d.single, query); err != nil {
			b.Fatal(err)
		}
		sharded = append(sharded, mid.Sub(start))
		single = append(single, time.Since(mid))
	}
	b.StopTimer()
	slices.Sort(sharded)
	slices.Sort(single)
	med := func(ds []time.Duration) float64 { return float64(ds[len(ds)/2]) }
	b.ReportMetric(med(sharded)/1e6, "sharded-ms")
	b.ReportMetric(med(single)/1e6, "single-ms")
	b.ReportMetric(med(sharded)/med(single), "ratio")
	b.ReportMetric(float64(sharded[0])/float64(single[0]), "ratio-fastest")
}

// BenchmarkOrderByLimit: every shard sorts its rows for the top 10 (LIMIT
// 10 is pushed down), the merge takes 10 of 40.
func BenchmarkOrderByLimit(b *testing.B) {
	compare(b, "SELECT id, name, qty FROM items ORDER BY qty DESC, id LIMIT 10", 10)
}

// BenchmarkCountSum: a scalar aggregate, one partial row a shard.
func BenchmarkCountSum(b *testing.B) {
	compare(b, "SELECT COUNT(*), SUM(qty), MIN(price) FROM items", 1)
}

// BenchmarkGroupBy: 100 groups split across every shard.
func BenchmarkGroupBy(b *testing.B) {
	compare(b, "SELECT grp, COUNT(*), SUM(qty), AVG(price) FROM items GROUP BY grp", 100)
}

// BenchmarkOrderByStream streams every row in name order through the
// merge and reports the peak heap in use while it does (HeapInuse,
// sampled every 2 ms), which the shard buffers bound however many rows
// stream; then streams the single database the same number of times for
// the time ratio.
func BenchmarkOrderByStream(b *testing.B) {
	d := data(b)
	const query = "SELECT id, name, qty FROM items ORDER BY name"
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		n, err := drain(d.sharded, query)
		if err != nil {
			b.Fatal(err)
		}
		if n != d.rows {
			b.Fatalf("%d rows, want %d", n, d.rows)
		}
	}
	sharded := time.Since(start)
	b.StopTimer()
	close(stop)
	<-done
	start = time.Now()
	for range b.N {
		if _, err := drain(d.single, query); err != nil {
			b.Fatal(err)
		}
	}
	single := time.Since(start)
	rows := float64(b.N) * float64(d.rows)
	b.ReportMetric(float64(sharded.Nanoseconds())/rows, "sharded-ns/row")
	b.ReportMetric(float64(single.Nanoseconds())/rows, "single-ns/row")
	b.ReportMetric(float64(sharded)/float64(single), "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(base.HeapInuse)/(1<<20), "base-heap-MiB")
}
