package vitessdo_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

// loadVSchema spreads items over four shards by the hash of their id,
// which a sequence in the unsharded keyspace gives: a multi-row INSERT
// reaches several shards.
const loadVSchema = `{
  "keyspaces": {
    "main": {"sharded": false, "tables": {"item_seq": {"type": "sequence"}}},
    "app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "items": {
          "column_vindexes": [{"column": "id", "name": "hash"}],
          "auto_increment": {"column": "id", "sequence": "item_seq"}
        }
      }
    }
  }
}`

var loadDDL = []string{
	"CREATE TABLE item_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO item_seq (id, next_id, cache) VALUES (0, 1, 50)",
	"CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, writer INT NOT NULL, n INT NOT NULL, payload VARCHAR(64))",
	"CREATE INDEX items_writer ON items (writer)",
}

// The load: loadWriters goroutines each write loadRows rows, half as
// single-row INSERTs and half as INSERTs of loadBatch rows (which span
// shards), while loadReaders goroutines scatter-read. (bench/ runs it
// with 100 rows a writer, against one plain database.)
const (
	loadWriters = 100
	loadRows    = 20
	loadBatch   = 10
	loadReaders = 8
)

// TestWritesUnderLoadAllSucceedAndEveryRowIsThereOnce runs the load on
// SQLite shards (and on PostgreSQL shards when VITESSDO_TEST_POSTGRES is
// set). Writers queue for the SQLite files' write locks in the order they
// come, a multi-shard INSERT takes its shards' locks in one global order
// (so no two of them wait for each other in a cycle), and a wait lasts as
// long as the statement's context: not one statement may fail, and every
// row written is there exactly once.
func TestWritesUnderLoadAllSucceedAndEveryRowIsThereOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seconds")
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newTxEnv(t, e, loadVSchema)
		db, _ := env.open(t, "", func(cfg *vitessdo.Config) {
			if e.name == "postgres" {
				// The server's connections are shared by every shard.
				cfg.MaxOpenConns = 24
			}
		})
		for _, q := range loadDDL {
			mustExec(t, db, q)
		}
		r := runLoad(t, db)
		for _, f := range summarize(r.failures) {
			t.Error(f)
		}
		t.Logf("%s: %d statements (%d rows) from %d writers in %v (%.0f rows/s), slowest statement %v; %d scatter reads",
			e.name, r.statements, loadWriters*loadRows, loadWriters, r.elapsed.Round(time.Millisecond),
			float64(loadWriters*loadRows)/r.elapsed.Seconds(), r.slowest.Round(time.Millisecond), r.reads)

		// Every row is there once: the (writer, n) pairs written, and as
		// many distinct ids as rows.
		got := map[string]int{}
		rows, err := db.Query("SELECT writer, n FROM items")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var w, n int
			if err := rows.Scan(&w, &n); err != nil {
				t.Fatal(err)
			}
			got[fmt.Sprint(w, "/", n)]++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		want := map[string]int{}
		for w := 0; w < loadWriters; w++ {
			for n := 0; n < loadRows; n++ {
				want[fmt.Sprint(w, "/", n)] = 1
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rows (writer/n → copies) (-want +got):\n%s", shorten(diff))
		}
		var total, ids int
		if err := db.QueryRow("SELECT COUNT(*), COUNT(DISTINCT id) FROM items").Scan(&total, &ids); err != nil {
			t.Fatal(err)
		}
		if total != loadWriters*loadRows || ids != total {
			t.Errorf("%d rows with %d distinct ids, want %d of each", total, ids, loadWriters*loadRows)
		}
	})
}

// shorten keeps the first lines of a long diff.
func shorten(diff string) string {
	lines := strings.Split(diff, "\n")
	if len(lines) > 40 {
		return strings.Join(lines[:40], "\n") + fmt.Sprintf("\n… %d more lines", len(lines)-40)
	}
	return diff
}

type loadResult struct {
	statements int64
	reads      int64
	elapsed    time.Duration
	slowest    time.Duration
	failures   []string
}

// runLoad runs the writers and the readers until every writer is done.
// Each statement has a generous deadline, so a stuck queue fails the test
// instead of hanging it.
func runLoad(t *testing.T, db *sql.DB) loadResult {
	t.Helper()
	var (
		res      loadResult
		mu       sync.Mutex
		slowest  atomic.Int64
		stmts    atomic.Int64
		reads    atomic.Int64
		failures []string
	)
	fail := func(s string) {
		mu.Lock()
		failures = append(failures, s)
		mu.Unlock()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := 0; r < loadReaders; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			last := map[int]int{}
			for i := r; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				// A writer's rows, on every shard: their count never
				// goes down.
				w, n := i%loadWriters, 0
				err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM items WHERE writer = ?", w).Scan(&n)
				cancel()
				if err != nil {
					fail("scatter read: " + err.Error())
					return
				}
				if n < last[w] {
					fail(fmt.Sprintf("scatter read: writer %d has %d rows after %d", w, n, last[w]))
				}
				last[w] = n
				reads.Add(1)
			}
		}()
	}
	start := time.Now()
	var writers sync.WaitGroup
	for w := 0; w < loadWriters; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for _, st := range loadStatements(w) {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				began := time.Now()
				_, err := db.ExecContext(ctx, st.sql, st.args...)
				d := time.Since(began)
				cancel()
				stmts.Add(1)
				for s := slowest.Load(); int64(d) > s && !slowest.CompareAndSwap(s, int64(d)); s = slowest.Load() {
				}
				if err != nil {
					fail(err.Error())
				}
			}
		}()
	}
	writers.Wait()
	res.elapsed = time.Since(start)
	close(stop)
	readers.Wait()
	res.statements, res.reads, res.slowest, res.failures = stmts.Load(), reads.Load(), time.Duration(slowest.Load()), failures
	return res
}

type loadStatement struct {
	sql  string
	args []any
}

// loadStatements returns a writer's statements: single-row and
// loadBatch-row INSERTs, interleaved, covering n = 0 … loadRows-1.
func loadStatements(w int) []loadStatement {
	single := "INSERT INTO items (writer, n, payload) VALUES (?, ?, ?)"
	batch := single + strings.Repeat(", (?, ?, ?)", loadBatch-1)
	var out []loadStatement
	n := 0
	for n < loadRows {
		if (n/loadBatch)%2 == 1 {
			args := make([]any, 0, 3*loadBatch)
			for i := 0; i < loadBatch; i++ {
				args = append(args, w, n, fmt.Sprintf("w%d-%d", w, n))
				n++
			}
			out = append(out, loadStatement{batch, args})
			continue
		}
		for i := 0; i < loadBatch; i++ {
			out = append(out, loadStatement{single, []any{w, n, fmt.Sprintf("w%d-%d", w, n)}})
			n++
		}
	}
	return out
}
