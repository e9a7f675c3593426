package shard

import "context"

// A statement that runs in a transaction uses the statement the pool
// has prepared (stmtOn), and never prepares one on the pool itself: that
// would take a second connection of the pool while the transaction holds
// one. The writes of a multi-shard statement run in a transaction begun
// for them (the shard INSERTs of a multi-row INSERT, each holding that
// shard's rows), so without more they would be parsed again on every
// execution. PrepareAhead lets the caller prepare them on the pool
// before the transaction holds any connection: then no wait for a
// connection can be part of a cycle, and the transaction's connection,
// which the pool hands out most recently used first, usually has the
// statement prepared already.

// PrepareAhead prepares a query on the backend's pool and keeps it in
// the backend's statement cache, for a transaction to run it with (see
// stmtOn), when the backend caches statements (SQLite). A query that
// fails to prepare is left to run as text, which reports its error. The
// caller must hold no connection of any backend, in no transaction:
// preparing takes one of the pool's connections for a moment and may
// wait for it.
func (b *Backend) PrepareAhead(ctx context.Context, query string) {
	if _, ok := b.Capabilities().(StatementCacher); !ok || b.connCache {
		// Connections that keep their own prepared statements
		// (conncache.go) prepare a transaction's statements on its own
		// connection, once.
		return
	}
	b.prepared(ctx, query)
}
