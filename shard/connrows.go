package shard

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"reflect"
	"time"

	"github.com/dot-do/vitessdo/merge"
)

// ConnRows is one shard query's rows read on a connection's own prepared
// statement (see conncache.go), in the caller's goroutine. The query and
// its first batch of rows run on a connection taken from the backend's
// pool (pool.go), or inside one (*sql.Conn).Raw call on a transaction's;
// when the rows end there — a point select — the statement is reset and
// the connection goes back to the pool before the caller reads a row.
// Longer results read each later batch the same way (a further Raw call
// on a transaction's), holding the connection in between, as
// database/sql's Rows does.
//
// A cancellable context is watched by the driver while the query runs
// (modernc.org/sqlite interrupts it) and between rows after that: the
// rows then end with the context's error.
type ConnRows struct {
	shard *Shard
	ctx   context.Context
	// pc is the rows' connection while rows remain on it, taken from
	// the pool for them (given back when they end, discarded when bad);
	// conn is a transaction's instead (or a stream's own, see QueryOn).
	pc    *poolConn
	conn  connRef
	cs    *cachedStmt
	ri    driver.Rows
	cols  []merge.Column
	names []string
	dest  []driver.Value

	batch []merge.Row
	// first holds the first batch of a result of one row, and firstVals
	// the values of the first row when they fit: a point select's row
	// costs no allocation of its own.
	first     [1]merge.Row
	firstVals [4]any
	// slab holds the values of the batch's rows to come: later rows
	// share an allocation per rowsPerSlab.
	slab []any
	pos  int
	size int
	// spent is the time the batches after the first took to read.
	spent time.Duration
	// err is io.EOF after the last row, the error the rows ended with,
	// or errRowsClosed.
	err error

	// The flags, together (a point select's rows and the statement's
	// around them are one allocation: see vitessdo's pointRows).
	bad    bool // pc turned out broken: discarded when given back
	sqlTx  bool // a database/sql Tx holds conn (see onConn)
	read1  bool // the first row was read (see newRow)
	closed bool
}

var _ merge.Iterator = (*ConnRows)(nil)

// queryConn runs a query on a connection's own prepared statement: tx's
// connection (held by a database/sql Tx when sqlTx is set), or one taken
// from the pool when tx is nil (tried again on another when it turns
// out broken, see Backend.retry).
func (b *Backend) queryConn(ctx context.Context, s *Shard, tx connRef, sqlTx bool, query string, args []any) (*ConnRows, error) {
	r := new(ConnRows)
	if err := b.queryConnInto(r, ctx, s, tx, sqlTx, query, args); err != nil {
		return nil, err
	}
	return r, nil
}

// queryConnInto is queryConn into rows the caller allocated.
func (b *Backend) queryConnInto(r *ConnRows, ctx context.Context, s *Shard, tx connRef, sqlTx bool, query string, args []any) error {
	if tx.set() {
		*r = ConnRows{shard: s, ctx: ctx, conn: tx, sqlTx: sqlTx, size: firstBatch}
		err := onConn(tx, sqlTx, func(cc *cachedConn) error { return r.start(cc, query, args) })
		if err == nil && r.ri == nil {
			r.conn = connRef{}
		}
		return err
	}
	return b.retry(func(strategy connStrategy) error {
		pc, err := b.pool.get(ctx, strategy)
		if err != nil {
			return err
		}
		*r = ConnRows{shard: s, ctx: ctx, pc: pc, size: firstBatch}
		err = r.start(pc.cc, query, args)
		if err != nil {
			r.pc = nil
			b.pool.put(pc, err)
			return err
		}
		if r.ri == nil {
			r.giveBack()
		}
		return nil
	})
}

// on runs fn on the rows' connection: the pool's (noting a connection
// found broken, to discard when given back), or inside Raw on conn.
func (r *ConnRows) on(fn func(cc *cachedConn) error) error {
	if r.pc == nil {
		return onConn(r.conn, r.sqlTx, fn)
	}
	err := fn(r.pc.cc)
	if errors.Is(err, driver.ErrBadConn) {
		r.bad = true
	}
	return err
}

// start runs the query and reads the first batch, on the rows'
// connection (see on).
func (r *ConnRows) start(cc *cachedConn, query string, args []any) error {
	cs, err := cc.stmt(r.ctx, query)
	if err != nil {
		return err
	}
	nv, err := cc.args(args)
	if err != nil {
		cc.release(cs)
		return err
	}
	cs.busy = true
	ri, err := cs.query(r.ctx, nv)
	cc.clearArgs()
	if err != nil {
		cc.release(cs)
		return err
	}
	r.cs, r.ri = cs, ri
	r.names = ri.Columns()
	if !cc.b.scanByValue {
		r.cols = describeAgain(cs.cols, r.names, ri, cc.b)
		cs.cols = r.cols
	}
	// Otherwise the columns are described once the first row's values
	// are read (see describeFirst).
	if cap(cs.dest) < len(r.names) {
		cs.dest = make([]driver.Value, len(r.names))
	}
	r.dest = cs.dest[:len(r.names)]
	r.batch = r.first[:0]
	if err := r.read(cc); err != nil {
		r.end(cc)
		return err
	}
	return nil
}

// read reads the next batch, ending the rows after the last, on the
// rows' connection (see on).
func (r *ConnRows) read(cc *cachedConn) error {
	clear(r.batch)
	r.batch, r.pos = r.batch[:0], 0
	done := r.ctx.Done()
	for len(r.batch) < r.size {
		if done != nil {
			select {
			case <-done:
				return r.ctx.Err()
			default:
			}
		}
		err := r.ri.Next(r.dest)
		if r.cols == nil {
			r.describeFirst(cc, err == nil)
		}
		if err != nil {
			if err == io.EOF {
				return r.end(cc)
			}
			return err
		}
		row := r.newRow(r.size - len(r.batch))
		for i, v := range r.dest {
			if b, ok := v.([]byte); ok {
				// The driver may reuse its buffer; database/sql's Scan
				// into *any copies too.
				v = bytes.Clone(b)
			}
			row[i] = v
		}
		if len(r.batch) == cap(r.batch) {
			// Past the first row (held in r.first) or a batch of the
			// last run's size: room for the whole batch at once.
			r.batch = append(make([]merge.Row, 0, r.size), r.batch...)
		}
		r.batch = append(r.batch, row)
	}
	if r.size < maxBatch {
		r.size *= 2
	}
	return nil
}

// describeFirst describes the rows' columns, on a backend whose scan
// types follow the rows' values (ScanTypesFollowValues), once the first
// Next has read the first row's values into dest (haveRow: there is
// one). The driver's rows still stand on the first row then (the first
// Next reads the row the query stepped to), so what they report of it
// is what they reported before it. When every value has the Go type of
// the one the statement's last described run had in its column, and the
// names and declared types are the same, the scan types are too: the
// last description is kept without asking the driver for them.
func (r *ConnRows) describeFirst(cc *cachedConn, haveRow bool) {
	cs, b := r.cs, cc.b
	if haveRow && len(cs.cols) == len(r.names) && len(cs.kinds) == len(r.dest) &&
		sameValueKinds(cs.kinds, r.dest) && sameNamesAndTypes(cs.cols, r.names, r.ri) {
		r.cols = cs.cols
		return
	}
	r.cols = describeAgain(cs.cols, r.names, r.ri, b)
	cs.cols = r.cols
	cs.kinds = cs.kinds[:0]
	if haveRow {
		cs.kinds = appendValueKinds(cs.kinds, r.dest)
	}
}

// A valueKind is the Go type of a row's value that says which storage
// class the value has (see ScanTypesFollowValues); kindOther says
// nothing.
type valueKind uint8

const (
	kindOther valueKind = iota
	kindNull
	kindInt
	kindFloat
	kindText
	kindBlob
)

func kindOf(v driver.Value) valueKind {
	switch v.(type) {
	case nil:
		return kindNull
	case int64:
		return kindInt
	case float64:
		return kindFloat
	case string:
		return kindText
	case []byte:
		return kindBlob
	}
	return kindOther
}

// appendValueKinds appends the kinds of a row's values, or none when
// one of them says nothing.
func appendValueKinds(kinds []valueKind, row []driver.Value) []valueKind {
	n := len(kinds)
	for _, v := range row {
		k := kindOf(v)
		if k == kindOther {
			return kinds[:n]
		}
		kinds = append(kinds, k)
	}
	return kinds
}

// sameValueKinds reports whether each of a row's values has its kind.
func sameValueKinds(kinds []valueKind, row []driver.Value) bool {
	for i, v := range row {
		if kindOf(v) != kinds[i] {
			return false
		}
	}
	return true
}

// rowsPerSlab is how many rows after the first share one allocation of
// their values.
const rowsPerSlab = 16

// newRow returns room for a row's values, of at most room rows still to
// read in the batch: the first row's in firstVals (or its own
// allocation), later rows' in slabs of up to rowsPerSlab rows.
func (r *ConnRows) newRow(room int) merge.Row {
	n := len(r.dest)
	if !r.read1 {
		r.read1 = true
		if n <= len(r.firstVals) {
			return r.firstVals[:n:n]
		}
		return make(merge.Row, n)
	}
	if len(r.slab) < n || n == 0 {
		r.slab = make([]any, n*max(1, min(room, rowsPerSlab)))
	}
	row := r.slab[:n:n]
	r.slab = r.slab[n:]
	return row
}

// end closes the driver's rows and releases their statement, on their
// connection (see on).
func (r *ConnRows) end(cc *cachedConn) error {
	if r.ri == nil {
		return nil
	}
	// The driver sets every value of dest for each row; the last row's
	// are dropped here, not kept alive by the statement.
	clear(r.dest)
	err := r.ri.Close()
	r.ri = nil
	cc.release(r.cs)
	r.cs = nil
	return err
}

// giveBack gives the connection back to the pool, if the rows took it.
func (r *ConnRows) giveBack() {
	if r.pc != nil {
		var err error
		if r.bad {
			err = driver.ErrBadConn
		}
		r.shard.Backend.pool.put(r.pc, err)
		r.pc = nil
	}
	r.conn = connRef{}
}

// holds reports whether the rows hold a connection.
func (r *ConnRows) holds() bool { return r.pc != nil || r.conn.set() }

func (r *ConnRows) wrap(err error) error {
	return &Error{Keyspace: r.shard.Keyspace, Shard: r.shard.Name, Err: err}
}

// Columns describes the rows.
func (r *ConnRows) Columns() []merge.Column { return r.cols }

// ColumnNames returns the columns' names, as the driver gave them. The
// caller must not change the slice.
func (r *ConnRows) ColumnNames() []string { return r.names }

// Next returns the next row, or io.EOF after the last.
func (r *ConnRows) Next() (merge.Row, error) {
	if r.err != nil {
		return nil, r.err
	}
	for r.pos >= len(r.batch) {
		if r.ri == nil {
			r.err = io.EOF
			return nil, r.err
		}
		if err := r.ctx.Err(); err != nil {
			r.fail(err)
			return nil, r.err
		}
		t0 := time.Now()
		err := r.on(func(cc *cachedConn) error {
			err := r.read(cc)
			if err != nil {
				r.end(cc)
			}
			return err
		})
		r.spent += time.Since(t0)
		if err != nil {
			r.fail(err)
			return nil, r.err
		}
		if r.ri == nil {
			r.giveBack()
		}
	}
	row := r.batch[r.pos]
	r.batch[r.pos] = nil
	r.pos++
	return row, nil
}

// fail ends the rows with an error.
func (r *ConnRows) fail(err error) {
	r.closeRows()
	r.err = r.wrap(err)
}

// closeRows ends the driver's rows, if open, and gives the connection
// back.
func (r *ConnRows) closeRows() error {
	var err error
	if r.ri != nil && r.holds() {
		err = r.on(r.end)
	}
	r.ri = nil
	r.giveBack()
	return err
}

// Close closes the rows and gives their connection back.
func (r *ConnRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.err == nil {
		r.err = errRowsClosed
	}
	r.batch = nil
	return r.closeRows()
}

var anyType = reflect.TypeFor[any]()

// describer reads a driver's result columns as database/sql's
// ColumnTypes would (see columnsOf): the capabilities of one driver's
// rows, asserted once.
type describer struct {
	ri       driver.Rows
	noLength bool
	dbType   driver.RowsColumnTypeDatabaseTypeName
	scanType driver.RowsColumnTypeScanType
	nullable driver.RowsColumnTypeNullable
	length   driver.RowsColumnTypeLength
	decimal  driver.RowsColumnTypePrecisionScale
}

// fullyDescribed is rows that describe their columns every way
// (modernc.org/sqlite's, pgx's): one type assertion finds them all.
type fullyDescribed interface {
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeScanType
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypeLength
	driver.RowsColumnTypePrecisionScale
}

func newDescriber(ri driver.Rows, b *Backend) describer {
	d := describer{ri: ri, noLength: b.noLength}
	d.dbType, _ = ri.(driver.RowsColumnTypeDatabaseTypeName)
	d.scanType, _ = ri.(driver.RowsColumnTypeScanType)
	d.nullable, _ = ri.(driver.RowsColumnTypeNullable)
	d.length, _ = ri.(driver.RowsColumnTypeLength)
	d.decimal, _ = ri.(driver.RowsColumnTypePrecisionScale)
	return d
}

// column describes column i, named name.
func (d *describer) column(i int, name string) merge.Column {
	c := merge.Column{Name: name, ScanType: anyType}
	if d.dbType != nil {
		c.DatabaseType = d.dbType.ColumnTypeDatabaseTypeName(i)
	}
	if d.scanType != nil {
		c.ScanType = d.scanType.ColumnTypeScanType(i)
	}
	if d.nullable != nil {
		c.Nullable, c.HasNullable = d.nullable.ColumnTypeNullable(i)
	}
	if d.length != nil && !d.noLength {
		c.Length, c.HasLength = d.length.ColumnTypeLength(i)
	}
	if d.decimal != nil {
		c.Precision, c.Scale, c.HasPrecisionScale = d.decimal.ColumnTypePrecisionScale(i)
	}
	return c
}

// describe describes a driver's result columns.
func describe(names []string, ri driver.Rows, b *Backend) []merge.Column {
	d := newDescriber(ri, b)
	cols := make([]merge.Column, len(names))
	for i, name := range names {
		cols[i] = d.column(i, name)
	}
	return cols
}

// describeAgain describes a driver's result columns as describe does,
// returning last itself when they are described so still: a prepared
// statement's rows keep their names and declared types, and SQLite's
// scan types (and lengths) follow the first row's values, which mostly
// keep their types too. It compares only what can change between two
// runs of one prepared statement — the names, the declared types, the
// kinds of the values and the nullability — and describes the columns
// again, nothing reused, when one of them differs. The caller must not
// change the slice.
func describeAgain(last []merge.Column, names []string, ri driver.Rows, b *Backend) []merge.Column {
	if len(last) != len(names) {
		return describe(names, ri, b)
	}
	if sameColumns(last, names, ri, b) {
		return last
	}
	return describe(names, ri, b)
}

// sameNamesAndTypes reports whether ri's columns have last's names and
// declared types: on a backend whose scan types follow the values
// (ScanTypesFollowValues), the rest of a column's description follows
// them and the values' kinds.
func sameNamesAndTypes(last []merge.Column, names []string, ri driver.Rows) bool {
	dt, ok := ri.(driver.RowsColumnTypeDatabaseTypeName)
	for i, name := range names {
		c := &last[i]
		if name != c.Name {
			return false
		}
		if ok && dt.ColumnTypeDatabaseTypeName(i) != c.DatabaseType {
			return false
		}
	}
	return true
}

// sameColumns reports whether ri's columns have last's names, declared
// types, scan types, lengths (where the backend reports them) and
// nullability.
func sameColumns(last []merge.Column, names []string, ri driver.Rows, b *Backend) bool {
	if f, ok := ri.(fullyDescribed); ok {
		for i, name := range names {
			c := &last[i]
			if name != c.Name || f.ColumnTypeDatabaseTypeName(i) != c.DatabaseType || f.ColumnTypeScanType(i) != c.ScanType {
				return false
			}
			if n, ok := f.ColumnTypeNullable(i); n != c.Nullable || ok != c.HasNullable {
				return false
			}
			if !b.noLength {
				if n, ok := f.ColumnTypeLength(i); n != c.Length || ok != c.HasLength {
					return false
				}
			}
			if p, sc, ok := f.ColumnTypePrecisionScale(i); p != c.Precision || sc != c.Scale || ok != c.HasPrecisionScale {
				return false
			}
		}
		return true
	}
	d := newDescriber(ri, b)
	for i, name := range names {
		c := &last[i]
		if name != c.Name {
			return false
		}
		if d.dbType != nil && d.dbType.ColumnTypeDatabaseTypeName(i) != c.DatabaseType {
			return false
		}
		if d.scanType != nil && d.scanType.ColumnTypeScanType(i) != c.ScanType {
			return false
		}
		if d.nullable != nil {
			if n, ok := d.nullable.ColumnTypeNullable(i); n != c.Nullable || ok != c.HasNullable {
				return false
			}
		}
		if d.length != nil && !d.noLength {
			if n, ok := d.length.ColumnTypeLength(i); n != c.Length || ok != c.HasLength {
				return false
			}
		}
		if d.decimal != nil {
			if p, sc, ok := d.decimal.ColumnTypePrecisionScale(i); p != c.Precision || sc != c.Scale || ok != c.HasPrecisionScale {
				return false
			}
		}
	}
	return true
}
