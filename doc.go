// Package vitessdo is a database/sql driver that gives a Go program
// Vitess-style horizontal sharding with nothing to run.
//
//	db, err := sql.Open("vitessdo", "vschema=app.vschema.json&dir=./data")
//
// The DSN names a Vitess VSchema file and where the shards live (see
// ParseDSN). From then on the program writes ordinary SQL in the
// Vitess/MySQL dialect (? placeholders, `backtick` identifiers). Each
// statement is parsed once and its plan cached; the plan routes it by the
// tables' vindexes to the shards that hold its rows, renders it in each
// shard backend's dialect (SQLite through modernc.org/sqlite, PostgreSQL
// through pgx), runs the shard statements in parallel and merges their
// rows in a streaming iterator. The program, sqlx and GORM see one
// database.
//
// # The path of a statement
//
// A connection (conn.go) holds the session: the default keyspace, a shard
// target set by USE, and the transaction. Its statements go through
// route.Planner, which returns a cached route.Plan; running the plan binds
// the arguments, maps vindex values to keyspace ids and shards, and asks the
// connection — the plan's route.Cursor — to run the shard statements, on
// the shard pools or in the transaction. Rows come back as a merge.Iterator
// that rows.go hands to database/sql.
//
// # Routing, visible
//
// VEXPLAIN PLAN <statement> returns, without running it, one row per shard
// statement (keyspace, shard, query); VEXPLAIN QUERIES <statement> runs it
// and returns what ran. USE keyspace:shard (or keyspace/shard) sends a
// connection's statements to one shard unrouted, USE keyspace[range] to the
// shards of a key range. Keep such session state on a sql.Conn: a pooled
// connection goes back to the DSN's defaults before database/sql reuses it.
//
// # Transactions
//
// db.BeginTx gives one transaction across shards: a shard joins when a
// statement first touches it and keeps its backend transaction until
// commit or rollback. The DSN's transaction_mode (or SET transaction_mode
// on a connection) says how shards commit: TxSingle refuses a second
// shard, TxMulti (the default) commits shard by shard and reports a
// partial commit as a CommitError, and TxTwoPC commits PostgreSQL shards
// atomically with PREPARE TRANSACTION and a decision log, resolving what a
// crash leaves behind when a connector opens (Connector.RecoverTwoPC).
// Savepoints apply on every shard; isolation levels hold shard by shard.
// The machinery lives in internal/txn; transaction.go is the driver.Tx
// over it, and errors.go re-exports its error types.
// A statement whose context ends or whose shard connection breaks rolls
// back every shard. On SQLite shards, transactions queue for each shard's
// single writer, and one that would wait in a cycle fails at once with
// ErrDeadlock.
//
// # Errors
//
// Errors are typed for errors.As: ConfigError (DSN, VSchema, topology),
// VSchemaError (naming file, keyspace, table, vindex and field),
// UnsupportedError (a statement vitessdo cannot run correctly; the message
// says why), ShardError (a backend's error on one shard, naming it),
// DDLError (DDL that failed on some shards, naming those that applied it),
// CommitError (a multi-shard commit that failed part way), TwoPCError (a
// two-phase commit that did not end cleanly, with its decision) and
// TransactionError (a statement the transaction mode refuses, or a
// transaction rolled back under the application; errors.Is(err,
// ErrDeadlock) for a deadlock).
package vitessdo
