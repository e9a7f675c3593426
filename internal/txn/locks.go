package txn

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dot-do/vitessdo/shard"
)

// writeLocks queues the connector's transactions for the write locks of
// SQLite shards, and detects deadlocks between them.
//
// An SQLite file has one writer. A transaction takes a shard's write lock
// when the shard joins (BEGIN IMMEDIATE) and holds it until commit or
// rollback. SQLite itself makes a second writer poll, sleeping between
// tries, for up to busy_timeout; two transactions that each hold one
// shard and need the other's would both poll until the timeout and fail,
// and so would a transaction that needs a separate transaction on a file
// it holds itself (a sequence reservation on the shard of an unsharded
// table it wrote).
//
// writeLocks records which transaction of the connector holds (or is
// taking) each SQLite backend's write lock and which shard each
// transaction waits for. A transaction waits in the queue, woken as soon
// as the holder ends, for up to lockWait; if waiting would close a cycle
// it fails at once, with a TransactionError whose cause is ErrDeadlock,
// and the connection rolls it back, which lets the others go on; the
// application retries it. Only the connector's own transactions are
// queued: a lock held by another connector or process on the same file
// is waited for by SQLite, up to busy_timeout.
type writeLocks struct {
	mu      sync.Mutex
	holders map[*shard.Backend]lockHolder
	waiting map[*Transaction]*shard.Shard
}

// lockWait bounds a wait in the queue, as the default busy_timeout bounds
// SQLite's own.
const lockWait = 10 * time.Second

// errLockWait is the cause of a wait in the queue that timed out.
var errLockWait = errors.New("vitessdo: lock wait timeout")

type lockHolder struct {
	t *Transaction
	s *shard.Shard
	// released is closed when t lets the lock go.
	released chan struct{}
}

// wait queues t for s's write lock. It returns once no other
// transaction of the connector holds it, t then taking it (BEGIN, then
// took); it fails if waiting would close a cycle, if ctx ends, or after
// lockWait.
func (w *writeLocks) wait(ctx context.Context, t *Transaction, s *shard.Shard) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiting == nil {
		w.waiting = map[*Transaction]*shard.Shard{}
		w.holders = map[*shard.Backend]lockHolder{}
	}
	self := map[*Transaction]bool{}
	for u := t; u != nil; u = u.outer {
		self[u] = true
	}
	var timeout <-chan time.Time
	for {
		h, ok := w.holders[s.Backend]
		if !ok {
			break
		}
		if self[h.t] {
			return &TransactionError{Err: ErrDeadlock, Msg: fmt.Sprintf("deadlock: the statement needs a transaction of its own on shard %s (a sequence reservation or an autocommit lookup write), whose write lock this transaction holds, and SQLite lets one transaction write a file at a time", s)}
		}
		if w.reaches(h.t, self, map[*Transaction]bool{}) {
			return &TransactionError{Err: ErrDeadlock, Msg: fmt.Sprintf("deadlock: shard %s is held by another transaction, which waits for a shard this transaction holds, and SQLite lets one transaction write a file at a time", h.s)}
		}
		if timeout == nil {
			timer := time.NewTimer(lockWait)
			defer timer.Stop()
			timeout = timer.C
		}
		w.waiting[t] = s
		w.mu.Unlock()
		var err error
		select {
		case <-h.released:
		case <-ctx.Done():
			err = ctx.Err()
		case <-timeout:
			err = &TransactionError{Err: errLockWait, Msg: fmt.Sprintf("shard %s: another transaction held its write lock for %v", s, lockWait)}
		}
		w.mu.Lock()
		delete(w.waiting, t)
		if err != nil {
			return err
		}
	}
	w.holders[s.Backend] = lockHolder{t: t, s: s, released: make(chan struct{})}
	return nil
}

// reaches reports whether from waits, through the locks it waits for and
// their holders, for a transaction in self. A transaction also waits for
// the transactions that run beside it (outer) while they work.
func (w *writeLocks) reaches(from *Transaction, self, seen map[*Transaction]bool) bool {
	if self[from] {
		return true
	}
	if seen[from] {
		return false
	}
	seen[from] = true
	for y, s := range w.waiting {
		if !within(y, from) {
			continue
		}
		if h, ok := w.holders[s.Backend]; ok && w.reaches(h.t, self, seen) {
			return true
		}
	}
	return false
}

// within reports whether y is x or runs beside it.
func within(y, x *Transaction) bool {
	for u := y; u != nil; u = u.outer {
		if u == x {
			return true
		}
	}
	return false
}

// took records whether t's BEGIN took the lock it was given by wait.
func (w *writeLocks) took(t *Transaction, s *shard.Shard, ok bool) {
	if !ok {
		w.release(t, s.Backend)
	}
}

// release records that t no longer holds b's write lock, and wakes the
// transactions waiting for it.
func (w *writeLocks) release(t *Transaction, b *shard.Backend) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if h, ok := w.holders[b]; ok && h.t == t {
		delete(w.holders, b)
		close(h.released)
	}
}
