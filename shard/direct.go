package shard

import (
	"context"
	"database/sql"
	"errors"
	"io"

	"github.com/dot-do/vitessdo/merge"
)

// Direct is one shard query's rows read in the caller's goroutine, with no
// prefetching: for a statement that reaches a single shard, where a
// goroutine and its hand-offs would only add latency. Its query runs in
// QueryDirect; Next reads the rows as the caller asks for them.
type Direct struct {
	shard  *Shard
	rows   *sql.Rows
	cols   []merge.Column
	ptrs   []any
	err    error
	closed bool
}

var _ merge.Iterator = (*Direct)(nil)

// errRowsClosed is what a closed stream's Next returns.
var errRowsClosed = errors.New("vitessdo: rows are closed")

// QueryDirect runs a query on a shard and returns its rows: on a backend
// whose connections cache statements, as ConnRows; otherwise as Direct.
func QueryDirect(ctx context.Context, s *Shard, q Querier, query string, args []any) (merge.Iterator, error) {
	return QueryDirectInto(ctx, s, q, query, args, nil)
}

// QueryDirectInto is QueryDirect reading into r, rows the caller
// allocated (with what holds them), when the rows are ConnRows
// (ReadsOnConn); it returns r then. With r nil, or when they are not,
// the rows are allocated here.
func QueryDirectInto(ctx context.Context, s *Shard, q Querier, query string, args []any, r *ConnRows) (merge.Iterator, error) {
	if conn, sqlTx, ok := s.Backend.connOf(q); ok {
		if r == nil {
			r = new(ConnRows)
		}
		if err := s.Backend.queryConnInto(r, ctx, s, conn, sqlTx, query, args); err != nil {
			return nil, &Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
		}
		return r, nil
	}
	rows, err := s.Backend.query(ctx, q, query, args)
	if err != nil {
		return nil, &Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
	}
	cols, err := columnsOf(rows, s.Backend)
	if err != nil {
		rows.Close()
		return nil, &Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
	}
	return &Direct{shard: s, rows: rows, cols: cols, ptrs: make([]any, len(cols))}, nil
}

// ReadsOnConn reports whether QueryDirect's rows of a query on q are
// ConnRows: a query on the backend's pool, or in one of its transactions,
// on a backend whose connections cache statements.
func (b *Backend) ReadsOnConn(q Querier) bool {
	_, _, ok := b.connOf(q)
	return ok
}

// Columns describes the rows.
func (d *Direct) Columns() []merge.Column { return d.cols }

// Next returns the next row, or io.EOF after the last.
func (d *Direct) Next() (merge.Row, error) {
	if d.err != nil {
		return nil, d.err
	}
	if !d.rows.Next() {
		if err := d.rows.Err(); err != nil {
			d.err = &Error{Keyspace: d.shard.Keyspace, Shard: d.shard.Name, Err: err}
		} else {
			d.err = io.EOF
		}
		d.rows.Close()
		return nil, d.err
	}
	row := make(merge.Row, len(d.cols))
	for i := range row {
		d.ptrs[i] = &row[i]
	}
	if err := d.rows.Scan(d.ptrs...); err != nil {
		d.err = &Error{Keyspace: d.shard.Keyspace, Shard: d.shard.Name, Err: err}
		d.rows.Close()
		return nil, d.err
	}
	return row, nil
}

// Close closes the rows.
func (d *Direct) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	if d.err == nil {
		d.err = errRowsClosed
	}
	return d.rows.Close()
}
