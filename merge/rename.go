package merge

var _ Iterator = (*Rename)(nil)

// Rename passes the rows of its source under other column names: the
// names the statement gives its columns where a backend reports others
// (PostgreSQL cuts a name at 63 bytes).
//
// Algorithm: the source's column descriptions with Name replaced, built
// once. Memory: the column list.
type Rename struct {
	src  Iterator
	cols []Column
}

// NewRename returns src with its columns named names; with a column count
// other than len(names) it returns src itself.
func NewRename(src Iterator, names []string) Iterator {
	in := src.Columns()
	if len(in) != len(names) {
		return src
	}
	cols := make([]Column, len(in))
	copy(cols, in)
	for i := range cols {
		cols[i].Name = names[i]
	}
	return &Rename{src: src, cols: cols}
}

// Columns returns the source's columns under the new names.
func (r *Rename) Columns() []Column { return r.cols }

// Next returns the source's next row.
func (r *Rename) Next() (Row, error) { return r.src.Next() }

// Close closes the source.
func (r *Rename) Close() error { return r.src.Close() }
