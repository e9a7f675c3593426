package dialect

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// columnType maps a MySQL column type to the dialect's.
//
//	MySQL                          SQLite     PostgreSQL
//	BOOL, BOOLEAN, TINYINT(1)      INTEGER    smallint
//	TINYINT, SMALLINT              INTEGER    smallint
//	SMALLINT UNSIGNED, MEDIUMINT   INTEGER    integer
//	INT, INTEGER                   INTEGER    integer
//	INT UNSIGNED, BIGINT [UNS.]    INTEGER    bigint
//	BIT(n)                         INTEGER    bigint
//	YEAR                           INTEGER    smallint
//	DECIMAL(p,s), NUMERIC          NUMERIC    numeric(p,s), default (10,0)
//	FLOAT                          REAL       real (double precision past 24 bits)
//	DOUBLE, REAL                   REAL       double precision
//	CHAR(n), VARCHAR(n)            TEXT       varchar(n) COLLATE "C"
//	TEXT family, SET               TEXT       text COLLATE "C"
//	ENUM(…)                        TEXT       text COLLATE "C", with CHECK (col IN (…))
//	DATE                           DATE       date
//	TIME(n)                        TIME       time(n)
//	DATETIME(n), TIMESTAMP(n)      DATETIME, TIMESTAMP   timestamp(n)
//	BINARY, VARBINARY, BLOB family BLOB       bytea
//	JSON                           TEXT       jsonb
//
// SQLite keeps DATE/DATETIME/TIMESTAMP as declared type names because
// modernc.org/sqlite reads such columns as time.Time. BOOL is an integer,
// as in MySQL: applications write WHERE active = 1 and SUM(active), which
// a PostgreSQL boolean rejects; Go bools bound on PostgreSQL become 1/0.
// BIGINT UNSIGNED stays bigint: values past 2^63-1 are rejected by the
// backend, never wrapped. CHAR(n) is varchar(n) on PostgreSQL because its
// char(n) returns the padding MySQL strips. Text is COLLATE "C" on
// PostgreSQL so that comparison, ORDER BY and GROUP BY are bytewise like
// SQLite's BINARY collation: shard results merge with one comparison.
// MySQL column collations and character sets are ignored.
func columnType(d Dialect, ct *sqlparser.ColumnType) (typ string, text bool, err error) {
	length := func(def int) int {
		if ct.Length == nil {
			return def
		}
		n, err := strconv.Atoi(string(ct.Length.Val))
		if err != nil {
			return def
		}
		return n
	}
	sqlite := d == SQLite
	switch strings.ToLower(ct.Type) {
	case "tinyint", "smallint":
		switch {
		case sqlite:
			return "INTEGER", false, nil
		case ct.Type == "smallint" && bool(ct.Unsigned):
			return "integer", false, nil
		}
		return "smallint", false, nil
	case "mediumint":
		return pickType(d, "INTEGER", "integer"), false, nil
	case "int", "integer":
		if ct.Unsigned {
			return pickType(d, "INTEGER", "bigint"), false, nil
		}
		return pickType(d, "INTEGER", "integer"), false, nil
	case "bigint", "bit":
		return pickType(d, "INTEGER", "bigint"), false, nil
	case "year":
		return pickType(d, "INTEGER", "smallint"), false, nil
	case "decimal", "numeric":
		if sqlite {
			return "NUMERIC", false, nil
		}
		scale := 0
		if ct.Scale != nil {
			if s, err := strconv.Atoi(string(ct.Scale.Val)); err == nil {
				scale = s
			}
		}
		return "numeric(" + strconv.Itoa(length(10)) + "," + strconv.Itoa(scale) + ")", false, nil
	case "float":
		if !sqlite && ct.Scale == nil && length(0) > 24 {
			return "double precision", false, nil
		}
		return pickType(d, "REAL", "real"), false, nil
	case "double", "real":
		return pickType(d, "REAL", "double precision"), false, nil
	case "char", "varchar":
		if sqlite {
			return "TEXT", true, nil
		}
		return "varchar(" + strconv.Itoa(length(1)) + ")", true, nil
	case "text", "tinytext", "mediumtext", "longtext", "enum", "set":
		return pickType(d, "TEXT", "text"), true, nil
	case "date":
		return pickType(d, "DATE", "date"), false, nil
	case "time":
		return pickType(d, "TIME", "time("+strconv.Itoa(length(0))+")"), false, nil
	case "datetime":
		return pickType(d, "DATETIME", "timestamp("+strconv.Itoa(length(0))+")"), false, nil
	case "timestamp":
		return pickType(d, "TIMESTAMP", "timestamp("+strconv.Itoa(length(0))+")"), false, nil
	case "binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob":
		return pickType(d, "BLOB", "bytea"), false, nil
	case "json":
		return pickType(d, "TEXT", "jsonb"), false, nil
	}
	return "", false, unsupported(d, "column type "+strings.ToUpper(ct.Type))
}

func pickType(d Dialect, sqlite, pg string) string {
	if d == SQLite {
		return sqlite
	}
	return pg
}

func isIntegerType(t string) bool {
	switch strings.ToLower(t) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
		return true
	}
	return false
}
