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
// pool. On a backend whose connections cache statements it is a ConnTx,
// begun on the driver connection; otherwise conn.BeginTx's *sql.Tx.
func (b *Backend) BeginOn(ctx context.Context, conn *sql.Conn, opts *sql.TxOptions) (BackendTx, error) {
	if !b.connCache {
		tx, err := conn.BeginTx(ctx, opts)
		if err != nil {
			return nil, err
		}
		return tx, nil
	}
	var o driver.TxOptions
	if opts != nil {
		o = driver.TxOptions{Isolation: driver.IsolationLevel(opts.Isolation), ReadOnly: opts.ReadOnly}
	}
	t := &ConnTx{conn: conn}
	err := onConn(conn, false, func(cc *cachedConn) error {
		var err error
		t.dtx, err = cc.BeginTx(ctx, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ConnTx is a transaction begun on a pool connection's driver connection
// (the connection holds the transaction, as an SQLite connection does):
// what database/sql's Tx would add — a context watcher (a goroutine per
// transaction), a statement of its own per statement text — it does
// without. Statements run on the connection; the transaction owns it
// until Commit or Rollback, and gives it back only after either (the
// caller closes it).
type ConnTx struct {
	conn *sql.Conn
	dtx  driver.Tx
}

// QueryContext runs a query in the transaction.
func (t *ConnTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if t.dtx == nil {
		return nil, sql.ErrTxDone
	}
	return t.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query in the transaction.
func (t *ConnTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.conn.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement in the transaction.
func (t *ConnTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.dtx == nil {
		return nil, sql.ErrTxDone
	}
	return t.conn.ExecContext(ctx, query, args...)
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
	return t.conn.Raw(func(any) error { return fn(dtx) })
}
