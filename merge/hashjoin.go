package merge

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*HashJoin)(nil)

// HashTable is the build side of a hash join: every row of one input
// whose join keys are all non-NULL, grouped by an encoding of those keys
// under which two values are equal exactly when the engine's comparison
// (eval.Engine.Compare, as Join's nested loop compares keys) says they
// are:
//
//   - numbers (int64, float64, bool): an integral float within int64's
//     range and a bool encode as the integer they equal, so 1, 1.0 and
//     true are one key; other floats encode their bits, NaN one NaN;
//   - text: its bytes, or, for a PostgreSQL NUMERIC column, the decimal
//     without sign of zero, leading integer zeros or trailing fraction
//     zeros, so 1.50 and 01.5 are one key;
//   - blobs: their bytes; times: the instant.
//
// A Numeric key's text that is a well-formed number is held and probed
// as that number. Otherwise values of different kinds (a number and a
// text) compare by the backend's conversion rules, which the merge does
// not follow, so a build side whose key mixes kinds is refused with a
// HashKeyError and the caller joins by nested loop instead. Rows with a NULL key match
// nothing and are not held.
type HashTable struct {
	cols    []Column
	keys    []JoinKey
	numeric []bool
	// class is, per key, the value class of every non-NULL build key, -1
	// when there is none; sample is one such value, for errors.
	class   []int
	sample  []any
	buckets map[string][]Row
	rows    int64
}

// HashKeyError reports a build side whose join key values cannot be
// hashed so that equal keys are the engine's equal values: values of
// different kinds in one key, or of a type the merge does not know.
type HashKeyError struct {
	A, B any
}

func (e *HashKeyError) Error() string {
	if e.B == nil {
		return fmt.Sprintf("merge: join key value of type %T is not hashed", e.A)
	}
	return fmt.Sprintf("merge: join key values %T and %T of one side compare by the backend's conversion rules", e.A, e.B)
}

// BuildHashTable reads every row of src into a hash table on the inner
// columns of keys, holding at most maxRows rows (more is a
// MemoryRowsError; maxRows <= 0 is no bound). It closes src. A
// HashKeyError or MemoryRowsError leaves nothing returned, so the caller
// may still join another way.
func BuildHashTable(src Iterator, keys []JoinKey, maxRows int64, eng eval.Engine) (*HashTable, error) {
	defer src.Close()
	cols := append([]Column(nil), src.Columns()...)
	t := &HashTable{cols: cols, keys: keys, buckets: map[string][]Row{}}
	for _, k := range keys {
		if k.Inner < 0 || k.Inner >= len(cols) {
			return nil, columnError("hash join key", k.Inner, len(cols))
		}
		t.numeric = append(t.numeric, eng.IsNumeric(cols[k.Inner]))
		t.class = append(t.class, -1)
		t.sample = append(t.sample, nil)
	}
	var buf []byte
	for {
		row, err := src.Next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		buf = buf[:0]
		null := false
		for i, k := range keys {
			v := row[k.Inner]
			if k.Numeric {
				v = eval.ToNumber(v)
			}
			if v == nil {
				null = true
				break
			}
			c := valueClass(v)
			switch {
			case c == 4:
				return nil, &HashKeyError{A: v}
			case t.class[i] < 0:
				t.class[i], t.sample[i] = c, v
			case t.class[i] != c:
				return nil, &HashKeyError{A: t.sample[i], B: v}
			}
			buf = appendHashKey(buf, v, t.numeric[i])
		}
		if null {
			continue
		}
		if t.rows++; maxRows > 0 && t.rows > maxRows {
			return nil, &MemoryRowsError{Limit: maxRows, What: "the build side of a hash join"}
		}
		t.buckets[string(buf)] = append(t.buckets[string(buf)], row)
	}
}

// Columns describes the build side's columns.
func (t *HashTable) Columns() []Column { return t.cols }

// Len returns the number of rows the table holds.
func (t *HashTable) Len() int64 { return t.rows }

// probe returns the held rows whose keys equal the outer row's, using
// buf as scratch. A non-NULL outer key of another kind than the build
// side's is a JoinKeyTypeError, as the nested loop reports it.
func (t *HashTable) probe(row Row, buf []byte) ([]Row, []byte, error) {
	buf = buf[:0]
	for i, k := range t.keys {
		v := row[k.Outer]
		if k.Numeric {
			v = eval.ToNumber(v)
		}
		if v == nil || t.class[i] < 0 {
			return nil, buf, nil
		}
		if valueClass(v) != t.class[i] {
			if k.Numeric {
				return nil, buf, nil
			}
			return nil, buf, &JoinKeyTypeError{Outer: v, Inner: t.sample[i]}
		}
		buf = appendHashKey(buf, v, t.numeric[i])
	}
	return t.buckets[string(buf)], buf, nil
}

// appendHashKey appends the encoding of one non-NULL key value: a tag
// byte and the canonical form its equal values share. Variable-length
// forms carry their length, so that a sequence of keys encodes
// unambiguously.
func appendHashKey(buf []byte, v any, numeric bool) []byte {
	switch x := v.(type) {
	case bool:
		return appendInt(buf, boolInt(x))
	case int64:
		return appendInt(buf, x)
	case float64:
		switch {
		case math.IsNaN(x):
			return append(buf, 'n')
		case x == math.Trunc(x) && x >= -9223372036854775808.0 && x < 9223372036854775808.0:
			return appendInt(buf, int64(x))
		}
		return binary.BigEndian.AppendUint64(append(buf, 'f'), math.Float64bits(x))
	case string:
		if numeric {
			return appendBytes(append(buf, 'd'), canonicalDecimal(x))
		}
		return appendBytes(append(buf, 's'), x)
	case []byte:
		return appendBytes(append(buf, 'b'), string(x))
	case time.Time:
		buf = binary.BigEndian.AppendUint64(append(buf, 't'), uint64(x.Unix()))
		return binary.BigEndian.AppendUint32(buf, uint32(x.Nanosecond()))
	}
	return buf
}

func appendInt(buf []byte, i int64) []byte {
	return binary.BigEndian.AppendUint64(append(buf, 'i'), uint64(i))
}

func appendBytes(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// canonicalDecimal is the form of a PostgreSQL NUMERIC text that every
// text comparing equal to it (as eval compares decimals) shares:
// "-0.0", "0" and "000" are "0"; "01.50" is "1.5"; NaN, Infinity and
// -Infinity stay themselves.
func canonicalDecimal(s string) string {
	switch s {
	case "NaN", "Infinity", "-Infinity":
		return s
	}
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	ip, fp := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			ip, fp = s[:i], s[i+1:]
			break
		}
	}
	for len(ip) > 0 && ip[0] == '0' {
		ip = ip[1:]
	}
	for len(fp) > 0 && fp[len(fp)-1] == '0' {
		fp = fp[:len(fp)-1]
	}
	if ip == "" {
		ip = "0"
	}
	if ip == "0" && fp == "" {
		neg = false
	}
	out := ip
	if fp != "" {
		out += "." + fp
	}
	if neg {
		out = "-" + out
	}
	return out
}

// HashJoin is an equality join that holds one input in a HashTable (the
// build side, read once before any row is returned) and streams the other
// (the probe side): each probe row, in order, pairs with every held row
// of equal keys, in the order they were read, as Join's nested loop pairs
// them; NULL keys match nothing; a LEFT join emits a probe row without a
// match once, NULL-extended. Rows are the probe row's columns followed by
// the build side's.
//
// Memory: the build side's rows (bounded when the table was built) and
// one probe row.
type HashJoin struct {
	outer  Iterator
	table  *HashTable
	left   bool
	cols   []Column
	width  int
	row    Row
	match  []Row
	mi     int
	buf    []byte
	closed bool
}

// NewHashJoin returns the join of the probe side outer with a built table.
func NewHashJoin(outer Iterator, table *HashTable, left bool) *HashJoin {
	cols := append(append([]Column(nil), outer.Columns()...), table.cols...)
	return &HashJoin{outer: outer, table: table, left: left, cols: cols, width: len(table.cols)}
}

// Columns describes the probe columns followed by the build ones.
func (h *HashJoin) Columns() []Column { return h.cols }

// Next returns the next joined row.
func (h *HashJoin) Next() (Row, error) {
	if h.closed {
		return nil, io.EOF
	}
	for {
		if h.mi < len(h.match) {
			in := h.match[h.mi]
			h.mi++
			return h.pair(h.row, in), nil
		}
		row, err := h.outer.Next()
		if err != nil {
			return nil, err
		}
		var m []Row
		m, h.buf, err = h.table.probe(row, h.buf)
		if err != nil {
			return nil, err
		}
		h.row, h.match, h.mi = row, m, 0
		if len(m) == 0 && h.left {
			return h.pair(row, nil), nil
		}
	}
}

// pair returns a new row of o followed by in (NULLs when in is nil).
func (h *HashJoin) pair(o, in Row) Row {
	row := make(Row, 0, len(h.cols))
	row = append(row, o...)
	if in == nil {
		return append(row, make(Row, h.width)...)
	}
	return append(row, in...)
}

// Close stops the probe side and lets the table go.
func (h *HashJoin) Close() error {
	if h.closed {
		return nil
	}
	h.closed = true
	h.table, h.match, h.row = nil, nil, nil
	return h.outer.Close()
}
