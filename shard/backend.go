package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	syncatomic "sync/atomic"
	"time"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// PoolOptions size a backend's connection pool. Zero values keep
// database/sql's defaults, except MaxIdleConns, which defaults to 4.
type PoolOptions struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	// WrapConnector, when set, wraps the driver.Connector every
	// connection of the backend is opened with: for tracing, metrics, or
	// failures injected in tests. url is the backend URL with any
	// password redacted.
	WrapConnector func(url string, c driver.Connector) driver.Connector
	// SQLiteCacheKiB, when positive, is the page cache of each SQLite
	// connection (PRAGMA cache_size), unless the URL sets one: a
	// topology of many shards gives each a smaller cache, so that memory
	// does not grow with the shard count (see CacheKiBFor).
	SQLiteCacheKiB int
}

// CacheKiBFor returns the SQLite page cache of each connection for a
// topology of n SQLite shards: SQLite's default of 2,000 KiB up to 32
// shards, then 64 MiB shared among them, at least 128 KiB each.
func CacheKiBFor(n int) int {
	if n <= 0 {
		return 2000
	}
	return max(128, min(2000, 64*1024/n))
}

// Backend is the database that stores one or more shards: a *sql.DB pool
// over SQLite or PostgreSQL, opened by the driver package of its database
// (shard/sqlite links modernc.org/sqlite, shard/postgres links pgx).
type Backend struct {
	// DB is the backend's connection pool.
	DB *sql.DB
	// Dialect is the SQL the backend speaks.
	Dialect dialect.Dialect
	// URL is the backend URL with any password redacted.
	URL string

	// keep holds a connection open for the backend's lifetime where the
	// database would vanish without one (in-memory SQLite).
	keep *sql.Conn
	// connector opens the backend's connections, for DB and OpenPool.
	connector driver.Connector
	// caps is the value Capabilities returns, chosen by the driver
	// package that opened the backend.
	caps any
	// noLength: the driver's column lengths say nothing
	// (ColumnLengthsUnknown), so the rows read on the backend's
	// connections report none.
	noLength bool
	// scanByValue: the driver's scan types follow the rows' values
	// (ScanTypesFollowValues).
	scanByValue bool

	mu         sync.Mutex
	pks        map[string][]string
	identities map[string]string
	// stmts holds prepared statements (SQLite).
	stmts stmtCache
	// costs holds how long statements took, to run quick ones inline.
	costs queryCosts
	// maxOpen is the pool's bound (budget.go).
	maxOpen syncatomic.Int64
	// schemaGen counts the DDL statements run through the backend (see
	// ForgetSchema); PostgreSQL connections refresh their statement
	// caches when it moves.
	schemaGen int64
	// ensured holds the shard records EnsureRecord wrote or found.
	ensured sync.Map
	// connCache: the pool's connections keep their own prepared
	// statements (conncache.go); ddlGen counts ForgetSchema calls for
	// them.
	connCache bool
	ddlGen    syncatomic.Int64
	// pool holds the connections of a backend whose connections cache
	// statements (pool.go); DB takes its connections from it.
	pool *connPool
}

// BackendConfig is what the driver package that opens a backend
// (shard/sqlite, shard/postgres) gives NewBackend.
type BackendConfig struct {
	// Dialect is the SQL the backend speaks.
	Dialect dialect.Dialect
	// URL is the backend URL with any password redacted.
	URL string
	// Connector opens the backend's connections; NewBackend wraps it
	// with PoolOptions.WrapConnector.
	Connector driver.Connector
	// KeepOpen holds one connection open for the backend's lifetime, for
	// a database that would vanish without one (in-memory SQLite).
	KeepOpen bool
	// Capabilities is the value Backend.Capabilities returns: what the
	// backend can do beyond database/sql.
	Capabilities any
}

// NewBackend returns the backend over a driver's connector, its pool sized
// by opts. It connects only when c.KeepOpen asks it to.
func NewBackend(c BackendConfig, opts PoolOptions) (*Backend, error) {
	if !c.Dialect.Valid() {
		return nil, fmt.Errorf("backend %q: unknown dialect %v", c.URL, c.Dialect)
	}
	connector := wrap(c.Connector, c.URL, opts.WrapConnector)
	b := &Backend{Dialect: c.Dialect, URL: c.URL, connector: connector, caps: c.Capabilities}
	_, b.noLength = b.Capabilities().(ColumnLengthsUnknown)
	_, b.scanByValue = b.Capabilities().(ScanTypesFollowValues)
	if _, ok := b.Capabilities().(StatementCacher); ok {
		// Each connection keeps its own prepared statements, in the
		// backend's own pool, which DB borrows from.
		b.connCache = true
		cc := &cachingConnector{Connector: connector, b: b}
		b.pool = &connPool{connect: cc.connect}
		b.DB = sql.OpenDB(&leaseConnector{pool: b.pool, driver: connector.Driver()})
		b.DB.SetMaxIdleConns(0)
	} else {
		b.DB = sql.OpenDB(connector)
	}
	if opts.ConnMaxLifetime > 0 {
		if b.pool != nil {
			b.pool.setLifetime(opts.ConnMaxLifetime)
		} else {
			b.DB.SetConnMaxLifetime(opts.ConnMaxLifetime)
		}
	}
	if c.KeepOpen {
		// The database lives as long as one connection is open.
		b.DB.SetConnMaxIdleTime(0)
		conn, err := b.DB.Conn(context.Background())
		if err != nil {
			b.closePools()
			return nil, err
		}
		b.keep = conn
	}
	// Pool sizes: the DSN's, within the process's connection budget
	// (budget.go).
	b.joinBudget(opts)
	return b, nil
}

// OpenPool opens a second connection pool to the backend, apart from DB,
// for work that must not queue behind the shard statements holding DB's
// connections (the two-phase-commit log). The caller closes it.
func (b *Backend) OpenPool() *sql.DB { return sql.OpenDB(b.connector) }

// wrap applies a PoolOptions.WrapConnector to a backend's connector.
func wrap(c driver.Connector, url string, w func(string, driver.Connector) driver.Connector) driver.Connector {
	if w == nil {
		return c
	}
	return w(url, c)
}

// Close closes the backend's pool.
func (b *Backend) Close() error {
	b.leaveBudget()
	b.stmts.closeStmts()
	if b.keep != nil {
		b.keep.Close()
	}
	return b.closePools()
}

// closePools closes DB and the backend's own pool (closing every
// connection, those in use as they are given back), then the connector.
func (b *Backend) closePools() error {
	err := b.DB.Close()
	if b.pool != nil {
		b.pool.close()
		if c, ok := b.connector.(io.Closer); ok {
			err = errors.Join(err, c.Close())
		}
	}
	return err
}

// PrimaryKey returns the primary-key columns of a table, read from the
// backend's catalog once and cached. It implements Schema; rendering for a
// statement uses SchemaContext, so the read honours the statement's
// context.
func (b *Backend) PrimaryKey(table string) ([]string, error) {
	return b.PrimaryKeyContext(context.Background(), table)
}

// PrimaryKeyContext is PrimaryKey reading the catalog under ctx.
func (b *Backend) PrimaryKeyContext(ctx context.Context, table string) ([]string, error) {
	t := strings.ToLower(table)
	b.mu.Lock()
	pk, ok := b.pks[t]
	b.mu.Unlock()
	if ok {
		return pk, nil
	}
	if b.DB == nil {
		return nil, fmt.Errorf("primary key of %q: backend has no database", table)
	}
	cr, ok := b.Capabilities().(CatalogReader)
	if !ok {
		return nil, fmt.Errorf("primary key of %q: %s backends have no catalog vitessdo reads", table, b.Product())
	}
	pk, err := cr.PrimaryKey(ctx, b.DB, t)
	if err != nil {
		return nil, fmt.Errorf("primary key of %q: %w", table, err)
	}
	if len(pk) == 0 {
		return nil, fmt.Errorf("table %q has no primary key", table)
	}
	b.mu.Lock()
	if b.pks == nil {
		b.pks = map[string][]string{}
	}
	b.pks[t] = pk
	b.mu.Unlock()
	return pk, nil
}

// SchemaGeneration counts the DDL statements run through the backend (see
// ForgetSchema): a driver that caches statements per connection drops
// them when it moves.
func (b *Backend) SchemaGeneration() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.schemaGen
}

// ForgetSchema drops cached catalog facts after DDL.
func (b *Backend) ForgetSchema() {
	b.mu.Lock()
	b.schemaGen++
	b.pks, b.identities = nil, nil
	b.mu.Unlock()
	b.ddlGen.Add(1)
}

// SchemaContext returns the backend as the Schema rendering reads, its
// catalog reads made under ctx (the statement's).
func (b *Backend) SchemaContext(ctx context.Context) dialect.Schema { return contextSchema{b, ctx} }

// contextSchema is a backend's Schema bound to a statement's context.
type contextSchema struct {
	b   *Backend
	ctx context.Context
}

func (s contextSchema) PrimaryKey(table string) ([]string, error) {
	return s.b.PrimaryKeyContext(s.ctx, table)
}
