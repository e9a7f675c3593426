package shard

import (
	"context"
	"database/sql"
	"errors"

	"github.com/dot-do/vitessdo/internal/eval"
)

// SQLiteCapabilities are an SQLite backend's: one writer per file,
// read-only transactions enforced with PRAGMA query_only, no isolation
// level to choose (SQLite transactions are serializable), its catalog, a
// statement cache, and result columns of unknown length. The driver
// package that opens the backend (shard/sqlite) gives them to it.
type SQLiteCapabilities struct{}

var (
	_ SingleWriter     = SQLiteCapabilities{}
	_ ReadOnlyEnforcer = SQLiteCapabilities{}
	_ TxOptionsAdapter = SQLiteCapabilities{}
	_ CatalogReader    = SQLiteCapabilities{}
	_ StatementCacher  = SQLiteCapabilities{}
	_ InProcess        = SQLiteCapabilities{}

	_ ColumnLengthsUnknown  = SQLiteCapabilities{}
	_ ScanTypesFollowValues = SQLiteCapabilities{}
	_ LockConflictReporter  = SQLiteCapabilities{}
	_ ValueSemantics        = SQLiteCapabilities{}
)

func (SQLiteCapabilities) SingleWriter()         {}
func (SQLiteCapabilities) StatementCacher()      {}
func (SQLiteCapabilities) InProcess()            {}
func (SQLiteCapabilities) ColumnLengthsUnknown() {}

func (SQLiteCapabilities) ScanTypesFollowValues() {}

func (SQLiteCapabilities) ReadCatalog(ctx context.Context, run QueryFunc) ([]TableInfo, error) {
	return sqliteCatalog(ctx, run)
}

func (SQLiteCapabilities) PrimaryKey(ctx context.Context, q Querier, table string) ([]string, error) {
	return sqlitePrimaryKey(ctx, q, table)
}

func (SQLiteCapabilities) IdentityColumn(ctx context.Context, q Querier, table string) (string, error) {
	return sqliteIdentity(ctx, q, table)
}

func (SQLiteCapabilities) EnforceReadOnly(ctx context.Context, tx Querier) error {
	_, err := tx.ExecContext(ctx, "PRAGMA query_only = 1")
	return err
}

func (SQLiteCapabilities) ResetReadOnly(ctx context.Context, conn Querier) error {
	_, err := conn.ExecContext(ctx, "PRAGMA query_only = 0")
	return err
}

// TxOptions drops the isolation level, which modernc.org/sqlite refuses
// above the default and SQLite gives as serializable anyway.
func (SQLiteCapabilities) TxOptions(o sql.TxOptions) *sql.TxOptions {
	return &sql.TxOptions{ReadOnly: o.ReadOnly}
}

// IsLockConflict reports SQLITE_BUSY and SQLITE_LOCKED, with any extended
// code.
func (SQLiteCapabilities) IsLockConflict(err error) bool {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return false
	}
	switch coded.Code() & 0xff {
	case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
		return true
	}
	return false
}

// Semantics returns SQLite's value rules.
func (SQLiteCapabilities) Semantics() eval.Engine { return eval.SQLite }
