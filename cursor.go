package vitessdo

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"

	"github.com/dot-do/vitessdo/internal/txn"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/route"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
)

// conn is the route.Cursor of its statements: it decides whether a shard
// statement runs on the backend's pool or in the connection's transaction.
var _ route.Cursor = (*conn)(nil)

// Session returns the connection's session.
func (c *conn) Session() *route.Session { return &c.session }

// querier returns what a statement on the shard runs on.
func (c *conn) querier(ctx context.Context, s *shard.Shard) (shard.Querier, error) {
	if c.tx != nil {
		return c.tx.Querier(ctx, s)
	}
	return s.Backend.DB, nil
}

func (c *conn) record(qs []route.ShardQuery) {
	if rec := c.session.Recording; rec != nil {
		for _, q := range qs {
			*rec = append(*rec, route.ExplainRow{Keyspace: q.Shard.Keyspace, Shard: q.Shard.Name, Query: route.DisplayQuery(q.Shard.Backend.Dialect, q.SQL, q.Args)})
		}
	}
}

var _ route.ShardStreamer = (*conn)(nil)

// StreamShard reads one shard statement's rows in the caller's
// goroutine.
func (c *conn) StreamShard(ctx context.Context, q route.ShardQuery) (merge.Iterator, error) {
	if c.session.Recording != nil {
		c.record([]route.ShardQuery{q})
	}
	on, err := c.querier(ctx, q.Shard)
	if err != nil {
		return nil, err
	}
	if !q.Shard.Backend.ReadsOnConn(on) {
		return shard.QueryDirect(ctx, q.Shard, on, q.SQL, q.Args)
	}
	// The rows of a statement whose plan hands these rows on as they are
	// (a point select) come with them, in the same allocation: see
	// conn.query.
	pr := c.freePoint()
	it, err := shard.QueryDirectInto(ctx, q.Shard, on, q.SQL, q.Args, &pr.shard)
	if err != nil {
		return nil, err
	}
	c.point = pr
	return it, nil
}

// freePoint returns room for a point select's rows: the last point
// select's when database/sql has closed them (it calls nothing of closed
// rows, and closes them under the connection's lock, as it runs this
// statement), else new.
func (c *conn) freePoint() *pointRows {
	if pr := c.lastPoint; pr != nil && pr.rows.closed {
		c.lastPoint = nil
		return pr
	}
	return new(pointRows)
}

// StreamShards starts the reads in parallel and waits until each has started.
func (c *conn) StreamShards(ctx context.Context, qs []route.ShardQuery) ([]merge.Iterator, error) {
	if len(qs) == 1 {
		d, err := c.StreamShard(ctx, qs[0])
		if err != nil {
			return nil, err
		}
		return []merge.Iterator{d}, nil
	}
	c.record(qs)
	// Statements known to be slow start first, each on a goroutine of its
	// own; the quick ones then run one after another on this goroutine
	// while those work.
	lim := lazyLimiter{n: c.e.limit}
	streams := make([]*shard.Stream, len(qs))
	closeAll := func() {
		for _, s := range streams {
			if s != nil {
				s.Close()
			}
		}
	}
	if c.tx == nil && tight(qs) {
		if err := c.streamInOrder(ctx, qs, &lim, streams); err != nil {
			closeAll()
			return nil, err
		}
	} else if err := c.streamQuickLast(ctx, qs, &lim, streams); err != nil {
		closeAll()
		return nil, err
	}
	its := make([]merge.Iterator, len(streams))
	for i, s := range streams {
		if err := s.Wait(); err != nil {
			closeAll()
			return nil, err
		}
		its[i] = s
	}
	return its, nil
}

// streamQuickLast starts the shard statements known to be slow, each on
// a goroutine of its own, then runs the quick ones one after another on
// this goroutine while those work. The shards join a transaction in
// order.
func (c *conn) streamQuickLast(ctx context.Context, qs []route.ShardQuery, lim *lazyLimiter, streams []*shard.Stream) error {
	ons, err := c.queriers(ctx, qs)
	if err != nil {
		return err
	}
	quick := make([]bool, len(qs))
	for i, q := range qs {
		if quick[i] = shard.Quick(q.Shard, q.SQL); !quick[i] {
			streams[i] = shard.Query(ctx, q.Shard, ons[i], lim.get(), q.SQL, q.Args)
		}
	}
	for i, q := range qs {
		if !quick[i] {
			continue
		}
		st, ok := shard.QueryInline(ctx, q.Shard, ons[i], q.SQL, q.Args)
		if !ok {
			st = shard.Query(ctx, q.Shard, ons[i], lim.get(), q.SQL, q.Args)
		}
		streams[i] = st
		if ok {
			if err := st.Wait(); err != nil {
				return err
			}
		}
	}
	return nil
}

// lazyLimiter is a scatter's bound on shards fetching at once
// (scatter_concurrency), made when a shard statement first needs it: a
// scatter whose statements all run on the caller's goroutine makes none.
type lazyLimiter struct {
	n   int
	lim shard.Limiter
}

func (l *lazyLimiter) get() shard.Limiter {
	if l.lim == nil {
		l.lim = shard.NewLimiter(l.n)
	}
	return l.lim
}

// tight reports whether a shard of the statements has a pool bounded so
// low (by max_open_conns or the process's connection budget) that the
// scatter must take its connections in order.
func tight(qs []route.ShardQuery) bool {
	for _, q := range qs {
		if q.Shard.Backend.Tight() {
			return true
		}
	}
	return false
}

// streamInOrder takes the shards' connections one after another in the
// order of the statements (the topology's, the same for every
// statement), each held until its rows end; a quick statement runs on
// this goroutine and gives its connection back at once. Two scatters
// then never each hold a connection the other waits for.
//
// A transaction holds its connections out of that order, for as long as
// the application keeps it, and may next read a shard whose connection
// the scatter holds: a scatter holding connections does not wait for a
// pool that is full while a transaction holds some of it. It lets go of
// every shard instead (nothing has been read from them yet), waits for
// that pool holding nothing, and starts again.
func (c *conn) streamInOrder(ctx context.Context, qs []route.ShardQuery, lim *lazyLimiter, streams []*shard.Stream) error {
	for {
		blocked, err := c.tryInOrder(ctx, qs, lim, streams)
		if blocked == nil {
			return err
		}
		for i, st := range streams {
			if st != nil {
				st.Close()
				streams[i] = nil
			}
		}
		conn, err := blocked.Shard.Backend.DB.Conn(ctx)
		if err != nil {
			return &shard.Error{Keyspace: blocked.Shard.Keyspace, Shard: blocked.Shard.Name, Err: err}
		}
		conn.Close()
	}
}

// tryInOrder starts the statements in order (see streamInOrder). It
// returns the statement it stopped at, holding connections, when that
// shard's pool is full and a transaction holds some of it.
func (c *conn) tryInOrder(ctx context.Context, qs []route.ShardQuery, lim *lazyLimiter, streams []*shard.Stream) (blocked *route.ShardQuery, err error) {
	holding := false
	for i := range qs {
		q := &qs[i]
		b := q.Shard.Backend
		guard := holding && c.mustGuard(b)
		if !guard {
			if st, ok := shard.QueryInline(ctx, q.Shard, b.DB, q.SQL, q.Args); ok {
				streams[i] = st
				if err := st.Wait(); err != nil {
					return nil, err
				}
				holding = holding || st.Holds()
				continue
			}
		}
		var own *sql.Conn
		if guard {
			own, err = c.connBesideTransactions(ctx, b)
			if errors.Is(err, errLetGo) {
				return q, nil
			}
		} else {
			// The backend's own pool, when it has one (SQLite);
			// otherwise database/sql's.
			pc, perr := b.TakeConn(ctx)
			if perr != nil {
				return nil, &shard.Error{Keyspace: q.Shard.Keyspace, Shard: q.Shard.Name, Err: perr}
			}
			if pc != nil {
				streams[i] = shard.QueryPooled(ctx, q.Shard, pc, lim.get(), q.SQL, q.Args)
				holding = true
				continue
			}
			own, err = b.DB.Conn(ctx)
		}
		if err != nil {
			return nil, &shard.Error{Keyspace: q.Shard.Keyspace, Shard: q.Shard.Name, Err: err}
		}
		streams[i] = shard.QueryOn(ctx, q.Shard, own, lim.get(), q.SQL, q.Args)
		holding = true
	}
	return nil, nil
}

// mustGuard reports whether a scatter holding connections must guard its
// wait for one of b's (connBesideTransactions): the connection's
// transactions hold some of b's pool, or the pool is full. Otherwise a
// connection is free and no transaction holds one: the scatter takes it
// as any statement does. (A transaction could take b's last connection
// between this look and the scatter's; that is the one wait left
// unguarded, to keep a goroutine off every shard of every scatter.)
func (c *conn) mustGuard(b *shard.Backend) bool {
	n, _ := c.e.txns.TransactionConns(b)
	return n > 0 || b.PoolFull()
}

// errLetGo says a scatter must let go of the connections it holds
// before it waits for a pool (see streamInOrder).
var errLetGo = errors.New("vitessdo: let go of the shards before waiting")

// connBesideTransactions takes a connection of b's pool for a scatter
// that holds others: errLetGo if the pool is full while the connection's
// transactions hold some of it; otherwise it waits, giving up the wait
// (and looking again) when a transaction takes or gives back one of b's
// connections.
func (c *conn) connBesideTransactions(ctx context.Context, b *shard.Backend) (*sql.Conn, error) {
	for {
		n, moved := c.e.txns.TransactionConns(b)
		if n > 0 && b.PoolFull() {
			return nil, errLetGo
		}
		wait, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-moved:
				cancel()
			case <-wait.Done():
			}
		}()
		conn, err := b.DB.Conn(wait)
		cancel()
		if err == nil || ctx.Err() != nil {
			return conn, err
		}
		select {
		case <-moved:
		default:
			return nil, err
		}
	}
}

// ExecShards runs the writes in parallel. In a transaction the shards
// join it in lock order (txn.Transaction.Queriers); outside one, the
// writes to SQLite files wait their turn for the files' write locks in
// the connector's queue (txn.Coordinator.WithWriteLocks).
func (c *conn) ExecShards(ctx context.Context, qs []route.ShardQuery) ([]shard.Result, error) {
	c.record(qs)
	if c.tx != nil && !c.tx.Holds() {
		// The first writes of a transaction (those of a multi-shard
		// statement's own): prepared on the pools while the transaction
		// holds no connection, they are not parsed on every execution.
		for _, q := range qs {
			q.Shard.Backend.PrepareAhead(ctx, q.SQL)
		}
	}
	if len(qs) == 1 {
		res, err := c.execOne(ctx, qs[0])
		return []shard.Result{res}, err
	}
	ons, err := c.queriers(ctx, qs)
	if err != nil {
		return nil, err
	}
	calls := make([]shard.Call, len(qs))
	for i, q := range qs {
		calls[i] = shard.Call{Shard: q.Shard, On: ons[i], Query: q.SQL, Args: q.Args, ReturnsID: q.ReturnsID}
	}
	if c.tx != nil {
		return shard.ExecAll(ctx, calls)
	}
	shards := make([]*shard.Shard, len(qs))
	for i, q := range qs {
		shards[i] = q.Shard
	}
	var res []shard.Result
	err = c.e.txns.WithWriteLocks(ctx, c.lockOwner(), shards, func() error {
		var err error
		res, err = shard.ExecAll(ctx, calls)
		return err
	})
	return res, err
}

var _ route.ShardExecer = (*conn)(nil)

// ExecShard is ExecShards of one write, without its slices.
func (c *conn) ExecShard(ctx context.Context, q route.ShardQuery) (shard.Result, error) {
	if c.session.Recording != nil {
		c.record([]route.ShardQuery{q})
	}
	if c.tx != nil && !c.tx.Holds() {
		q.Shard.Backend.PrepareAhead(ctx, q.SQL)
	}
	return c.execOne(ctx, q)
}

// execOne runs one write.
func (c *conn) execOne(ctx context.Context, q route.ShardQuery) (shard.Result, error) {
	on, err := c.querier(ctx, q.Shard)
	if err != nil {
		return shard.Result{}, err
	}
	if c.tx != nil {
		return shard.Exec(ctx, q.Shard, on, q.SQL, q.Args, q.ReturnsID)
	}
	var res shard.Result
	err = c.e.txns.WithWriteLocks(ctx, c.lockOwner(), []*shard.Shard{q.Shard}, func() error {
		var err error
		res, err = shard.Exec(ctx, q.Shard, on, q.SQL, q.Args, q.ReturnsID)
		return err
	})
	return res, err
}

// lockOwner returns what holds the SQLite write locks of the
// connection's autocommit writes, one statement after another.
func (c *conn) lockOwner() *txn.Transaction {
	if c.writer == nil {
		c.writer = new(txn.Transaction)
	}
	return c.writer
}

// queriers returns what the statements run on: the shards' backend
// transactions in the connection's transaction, joined in lock order, or
// the backends' pools.
func (c *conn) queriers(ctx context.Context, qs []route.ShardQuery) ([]shard.Querier, error) {
	if c.tx != nil && len(qs) > 1 {
		shards := make([]*shard.Shard, len(qs))
		for i, q := range qs {
			shards[i] = q.Shard
		}
		return c.tx.Queriers(ctx, shards)
	}
	ons := make([]shard.Querier, len(qs))
	for i, q := range qs {
		on, err := c.querier(ctx, q.Shard)
		if err != nil {
			return nil, err
		}
		ons[i] = on
	}
	return ons, nil
}

// Atomic runs fn in the connection's transaction or, outside one, in an
// implicit transaction of the session's transaction mode, committed only
// if fn succeeds: in multi, shard by shard, so the write is all or none
// unless a COMMIT itself fails after another shard's succeeded (a
// CommitError then names the shards); in twopc, with two-phase commit; in
// single, a write that needs a second shard is refused before anything
// is written. In the connection's explicit transaction, fn runs under a
// savepoint (on every shard the transaction holds, replayed on those fn
// brings in), rolled back to if fn fails: a write that failed on one
// shard leaves none of its rows on the others, and the transaction goes
// on, as a failed statement on one database.
func (c *conn) Atomic(ctx context.Context, fn func(ctx context.Context) error) error {
	if c.tx != nil && c.tx.Implicit() {
		return fn(ctx)
	}
	if c.tx != nil {
		c.savepointSeq++
		sp := "vt_stmt_" + strconv.Itoa(c.savepointSeq)
		if err := c.tx.Savepoint(ctx, txn.KindSavepoint, sp); err != nil {
			return err
		}
		err := fn(ctx)
		if err != nil {
			if rerr := c.tx.Savepoint(ctx, txn.KindRollbackTo, sp); rerr != nil {
				return fmt.Errorf("%w; restoring the transaction: %v", err, rerr)
			}
		}
		if rerr := c.tx.Savepoint(ctx, txn.KindRelease, sp); rerr != nil && err == nil {
			err = rerr
		}
		return err
	}
	t, err := c.begin(driver.TxOptions{}, true)
	if err != nil {
		return err
	}
	c.tx = t
	err = fn(ctx)
	c.tx = nil
	if err != nil {
		if rerr := t.Rollback(context.Background()); rerr != nil {
			return fmt.Errorf("%w; rolling back: %v", err, rerr)
		}
		return err
	}
	return t.Commit(ctx)
}

// Autonomous runs fn in a transaction of its own on the shard's backend,
// as sequence reservations do, or in the connection's transaction when
// that holds the write lock of the shard's SQLite file (see
// txn.Coordinator.Autonomous).
func (c *conn) Autonomous(ctx context.Context, s *shard.Shard, fn func(ctx context.Context, q shard.Querier, own bool) error) error {
	return c.e.txns.Autonomous(ctx, c.tx, s, fn)
}

// Query runs a SELECT through the router in this session (lookup vindexes
// read their tables with it) and returns every row.
func (c *conn) Query(ctx context.Context, query string, args ...any) ([][]any, error) {
	p, err := c.e.planner.Plan(query, &c.session)
	if err != nil {
		return nil, err
	}
	it, err := p.Query(ctx, c, args)
	if err != nil {
		return nil, err
	}
	return merge.ReadAll(it)
}

// Exec runs a write through the router in this session. Inside a
// transaction the write runs under a savepoint, so a failed write (a
// lookup row's duplicate key) leaves the transaction usable, as MySQL
// does and PostgreSQL otherwise would not.
func (c *conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	p, err := c.e.planner.Plan(query, &c.session)
	if err != nil {
		return 0, err
	}
	if c.tx == nil {
		res, err := p.Exec(ctx, c, args)
		return res.RowsAffected, err
	}
	c.savepointSeq++
	sp := fmt.Sprintf("vt_lookup_%d", c.savepointSeq)
	if err := c.tx.Savepoint(ctx, txn.KindSavepoint, sp); err != nil {
		return 0, err
	}
	res, err := p.Exec(ctx, c, args)
	if err != nil {
		if rerr := c.tx.Savepoint(ctx, txn.KindRollbackTo, sp); rerr != nil {
			return 0, fmt.Errorf("%w; restoring the transaction: %v", err, rerr)
		}
	}
	if rerr := c.tx.Savepoint(ctx, txn.KindRelease, sp); rerr != nil && err == nil {
		err = rerr
	}
	return res.RowsAffected, err
}

var _ vindex.SessionCursor = (*conn)(nil)

// InTransactionAndIsDML reports a write inside an explicit transaction.
func (c *conn) InTransactionAndIsDML() bool {
	return c.tx != nil && !c.tx.Implicit() && c.session.InDML
}

// inOrder runs fn with statements joining the transaction named by order.
func (c *conn) inOrder(order vindex.CommitOrder, fn func() error) error {
	if c.tx == nil {
		return fn()
	}
	return c.tx.InOrder(order, fn)
}

// QueryOrder runs a SELECT in the transaction named by order.
func (c *conn) QueryOrder(ctx context.Context, order vindex.CommitOrder, query string, args ...any) ([][]any, error) {
	if order == vindex.CommitAutocommit {
		sub := c.detached()
		return sub.Query(ctx, query, args...)
	}
	var rows [][]any
	err := c.inOrder(order, func() error {
		var err error
		rows, err = c.Query(ctx, query, args...)
		return err
	})
	return rows, err
}

// ExecOrder runs a write in the transaction named by order.
func (c *conn) ExecOrder(ctx context.Context, order vindex.CommitOrder, query string, args ...any) (int64, error) {
	if order == vindex.CommitAutocommit {
		return c.ExecAutocommit(ctx, query, args...)
	}
	var n int64
	err := c.inOrder(order, func() error {
		var err error
		n, err = c.Exec(ctx, query, args...)
		return err
	})
	return n, err
}

// QueryKeyspaceID runs a SELECT on the shard of a keyspace that holds a
// keyspace id, in the session's transaction.
func (c *conn) QueryKeyspaceID(ctx context.Context, keyspace string, ksid []byte, query string, args ...any) ([][]any, error) {
	sh := c.e.topo.ShardFor(keyspace, ksid)
	if sh == nil {
		return nil, fmt.Errorf("vitessdo: keyspace %q not found", keyspace)
	}
	saved := c.session
	c.session.Keyspace, c.session.Shard, c.session.KeyRange = keyspace, sh.Name, nil
	defer func() {
		rec := c.session.Recording
		c.session = saved
		c.session.Recording = rec
	}()
	return c.Query(ctx, query, args...)
}

// detached returns a connection on the same session without its
// transaction.
func (c *conn) detached() *conn {
	sub := &conn{e: c.e, session: c.session, outer: c.tx}
	sub.session.InTransaction = false
	return sub
}

// ExecAutocommit runs a write through the router outside this session's
// transaction, committed on its own.
func (c *conn) ExecAutocommit(ctx context.Context, query string, args ...any) (int64, error) {
	sub := c.detached()
	var n int64
	err := sub.Atomic(ctx, func(ctx context.Context) error {
		var err error
		n, err = sub.Exec(ctx, query, args...)
		return err
	})
	return n, err
}
