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
	if c.Tight() {
		t.Errorf("a pool of %d connections is tight", c.MaxOpenConns())
	}
}
