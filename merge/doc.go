// Package merge combines the row streams of several shards into the rows
// one database holding all the rows would have returned for the statement.
//
// It is the last step of a statement's path: the router rewrote a SELECT
// into per-shard statements, the executor runs them in parallel and hands
// each shard's rows here as an Iterator, and the operators of this package,
// stacked by the router, produce the result the application reads. merge
// knows rows; values' semantics are internal/eval's. It knows nothing of
// SQL text, imports no database driver and starts no goroutines.
//
// # Iterators and rows
//
// Every operator is an Iterator: Columns describes the rows, Next returns
// one Row ([]any holding nil, int64, float64, bool, string, []byte or
// time.Time, as database/sql scans a shard's columns) or io.EOF, Close
// releases everything under it. The contracts all operators keep:
//
//   - A Row returned by Next belongs to the caller. Operators may return the
//     rows their source gave them and may write into them (Aggregator
//     writes results into a group's first row, Project into each row), so a
//     source must return a fresh Row from each Next.
//   - An error from a source ends the stream: Next returns it, and keeps
//     returning it on every later call.
//   - Close closes every source exactly once, whether the stream ended or
//     not, and may be called any number of times. Operators close sources
//     early where that frees a shard: Concat and Ordered as each source is
//     exhausted, Sort once it has read everything, Limit as soon as the
//     window is full.
//   - Constructors never fail. A spec that does not fit the input (a column
//     index out of range, an aggregate over a type it cannot add) is
//     reported by the first Next.
//
// # Operators
//
//	NewConcat(sources)                        shards one after another
//	NewOrdered(sources, keys, eng)            k-way merge of shards sorted by keys
//	NewAggregate(src, groupKeys, aggs, eng)   GROUP BY / scalar aggregates over partials
//	NewDistinct(src, cols, eng)               SELECT DISTINCT over sorted input
//	NewFilter(src, pred, eng)                 HAVING
//	NewSort(src, keys, eng)                   ORDER BY in memory
//	NewTopN(src, keys, eng, n)                ORDER BY keeping the first n rows
//	NewLimit(src, offset, count)              LIMIT count OFFSET offset
//	NewProject(src, outs, eng)                the user's select list, by name
//
// Column positions everywhere are positions in the shard statement's select
// list: the user's columns followed by any hidden helper columns the router
// added (ORDER BY terms not selected, AVG counts, HAVING operands). Only
// Project changes the layout, so it comes last.
//
// # How the router composes them
//
// Plain scatter, no order: send the statement as is.
//
//	Concat(shards) → Project
//
// ORDER BY keys LIMIT n OFFSET m: send ORDER BY keys LIMIT n+m, no OFFSET.
//
//	Ordered(shards, keys) → Limit(m, n) → Project
//
// GROUP BY g with aggregates: send GROUP BY g ORDER BY g, with each
// aggregate replaced by its partial (COUNT → COUNT, SUM → SUM, MIN → MIN,
// MAX → MAX, AVG(x) → SUM(x), COUNT(x) as two columns) and the HAVING
// operands added as hidden columns; HAVING itself is not sent. The
// Aggregator needs only the rows of a group to be adjacent, so the shards
// may order the group keys in the user's ORDER BY directions; when that
// is the whole ORDER BY and there is no HAVING, the shards also get LIMIT
// n+m (a group among the first n+m is among the first n+m of every shard
// holding part of it).
//
//	Ordered(shards, g) → Aggregate(g, aggs) → Project(computed) → Filter(having) →
//	Sort or TopN (ORDER BY other than g, e.g. an aggregate) → Limit → Project
//
// Select items computed from aggregates (SUM(x) / COUNT(*), COALESCE(…),
// CASE) travel as NULL placeholders and are filled in by a Project that
// keeps every column in place, before anything sorts by them (before
// HAVING too when HAVING reads one through its alias). An ORDER BY over
// aggregates that is not selected is such a column, hidden.
//
// Scalar aggregates (no GROUP BY): every shard returns one row.
//
//	Concat(shards) → Aggregate(nil, aggs) → Filter(having) → Project
//
// SELECT DISTINCT over groups: the shards group without DISTINCT (which
// would merge partial rows of different groups); the merged groups are
// sorted by every selected column and deduplicated.
//
//	… → Aggregate → … → Sort(all selected columns) → Distinct → Limit → Project
//
// COUNT/SUM/AVG(DISTINCT x): send GROUP BY g, x ORDER BY g, x with x
// selected once for each distinct aggregate; other aggregates stay
// partials over (g, x) and combine as usual. All distinct aggregates of a
// statement must be over the same expression.
//
//	Ordered(shards, g+x) → Aggregate(g, [AggCountDistinct …]) → …
//
// SELECT DISTINCT: send SELECT DISTINCT … ORDER BY every selected column
// (the user's ORDER BY terms first).
//
//	Ordered(shards, all columns) → Distinct → Limit → Project
//
// # Engine semantics
//
// What values mean, per backend engine — how they order and compare, what
// SUM, AVG and arithmetic return, the casts the renderer writes — is
// package internal/eval's: the operators take an eval.Engine and ask it.
// Row and Column are eval's types, named here too because they are the
// vocabulary of every operator.
//
// # Where a sharded result can differ from the unsharded one
//
//   - Float sums (SUM/AVG of REAL, float4, float8) depend on the order of
//     additions: partial sums added at the merge can differ from the
//     unsharded sum in the last bits (SQLite's compensated summation hides
//     most of it; PostgreSQL's plain addition does not). SQLite stores the
//     fractional values of a DECIMAL (NUMERIC affinity) column as REAL, so
//     there SUM(price) of cents is a float sum too: 0.1 + 0.2 style
//     values can differ in the last bits; values exact in binary (whole
//     numbers, quarters) never do. PostgreSQL's SUM(float4) rounds to
//     float4, so an AVG(float4) computed from the shards' SUM(x) can
//     differ in the low digits (the router writes SUM(x) without knowing
//     the column's type).
//   - SQLite raises "integer overflow" when an integer SUM overflows at any
//     point of its row order, so the unsharded and sharded statements can
//     disagree on whether a sum at the edge of int64 fails. AVG never fails
//     on SQLite, but its shard-side SUM can.
//   - Ties in ORDER BY, the value that represents a group or a DISTINCT
//     row (SQLite's 0 and 0.0, PostgreSQL's 1.5 and 1.50, as COALESCE(x, 0)
//     over a REAL or NUMERIC x produces) and SQLite bare columns in a group
//     are unspecified in both; the merge takes them from the first row in
//     shard order (bare columns from the MIN/MAX row when there is exactly
//     one, as SQLite does).
//   - SQLite values modernc.org/sqlite parsed into time.Time (DATE,
//     DATETIME, TIMESTAMP columns) compare as instants, where SQLite
//     compares the stored text; texts of one format and zone agree.
//   - Computed columns report the type of their expression as the merge
//     computes it (integer arithmetic is INT8 on PostgreSQL, where an int4
//     expression would report INT4); plain columns keep the shard's type.
//   - Other collations (NOCASE, locale-aware) are not supported: text
//     compares bytewise. On PostgreSQL every text column is COLLATE "C",
//     but text computed from literals alone (CASE … THEN 'x' ELSE 'Y'
//     END) sorts and groups in the database's default collation: the
//     shards' order then differs from the merge's unless the database was
//     created with a bytewise collation (C, C.UTF-8, POSIX), and rows of
//     one group or DISTINCT value may not meet. Sort and group by columns,
//     or create the shard databases with LC_COLLATE C or C.UTF-8.
package merge
