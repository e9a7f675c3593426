package vindex

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/dot-do/vitessdo/key"
)

var _ MultiColumn = (*MultiCol)(nil)

// MultiCol is Vitess's "multicol" vindex: a keyspace id of 8 bytes built
// from several columns, each hashed by its own functional vindex and
// contributing the first bytes of its keyspace id. With column_count 3,
// column_bytes "1,3,4" and column_vindex "hash,binary,unicode_loose_xxhash",
// the keyspace id is 1 byte of hash(a), 3 of binary(b), 4 of
// unicode_loose_xxhash(c). Rows sharing the first column then share a
// range of keyspace ids (a tenant's rows stay within a few shards), and a
// row giving only a prefix of the columns maps to the key range of every
// keyspace id with that prefix (PartialVindex).
//
// Params, as Vitess reads them: "column_count" (required, 1 to 8);
// "column_bytes", a comma-separated list of byte counts per column whose
// missing or empty entries share the bytes left over evenly (earlier
// columns get the larger share), 8 bytes in all at most; "column_vindex",
// a comma-separated list of functional vindex types per column, hash where
// missing or empty. A column whose value has no keyspace id under its
// vindex (NULL for hash) makes the row map to key.DestinationNone.
//
// Cost is the sum of the column vindexes' costs; unique; not reversible.
type MultiCol struct {
	name    string
	cost    int
	columns []multiColColumn
}

type multiColColumn struct {
	vindex Hashing
	bytes  int
}

func newMultiCol(name string, p paramSet, env Env) (Vindex, error) {
	countText, err := p.required("column_count")
	if err != nil {
		return nil, err
	}
	count, err := strconv.Atoi(strings.TrimSpace(countText))
	if err != nil || count < 1 || count > 8 {
		return nil, p.errorf("param \"column_count\" must be a number from 1 to 8, not %q", countText)
	}
	widths, err := multiColBytes(p, count)
	if err != nil {
		return nil, err
	}
	var types []string
	if s, ok := p.get("column_vindex"); ok {
		types = strings.Split(s, ",")
	}
	if len(types) > count {
		return nil, p.errorf("param \"column_vindex\" names %d vindexes for %d columns", len(types), count)
	}
	m := &MultiCol{name: name, columns: make([]multiColColumn, count)}
	for i := range count {
		typ := "hash"
		if i < len(types) && strings.TrimSpace(types[i]) != "" {
			typ = strings.TrimSpace(types[i])
		}
		v, err := New(typ, typ, nil, env)
		if err != nil {
			return nil, p.errorf("param \"column_vindex\": %v", err)
		}
		h, ok := v.(Hashing)
		if !ok || !v.IsUnique() || v.NeedsCursor() {
			return nil, p.errorf("param \"column_vindex\": %q is not a functional unique vindex type", typ)
		}
		m.cost += v.Cost()
		m.columns[i] = multiColColumn{vindex: h, bytes: widths[i]}
	}
	return m, nil
}

// multiColBytes reads column_bytes and gives the columns without a width
// an even share of the bytes left, rounding up from the first.
func multiColBytes(p paramSet, count int) ([]int, error) {
	var entries []string
	if s, ok := p.get("column_bytes"); ok {
		entries = strings.Split(s, ",")
	}
	if len(entries) > count {
		return nil, p.errorf("param \"column_bytes\" gives %d widths for %d columns", len(entries), count)
	}
	widths := make([]int, count)
	used, pending := 0, count
	for i, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		w, err := strconv.Atoi(e)
		if err != nil || w < 1 || w > 8 {
			return nil, p.errorf("param \"column_bytes\": %q is not a byte count from 1 to 8", e)
		}
		widths[i] = w
		used += w
		pending--
	}
	left := 8 - used
	if pending > left || left < 0 {
		return nil, p.errorf("param \"column_bytes\": the columns need more than the 8 bytes of a keyspace id")
	}
	for i := range widths {
		if widths[i] != 0 {
			continue
		}
		w := (left + pending - 1) / pending
		widths[i] = w
		left -= w
		pending--
	}
	return widths, nil
}

// String returns the vindex's name.
func (m *MultiCol) String() string { return m.name }

// Cost returns the sum of the column vindexes' costs.
func (m *MultiCol) Cost() int { return m.cost }

// IsUnique returns true.
func (*MultiCol) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*MultiCol) NeedsCursor() bool { return false }

// PartialVindex returns true: a prefix of the columns maps to a key range.
func (*MultiCol) PartialVindex() bool { return true }

// Map returns, per row, the keyspace id of a full row, the key range of a
// row holding a prefix of the columns, or DestinationNone when a column
// value has no keyspace id.
func (m *MultiCol) Map(_ context.Context, _ Cursor, rows [][]any) ([]key.Destination, error) {
	out := make([]key.Destination, len(rows))
	for i, row := range rows {
		if err := m.checkWidth(row); err != nil {
			return nil, err
		}
		id, err := m.keyspaceID(row)
		switch {
		case err != nil:
			out[i] = key.DestinationNone{}
		case len(row) < len(m.columns):
			out[i] = keyRangeFromPrefix(id)
		default:
			out[i] = key.DestinationKeyspaceID(id)
		}
	}
	return out, nil
}

// Verify reports whether each row maps to its keyspace id; a column value
// with no keyspace id is an error.
func (m *MultiCol) Verify(_ context.Context, _ Cursor, rows [][]any, ksids [][]byte) ([]bool, error) {
	if len(rows) != len(ksids) {
		return nil, newError(m.name, "multicol", "verify: %d rows but %d keyspace ids", len(rows), len(ksids))
	}
	out := make([]bool, len(rows))
	for i, row := range rows {
		if err := m.checkWidth(row); err != nil {
			return nil, err
		}
		id, err := m.keyspaceID(row)
		if err != nil {
			return nil, err
		}
		out[i] = bytes.Equal(id, ksids[i])
	}
	return out, nil
}

func (m *MultiCol) checkWidth(row []any) error {
	if len(row) == 0 || len(row) > len(m.columns) {
		return newError(m.name, "multicol", "a row of %d values for %d columns", len(row), len(m.columns))
	}
	return nil
}

// keyspaceID concatenates the leading bytes of each column's keyspace id,
// padding with zeros a column id shorter than its width.
func (m *MultiCol) keyspaceID(row []any) ([]byte, error) {
	id := make([]byte, 0, 8)
	for i, v := range row {
		col := m.columns[i]
		h, err := col.vindex.Hash(v)
		if err != nil {
			return nil, err
		}
		if len(h) > col.bytes {
			h = h[:col.bytes]
		}
		id = append(id, h...)
		if i < len(row)-1 {
			for range col.bytes - len(h) {
				id = append(id, 0)
			}
		}
	}
	return id, nil
}
