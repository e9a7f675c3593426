package shard

import (
	"context"
	"sync"
	"time"
)

// A scatter's shard statements that are known to be quick run one after
// another on the caller's goroutine: a goroutine per shard, its context
// and its hand-offs cost more than such a statement does (on SQLite a
// COUNT(*) over a small shard takes a few microseconds, starting a
// stream several times that), and on few cores the shards gain little
// from running at once. Statements that are slow, or not known yet but
// found slow, run on goroutines of their own (Query).

// inlineBelow is the time under which a shard statement counts as quick:
// its rows, from the query to the last, read in less.
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
	if !b.costs.quick(query) {
		return nil, false
	}
	st = newStream(s, nil)
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
		st.fail(err)
		return st, true
	}
	cols, err := columnsOf(rows, b)
	if err != nil {
		rows.Close()
		st.fail(err)
		return st, true
	}
	st.cols = cols
	close(st.header)
	n := len(cols)
	ptrs := make([]any, n)
	batch, err := readBatch(rows, n, firstBatch, ptrs)
	if err != nil {
		rows.Close()
		b.costs.record(query, time.Since(start), false)
		st.endErr = st.wrap(err)
		close(st.batches)
		close(st.done)
		return st, true
	}
	if len(batch) < firstBatch {
		err := rows.Err()
		rows.Close()
		b.costs.record(query, time.Since(start), true)
		if len(batch) > 0 {
			st.batches <- batch
		}
		st.endErr = st.wrap(err)
		close(st.batches)
		close(st.done)
		return st, true
	}
	// More rows than a batch: the statement is not quick after all; a
	// goroutine reads on, stopped by Close through its own context.
	b.costs.record(query, time.Since(start), false)
	st.batches <- batch
	if st.cancel == nil {
		ctx, st.cancel = context.WithCancel(ctx)
	}
	go st.fetch(ctx, rows, nil, 2*firstBatch, nil)
	return st, true
}

// Quick reports whether QueryInline would run a statement on the shard:
// it is quick there, or not known yet.
func Quick(s *Shard, query string) bool { return s.Backend.costs.quick(query) }

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
// under inlineBelow it runs inline again and is measured afresh. A run
// can be slow for reasons of its own (a shard connection opened for it,
// the cores busy with the other shards of a parallel scatter), and a
// statement slow by nature is retried rarely: one of about 60 runs after
// a 2 ms one, 120 after 100 ms.
func (c *queryCosts) quick(query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[query]
	if !ok || d < inlineBelow {
		return true
	}
	c.m[query] = d - d/16
	return false
}

// record notes a run of a statement: how long its rows took, or, when
// they did not end within the first batch, that it is not quick.
func (c *queryCosts) record(query string, d time.Duration, exhausted bool) {
	if !exhausted {
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
