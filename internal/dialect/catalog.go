package dialect

import "github.com/xwb1989/sqlparser"

// What the catalog readers of shard/ share with rendering: the identifier
// rule and the MySQL types DDL records.

// FoldIdent applies the identifier rule of DDL and DML: every table,
// column, index and alias name is lower-cased on every backend.
func FoldIdent(name string) string { return foldIdent(name) }

// MySQLColumnType returns MySQL's COLUMN_TYPE for a column type as the
// parser read it: bigint unsigned, varchar(191), decimal(10,2).
func MySQLColumnType(ct *sqlparser.ColumnType) string { return mysqlColumnType(ct) }

// ParseMarker splits a MySQL type DDL recorded in the backend's catalog
// (see MySQLTypeMarker) into the type and the AUTO_INCREMENT flag; ok is
// false for text that is not such a record.
func ParseMarker(s string) (typ string, autoInc, ok bool) { return parseMarker(s) }
