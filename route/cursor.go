package route

import (
	"context"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
)

// ShardQuery is one statement rendered for one shard's backend.
type ShardQuery struct {
	Shard *shard.Shard
	SQL   string
	Args  []any
	// ReturnsID marks an INSERT … RETURNING its generated id.
	ReturnsID bool
}

// Cursor is how a plan reaches the shards: the session of the connection
// running the statement. It decides whether a shard statement runs on the
// backend's pool or in the session's transaction on that shard.
type Cursor interface {
	// Lookup vindexes and owned-vindex maintenance run SQL through the
	// router in the same session.
	vindex.Cursor

	// StreamShards starts a read on each shard, in parallel, and returns one
	// stream per query, in order. Each stream has started (its columns
	// are known) or the error is returned and every stream is closed.
	StreamShards(ctx context.Context, qs []ShardQuery) ([]merge.Iterator, error)

	// ExecShards runs writes, in parallel, and returns one result per query.
	// Inside Atomic or a transaction they join it; otherwise a write on
	// one shard commits on its own.
	ExecShards(ctx context.Context, qs []ShardQuery) ([]shard.Result, error)

	// Atomic runs fn so that every write it makes through the cursor is
	// applied on all shards or on none: outside a transaction it opens
	// one for the duration of fn, committed when fn succeeds and rolled
	// back when it fails; inside a transaction it runs fn in it.
	Atomic(ctx context.Context, fn func(ctx context.Context) error) error

	// Autonomous runs fn in a transaction of its own on a shard's
	// backend, outside the session's transaction, as sequence
	// reservations do: committed when fn succeeds, rolled back
	// otherwise; own is then true. When the session's transaction holds
	// the only write lock of the shard's database (an SQLite file),
	// which no transaction of its own could take before the session's
	// ends, fn runs in the session's transaction instead, with own
	// false: what it writes commits or rolls back with that transaction.
	Autonomous(ctx context.Context, s *shard.Shard, fn func(ctx context.Context, q shard.Querier, own bool) error) error

	// Session is the connection's session state.
	Session() *Session
}
