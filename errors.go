package vitessdo

import (
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/dot-do/vitessdo/internal/txn"
	"github.com/dot-do/vitessdo/route"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// ConfigError reports a bad DSN, VSchema or shard topology. It is returned
// by ParseDSN, NewConnector and the first use of a database opened with a
// bad DSN.
type ConfigError struct {
	Msg string
	// Err is the underlying error, such as a *vschema.VSchemaError.
	Err error
}

func (e *ConfigError) Error() string {
	if e.Err != nil {
		if e.Msg == "" {
			return "vitessdo: " + e.Err.Error()
		}
		return "vitessdo: " + e.Msg + ": " + e.Err.Error()
	}
	return "vitessdo: " + e.Msg
}

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Msg: fmt.Sprintf(format, args...)}
}

// UnsupportedError reports a statement vitessdo cannot run correctly; its
// message starts with "unsupported:" and says why.
type UnsupportedError = route.UnsupportedError

// VSchemaError reports an invalid VSchema, naming the file, keyspace,
// table, vindex and field concerned.
type VSchemaError = vschema.VSchemaError

// ShardError reports a failure on one shard, naming its keyspace and shard.
type ShardError = shard.Error

// DDLError reports DDL that failed on some shards of a keyspace, naming
// the shards that applied it and those that did not.
type DDLError = route.DDLError

// CommitError reports a multi-shard commit (transaction_mode multi) that
// failed part way: the shards in Committed have committed, Failed did
// not (Unknown: its connection broke during COMMIT, and only the shard
// knows whether the commit reached it), and RolledBack were rolled back.
// The transaction is neither all applied nor all undone. It is defined in
// the transaction package, which creates it.
type CommitError = txn.CommitError

// TwoPCError reports a two-phase commit (transaction_mode twopc) that did
// not end cleanly. Decision says what became of the transaction:
// TwoPCRolledBack (no shard committed, none will), TwoPCCommitted (the
// transaction is committed; the shards in Pending still hold their
// prepared part, which the connector commits in the background or
// Connector.RecoverTwoPC commits) or TwoPCUnknown (recovery decides,
// alike for every shard). It is defined in the transaction package,
// which creates it.
type TwoPCError = txn.TwoPCError

// Decisions of a two-phase commit, as TwoPCError reports them.
const (
	// TwoPCCommitted: the commit decision is recorded; the transaction
	// is committed, or will be on the shards listed as pending.
	TwoPCCommitted = txn.TwoPCCommitted
	// TwoPCRolledBack: no shard committed and none will.
	TwoPCRolledBack = txn.TwoPCRolledBack
	// TwoPCUnknown: the decision could not be recorded or read back;
	// recovery decides, and commits or rolls back every shard alike.
	TwoPCUnknown = txn.TwoPCUnknown
)

// TwoPCRecovery is what a recovery pass (Connector.RecoverTwoPC) did, by
// prepared transaction id: Committed, RolledBack, and Waiting for the
// undecided transactions of live connectors in other processes.
type TwoPCRecovery = txn.TwoPCRecovery

// TransactionError reports a statement the transaction mode refuses (the
// transaction stays usable), a transaction mode or option that cannot be
// given, or a transaction that was rolled back under the application: its
// context ended, a shard connection broke, or it would have deadlocked
// (errors.Is(err, ErrDeadlock)). Err, when set, is the cause. It is
// defined in the transaction package, which creates it.
type TransactionError = txn.TransactionError

// ErrDeadlock is the cause of a transaction the connector rolled back
// because it would have waited for a shard's write lock in a cycle with
// other transactions. Retry the transaction.
var ErrDeadlock = txn.ErrDeadlock

// noRetry hides driver.ErrBadConn from errors.Is. database/sql runs a
// statement again on another connection when it fails with ErrBadConn,
// which is right only when nothing reached a shard; a shard's ErrBadConn
// (its pool has already retried) says nothing of the other shards of the
// statement. errors.As still finds the errors underneath.
func noRetry(err error) error {
	if err == nil || !errors.Is(err, driver.ErrBadConn) {
		return err
	}
	return &noRetryError{err}
}

type noRetryError struct{ err error }

func (e *noRetryError) Error() string { return e.err.Error() }

// As looks through to the error underneath.
func (e *noRetryError) As(target any) bool { return errors.As(e.err, target) }

// LayoutError reports shards whose data disagrees with the layout the
// VSchema gives them: a backend recording another shard or another
// placement, a listed shard missing the data its siblings have, a shard
// file the VSchema no longer lists that still holds rows, a half-done
// reshard. NewConnector (and sql.Open) refuse such a layout, since
// reading it would silently miss rows; the fix is to move the data to
// the layout with `vitessdo reshard`, or to restore the VSchema's
// "shards".
type LayoutError struct {
	Keyspace string
	Shard    string
	// Problem says what disagrees.
	Problem string
	// HalfDoneReshard marks a reshard that has not switched or not
	// finished switching.
	HalfDoneReshard bool
}

func (e *LayoutError) Error() string {
	fix := "move the rows to the vschema's shards with `vitessdo reshard`, or restore the vschema's \"shards\""
	if e.HalfDoneReshard {
		fix = "a reshard is half done: run the same `vitessdo reshard` again to finish it"
	}
	return fmt.Sprintf("vitessdo: layout: keyspace %s, shard %s: %s; %s", e.Keyspace, e.Shard, e.Problem, fix)
}
