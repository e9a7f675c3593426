package shard

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/internal/dialect"
)

func TestEachCallsEveryIndexOnceWithinTheWorkers(t *testing.T) {
	for _, tt := range []struct{ n, workers int }{{0, 4}, {1, 4}, {2, 1}, {5, 2}, {64, 3}, {3, 10}} {
		var mu sync.Mutex
		calls := make([]int, tt.n)
		var running, most atomic.Int64
		Each(tt.n, tt.workers, func(i int) {
			r := running.Add(1)
			defer running.Add(-1)
			for {
				m := most.Load()
				if r <= m || most.CompareAndSwap(m, r) {
					break
				}
			}
			runtime.Gosched()
			mu.Lock()
			calls[i]++
			mu.Unlock()
		})
		want := make([]int, tt.n)
		for i := range want {
			want[i] = 1
		}
		if diff := cmp.Diff(want, calls); diff != "" {
			t.Errorf("Each(%d, %d): calls per index (-want +got):\n%s", tt.n, tt.workers, diff)
		}
		if m := most.Load(); m > int64(max(1, tt.workers)) {
			t.Errorf("Each(%d, %d): %d calls ran at once", tt.n, tt.workers, m)
		}
	}
}

func TestEachRunsTheFirstIndexOnTheCallersGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	var during int
	Each(1, 8, func(int) { during = runtime.NumGoroutine() })
	if during != before {
		t.Errorf("one call: %d goroutines during it, %d before; want no goroutine started", during, before)
	}
}

func TestWorkersIsOnePerCoreOnlyForBackendsInTheProcess(t *testing.T) {
	sqlite := &Shard{Backend: &Backend{Dialect: dialect.SQLite}}
	pg := &Shard{Backend: &Backend{Dialect: dialect.PostgreSQL}}
	many := func(s *Shard, n int) []*Shard {
		out := make([]*Shard, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	cores := runtime.GOMAXPROCS(0)
	if got := Workers(many(sqlite, 64)); got != min(64, cores) {
		t.Errorf("64 SQLite shards: %d workers, want %d", got, min(64, cores))
	}
	if got := Workers(many(sqlite, 1)); got != 1 {
		t.Errorf("1 SQLite shard: %d workers, want 1", got)
	}
	if got := Workers(append(many(sqlite, 8), pg)); got != 9 {
		t.Errorf("8 SQLite shards and a PostgreSQL one: %d workers, want 9", got)
	}
}
