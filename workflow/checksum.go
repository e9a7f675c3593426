package workflow

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"time"
)

// Sum is a table's row count and checksum: the sum of a hash of every
// row, so that the order rows are read in does not matter.
type Sum struct {
	Rows     int64  `json:"rows"`
	Checksum uint64 `json:"checksum"`
}

// Add counts one more row with hash h.
func (s *Sum) add(h uint64) { s.Rows++; s.Checksum += h }

// Merge adds the rows of another sum.
func (s *Sum) merge(o Sum) { s.Rows += o.Rows; s.Checksum += o.Checksum }

// String returns "N rows, checksum X".
func (s Sum) String() string { return fmt.Sprintf("%d rows, checksum %016x", s.Rows, s.Checksum) }

// valueKind is how a column's values are brought to one form for
// hashing, read from its MySQL type.
type valueKind int

const (
	kindText valueKind = iota
	kindInt
	kindNumber
	kindBool
	kindTime
	kindBytes
)

// kindOf returns the kind of a MySQL column type (bigint, varchar(191),
// decimal(10,2), tinyint(1), datetime(3), varbinary(16)…).
func kindOf(mysqlType string) valueKind {
	t := strings.ToLower(mysqlType)
	base, _, _ := strings.Cut(t, "(")
	base = strings.TrimSpace(strings.Fields(base + " x")[0])
	switch base {
	case "tinyint":
		if strings.HasPrefix(t, "tinyint(1)") {
			return kindBool
		}
		return kindInt
	case "bool", "boolean":
		return kindBool
	case "smallint", "mediumint", "int", "integer", "bigint", "year", "bit":
		return kindInt
	case "decimal", "numeric", "float", "double", "real":
		return kindNumber
	case "date", "datetime", "timestamp", "time":
		return kindTime
	case "binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob":
		return kindBytes
	}
	return kindText
}

// rowHasher hashes rows of one column list.
type rowHasher struct {
	kinds []valueKind
	buf   []byte
}

func newRowHasher(kinds []valueKind) *rowHasher { return &rowHasher{kinds: kinds} }

// hash returns the row's hash.
func (h *rowHasher) hash(row []any) uint64 {
	b := h.buf[:0]
	for i, v := range row {
		b = appendCanonical(b, h.kinds[i], v)
		b = append(b, 0xff)
	}
	h.buf = b
	f := fnv.New64a()
	f.Write(b)
	return mix(f.Sum64())
}

// mix spreads the bits of a hash (splitmix64's finalizer), so that sums
// of similar rows do not cancel out.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// timeLayouts are the text forms of times SQLite stores.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
	"15:04:05.999999999",
}

// appendCanonical appends a value's canonical form: a tag byte, then the
// value, so that NULL, the empty string and 0 all differ.
func appendCanonical(b []byte, k valueKind, v any) []byte {
	if v == nil {
		return append(b, 'N')
	}
	switch k {
	case kindInt, kindBool:
		if n, ok := asInt(v); ok {
			return strconv.AppendInt(append(b, 'i'), n, 10)
		}
		if f, ok := asFloat(v); ok {
			return strconv.AppendFloat(append(b, 'f'), f, 'g', -1, 64)
		}
	case kindNumber:
		if f, ok := asFloat(v); ok {
			return strconv.AppendFloat(append(b, 'f'), f, 'g', -1, 64)
		}
	case kindTime:
		if t, ok := asTime(v); ok {
			return t.UTC().AppendFormat(append(b, 't'), "2006-01-02 15:04:05.999999999")
		}
	}
	switch v := v.(type) {
	case []byte:
		return append(append(b, 's'), v...)
	case string:
		return append(append(b, 's'), v...)
	case time.Time:
		return v.UTC().AppendFormat(append(b, 't'), "2006-01-02 15:04:05.999999999")
	case bool:
		if v {
			return append(b, 'i', '1')
		}
		return append(b, 'i', '0')
	case int64:
		return strconv.AppendInt(append(b, 'i'), v, 10)
	case float64:
		return strconv.AppendFloat(append(b, 'f'), v, 'g', -1, 64)
	}
	return fmt.Appendf(append(b, 'x'), "%v", v)
}

func asInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case int:
		return int64(v), true
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v), true
		}
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n, true
		}
	case []byte:
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	case []byte:
		f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
		return f, err == nil
	}
	if n, ok := asInt(v); ok {
		return float64(n), true
	}
	return 0, false
}

func asTime(v any) (time.Time, bool) {
	var s string
	switch v := v.(type) {
	case time.Time:
		return v, true
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
