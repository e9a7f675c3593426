package shard

import (
	"context"
	"database/sql/driver"
	"errors"
	"slices"
	"sync"
	"time"
)

// A backend whose connections cache their statements (conncache.go)
// keeps its driver connections in a pool of its own, connPool: a
// statement outside a transaction takes one, runs on its prepared
// driver.Stmt and gives it back, with none of database/sql's pool
// (DB.Conn's *sql.Conn, Raw's locks, its driverConn and dependency
// bookkeeping) in between. The backend's *sql.DB stays for everything
// else (transactions, catalog reads, DDL): it opens its connections
// through a leaseConnector, which takes them from this pool and keeps
// none idle itself, so a connection is only ever in one pool and the
// limits (max_open_conns, max_idle_conns, conn_max_lifetime, the
// process's budget) bound them all.
//
// The pool does what database/sql's does (sql.go: conn, putConn,
// putConnDBLocked): an idle connection is reused most recently returned
// first, after its session is reset (driver.SessionResetter) and
// unless its lifetime is over; one given back is checked with
// driver.Validator and discarded when bad (driver.ErrBadConn) or
// expired (a connection with a lifetime is checked against the clock
// then, and closed by a timer of its own when its lifetime ends while
// idle; without one, the default, taking and giving back read no
// clock); past max_open_conns a taker waits, in order, until a
// connection or room for one is handed to it or its context ends;
// closing the pool closes the idle connections at once and the others
// as they come back.

// errPoolClosed is what taking a connection of a closed backend returns.
var errPoolClosed = errors.New("vitessdo: the shard's connection pool is closed")

// connStrategy says whether a taker may reuse an idle connection, as
// database/sql's retries do: the last try after driver.ErrBadConn opens
// a new one.
type connStrategy int

const (
	cachedOrNew connStrategy = iota
	alwaysNew
)

// connPool is a backend's pool of driver connections.
type connPool struct {
	// connect opens a connection.
	connect func(ctx context.Context) (*cachedConn, error)

	mu   sync.Mutex
	idle []*poolConn
	// open counts the connections open or being opened, idle or not.
	open     int
	maxOpen  int // 0: unbounded
	maxIdle  int
	lifetime time.Duration
	// waiters are the takers waiting for a connection, first first.
	waiters []chan poolGrant
	closed  bool
}

// poolConn is a connection of the pool.
type poolConn struct {
	cc *cachedConn
	// needReset: the connection was used; its session is reset before
	// the next use.
	needReset bool
	// retire ends the connection's lifetime, when it has one (nil
	// otherwise): it closes the connection if idle then; deadline is
	// when.
	retire   *time.Timer
	deadline time.Time
}

// expired reports whether the connection's lifetime is over; only a
// connection with a lifetime reads the clock.
func (pc *poolConn) expired() bool {
	return pc.retire != nil && !time.Now().Before(pc.deadline)
}

// poolGrant is what a waiting taker is handed: a connection, or (pc
// nil) room to open one, counted already; closed when the pool closed.
type poolGrant struct {
	pc     *poolConn
	closed bool
}

// setLimits sets the pool's bounds; idle connections beyond the new
// idle bound are closed, waiters given the room a raised bound makes.
func (p *connPool) setLimits(maxOpen, maxIdle int) {
	p.mu.Lock()
	p.maxOpen, p.maxIdle = maxOpen, maxIdle
	var excess []*poolConn
	if len(p.idle) > maxIdle {
		excess = slices.Clone(p.idle[:len(p.idle)-maxIdle])
		p.idle = slices.Delete(p.idle, 0, len(p.idle)-maxIdle)
	}
	p.grantRoomLocked()
	p.mu.Unlock()
	p.closeConns(excess...)
}

// setLifetime sets how long a connection opened from now on may be used
// (0: for ever).
func (p *connPool) setLifetime(d time.Duration) {
	p.mu.Lock()
	p.lifetime = d
	p.mu.Unlock()
}

// get takes a connection: an idle one (unless strategy is alwaysNew),
// else a new one, else, at maxOpen, the first handed back or the room
// of one closed. It returns driver.ErrBadConn when the idle connection
// it took failed its session reset (the caller tries again, as
// database/sql's callers do), ctx's error when ctx ends first.
func (p *connPool) get(ctx context.Context, strategy connStrategy) (*poolConn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, errPoolClosed
		}
		if err := ctx.Err(); err != nil {
			p.mu.Unlock()
			return nil, err
		}
		if strategy == cachedOrNew && len(p.idle) > 0 {
			pc := p.idle[len(p.idle)-1]
			p.idle = p.idle[:len(p.idle)-1]
			p.mu.Unlock()
			if pc.expired() {
				p.closeConns(pc)
				continue
			}
			return p.ready(ctx, pc)
		}
		if p.maxOpen > 0 && p.open >= p.maxOpen {
			return p.wait(ctx)
		}
		p.open++
		p.mu.Unlock()
		return p.openConn(ctx)
	}
}

// wait waits for a connection or the room for one. Called with p.mu
// held; it unlocks it.
func (p *connPool) wait(ctx context.Context) (*poolConn, error) {
	req := make(chan poolGrant, 1)
	p.waiters = append(p.waiters, req)
	p.mu.Unlock()
	select {
	case g := <-req:
		return p.granted(ctx, g)
	case <-ctx.Done():
		p.mu.Lock()
		i := slices.Index(p.waiters, req)
		if i >= 0 {
			p.waiters = slices.Delete(p.waiters, i, i+1)
		}
		p.mu.Unlock()
		if i < 0 {
			// Handed something meanwhile: give it back.
			if g := <-req; !g.closed {
				if g.pc != nil {
					p.put(g.pc, nil)
				} else {
					p.release()
				}
			}
		}
		return nil, ctx.Err()
	}
}

// granted is what a waiter does with what it was handed: a connection
// given back a moment ago (checked then), or room to open one.
func (p *connPool) granted(ctx context.Context, g poolGrant) (*poolConn, error) {
	switch {
	case g.closed:
		return nil, errPoolClosed
	case g.pc == nil:
		return p.openConn(ctx)
	}
	return p.ready(ctx, g.pc)
}

// openConn opens a connection whose room is counted already.
func (p *connPool) openConn(ctx context.Context) (*poolConn, error) {
	cc, err := p.connect(ctx)
	if err != nil {
		p.release()
		return nil, err
	}
	pc := &poolConn{cc: cc}
	p.mu.Lock()
	if p.lifetime > 0 {
		pc.deadline = time.Now().Add(p.lifetime)
		pc.retire = time.AfterFunc(p.lifetime, func() { p.expire(pc) })
	}
	p.mu.Unlock()
	return pc, nil
}

// expire closes a connection whose lifetime ended, if it is idle; one in
// use is closed when given back (see expired).
func (p *connPool) expire(pc *poolConn) {
	p.mu.Lock()
	i := slices.Index(p.idle, pc)
	if i >= 0 {
		p.idle = slices.Delete(p.idle, i, i+1)
	}
	p.mu.Unlock()
	if i >= 0 {
		p.closeConns(pc)
	}
}

// ready resets a reused connection's session for its next use (ctx's);
// one the driver finds bad is discarded, driver.ErrBadConn returned.
// Other errors of the reset are ignored, as database/sql does.
func (p *connPool) ready(ctx context.Context, pc *poolConn) (*poolConn, error) {
	if pc.needReset {
		pc.needReset = false
		if err := pc.cc.ResetSession(ctx); errors.Is(err, driver.ErrBadConn) {
			p.discard(pc)
			return nil, driver.ErrBadConn
		}
	}
	return pc, nil
}

// put gives a connection back after a use that ended with err:
// driver.ErrBadConn, or a connection the driver does not find valid
// (driver.Validator), expired or beyond the pool's bounds, is closed;
// otherwise it goes to the first waiter, or stays idle within
// maxIdle.
func (p *connPool) put(pc *poolConn, err error) {
	if !errors.Is(err, driver.ErrBadConn) && !pc.cc.IsValid() {
		err = driver.ErrBadConn
	}
	p.putChecked(pc, errors.Is(err, driver.ErrBadConn))
}

// putChecked is put of a connection whose validity is known.
func (p *connPool) putChecked(pc *poolConn, bad bool) {
	pc.needReset = true
	p.mu.Lock()
	if bad || p.closed || pc.expired() || (p.maxOpen > 0 && p.open > p.maxOpen) {
		p.mu.Unlock()
		p.closeConns(pc)
		return
	}
	if len(p.waiters) > 0 {
		req := p.waiters[0]
		p.waiters = slices.Delete(p.waiters, 0, 1)
		p.mu.Unlock()
		req <- poolGrant{pc: pc}
		return
	}
	if len(p.idle) < p.maxIdle {
		p.idle = append(p.idle, pc)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.closeConns(pc)
}

// discard closes a taken connection that is not to be reused.
func (p *connPool) discard(pc *poolConn) { p.putChecked(pc, true) }

// release gives back the room of a connection that failed to open.
func (p *connPool) release() {
	p.mu.Lock()
	p.open--
	p.grantRoomLocked()
	p.mu.Unlock()
}

// grantRoomLocked hands the first waiter the room to open a connection,
// when the pool has room. Called with p.mu held.
func (p *connPool) grantRoomLocked() {
	for len(p.waiters) > 0 && (p.maxOpen <= 0 || p.open < p.maxOpen) {
		req := p.waiters[0]
		p.waiters = slices.Delete(p.waiters, 0, 1)
		p.open++
		req <- poolGrant{}
	}
}

// close closes the pool: its idle connections now, the others when they
// are given back; waiters are told.
func (p *connPool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	idle := p.idle
	p.idle = nil
	for _, req := range p.waiters {
		req <- poolGrant{closed: true}
	}
	p.waiters = nil
	p.mu.Unlock()
	p.closeConns(idle...)
}

// poolStats is what the pool holds.
type poolStats struct {
	// Open counts the connections open, InUse those taken; MaxOpen is
	// the bound (0: none).
	Open, InUse, MaxOpen int
}

// stats returns what the pool holds.
func (p *connPool) stats() poolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return poolStats{Open: p.open, InUse: p.open - len(p.idle), MaxOpen: p.maxOpen}
}

// closeConns closes connections taken out of the pool, then counts them
// closed and hands their room to waiters: as database/sql does, a
// connection is counted open until its driver connection has closed, so
// the driver never holds more than the bound.
func (p *connPool) closeConns(pcs ...*poolConn) {
	if len(pcs) == 0 {
		return
	}
	for _, pc := range pcs {
		if pc.retire != nil {
			pc.retire.Stop()
		}
		pc.cc.Close()
	}
	p.mu.Lock()
	p.open -= len(pcs)
	p.grantRoomLocked()
	p.mu.Unlock()
}
