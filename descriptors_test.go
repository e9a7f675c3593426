package vitessdo_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/dot-do/vitessdo"
)

// lowerOpenFileLimit sets the process's soft RLIMIT_NOFILE for the test.
func lowerOpenFileLimit(t *testing.T, n uint64) {
	t.Helper()
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Skipf("getrlimit: %v", err)
	}
	if rl.Cur < n {
		t.Skipf("open-file limit is %d already, below %d", rl.Cur, n)
	}
	saved := rl
	rl.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &saved) })
}

func openDescriptors(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	return len(fds)
}

// shardNames256 returns 256 equal key ranges: -01, 01-02, …, ff-.
func shardNames256() []string {
	names := make([]string, 256)
	for i := range names {
		lo, hi := "", ""
		if i > 0 {
			lo = fmt.Sprintf("%02x", i)
		}
		if i < 255 {
			hi = fmt.Sprintf("%02x", i+1)
		}
		names[i] = `"` + lo + "-" + hi + `"`
	}
	return names
}

// TestScattersOver256ShardsStayWithinTheOpenFileLimit opens 256 SQLite
// shards under an open-file limit of 1024 and runs 32 scatters at once,
// quick ones (a COUNT) and ones whose rows outlast a batch (a full ORDER
// BY): the shard pools share one budget of connections derived from the
// limit, and every answer is complete.
func TestScattersOver256ShardsStayWithinTheOpenFileLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 256 shards")
	}
	lowerOpenFileLimit(t, 1024)
	vschema := `{"sharded": true, "shards": [` + strings.Join(shardNames256(), ", ") + `],
	  "vindexes": {"hash": {"type": "hash"}},
	  "tables": {"t": {"column_vindexes": [{"column": "id", "name": "hash"}]}}}`
	dir := t.TempDir()
	path := dir + "/app.json"
	if err := os.WriteFile(path, []byte(vschema), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := vitessdo.NewConnector(&vitessdo.Config{VSchema: path, Keyspace: "app", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v INT)"); err != nil {
		t.Fatal(err)
	}
	const rows = 256 * 50
	for base := 0; base < rows; base += 200 {
		var sb strings.Builder
		args := make([]any, 0, 400)
		for id := base; id < base+200; id++ {
			if id > base {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?)")
			args = append(args, id, id%7)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO t (id, v) VALUES "+sb.String(), args...); err != nil {
			t.Fatalf("insert: %v", err)
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if g%2 == 0 {
					var n int
					if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil {
						errs <- err
						return
					}
					if n != rows {
						errs <- fmt.Errorf("COUNT(*) = %d, want %d", n, rows)
						return
					}
					continue
				}
				rs, err := db.QueryContext(ctx, "SELECT id FROM t ORDER BY id")
				if err != nil {
					errs <- err
					return
				}
				want := 0
				for rs.Next() {
					var id int
					if err := rs.Scan(&id); err != nil {
						errs <- err
						break
					}
					if id != want {
						errs <- fmt.Errorf("ORDER BY id: row %d is %d", want, id)
						break
					}
					want++
				}
				rs.Close()
				if err := rs.Err(); err != nil {
					errs <- err
					return
				}
				if want != rows {
					errs <- fmt.Errorf("ORDER BY id: %d rows, want %d", want, rows)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := openDescriptors(t); n > 1024 {
		t.Errorf("%d descriptors open, above the limit of 1024", n)
	}
}
