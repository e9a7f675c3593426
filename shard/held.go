package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync"
	syncatomic "sync/atomic"
)

// HeldConn is the connection a transaction holds on a backend from the
// statement that joins the backend to the transaction's end. On a
// backend whose connections cache their statements (conncache.go) it is
// taken straight from the backend's own pool (pool.go), with none of
// database/sql's bookkeeping (DB.Conn's *sql.Conn, its driverConn and
// dependencies, Raw's closure and locks): the transaction's statements,
// BEGIN, COMMIT and savepoints run on its driver connection. Only a
// statement whose caller reads database/sql's *sql.Rows (QueryContext,
// QueryRowContext: catalog and sequence reads) has a *sql.Conn of the
// backend's DB lent over the same driver connection, made on its first
// use and kept until the connection is given back. On any other
// backend it is a *sql.Conn of DB.
//
// A HeldConn is used in place (it is part of what holds it) and by one
// statement at a time; its mutex keeps a statement of a transaction's
// scatter, reading on a goroutine of its own, from running beside
// another, as (*sql.Conn).Raw's lock did.
type HeldConn struct {
	b  *Backend
	mu sync.Mutex
	// pc is the pool connection, on a backend with a pool of its own;
	// nil once given back, or discarded because a statement found it
	// broken.
	pc *poolConn
	// conn is DB's connection: the one held, on a backend without a pool
	// of its own (or one a caller holds, see BeginOn), or, with lent
	// set, one lent over pc.
	conn *sql.Conn
	lent bool
	// lentBad: database/sql discarded the lent connection (a statement
	// on it returned driver.ErrBadConn); pc is discarded with it.
	lentBad syncatomic.Bool
	// tx is the backend transaction begun on the connection (BeginHeld).
	tx ConnTx
}

var _ Querier = (*HeldConn)(nil)

// Hold takes a connection of the backend for h to hold, waiting under
// ctx while the pool is full: of the backend's own pool when it has one
// (again on another when the one taken turns out broken, as database/sql
// does), else DB.Conn's.
func (b *Backend) Hold(ctx context.Context, h *HeldConn) error {
	h.b, h.pc, h.conn, h.lent = b, nil, nil, false
	h.lentBad.Store(false)
	if b.pool == nil {
		conn, err := b.DB.Conn(ctx)
		h.conn = conn
		return err
	}
	return b.retry(func(strategy connStrategy) error {
		pc, err := b.pool.get(ctx, strategy)
		h.pc = pc
		return err
	})
}

// Conn returns the *sql.Conn h holds on a backend without a pool of its
// own; nil on one with (whose statements run on the driver connection).
func (h *HeldConn) Conn() *sql.Conn {
	if h.b == nil || h.b.pool != nil {
		return nil
	}
	return h.conn
}

// Release gives the connection back: to the pool unless it was found
// broken, or closes DB's. Releasing twice does nothing.
func (h *HeldConn) Release() { h.release(false) }

// Discard closes the connection instead of giving it back.
func (h *HeldConn) Discard() { h.release(true) }

func (h *HeldConn) release(bad bool) {
	h.mu.Lock()
	pc, conn, lent := h.pc, h.conn, h.lent
	h.pc, h.conn, h.lent = nil, nil, false
	h.mu.Unlock()
	if conn != nil {
		if bad && !lent {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		// A lent connection's close leaves pc to this.
		conn.Close()
	}
	if pc != nil {
		if bad || h.lentBad.Load() {
			h.b.pool.discard(pc)
		} else {
			h.b.pool.put(pc, nil)
		}
	}
}

// direct returns the pool connection a statement runs on directly, with
// h.mu held, or (nil, conn) with h.mu released when the statement runs
// through database/sql's conn instead; both nil when h holds nothing.
func (h *HeldConn) direct() (*poolConn, *sql.Conn) {
	h.mu.Lock()
	if h.pc != nil && !h.lent {
		return h.pc, nil
	}
	conn := h.conn
	h.mu.Unlock()
	return nil, conn
}

// broke notes what fn's error on the direct connection says, and
// releases h.mu: driver.ErrBadConn discards the connection at once (the
// transaction's later statements get sql.ErrConnDone), as database/sql
// closes a *sql.Conn whose statement found its connection broken.
func (h *HeldConn) broke(err error) {
	var pc *poolConn
	if errors.Is(err, driver.ErrBadConn) {
		pc, h.pc = h.pc, nil
	}
	h.mu.Unlock()
	if pc != nil {
		h.b.pool.discard(pc)
	}
}

// run runs fn on the held driver connection: directly, or inside Raw of
// DB's connection (lent, or the caller's).
func (h *HeldConn) run(fn func(cc *cachedConn) error) error {
	pc, conn := h.direct()
	if pc == nil {
		if conn == nil {
			return sql.ErrConnDone
		}
		return onSQLConn(conn, false, fn)
	}
	err := fn(pc.cc)
	h.broke(err)
	return err
}

// ExecContext runs a statement as text on the connection.
func (h *HeldConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	pc, conn := h.direct()
	if pc == nil {
		if conn == nil {
			return nil, sql.ErrConnDone
		}
		return conn.ExecContext(ctx, query, args...)
	}
	res, err := pc.cc.execText(ctx, query, args)
	h.broke(err)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// QueryContext runs a query on the connection, through database/sql.
func (h *HeldConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	conn, err := h.sqlConn()
	if err != nil {
		return nil, err
	}
	return conn.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query on the connection, through database/sql.
func (h *HeldConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	conn, err := h.sqlConn()
	if err != nil {
		return errRow(ctx, h.b.DB, query, args)
	}
	return conn.QueryRowContext(ctx, query, args...)
}

// errRow returns a Row whose Scan fails with sql.ErrConnDone, as one of
// a closed *sql.Conn does (database/sql makes Rows of its own only).
func errRow(ctx context.Context, db *sql.DB, query string, args []any) *sql.Row {
	conn, err := db.Conn(ctx)
	if err != nil {
		done, cancel := context.WithCancel(ctx)
		cancel()
		return db.QueryRowContext(done, query, args...)
	}
	conn.Close()
	return conn.QueryRowContext(ctx, query, args...)
}

// sqlConn returns DB's connection over the held one, lending one the
// first time.
func (h *HeldConn) sqlConn() (*sql.Conn, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conn != nil {
		return h.conn, nil
	}
	if h.pc == nil {
		return nil, sql.ErrConnDone
	}
	conn, err := h.b.DB.Conn(context.WithValue(context.Background(), lendKey{}, h))
	if err != nil {
		return nil, err
	}
	h.conn, h.lent = conn, true
	return conn, nil
}

// lendKey marks the context of DB.Conn that lends a HeldConn's
// connection (see leaseConnector.Connect).
type lendKey struct{}

// BeginHeld begins a transaction on the held connection. On a backend
// whose connections cache statements it is h's ConnTx, begun on the
// driver connection; otherwise the held *sql.Conn's *sql.Tx.
func (b *Backend) BeginHeld(ctx context.Context, h *HeldConn, opts *sql.TxOptions) (BackendTx, error) {
	if !b.connCache {
		tx, err := h.conn.BeginTx(ctx, opts)
		if err != nil {
			return nil, err
		}
		return tx, nil
	}
	h.tx = ConnTx{h: h}
	if err := h.tx.begin(ctx, opts); err != nil {
		return nil, err
	}
	return &h.tx, nil
}

// execText runs a statement as text on the driver's connection (not
// cached: savepoints and settings, whose texts vary), or on its cached
// statement when the driver runs no text.
func (cc *cachedConn) execText(ctx context.Context, query string, args []any) (connResult, error) {
	if _, ok := cc.Conn.(driver.ExecerContext); !ok {
		return cc.exec(ctx, query, args)
	}
	nv, err := cc.args(args)
	if err != nil {
		return connResult{}, err
	}
	r, err := cc.ExecContext(ctx, query, nv)
	cc.clearArgs()
	if errors.Is(err, driver.ErrSkip) {
		return cc.exec(ctx, query, args)
	}
	if err != nil {
		return connResult{}, err
	}
	var res connResult
	res.affected, res.affectedErr = r.RowsAffected()
	res.id, res.idErr = r.LastInsertId()
	return res, nil
}
