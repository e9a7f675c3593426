package dialect

// Schema answers what rendering needs to know about a shard's tables. The
// executor implements it from the backend catalog. Table and column names
// are the backend's: lower-cased (see the identifier rule in the package
// documentation).
type Schema interface {
	// PrimaryKey returns the primary-key columns of table, in key order.
	// PostgreSQL needs them for the conflict target of an upsert and for
	// UPDATE/DELETE … LIMIT.
	PrimaryKey(table string) ([]string, error)
}

// ColumnSchema is an optional capability of a Schema: the columns of a
// table, in table order. REPLACE on PostgreSQL needs it to reset the
// columns the statement does not list, as MySQL's delete-then-insert does.
type ColumnSchema interface {
	Columns(table string) ([]string, error)
}
