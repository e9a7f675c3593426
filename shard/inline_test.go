package shard

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

// A statement found slow runs on a goroutine of its own, so that the
// shards' statements run at once; with one core for them it runs on the
// caller's goroutine however slow, and its rows read the same.
func TestSlowStatementRunsInlineOnOneCore(t *testing.T) {
	b, s, _ := cachingBackend(t, 4, 40)
	const query = "SELECT id, v FROM t ORDER BY id"
	b.costs.record(query, 10*time.Millisecond, true)
	b.costs.record(query, 10*time.Millisecond, true)
	for _, tc := range []struct {
		procs  int
		inline bool
	}{{1, true}, {2, false}} {
		t.Run(fmt.Sprint("GOMAXPROCS=", tc.procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tc.procs))
			if got := Quick(s, query); got != tc.inline {
				t.Fatalf("Quick = %v, want %v", got, tc.inline)
			}
			st, ok := QueryInline(context.Background(), s, b.DB, query, nil)
			if ok != tc.inline {
				t.Fatalf("QueryInline ran: %v, want %v", ok, tc.inline)
			}
			if !ok {
				st = Query(context.Background(), s, b.DB, NewLimiter(1), query, nil)
			}
			defer st.Close()
			if err := st.Wait(); err != nil {
				t.Fatal(err)
			}
			n := 0
			for {
				row, err := st.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				n++
				if want := fmt.Sprint(n, n*10); fmt.Sprint(row...) != want {
					t.Fatalf("row %d = %v, want %s", n, row, want)
				}
			}
			if n != 40 {
				t.Fatalf("%d rows, want 40", n)
			}
		})
	}
}

// How long an in-process statement may take and still run on the
// caller's goroutine grows as the cores to run the shards at once fall:
// a goroutine saves at most 1-1/P of its time.
func TestInProcessQuickBoundFollowsTheCores(t *testing.T) {
	b, s, _ := cachingBackend(t, 4, 1)
	for _, tc := range []struct {
		procs int
		cost  time.Duration
		quick bool
	}{
		{2, 80 * time.Microsecond, true},
		{2, 120 * time.Microsecond, false},
		{4, 60 * time.Microsecond, true},
		{4, 80 * time.Microsecond, false},
		{1, time.Second, true},
	} {
		t.Run(fmt.Sprint(tc.procs, " cores ", tc.cost), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tc.procs))
			query := fmt.Sprint("SELECT id FROM t -- ", tc.procs, tc.cost)
			b.costs.mu.Lock()
			if b.costs.m == nil {
				b.costs.m = map[string]time.Duration{}
			}
			b.costs.m[query] = tc.cost
			b.costs.mu.Unlock()
			if got := Quick(s, query); got != tc.quick {
				t.Fatalf("Quick = %v, want %v", got, tc.quick)
			}
		})
	}
}
