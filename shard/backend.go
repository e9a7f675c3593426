package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"
	"time"
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
}

// Backend is the database that stores one or more shards: a *sql.DB pool
// over SQLite (modernc.org/sqlite) or PostgreSQL (pgx).
type Backend struct {
	// DB is the backend's connection pool.
	DB *sql.DB
	// Dialect is the SQL the backend speaks.
	Dialect Dialect
	// URL is the backend URL with any password redacted.
	URL string

	// keep holds a connection open for the backend's lifetime where the
	// database would vanish without one (in-memory SQLite).
	keep *sql.Conn
	// connector opens the backend's connections, for DB and OpenPool.
	connector driver.Connector

	mu         sync.Mutex
	pks        map[string][]string
	identities map[string]string
	// stmts holds prepared statements (SQLite).
	stmts stmtCache
	// schemaGen counts the DDL statements run through the backend (see
	// ForgetSchema); PostgreSQL connections refresh their statement
	// caches when it moves.
	schemaGen int64
}

// Open opens the backend a URL names: sqlite:PATH, sqlite::memory: or
// sqlite:/NAME?vfs=memdb for SQLite, postgres:// or postgresql:// for
// PostgreSQL. It does not connect; the first query does.
func Open(rawURL string, opts PoolOptions) (*Backend, error) {
	var b *Backend
	var err error
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		b, err = openSQLiteBackend(rawURL, opts.WrapConnector)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		b, err = openPostgresBackend(rawURL, opts.WrapConnector)
	default:
		return nil, fmt.Errorf("backend %q: unknown scheme (want sqlite:PATH or postgres://…)", RedactURL(rawURL))
	}
	if err != nil {
		return nil, err
	}
	if opts.MaxOpenConns > 0 {
		b.DB.SetMaxOpenConns(opts.MaxOpenConns)
	}
	idle := opts.MaxIdleConns
	if idle == 0 {
		idle = 4
	}
	b.DB.SetMaxIdleConns(idle)
	if opts.ConnMaxLifetime > 0 {
		b.DB.SetConnMaxLifetime(opts.ConnMaxLifetime)
	}
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
	b.stmts.closeStmts()
	if b.keep != nil {
		b.keep.Close()
	}
	return b.DB.Close()
}

// PrimaryKey returns the primary-key columns of a table, read from the
// backend's catalog once and cached. It implements Schema.
func (b *Backend) PrimaryKey(table string) ([]string, error) {
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
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
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

// generation returns the backend's schema generation.
func (b *Backend) generation() int64 {
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
}
