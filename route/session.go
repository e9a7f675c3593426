package route

import (
	"time"

	"github.com/dot-do/vitessdo/key"
)

// Session is the state a connection keeps between statements.
type Session struct {
	// Keyspace is the default keyspace (USE ks), "" for none.
	Keyspace string
	// Shard, when set by USE ks:shard or USE ks/shard, sends every
	// statement to that shard unrouted.
	Shard string
	// KeyRange, when set by USE ks[range], sends every statement to the
	// shards intersecting the range, unrouted.
	KeyRange *key.KeyRange
	// TransactionMode is "single", "multi" or "twopc".
	TransactionMode string
	// InTransaction reports whether a transaction is open.
	InTransaction bool
	// InDML reports that an INSERT, UPDATE or DELETE is running: lookup
	// vindexes lock the rows they read for it.
	InDML bool
	// LastInsertID is the first id the last INSERT generated, as MySQL's
	// LAST_INSERT_ID() reports it.
	LastInsertID int64
	// QueryTimeout bounds each statement; a /*vt+ QUERY_TIMEOUT_MS=n */
	// comment overrides it for one statement.
	QueryTimeout time.Duration
	// Recording, when non-nil, receives every shard statement that runs
	// (VEXPLAIN QUERIES).
	Recording *[]ExplainRow
}

// Targeted reports whether statements bypass routing (USE ks:shard or
// USE ks[range]).
func (s *Session) Targeted() bool { return s.Shard != "" || s.KeyRange != nil }

// ExplainRow is one shard statement, as VEXPLAIN shows it.
type ExplainRow struct {
	Keyspace string
	Shard    string
	Query    string
}
