package txn

import (
	"context"
	"fmt"
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
// So every writer of the connector first asks the queue. A request names
// every lock a statement still needs (Transaction.Queriers asks for all
// of a statement's shards at once) and is granted all of them together,
// so a statement never holds one shard's lock while it waits for
// another's; requests are served in the order they came (first come,
// first served), with one exception that wastes no lock time: a lock
// that no earlier waiting request has claimed goes to a later request
// that can have all its locks now. A waiting request claims each of its
// locks it found taken, and from then on that lock, once free, waits for
// it; a request therefore waits at most for the statements holding its
// locks, never for a chain of waiters. Release hands the locks on at
// once: no wake-up is lost and no late arrival overtakes a claim. A wait
// lasts as long as the statement's context: a writer waits its turn,
// however long the queue, and the application's deadline (query_timeout,
// a context) bounds it.
//
// A transaction whose statements touch shards in different orders holds
// locks while it asks for more, and can close a cycle with another:
// waiting would then last forever, so the request fails at once, with a
// TransactionError whose cause is ErrDeadlock, and the connection rolls
// the transaction back, which lets the others go on; the application
// retries it. Only the connector's writers are queued: a lock held by
// another connector or process on the same file is waited for by SQLite,
// up to busy_timeout.
type writeLocks struct {
	mu    sync.Mutex
	locks map[*shard.Backend]*writeLock
	// queue holds the waiting requests in the order they came.
	queue []*lockRequest
}

// writeLock is one backend's write lock.
type writeLock struct {
	holder *Transaction
	s      *shard.Shard // the shard the holder took it for
}

// lockRequest is a transaction's wait for a set of locks, granted
// together.
type lockRequest struct {
	t      *Transaction
	shards []*shard.Shard
	locks  []*writeLock
	// claimed[i] is set once locks[i] was found taken: from then on it
	// is kept for this request (and earlier ones) when it comes free.
	claimed []bool
	// granted is closed when every lock is t's.
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

// sortByLockOrder returns the indexes of shards in lock order, equal
// shards in the order given (an insertion sort: a statement's shards are
// few, and most often in lock order already).
func sortByLockOrder(shards []*shard.Shard) []int {
	idx := make([]int, len(shards))
	for i := range idx {
		idx[i] = i
		for j := i; j > 0 && lockOrder(shards[idx[j]], shards[idx[j-1]]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}

// takeFree gives t the write locks of the shards' backends when every
// one is free or already t's, and reports whether it did; otherwise it
// takes none. Called with w.mu held.
func (w *writeLocks) takeFree(t *Transaction, shards []*shard.Shard) bool {
	for _, s := range shards {
		if l := w.locks[s.Backend]; l != nil && l.holder != nil && l.holder != t {
			return false
		}
	}
	for _, s := range shards {
		l := w.locks[s.Backend]
		if l == nil {
			l = &writeLock{}
			w.locks[s.Backend] = l
		}
		if l.holder == nil {
			l.holder, l.s = t, s
		}
	}
	return true
}

// wait takes s's write lock for t (see acquire).
func (w *writeLocks) wait(ctx context.Context, t *Transaction, s *shard.Shard) error {
	return w.acquire(ctx, t, []*shard.Shard{s})
}

// acquire takes the write locks of the shards' backends for t, all
// together, queueing behind the earlier requests for them. It fails if
// waiting would close a cycle (at once), or when ctx ends; no lock of the
// request is then held.
func (w *writeLocks) acquire(ctx context.Context, t *Transaction, shards []*shard.Shard) error {
	w.mu.Lock()
	if w.locks == nil {
		w.locks = map[*shard.Backend]*writeLock{}
	}
	if len(w.queue) == 0 && w.takeFree(t, shards) {
		// Nobody waits and every lock was free (or t's): taken at once,
		// as grant would give them to the one request of the queue.
		w.mu.Unlock()
		return nil
	}
	r := &lockRequest{t: t}
	for _, i := range sortByLockOrder(shards) {
		s := shards[i]
		l := w.locks[s.Backend]
		if l == nil {
			l = &writeLock{}
			w.locks[s.Backend] = l
		}
		if l.holder == t || containsLock(r.locks, l) {
			continue
		}
		if l.holder != nil && within(t, l.holder) {
			w.mu.Unlock()
			return &TransactionError{Err: ErrDeadlock, Msg: fmt.Sprintf("deadlock: the statement needs a transaction of its own on shard %s, whose write lock this transaction holds, and SQLite lets one transaction write a file at a time", s)}
		}
		r.shards = append(r.shards, s)
		r.locks = append(r.locks, l)
	}
	if len(r.locks) == 0 {
		w.mu.Unlock()
		return nil
	}
	r.claimed = make([]bool, len(r.locks))
	r.granted = make(chan struct{})
	w.queue = append(w.queue, r)
	w.grant()
	if isClosed(r.granted) {
		w.mu.Unlock()
		return nil
	}
	if w.holdsAny(t) {
		if held := w.cycle(r); held != nil {
			w.remove(r)
			w.grant()
			w.mu.Unlock()
			return &TransactionError{Err: ErrDeadlock, Msg: fmt.Sprintf("deadlock: shard %s is held by another transaction, which waits for a shard this transaction holds, and SQLite lets one transaction write a file at a time", held)}
		}
	}
	w.mu.Unlock()

	select {
	case <-r.granted:
		return nil
	case <-ctx.Done():
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if isClosed(r.granted) {
		// Granted as the context ended: hand the locks on.
		for _, l := range r.locks {
			l.holder, l.s = nil, nil
		}
	} else {
		w.remove(r)
	}
	w.grant()
	return ctx.Err()
}

func containsLock(ls []*writeLock, l *writeLock) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// remove takes a waiting request out of the queue.
func (w *writeLocks) remove(r *lockRequest) {
	for i, q := range w.queue {
		if q == r {
			copy(w.queue[i:], w.queue[i+1:])
			w.queue[len(w.queue)-1] = nil
			w.queue = w.queue[:len(w.queue)-1]
			return
		}
	}
}

// grant gives their locks to the waiting requests that can have them
// all, in the order the requests came: a lock held, or claimed by an
// earlier waiting request, is not free for a later one. A request that
// cannot have its locks claims those it found taken. Called with w.mu
// held.
func (w *writeLocks) grant() {
	if len(w.queue) == 0 {
		return
	}
	var blocked map[*writeLock]bool
	kept := w.queue[:0]
	for _, r := range w.queue {
		free := true
		for _, l := range r.locks {
			if l.holder != nil || blocked[l] {
				free = false
				break
			}
		}
		if free {
			for i, l := range r.locks {
				l.holder, l.s = r.t, r.shards[i]
			}
			close(r.granted)
			continue
		}
		if blocked == nil {
			blocked = map[*writeLock]bool{}
		}
		for i, l := range r.locks {
			if l.holder != nil || blocked[l] {
				r.claimed[i] = true
			}
		}
		for i, l := range r.locks {
			if r.claimed[i] {
				blocked[l] = true
			}
		}
		kept = append(kept, r)
	}
	for i := len(kept); i < len(w.queue); i++ {
		w.queue[i] = nil
	}
	w.queue = kept
}

// holdsAny reports whether t, or a transaction it runs beside, holds a
// lock: only then can its wait close a cycle.
func (w *writeLocks) holdsAny(t *Transaction) bool {
	for _, l := range w.locks {
		if l.holder != nil && within(t, l.holder) {
			return true
		}
	}
	return false
}

// cycle reports whether the waiting request r waits, through the locks
// and requests it waits for, for its own transaction (or one it runs
// beside); it returns a shard whose lock closes the cycle, or nil. A
// request waits for the holders of its locks and for the earlier
// requests that want one of them; a transaction also waits for the
// transactions that run beside it (outer) while they work.
func (w *writeLocks) cycle(r *lockRequest) *shard.Shard {
	// The waiting requests of each lock, in the order they came, and of
	// each transaction (with those running beside it).
	byLock := map[*writeLock][]*lockRequest{}
	byTx := map[*Transaction][]*lockRequest{}
	for _, q := range w.queue {
		for _, l := range q.locks {
			byLock[l] = append(byLock[l], q)
		}
		for u := q.t; u != nil; u = u.outer {
			byTx[u] = append(byTx[u], q)
		}
	}
	self := map[*Transaction]bool{}
	for u := r.t; u != nil; u = u.outer {
		self[u] = true
	}
	seen := map[*Transaction]bool{}
	var reaches func(q *lockRequest) bool
	// waitsFor calls fn for each transaction q waits for.
	waitsFor := func(q *lockRequest, fn func(*Transaction) bool) bool {
		for _, l := range q.locks {
			if l.holder != nil && l.holder != q.t && fn(l.holder) {
				return true
			}
			for _, e := range byLock[l] {
				if e == q {
					break
				}
				if fn(e.t) {
					return true
				}
			}
		}
		return false
	}
	var visit func(u *Transaction) bool
	visit = func(u *Transaction) bool {
		if self[u] {
			return true
		}
		if seen[u] {
			return false
		}
		seen[u] = true
		for _, q := range byTx[u] {
			if reaches(q) {
				return true
			}
		}
		return false
	}
	reaches = func(q *lockRequest) bool { return waitsFor(q, visit) }
	for _, l := range r.locks {
		if l.holder != nil && visit(l.holder) {
			return l.s
		}
		for _, e := range byLock[l] {
			if e == r {
				break
			}
			if visit(e.t) {
				return e.shards[0]
			}
		}
	}
	return nil
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

// release lets b's write lock go if t holds it, and hands it on.
func (w *writeLocks) release(t *Transaction, b *shard.Backend) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if l := w.locks[b]; l != nil && l.holder == t {
		l.holder, l.s = nil, nil
		w.grant()
	}
}

// holds reports whether t holds b's write lock.
func (w *writeLocks) holds(t *Transaction, b *shard.Backend) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.locks[b]
	return l != nil && l.holder == t
}
