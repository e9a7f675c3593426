package shard

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"time"

	"github.com/dot-do/vitessdo/merge"
)

// Querier is what a shard statement runs on: a backend's pool, one of its
// connections, or a transaction on it.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Limiter bounds how many shard queries fetch rows at once (a statement's
// scatter_concurrency). A nil Limiter does not bound.
type Limiter chan struct{}

// NewLimiter returns a Limiter admitting n fetchers, or nil when n <= 0.
func NewLimiter(n int) Limiter {
	if n <= 0 {
		return nil
	}
	return make(Limiter, n)
}

func (l Limiter) acquire(ctx context.Context) error {
	if l == nil {
		return nil
	}
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l Limiter) release() {
	if l != nil {
		<-l
	}
}

const (
	firstBatch = 16
	maxBatch   = 256
	// batchesAhead is how many batches a shard fetches before the
	// consumer takes them: the stream's buffer.
	batchesAhead = 2
)

// Stream is one shard query's rows. A goroutine runs the query and fetches
// rows in batches into a small buffer, so the shards of a scatter query
// work in parallel while the merge consumes. The goroutine ends when the
// rows are exhausted, the stream is closed, or the context is done; Close
// waits for it, so no goroutine outlives its stream.
//
// Fetching holds a Limiter slot; waiting for the consumer does not, so a
// merge that needs a row of every shard cannot deadlock on the limit.
type Stream struct {
	shard   *Shard
	header  chan struct{} // closed once cols or startErr is set
	cols    []merge.Column
	batches chan []merge.Row
	cancel  context.CancelFunc
	done    chan struct{}

	startErr error // set before header closes
	endErr   error // set before batches closes

	cur    []merge.Row
	pos    int
	err    error
	closed bool

	// conn, when set, is the connection the query runs on, taken for it
	// (see QueryOn) and given back when its rows end.
	conn *sql.Conn
	// pooled, when set, is the pool connection the query is to run on
	// (see QueryPooled), until its rows own it.
	pooled *poolConn
	// rows, when set, are the rows beyond cur, read on the caller's
	// goroutine (see queryInlineConn); query is their statement until
	// its cost is noted, spent the time its first batch took.
	rows  *ConnRows
	query string
	spent time.Duration
}

var _ merge.Iterator = (*Stream)(nil)

// Query starts a query on a shard and returns its rows as a Stream.
// Errors, including the query's, surface from Columns and Next.
func Query(ctx context.Context, s *Shard, q Querier, lim Limiter, query string, args []any) *Stream {
	ctx, cancel := context.WithCancel(ctx)
	st := newStream(s, cancel)
	go st.run(ctx, q, lim, query, args)
	return st
}

func newStream(s *Shard, cancel context.CancelFunc) *Stream {
	return &Stream{
		shard:   s,
		header:  make(chan struct{}),
		batches: make(chan []merge.Row, batchesAhead),
		cancel:  cancel,
		done:    make(chan struct{}),
	}
}

func (st *Stream) wrap(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*Error); ok && e.Keyspace == st.shard.Keyspace && e.Shard == st.shard.Name {
		return err // ConnRows' errors name the shard already
	}
	return &Error{Keyspace: st.shard.Keyspace, Shard: st.shard.Name, Err: err}
}

// QueryOn is Query on a connection taken from the shard's pool for this
// query alone: the stream closes it when its rows end.
func QueryOn(ctx context.Context, s *Shard, conn *sql.Conn, lim Limiter, query string, args []any) *Stream {
	ctx, cancel := context.WithCancel(ctx)
	st := newStream(s, cancel)
	st.conn = conn
	go st.run(ctx, conn, lim, query, args)
	return st
}

// release gives back the stream's own connection, if it has one.
func (st *Stream) release() {
	if st.conn != nil {
		st.conn.Close()
	}
	if st.pooled != nil {
		st.shard.Backend.pool.put(st.pooled, nil)
		st.pooled = nil
	}
}

// fail ends a stream that could not start.
func (st *Stream) fail(err error) {
	st.release()
	st.startErr = st.wrap(err)
	close(st.header)
	close(st.batches)
	close(st.done)
}

func (st *Stream) run(ctx context.Context, q Querier, lim Limiter, query string, args []any) {
	if err := lim.acquire(ctx); err != nil {
		st.fail(err)
		return
	}
	start := time.Now()
	if st.pooled != nil {
		st.runPooled(ctx, lim, query, args, func(exhausted bool) {
			st.shard.Backend.costs.record(query, time.Since(start), exhausted)
		})
		return
	}
	if conn, sqlTx, ok := st.shard.Backend.connOf(q); ok {
		st.runConn(ctx, conn, sqlTx, lim, query, args, start)
		return
	}
	if st.conn != nil && st.shard.Backend.cachesConns() {
		// QueryOn's connection, taken for this query alone.
		st.runConn(ctx, connRef{sql: st.conn}, false, lim, query, args, start)
		return
	}
	rows, err := st.shard.Backend.query(ctx, q, query, args)
	if err != nil {
		lim.release()
		st.fail(err)
		return
	}
	cols, err := columnsOf(rows, st.shard.Backend)
	if err != nil {
		rows.Close()
		lim.release()
		st.fail(err)
		return
	}
	st.cols = cols
	close(st.header)
	st.fetch(ctx, newSQLSource(rows, len(cols)), lim, firstBatch, func(exhausted bool) {
		st.shard.Backend.costs.record(query, time.Since(start), exhausted)
	})
}

// runConn is run on a backend whose connections cache their statements:
// the query runs on the connection's own prepared statement (ConnRows:
// conn, a transaction's, or nil for one of the pool's) and its rows are
// fetched as run fetches database/sql's.
func (st *Stream) runConn(ctx context.Context, conn connRef, sqlTx bool, lim Limiter, query string, args []any, start time.Time) {
	r, err := st.shard.Backend.queryConn(ctx, st.shard, conn, sqlTx, query, args)
	if err != nil {
		lim.release()
		st.fail(err)
		return
	}
	st.cols = r.cols
	close(st.header)
	st.fetch(ctx, connSource{r}, lim, firstBatch, func(exhausted bool) {
		st.shard.Backend.costs.record(query, time.Since(start), exhausted)
	})
}

// A batchSource is the rows a stream fetches: batch reads up to size
// rows (fewer when they end, with the error they ended with, if any);
// close ends them.
type batchSource interface {
	batch(size int) ([]merge.Row, error)
	close()
}

// sqlSource is database/sql's rows of n columns.
type sqlSource struct {
	rows *sql.Rows
	ptrs []any
}

func newSQLSource(rows *sql.Rows, n int) *sqlSource {
	return &sqlSource{rows: rows, ptrs: make([]any, n)}
}

func (s *sqlSource) batch(size int) ([]merge.Row, error) {
	batch, err := readBatch(s.rows, len(s.ptrs), size, s.ptrs)
	if err == nil && len(batch) < size {
		err = s.rows.Err()
	}
	return batch, err
}

func (s *sqlSource) close() { s.rows.Close() }

// connSource is the rows of a connection's own statement.
type connSource struct{ r *ConnRows }

func (s connSource) batch(size int) ([]merge.Row, error) {
	var batch []merge.Row
	for len(batch) < size {
		row, err := s.r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return batch, err
		}
		if batch == nil {
			batch = make([]merge.Row, 0, size)
		}
		batch = append(batch, row)
	}
	return batch, nil
}

func (s connSource) close() { s.r.Close() }

// fetch reads rows in batches of growing size into the stream's buffer
// until they end, the stream is closed or the context is done, holding a
// Limiter slot while it reads (the caller holds one on entry). first
// batch (when the rows ended within it) reports how long they took.
func (st *Stream) fetch(ctx context.Context, src batchSource, lim Limiter, size int, first func(exhausted bool)) {
	defer close(st.done)
	defer close(st.batches)
	defer st.release()
	defer src.close()
	for {
		batch, err := src.batch(size)
		full := err == nil && len(batch) == size
		if first != nil {
			first(!full)
			first = nil
		}
		lim.release()
		if len(batch) > 0 {
			select {
			case st.batches <- batch:
			case <-ctx.Done():
				st.endErr = st.wrap(ctx.Err())
				return
			}
		}
		if err != nil {
			st.endErr = st.wrap(err)
			return
		}
		if !full {
			return
		}
		if size < maxBatch {
			size *= 2
		}
		if err := lim.acquire(ctx); err != nil {
			st.endErr = st.wrap(err)
			return
		}
	}
}

// readBatch reads up to size rows of n columns, scanning through ptrs
// (made when nil). Nothing is allocated when there is no row.
func readBatch(rows *sql.Rows, n, size int, ptrs []any) ([]merge.Row, error) {
	var vals []any
	var batch []merge.Row
	for len(batch) < size && rows.Next() {
		if batch == nil {
			vals = make([]any, n*size)
			batch = make([]merge.Row, 0, size)
			if ptrs == nil {
				ptrs = make([]any, n)
			}
		}
		row := vals[len(batch)*n : (len(batch)+1)*n : (len(batch)+1)*n]
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		batch = append(batch, row)
	}
	return batch, nil
}

// columnsOf describes a shard's result columns. On SQLite a column has no
// length: the driver reports the storage class of the current row's value
// (any text as unlimited), which says nothing of the column, so the
// length is left unknown rather than reported wrong.
func columnsOf(rows *sql.Rows, b *Backend) ([]merge.Column, error) {
	_, noLength := b.Capabilities().(ColumnLengthsUnknown)
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	cols := make([]merge.Column, len(types))
	for i, ct := range types {
		c := merge.Column{Name: ct.Name(), DatabaseType: ct.DatabaseTypeName(), ScanType: ct.ScanType()}
		c.Nullable, c.HasNullable = ct.Nullable()
		if !noLength {
			c.Length, c.HasLength = ct.Length()
		}
		c.Precision, c.Scale, c.HasPrecisionScale = ct.DecimalSize()
		cols[i] = c
	}
	return cols, nil
}

// Shard returns the shard the stream reads.
func (st *Stream) Shard() *Shard { return st.shard }

// Wait blocks until the query has started (its columns are known) and
// returns the error it failed with, if any.
func (st *Stream) Wait() error {
	<-st.header
	return st.startErr
}

// Columns describes the rows; it waits for the query to start. It returns
// nil if the query failed.
func (st *Stream) Columns() []merge.Column {
	<-st.header
	return st.cols
}

// Next returns the next row, or io.EOF after the last.
func (st *Stream) Next() (merge.Row, error) {
	if st.err != nil {
		return nil, st.err
	}
	for st.pos >= len(st.cur) {
		if st.rows != nil {
			r, err := st.rows.Next()
			if err != nil {
				st.err, st.cur = err, nil
				st.noteCost()
			}
			return r, err
		}
		b, ok := <-st.batches
		if !ok {
			<-st.header
			switch {
			case st.startErr != nil:
				st.err = st.startErr
			case st.endErr != nil:
				st.err = st.endErr
			default:
				st.err = io.EOF
			}
			st.cur = nil
			return nil, st.err
		}
		st.cur, st.pos = b, 0
	}
	r := st.cur[st.pos]
	st.cur[st.pos] = nil
	st.pos++
	return r, nil
}

// Close stops the query and waits for its goroutine to end.
func (st *Stream) Close() error {
	if st.closed {
		return nil
	}
	st.closed = true
	if st.rows != nil {
		st.rows.Close()
		st.noteCost()
	}
	if st.cancel != nil {
		st.cancel()
	}
	for range st.batches {
	}
	<-st.done
	if st.err == nil {
		st.err = errRowsClosed
	}
	return nil
}

// Result is what a write statement did on one shard.
type Result struct {
	Shard        *Shard
	RowsAffected int64
	LastInsertID int64
	// HasLastInsertID reports whether the backend gave LastInsertID.
	HasLastInsertID bool
}

// Exec runs one write statement on a shard. With returnsID, the statement
// ends in RETURNING an id column: it runs as a query, the rows it returns
// count as rows affected and the first id is the LastInsertID.
func Exec(ctx context.Context, s *Shard, q Querier, query string, args []any, returnsID bool) (Result, error) {
	if returnsID {
		return execReturning(ctx, s, q, query, args)
	}
	if conn, sqlTx, ok := s.Backend.connOf(q); ok {
		// On the connection's statement: its result is a value, not
		// an sql.Result to allocate.
		res, err := s.Backend.execConn(ctx, conn, sqlTx, query, args)
		if err != nil {
			return Result{Shard: s}, &Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
		}
		return resultOf(s, res), nil
	}
	res, err := s.Backend.exec(ctx, q, query, args)
	if err != nil {
		return Result{Shard: s}, &Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
	}
	return resultOf(s, res), nil
}

// resultOf is a shard's Result of a write's sql.Result.
func resultOf[R sql.Result](s *Shard, res R) Result {
	out := Result{Shard: s}
	if n, err := res.RowsAffected(); err == nil {
		out.RowsAffected = n
	}
	if id, err := res.LastInsertId(); err == nil {
		out.LastInsertID, out.HasLastInsertID = id, true
	}
	return out
}

func execReturning(ctx context.Context, s *Shard, q Querier, query string, args []any) (Result, error) {
	out := Result{Shard: s}
	wrap := func(err error) (Result, error) {
		return Result{Shard: s}, &Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
	}
	rows, err := s.Backend.query(ctx, q, query, args)
	if err != nil {
		return wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id sql.NullInt64
		if err := rows.Scan(&id); err != nil {
			return wrap(err)
		}
		if out.RowsAffected == 0 && id.Valid {
			out.LastInsertID, out.HasLastInsertID = id.Int64, true
		}
		out.RowsAffected++
	}
	if err := rows.Err(); err != nil {
		return wrap(err)
	}
	return out, nil
}

// Call is one statement for ExecAll.
type Call struct {
	Shard *Shard
	On    Querier
	Query string
	Args  []any
	// ReturnsID marks an INSERT … RETURNING id; see Exec.
	ReturnsID bool
}

// ExecAll runs the calls in parallel (see Each and Workers: one
// goroutine per core on SQLite, the caller's among them) and returns
// their results in call order, with the errors of the calls that failed
// joined.
func ExecAll(ctx context.Context, calls []Call) ([]Result, error) {
	results := make([]Result, len(calls))
	if len(calls) == 1 {
		var err error
		results[0], err = Exec(ctx, calls[0].Shard, calls[0].On, calls[0].Query, calls[0].Args, calls[0].ReturnsID)
		return results, err
	}
	errs := make([]error, len(calls))
	shards := make([]*Shard, len(calls))
	for i, c := range calls {
		shards[i] = c.Shard
	}
	Each(len(calls), Workers(shards), func(i int) {
		c := &calls[i]
		results[i], errs[i] = Exec(ctx, c.Shard, c.On, c.Query, c.Args, c.ReturnsID)
	})
	return results, errors.Join(nonNil(errs)...)
}

func nonNil(errs []error) []error {
	var out []error
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}
