package txn

import (
	"context"

	"github.com/dot-do/vitessdo/shard"
)

// Transaction modes, as in Vitess.
const (
	// Single refuses a transaction that touches a second shard.
	Single = "single"
	// Multi commits shard by shard in a fixed order (the default).
	Multi = "multi"
	// TwoPC commits atomically with two-phase commit (PostgreSQL shards).
	TwoPC = "twopc"
)

// Coordinator is what the transactions of one connector share: the queue
// for the write locks of SQLite shards, with its deadlock detector, and
// the two-phase commit coordinator with its background recovery.
type Coordinator struct {
	topo  *shard.Topology
	locks writeLocks
	// twopc coordinates two-phase commits; nil without PostgreSQL shards.
	twopc *twopc
	// conflicts tell the errors of lock conflicts, by backend.
	conflicts []shard.LockConflictReporter
}

// NewCoordinator returns the coordinator of a topology's transactions.
// With PostgreSQL shards it starts a two-phase-commit recovery pass in
// the background; maxOpenConns bounds the decision log's pool as it
// bounds a shard's (0: no bound). Close stops it.
func NewCoordinator(topo *shard.Topology, maxOpenConns int) *Coordinator {
	return &Coordinator{topo: topo, twopc: newTwoPC(topo, maxOpenConns), conflicts: lockConflictReporters(topo)}
}

// Close stops the background recovery and releases the decision log's
// connections. Prepared transactions stay for a later recovery.
func (co *Coordinator) Close() {
	if co.twopc != nil {
		co.twopc.close()
	}
}

// RecoverTwoPC runs a two-phase-commit recovery pass now (see twopc).
// Without PostgreSQL shards it does nothing.
func (co *Coordinator) RecoverTwoPC(ctx context.Context) (TwoPCRecovery, error) {
	if co.twopc == nil {
		return TwoPCRecovery{}, nil
	}
	return co.twopc.recover(ctx)
}

// Autonomous runs fn in a transaction of its own on the shard's backend,
// as sequence reservations do, committed if fn succeeds. Inside t (nil
// outside a transaction) on SQLite shards the deadlock detector learns
// of it: it needs the file's write lock while t holds others.
func (co *Coordinator) Autonomous(ctx context.Context, t *Transaction, s *shard.Shard, fn func(ctx context.Context, q shard.Querier) error) error {
	var tracked *Transaction
	if t != nil && singleWriter(s.Backend) {
		tracked = t
		if err := co.locks.wait(ctx, tracked, s); err != nil {
			return err
		}
	}
	tx, err := s.Backend.DB.BeginTx(ctx, nil)
	if tracked != nil {
		co.locks.took(tracked, s, err == nil)
		if err == nil {
			defer co.locks.release(tracked, s.Backend)
		}
	}
	if err != nil {
		return &shard.Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
	}
	if err := fn(ctx, tx); err != nil {
		tx.Rollback()
		return &shard.Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
	}
	if err := tx.Commit(); err != nil {
		return &shard.Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
	}
	return nil
}
