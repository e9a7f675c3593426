package shard

import (
	"path/filepath"
	"testing"
)

func TestCacheKiBForKeepsMemoryFlatInTheShardCount(t *testing.T) {
	for _, tc := range []struct{ shards, want int }{
		{1, 2000}, {4, 2000}, {32, 2000}, {64, 1024}, {256, 256}, {1024, 128},
	} {
		if got := CacheKiBFor(tc.shards); got != tc.want {
			t.Errorf("CacheKiBFor(%d) = %d, want %d", tc.shards, got, tc.want)
		}
	}
}

func TestSQLiteCacheSizeFollowsThePoolOptionsUnlessTheURLSetsIt(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		url  string
		want int
	}{
		{"sqlite:" + filepath.Join(dir, "a.db"), -256},
		{"sqlite:" + filepath.Join(dir, "b.db") + "?_pragma=cache_size(-777)", -777},
	} {
		b, err := Open(tc.url, PoolOptions{SQLiteCacheKiB: 256})
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := b.DB.QueryRow("PRAGMA cache_size").Scan(&got); err != nil {
			t.Fatal(err)
		}
		b.Close()
		if got != tc.want {
			t.Errorf("%s: cache_size %d, want %d", tc.url, got, tc.want)
		}
	}
}

func TestPoolsShareTheProcesssConnectionBudget(t *testing.T) {
	dir := t.TempDir()
	var opened []*Backend
	defer func() {
		for _, b := range opened {
			b.Close()
		}
	}()
	b, err := Open("sqlite:"+filepath.Join(dir, "x.db"), PoolOptions{MaxOpenConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	opened = append(opened, b)
	if got := b.MaxOpenConns(); got != 3 {
		t.Errorf("max_open_conns 3 gives a pool of %d", got)
	}
	c, err := Open("sqlite:"+filepath.Join(dir, "y.db"), PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opened = append(opened, c)
	if got, budget := c.MaxOpenConns(), connBudget(); got <= 0 || got > budget {
		t.Errorf("pool of %d connections, want 1 to the budget of %d", got, budget)
	}
}
