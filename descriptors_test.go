package vitessdo_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dot-do/vitessdo"
)

// fdLimitEnv marks the re-run of a test binary in which a test lowers
// the process's open-file limit before it opens anything (see
// inLowFileLimit).
const fdLimitEnv = "VITESSDO_TEST_OPEN_FILE_LIMIT"

// inLowFileLimit runs the calling test again in a process of its own
// whose soft RLIMIT_NOFILE is limit, set before the test opens anything
// (the Go runtime raises the soft limit at start-up, and other tests of
// this process hold descriptors and pools of their own). It returns true
// in that process, where the test goes on; in this one it waits for the
// re-run, reports its failure and returns false.
func inLowFileLimit(t *testing.T, limit uint64) bool {
	t.Helper()
	if os.Getenv(fdLimitEnv) != "" {
		var rl syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			t.Fatalf("getrlimit: %v", err)
		}
		rl.Cur = min(limit, rl.Max)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			t.Fatalf("setrlimit: %v", err)
		}
		return true
	}
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Max < limit {
		t.Skipf("cannot set an open-file limit of %d (hard limit %d, %v)", limit, rl.Max, err)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^"+t.Name()+"$", "-test.count", "1", "-test.v")
	cmd.Env = append(os.Environ(), fdLimitEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("under an open-file limit of %d: %v\n%s", limit, err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("under an open-file limit of %d, the test did not pass:\n%s", limit, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "descriptors:") {
			t.Log(strings.TrimSpace(line))
		}
	}
	return false
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
	if !inLowFileLimit(t, 1024) {
		return
	}
	peak := watchDescriptors(t)
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
	if n := peak(); n > 1024 {
		t.Errorf("%d descriptors open at the peak, above the limit of 1024", n)
	}
	t.Logf("descriptors: %d at the peak, %d after", peak(), openDescriptors(t))
}

// watchDescriptors samples the process's open descriptors until the
// test ends; the function it returns gives the peak so far.
func watchDescriptors(t *testing.T) func() int {
	t.Helper()
	var mu sync.Mutex
	peak := openDescriptors(t)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
					mu.Lock()
					peak = max(peak, len(fds))
					mu.Unlock()
				}
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
