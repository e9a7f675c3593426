package eval

import (
	"bytes"
	"math"
	"reflect"
	"strconv"
	"time"
)

// Engine names the shard backend whose semantics a merge reproduces: how
// values order and compare, where NULLs sort, what aggregates and arithmetic
// return. Every shard of one statement runs on the same engine.
type Engine int

const (
	// SQLite orders NULL < numbers < text < blobs, compares int64 and
	// float64 numerically, text bytewise (BINARY collation), and sorts NULLs
	// first ascending, last descending.
	SQLite Engine = iota
	// PostgreSQL sorts NULLs last ascending, first descending, compares text
	// bytewise (text columns are COLLATE "C"), and NUMERIC values, which pgx
	// hands out as strings, as decimals.
	PostgreSQL
)

func (e Engine) String() string {
	switch e {
	case SQLite:
		return "sqlite"
	case PostgreSQL:
		return "postgresql"
	}
	return "engine(" + strconv.Itoa(int(e)) + ")"
}

// NullOrder says where NULLs go in a sort key.
type NullOrder int8

const (
	// NullsDefault places NULLs where the engine does for the key's direction.
	NullsDefault NullOrder = iota
	// NullsFirst is an explicit NULLS FIRST.
	NullsFirst
	// NullsLast is an explicit NULLS LAST.
	NullsLast
)

// SortKey is one ORDER BY term over a column of the rows being merged.
type SortKey struct {
	Col   int
	Desc  bool
	Nulls NullOrder
}

// Compare orders two values of column col as the engine's ascending ORDER BY
// does, with NULL smallest: it returns -1, 0 or +1. Two values compare 0
// exactly when the engine puts them in one group (GROUP BY, DISTINCT).
func (e Engine) Compare(a, b any, col Column) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	return e.CompareValues(e.IsNumeric(col), a, b)
}

// isNumeric reports whether string values of col are PostgreSQL NUMERIC text.
func (e Engine) IsNumeric(col Column) bool {
	return e == PostgreSQL && col.DatabaseType == "NUMERIC"
}

// KeyOrder is a SortKey resolved against an engine and the input columns.
type KeyOrder struct {
	col        int
	desc       bool
	nullsFirst bool
	numeric    bool
	eng        Engine
}

func (e Engine) ResolveKeys(keys []SortKey, cols []Column) ([]KeyOrder, error) {
	out := make([]KeyOrder, len(keys))
	for i, k := range keys {
		if k.Col < 0 || k.Col >= len(cols) {
			return nil, columnError("sort key", k.Col, len(cols))
		}
		nf := k.Nulls == NullsFirst
		if k.Nulls == NullsDefault {
			// SQLite treats NULL as the smallest value, PostgreSQL as the largest.
			nf = (e == SQLite) != k.Desc
		}
		out[i] = KeyOrder{col: k.Col, desc: k.Desc, nullsFirst: nf, numeric: e.IsNumeric(cols[k.Col]), eng: e}
	}
	return out, nil
}

// compareRows orders two rows by keys, in output order.
func CompareRows(keys []KeyOrder, a, b Row) int {
	for i := range keys {
		k := &keys[i]
		x, y := a[k.col], b[k.col]
		if x == nil || y == nil {
			if x == nil && y == nil {
				continue
			}
			if (x == nil) == k.nullsFirst {
				return -1
			}
			return 1
		}
		c := k.eng.CompareValues(k.numeric, x, y)
		if c != 0 {
			if k.desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// valueClass is SQLite's storage-class order: numbers < text < blobs. It
// also orders values of different Go types on PostgreSQL, where one column
// never mixes them, so that every comparison is total.
func valueClass(v any) int {
	switch v.(type) {
	case int64, float64, bool:
		return 1
	case string, time.Time:
		return 2
	case []byte:
		return 3
	}
	return 4
}

// compareValues orders two non-NULL values.
func (e Engine) CompareValues(numeric bool, a, b any) int {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return CompareInt(x, y)
		case float64:
			return compareIntFloat(e, x, y)
		}
	case float64:
		switch y := b.(type) {
		case float64:
			return compareFloat(e, x, y)
		case int64:
			return -compareIntFloat(e, y, x)
		}
	case string:
		if y, ok := b.(string); ok {
			if numeric {
				return compareDecimalText(x, y)
			}
			return cmpString(x, y)
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return CompareInt(boolInt(x), boolInt(y))
		}
	}
	return compareMixed(e, numeric, a, b)
}

// compareMixed orders values of different Go types.
func compareMixed(e Engine, numeric bool, a, b any) int {
	if numeric {
		// An integer against NUMERIC text, as an expression over a NUMERIC
		// column may produce: compare as decimals.
		if x, ok := decimalTextOf(a); ok {
			if y, ok := decimalTextOf(b); ok {
				return compareDecimalText(x, y)
			}
		}
	}
	ca, cb := valueClass(a), valueClass(b)
	if ca != cb {
		return CompareInt(int64(ca), int64(cb))
	}
	switch ca {
	case 1: // bool against a number: SQLite has no booleans, 1 and 0 stand for them
		return e.CompareValues(false, numberOf(a), numberOf(b))
	case 2:
		// A time.Time that modernc parsed from a DATE/DATETIME column
		// against a text value: compare as the text modernc writes.
		return cmpString(textOf(a), textOf(b))
	}
	return 0
}

func decimalTextOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	return "", false
}

func numberOf(v any) any {
	if b, ok := v.(bool); ok {
		return boolInt(b)
	}
	return v
}

// boundTimeFormat is the text vitessdo binds a time.Time as on SQLite.
const boundTimeFormat = "2006-01-02 15:04:05.999999"

func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		// vitessdo binds a time.Time to SQLite as MySQL's datetime text in
		// UTC (internal/dialect's timeArg), so that is the text a shard
		// holds for it and compares with.
		return x.UTC().Format(boundTimeFormat)
	case []byte:
		return string(x)
	}
	return ""
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func CompareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareFloat orders floats; PostgreSQL sorts NaN above every number and
// equal to itself (SQLite stores NaN as NULL, so it never appears).
func compareFloat(e Engine, a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	}
	return -1
}

// compareIntFloat compares an integer with a float exactly, as SQLite does
// (sqlite3IntFloatCompare), so that 2^53+1 and 2^53 do not tie.
func compareIntFloat(e Engine, i int64, f float64) int {
	if math.IsNaN(f) {
		return -1
	}
	if f < -9223372036854775808.0 {
		return 1
	}
	if f >= 9223372036854775808.0 {
		return -1
	}
	t := int64(f) // truncates toward zero
	if c := CompareInt(i, t); c != 0 {
		return c
	}
	// i equals the integral part of f: the fraction decides.
	fr := f - float64(t)
	switch {
	case fr > 0:
		return -1
	case fr < 0:
		return 1
	}
	return 0
}

// compareDecimalText orders two PostgreSQL NUMERIC texts ("-12.50", "NaN",
// "Infinity") by value, without allocating: -Infinity < numbers < Infinity
// < NaN, and NaN equals NaN.
func compareDecimalText(a, b string) int {
	ra, rb := decimalRank(a), decimalRank(b)
	if ra != rb || ra != 0 {
		return CompareInt(int64(ra), int64(rb))
	}
	na, ia, fa := splitDecimal(a)
	nb, ib, fb := splitDecimal(b)
	if isZeroDigits(ia) && isZeroDigits(fa) {
		na = false
	}
	if isZeroDigits(ib) && isZeroDigits(fb) {
		nb = false
	}
	if na != nb {
		if na {
			return -1
		}
		return 1
	}
	c := compareMagnitude(ia, fa, ib, fb)
	if na {
		return -c
	}
	return c
}

func decimalRank(s string) int {
	switch s {
	case "NaN":
		return 3
	case "Infinity":
		return 2
	case "-Infinity":
		return -2
	}
	return 0
}

// splitDecimal splits "-012.50" into negative, integer digits without
// leading zeros ("12") and fraction digits ("50").
func splitDecimal(s string) (neg bool, intPart, frac string) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if i := indexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
	} else {
		intPart = s
	}
	for len(intPart) > 0 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	return neg, intPart, frac
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func isZeroDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

func compareMagnitude(ia, fa, ib, fb string) int {
	if len(ia) != len(ib) {
		return CompareInt(int64(len(ia)), int64(len(ib)))
	}
	if c := cmpString(ia, ib); c != 0 {
		return c
	}
	n := max(len(fa), len(fb))
	for i := 0; i < n; i++ {
		x, y := byte('0'), byte('0')
		if i < len(fa) {
			x = fa[i]
		}
		if i < len(fb) {
			y = fb[i]
		}
		if x != y {
			return CompareInt(int64(x), int64(y))
		}
	}
	return 0
}

// Go types of result values, for Column.ScanType.
var (
	scanInt64   = reflect.TypeOf(int64(0))
	scanFloat64 = reflect.TypeOf(float64(0))
	scanBool    = reflect.TypeOf(false)
	scanString  = reflect.TypeOf("")
)

// numericColumn is the column PostgreSQL reports for a NUMERIC result
// without a declared precision, as pgx describes it.
func numericColumn(name string) Column {
	return Column{Name: name, DatabaseType: "NUMERIC", ScanType: scanFloat64}
}
