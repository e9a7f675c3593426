package shard

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// idleConnector never connects: a backend over it only sizes its pool.
type idleConnector struct{}

func (idleConnector) Connect(context.Context) (driver.Conn, error) {
	return nil, errors.New("no connection")
}
func (idleConnector) Driver() driver.Driver { return nil }

func openIdle(t *testing.T, opts PoolOptions) *Backend {
	t.Helper()
	b, err := NewBackend(BackendConfig{Dialect: dialect.SQLite, URL: "sqlite:test", Connector: idleConnector{}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestCacheKiBForKeepsMemoryFlatInTheShardCount(t *testing.T) {
	for _, tc := range []struct{ shards, want int }{
		{1, 2000}, {4, 2000}, {32, 2000}, {64, 1024}, {256, 256}, {1024, 128},
	} {
		if got := CacheKiBFor(tc.shards); got != tc.want {
			t.Errorf("CacheKiBFor(%d) = %d, want %d", tc.shards, got, tc.want)
		}
	}
}

func TestPoolsShareTheProcesssConnectionBudget(t *testing.T) {
	b := openIdle(t, PoolOptions{MaxOpenConns: 3})
	if got := b.MaxOpenConns(); got != 3 {
		t.Errorf("max_open_conns 3 gives a pool of %d", got)
	}
	c := openIdle(t, PoolOptions{})
	if got, budget := c.MaxOpenConns(), connBudget(); got <= 0 || got > budget {
		t.Errorf("pool of %d connections, want 1 to the budget of %d", got, budget)
	}
	if !c.Tight() {
		t.Errorf("a pool bounded at %d connections does not take a scatter's connections in order", c.MaxOpenConns())
	}
}

func TestTheBudgetIsBoundedByTheMachineWhateverTheOpenFileLimit(t *testing.T) {
	if got, most := connBudget(), machineConns(); got > most {
		t.Errorf("budget of %d connections, above the machine's bound of %d", got, most)
	}
	if got := machineConns(); got < minConns {
		t.Errorf("machine's bound of %d connections, below %d", got, minConns)
	}
}

func TestIdleConnectionsShrinkWithTheNumberOfPools(t *testing.T) {
	for _, tc := range []struct{ pools, want int }{
		{1, 4}, {4, 4}, {16, 4}, {32, 4}, {64, 2}, {128, 1}, {256, 1}, {4096, 1},
	} {
		if got := idleShare(tc.pools); got != tc.want {
			t.Errorf("idleShare(%d) = %d, want %d", tc.pools, got, tc.want)
		}
	}
}

func TestPoolIdleLimitFollowsThePoolsOpen(t *testing.T) {
	var pools []*Backend
	for range 64 {
		pools = append(pools, openIdle(t, PoolOptions{}))
	}
	got := pools[0].DB.Stats().MaxOpenConnections
	if pools[0].pool != nil {
		got = pools[0].pool.stats().MaxOpen
	}
	if got != pools[0].MaxOpenConns() {
		t.Errorf("pool's bound %d, budget's %d", got, pools[0].MaxOpenConns())
	}
	budget.mu.Lock()
	n := len(budget.backends)
	budget.mu.Unlock()
	if want := idleShare(n); want > 2 {
		t.Errorf("%d pools open keep %d idle connections each, want at most 2", n, want)
	}
}
