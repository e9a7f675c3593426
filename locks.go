package vitessdo

import (
	"fmt"
	"sync"

	"github.com/dot-do/vitessdo/shard"
)

// writeLocks is the connector's deadlock detector for SQLite shards.
//
// An SQLite file has one writer. A transaction takes a shard's write lock
// when the shard joins (BEGIN IMMEDIATE) and holds it until commit or
// rollback; a transaction that needs a lock another holds waits, up to
// the shard's busy_timeout (10 s by default). Two transactions that each
// hold one shard and need the other's would both wait out the timeout
// and fail with SQLITE_BUSY, and so would a transaction that needs a
// separate transaction on a file it holds itself (a sequence reservation
// on the shard of an unsharded table it wrote).
//
// writeLocks records which transaction of the connector holds each SQLite
// backend's write lock and which shard each transaction is waiting for. A
// transaction about to wait in a cycle fails at once, with a
// TransactionError whose cause is ErrDeadlock, and the connection rolls
// it back, which lets the others go on; the application retries it. Only
// the connector's own transactions are seen: a lock held by another
// connector or process on the same file is waited for, up to
// busy_timeout, and a timeout is reported as the lock conflict it is.
type writeLocks struct {
	mu      sync.Mutex
	holders map[*shard.Backend]lockHolder
	waiting map[*transaction]*shard.Shard
}

type lockHolder struct {
	t *transaction
	s *shard.Shard
}

// wait is called before t waits for s's write lock. It fails if waiting
// would close a cycle.
func (w *writeLocks) wait(t *transaction, s *shard.Shard) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if h, ok := w.holders[s.Backend]; ok {
		self := map[*transaction]bool{}
		for u := t; u != nil; u = u.outer {
			self[u] = true
		}
		if self[h.t] {
			return &TransactionError{Err: ErrDeadlock, Msg: fmt.Sprintf("deadlock: the statement needs a transaction of its own on shard %s (a sequence reservation or an autocommit lookup write), whose write lock this transaction holds, and SQLite lets one transaction write a file at a time", s)}
		}
		if w.reaches(h.t, self, map[*transaction]bool{}) {
			return &TransactionError{Err: ErrDeadlock, Msg: fmt.Sprintf("deadlock: shard %s is held by another transaction, which waits for a shard this transaction holds, and SQLite lets one transaction write a file at a time", h.s)}
		}
	}
	if w.waiting == nil {
		w.waiting = map[*transaction]*shard.Shard{}
	}
	w.waiting[t] = s
	return nil
}

// reaches reports whether from waits, through the locks it waits for and
// their holders, for a transaction in self. A transaction also waits for
// the transactions that run beside it (outer) while they work.
func (w *writeLocks) reaches(from *transaction, self, seen map[*transaction]bool) bool {
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
func within(y, x *transaction) bool {
	for u := y; u != nil; u = u.outer {
		if u == x {
			return true
		}
	}
	return false
}

// took records the end of t's wait for s: with ok, t holds the lock.
func (w *writeLocks) took(t *transaction, s *shard.Shard, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.waiting, t)
	if ok {
		if w.holders == nil {
			w.holders = map[*shard.Backend]lockHolder{}
		}
		w.holders[s.Backend] = lockHolder{t: t, s: s}
	}
}

// release records that t no longer holds b's write lock.
func (w *writeLocks) release(t *transaction, b *shard.Backend) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if h, ok := w.holders[b]; ok && h.t == t {
		delete(w.holders, b)
	}
}
