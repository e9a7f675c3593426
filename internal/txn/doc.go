// Package txn runs a connection's transactions across shards.
//
// A shard joins a Transaction the first time a statement touches it: a
// connection is taken from the shard's pool and a backend transaction
// begun on it, and both are kept until commit or rollback. The
// transaction's mode says how the backend transactions commit: Single
// refuses a second shard, Multi commits them one by one in commit order
// (the pre transactions of consistent lookup vindexes first, their post
// transactions last) and reports a partial commit as a CommitError, and
// TwoPC commits them atomically with PREPARE TRANSACTION and a decision
// log (twopc.go), whose recovery (recovery.go) finishes what a crash or a
// lost shard leaves prepared.
//
// Savepoints apply on every shard and are replayed on shards that join
// later, so ROLLBACK TO means the same everywhere. A statement whose
// context ends, whose shard connection breaks or that meets a lock
// conflict rolls the transaction back on every shard (Transaction.MustAbort, Abort).
//
// An SQLite file has one writer: the Coordinator queues a connector's
// transactions for each SQLite shard's write lock and fails at once, with
// ErrDeadlock, a wait that would close a cycle (locks.go).
//
// ParseControl recognises the transaction statements given as SQL text
// (BEGIN, COMMIT, SAVEPOINT, …), which the SQL parser does not fully
// know. The root package turns all of this into database/sql's driver.Tx
// and re-exports the error types.
package txn
