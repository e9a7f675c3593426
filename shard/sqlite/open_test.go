package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/dot-do/vitessdo/shard"
)

func TestSQLiteCacheSizeFollowsThePoolOptionsUnlessTheURLSetsIt(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		url  string
		want int
	}{
		{"sqlite:" + filepath.Join(dir, "a.db"), -256},
		{"sqlite:" + filepath.Join(dir, "b.db") + "?_pragma=cache_size(-777)", -777},
	} {
		b, err := Open(tc.url, shard.PoolOptions{SQLiteCacheKiB: 256})
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
