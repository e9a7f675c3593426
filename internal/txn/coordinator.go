package txn

import (
	"context"
	"database/sql"

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
	// held counts the pool connections the transactions hold (held.go).
	held heldConns
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
// as sequence reservations do, committed if fn succeeds; own is then
// true. On an SQLite shard it first takes the file's write lock in the
// connector's queue (see writeLocks), as a transaction does.
//
// Inside t (nil outside a transaction), when t or the transaction it
// runs beside holds the write lock of the shard's SQLite file, no other
// transaction can write the file before t ends, and waiting for one
// would wait for t itself: fn then runs in t's transaction on that file,
// with own false, and what it writes commits or rolls back with t.
func (co *Coordinator) Autonomous(ctx context.Context, t *Transaction, s *shard.Shard, fn func(ctx context.Context, q shard.Querier, own bool) error) error {
	b := s.Backend
	var owner *Transaction
	if singleWriter(b) {
		if p := t.heldPart(b); p != nil {
			if err := fn(ctx, p.tx, false); err != nil {
				return shardError(s, err)
			}
			return nil
		}
		owner = t
		if owner == nil {
			owner = &Transaction{}
		}
		if err := co.locks.wait(ctx, owner, s); err != nil {
			return err
		}
		defer co.locks.release(owner, b)
	}
	tx := &lazyTx{ctx: ctx, db: b.DB}
	err := fn(ctx, tx, true)
	if tx.err != nil {
		return shardError(s, tx.err)
	}
	if tx.tx == nil {
		if err != nil {
			return shardError(s, err)
		}
		return nil
	}
	if err != nil {
		tx.tx.Rollback()
		return shardError(s, err)
	}
	if err := tx.tx.Commit(); err != nil {
		return shardError(s, err)
	}
	return nil
}

// lazyTx is the transaction of Autonomous, begun by its first statement:
// a reservation that finds, once its turn comes, that the one before it
// already did the work takes no connection and writes nothing.
type lazyTx struct {
	ctx context.Context
	db  *sql.DB
	tx  *sql.Tx
	// err is BEGIN's error, which Autonomous reports.
	err error
}

func (l *lazyTx) begin() bool {
	if l.tx == nil && l.err == nil {
		l.tx, l.err = l.db.BeginTx(l.ctx, nil)
	}
	return l.err == nil
}

func (l *lazyTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !l.begin() {
		return nil, l.err
	}
	return l.tx.QueryContext(ctx, query, args...)
}

func (l *lazyTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if !l.begin() {
		// A Row holding an error can only come from database/sql: one
		// under an ended context, whose error Autonomous replaces by
		// BEGIN's.
		done, cancel := context.WithCancel(ctx)
		cancel()
		return l.db.QueryRowContext(done, query, args...)
	}
	return l.tx.QueryRowContext(ctx, query, args...)
}

func (l *lazyTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !l.begin() {
		return nil, l.err
	}
	return l.tx.ExecContext(ctx, query, args...)
}

// WithWriteLocks runs fn holding the connector's write locks of the
// shards on SQLite files, taken together in the connector's queue (see
// writeLocks) and released when fn returns: an autocommit write
// waits its turn behind the transactions that hold or wait for its file,
// first come first served, instead of polling SQLite's busy handler
// against them. A wait ends with ctx. owner holds the locks: a value the
// caller keeps for its writes one after another (a connection's), never
// used by two at once nor by a transaction; nil for one of its own.
func (co *Coordinator) WithWriteLocks(ctx context.Context, owner *Transaction, shards []*shard.Shard, fn func() error) error {
	any := false
	for _, s := range shards {
		any = any || singleWriter(s.Backend)
	}
	if !any {
		return fn()
	}
	lock := shards
	if len(shards) > 1 {
		lock = nil
		for _, s := range shards {
			if singleWriter(s.Backend) {
				lock = append(lock, s)
			}
		}
	}
	if owner == nil {
		owner = &Transaction{}
	}
	if err := co.locks.acquire(ctx, owner, lock); err != nil {
		return err
	}
	defer func() {
		for _, s := range lock {
			co.locks.release(owner, s.Backend)
		}
	}()
	return fn()
}
