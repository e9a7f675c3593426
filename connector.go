package vitessdo

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dot-do/vitessdo/internal/txn"
	"github.com/dot-do/vitessdo/route"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/shard/postgres"
	"github.com/dot-do/vitessdo/shard/sqlite"
	"github.com/dot-do/vitessdo/vschema"
)

// Connector owns what all connections of one database share: the VSchema,
// the plan cache, the sequence caches and one connection pool per shard
// backend. A vitessdo connection borrows shard connections from those
// pools as its statements need them. Closing the *sql.DB closes the
// Connector, which closes every shard pool.
type Connector struct {
	cfg     *Config
	engine  *engine
	closeMu sync.Once
	err     error
}

var (
	_ driver.Connector = (*Connector)(nil)
	_ io.Closer        = (*Connector)(nil)
)

// NewConnector returns a Connector for a configuration built in Go, for
// use with sql.OpenDB. The Config is copied; later changes to it have no
// effect.
func NewConnector(cfg *Config) (*Connector, error) {
	if cfg == nil {
		return nil, configErrorf("nil Config")
	}
	cfg = cfg.clone()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	e, err := newEngine(cfg)
	if err != nil {
		return nil, err
	}
	return &Connector{cfg: cfg, engine: e}, nil
}

// Connect returns a new connection. It does not connect to any shard: shard
// connections are taken from the shard pools when statements run.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if c.engine.closed.Load() {
		return nil, errors.New("vitessdo: connector is closed")
	}
	return newConn(c.engine), nil
}

// Driver returns the vitessdo Driver.
func (c *Connector) Driver() driver.Driver { return &Driver{} }

// Close closes every shard backend's pool. database/sql calls it when the
// *sql.DB is closed.
func (c *Connector) Close() error {
	c.closeMu.Do(func() {
		c.err = c.engine.close()
	})
	return c.err
}

// Config returns a copy of the connector's configuration.
func (c *Connector) Config() *Config { return c.cfg.clone() }

// RecoverTwoPC runs a two-phase-commit recovery pass now: prepared
// transactions that two-phase commits left behind on the topology's
// PostgreSQL shards (the process stopped between PREPARE and COMMIT
// PREPARED, or a shard was unreachable) are committed if their commit
// decision is recorded and rolled back otherwise, unless they belong to a
// live connector in another process. The connector runs a pass in the
// background when it opens and after a commit that leaves work behind; a
// program calls RecoverTwoPC to know when it is done, or to see its
// errors. Without PostgreSQL shards it does nothing.
func (c *Connector) RecoverTwoPC(ctx context.Context) (TwoPCRecovery, error) {
	return c.engine.txns.RecoverTwoPC(ctx)
}

// engine is what every connection of a Connector shares: the VSchema, the
// topology with its shard backends, and the planner with its plan cache
// and sequence caches.
type engine struct {
	cfg     *Config
	vs      *vschema.VSchema
	planner *route.Planner
	topo    *shard.Topology
	limit   int
	closed  atomic.Bool
	// defaultKeyspace is the session keyspace new connections start in.
	defaultKeyspace string
	// txns coordinates the connections' transactions: write-lock
	// queues on SQLite shards, two-phase commit and its recovery.
	txns *txn.Coordinator
}

// memoryCounter makes the names of private in-memory shards unique within
// the process.
var memoryCounter atomic.Int64

func newEngine(cfg *Config) (*engine, error) {
	src := vschema.Source{Keyspace: cfg.Keyspace, ExtraShards: map[string][]string{}}
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
	vs, err := vschema.Load(src)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	topo, err := openTopology(cfg, vs, src.Dir)
	if err != nil {
		return nil, err
	}
	if !cfg.SkipLayoutCheck {
		// A backend that does not answer in time is left out: its
		// statements will say so.
		ctx, cancel := context.WithTimeout(context.Background(), layoutCheckTimeout)
		problems := checkLayout(ctx, cfg, vs, topo, true)
		cancel()
		if len(problems) > 0 {
			topo.Close()
			return nil, problems[0]
		}
	}
	e := &engine{cfg: cfg, vs: vs, topo: topo, planner: route.NewPlanner(vs, topo, cfg.PlanCache, route.WithMaxMemoryRows(cfg.MaxMemoryRows), route.WithJoinBatch(cfg.JoinBatch), route.WithJoinHash(cfg.JoinHash)), limit: scatterLimit(cfg.ScatterConcurrency)}
	e.txns = txn.NewCoordinator(topo, cfg.MaxOpenConns)
	if cfg.Keyspace != "" && vs.Keyspace(cfg.Keyspace) != nil {
		e.defaultKeyspace = cfg.Keyspace
	} else if names := vs.KeyspaceNames(); len(names) == 1 {
		e.defaultKeyspace = names[0]
	}
	return e, nil
}

// scatterLimit returns a statement's bound on shards fetching at once:
// the DSN's, else four per core (at least 8). Shard statements are
// CPU-bound on SQLite, so more fetchers than that only queue for the
// cores, while a fetcher waiting on a PostgreSQL server still leaves
// room for the next.
func scatterLimit(n int) int {
	if n > 0 {
		return n
	}
	return max(8, 4*runtime.GOMAXPROCS(0))
}

// countShards returns how many shards the VSchema lists.
func countShards(vs *vschema.VSchema) int {
	n := 0
	for _, ks := range vs.KeyspaceNames() {
		n += len(vs.Keyspace(ks).Shards)
	}
	return n
}

// openTopology opens a backend for every shard: the DSN's shard= URL, else
// the VSchema's "shards" URL, else an SQLite file under dir=. Shards with
// the same URL share one backend.
func openTopology(cfg *Config, vs *vschema.VSchema, vschemaDir string) (*shard.Topology, error) {
	backends := map[string]*shard.Backend{}
	shards := map[string][]*shard.Shard{}
	closeAll := func() {
		for _, b := range backends {
			b.Close()
		}
	}
	memoryID := memoryCounter.Add(1)
	pool := shard.PoolOptions{MaxOpenConns: cfg.MaxOpenConns, MaxIdleConns: cfg.MaxIdleConns, ConnMaxLifetime: cfg.ConnMaxLifetime, WrapConnector: cfg.WrapConnector}
	// Memory flat in the shard count: with many SQLite shards each
	// connection gets a smaller page cache.
	pool.SQLiteCacheKiB = shard.CacheKiBFor(countShards(vs))
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
				b, err = openBackend(url, pool)
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

func shardURL(cfg *Config, ks *vschema.Keyspace, name, vschemaDir string, memoryID int64) (string, error) {
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
	e.txns.Close()
	return e.topo.Close()
}

// openBackend opens the backend a URL names with the driver package of its
// database: sqlite:PATH, sqlite::memory: or sqlite:/NAME?vfs=memdb for
// SQLite, postgres:// or postgresql:// for PostgreSQL. The drivers are
// linked here, by the database/sql surface, so that the planner links none.
func openBackend(rawURL string, pool shard.PoolOptions) (*shard.Backend, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		return sqlite.Open(rawURL, pool)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return postgres.Open(rawURL, pool)
	}
	return nil, fmt.Errorf("backend %q: unknown scheme (want sqlite:PATH or postgres://…)", shard.RedactURL(rawURL))
}
