// Package dialect renders the router's statements in each shard backend's
// dialect: expressions, functions, DML, DDL and the templates that bind
// one execution's arguments. It knows SQL text and the AST, never a
// database connection or driver: the planner (route/) and the backends
// (shard/) both use it, and it links no database driver, so neither does
// the planner. Backends say what they can do beyond their SQL through the
// capability interfaces of package shard.
//
// # Rendering
//
// The router parses the application's SQL (the Vitess/MySQL dialect, with
// github.com/xwb1989/sqlparser) once per plan, rewrites it, and asks this
// package to render each shard statement in the backend's dialect:
//
//	tpl, err := dialect.Render(dialect.PostgreSQL, stmt, schema) // once, cached in the plan
//	query, args, err := tpl.Bind(vars)                      // per execution
//
// Render is a sqlparser.NodeFormatter over the AST, never string
// substitution: bound values always travel as arguments, and the only
// values in the text are the constants the application wrote, re-quoted
// for the dialect (standard '…' strings, a quote in them written twice, no backslash
// escapes; a NUL byte or invalid UTF-8 in a literal is an error).
//
// A Template records its placeholders in the order the renderer emitted
// them ('?' on SQLite, $1…$n on PostgreSQL), so an argument list always
// follows the text even where rendering reorders it (MySQL's LIMIT o, n
// is LIMIT n OFFSET o) or repeats an operand. Bind takes the bind
// variables by name without ':' — v1, v2… for the application's '?', other
// names for the router's — and expands a list variable (::name, a []any)
// to one placeholder per element. A template without lists has its final
// text already: Bind only gathers the arguments (about 30 ns and one
// allocation for a point select).
//
// # Identifiers
//
// Every table, column, index and table-alias name is lower-cased and
// quoted, in DDL and DML alike, on both backends: MySQL column names are
// case-insensitive and vitessdo treats table names the same way, so a
// table created as `Users` is users in the catalog and reachable as Users,
// USERS or users. PostgreSQL quotes with "…"; SQLite with `…`, because
// the SQLite that modernc.org/sqlite ships reads a double-quoted name that
// matches no column as a string constant, even in CREATE INDEX.
//
// The outermost select list is the exception: its aliases, and bare
// columns written with capitals, keep their spelling as output names
// ("name" AS "Name"): they are the column names the application sees.
// References to them resolve as in MySQL, ignoring case: ORDER BY prefers
// the alias, GROUP BY and HAVING a column of the FROM tables; on
// PostgreSQL, which cannot see output aliases in HAVING, an aggregate
// alias there is replaced by its expression. Aliases inside subqueries
// are folded like any other name, so that outer references reach them.
//
// # Truth values
//
// MySQL has no boolean type: TRUE is 1, comparisons yield 1 or 0, any
// number is a condition, and BOOL is TINYINT(1). SQLite agrees. On
// PostgreSQL BOOL columns are smallint (applications write WHERE active
// = 1 and SUM(active)), Go bools bound as arguments become 1 and 0, a
// comparison used as a value is CAST(… AS integer), and a value used as a
// condition is (v <> 0).
//
// # MySQL semantics the backends lack
//
// The renderer spells out what the backends do differently: NULL sorts
// first ascending and last descending (NULLS FIRST/LAST on PostgreSQL);
// '/' divides exactly and DIV truncates, and dividing by zero is NULL; ^
// is XOR; a <=> b is IS / IS NOT DISTINCT FROM; CONCAT is NULL when an
// argument is; GREATEST and LEAST are NULL when an argument is; SUBSTRING
// takes negative and zero positions; LIKE escapes with a backslash and
// ignores ASCII case (ILIKE on PostgreSQL); NOW() and friends are UTC on
// both backends (SQLite has no session time zone); INSERT IGNORE, ON
// DUPLICATE KEY UPDATE and REPLACE become INSERT OR IGNORE/REPLACE and ON
// CONFLICT (on PostgreSQL with the primary key, from Schema, as conflict
// target: a conflict on another unique key is an error there rather than
// an update); UPDATE and DELETE with ORDER BY … LIMIT select their rows by
// rowid (SQLite) or primary key (PostgreSQL) in a subquery. FOR UPDATE and
// LOCK IN SHARE MODE are dropped on SQLite, whose writers lock the whole
// database. Index hints, SQL_NO_CACHE, STRAIGHT_JOIN and comments are
// dropped.
//
// Text columns are COLLATE "C" on PostgreSQL, so comparison, ORDER BY and
// GROUP BY are bytewise there as under SQLite's BINARY collation: shard
// results merge with one comparison whatever the backend.
//
// MySQL functions whose name or meaning differs are rendered by rules of
// their own (see functions.go). Any other function passes through by its
// lower-cased name, so the backend either has it or says so; functions
// that a backend knows with another meaning (FORMAT, for one) are
// unsupported rather than passed through.
//
// # DDL
//
// ParseDDL recognises MySQL DDL with a recogniser of its own, because the
// pinned parser reads CREATE INDEX and ALTER TABLE lossily and rejects
// FOREIGN KEY clauses: CREATE TABLE (its foreign keys returned apart, for
// the router to keep on an unsharded keyspace or drop on a sharded one),
// DROP TABLE, TRUNCATE, CREATE/DROP INDEX, and ALTER TABLE that adds or
// drops a column, an index or a foreign key. RenderDDL maps the column
// types (the table is in ddl_types.go) and returns one template per backend
// statement: a secondary index of a CREATE TABLE is a CREATE INDEX of its
// own, named table_index to be unique per schema. AUTO_INCREMENT is
// INTEGER PRIMARY KEY AUTOINCREMENT on SQLite (it must be the whole key)
// and an identity column on PostgreSQL. ON UPDATE CURRENT_TIMESTAMP,
// COMMENT, column character sets and collations, index options and table
// options are dropped. ALTER TABLE … MODIFY COLUMN is parsed and never
// rendered: the router accepts it only when it changes nothing stored.
//
// # Catalog records
//
// Every column RenderDDL creates records its MySQL column type in the
// backend's own catalog (MySQLTypeMarker: an SQL comment after the type,
// which SQLite keeps in sqlite_master; a column comment on PostgreSQL),
// because the backend type cannot tell varchar(191) from longtext or
// boolean from smallint. Package shard reads them back (ParseMarker).
//
// # Unsupported
//
// What has no correct rendering is an *UnsupportedError,
// "vitessdo: unsupported: <what> on <dialect>", never a silently different
// statement: among others REGEXP on SQLite, case-insensitive COLLATE on
// PostgreSQL, multi-table UPDATE and DELETE, INTERVAL, MATCH … AGAINST,
// user and system variables, COUNT(DISTINCT a, b), CHECK constraints,
// FULLTEXT and SPATIAL indexes, and ALTER TABLE beyond the forms above.
//
// Some MySQL meanings are lost before rendering, in the pinned parser:
// "x" is a string, a || b is OR, and the backslash of '\_' and '\%' in a
// string literal is dropped (LIKE 'a\_b' matches any character; bound
// values keep it).
package dialect
