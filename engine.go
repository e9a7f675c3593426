package vitessdo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/dot-do/vitessdo/route"
	"github.com/dot-do/vitessdo/shard"
)

// engine is what every connection of a Connector shares: the VSchema, the
// topology with its shard backends, and the planner with its plan cache
// and sequence caches.
type engine struct {
	cfg     *Config
	planner *route.Planner
	topo    *shard.Topology
	limit   int
	closed  atomic.Bool
	// defaultKeyspace is the session keyspace new connections start in.
	defaultKeyspace string
	// locks detects deadlocks between transactions on SQLite shards.
	locks writeLocks
	// twopc coordinates two-phase commits; nil without PostgreSQL shards.
	twopc *twopc
}

// memoryCounter makes the names of private in-memory shards unique within
// the process.
var memoryCounter atomic.Int64

func newEngine(cfg *Config) (*engine, error) {
	src := route.Source{Keyspace: cfg.Keyspace, ExtraShards: map[string][]string{}}
	if len(cfg.VSchemaJSON) > 0 {
		src.Data = cfg.VSchemaJSON
	} else {
		data, err := os.ReadFile(cfg.VSchema)
		if err != nil {
			return nil, &ConfigError{Msg: "reading vschema", Err: err}
		}
		src.File, src.Data, src.Dir = cfg.VSchema, data, filepath.Dir(cfg.VSchema)
	}
	for target := range cfg.Shards {
		ks, sh, _ := strings.Cut(target, "/")
		src.ExtraShards[ks] = append(src.ExtraShards[ks], sh)
	}
	vs, err := route.LoadVSchema(src)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	topo, err := openTopology(cfg, vs, src.Dir)
	if err != nil {
		return nil, err
	}
	e := &engine{cfg: cfg, topo: topo, planner: route.NewPlanner(vs, topo, cfg.PlanCache), limit: cfg.ScatterConcurrency}
	e.planner.SetMaxMemoryRows(cfg.MaxMemoryRows)
	e.twopc = newTwoPC(topo, cfg.MaxOpenConns)
	if cfg.Keyspace != "" && vs.Keyspace(cfg.Keyspace) != nil {
		e.defaultKeyspace = cfg.Keyspace
	} else if names := vs.KeyspaceNames(); len(names) == 1 {
		e.defaultKeyspace = names[0]
	}
	return e, nil
}

// openTopology opens a backend for every shard: the DSN's shard= URL, else
// the VSchema's "shards" URL, else an SQLite file under dir=. Shards with
// the same URL share one backend.
func openTopology(cfg *Config, vs *route.VSchema, vschemaDir string) (*shard.Topology, error) {
	backends := map[string]*shard.Backend{}
	shards := map[string][]*shard.Shard{}
	closeAll := func() {
		for _, b := range backends {
			b.Close()
		}
	}
	memoryID := memoryCounter.Add(1)
	pool := shard.PoolOptions{MaxOpenConns: cfg.MaxOpenConns, MaxIdleConns: cfg.MaxIdleConns, ConnMaxLifetime: cfg.ConnMaxLifetime, WrapConnector: cfg.WrapConnector}
	for _, ksName := range vs.KeyspaceNames() {
		ks := vs.Keyspace(ksName)
		for i, name := range ks.Shards {
			url, err := shardURL(cfg, ks, name, vschemaDir, memoryID)
			if err != nil {
				closeAll()
				return nil, err
			}
			b := backends[url]
			if b == nil {
				b, err = shard.Open(url, pool)
				if err != nil {
					closeAll()
					return nil, &ConfigError{Msg: fmt.Sprintf("shard %s/%s", ksName, name), Err: err}
				}
				backends[url] = b
			}
			shards[ksName] = append(shards[ksName], &shard.Shard{Keyspace: ksName, Name: name, KeyRange: ks.KeyRanges[i], Backend: b})
		}
	}
	return shard.NewTopology(shards), nil
}

func shardURL(cfg *Config, ks *route.Keyspace, name, vschemaDir string, memoryID int64) (string, error) {
	if u, ok := cfg.Shards[ks.Name+"/"+name]; ok {
		return u, nil
	}
	if u, ok := ks.ShardURLs[name]; ok && u != "" {
		// A relative SQLite path in the VSchema is relative to its file.
		if p, ok := strings.CutPrefix(u, "sqlite:"); ok && vschemaDir != "" && !filepath.IsAbs(p) && !strings.HasPrefix(p, ":") && !strings.HasPrefix(p, "/") {
			return "sqlite:" + filepath.Join(vschemaDir, p), nil
		}
		return u, nil
	}
	switch cfg.Dir {
	case "":
		return "", configErrorf("shard %s/%s has no backend: add dir= to the dsn for SQLite files, a shard=%s/%s=URL entry, or a URL in the vschema's \"shards\"", ks.Name, name, ks.Name, name)
	case ":memory:":
		return fmt.Sprintf("sqlite:/vitessdo-%d-%d-%s-%s?vfs=memdb", os.Getpid(), memoryID, ks.Name, name), nil
	}
	dir := filepath.Join(cfg.Dir, ks.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", &ConfigError{Msg: fmt.Sprintf("shard %s/%s", ks.Name, name), Err: err}
	}
	return "sqlite:" + filepath.Join(dir, name+".db"), nil
}

func (e *engine) close() error {
	if e.closed.Swap(true) {
		return nil
	}
	if e.twopc != nil {
		e.twopc.close()
	}
	return e.topo.Close()
}
