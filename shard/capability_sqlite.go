package shard

import (
	"context"
	"database/sql"
)

// sqliteCapabilities are an SQLite backend's: one writer per file,
// read-only transactions enforced with PRAGMA query_only, and no
// isolation level to choose (SQLite transactions are serializable).
type sqliteCapabilities struct{}

var (
	_ SingleWriter     = sqliteCapabilities{}
	_ ReadOnlyEnforcer = sqliteCapabilities{}
	_ TxOptionsAdapter = sqliteCapabilities{}
	_ CatalogReader    = sqliteCapabilities{}
	_ StatementCacher  = sqliteCapabilities{}

	_ ColumnLengthsUnknown = sqliteCapabilities{}
)

func (sqliteCapabilities) SingleWriter()         {}
func (sqliteCapabilities) StatementCacher()      {}
func (sqliteCapabilities) ColumnLengthsUnknown() {}

func (sqliteCapabilities) ReadCatalog(ctx context.Context, run QueryFunc) ([]TableInfo, error) {
	return sqliteCatalog(ctx, run)
}

func (sqliteCapabilities) PrimaryKey(ctx context.Context, q Querier, table string) ([]string, error) {
	return sqlitePrimaryKey(ctx, q, table)
}

func (sqliteCapabilities) IdentityColumn(ctx context.Context, q Querier, table string) (string, error) {
	return sqliteIdentity(ctx, q, table)
}

func (sqliteCapabilities) EnforceReadOnly(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "PRAGMA query_only = 1")
	return err
}

func (sqliteCapabilities) ResetReadOnly(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "PRAGMA query_only = 0")
	return err
}

// TxOptions drops the isolation level, which modernc.org/sqlite refuses
// above the default and SQLite gives as serializable anyway.
func (sqliteCapabilities) TxOptions(o sql.TxOptions) *sql.TxOptions {
	return &sql.TxOptions{ReadOnly: o.ReadOnly}
}
