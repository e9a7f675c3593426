// Package mysqlfunc registers with modernc.org/sqlite the MySQL functions
// SQLite lacks or has with another meaning (DATE_FORMAT, DATE_ADD,
// DATEDIFF, TIMESTAMPDIFF, LPAD, RPAD, ROUND, TRUNCATE, and MySQL's JSON
// text), and the aggregates it lacks (the variances and standard
// deviations, and the exact moments a shard sends for them), under the
// names internal/dialect writes for them (dialect.SQLiteFunctions,
// dialect.SQLiteAggregates). Importing the package registers them for
// every SQLite connection opened afterwards; the SQLite backend imports
// it.
package mysqlfunc
