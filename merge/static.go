package merge

import "io"

// Static is an iterator over rows held in memory, for results the router
// answers itself (SHOW, VEXPLAIN, SELECT DATABASE()).
type Static struct {
	cols []Column
	rows []Row
	pos  int
}

var _ Iterator = (*Static)(nil)

// NewStatic returns an iterator over the rows.
func NewStatic(cols []Column, rows []Row) *Static {
	return &Static{cols: cols, rows: rows}
}

// Empty returns an iterator with the columns and no rows.
func Empty(cols []Column) *Static { return &Static{cols: cols} }

// Columns describes the rows.
func (s *Static) Columns() []Column { return s.cols }

// Next returns the next row, or io.EOF after the last.
func (s *Static) Next() (Row, error) {
	if s.pos >= len(s.rows) {
		return nil, io.EOF
	}
	r := s.rows[s.pos]
	s.pos++
	return r, nil
}

// Close releases the rows.
func (s *Static) Close() error {
	s.rows, s.pos = nil, 0
	return nil
}

// ReadAll reads an iterator to its end, closes it and returns its rows.
func ReadAll(it Iterator) ([]Row, error) {
	defer it.Close()
	var rows []Row
	for {
		r, err := it.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
}
