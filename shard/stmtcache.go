package shard

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmtCacheSize bounds the prepared statements an SQLite backend keeps.
const stmtCacheSize = 512

// stmtCache keeps prepared statements of an SQLite backend by SQL text.
// modernc.org/sqlite prepares a statement on every query that is not
// prepared; preparing costs as much as a point query, so the shard
// statements the router sends again and again are prepared once (per pool
// connection, as database/sql does for a *sql.Stmt). PostgreSQL needs
// none: pgx caches statements on each connection itself.
type stmtCache struct {
	mu    sync.Mutex
	ll    *list.List
	items map[string]*list.Element
}

type stmtEntry struct {
	query string
	stmt  *sql.Stmt
}

// prepared returns the cached statement for a query, preparing it on
// first use. Evicted statements are closed; database/sql finishes closing
// a statement only when the rows reading it are closed.
func (b *Backend) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	c := &b.stmts
	c.mu.Lock()
	if e, ok := c.items[query]; ok {
		c.ll.MoveToFront(e)
		st := e.Value.(*stmtEntry).stmt
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	st, err := b.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil {
		c.items = map[string]*list.Element{}
		c.ll = list.New()
	}
	if e, ok := c.items[query]; ok {
		// Prepared meanwhile by another goroutine.
		st.Close()
		return e.Value.(*stmtEntry).stmt, nil
	}
	c.items[query] = c.ll.PushFront(&stmtEntry{query: query, stmt: st})
	for c.ll.Len() > stmtCacheSize {
		last := c.ll.Back()
		c.ll.Remove(last)
		e := last.Value.(*stmtEntry)
		delete(c.items, e.query)
		e.stmt.Close()
	}
	return st, nil
}

// closeStmts closes every cached statement.
func (c *stmtCache) closeStmts() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.items {
		e.Value.(*stmtEntry).stmt.Close()
	}
	c.items, c.ll = nil, nil
}

// stmtOn returns the cached prepared statement of a query for what the
// caller gave (the pool or a transaction on it), or nil when the query
// should run as text: on PostgreSQL, and on anything else.
func (b *Backend) stmtOn(ctx context.Context, on Querier, query string) (*sql.Stmt, error) {
	if _, ok := b.Capabilities().(StatementCacher); !ok {
		return nil, nil
	}
	if tc, ok := on.(*TxConn); ok {
		on = tc.Querier
	}
	switch on := on.(type) {
	case *sql.DB:
		if on == b.DB {
			return b.prepared(ctx, query)
		}
	case *sql.Tx:
		// A transaction uses a statement the pool has prepared, never
		// prepares one on the pool: that needs a second connection while
		// the transaction holds one, and with max_open_conns the pool may
		// have none to give until the transaction ends.
		if st := b.cached(query); st != nil {
			return on.StmtContext(ctx, st), nil
		}
	}
	return nil, nil
}

// cached returns the cached prepared statement of a query, or nil.
func (b *Backend) cached(query string) *sql.Stmt {
	c := &b.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[query]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*stmtEntry).stmt
	}
	return nil
}

// query runs a query, through a cached prepared statement on SQLite.
func (b *Backend) query(ctx context.Context, on Querier, query string, args []any) (*sql.Rows, error) {
	st, err := b.stmtOn(ctx, on, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return on.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// exec runs a write like query runs a read; on a backend whose
// connections cache statements, on the connection's own (execConn).
func (b *Backend) exec(ctx context.Context, on Querier, query string, args []any) (sql.Result, error) {
	if conn, sqlTx, ok := b.connOf(on); ok {
		res, err := b.execConn(ctx, conn, sqlTx, query, args)
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	st, err := b.stmtOn(ctx, on, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return on.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}
