package merge

import "io"

var _ Iterator = (*Limit)(nil)

// Limit skips the first offset rows of its source and returns at most
// count of the rest: LIMIT count OFFSET offset over the merged stream (each
// shard was sent LIMIT offset+count and no OFFSET).
//
// Algorithm: count rows through; as soon as the count-th row is handed out,
// or at once for LIMIT 0, close the source, so the shard queries under it
// stop instead of streaming rows nobody reads.
type Limit struct {
	src      source
	offset   int64
	count    int64
	returned int64
	err      error
	closeErr error
}

// NewLimit returns src without its first offset rows and cut after count
// rows; a negative count means no limit (OFFSET alone).
func NewLimit(src Iterator, offset, count int64) *Limit {
	return &Limit{src: source{it: src}, offset: max(offset, 0), count: count}
}

// Columns returns the source's columns.
func (l *Limit) Columns() []Column { return l.src.it.Columns() }

// Next returns the next row inside the window.
func (l *Limit) Next() (Row, error) {
	if l.err != nil {
		return nil, l.err
	}
	if l.count >= 0 && l.returned >= l.count {
		return nil, l.stop()
	}
	for l.offset > 0 {
		if _, err := l.src.it.Next(); err != nil {
			l.err = err
			return nil, err
		}
		l.offset--
	}
	row, err := l.src.it.Next()
	if err != nil {
		l.err = err
		return nil, err
	}
	l.returned++
	if l.count >= 0 && l.returned >= l.count {
		l.stop()
	}
	return row, nil
}

// stop closes the source early; the window is complete.
func (l *Limit) stop() error {
	l.err = io.EOF
	l.closeErr = l.src.close()
	return io.EOF
}

// Close closes the source if the limit has not already.
func (l *Limit) Close() error {
	if l.err == nil {
		l.err = io.EOF
	}
	if err := l.src.close(); err != nil {
		return err
	}
	return l.closeErr
}
