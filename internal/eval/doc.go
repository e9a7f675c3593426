// Package eval holds the value semantics of the shard backends: how
// values order and compare, what arithmetic, casts, SUM and AVG return,
// and where NULLs sort, on SQLite and on PostgreSQL.
//
// Every step of a statement's path that computes with values uses it, so
// that a value computed by vitessdo means what the backend would have
// made of it over one database: the merge operators (package merge)
// compare rows and add partial sums with it, and expressions the router
// evaluates after the shards (an expression over aggregates, a HAVING)
// are Expr trees evaluated by an Evaluator. It knows rows and values,
// not SQL text, and imports no database driver.
//
// # Engines
//
// An Engine value (SQLite or PostgreSQL) selects the rules of the backend
// the shards run, and Engine.Compare is the one place values are ordered:
//
//   - SQLite: NULL < numbers (int64 and float64 compared exactly) < text
//     (bytewise, BINARY collation) < blobs; NULLs first ascending, last
//     descending. SUM keeps integers exact and fails with
//     ErrIntegerOverflow on overflow; floats are summed with SQLite's
//     compensated summation; AVG is a float64. x/0 is NULL.
//   - PostgreSQL: NULLs last ascending, first descending; text bytewise
//     (text columns are COLLATE "C"); a column whose DatabaseType is NUMERIC
//     holds decimal text compared by value (NaN above all). SUM(int2/int4)
//     is int8 (ErrBigintOutOfRange on overflow), SUM(int8) and SUM(numeric)
//     are exact NUMERIC text, AVG of integers and numerics is NUMERIC text
//     with the server's division scale, AVG of floats float8. x/0 fails
//     with ErrDivisionByZero.
//
// Explicit NULLS FIRST/LAST in a SortKey overrides the default. COUNT is
// int64 on both engines. vitessdo's statements have MySQL's meaning, and
// its PostgreSQL renderer sorts NULLs first ascending as MySQL does, so
// the router sets NullsFirst/NullsLast on every key explicitly.
//
// Expressions evaluated at the merge follow the engine's rules for what
// the renderer wrote: Cast and NullIf reproduce the conversions it adds
// (MySQL's exact '/' is CAST(a AS REAL) / b on SQLite and CAST(a AS
// numeric) / NULLIF(b, 0) on PostgreSQL; a comparison used as a value is
// CAST(… AS integer) on PostgreSQL), and on PostgreSQL the branches of
// COALESCE and CASE take their common type (COALESCE(SUM(price), 0) is
// the numeric 0; a timestamp and a text are an error).
//
// On PostgreSQL, Check also types what the server's parser types: a Param
// (a bound argument, a quoted literal) takes the type beside it and is
// converted as pgx converts the argument (pgtypes.go, param.go), and the
// errors the server raises when it parses a statement (operators and
// casts its types do not have) are Check's errors, whether or not a row
// reaches the expression.
package eval
