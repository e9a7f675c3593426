package merge

import "github.com/dot-do/vitessdo/internal/eval"

// Row is one result row. Values are nil, int64, float64, bool, string,
// []byte or time.Time, as database/sql hands them out of a shard's rows.
// A Row returned by Next belongs to the caller.
type Row = eval.Row

// Column describes one result column as the shard reported it; its
// type decides how values compare and compute (package eval).
type Column = eval.Column

// Iterator is a stream of rows: one shard's result or a merge over several.
type Iterator interface {
	// Columns describes the rows Next returns.
	Columns() []Column
	// Next returns the next row, or io.EOF after the last.
	Next() (Row, error)
	// Close stops the stream and releases what it holds, including the
	// shard queries under it. It is safe to call more than once.
	Close() error
}
