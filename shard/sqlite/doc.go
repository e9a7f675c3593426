// Package sqlite opens SQLite shard backends through modernc.org/sqlite.
//
// It is a package of its own so that only what opens backends links the
// driver: the planner (route/) and the rest of shard/ speak of backends
// through *shard.Backend and its capabilities, and build without a
// database driver (`go list -deps ./route` shows none). The root package's
// connector imports this package and calls Open for sqlite: URLs.
//
// Open adds the pragmas every shard needs unless the URL sets them
// (WAL journal, a busy timeout, synchronous=NORMAL, foreign keys on) and
// begins transactions with BEGIN IMMEDIATE, so a transaction takes the
// file's write lock when it begins. The backend it returns has
// shard.SQLiteCapabilities: one writer per file (shard.SingleWriter),
// read-only transactions enforced with PRAGMA query_only, its catalog
// read from sqlite_master and the table-valued pragmas, and a cache of
// prepared statements.
package sqlite
