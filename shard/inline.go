package shard

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/dot-do/vitessdo/merge"
)

// A scatter's shard statements that are known to be quick run one after
// another on the caller's goroutine: a goroutine per shard, its context
// and its hand-offs cost more than such a statement does (on SQLite a
// COUNT(*) over a small shard takes a few microseconds, starting a
// stream several times that), and on few cores the shards gain little
// from running at once. Statements that are slow, or not known yet but
// found slow, run on goroutines of their own (Query).

// inlineBelow is the time under which a shard statement counts as quick:
// its rows, from the query to the last, read in less. It is what running
// the statement on a goroutine of its own must save the caller to pay
// for that goroutine (see quick).
const inlineBelow = 50 * time.Microsecond

// firstRunSlow is the time over which a statement's first run marks it
// slow.
const firstRunSlow = 1 * time.Millisecond

// QueryInline runs a query on the caller's goroutine and reads its first
// batch of rows. If they end there, the rows are closed (the connection
// goes back to its pool) and the Stream holds them; otherwise a goroutine
// goes on reading, as for Query. ok is false, and nothing ran, when the
// statement is not known to be quick on the shard's backend: run it with
// Query. The stream's errors surface from Wait, Columns and Next.
func QueryInline(ctx context.Context, s *Shard, q Querier, query string, args []any) (st *Stream, ok bool) {
	b := s.Backend
	if !quick(b, query) {
		return nil, false
	}
	if conn, sqlTx, ok := b.connOf(q); ok {
		return queryInlineConn(ctx, s, conn, sqlTx, query, args), true
	}
	// The stream's channels are made only if a goroutine reads on: a
	// stream whose rows end in the first batch, or that failed, is one
	// allocation.
	st = &Stream{shard: s}
	if _, ok := b.Capabilities().(ReadsToEndOnClose); ok {
		// A stream handed to a goroutine must be able to cancel its
		// query, or closing it early would read the rest. (SQLite stops
		// at once, and its interrupt watcher would cost a goroutine per
		// statement.)
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		st.cancel = cancel
	}
	start := time.Now()
	rows, err := b.query(ctx, q, query, args)
	if err != nil {
		st.ended(st.wrap(err), nil)
		return st, true
	}
	cols, err := columnsOf(rows, b)
	if err != nil {
		rows.Close()
		st.ended(st.wrap(err), nil)
		return st, true
	}
	st.cols = cols
	batch, err := readBatch(rows, len(cols), firstBatch, nil)
	if err != nil {
		rows.Close()
		b.costs.record(query, time.Since(start), false)
		st.ended(nil, st.wrap(err))
		return st, true
	}
	if len(batch) < firstBatch {
		err := rows.Err()
		rows.Close()
		b.costs.record(query, time.Since(start), true)
		st.cur = batch
		st.ended(nil, st.wrap(err))
		return st, true
	}
	// More rows than a batch: the statement is not quick after all; a
	// goroutine reads on, stopped by Close through its own context.
	b.costs.record(query, time.Since(start), false)
	st.header = closedHeader
	st.batches = make(chan []merge.Row, batchesAhead)
	st.done = make(chan struct{})
	st.batches <- batch
	if st.cancel == nil {
		ctx, st.cancel = context.WithCancel(ctx)
	}
	go st.fetch(ctx, newSQLSource(rows, len(cols)), nil, 2*firstBatch, nil)
	return st, true
}

// queryInlineConn is QueryInline on a backend whose connections cache
// their statements: the query and its first batch run on the
// connection's own prepared statement (ConnRows), with nothing of
// database/sql's statement layer. Rows that outlast the first batch are
// read on, a batch at a time, by the stream's caller, holding the
// connection between batches as ConnRows does; the time the statement's
// reads took (not the caller's between them) is its cost, noted when the
// rows end or close.
func queryInlineConn(ctx context.Context, s *Shard, conn connRef, sqlTx bool, query string, args []any) *Stream {
	b := s.Backend
	// The stream and its rows are one allocation.
	both := new(struct {
		st Stream
		r  ConnRows
	})
	st, r := &both.st, &both.r
	st.shard = s
	start := time.Now()
	err := b.queryConnInto(r, ctx, s, conn, sqlTx, query, args)
	if err != nil {
		st.ended(st.wrap(err), nil)
		return st
	}
	st.cols = r.cols
	if r.ri == nil {
		b.costs.record(query, time.Since(start), true)
		st.cur = r.batch
		st.ended(nil, nil)
		return st
	}
	st.rows, st.query, st.spent = r, query, time.Since(start)
	st.ended(nil, nil)
	return st
}

// noteCost notes the cost of an inline statement whose rows outlasted
// their first batch, once, when they end.
func (st *Stream) noteCost() {
	if st.query == "" {
		return
	}
	st.shard.Backend.costs.record(st.query, st.spent+st.rows.spent, true)
	st.query = ""
}

// closedHeader, closedBatches and closedDone are the channels of every
// stream that ended before its caller read it (QueryInline): closed
// once, only ever received from.
var (
	closedHeader  = closed(make(chan struct{}))
	closedBatches = func() chan []merge.Row { c := make(chan []merge.Row); close(c); return c }()
	closedDone    = closedHeader
)

func closed(c chan struct{}) chan struct{} {
	close(c)
	return c
}

// ended makes a stream that ended in its caller's goroutine: startErr is
// why it could not start, endErr how its rows ended; its rows, if any,
// are st.cur.
func (st *Stream) ended(startErr, endErr error) {
	st.startErr, st.endErr = startErr, endErr
	st.header, st.batches, st.done = closedHeader, closedBatches, closedDone
}

// Quick reports whether QueryInline would run a statement on the shard:
// it is quick there, or not known yet, or the process has one core for
// the shard's in-process statements.
func Quick(s *Shard, query string) bool { return quick(s.Backend, query) }

// quick reports whether a statement runs on the caller's goroutine (see
// Quick). A statement served by another process (PostgreSQL) is the
// server's time, all of which a goroutine takes off the caller's wait:
// it is quick under inlineBelow. A statement of this process's CPU
// (InProcess) shares the P cores with the caller and the other shards'
// statements, so a goroutine saves at most 1-1/P of its time: it is
// quick under inlineBelow·P/(P-1), twice inlineBelow on 2 cores, and
// always with one core (GOMAXPROCS 1), where the shards' statements
// cannot run at once and the goroutine, its context and its hand-offs
// only add to them.
func quick(b *Backend, query string) bool {
	below := inlineBelow
	if inProcess(b) {
		p := runtime.GOMAXPROCS(0)
		if p == 1 {
			return true
		}
		below = inlineBelow * time.Duration(p) / time.Duration(p-1)
	}
	return b.costs.quick(query, below)
}

// ReadsToEndOnClose is implemented by backends whose driver, when rows
// close before their end under a context that has not ended, reads the
// rest of the result (pgx): a query that may be closed early needs a
// context of its own to cancel.
type ReadsToEndOnClose interface {
	// ReadsToEndOnClose marks the capability; it does nothing.
	ReadsToEndOnClose()
}

// queryCosts remembers, per statement text, how long a backend took to
// run it and read its rows, for QueryInline.
type queryCosts struct {
	mu sync.Mutex
	m  map[string]time.Duration
}

// maxCosts bounds the statements remembered; the map starts over when
// full.
const maxCosts = 4096

// quick reports whether a statement is quick, or not known yet (its
// first run tells). A statement found slow is asked again after a while:
// each time it is looked up its cost decays by a sixteenth, and once
// under below (see the function quick) it runs inline again and is measured afresh. A run
// can be slow for reasons of its own (a shard connection opened for it,
// the cores busy with the other shards of a parallel scatter), and a
// statement slow by nature is retried rarely: one of about 60 runs after
// a 2 ms one, 120 after 100 ms.
func (c *queryCosts) quick(query string, below time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[query]
	if !ok || d < below {
		return true
	}
	c.m[query] = d - d/16
	return false
}

// record notes a run of a statement: how long its rows took, or, when
// they did not end within the first batch, that it is not quick.
func (c *queryCosts) record(query string, d time.Duration, exhausted bool) {
	if !exhausted {
		// Slow under every bound quick gives: at most 2·inlineBelow
		// (2 cores), compared strictly.
		d = max(d, 2*inlineBelow)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCosts {
		c.m = make(map[string]time.Duration)
	}
	if old, ok := c.m[query]; ok {
		d = (old + d) / 2
	} else if d < firstRunSlow {
		// A statement's first run on a backend prepares it and may open
		// a connection: only a very slow one counts against it.
		d = inlineBelow / 2
	}
	c.m[query] = d
	c.mu.Unlock()
}
