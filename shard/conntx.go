package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// BackendTx is one backend's transaction in a vitessdo transaction: a
// *sql.Tx, or a ConnTx.
type BackendTx interface {
	Querier
	Commit() error
	Rollback() error
}

var (
	_ BackendTx = (*sql.Tx)(nil)
	_ BackendTx = (*ConnTx)(nil)
)

// BeginOn begins a transaction on a connection taken from the backend's
// DB. On a backend whose connections cache statements it is a ConnTx,
// begun on the driver connection; otherwise conn.BeginTx's *sql.Tx. A
// transaction holding its connection for its life takes it with Hold
// and begins with BeginHeld instead, without DB.
func (b *Backend) BeginOn(ctx context.Context, conn *sql.Conn, opts *sql.TxOptions) (BackendTx, error) {
	if !b.connCache {
		tx, err := conn.BeginTx(ctx, opts)
		if err != nil {
			return nil, err
		}
		return tx, nil
	}
	t := &ConnTx{h: &HeldConn{b: b, conn: conn}}
	if err := t.begin(ctx, opts); err != nil {
		return nil, err
	}
	return t, nil
}

// ConnTx is a transaction begun on a held connection's driver
// connection (the connection holds the transaction, as an SQLite
// connection does): what database/sql's Tx would add — a context
// watcher (a goroutine per transaction), a statement of its own per
// statement text — it does without. Statements run on the connection;
// the transaction owns it until Commit or Rollback, and gives it back
// only after either (the caller releases it).
type ConnTx struct {
	h   *HeldConn
	dtx driver.Tx
}

// begin begins the driver's transaction.
func (t *ConnTx) begin(ctx context.Context, opts *sql.TxOptions) error {
	var o driver.TxOptions
	if opts != nil {
		o = driver.TxOptions{Isolation: driver.IsolationLevel(opts.Isolation), ReadOnly: opts.ReadOnly}
	}
	return t.h.run(func(cc *cachedConn) error {
		var err error
		t.dtx, err = cc.BeginTx(ctx, o)
		return err
	})
}

// QueryContext runs a query in the transaction.
func (t *ConnTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if t.dtx == nil {
		return nil, sql.ErrTxDone
	}
	return t.h.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query in the transaction.
func (t *ConnTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.h.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement in the transaction.
func (t *ConnTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.dtx == nil {
		return nil, sql.ErrTxDone
	}
	return t.h.ExecContext(ctx, query, args...)
}

// Commit commits the transaction; a second Commit or Rollback returns
// sql.ErrTxDone. A connection found broken is discarded.
func (t *ConnTx) Commit() error { return t.end(driver.Tx.Commit) }

// Rollback rolls the transaction back.
func (t *ConnTx) Rollback() error { return t.end(driver.Tx.Rollback) }

func (t *ConnTx) end(fn func(driver.Tx) error) error {
	dtx := t.dtx
	if dtx == nil {
		return sql.ErrTxDone
	}
	t.dtx = nil
	// On a connection discarded under the transaction (a statement
	// found it broken) this is sql.ErrConnDone: the transaction went
	// with it.
	return t.h.run(func(*cachedConn) error { return fn(dtx) })
}
