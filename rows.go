package vitessdo

import (
	"context"
	"database/sql/driver"
	"io"
	"reflect"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
)

// rows is the driver.Rows of a statement: a merge iterator over the
// shards' rows. Closing it stops every shard query under it.
type rows struct {
	it     merge.Iterator
	cols   []merge.Column
	names  []string
	cancel context.CancelFunc // of a statement timeout, or nil
	closed bool
}

var (
	_ driver.Rows                           = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
	_ driver.RowsColumnTypeLength           = (*rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rows)(nil)
)

func newRows(it merge.Iterator, cancel context.CancelFunc) *rows {
	r := new(rows)
	r.init(it, cancel)
	return r
}

// init makes r the rows of it.
func (r *rows) init(it merge.Iterator, cancel context.CancelFunc) {
	cols := it.Columns()
	var names []string
	if n, ok := it.(columnNamer); ok {
		names = n.ColumnNames()
	} else {
		names = make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
		}
	}
	*r = rows{it: it, cols: cols, names: names, cancel: cancel}
}

// initPoint is init over a point select's own shard rows: their columns
// and names without an interface call or a type assertion.
func (pr *pointRows) initPoint(cancel context.CancelFunc) {
	pr.rows = rows{it: &pr.shard, cols: pr.shard.Columns(), names: pr.shard.ColumnNames(), cancel: cancel}
}

// pointRows is a statement's rows and the one shard's rows they read,
// in one allocation: a point select's.
type pointRows struct {
	rows  rows
	shard shard.ConnRows
}

// columnNamer is an iterator that has its columns' names at hand
// (shard.ConnRows: the driver's), sparing newRows a slice.
type columnNamer interface {
	ColumnNames() []string
}

func emptyRows() *rows {
	return newRows(merge.Empty(nil), nil)
}

// Columns returns the column names, as the statement names them.
func (r *rows) Columns() []string { return r.names }

// Close stops the shard queries and releases their connections.
func (r *rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.it.Close()
	if r.cancel != nil {
		r.cancel()
	}
	return err
}

// Next copies the next row into dest.
func (r *rows) Next(dest []driver.Value) error {
	row, err := r.it.Next()
	if err != nil {
		if err == io.EOF {
			return io.EOF
		}
		return err
	}
	for i, v := range row {
		dest[i] = v
	}
	return nil
}

var anyType = reflect.TypeFor[any]()

// ColumnTypeScanType returns the Go type the shards suggest, or any.
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if t := r.cols[i].ScanType; t != nil {
		return t
	}
	return anyType
}

// ColumnTypeDatabaseTypeName returns the shards' type name.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string { return r.cols[i].DatabaseType }

// ColumnTypeNullable reports nullability where the shards know it.
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	return r.cols[i].Nullable, r.cols[i].HasNullable
}

// ColumnTypeLength reports a variable-length column's length.
func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	return r.cols[i].Length, r.cols[i].HasLength
}

// ColumnTypePrecisionScale reports a decimal column's size.
func (r *rows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	c := r.cols[i]
	return c.Precision, c.Scale, c.HasPrecisionScale
}
