package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/shard/sqlite"
)

// The write load: writeLoadWriters goroutines each write writeLoadRows
// rows, half as single-row INSERTs and half as INSERTs of writeLoadBatch
// rows (on the shards, a batch spans several), ids from a sequence on
// the shards and from SQLite's rowid on the plain database, while
// writeLoadReaders goroutines read one writer's rows at a time (a
// scatter on the shards, through an index).
const (
	writeLoadWriters = 100
	writeLoadRows    = 100
	writeLoadBatch   = 10
	writeLoadReaders = 8
)

const writeLoadVSchema = `{
  "keyspaces": {
    "main": {"sharded": false, "tables": {"item_seq": {"type": "sequence"}}},
    "app": {
      "sharded": true,
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "events": {
          "column_vindexes": [{"column": "id", "name": "hash"}],
          "auto_increment": {"column": "id", "sequence": "item_seq"}
        }
      }
    }
  }
}`

// writeLoadResult is what one run of the load measured.
type writeLoadResult struct {
	elapsed   time.Duration
	latencies []time.Duration // of the write statements
	reads     int64
	failures  int64
	firstErr  error
}

func (r writeLoadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies)-1) * p)
	return r.latencies[i]
}

// BenchmarkWriteLoad runs the write load through vitessdo over 4 SQLite
// shards (and an unsharded keyspace holding the sequence) and the same
// goroutines and statements on one plain SQLite database, each on fresh
// files. It reports rows/s and the p50 and p99 latency of a write
// statement on both sides, and the statements that failed.
func BenchmarkWriteLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		dir, err := os.MkdirTemp(baseDir(), "vitessdo-writeload-")
		if err != nil {
			b.Fatal(err)
		}
		sharded, single, err := openWriteLoad(dir)
		if err != nil {
			os.RemoveAll(dir)
			b.Fatal(err)
		}
		vt := runWriteLoad(sharded)
		one := runWriteLoad(single)
		sharded.Close()
		single.Close()
		os.RemoveAll(dir)
		rows := float64(writeLoadWriters * writeLoadRows)
		b.ReportMetric(rows/vt.elapsed.Seconds(), "sharded-rows/s")
		b.ReportMetric(rows/one.elapsed.Seconds(), "single-rows/s")
		b.ReportMetric(float64(vt.percentile(0.5).Microseconds())/1000, "sharded-p50-ms")
		b.ReportMetric(float64(one.percentile(0.5).Microseconds())/1000, "single-p50-ms")
		b.ReportMetric(float64(vt.percentile(0.99).Microseconds())/1000, "sharded-p99-ms")
		b.ReportMetric(float64(one.percentile(0.99).Microseconds())/1000, "single-p99-ms")
		b.ReportMetric(float64(vt.failures), "sharded-failed")
		b.ReportMetric(float64(one.failures), "single-failed")
		b.ReportMetric(float64(vt.reads)/vt.elapsed.Seconds(), "sharded-reads/s")
		b.ReportMetric(float64(one.reads)/one.elapsed.Seconds(), "single-reads/s")
		if vt.firstErr != nil {
			b.Logf("sharded: %d statements failed, the first: %v", vt.failures, vt.firstErr)
		}
		if one.firstErr != nil {
			b.Logf("single: %d statements failed, the first: %v", one.failures, one.firstErr)
		}
	}
}

// openWriteLoad creates the events table on 4 SQLite shards through
// vitessdo and on one plain SQLite database opened as vitessdo opens a
// shard (the same pragmas).
func openWriteLoad(dir string) (*sql.DB, *sql.DB, error) {
	cfg := &vitessdo.Config{VSchemaJSON: []byte(writeLoadVSchema), Shards: map[string]string{
		"main/0": "sqlite:" + filepath.Join(dir, "main.db"),
	}}
	for _, sh := range shardNames {
		cfg.Shards["app/"+sh] = "sqlite:" + filepath.Join(dir, "app"+sh+".db")
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		return nil, nil, err
	}
	sharded := sql.OpenDB(c)
	one, err := sqlite.Open("sqlite:"+filepath.Join(dir, "single.db"), shard.PoolOptions{})
	if err != nil {
		sharded.Close()
		return nil, nil, err
	}
	for _, q := range []string{
		"CREATE TABLE item_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
		"INSERT INTO item_seq (id, next_id, cache) VALUES (0, 1, 1000)",
		"CREATE TABLE events (id BIGINT NOT NULL PRIMARY KEY, writer INT NOT NULL, n INT NOT NULL, payload VARCHAR(64))",
		"CREATE INDEX events_writer ON events (writer)",
	} {
		if _, err := sharded.Exec(q); err != nil {
			sharded.Close()
			one.DB.Close()
			return nil, nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	for _, q := range []string{
		"CREATE TABLE events (id INTEGER PRIMARY KEY, writer INT NOT NULL, n INT NOT NULL, payload VARCHAR(64))",
		"CREATE INDEX events_writer ON events (writer)",
	} {
		if _, err := one.DB.Exec(q); err != nil {
			sharded.Close()
			one.DB.Close()
			return nil, nil, fmt.Errorf("single: %s: %w", q, err)
		}
	}
	return sharded, one.DB, nil
}

// runWriteLoad runs the writers and the readers on db until every writer
// is done.
func runWriteLoad(db *sql.DB) writeLoadResult {
	var (
		res     writeLoadResult
		mu      sync.Mutex
		reads   atomic.Int64
		failed  atomic.Int64
		stop    = make(chan struct{})
		readers sync.WaitGroup
		writers sync.WaitGroup
	)
	fail := func(err error) {
		if failed.Add(1) == 1 {
			mu.Lock()
			res.firstErr = err
			mu.Unlock()
		}
	}
	for r := 0; r < writeLoadReaders; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := r; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var n int
				if err := db.QueryRow("SELECT COUNT(*) FROM events WHERE writer = ?", i%writeLoadWriters).Scan(&n); err != nil {
					fail(err)
				}
				reads.Add(1)
			}
		}()
	}
	lat := make([][]time.Duration, writeLoadWriters)
	start := time.Now()
	for w := 0; w < writeLoadWriters; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for _, st := range writeLoadStatements(w) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				began := time.Now()
				_, err := db.ExecContext(ctx, st.sql, st.args...)
				lat[w] = append(lat[w], time.Since(began))
				cancel()
				if err != nil {
					fail(err)
				}
			}
		}()
	}
	writers.Wait()
	res.elapsed = time.Since(start)
	close(stop)
	readers.Wait()
	for _, l := range lat {
		res.latencies = append(res.latencies, l...)
	}
	sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
	res.reads, res.failures = reads.Load(), failed.Load()
	return res
}

type writeLoadStatement struct {
	sql  string
	args []any
}

// writeLoadStatements returns a writer's statements: runs of single-row
// INSERTs alternating with writeLoadBatch-row INSERTs.
func writeLoadStatements(w int) []writeLoadStatement {
	single := "INSERT INTO events (writer, n, payload) VALUES (?, ?, ?)"
	batch := single + strings.Repeat(", (?, ?, ?)", writeLoadBatch-1)
	var out []writeLoadStatement
	for n := 0; n < writeLoadRows; {
		if (n/writeLoadBatch)%2 == 1 {
			args := make([]any, 0, 3*writeLoadBatch)
			for i := 0; i < writeLoadBatch; i++ {
				args = append(args, w, n, fmt.Sprintf("w%d-%d", w, n))
				n++
			}
			out = append(out, writeLoadStatement{batch, args})
			continue
		}
		for i := 0; i < writeLoadBatch; i++ {
			out = append(out, writeLoadStatement{single, []any{w, n, fmt.Sprintf("w%d-%d", w, n)}})
			n++
		}
	}
	return out
}
