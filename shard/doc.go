// Package shard holds what vitessdo knows about shards: their backends,
// the topology of keyspaces and shards, the executor that runs shard
// statements in parallel, and the backends' catalogs.
//
// # Backends and their capabilities
//
// A Backend is a *sql.DB pool over SQLite or PostgreSQL, opened by the
// driver package of its database (shard/sqlite, shard/postgres: the only
// packages that link a database driver) through NewBackend. What a backend
// can do beyond database/sql is a set of small interfaces its
// Capabilities value implements or not, asserted where they are used, as
// database/sql asserts a driver's optional interfaces: SingleWriter (one
// writer per SQLite file), ReadOnlyEnforcer (PRAGMA query_only),
// TxOptionsAdapter, FailedTransactionReporter, PreparedTransactions (two-
// phase commit, its SQL text and id quoting inside the PostgreSQL set),
// AdvisoryLocks, DecisionLog (two-phase commit's log table and its
// statements), LockConflictReporter (the errors a retry resolves),
// ValueSemantics (the rules the merge computes values by), CatalogReader,
// StatementCacher and ColumnLengthsUnknown. No code outside the backends
// compares dialects to choose behaviour.
//
// Statements are rendered in each backend's dialect by internal/dialect;
// Backend.Dialect names it and Backend.SchemaContext gives the renderer
// what it reads of the catalog (primary keys) under the statement's
// context.
//
// # Catalog
//
// Every column RenderDDL creates records its MySQL column type in the
// backend's own catalog (an SQL comment after the type, which SQLite keeps
// in sqlite_master; a column comment on PostgreSQL), because the backend
// type cannot tell varchar(191) from longtext or boolean from smallint.
// ReadCatalog reads a shard's tables back in MySQL's terms (TableInfo:
// those types, NOT NULL, defaults as COLUMN_DEFAULT shows them, primary
// key, indexes under their MySQL names, foreign keys), running its
// catalog queries through a function of the caller's, so that they go
// where the caller's statements go. The router answers information_schema
// from it.
package shard
