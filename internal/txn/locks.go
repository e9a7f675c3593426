package txn

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/dot-do/vitessdo/shard"
)

// writeLocks queues the connector's writers for the write locks of
// SQLite shards, and detects deadlocks between transactions.
//
// An SQLite file has one writer. A transaction takes a shard's write lock
// when the shard joins (BEGIN IMMEDIATE) and holds it until commit or
// rollback; an autocommit write and a sequence reservation take it for
// the one statement. SQLite itself makes a second writer poll, sleeping
// between tries, for up to busy_timeout: polling is not fair (a writer
// can lose every try for as long as others keep the file busy), and two
// transactions that each hold one shard and need the other's would both
// poll until the timeout and fail.
//
// So every writer of the connector first takes its place in the lock's
// queue. Each backend's lock has one holder and a first-in first-out
// queue of waiters; a release hands the lock to the first waiter at once
// (it is never free while someone waits, so no late arrival overtakes
// the queue and no wake-up is lost). A wait lasts as long as the
// statement's context: a writer waits its turn, however long the queue,
// and the application's deadline (query_timeout, a context) bounds it.
//
// A statement that needs several shards' locks takes them in one global
// order, lockOrder (Transaction.Queriers): two such statements never hold
// one lock each and wait for the other's. A transaction whose statements
// touch shards in different orders can still close a cycle: waiting
// would then last forever, so the wait fails at once, with a
// TransactionError whose cause is ErrDeadlock, and the connection rolls
// the transaction back, which lets the others go on; the application
// retries it. Only the connector's writers are queued: a lock held by
// another connector or process on the same file is waited for by SQLite,
// up to busy_timeout.
type writeLocks struct {
	mu    sync.Mutex
	locks map[*shard.Backend]*writeLock
	// waiting is what each queued transaction waits for (a transaction
	// waits for one lock at a time).
	waiting map[*Transaction]*lockWaiter
}

// writeLock is one backend's write lock: its holder, and the waiters in
// the order they came.
type writeLock struct {
	holder *Transaction
	s      *shard.Shard // the shard the holder took it for
	queue  []*lockWaiter
}

type lockWaiter struct {
	t    *Transaction
	s    *shard.Shard
	lock *writeLock
	// granted is closed when the lock is handed to t.
	granted chan struct{}
}

// lockOrder reports whether shard a's write lock is taken before b's
// when a statement needs both: by keyspace, then shard name, the same
// order for every statement of every connection.
func lockOrder(a, b *shard.Shard) bool {
	if a.Keyspace != b.Keyspace {
		return a.Keyspace < b.Keyspace
	}
	return a.Name < b.Name
}

// sortByLockOrder returns the indexes of shards in lock order.
func sortByLockOrder(shards []*shard.Shard) []int {
	idx := make([]int, len(shards))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return lockOrder(shards[idx[i]], shards[idx[j]]) })
	return idx
}

// wait takes s's write lock for t, queueing behind the holder and the
// earlier waiters. It fails if waiting would close a cycle (at once), or
// when ctx ends; the lock is then not held.
func (w *writeLocks) wait(ctx context.Context, t *Transaction, s *shard.Shard) error {
	w.mu.Lock()
	if w.locks == nil {
		w.locks = map[*shard.Backend]*writeLock{}
		w.waiting = map[*Transaction]*lockWaiter{}
	}
	l := w.locks[s.Backend]
	if l == nil {
		l = &writeLock{}
		w.locks[s.Backend] = l
	}
	if l.holder == nil {
		l.holder, l.s = t, s
		w.mu.Unlock()
		return nil
	}
	self := map[*Transaction]bool{}
	for u := t; u != nil; u = u.outer {
		self[u] = true
	}
	if self[l.holder] {
		w.mu.Unlock()
		return &TransactionError{Err: ErrDeadlock, Msg: fmt.Sprintf("deadlock: the statement needs a transaction of its own on shard %s, whose write lock this transaction holds, and SQLite lets one transaction write a file at a time", s)}
	}
	// A waiter waits for the holder and for the waiters ahead of it; those
	// wait for the holder too, so a cycle through them is one through the
	// holder.
	if w.reaches(l.holder, self, map[*Transaction]bool{}) {
		held := l.s
		w.mu.Unlock()
		return &TransactionError{Err: ErrDeadlock, Msg: fmt.Sprintf("deadlock: shard %s is held by another transaction, which waits for a shard this transaction holds, and SQLite lets one transaction write a file at a time", held)}
	}
	q := &lockWaiter{t: t, s: s, lock: l, granted: make(chan struct{})}
	l.queue = append(l.queue, q)
	w.waiting[t] = q
	w.mu.Unlock()

	select {
	case <-q.granted:
		return nil
	case <-ctx.Done():
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-q.granted:
		// Handed over as the context ended: pass it on.
		w.handOff(l)
	default:
		delete(w.waiting, t)
		for i, o := range l.queue {
			if o == q {
				l.queue = append(l.queue[:i:i], l.queue[i+1:]...)
				break
			}
		}
	}
	return ctx.Err()
}

// handOff gives l to its first waiter, or frees it. Called with w.mu held
// by (or for) the holder.
func (w *writeLocks) handOff(l *writeLock) {
	if len(l.queue) == 0 {
		l.holder, l.s = nil, nil
		return
	}
	q := l.queue[0]
	l.queue[0] = nil
	l.queue = l.queue[1:]
	delete(w.waiting, q.t)
	l.holder, l.s = q.t, q.s
	close(q.granted)
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
	for y, q := range w.waiting {
		if !within(y, from) {
			continue
		}
		if h := q.lock.holder; h != nil && w.reaches(h, self, seen) {
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

// release lets b's write lock go if t holds it, handing it to the first
// waiter.
func (w *writeLocks) release(t *Transaction, b *shard.Backend) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if l := w.locks[b]; l != nil && l.holder == t {
		w.handOff(l)
	}
}

// holds reports whether t holds b's write lock.
func (w *writeLocks) holds(t *Transaction, b *shard.Backend) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.locks[b]
	return l != nil && l.holder == t
}
