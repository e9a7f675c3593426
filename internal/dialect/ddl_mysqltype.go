package dialect

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// Every column vitessdo creates records its MySQL column type in the
// backend's own catalog, because the backend type alone cannot say it
// (SQLite's TEXT is varchar(191) or longtext; PostgreSQL's smallint is
// tinyint, smallint or boolean):
//
//   - on SQLite, as a comment after the declared type, which SQLite keeps
//     in the table's CREATE TABLE text (sqlite_master.sql), ALTER TABLE ADD
//     COLUMN included: `name` TEXT /*mysql:varchar(191)*/ NOT NULL;
//   - on PostgreSQL, as the column's comment:
//     COMMENT ON COLUMN "t"."name" IS 'mysql:varchar(191)'.
//
// The text is MySQL's COLUMN_TYPE (lower case, no display width except
// tinyint(1), as MySQL 8 reports it), followed by " auto_increment" for an
// AUTO_INCREMENT column. Catalog reads it back to answer
// information_schema as MySQL would.
// MySQLTypeMarker opens the comment in which DDL records a column's MySQL
// type in the backend's catalog, for the catalog readers to find.
const MySQLTypeMarker = "mysql:"

// mysqlColumnType returns MySQL's COLUMN_TYPE for a column type as the
// parser read it: bigint unsigned, varchar(191), decimal(10,2),
// datetime(3), tinyint(1), enum('a','b').
func mysqlColumnType(ct *sqlparser.ColumnType) string {
	typ := strings.ToLower(ct.Type)
	var b strings.Builder
	b.WriteString(typ)
	switch typ {
	case "enum", "set":
		b.WriteString("(")
		for i, v := range ct.EnumValues {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(v)
		}
		b.WriteString(")")
	case "tinyint":
		if ct.Length != nil && string(ct.Length.Val) == "1" {
			b.WriteString("(1)")
		}
	case "smallint", "mediumint", "int", "integer", "bigint":
		// MySQL 8 drops the display width of integer types.
	case "decimal", "numeric":
		b.Reset()
		b.WriteString("decimal(")
		if ct.Length != nil {
			b.Write(ct.Length.Val)
		} else {
			b.WriteString("10")
		}
		b.WriteString(",")
		if ct.Scale != nil {
			b.Write(ct.Scale.Val)
		} else {
			b.WriteString("0")
		}
		b.WriteString(")")
	case "float", "double", "real":
		if ct.Length != nil && ct.Scale != nil {
			b.WriteString("(" + string(ct.Length.Val) + "," + string(ct.Scale.Val) + ")")
		}
	case "char", "binary":
		b.WriteString("(")
		if ct.Length != nil {
			b.Write(ct.Length.Val)
		} else {
			b.WriteString("1")
		}
		b.WriteString(")")
	case "bit":
		if ct.Length != nil {
			b.WriteString("(" + string(ct.Length.Val) + ")")
		} else {
			b.WriteString("(1)")
		}
	default:
		if ct.Length != nil {
			b.WriteString("(" + string(ct.Length.Val) + ")")
		}
	}
	if typ == "integer" {
		b.Reset()
		b.WriteString("int")
	}
	if ct.Unsigned {
		switch typ {
		case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real":
			b.WriteString(" unsigned")
		}
	}
	if ct.Zerofill {
		b.WriteString(" zerofill")
	}
	return b.String()
}

// columnMarker is the text recorded for a column: its MySQL type and
// whether it is AUTO_INCREMENT.
func columnMarker(ct *sqlparser.ColumnType) string {
	m := MySQLTypeMarker + mysqlColumnType(ct)
	if ct.Autoincrement {
		m += " auto_increment"
	}
	return m
}

// parseMarker splits a recorded marker into the MySQL type and the
// AUTO_INCREMENT flag; ok is false for text that is not a marker.
func parseMarker(s string) (typ string, autoInc, ok bool) {
	s, ok = strings.CutPrefix(strings.TrimSpace(s), MySQLTypeMarker)
	if !ok || s == "" {
		return "", false, false
	}
	if t, found := strings.CutSuffix(s, " auto_increment"); found {
		return t, true, true
	}
	return s, false, true
}
