package merge

import "strconv"

// MemoryRowsError reports an operator that would hold more rows in memory
// than the max_memory_rows option allows. The statement fails: no partial
// result is returned.
type MemoryRowsError struct {
	Limit int64
	// What names the operator holding the rows ("sort", "union").
	What string
}

func (e *MemoryRowsError) Error() string {
	return "vitessdo: " + e.What + " would hold more than max_memory_rows = " + strconv.FormatInt(e.Limit, 10) +
		" rows in memory: raise max_memory_rows, or narrow the statement"
}

var _ Iterator = (*Bound)(nil)

// Bound passes the rows of its source and fails once more than a limit
// have passed: placed under an operator that holds every row it reads
// (Sort, the deduplication of a UNION), it bounds the rows held.
//
// Algorithm: count the rows returned; the row past the limit is an error
// (a MemoryRowsError) instead of a row. Memory: none.
type Bound struct {
	src   Iterator
	limit int64
	what  string
	n     int64
}

// NewBound returns src limited to limit rows for an operator named what; a
// limit <= 0 returns src itself.
func NewBound(src Iterator, limit int64, what string) Iterator {
	if limit <= 0 {
		return src
	}
	return &Bound{src: src, limit: limit, what: what}
}

// Columns returns the source's columns.
func (b *Bound) Columns() []Column { return b.src.Columns() }

// Next returns the source's next row, or a MemoryRowsError past the limit.
func (b *Bound) Next() (Row, error) {
	row, err := b.src.Next()
	if err != nil {
		return nil, err
	}
	if b.n++; b.n > b.limit {
		return nil, &MemoryRowsError{Limit: b.limit, What: b.what}
	}
	return row, nil
}

// Close closes the source.
func (b *Bound) Close() error { return b.src.Close() }
