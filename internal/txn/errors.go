package txn

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"

	"github.com/dot-do/vitessdo/shard"
)

// ErrDeadlock is the cause of a transaction the connector rolled back
// because it would have waited for a shard's write lock in a cycle with
// other transactions (see writeLocks). Retry the transaction.
var ErrDeadlock = errors.New("vitessdo: deadlock")

// CommitError reports a multi-shard commit (transaction_mode multi) that
// failed part way: the shards in Committed have committed, Failed did
// not, and RolledBack were rolled back. The transaction is neither all
// applied nor all undone.
type CommitError struct {
	Committed []string
	Failed    string
	// Unknown is set when Failed's connection broke during COMMIT: the
	// commit may have reached the shard or not, and only the shard knows.
	Unknown    bool
	RolledBack []string
	Err        error
}

func (e *CommitError) Error() string {
	failed := "failed on shard " + e.Failed
	if e.Unknown {
		failed = "lost the connection to shard " + e.Failed + " (which may or may not have committed)"
	}
	return fmt.Sprintf("vitessdo: commit %s after shards %s committed (rolled back: %s): %v",
		failed, listOrNone(e.Committed), listOrNone(e.RolledBack), e.Err)
}

// Unwrap returns the failed shard's error.
func (e *CommitError) Unwrap() error { return e.Err }

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// TwoPCError reports a two-phase commit that did not end cleanly.
// Decision says what became of the transaction: TwoPCRolledBack (no shard
// committed, none will), TwoPCCommitted (the transaction is committed;
// the shards in Pending still hold their prepared part, which the
// connector commits in the background or RecoverTwoPC commits) or
// TwoPCUnknown (recovery decides, alike for every shard).
type TwoPCError struct {
	// GTID identifies the transaction in the decision log and in the
	// prepared transactions' ids (GTID_i).
	GTID     string
	Decision string
	// Pending lists the shards whose prepared transaction was not
	// confirmed finished: they may still hold it.
	Pending []string
	Err     error
}

func (e *TwoPCError) Error() string {
	id := "two-phase commit"
	if e.GTID != "" {
		id += " " + e.GTID
	}
	switch e.Decision {
	case TwoPCCommitted:
		return fmt.Sprintf("vitessdo: %s: committed, but shards %s did not confirm COMMIT PREPARED; the connector commits what they still hold in the background (RecoverTwoPC): %v", id, listOrNone(e.Pending), e.Err)
	case TwoPCRolledBack:
		if len(e.Pending) > 0 {
			return fmt.Sprintf("vitessdo: %s: rolled back (shards %s did not confirm ROLLBACK PREPARED; the connector rolls back what they still hold in the background): %v", id, listOrNone(e.Pending), e.Err)
		}
		return fmt.Sprintf("vitessdo: %s: rolled back on every shard: %v", id, e.Err)
	}
	return fmt.Sprintf("vitessdo: %s: outcome unknown: the decision could not be recorded or read back; shards %s hold prepared transactions that recovery commits or rolls back together: %v", id, listOrNone(e.Pending), e.Err)
}

// Unwrap returns the error that stopped the commit.
func (e *TwoPCError) Unwrap() error { return e.Err }

// TransactionError reports a statement the transaction mode refuses (the
// transaction stays usable), a transaction mode or option that cannot be
// given, or a transaction that was rolled back under the application: its
// context ended, a shard connection broke, or it would have deadlocked
// (errors.Is(err, ErrDeadlock)). Err, when set, is the cause.
type TransactionError struct {
	Msg string
	Err error
}

func (e *TransactionError) Error() string { return "vitessdo: " + e.Msg }

// Unwrap returns the cause.
func (e *TransactionError) Unwrap() error { return e.Err }

// brokenConnection reports an error that means a shard connection is
// gone, with whatever transaction it held.
func brokenConnection(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return strings.Contains(err.Error(), "conn closed")
}

// lockConflict reports an error a retry of the transaction resolves:
// ErrDeadlock, and what a backend of the topology reports as a lock
// conflict (shard.LockConflictReporter: PostgreSQL's deadlock_detected,
// serialization_failure and lock_not_available, SQLite's BUSY and
// LOCKED).
func (co *Coordinator) lockConflict(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrDeadlock) {
		return true
	}
	if co == nil {
		return false
	}
	for _, r := range co.conflicts {
		if r.IsLockConflict(err) {
			return true
		}
	}
	return false
}

// lockConflictReporters returns the lock-conflict reporters of the
// topology's backends, one per kind of capabilities.
func lockConflictReporters(topo *shard.Topology) []shard.LockConflictReporter {
	var out []shard.LockConflictReporter
	seen := map[reflect.Type]bool{}
	for _, b := range topo.Backends() {
		caps := b.Capabilities()
		r, ok := caps.(shard.LockConflictReporter)
		if !ok || seen[reflect.TypeOf(caps)] {
			continue
		}
		seen[reflect.TypeOf(caps)] = true
		out = append(out, r)
	}
	return out
}
