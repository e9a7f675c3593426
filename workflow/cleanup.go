package workflow

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// removeBackends removes retired shards' backends: an SQLite file (with
// its WAL and shared-memory files) is deleted; on PostgreSQL the
// keyspace's tables and the shard record table are dropped from the
// shard's schema, which is left in place.
func removeBackends(ctx context.Context, ks *vschema.Keyspace, shards []*shardBackend) ([]string, error) {
	var removed []string
	for _, s := range shards {
		if path, ok := sqlitePath(s.url); ok {
			s.backend.Close()
			s.backend = nil
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return removed, fmt.Errorf("vitessdo: reshard: cleanup of shard %s: %w", s, err)
				}
			}
			removed = append(removed, s.String())
			continue
		}
		for _, t := range dataTables(ks) {
			if err := dropTable(ctx, s.backend, t.Name); err != nil {
				return removed, fmt.Errorf("vitessdo: reshard: cleanup of shard %s: %w", s, err)
			}
		}
		if err := dropTable(ctx, s.backend, shard.RecordTable); err != nil {
			return removed, fmt.Errorf("vitessdo: reshard: cleanup of shard %s: %w", s, err)
		}
		removed = append(removed, s.String())
	}
	return removed, nil
}

// sqlitePath returns the file of an sqlite: URL.
func sqlitePath(u string) (string, bool) {
	p, ok := strings.CutPrefix(u, "sqlite:")
	if !ok {
		return "", false
	}
	p = strings.TrimPrefix(p, "//")
	p, _, _ = strings.Cut(p, "?")
	return p, p != "" && !strings.HasPrefix(p, ":")
}
