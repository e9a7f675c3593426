package vindex

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

// This file turns the Go values a vindex receives into the forms Vitess
// hashes: an unsigned 64-bit number (hash, numeric, reverse_bits) or the
// bytes of the value's SQL text (xxhash, binary, binary_md5, unicode_loose).
//
// Vitess sees a value as MySQL sends it: a type and its text. Go callers
// pass typed values, so each Go type is given the MySQL type it stands for:
// integers are INT64/UINT64, string and []byte are VARCHAR/VARBINARY, bool
// is the integer 1 or 0 (MySQL's TRUE and FALSE), float64 is a DOUBLE and
// time.Time a DATETIME.

// numberKind is the outcome of reading a value as an unsigned number.
type numberKind int

const (
	isNumber  numberKind = iota // the value has a uint64
	notNumber                   // a SQL value that is no such number: Vitess maps it nowhere
)

// toUint64 reads v as Vitess's ToUint64 does for the numeric vindexes:
// integers as themselves, negative integers only when castNegative is set
// (hash casts int64 to uint64 keeping the bits; numeric and reverse_bits
// refuse them), decimal strings as the number they spell (never negative),
// NULL as no number. A float64 that holds an integer is that integer (Vitess
// maps no DOUBLE, but SQLite and PostgreSQL compare 1.0 = 1, so routing it
// elsewhere would lose the row); any other float64 is no number. Values of
// types SQL does not have, and time.Time, are errors.
func toUint64(v any, castNegative bool) (uint64, numberKind, error) {
	switch x := v.(type) {
	case nil:
		return 0, notNumber, nil
	case int64:
		return signed(x, castNegative)
	case int:
		return signed(int64(x), castNegative)
	case int32:
		return signed(int64(x), castNegative)
	case int16:
		return signed(int64(x), castNegative)
	case int8:
		return signed(int64(x), castNegative)
	case uint64:
		return x, isNumber, nil
	case uint:
		return uint64(x), isNumber, nil
	case uint32:
		return uint64(x), isNumber, nil
	case uint16:
		return uint64(x), isNumber, nil
	case uint8:
		return uint64(x), isNumber, nil
	case bool:
		if x {
			return 1, isNumber, nil
		}
		return 0, isNumber, nil
	case string:
		return decimalText(x)
	case []byte:
		return decimalText(string(x))
	case float64:
		return integralFloat(x, castNegative)
	case float32:
		return integralFloat(float64(x), castNegative)
	}
	return 0, notNumber, unsupported(v)
}

func signed(n int64, castNegative bool) (uint64, numberKind, error) {
	if n < 0 && !castNegative {
		return 0, notNumber, nil
	}
	return uint64(n), isNumber, nil
}

// decimalText parses a string the way Vitess parses a VARCHAR for a numeric
// vindex: a whole unsigned decimal number, or nothing.
func decimalText(s string) (uint64, numberKind, error) {
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return n, isNumber, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return uint64(n), isNumber, nil
	}
	return 0, notNumber, nil
}

func integralFloat(f float64, castNegative bool) (uint64, numberKind, error) {
	if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, notNumber, nil
	}
	if f < 0 {
		if !castNegative || f < math.MinInt64 {
			return 0, notNumber, nil
		}
		return uint64(int64(f)), isNumber, nil
	}
	if f >= math.MaxUint64 {
		return 0, notNumber, nil
	}
	return uint64(f), isNumber, nil
}

// appendSQLText appends the bytes of v's SQL text representation, the
// bytes Vitess hashes for xxhash, binary, binary_md5 and unicode_loose:
// NULL is empty, integers are decimal, bool is 1 or 0, strings and []byte
// are themselves, a float64 is its shortest decimal form (strconv 'g'), a
// time.Time is a DATETIME "2006-01-02 15:04:05.999999" in its own location.
func appendSQLText(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return dst, nil
	case string:
		return append(dst, x...), nil
	case []byte:
		return append(dst, x...), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case bool:
		if x {
			return append(dst, '1'), nil
		}
		return append(dst, '0'), nil
	case float64:
		return strconv.AppendFloat(dst, x, 'g', -1, 64), nil
	case float32:
		return strconv.AppendFloat(dst, float64(x), 'g', -1, 32), nil
	case time.Time:
		return x.AppendFormat(dst, "2006-01-02 15:04:05.999999"), nil
	}
	return dst, unsupported(v)
}

// sqlText returns v's SQL text, without copying a []byte. scratch, when
// large enough, holds the text of other values.
func sqlText(scratch []byte, v any) ([]byte, error) {
	if b, ok := v.([]byte); ok {
		return b, nil
	}
	return appendSQLText(scratch[:0], v)
}

// textKey is the string that identifies a value when lookup rows are
// matched back to the values asked for: Vitess compares their text.
func textKey(v any) (string, bool) {
	if v == nil {
		return "", false
	}
	b, err := sqlText(nil, v)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// sameValue reports whether two column values are equal as MySQL's
// null-safe <=> compares them: a float against a number by value, other
// values by their SQL text (so int64(1), uint64(1) and "1" are equal).
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	fa, aNum := asFloat(a)
	fb, bNum := asFloat(b)
	if aNum && bNum && (isFloat(a) || isFloat(b)) {
		return fa == fb
	}
	ta, erra := appendSQLText(nil, a)
	tb, errb := appendSQLText(nil, b)
	return erra == nil && errb == nil && bytes.Equal(ta, tb)
}

func isFloat(v any) bool {
	switch v.(type) {
	case float64, float32:
		return true
	}
	return false
}

// asFloat returns a numeric Go value as a float64.
func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// isIntegral reports whether v is a Go integer, the values Vitess batches
// into one lookup query.
func isIntegral(v any) bool {
	switch v.(type) {
	case int64, int, int32, int16, int8, uint64, uint, uint32, uint16, uint8:
		return true
	}
	return false
}

func unsupported(v any) error {
	return fmt.Errorf("cannot map a value of Go type %T", v)
}
