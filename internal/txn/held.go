package txn

import (
	"sync"

	"github.com/dot-do/vitessdo/shard"
)

// A transaction holds its shards' pool connections from the statement
// that joins them to its end, whenever that comes: the application
// decides. A statement outside a transaction that takes several shards'
// connections one after another in shard order (a scatter over bounded
// pools) may not wait, holding some, for a pool whose connections a
// transaction holds: that transaction may next read a shard the
// statement holds, and each would wait for the other for ever. So the
// coordinator counts the connections its transactions hold, by backend,
// and says when the count moves.

// heldConns counts the pool connections the coordinator's transactions
// hold, by backend.
type heldConns struct {
	mu sync.Mutex
	n  map[*shard.Backend]int
	// moved holds, by backend, a channel closed at the next change of
	// its count.
	moved map[*shard.Backend]chan struct{}
}

// add changes b's count by d and wakes those waiting for a change.
func (h *heldConns) add(b *shard.Backend, d int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = map[*shard.Backend]int{}
	}
	if h.n[b] += d; h.n[b] == 0 {
		delete(h.n, b)
	}
	if ch := h.moved[b]; ch != nil {
		close(ch)
		delete(h.moved, b)
	}
}

// TransactionConns returns how many connections of b's pool the
// coordinator's transactions hold, and a channel closed when that
// number next changes.
func (co *Coordinator) TransactionConns(b *shard.Backend) (int, <-chan struct{}) {
	h := &co.held
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.moved == nil {
		h.moved = map[*shard.Backend]chan struct{}{}
	}
	ch := h.moved[b]
	if ch == nil {
		ch = make(chan struct{})
		h.moved[b] = ch
	}
	return h.n[b], ch
}
