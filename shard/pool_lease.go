package shard

import (
	"context"
	"database/sql/driver"
)

// leaseConnector is the connector of a backend's *sql.DB when the
// backend pools its connections itself (pool.go): each connection
// database/sql opens is one taken from the backend's connPool, and
// closing it gives it back. The *sql.DB keeps no connection idle
// (SetMaxIdleConns(0)) and sets no bound of its own: the connPool's
// bounds, waits and lifetime apply to both.
type leaseConnector struct {
	pool   *connPool
	driver driver.Driver
}

// Connect takes a connection of the pool, waiting under ctx when the
// pool is at its bound.
// A DB.Conn whose context holds a HeldConn (lendKey) is lent that
// connection instead: closing it leaves the connection to the HeldConn.
func (c *leaseConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if h, ok := ctx.Value(lendKey{}).(*HeldConn); ok {
		return &leasedConn{cachedConn: h.pc.cc, pc: h.pc, pool: c.pool, lentTo: h}, nil
	}
	pc, err := c.pool.get(ctx, cachedOrNew)
	if err != nil {
		return nil, err
	}
	return &leasedConn{cachedConn: pc.cc, pc: pc, pool: c.pool}, nil
}

// Driver returns the backend's driver.
func (c *leaseConnector) Driver() driver.Driver { return c.driver }

// leasedConn is a pool connection lent to database/sql: everything runs
// on the connection's cachedConn. database/sql closes it when it is
// done with it, having asked IsValid first when it found the connection
// good (putConn's validateConnection), not when a statement returned
// driver.ErrBadConn: a connection closed after a valid IsValid goes back
// to the pool, any other is discarded. database/sql reuses no connection
// (it keeps none idle), so it never resets one's session: the pool does,
// when it next hands the connection out.
type leasedConn struct {
	*cachedConn
	pc    *poolConn
	pool  *connPool
	valid bool
	done  bool
	// lentTo is the HeldConn whose connection this is, lent over it
	// (see HeldConn.sqlConn): closing it tells it whether the connection
	// is still good, and gives nothing back.
	lentTo *HeldConn
}

// IsValid reports whether the driver's connection may be reused, and
// notes it for Close.
func (l *leasedConn) IsValid() bool {
	l.valid = l.cachedConn.IsValid()
	return l.valid
}

// ResetSession does nothing: the pool resets a connection when it hands
// it out again.
func (l *leasedConn) ResetSession(context.Context) error { return nil }

// Close gives the connection back to the pool, or discards it.
func (l *leasedConn) Close() error {
	if l.done {
		return nil
	}
	l.done = true
	if l.lentTo != nil {
		if !l.valid {
			l.lentTo.lentBad.Store(true)
		}
		return nil
	}
	l.pool.putChecked(l.pc, !l.valid)
	return nil
}
