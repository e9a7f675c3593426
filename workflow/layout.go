package workflow

import (
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/shard/postgres"
	"github.com/dot-do/vitessdo/shard/sqlite"
	"github.com/dot-do/vitessdo/vschema"
)

// layout is what a configuration names: the configuration and the
// VSchema the driver would load.
type layout struct {
	cfg *vitessdo.Config
	vs  *vschema.VSchema
}

func openLayout(cfg *vitessdo.Config) (*layout, error) {
	if cfg == nil {
		return nil, fmt.Errorf("vitessdo: workflow: nil Config")
	}
	vs, err := cfg.LoadVSchema()
	if err != nil {
		return nil, err
	}
	return &layout{cfg: cfg, vs: vs}, nil
}

// keyspace returns the named keyspace, or the DSN's default one when
// name is "".
func (l *layout) keyspace(name string) (*vschema.Keyspace, error) {
	if name == "" {
		name = l.cfg.Keyspace
	}
	if name == "" {
		if names := l.vs.KeyspaceNames(); len(names) == 1 {
			name = names[0]
		}
	}
	if name == "" {
		return nil, fmt.Errorf("vitessdo: the vschema has keyspaces %s: name one", strings.Join(l.vs.KeyspaceNames(), ", "))
	}
	ks := l.vs.Keyspace(name)
	if ks == nil {
		return nil, fmt.Errorf("vitessdo: keyspace %q not found in the vschema (keyspaces: %s)", name, strings.Join(l.vs.KeyspaceNames(), ", "))
	}
	return ks, nil
}

// shardBackend is one shard and its open backend.
type shardBackend struct {
	keyspace, name string
	url            string
	backend        *shard.Backend
}

func (s *shardBackend) String() string { return s.keyspace + "/" + s.name }

// openShards opens a backend for each named shard of a keyspace.
func (l *layout) openShards(ks *vschema.Keyspace, names []string) ([]*shardBackend, error) {
	out := make([]*shardBackend, 0, len(names))
	for _, n := range names {
		u, err := l.cfg.ShardURL(ks, n)
		if err != nil {
			closeShards(out)
			return nil, err
		}
		b, err := openBackend(u)
		if err != nil {
			closeShards(out)
			return nil, fmt.Errorf("vitessdo: shard %s/%s: %w", ks.Name, n, err)
		}
		out = append(out, &shardBackend{keyspace: ks.Name, name: n, url: u, backend: b})
	}
	return out, nil
}

func closeShards(shards []*shardBackend) {
	for _, s := range shards {
		if s.backend != nil {
			s.backend.Close()
			s.backend = nil
		}
	}
}

// openBackend opens the backend a URL names with the driver package of
// its database.
func openBackend(rawURL string) (*shard.Backend, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		return sqlite.Open(rawURL, shard.PoolOptions{})
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return postgres.Open(rawURL, shard.PoolOptions{})
	}
	return nil, fmt.Errorf("backend %q: unknown scheme (want sqlite:PATH or postgres://…)", shard.RedactURL(rawURL))
}

// openSource opens a database that vitessdo does not manage, to read it:
// an SQLite file is opened read-only, with its journal mode left as it
// is.
func openSource(rawURL string) (*shard.Backend, error) {
	if p, ok := strings.CutPrefix(rawURL, "sqlite:"); ok {
		path, query, _ := strings.Cut(p, "?")
		if path == "" || strings.HasPrefix(path, ":memory:") {
			return nil, fmt.Errorf("vitessdo: source %q: want sqlite:PATH of a database file", rawURL)
		}
		if query != "" {
			query = "&" + query
		}
		return sqlite.Open("sqlite:"+path+"?mode=ro&_pragma=journal_mode&_pragma=synchronous&_txlock=deferred"+query, shard.PoolOptions{})
	}
	return openBackend(rawURL)
}
