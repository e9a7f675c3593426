package shard

import (
	"context"
	"database/sql"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
)

// Backends differ in what they can do beyond database/sql. Each
// difference is a small interface that the value Backend.Capabilities
// returns implements or not; code that depends on one asserts it where it
// is used, as database/sql asserts a driver's optional interfaces:
//
//	if pt, ok := b.Capabilities().(shard.PreparedTransactions); ok {
//		_, err := tx.ExecContext(ctx, pt.PrepareSQL(gid))
//	}

// Capabilities returns the value whose optional interfaces (SingleWriter,
// ReadOnlyEnforcer, TxOptionsAdapter, FailedTransactionReporter,
// PreparedTransactions, AdvisoryLocks, DecisionLog, LockConflictReporter,
// CatalogReader, StatementCacher, ColumnLengthsUnknown, ValueSemantics)
// say what the backend can do.
//
// The driver package that opened the backend chose the value; a Backend
// built without one has the capabilities its dialect's SQL gives
// (SQLiteCapabilities, PostgreSQLCapabilities).
func (b *Backend) Capabilities() any {
	if b.caps != nil {
		return b.caps
	}
	switch b.Dialect {
	case dialect.SQLite:
		return SQLiteCapabilities{}
	case dialect.PostgreSQL:
		return PostgreSQLCapabilities{}
	}
	return noCapabilities{}
}

// Product names the backend's database for messages: "SQLite" or
// "PostgreSQL".
func (b *Backend) Product() string {
	switch b.Dialect {
	case dialect.SQLite:
		return "SQLite"
	case dialect.PostgreSQL:
		return "PostgreSQL"
	}
	return b.Dialect.String()
}

type noCapabilities struct{}

// SingleWriter is implemented by backends whose database lets one
// transaction write at a time (an SQLite file): a writing transaction
// takes the whole database's write lock when it begins and holds it until
// it ends, and other writers wait for it, polling.
type SingleWriter interface {
	// SingleWriter marks the capability; it does nothing.
	SingleWriter()
}

// ReadOnlyEnforcer is implemented by backends whose driver begins a
// transaction with database/sql's ReadOnly option without refusing
// writes in it (modernc.org/sqlite begins a deferred transaction).
// EnforceReadOnly makes the transaction refuse writes. The setting
// belongs to the connection: ResetReadOnly undoes it before the
// connection goes back to the pool.
type ReadOnlyEnforcer interface {
	EnforceReadOnly(ctx context.Context, tx Querier) error
	ResetReadOnly(ctx context.Context, conn Querier) error
}

// TxOptionsAdapter is implemented by backends that do not take
// database/sql's transaction options as they are: TxOptions returns the
// options to begin the backend's transaction with, giving each level at
// least the isolation asked for.
type TxOptionsAdapter interface {
	TxOptions(o sql.TxOptions) *sql.TxOptions
}

// FailedTransactionReporter is implemented by backends whose transaction
// fails as a whole after a statement error (PostgreSQL refuses every
// statement until ROLLBACK or ROLLBACK TO SAVEPOINT, and turns COMMIT
// into ROLLBACK). InFailedTransaction reports whether the connection's
// transaction is in that state; known is false when it cannot tell.
type FailedTransactionReporter interface {
	InFailedTransaction(conn *sql.Conn) (failed, known bool)
}

// PreparedTransactions is implemented by backends that can prepare a
// transaction for two-phase commit: make it durable without committing
// it, then commit or roll it back by its id from any connection.
type PreparedTransactions interface {
	// PrepareSQL, CommitPreparedSQL and RollbackPreparedSQL return the
	// statements for a transaction id, which they quote as a literal
	// (the statements take no placeholder). An id is letters, digits and
	// underscores.
	PrepareSQL(gid string) string
	CommitPreparedSQL(gid string) string
	RollbackPreparedSQL(gid string) string
	// IsPrepared reports whether a prepared transaction has the id.
	IsPrepared(ctx context.Context, q Querier, gid string) (bool, error)
	// ListPrepared returns the ids that start with prefix of the
	// transactions prepared in the backend's database.
	ListPrepared(ctx context.Context, q Querier, prefix string) ([]string, error)
	// IsUnknownPrepared reports an error saying that no prepared
	// transaction has the id.
	IsUnknownPrepared(err error) bool
}

// AdvisoryLocks is implemented by backends with advisory locks keyed by
// an integer, held by a connection until it unlocks them or closes.
type AdvisoryLocks interface {
	TryAdvisoryLock(ctx context.Context, conn *sql.Conn, key int64) (bool, error)
	AdvisoryUnlock(ctx context.Context, conn *sql.Conn, key int64) error
}

// CatalogReader is implemented by backends whose catalog vitessdo reads:
// the tables information_schema and schema changes report, the primary
// keys upserts and ordered modifications target, and the column whose
// values the backend generates. Each runs its queries through what the
// caller gives, under the caller's context.
type CatalogReader interface {
	ReadCatalog(ctx context.Context, run QueryFunc) ([]TableInfo, error)
	PrimaryKey(ctx context.Context, q Querier, table string) ([]string, error)
	IdentityColumn(ctx context.Context, q Querier, table string) (string, error)
}

// StatementCacher is implemented by backends whose driver prepares a
// statement on every query run as text (modernc.org/sqlite): the backend
// keeps prepared statements of its pool and runs queries on them.
type StatementCacher interface {
	// StatementCacher marks the capability; it does nothing.
	StatementCacher()
}

// ScanTypesFollowValues is implemented by backends whose driver reports
// a result column's scan type from the value the current row holds in
// it (SQLite's storage class: modernc.org/sqlite asks
// sqlite3_column_type), its declared type and the connection's
// settings, and whose rows give a value of Go type nil, int64, float64,
// string or []byte for exactly one storage class each (NULL, INTEGER,
// REAL, TEXT, BLOB; any other type, time.Time, may come of several), and
// whose columns' nullability, precision and scale follow from their
// declared types (modernc.org/sqlite reports every column nullable and
// none with a precision). A prepared statement's rows whose first row's
// values have the Go types of the last run's, and whose columns the
// last run's names and declared types, then have its description too,
// and the driver is not asked again (see describeFirst).
type ScanTypesFollowValues interface {
	// ScanTypesFollowValues marks the capability; it does nothing.
	ScanTypesFollowValues()
}

// ColumnLengthsUnknown is implemented by backends whose driver reports a
// result column's length from the current row's value rather than from
// the column (SQLite's storage classes): the length is left unknown
// rather than reported wrong.
type ColumnLengthsUnknown interface {
	// ColumnLengthsUnknown marks the capability; it does nothing.
	ColumnLengthsUnknown()
}

// LockConflictReporter is implemented by backends whose errors say when a
// statement met a lock conflict that a retry of the transaction resolves
// (a deadlock, a serialization failure, a lock not available, a busy
// database file). IsLockConflict reports such an error, however wrapped.
type LockConflictReporter interface {
	IsLockConflict(err error) bool
}

// DecisionLog is implemented by backends that can keep two-phase
// commit's decision log: a table, vitessdo_twopc, with one row per
// transaction being committed (its gtid, its state: prepare, commit or
// rollback, the instance of the connector that began it, and its
// participants as a JSON list of backend URLs).
type DecisionLog interface {
	// DecisionLogSQL returns the statements that read and write the log.
	DecisionLogSQL() *DecisionLogStatements
}

// DecisionLogStatements are the statements of a decision log, in the
// backend's dialect; each takes, as placeholders in this order, the
// arguments its comment lists.
type DecisionLogStatements struct {
	// Create creates the table when it does not exist.
	Create string
	// Exists returns one row with one boolean: whether the table exists.
	Exists string
	// Insert adds a transaction in state prepare: gtid, instance,
	// participants.
	Insert string
	// Commit and Rollback decide a transaction still in state prepare:
	// gtid. One row is affected when the decision was made by the
	// statement.
	Commit, Rollback string
	// State returns a transaction's state: gtid.
	State string
	// Delete deletes a transaction's row: gtid.
	Delete string
	// DeleteInState deletes a transaction's row if it is in a state:
	// gtid, state.
	DeleteInState string
	// List returns every row: gtid, state, instance, participants.
	List string
}

// ValueSemantics is implemented by backends whose values the merge can
// compare, combine and compute as the backend itself does: Semantics
// names the rules. The rows of a backend without it are only
// concatenated and cut at a LIMIT.
type ValueSemantics interface {
	Semantics() eval.Engine
}
