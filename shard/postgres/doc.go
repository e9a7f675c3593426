// Package postgres opens PostgreSQL shard backends through pgx
// (github.com/jackc/pgx/v5/stdlib).
//
// It is a package of its own so that only what opens backends links the
// driver: the planner (route/) and the rest of shard/ speak of backends
// through *shard.Backend and its capabilities, and build without a
// database driver (`go list -deps ./route` shows none). The root package's
// connector imports this package and calls Open for postgres:// and
// postgresql:// URLs.
//
// Open sends URL parameters pgx does not know (search_path) as run-time
// parameters, so several shards can live in schemas of one database, and
// creates the search_path's first schema when it is missing; bounds
// opening a connection by connect_timeout (default DefaultConnectTimeout); asks
// the server to cancel a query when its context ends; and drops a pooled
// connection's cached statements after DDL ran through the backend. The
// backend it returns has shard.PostgreSQLCapabilities (prepared
// transactions, advisory locks, its catalog) and the one capability that
// needs pgx itself: the status of a failed transaction
// (shard.FailedTransactionReporter), read from the connection without a
// round trip.
package postgres
