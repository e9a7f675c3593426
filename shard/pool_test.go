package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"sync"
	"testing"
	"time"
)

// fakeDriver counts the connections a connPool opens and closes, and
// the session resets it asks for; its connections fail as told.
type fakeDriver struct {
	mu      sync.Mutex
	opened  int
	closed  int
	open    int // open now
	maxOpen int // the most open at once
	resets  int
	// resetBad makes the next resets fail with driver.ErrBadConn.
	resetBad int
	// connectErr fails the next connects.
	connectErr error
}

type fakeConn struct {
	d       *fakeDriver
	id      int
	invalid bool
	closed  bool
	// execBad makes the next exec fail with driver.ErrBadConn.
	execBad bool
}

func (d *fakeDriver) connect(ctx context.Context) (*cachedConn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.connectErr != nil {
		err := d.connectErr
		d.connectErr = nil
		return nil, err
	}
	d.opened++
	d.open++
	d.maxOpen = max(d.maxOpen, d.open)
	return &cachedConn{Conn: &fakeConn{d: d, id: d.opened}, b: &Backend{}}, nil
}

func (d *fakeDriver) counts() (opened, closed, open int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opened, d.closed, d.open
}

func (c *fakeConn) Prepare(string) (driver.Stmt, error) { return fakeStmt{c}, nil }

func (c *fakeConn) Close() error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.closed {
		panic("connection closed twice")
	}
	c.closed = true
	c.d.closed++
	c.d.open--
	return nil
}

func (c *fakeConn) Begin() (driver.Tx, error) { return nil, errors.New("no transactions") }

func (c *fakeConn) ResetSession(context.Context) error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	c.d.resets++
	if c.d.resetBad > 0 {
		c.d.resetBad--
		return driver.ErrBadConn
	}
	return nil
}

func (c *fakeConn) IsValid() bool { return !c.invalid }

// ExecContext runs nothing; it fails once with driver.ErrBadConn when
// execBad is set.
func (c *fakeConn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	if c.execBad {
		c.execBad = false
		return nil, driver.ErrBadConn
	}
	return driver.RowsAffected(1), nil
}

type fakeStmt struct{ c *fakeConn }

func (fakeStmt) Close() error                               { return nil }
func (fakeStmt) NumInput() int                              { return -1 }
func (fakeStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(1), nil }
func (fakeStmt) Query([]driver.Value) (driver.Rows, error)  { return fakeRows{}, nil }

type fakeRows struct{}

func (fakeRows) Columns() []string         { return nil }
func (fakeRows) Close() error              { return nil }
func (fakeRows) Next([]driver.Value) error { return io.EOF }

func newFakePool(maxOpen, maxIdle int) (*connPool, *fakeDriver) {
	d := &fakeDriver{}
	p := &connPool{connect: d.connect}
	p.setLimits(maxOpen, maxIdle)
	return p, d
}

func mustGet(t *testing.T, p *connPool) *poolConn {
	t.Helper()
	pc, err := p.get(context.Background(), cachedOrNew)
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

// getAsync takes a connection on another goroutine.
func getAsync(ctx context.Context, p *connPool) chan error {
	got := make(chan error, 1)
	go func() {
		pc, err := p.get(ctx, cachedOrNew)
		if err == nil {
			p.put(pc, nil)
		}
		got <- err
	}()
	return got
}

// waiting waits until n takers wait for the pool.
func waiting(t *testing.T, p *connPool, n int) {
	t.Helper()
	for range 5000 {
		p.mu.Lock()
		w := len(p.waiters)
		p.mu.Unlock()
		if w == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d takers never waited", n)
}

func TestPoolReusesIdleConnectionsWithinItsLimits(t *testing.T) {
	p, d := newFakePool(2, 1)
	a, b := mustGet(t, p), mustGet(t, p)
	if a == b {
		t.Fatal("one connection taken twice")
	}
	p.put(a, nil)
	p.put(b, nil) // beyond max_idle_conns: closed
	if opened, closed, _ := d.counts(); opened != 2 || closed != 1 {
		t.Errorf("opened %d, closed %d; want 2 and 1", opened, closed)
	}
	c := mustGet(t, p)
	if c != b && c != a {
		t.Error("the idle connection was not reused")
	}
	if d.resets != 1 {
		t.Errorf("%d session resets of a reused connection, want 1", d.resets)
	}
	p.put(c, nil)
	if s := p.stats(); s.Open != 1 || s.InUse != 0 || s.MaxOpen != 2 {
		t.Errorf("stats %+v", s)
	}
}

func TestPoolBlocksAtItsBoundUntilAConnectionComesBack(t *testing.T) {
	p, d := newFakePool(1, 1)
	a := mustGet(t, p)
	got := getAsync(context.Background(), p)
	waiting(t, p, 1)
	select {
	case err := <-got:
		t.Fatalf("a taker beyond the bound did not wait: %v", err)
	default:
	}
	p.put(a, nil)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if opened, _, _ := d.counts(); opened != 1 {
		t.Errorf("%d connections opened under a bound of 1", opened)
	}
}

func TestPoolWaitEndsWithItsContextAndLeavesTheBoundWhole(t *testing.T) {
	p, d := newFakePool(1, 1)
	a := mustGet(t, p)
	ctx, cancel := context.WithCancel(context.Background())
	got := getAsync(ctx, p)
	waiting(t, p, 1)
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	waiting(t, p, 0)
	// The room the cancelled waiter had is the pool's again: the next
	// taker gets the connection given back.
	p.put(a, nil)
	b := mustGet(t, p)
	p.put(b, nil)
	if s := p.stats(); s.Open != 1 || s.InUse != 0 {
		t.Errorf("stats %+v", s)
	}
	if opened, _, _ := d.counts(); opened != 1 {
		t.Errorf("%d connections opened", opened)
	}
	// A context already done takes nothing.
	if _, err := p.get(ctx, cachedOrNew); !errors.Is(err, context.Canceled) {
		t.Errorf("done context: %v", err)
	}
}

func TestPoolDiscardsBadConnectionsAndHandsTheirRoomToAWaiter(t *testing.T) {
	p, d := newFakePool(1, 1)
	a := mustGet(t, p)
	got := getAsync(context.Background(), p)
	waiting(t, p, 1)
	p.put(a, driver.ErrBadConn)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	b := mustGet(t, p)
	if b == a {
		t.Fatal("a bad connection was reused")
	}
	b.cc.Conn.(*fakeConn).invalid = true // driver.Validator says no
	p.put(b, nil)
	c := mustGet(t, p)
	if c == b {
		t.Fatal("an invalid connection was reused")
	}
	p.put(c, nil)
	if opened, closed, open := d.counts(); opened != 3 || closed != 2 || open != 1 {
		t.Errorf("opened %d, closed %d, open %d; want 3, 2, 1", opened, closed, open)
	}
}

func TestPoolDiscardsAConnectionWhoseSessionResetFails(t *testing.T) {
	p, d := newFakePool(2, 2)
	a := mustGet(t, p)
	p.put(a, nil)
	d.resetBad = 1
	if _, err := p.get(context.Background(), cachedOrNew); !errors.Is(err, driver.ErrBadConn) {
		t.Fatalf("reset failed with ErrBadConn: got %v", err)
	}
	b := mustGet(t, p)
	if b == a {
		t.Fatal("a connection whose reset failed was reused")
	}
	p.put(b, nil)
	if _, closed, open := d.counts(); closed != 1 || open != 1 {
		t.Errorf("closed %d, open %d", closed, open)
	}
}

func TestPoolOpensANewConnectionWhenAskedTo(t *testing.T) {
	p, d := newFakePool(2, 2)
	a := mustGet(t, p)
	p.put(a, nil)
	b, err := p.get(context.Background(), alwaysNew)
	if err != nil {
		t.Fatal(err)
	}
	if b == a {
		t.Fatal("alwaysNew reused an idle connection")
	}
	p.put(b, nil)
	if opened, _, _ := d.counts(); opened != 2 {
		t.Errorf("%d opened", opened)
	}
}

func TestPoolConnectFailureGivesBackItsRoom(t *testing.T) {
	p, d := newFakePool(1, 1)
	d.connectErr = errors.New("refused")
	if _, err := p.get(context.Background(), cachedOrNew); err == nil {
		t.Fatal("connect error lost")
	}
	a := mustGet(t, p) // the failed open's room is free again
	p.put(a, nil)
}

func TestPoolClosesConnectionsPastTheirLifetime(t *testing.T) {
	p, d := newFakePool(2, 2)
	p.setLifetime(20 * time.Millisecond)
	a := mustGet(t, p)
	p.put(a, nil)
	time.Sleep(30 * time.Millisecond)
	b := mustGet(t, p)
	if b == a {
		t.Fatal("an expired connection was reused")
	}
	// Given back after its lifetime, a connection is closed.
	time.Sleep(30 * time.Millisecond)
	p.put(b, nil)
	if _, closed, open := d.counts(); closed != 2 || open != 0 {
		t.Errorf("closed %d, open %d; want 2 and 0", closed, open)
	}
	// An idle one is closed by the cleaner, unasked.
	c := mustGet(t, p)
	p.put(c, nil)
	for range 500 {
		if _, _, open := d.counts(); open == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, _, open := d.counts(); open != 0 {
		t.Errorf("%d expired idle connections left open", open)
	}
	if s := p.stats(); s.Open != 0 {
		t.Errorf("stats %+v", s)
	}
	p.close()
}

func TestPoolCloseClosesEveryConnectionAndEndsWaits(t *testing.T) {
	p, d := newFakePool(2, 2)
	a, b := mustGet(t, p), mustGet(t, p)
	p.put(a, nil)
	c := mustGet(t, p)
	got := getAsync(context.Background(), p)
	waiting(t, p, 1)
	p.close()
	if err := <-got; !errors.Is(err, errPoolClosed) {
		t.Errorf("waiter after close: %v", err)
	}
	if _, err := p.get(context.Background(), cachedOrNew); !errors.Is(err, errPoolClosed) {
		t.Errorf("take after close: %v", err)
	}
	p.put(b, nil)
	p.put(c, nil)
	if opened, closed, open := d.counts(); opened != closed || open != 0 {
		t.Errorf("opened %d, closed %d", opened, closed)
	}
}

func TestPoolLoweredBoundsCloseTheExcess(t *testing.T) {
	p, d := newFakePool(4, 4)
	pcs := []*poolConn{mustGet(t, p), mustGet(t, p), mustGet(t, p)}
	for _, pc := range pcs {
		p.put(pc, nil)
	}
	p.setLimits(1, 1)
	if _, _, open := d.counts(); open != 1 {
		t.Errorf("%d open after lowering max_idle_conns to 1", open)
	}
	a := mustGet(t, p)
	got := getAsync(context.Background(), p)
	waiting(t, p, 1)
	p.setLimits(2, 1) // raised: the waiter opens one
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	p.put(a, nil)
}

func TestPoolUnderConcurrentTakersKeepsItsBound(t *testing.T) {
	p, d := newFakePool(3, 2)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				ctx := context.Background()
				var cancel context.CancelFunc = func() {}
				if i%7 == g%7 {
					ctx, cancel = context.WithTimeout(ctx, time.Microsecond)
				}
				pc, err := p.get(ctx, cachedOrNew)
				cancel()
				if err != nil {
					continue
				}
				var perr error
				if i%11 == 0 {
					perr = driver.ErrBadConn
				}
				p.put(pc, perr)
			}
		}()
	}
	wg.Wait()
	d.mu.Lock()
	most := d.maxOpen
	d.mu.Unlock()
	if most > 3 {
		t.Errorf("%d connections open at once under a bound of 3", most)
	}
	if s := p.stats(); s.InUse != 0 || s.Open > 2 {
		t.Errorf("stats after the takers: %+v", s)
	}
	p.close()
	if opened, closed, _ := d.counts(); opened != closed {
		t.Errorf("opened %d, closed %d", opened, closed)
	}
}

// TestPoolLendsToDatabaseSQLAndTakesBackOnlyGoodConnections: a *sql.DB
// over the pool's leaseConnector gives a connection back after use, and
// one a statement found broken is discarded.
func TestPoolLendsToDatabaseSQLAndTakesBackOnlyGoodConnections(t *testing.T) {
	p, d := newFakePool(2, 2)
	db := sql.OpenDB(&leaseConnector{pool: p, driver: nil})
	db.SetMaxIdleConns(0)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "UPDATE t SET v = 1"); err != nil {
		t.Fatal(err)
	}
	if s := p.stats(); s.Open != 1 || s.InUse != 0 {
		t.Errorf("after one statement through database/sql: %+v", s)
	}
	// The next statement finds the idle connection broken: database/sql
	// retries on another; the broken one is discarded.
	pc := mustGet(t, p)
	pc.cc.Conn.(*fakeConn).execBad = true
	p.put(pc, nil)
	if _, err := db.ExecContext(ctx, "UPDATE t SET v = 2"); err != nil {
		t.Fatal(err)
	}
	if opened, closed, open := d.counts(); opened != 2 || closed != 1 || open != 1 {
		t.Errorf("opened %d, closed %d, open %d; want 2, 1, 1", opened, closed, open)
	}
	// A *sql.Conn holds its connection of the pool until closed.
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.stats(); s.InUse != 1 {
		t.Errorf("a *sql.Conn held: %+v", s)
	}
	conn.Close()
	db.Close()
	p.close()
	if opened, closed, _ := d.counts(); opened != closed {
		t.Errorf("opened %d, closed %d", opened, closed)
	}
}
