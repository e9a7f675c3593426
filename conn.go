package vitessdo

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dot-do/vitessdo/internal/txn"
	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/route"
	"github.com/dot-do/vitessdo/shard"
)

// conn is a vitessdo connection: a session (default keyspace, shard target,
// transaction) over the connector's shard pools. It holds no shard
// connection between statements unless a transaction is open.
type conn struct {
	e       *engine
	session route.Session
	tx      *txn.Transaction
	closed  bool
	// ownsConnector is set by Driver.Open, whose connector lives and dies
	// with the connection.
	ownsConnector bool
	// savepointSeq numbers the savepoints of the connection's transaction
	// that protect lookup writes and multi-shard writes.
	savepointSeq int
	// outer, on a connection detached from another for a lookup write in
	// a transaction of its own, is the other connection's transaction.
	outer *txn.Transaction
	// args is a free buffer for a query's arguments (see queryArgs).
	args []any
	// handle is the driver.Tx of the connection's transaction.
	handle transaction
	// writer holds the SQLite write locks of the connection's
	// autocommit writes (see lockOwner).
	writer *txn.Transaction
	// point is the last rows StreamShard read, with room for the
	// statement's rows around them (see conn.query).
	point *pointRows
	// lastPoint is the last point select's rows handed to database/sql:
	// once closed, the next point select's (see StreamShard).
	lastPoint *pointRows
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
)

func newConn(e *engine) *conn {
	c := &conn{e: e}
	c.resetSession()
	return c
}

func (c *conn) resetSession() {
	c.session = route.Session{
		Keyspace:        c.e.defaultKeyspace,
		TransactionMode: c.e.cfg.TransactionMode,
		QueryTimeout:    c.e.cfg.QueryTimeout,
	}
	if c.session.TransactionMode == "" {
		c.session.TransactionMode = TxMulti
	}
}

// Prepare plans a statement; see PrepareContext.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext plans the statement once; the statement keeps its plan.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if _, ok := txn.ParseControl(query); ok {
		return &stmt{c: c, query: query, nargs: 0}, nil
	}
	p, err := c.e.planner.Plan(query, &c.session)
	if err != nil {
		return nil, err
	}
	return &stmt{c: c, query: query, plan: p, target: sessionTarget(&c.session), nargs: p.NumArgs()}, nil
}

// Close closes the connection, rolling back an open transaction.
func (c *conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	var err error
	if c.tx != nil {
		err = c.tx.Rollback(context.Background())
		c.tx = nil
	}
	if c.ownsConnector {
		c.e.close()
	}
	return err
}

// Begin starts a transaction; see BeginTx.
func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction. No shard is contacted until a statement
// touches it; how the shards commit is the session's transaction mode
// (TxSingle, TxMulti, TxTwoPC). An isolation level a backend cannot give,
// and TxTwoPC with a shard on SQLite, fail here.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if c.tx != nil {
		return nil, errors.New("vitessdo: a transaction is already open on this connection")
	}
	t, err := c.begin(opts, false)
	if err != nil {
		return nil, err
	}
	c.tx = t
	c.session.InTransaction = true
	// database/sql calls a driver.Tx's Commit or Rollback once, and
	// drops it then: the connection's one handle serves each of its
	// transactions in turn.
	c.handle = transaction{c: c, t: t}
	return &c.handle, nil
}

// begin returns a new transaction in the session's transaction mode.
func (c *conn) begin(opts driver.TxOptions, implicit bool) (*txn.Transaction, error) {
	return c.e.txns.Begin(txn.Options{Mode: c.session.TransactionMode, TxOptions: opts, Outer: c.outer, Implicit: implicit})
}

// endTx forgets the connection's transaction.
func (c *conn) endTx() {
	c.tx = nil
	c.session.InTransaction = false
}

// QueryContext plans (or finds the plan of) and runs a statement that
// returns rows.
func (c *conn) QueryContext(ctx context.Context, query string, nvs []driver.NamedValue) (driver.Rows, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if ctl, ok := txn.ParseControl(query); ok {
		if err := c.runTxControl(ctx, ctl); err != nil {
			return nil, err
		}
		return emptyRows(), nil
	}
	p, err := c.e.planner.Plan(query, &c.session)
	if err != nil {
		return nil, err
	}
	return c.query(ctx, p, c.queryArgs(nvs))
}

func (c *conn) query(ctx context.Context, p route.Plan, args []any) (driver.Rows, error) {
	ctx, cancel := c.statementContext(ctx, p)
	c.point = nil
	it, err := p.Query(ctx, c, args)
	pr := c.point
	c.point = nil
	if err != nil {
		err = c.statementError(ctx, err)
		if cancel != nil {
			cancel()
		}
		return nil, err
	}
	if pr != nil && it == merge.Iterator(&pr.shard) {
		// The shard's rows took what they needed of the arguments
		// when their statement started: nothing refers to them now.
		if args != nil {
			clear(args)
			c.args = args[:0]
		}
		pr.initPoint(cancel)
		c.lastPoint = pr
		return &pr.rows, nil
	}
	return newRows(it, cancel), nil
}

// queryArgs is namedArgs for a statement, in the connection's buffer
// when a point select or a write handed it back (see query and exec):
// other statements' rows may keep their arguments, so the buffer is
// theirs then.
func (c *conn) queryArgs(nvs []driver.NamedValue) []any {
	if len(nvs) == 0 {
		return nil
	}
	args := c.args
	c.args = nil
	if cap(args) < len(nvs) {
		return namedArgs(nvs)
	}
	args = args[:len(nvs)]
	for _, nv := range nvs {
		args[nv.Ordinal-1] = nv.Value
	}
	return args
}

// ExecContext plans (or finds the plan of) and runs a statement.
func (c *conn) ExecContext(ctx context.Context, query string, nvs []driver.NamedValue) (driver.Result, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if ctl, ok := txn.ParseControl(query); ok {
		return driver.RowsAffected(0), c.runTxControl(ctx, ctl)
	}
	p, err := c.e.planner.Plan(query, &c.session)
	if err != nil {
		return nil, err
	}
	return c.exec(ctx, p, c.queryArgs(nvs))
}

// exec runs a statement that returns no rows. Its arguments are the
// connection's buffer again once it returns: the write is done, nothing
// refers to them (see queryArgs).
func (c *conn) exec(ctx context.Context, p route.Plan, args []any) (driver.Result, error) {
	ctx, cancel := c.statementContext(ctx, p)
	if cancel != nil {
		defer cancel()
	}
	res, err := p.Exec(ctx, c, args)
	if args != nil {
		clear(args)
		c.args = args[:0]
	}
	c.point = nil
	if err != nil {
		return nil, c.statementError(ctx, err)
	}
	return result{res}, nil
}

// statementContext bounds a statement by its QUERY_TIMEOUT_MS directive or
// else the session's query timeout. Without a timeout the caller's context
// is the statement's, and the cancel function is nil: a context derived
// per statement would make database/sql and the SQLite driver start a
// goroutine per shard statement to watch it. Closing the rows stops the
// shard queries without it.
func (c *conn) statementContext(ctx context.Context, p route.Plan) (context.Context, context.CancelFunc) {
	d := c.session.QueryTimeout
	if t, ok := route.Timeout(p); ok {
		d = t
	}
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return ctx, nil
}

// statementError adds what the caller needs to know to a failed
// statement's error. Inside a transaction, a statement whose context
// ended, whose shard connection broke or that met a lock conflict rolls
// the transaction back on every shard (see txn.Transaction.MustAbort); the transaction
// stays on the connection, failing every statement and Commit, until the
// application rolls it back. The error never reads as driver.ErrBadConn:
// database/sql would run the statement again, and some shards may have
// applied it.
func (c *conn) statementError(ctx context.Context, err error) error {
	if c.tx != nil && c.tx.MustAbort(ctx, err) {
		err = c.tx.Abort(err)
	}
	return noRetry(err)
}

// namedArgs returns the arguments in order. CheckNamedValue has already
// refused names.
func namedArgs(nvs []driver.NamedValue) []any {
	if len(nvs) == 0 {
		return nil
	}
	args := make([]any, len(nvs))
	for _, nv := range nvs {
		args[nv.Ordinal-1] = nv.Value
	}
	return args
}

// CheckNamedValue accepts the values both backends take: nil, integers
// (uint64 above the int64 range included), floats, bool, string, []byte
// and time.Time, and driver.Valuer results. Named arguments are refused:
// the SQL dialect has ? placeholders only.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if nv.Name != "" {
		return fmt.Errorf("vitessdo: named argument %q: only ? placeholders are supported", nv.Name)
	}
	switch v := nv.Value.(type) {
	case nil, int64, float64, bool, string, []byte, time.Time:
		return nil
	case uint64:
		return nil
	case int:
		nv.Value = int64(v)
		return nil
	case uint:
		nv.Value = uint64(v)
		return nil
	}
	v, err := driver.DefaultParameterConverter.ConvertValue(nv.Value)
	if err != nil {
		return fmt.Errorf("vitessdo: argument %d: %w", nv.Ordinal, err)
	}
	nv.Value = v
	return nil
}

// ResetSession runs before database/sql reuses a pooled connection: the
// session goes back to the DSN's defaults, so a USE of one caller never
// redirects another's statements. Keep session state with sql.Conn.
func (c *conn) ResetSession(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	if c.tx != nil {
		c.tx.Rollback(ctx)
		c.endTx()
	}
	c.resetSession()
	return nil
}

// IsValid reports whether the connection may be reused.
func (c *conn) IsValid() bool { return !c.closed }

// Ping checks that every shard backend answers. A failure names the
// keyspace and shard (every shard a shared backend serves) and the
// backend's URL.
func (c *conn) Ping(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	type pinged struct {
		b      *shard.Backend
		shards []*shard.Shard
	}
	var order []*pinged
	byBackend := map[*shard.Backend]*pinged{}
	for _, ks := range c.e.topo.Keyspaces() {
		for _, sh := range c.e.topo.Shards(ks) {
			p := byBackend[sh.Backend]
			if p == nil {
				p = &pinged{b: sh.Backend}
				byBackend[sh.Backend] = p
				order = append(order, p)
			}
			p.shards = append(p.shards, sh)
		}
	}
	errs := make([]error, len(order))
	var wg sync.WaitGroup
	for i, p := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.b.DB.PingContext(ctx); err != nil {
				for _, sh := range p.shards {
					errs[i] = errors.Join(errs[i], &shard.Error{Keyspace: sh.Keyspace, Shard: sh.Name, Err: fmt.Errorf("ping %s: %w", p.b.URL, err)})
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// target is what a plan depends on in the session: its default keyspace
// and its shard or key-range target.
type target struct {
	keyspace, shard string
	keyRange        *key.KeyRange
}

func sessionTarget(s *route.Session) target {
	return target{keyspace: s.Keyspace, shard: s.Shard, keyRange: s.KeyRange}
}

// runTxControl runs BEGIN, COMMIT, ROLLBACK and the savepoint statements
// given as SQL text. They act like the database/sql calls. A transaction
// begun with BEGIN belongs to the connection, so use it through sql.Conn:
// on a *sql.DB the next statement may run on another connection, and a
// connection that goes back to the pool with its transaction open has it
// rolled back when it is next used (ResetSession).
func (c *conn) runTxControl(ctx context.Context, st txn.Statement) error {
	switch st.Kind {
	case txn.KindInvalid:
		return fmt.Errorf("vitessdo: unsupported transaction statement %q", st.Name)
	case txn.KindBegin:
		_, err := c.BeginTx(ctx, driver.TxOptions{Isolation: driver.IsolationLevel(st.Isolation), ReadOnly: st.ReadOnly})
		return err
	case txn.KindCommit:
		if c.tx == nil {
			return nil
		}
		t := c.tx
		c.endTx()
		return noRetry(t.Commit(ctx))
	case txn.KindRollback:
		if c.tx == nil {
			return nil
		}
		t := c.tx
		c.endTx()
		return noRetry(t.Rollback(ctx))
	}
	if c.tx == nil {
		return errors.New("vitessdo: SAVEPOINT, ROLLBACK TO and RELEASE need a transaction")
	}
	return noRetry(c.tx.Savepoint(ctx, st.Kind, st.Name))
}
