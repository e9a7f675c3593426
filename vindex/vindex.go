package vindex

import (
	"context"

	"github.com/dot-do/vitessdo/key"
)

// Vindex is a function from a column value to the shard(s) holding its rows.
// Every type named in a VSchema's "vindexes" section is one.
type Vindex interface {
	// String returns the vindex's name in the VSchema.
	String() string
	// Cost is Vitess's cost of using the vindex to route: the planner picks
	// the cheapest vindex among those with a usable condition.
	Cost() int
	// IsUnique reports whether a value maps to at most one keyspace id.
	IsUnique() bool
	// NeedsCursor reports whether Map reads a table through the Cursor.
	NeedsCursor() bool
}

// SingleColumn is a vindex over one column.
type SingleColumn interface {
	Vindex
	// Map returns one destination per value, in order. A value that cannot
	// exist in the keyspace (a non-numeric string for hash, a value missing
	// from a lookup table) maps to key.DestinationNone.
	Map(ctx context.Context, c Cursor, values []any) ([]key.Destination, error)
	// Verify reports, per value, whether it maps to the given keyspace id.
	Verify(ctx context.Context, c Cursor, values []any, ksids [][]byte) ([]bool, error)
}

// MultiColumn is a vindex over several columns, such as multicol.
type MultiColumn interface {
	Vindex
	// Map returns one destination per row of column values. A row may hold
	// only a prefix of the columns when PartialVindex is true.
	Map(ctx context.Context, c Cursor, rows [][]any) ([]key.Destination, error)
	// Verify reports, per row, whether it maps to the given keyspace id.
	Verify(ctx context.Context, c Cursor, rows [][]any, ksids [][]byte) ([]bool, error)
	// PartialVindex reports whether a prefix of the columns can route.
	PartialVindex() bool
}

// Hashing is a functional vindex that computes the keyspace id of one value
// without a cursor: hash, xxhash, numeric, binary, binary_md5,
// reverse_bits, unicode_loose_md5, unicode_loose_xxhash and
// numeric_static_map. Map is Hash applied to each value; where Map gives
// key.DestinationNone, Hash returns an error. The router may call Hash
// directly on an INSERT's values to avoid building destinations.
type Hashing interface {
	Hash(v any) ([]byte, error)
}

// Hashing8 is a functional vindex whose keyspace ids are 8 bytes (hash,
// xxhash, numeric): KeyspaceID8 returns one value's keyspace id as an
// array, so routing a point statement by it allocates nothing. ok is false
// where Map gives key.DestinationNone; err is Map's error for the value.
type Hashing8 interface {
	KeyspaceID8(v any) (ksid [8]byte, ok bool, err error)
}

// Reversible is a vindex that can turn a keyspace id back into the value.
type Reversible interface {
	SingleColumn
	ReverseMap(c Cursor, ksids [][]byte) ([]any, error)
}

// Lookup is a vindex backed by a lookup table. When the vindex is owned by
// a table, the router calls Create, Delete and Update as it writes the
// owner's rows, in the owner's session.
type Lookup interface {
	// Owner returns the owner table named by the "owner" param, or "".
	Owner() string
	// Create inserts lookup rows: rows[i] holds the "from" column values
	// of an owner row whose keyspace id is ksids[i]. With ignoreMode,
	// rows that already exist are left alone (INSERT IGNORE).
	Create(ctx context.Context, c Cursor, rows [][]any, ksids [][]byte, ignoreMode bool) error
	// Delete removes the lookup rows of owner rows with keyspace id ksid.
	Delete(ctx context.Context, c Cursor, rows [][]any, ksid []byte) error
	// Update moves the lookup row of an owner row from oldValues to
	// newValues.
	Update(ctx context.Context, c Cursor, oldValues []any, ksid []byte, newValues []any) error
}

// WantOwnerInfo is a lookup vindex that must know its owner table's
// columns: a consistent lookup checks whether the owner row of an existing
// lookup row still exists before taking the lookup row over. After New,
// the VSchema loader calls SetOwnerInfo with the owner table's keyspace,
// its name and the owner's columns for this vindex (its column_vindexes
// "columns"), in the order of the "from" param.
type WantOwnerInfo interface {
	SetOwnerInfo(keyspace, table string, columns []string) error
}

// Cursor runs SQL for lookup vindexes through the router, in the session of
// the statement being routed (so lookup writes share its transaction).
// Statements are in the Vitess/MySQL dialect with ? placeholders; the
// arguments are nil, int64, uint64, float64, bool, string, []byte or
// time.Time. Exec must leave the transaction usable after a failed
// statement (on PostgreSQL, run each statement under a savepoint): a
// consistent lookup recovers from a duplicate-key error.
type Cursor interface {
	// Query runs a SELECT and returns all its rows.
	Query(ctx context.Context, query string, args ...any) ([][]any, error)
	// Exec runs an INSERT, UPDATE or DELETE and returns the rows affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// ExecAutocommit runs a write outside the session's transaction, in a
	// transaction of its own (the "autocommit" param of lookup vindexes).
	ExecAutocommit(ctx context.Context, query string, args ...any) (int64, error)
}

// CommitOrder names the transaction of a session that a lookup statement
// runs in. As in Vitess, a session may hold three open transactions besides
// autocommitted statements; at commit the router commits Pre, then Normal,
// then Post, each only if the one before succeeded.
type CommitOrder int

const (
	// CommitNormal is the transaction of the statement being routed.
	CommitNormal CommitOrder = iota
	// CommitPre commits before CommitNormal. Consistent lookups insert
	// lookup rows here, so a lookup row exists before its owner row.
	CommitPre
	// CommitPost commits after CommitNormal. Consistent lookups delete
	// lookup rows here, so a lookup row outlives its owner row.
	CommitPost
	// CommitAutocommit is a transaction of its own, committed at once.
	CommitAutocommit
)

// String returns the order's name.
func (o CommitOrder) String() string {
	switch o {
	case CommitNormal:
		return "normal"
	case CommitPre:
		return "pre"
	case CommitPost:
		return "post"
	case CommitAutocommit:
		return "autocommit"
	}
	return "CommitOrder(?)"
}

// SessionCursor is a Cursor that exposes the session's transactions.
// Lookup vindexes use it when the Cursor implements it: reads lock the
// lookup rows they read inside a writing transaction, and autocommit
// lookups also read outside the transaction. Consistent lookup vindexes
// need it to write (Create, Delete, Update return an error without it).
type SessionCursor interface {
	Cursor
	// InTransactionAndIsDML reports whether the statement being routed is
	// an INSERT, UPDATE or DELETE inside an explicit transaction; lookup
	// reads then lock what they read, as the "read_lock" param says.
	InTransactionAndIsDML() bool
	// QueryOrder runs a SELECT in the transaction named by order.
	QueryOrder(ctx context.Context, order CommitOrder, query string, args ...any) ([][]any, error)
	// ExecOrder runs a write in the transaction named by order.
	ExecOrder(ctx context.Context, order CommitOrder, query string, args ...any) (int64, error)
	// QueryKeyspaceID runs a SELECT on the shard of keyspace that holds
	// ksid, in the normal transaction: a consistent lookup reads (and
	// share-locks) an owner row through it.
	QueryKeyspaceID(ctx context.Context, keyspace string, ksid []byte, query string, args ...any) ([][]any, error)
}

// Env is what a vindex may know about the keyspace it belongs to.
type Env struct {
	// Keyspace is the keyspace's name.
	Keyspace string
	// Shards lists the keyspace's shard names in key-range order.
	Shards []string
	// Dir is the directory of the VSchema file, against which relative
	// file params (numeric_static_map's json_path) resolve.
	Dir string
}
