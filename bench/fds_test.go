package bench

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Descriptors: every shard connection holds descriptors of its SQLite
// file (the database, its write-ahead log and shared memory), and the
// process's open-file limit bounds them all. The shard-count benchmarks
// report how many the vitessdo side holds on its shard files: at the
// end of the benchmark (its pools' idle connections) and at the peak.

// fdsUnder counts the process's open descriptors on files under dir.
func fdsUnder(dir string) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err == nil && strings.HasPrefix(target, dir) {
			n++
		}
	}
	return n
}

// shardDir returns the directory of the fixture's shard files ("" when
// its shards are not files).
func (f *fixture) shardDir() string {
	if len(f.shardURLs) == 0 || !strings.HasPrefix(f.shardURLs[0], "sqlite:") {
		return ""
	}
	p := strings.TrimPrefix(f.shardURLs[0], "sqlite:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return filepath.Dir(p) + string(filepath.Separator)
}

// fdPeak samples the descriptors held on a fixture's shard files every
// few milliseconds until stopped, and keeps the peak.
type fdPeak struct {
	dir  string
	stop chan struct{}
	done sync.WaitGroup
	peak int
}

func watchFDs(f *fixture) *fdPeak {
	w := &fdPeak{dir: f.shardDir(), stop: make(chan struct{})}
	if w.dir == "" {
		return w
	}
	w.peak = fdsUnder(w.dir)
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-tick.C:
				w.peak = max(w.peak, fdsUnder(w.dir))
			}
		}
	}()
	return w
}

// report stops the sampling and reports the peak and the descriptors
// held now.
func (w *fdPeak) report(b *testing.B) {
	close(w.stop)
	w.done.Wait()
	if w.dir == "" {
		return
	}
	b.ReportMetric(float64(w.peak), "fds-peak")
	b.ReportMetric(float64(fdsUnder(w.dir)), "fds-held")
}

// reportHeld reports the descriptors the fixture's shard pools hold now,
// without sampling during the benchmark: the sampler reads every
// descriptor's link each few milliseconds, which at hundreds of shards
// takes a core's share from the statements measured (and its
// allocations count in theirs).
func reportHeld(b *testing.B, f *fixture) {
	if dir := f.shardDir(); dir != "" {
		b.ReportMetric(float64(fdsUnder(dir)), "fds-held")
	}
}
