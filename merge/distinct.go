package merge

import (
	"io"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*Distinct)(nil)

// Distinct drops rows equal to the row before them on the given columns:
// SELECT DISTINCT over input sorted on all of those columns (in any order
// of keys and directions: sorted input keeps equal rows adjacent). The
// shards are sent SELECT DISTINCT … ORDER BY every selected column and
// merged with Ordered; rows equal across shards then meet here.
//
// Equality is the engine's (SQLite: 1 = 1.0; PostgreSQL NUMERIC: 1.5 =
// 1.50; text bytewise; NULL equals NULL), and the first of equal rows is
// kept. Memory: one row. There is no hash variant: the router can always
// sort the shards' rows, and sorted input keeps memory bounded.
type Distinct struct {
	src     source
	cols    []int
	eng     eval.Engine
	keys    []eval.KeyOrder
	prev    Row // copy of the last row returned
	started bool
	err     error
}

// NewDistinct returns src without rows equal to their predecessor on cols;
// nil cols means every column (list the user's columns when the rows carry
// hidden helper columns).
func NewDistinct(src Iterator, cols []int, eng eval.Engine) *Distinct {
	return &Distinct{src: source{it: src}, cols: cols, eng: eng}
}

// Columns returns the source's columns.
func (d *Distinct) Columns() []Column { return d.src.it.Columns() }

// Next returns the next row unlike the previous one.
func (d *Distinct) Next() (Row, error) {
	if d.err != nil {
		return nil, d.err
	}
	if !d.started {
		d.started = true
		in := d.src.it.Columns()
		cols := d.cols
		if cols == nil {
			cols = make([]int, len(in))
			for i := range cols {
				cols[i] = i
			}
		}
		keys := make([]eval.SortKey, len(cols))
		for i, c := range cols {
			keys[i] = eval.SortKey{Col: c}
		}
		if d.keys, d.err = d.eng.ResolveKeys(keys, in); d.err != nil {
			return nil, d.err
		}
	}
	for {
		row, err := d.src.it.Next()
		if err != nil {
			d.err = err
			return nil, err
		}
		if d.prev != nil && eval.CompareRows(d.keys, d.prev, row) == 0 {
			continue
		}
		// The returned row belongs to the caller: compare with a copy.
		if d.prev == nil {
			d.prev = make(Row, len(row))
		}
		copy(d.prev, row)
		return row, nil
	}
}

// Close closes the source.
func (d *Distinct) Close() error {
	if d.err == nil {
		d.err = io.EOF
	}
	return d.src.close()
}
