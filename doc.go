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
// # Errors
//
// Errors are typed for errors.As: ConfigError (DSN, VSchema, topology),
// VSchemaError (naming file, keyspace, table, vindex and field),
// UnsupportedError (a statement vitessdo cannot run correctly; the message
// says why), ShardError (a backend's error on one shard, naming it),
// DDLError (DDL that failed on some shards, naming those that applied it),
// CommitError (a multi-shard commit that failed part way) and
// TransactionError (a statement the transaction mode refuses).
package vitessdo
