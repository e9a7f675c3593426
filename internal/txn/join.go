package txn

import (
	"context"
	"slices"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
)

// A shard joins a transaction in two steps: its place (the SQLite file's
// write lock, waited for first so that a waiter holds no pool
// connection, then a connection of the shard's pool) and its backend
// transaction (BEGIN, the read-only setting, the savepoints replayed).
// The places of a statement's shards are taken one after another in
// lock order, the same order for every statement, so that two
// statements never each hold a connection the other waits for; the
// backend transactions of the shards then begin together (BEGIN on an
// SQLite file is system calls on its locks, on PostgreSQL a round trip),
// and join the transaction in lock order, which is their commit order.

// join begins the shard's backend transaction and adds it to the
// transaction. Called with t.mu held.
func (t *Transaction) join(ctx context.Context, s *shard.Shard, k partKey) (*txPart, error) {
	var into *txPart
	if !t.first1Used {
		// Nothing refers to first1 until it is added: a part abandoned
		// there leaves it free for the next.
		into = &t.first1
	}
	p, err := t.place(ctx, s, k, orderRank(t.order), into)
	if err != nil {
		return nil, err
	}
	if err := p.begin(ctx, t.savepoints); err != nil {
		return nil, err
	}
	if p == &t.first1 {
		t.first1Used = true
	}
	t.add(k, p)
	return p, nil
}

// place takes what the shard's part holds besides its backend
// transaction: the write lock of an SQLite file (unless the transaction
// is read-only) and a pool connection. Both waits end with the
// statement's context. On failure nothing is held. The part is written
// into into, when not nil, else allocated.
func (t *Transaction) place(ctx context.Context, s *shard.Shard, k partKey, rank int, into *txPart) (*txPart, error) {
	b := s.Backend
	lock := singleWriter(b) && !t.opts.ReadOnly
	if lock {
		if err := t.co.locks.wait(ctx, t, s); err != nil {
			return nil, err
		}
	}
	if into == nil {
		into = new(txPart)
	}
	*into = txPart{t: t, shard: s, order: k.order, rank: rank, locked: lock}
	if err := b.Hold(ctx, &into.held); err != nil {
		if lock {
			t.co.locks.release(t, b)
		}
		return nil, shardError(s, err)
	}
	into.holding = true
	t.co.held.add(b, 1)
	return into, nil
}

// begin begins the part's backend transaction on its connection and
// replays the savepoints, so that ROLLBACK TO means the
// same on every shard. On failure the part is abandoned: nothing is
// held. The part is not in its transaction yet, so no other goroutine
// reads its fields.
func (p *txPart) begin(ctx context.Context, savepoints []string) error {
	t, s, b := p.t, p.shard, p.shard.Backend
	// The backend transaction lives until Commit or Rollback, not as long
	// as the statement that joined the shard: it begins under a context
	// that never ends, which also spares database/sql's watcher of the
	// transaction's context and the SQLite driver's interrupt watcher a
	// goroutine each.
	tx, err := b.BeginHeld(context.Background(), &p.held, backendTxOptions(b, t.opts))
	if p.locked {
		t.co.locks.took(t, s, err == nil)
		p.locked = err == nil
	}
	if err != nil {
		p.abandon()
		return shardError(s, err)
	}
	p.tx = tx
	p.q = shard.TxConn{Querier: p.tx, Held: &p.held}
	if ro, ok := b.Capabilities().(shard.ReadOnlyEnforcer); ok && t.opts.ReadOnly {
		p.readOnly = ro
		if err := ro.EnforceReadOnly(ctx, p.tx); err != nil {
			p.abandon()
			return shardError(s, err)
		}
	}
	for _, sp := range savepoints {
		if _, err := p.tx.ExecContext(ctx, savepointSQL("SAVEPOINT", sp)); err != nil {
			p.abandon()
			return shardError(s, err)
		}
	}
	return nil
}

// abandon rolls back and gives back what a part that never joined its
// transaction holds. It takes no lock of the transaction, whose mutex the
// caller may hold.
func (p *txPart) abandon() {
	if p.tx != nil {
		p.tx.Rollback()
		p.tx = nil
	}
	if p.locked {
		p.t.co.locks.release(p.t, p.shard.Backend)
		p.locked = false
	}
	if p.holding {
		p.holding = false
		p.giveBack(p.readOnly)
	}
}

// add makes a begun part one of the transaction's. Called with t.mu
// held.
func (t *Transaction) add(k partKey, p *txPart) {
	if t.parts == nil {
		t.parts = t.parts1[:0]
	}
	t.parts = append(t.parts, p)
	if t.byKey != nil || len(t.parts) > partsScanned {
		if t.byKey == nil {
			t.byKey = make(map[partKey]*txPart, len(t.parts))
			for _, q := range t.parts {
				t.byKey[partKey{order: q.order, backend: q.shard.Backend}] = q
			}
		}
		t.byKey[k] = p
	}
}

// joinTogether joins the shards of a statement that are not in the
// transaction yet (Queriers' shards, visited in lock order): their places
// one after another, then their backend transactions at once (see
// shard.Each). The parts that began join in lock order even when another
// failed, as they would have one by one, and the first error in lock
// order is returned. Shards it leaves out (a transaction_mode single
// transaction's, the pre and post transactions of lookup vindexes, a
// file whose write lock a transaction this one runs beside holds) join
// one by one through Querier.
func (t *Transaction) joinTogether(ctx context.Context, shards []*shard.Shard, order []int) error {
	t.mu.Lock()
	if t.failed != nil || t.order != vindex.CommitNormal || t.mode == Single {
		t.mu.Unlock()
		return nil
	}
	var need []*shard.Shard
	var keys []partKey
	for _, i := range order {
		s := shards[i]
		k := partKey{order: vindex.CommitNormal, backend: s.Backend}
		if t.part(k) != nil || slices.Contains(keys, k) {
			continue
		}
		if singleWriter(s.Backend) && t.outer.heldPart(s.Backend) != nil {
			continue
		}
		need = append(need, s)
		keys = append(keys, k)
	}
	savepoints := slices.Clone(t.savepoints)
	rank := orderRank(t.order)
	t.mu.Unlock()
	if len(need) < 2 {
		return nil
	}

	parts := make([]*txPart, 0, len(need))
	var placeErr error
	for i, s := range need {
		p, err := t.place(ctx, s, keys[i], rank, nil)
		if err != nil {
			placeErr = err
			break
		}
		parts = append(parts, p)
	}
	errs := make([]error, len(parts))
	shard.Each(len(parts), shard.Workers(need[:len(parts)]), func(i int) {
		errs[i] = parts[i].begin(ctx, savepoints)
	})

	t.mu.Lock()
	failed := t.failed
	for i, p := range parts {
		switch {
		case errs[i] != nil:
		case failed != nil || t.part(keys[i]) != nil:
			// Rolled back under the application meanwhile, or joined
			// meanwhile: this part is not needed.
			p.abandon()
		default:
			t.add(keys[i], p)
		}
	}
	t.mu.Unlock()
	if failed != nil {
		return failed
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return placeErr
}

// Holds reports whether the transaction, or one it runs beside, holds a
// shard: a connection, and on SQLite its file's write lock. One that
// holds none can wait for a pool connection without keeping anyone else
// waiting (see shard.Backend.PrepareAhead).
func (t *Transaction) Holds() bool {
	for u := t; u != nil; u = u.outer {
		u.mu.Lock()
		n := len(u.parts)
		u.mu.Unlock()
		if n > 0 {
			return true
		}
	}
	return false
}
