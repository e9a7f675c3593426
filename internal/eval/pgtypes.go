package eval

import (
	"reflect"
	"strings"
	"time"
)

// PostgreSQL resolves the type of an expression when it parses the
// statement, before any row is read: an unknown-typed value (a bound
// parameter, a quoted literal) takes the type of what stands beside it,
// and the branches of COALESCE and CASE take one common type or the
// statement fails. These are the type names pgx reports for result
// columns (DatabaseType) and the rules of the server's parser over them.

// pgCategory is a PostgreSQL type category (pg_type.typcategory): types
// of one category convert to each other implicitly, those of different
// ones do not.
type pgCategory byte

const (
	pgUnknownCategory pgCategory = 0
	pgNumeric         pgCategory = 'N'
	pgString          pgCategory = 'S'
	pgDateTime        pgCategory = 'D'
	pgBoolean         pgCategory = 'B'
	pgOther           pgCategory = 'U'
)

// pgTypeRank orders the types of a category by implicit conversion: a
// type converts implicitly to every type of higher rank, so the common
// type of two is the higher-ranked one.
var pgTypeRank = map[string]int{
	"INT2": 1, "INT4": 2, "INT8": 3, "NUMERIC": 4, "FLOAT4": 5, "FLOAT8": 6,
	"BPCHAR": 1, "VARCHAR": 2, "NAME": 2, "TEXT": 3,
	"DATE": 1, "TIMESTAMP": 2, "TIMESTAMPTZ": 3,
	"BOOL": 1,
}

// categoryOf returns the category of a PostgreSQL type name; "" (no type
// known) is unknownCategory.
func categoryOf(typ string) pgCategory {
	switch typ {
	case "":
		return pgUnknownCategory
	case "INT2", "INT4", "INT8", "NUMERIC", "FLOAT4", "FLOAT8":
		return pgNumeric
	case "TEXT", "VARCHAR", "BPCHAR", "NAME":
		return pgString
	case "DATE", "TIMESTAMP", "TIMESTAMPTZ":
		return pgDateTime
	case "BOOL":
		return pgBoolean
	}
	return pgOther
}

// pgTypeNames are the names PostgreSQL's messages give the types.
var pgTypeNames = map[string]string{
	"INT2": "smallint", "INT4": "integer", "INT8": "bigint", "NUMERIC": "numeric",
	"FLOAT4": "real", "FLOAT8": "double precision", "TEXT": "text",
	"VARCHAR": "character varying", "BPCHAR": "character", "DATE": "date",
	"TIMESTAMP": "timestamp without time zone", "TIMESTAMPTZ": "timestamp with time zone",
	"BOOL": "boolean", "BYTEA": "bytea",
}

func pgTypeName(typ string) string {
	if n, ok := pgTypeNames[typ]; ok {
		return n
	}
	return strings.ToLower(typ)
}

// TypeError is PostgreSQL's error for values that have no common type:
// the branches of a COALESCE or CASE of different type categories.
type TypeError struct{ msg string }

func (e *TypeError) Error() string { return e.msg }

// commonType is PostgreSQL's select_common_type over the types of a
// COALESCE's arguments or a CASE's results, "" standing for an
// unknown-typed one: the first known type, replaced by a later one of the
// same category it converts to implicitly; a type of another category is
// an error (what names the construct, "COALESCE" or "CASE"). With no
// known type the result is text.
func commonType(what string, types []string) (string, error) {
	common := ""
	for _, t := range types {
		if t == "" {
			continue
		}
		if common == "" {
			common = t
			continue
		}
		if t == common {
			continue
		}
		cc, ct := categoryOf(common), categoryOf(t)
		if cc != ct || cc == pgOther {
			return "", &TypeError{what + " types " + pgTypeName(common) + " and " + pgTypeName(t) + " cannot be matched"}
		}
		if pgTypeRank[t] > pgTypeRank[common] {
			common = t
		}
	}
	if common == "" {
		return "TEXT", nil
	}
	return common, nil
}

// typeColumn describes a value of a PostgreSQL type, as pgx reports it.
func typeColumn(typ string) Column {
	c := Column{DatabaseType: typ}
	switch categoryOf(typ) {
	case pgNumeric:
		c.ScanType = scanFloat64
		if strings.HasPrefix(typ, "INT") {
			c.ScanType = scanInt64
		}
	case pgString:
		c.ScanType = scanString
	case pgDateTime:
		c.ScanType = reflect.TypeFor[time.Time]()
	case pgBoolean:
		c.ScanType = scanBool
	}
	return c
}
