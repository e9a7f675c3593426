package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/dot-do/vitessdo/merge"
)

// A backend whose driver prepares every statement it runs as text
// (StatementCacher: modernc.org/sqlite) opens its connections through a
// cachingConnector: each driver connection keeps its own prepared
// driver.Stmts by SQL text, closed with the connection. The backend's
// own pool (pool.go) holds the connections (max_open_conns, idle and
// lifetime limits, driver.ErrBadConn, session resets, the process's
// budget); a statement outside a transaction takes one from it and runs
// on the connection's own prepared statement, reading its first batch
// of rows there (see ConnRows). Nothing of database/sql (its pool, its
// Stmt's per-connection look-up, its Rows and their context watcher,
// ColumnTypes) runs for it. A transaction's statements run the same way
// on the connection the transaction holds, taken from the same pool for
// the transaction's life (HeldConn).

// connStmtCacheSize bounds the statements one connection keeps prepared;
// the cache starts over when full.
const connStmtCacheSize = 128

// maxBadConnRetries is how many times a statement that found its pool
// connection broken (driver.ErrBadConn: the statement did not run) is
// tried again on another, as database/sql does.
const maxBadConnRetries = 2

// cachingConnector opens a backend's connections, each with its own
// cache of prepared statements.
type cachingConnector struct {
	driver.Connector
	b *Backend
}

// connect opens a driver connection and gives it a statement cache.
func (c *cachingConnector) connect(ctx context.Context) (*cachedConn, error) {
	ci, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	cc := &cachedConn{Conn: ci, b: c.b, gen: c.b.ddlGen.Load()}
	cc.checker, _ = ci.(driver.NamedValueChecker)
	return cc, nil
}

// cachedConn is a driver connection with its prepared statements. It
// passes everything database/sql asks of a connection to the driver's.
// One taker of the pool at a time uses a connection (database/sql, when
// the pool lent it, from one goroutine at a time, (*sql.Conn).Raw
// holding the connection's lock), so the cache needs no lock of its
// own.
type cachedConn struct {
	driver.Conn
	b *Backend
	// gen is the backend's DDL generation the statements were prepared
	// at: DDL through vitessdo drops them.
	gen   int64
	stmts map[string]*cachedStmt
	// last is the statement stmt returned last from the cache: the same
	// text run again finds it without hashing the text.
	last *cachedStmt
	// nv holds a statement's arguments while it starts.
	nv []driver.NamedValue
	// checker is the driver connection's NamedValueChecker, if it has
	// one.
	checker driver.NamedValueChecker
}

// cachedStmt is a prepared statement of a connection.
type cachedStmt struct {
	text string
	si   driver.Stmt
	// busy: rows are reading it, so another use of the same text on the
	// connection (a transaction's second statement while the first's
	// rows are open) prepares a statement of its own.
	busy bool
	// cached: the connection's cache holds it; otherwise it is closed
	// when its rows end.
	cached bool
	// dest receives a row of its rows.
	dest []driver.Value
	// cols describes its last rows (see describeAgain); never changed
	// once stored, so earlier rows may still hold it. kinds are the
	// kinds of the first row's values when cols were described, on a
	// backend whose scan types follow them (see describeFirst).
	cols  []merge.Column
	kinds []valueKind
}

var (
	_ driver.Conn               = (*cachedConn)(nil)
	_ driver.ConnBeginTx        = (*cachedConn)(nil)
	_ driver.ConnPrepareContext = (*cachedConn)(nil)
	_ driver.QueryerContext     = (*cachedConn)(nil)
	_ driver.ExecerContext      = (*cachedConn)(nil)
	_ driver.NamedValueChecker  = (*cachedConn)(nil)
	_ driver.SessionResetter    = (*cachedConn)(nil)
	_ driver.Validator          = (*cachedConn)(nil)
	_ driver.Pinger             = (*cachedConn)(nil)
)

// Close closes the cached statements, then the connection.
func (cc *cachedConn) Close() error {
	cc.dropStmts()
	return cc.Conn.Close()
}

// PrepareContext prepares on the driver's connection (database/sql's own
// statements; they are not cached here).
func (cc *cachedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := cc.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return cc.Conn.Prepare(query)
}

// BeginTx begins a transaction on the driver's connection.
func (cc *cachedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := cc.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	if opts.Isolation != driver.IsolationLevel(sql.LevelDefault) || opts.ReadOnly {
		return nil, errors.New("sql: driver does not support non-default isolation level or read-only transactions")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return cc.Conn.Begin() //nolint:staticcheck // the driver has no BeginTx
}

// QueryContext runs a query as text on the driver's connection, or
// returns driver.ErrSkip for database/sql to prepare it.
func (cc *cachedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := cc.Conn.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

// ExecContext runs a statement as text on the driver's connection, or
// returns driver.ErrSkip for database/sql to prepare it.
func (cc *cachedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := cc.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

// CheckNamedValue is the driver's check, or database/sql's default.
func (cc *cachedConn) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := cc.Conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// ResetSession resets the driver's session.
func (cc *cachedConn) ResetSession(ctx context.Context) error {
	if r, ok := cc.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid reports whether the driver's connection may be reused.
func (cc *cachedConn) IsValid() bool {
	if v, ok := cc.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Ping pings the driver's connection.
func (cc *cachedConn) Ping(ctx context.Context) error {
	if p, ok := cc.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// stmt returns a prepared statement of query for one use: the cached one,
// or one prepared now (and cached, unless the cached one is busy).
func (cc *cachedConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if g := cc.b.ddlGen.Load(); g != cc.gen {
		cc.dropStmts()
		cc.gen = g
	}
	if last := cc.last; last != nil && last.text == query && !last.busy {
		return last, nil
	}
	old := cc.stmts[query]
	if old != nil && !old.busy {
		cc.last = old
		return old, nil
	}
	si, err := cc.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{text: query, si: si}
	if old == nil {
		if len(cc.stmts) >= connStmtCacheSize {
			cc.dropStmts()
		}
		if cc.stmts == nil {
			cc.stmts = make(map[string]*cachedStmt)
		}
		cs.cached = true
		cc.stmts[query] = cs
		cc.last = cs
	}
	return cs, nil
}

// release ends a use of a statement.
func (cc *cachedConn) release(cs *cachedStmt) {
	cs.busy = false
	if !cs.cached {
		cs.si.Close()
	}
}

// dropStmts empties the cache: statements no rows read are closed now,
// busy ones when their rows end.
func (cc *cachedConn) dropStmts() {
	cc.last = nil
	for q, cs := range cc.stmts {
		cs.cached = false
		if !cs.busy {
			cs.si.Close()
		}
		delete(cc.stmts, q)
	}
}

// args converts a statement's arguments as database/sql would: the
// driver's CheckNamedValue, else the default converter.
func (cc *cachedConn) args(args []any) ([]driver.NamedValue, error) {
	nv := cc.nv[:0]
	checker := cc.checker
	for i, a := range args {
		nv = append(nv, driver.NamedValue{Ordinal: i + 1, Value: a})
		if checker == nil && isValue(a) {
			// What the default converter returns unchanged.
			continue
		}
		v := &nv[i]
		err := driver.ErrSkip
		if checker != nil {
			err = checker.CheckNamedValue(v)
		}
		if err == driver.ErrSkip {
			v.Value, err = driver.DefaultParameterConverter.ConvertValue(a)
		}
		if err != nil {
			clear(nv)
			return nil, fmt.Errorf("converting argument $%d type: %w", i+1, err)
		}
	}
	cc.nv = nv
	return nv, nil
}

// isValue reports the values of the types driver.IsValue names but a
// decimal: the default converter returns them as they are.
func isValue(v any) bool {
	switch v.(type) {
	case nil, int64, string, float64, []byte, bool, time.Time:
		return true
	}
	return false
}

// clearArgs lets go of the arguments of the statement that started.
func (cc *cachedConn) clearArgs() {
	clear(cc.nv)
}

func (cs *cachedStmt) query(ctx context.Context, nv []driver.NamedValue) (driver.Rows, error) {
	if q, ok := cs.si.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, nv)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return cs.si.Query(values(nv)) //nolint:staticcheck // the driver has no QueryContext
}

func (cs *cachedStmt) exec(ctx context.Context, nv []driver.NamedValue) (driver.Result, error) {
	if e, ok := cs.si.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, nv)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return cs.si.Exec(values(nv)) //nolint:staticcheck // the driver has no ExecContext
}

func values(nv []driver.NamedValue) []driver.Value {
	vs := make([]driver.Value, len(nv))
	for i, v := range nv {
		vs[i] = v.Value
	}
	return vs
}

// errNotCached is what a statement meets on a connection opened without
// a statement cache; it never happens on a backend that caches.
var errNotCached = errors.New("vitessdo: the backend's connection has no statement cache")

// connRef is a connection a statement runs on other than one it takes
// from the pool: a transaction's (HeldConn), or a *sql.Conn of the
// backend's DB (a stream's own, see QueryOn; or one a database/sql Tx
// holds).
type connRef struct {
	held *HeldConn
	sql  *sql.Conn
}

func (c connRef) set() bool { return c.held != nil || c.sql != nil }

// onConn runs fn on the driver connection of conn: the held one's (see
// HeldConn.run), or inside (*sql.Conn).Raw (see onSQLConn).
func onConn(conn connRef, sqlTx bool, fn func(cc *cachedConn) error) error {
	if conn.held != nil {
		return conn.held.run(fn)
	}
	return onSQLConn(conn.sql, sqlTx, fn)
}

// onSQLConn runs fn on conn's driver connection, inside (*sql.Conn).Raw.
// An error fn returns that is driver.ErrBadConn discards the connection,
// unless a database/sql Tx holds it (sqlTx): there it becomes a
// brokenTxConnError.
func onSQLConn(conn *sql.Conn, sqlTx bool, fn func(cc *cachedConn) error) error {
	return conn.Raw(func(dc any) error {
		l, ok := dc.(*leasedConn)
		if !ok {
			return errNotCached
		}
		err := fn(l.cachedConn)
		if sqlTx && errors.Is(err, driver.ErrBadConn) {
			err = &brokenTxConnError{err}
		}
		return err
	})
}

// brokenTxConnError is driver.ErrBadConn met on the connection of a
// transaction. Raw must not see driver.ErrBadConn there: it would close
// the connection, which waits for the transaction holding it to end. The
// error reads as sql.ErrConnDone instead, so the transaction knows its
// connection broke and rolls back (database/sql then discards the
// connection if the driver finds it bad).
type brokenTxConnError struct{ err error }

func (e *brokenTxConnError) Error() string {
	return "the transaction's connection broke: " + e.err.Error()
}

// Is reports sql.ErrConnDone.
func (e *brokenTxConnError) Is(target error) bool { return target == sql.ErrConnDone }

// cachesConns reports whether the backend's connections cache their
// statements.
func (b *Backend) cachesConns() bool { return b.connCache }

// TxConn is a backend transaction and the connection it runs on, the
// Querier of a shard in a transaction: on a backend whose connections
// cache statements, the transaction's statements run on the
// connection's own (database/sql's Tx would prepare, or look up, a
// statement of its own for each). Querier is the transaction: a
// *sql.Tx, or a ConnTx (see BeginHeld, BeginOn). The connection is
// Held, the transaction's, or else Conn, one of DB's.
type TxConn struct {
	Querier
	Held *HeldConn
	Conn *sql.Conn
}

// connOf returns the connection a statement on q runs on through the
// connection's cache: none for one of the pool's, to take for the
// statement, or the transaction's, with sqlTx set when a database/sql
// Tx holds it. ok is false when the statement runs through database/sql
// instead.
func (b *Backend) connOf(q Querier) (conn connRef, sqlTx, ok bool) {
	if !b.connCache {
		return connRef{}, false, false
	}
	switch q := q.(type) {
	case *sql.DB:
		return connRef{}, false, q == b.DB
	case *TxConn:
		if q.Held != nil {
			return connRef{held: q.Held}, false, true
		}
		_, sqlTx = q.Querier.(*sql.Tx)
		return connRef{sql: q.Conn}, sqlTx, q.Conn != nil
	}
	return connRef{}, false, false
}

// connResult is a write's result, read on its connection.
type connResult struct {
	affected, id       int64
	affectedErr, idErr error
}

func (r connResult) RowsAffected() (int64, error) { return r.affected, r.affectedErr }
func (r connResult) LastInsertId() (int64, error) { return r.id, r.idErr }

// execConn runs a write on a connection's own prepared statement: on tx's
// connection, or on one taken from the pool for it when tx is nil (tried
// again on another when it turns out broken, as database/sql does: up
// to maxBadConnRetries times on any connection, then once on a new one,
// as retry does, without its closure).
func (b *Backend) execConn(ctx context.Context, tx connRef, sqlTx bool, query string, args []any) (connResult, error) {
	if tx.set() {
		var res connResult
		err := onConn(tx, sqlTx, func(cc *cachedConn) error {
			var err error
			res, err = cc.exec(ctx, query, args)
			return err
		})
		return res, err
	}
	for try := 0; ; try++ {
		strategy := cachedOrNew
		if try == maxBadConnRetries {
			strategy = alwaysNew
		}
		pc, err := b.pool.get(ctx, strategy)
		if err == nil {
			var res connResult
			res, err = pc.cc.exec(ctx, query, args)
			b.pool.put(pc, err)
			if err == nil {
				return res, nil
			}
		}
		if try == maxBadConnRetries || !errors.Is(err, driver.ErrBadConn) {
			return connResult{}, err
		}
	}
}

// exec runs a write on the connection's prepared statement of query.
func (cc *cachedConn) exec(ctx context.Context, query string, args []any) (connResult, error) {
	cs, err := cc.stmt(ctx, query)
	if err != nil {
		return connResult{}, err
	}
	nv, err := cc.args(args)
	if err != nil {
		cc.release(cs)
		return connResult{}, err
	}
	r, err := cs.exec(ctx, nv)
	cc.clearArgs()
	cc.release(cs)
	if err != nil {
		return connResult{}, err
	}
	var res connResult
	res.affected, res.affectedErr = r.RowsAffected()
	res.id, res.idErr = r.LastInsertId()
	return res, nil
}

// retry runs fn on a connection of the pool, again while it fails with
// driver.ErrBadConn (the statement did not run): maxBadConnRetries times
// on any connection, then once on a new one, as database/sql does.
func (b *Backend) retry(fn func(connStrategy) error) error {
	for range maxBadConnRetries {
		err := fn(cachedOrNew)
		if !errors.Is(err, driver.ErrBadConn) {
			return err
		}
	}
	return fn(alwaysNew)
}
