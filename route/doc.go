// Package route turns SQL text into plans and runs them: it is VTGate's
// planner and engine as a library.
//
// A Planner holds the VSchema (package vschema: Vitess's JSON, validated,
// with its vindexes created), the shard topology and a least-recently-used cache
// of plans by SQL text and session target. A Plan is immutable and shared
// by every connection: running it binds the arguments, evaluates the
// vindexes on the bound values and resolves the shards; nothing is parsed
// or rendered again.
//
// # Routing
//
// For a SELECT, UPDATE or DELETE the planner collects the tables of every
// scope (FROM, joins, subqueries, derived tables), groups the sharded ones
// that conditions co-locate (equal primary-vindex columns with the same
// vindex), and picks, among the conditions that restrict the statement's
// rows, the cheapest vindex: lower Vitess cost, unique before non-unique,
// one value before a list. The variants are Vitess's: EqualUnique, Equal,
// IN (each shard receives only its own values, through the list argument
// ::__vals), MultiEqual, Scatter, Unsharded, Reference (one shard of a
// keyspace whose every shard holds the table), None (contradictions: no
// shard holds a row, but the statement still runs with an impossible WHERE
// on one shard so its columns and scalar aggregates come back) and
// ByDestination (a session target). Joins and subqueries stay whole on the
// shards when their tables are co-located, reference tables, or pinned to
// the same single shard by their own conditions. A SELECT over tables no
// one shard holds together runs as a left-deep chain of joins at the
// router (join_tree.go, join_build.go): leaves of tables one shard
// statement runs together, each join binding batches of outer key values
// into its inner leaf (or, when both sides scatter, reading the inner
// leaf once into a hash table), conditions beyond key equalities
// evaluated over the joined rows; what it does not run is an
// UnsupportedError saying why.
//
// # Merging
//
// A SELECT on several shards is rewritten for them (mergePlan): ORDER BY
// items not selected become hidden columns, LIMIT n OFFSET o becomes LIMIT
// n+o, aggregates become partial aggregates (AVG as SUM and COUNT),
// GROUP BY adds an ORDER BY on its keys, HAVING moves to the merge; the
// shard streams are then combined by the merge package's operators, and
// hidden columns are projected away.
//
// # Subqueries across shards
//
// A subquery whose tables are on other shards than the statement's rows
// runs apart. An uncorrelated one runs once and its value, list or
// boolean is bound into the outer statement (pulloutPlan), or fills its
// select item. A correlated one runs as a semi-join (semiJoinPlan): the
// outer statement selects the values it correlates on as hidden columns,
// the subquery runs once per batch of outer rows with their values bound
// as an IN list (routed by vindex when it can be), and merge.SemiJoin
// keeps or drops each row by EXISTS, IN and NOT IN with SQL's NULL rules,
// marks it with the condition's value for an expression over it (under
// OR or NOT, in the select list, in HAVING), or fills in a scalar
// subquery's value; a horizon that must come after runs over the rows
// kept (relationPlan). A subquery the key batches cannot run (no
// equality of an inner and an outer value, a horizon of its own) runs
// once per distinct tuple of its outer values bound as arguments
// (bindCorrelation).
//
// # Window functions
//
// The parser reads no OVER clause: readWindows reads each window function
// and the WINDOW clause from the text with the parser's tokenizer and
// writes the function as a vitessdo_window call (see
// dialect.WindowFunc) carrying its arguments and its window's
// expressions, so the planner's rewrites reach them and the renderer
// writes them back as OVER (…). A SELECT whose partitions each lie on
// one shard runs on the shards (pushWindows); any other reads the rows of
// its FROM and WHERE from the shards and has the router evaluate its
// windows over them with merge.Window (evaluateWindows, relationSelect).
// A derived table (a CTE's too) with windows, in a statement that
// reaches several shards, is planned apart as a SELECT of its own (read
// alone, planDerived; joined, a leaf of the join), its windows then
// seeing all its rows; a UNION's members are planned one by one, and
// an uncorrelated subquery is a statement of its own (an UPDATE's or
// DELETE's runs before the write, its values bound: planWindowWrite).
// Windows where no plan would see all their rows are refused
// (checkWindowScopes, planWindowWrite).
//
// # Common table expressions
//
// The parser reads no WITH: the clause is split with its tokenizer
// (cte_split.go) and each CTE read becomes a derived table of its body
// (cte.go); a WITH inside parentheses is rewritten so before parsing
// (cte_nested.go). A recursive CTE (cte_recursive.go) goes whole to the
// one shard of its tables when there is one; otherwise merge.Recursive
// runs it round by round, each round's rows held by the router and read
// by the next round and by the statement as a held relation (held.go),
// within max_memory_rows.
//
// # information_schema
//
// A SELECT over one information_schema table (SCHEMATA, TABLES, COLUMNS,
// STATISTICS, TABLE_CONSTRAINTS, KEY_COLUMN_USAGE,
// REFERENTIAL_CONSTRAINTS) is answered by the router itself, with no
// database: the rows are built from the VSchema and the catalog of each
// keyspace's first shard (catalogSource, infoTable.build), and the
// statement's clauses run over them with the merge package's operators
// and SQLite's value rules (catalogSelect), whatever the shards' backend.
//
// # Writes
//
// An INSERT routes each row by its primary vindex and sends each shard one
// INSERT of its rows; auto-increment columns take ids from Vitess sequence
// tables, reserved a block at a time; owned lookup vindexes get their rows
// created, moved and deleted with the owner's. Writes that touch several
// shards outside a transaction run in one (Cursor.Atomic): all or none,
// except when a commit itself fails part way, which the error reports.
// Reference tables are written on every shard of their keyspace. DDL goes
// to every shard and reports the shards that applied it when one fails.
package route
