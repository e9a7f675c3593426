package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"testing"
	"time"

	msqlite "modernc.org/sqlite"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/merge"
)

// countingDriver counts what the statement caches of a backend's
// connections do, and fails a statement's run with driver.ErrBadConn when
// asked.
type countingDriver struct {
	mu       sync.Mutex
	conns    int // connections opened
	closed   int // connections closed
	prepared int // statements prepared
	stmtsOut int // statements prepared and not closed
	// badConn makes the next statement run (on any connection) fail
	// with driver.ErrBadConn, that many times.
	badConn int
	// scanTypes counts the rows' ColumnTypeScanType calls.
	scanTypes int
}

func (d *countingDriver) counts() (conns, closed, prepared, open int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conns, d.closed, d.prepared, d.stmtsOut
}

type countingConnector struct {
	d     *countingDriver
	inner driver.Connector
}

func (c *countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	ci, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	c.d.mu.Lock()
	c.d.conns++
	c.d.mu.Unlock()
	return &countingConn{d: c.d, inner: ci}, nil
}

func (c *countingConnector) Driver() driver.Driver { return c.inner.Driver() }

type countingConn struct {
	d     *countingDriver
	inner driver.Conn
	bad   bool
}

func (c *countingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.inner.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.d.mu.Lock()
	c.d.prepared++
	c.d.stmtsOut++
	c.d.mu.Unlock()
	return &countingStmt{c: c, inner: st}, nil
}

func (c *countingConn) Close() error {
	c.d.mu.Lock()
	c.d.closed++
	c.d.mu.Unlock()
	return c.inner.Close()
}

func (c *countingConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *countingConn) IsValid() bool { return !c.bad }

type countingStmt struct {
	c      *countingConn
	inner  driver.Stmt
	closed bool
}

func (s *countingStmt) Close() error {
	if !s.closed {
		s.closed = true
		s.c.d.mu.Lock()
		s.c.d.stmtsOut--
		s.c.d.mu.Unlock()
	}
	return s.inner.Close()
}

func (s *countingStmt) NumInput() int { return s.inner.NumInput() }

func (s *countingStmt) Exec(args []driver.Value) (driver.Result, error) {
	return nil, errors.New("Exec without a context")
}

func (s *countingStmt) Query(args []driver.Value) (driver.Rows, error) {
	return nil, errors.New("Query without a context")
}

// broken reports whether this run fails with driver.ErrBadConn.
func (s *countingStmt) broken() bool {
	s.c.d.mu.Lock()
	defer s.c.d.mu.Unlock()
	if s.c.d.badConn > 0 {
		s.c.d.badConn--
		s.c.bad = true
		return true
	}
	return false
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if s.broken() {
		return nil, driver.ErrBadConn
	}
	return s.inner.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if s.broken() {
		return nil, driver.ErrBadConn
	}
	ri, err := s.inner.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	return &countingRows{d: s.c.d, fullRows: ri.(fullRows)}, nil
}

// fullRows is what modernc.org/sqlite's rows are.
type fullRows interface {
	driver.Rows
	fullyDescribed
}

// countingRows counts what the rows are asked of their columns.
type countingRows struct {
	d *countingDriver
	fullRows
}

func (r *countingRows) ColumnTypeScanType(i int) reflect.Type {
	r.d.mu.Lock()
	r.d.scanTypes++
	r.d.mu.Unlock()
	return r.fullRows.ColumnTypeScanType(i)
}

// cachingBackend opens an SQLite backend whose connections cache their
// statements, counted by the returned driver, with t's rows: id 1..n,
// v = id*10.
func cachingBackend(t *testing.T, maxOpen, n int) (*Backend, *Shard, *countingDriver) {
	t.Helper()
	inner, err := msqlite.NewConnector("file:" + t.TempDir() + "/c.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	d := &countingDriver{}
	b, err := NewBackend(BackendConfig{Dialect: dialect.SQLite, URL: "sqlite:c.db", Connector: inner, Capabilities: SQLiteCapabilities{}},
		PoolOptions{MaxOpenConns: maxOpen, WrapConnector: func(_ string, c driver.Connector) driver.Connector {
			return &countingConnector{d: d, inner: c}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if !b.cachesConns() {
		t.Fatal("an SQLite backend's connections do not cache statements")
	}
	if _, err := b.DB.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= n; id++ {
		if _, err := b.DB.Exec("INSERT INTO t (id, v) VALUES (?, ?)", id, id*10); err != nil {
			t.Fatal(err)
		}
	}
	return b, &Shard{Keyspace: "ks", Name: "-", Backend: b}, d
}

// readAll reads every row of a shard query as text.
func readAll(t *testing.T, s *Shard, q Querier, query string, args ...any) []string {
	t.Helper()
	it, err := QueryDirect(context.Background(), s, q, query, args)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer it.Close()
	if _, ok := it.(*ConnRows); !ok {
		t.Fatalf("%s ran as %T, not on the connection's statements", query, it)
	}
	var out []string
	for {
		row, err := it.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, fmt.Sprint(row...))
	}
}

func TestConnStatementsArePreparedOncePerConnection(t *testing.T) {
	b, s, d := cachingBackend(t, 1, 40)
	_, _, before, _ := d.counts()
	for i := range 20 {
		id := int64(i%40 + 1)
		got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", id)
		if len(got) != 1 || got[0] != fmt.Sprint(id*10) {
			t.Fatalf("id %d: %v", id, got)
		}
		if _, err := Exec(context.Background(), s, b.DB, "UPDATE t SET v = ? WHERE id = ?", []any{id * 10, id}, false); err != nil {
			t.Fatal(err)
		}
	}
	// 40 rows: the first batch, then later ones, on the same statement.
	if got := readAll(t, s, b.DB, "SELECT id FROM t ORDER BY id"); len(got) != 40 || got[39] != "40" {
		t.Errorf("40 rows: %v", got)
	}
	if _, _, after, _ := d.counts(); after-before != 3 {
		t.Errorf("%d statements prepared for 3 statement texts on one connection", after-before)
	}
	if n := poolInUse(b); n != 0 {
		t.Errorf("%d connections in use", n)
	}
}

func TestConnStatementsCloseWithTheirConnection(t *testing.T) {
	b, s, d := cachingBackend(t, 2, 5)
	readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 1)
	readAll(t, s, b.DB, "SELECT v FROM t WHERE id > ?", 1)
	if _, _, _, open := d.counts(); open == 0 {
		t.Fatal("no statement kept prepared")
	}
	b.Close()
	conns, closed, _, open := d.counts()
	if conns != closed || open != 0 {
		t.Errorf("after closing the pool: %d of %d connections closed, %d statements still open", closed, conns, open)
	}
}

func TestConnStatementsBadConnIsDiscardedAndRetried(t *testing.T) {
	b, s, d := cachingBackend(t, 2, 5)
	readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 2)
	conns0, closed0, _, _ := d.counts()
	d.mu.Lock()
	d.badConn = 1
	d.mu.Unlock()
	if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 2); len(got) != 1 || got[0] != "20" {
		t.Errorf("after a broken connection: %v", got)
	}
	conns, closed, _, _ := d.counts()
	if closed != closed0+1 || conns != conns0+1 {
		t.Errorf("connections opened %d → %d, closed %d → %d: want the broken one closed and a new one opened", conns0, conns, closed0, closed)
	}
	// A write too: retried on another connection, applied once.
	d.mu.Lock()
	d.badConn = 1
	d.mu.Unlock()
	res, err := Exec(context.Background(), s, b.DB, "UPDATE t SET v = v + 1 WHERE id = ?", []any{3}, false)
	if err != nil || res.RowsAffected != 1 {
		t.Fatalf("update after a broken connection: %+v, %v", res, err)
	}
	if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 3); len(got) != 1 || got[0] != "31" {
		t.Errorf("v = %v, want 31", got)
	}
	// Broken on every try: the error reaches the caller.
	d.mu.Lock()
	d.badConn = maxBadConnRetries + 1
	d.mu.Unlock()
	if _, err := QueryDirect(context.Background(), s, b.DB, "SELECT v FROM t WHERE id = ?", []any{1}); !errors.Is(err, driver.ErrBadConn) {
		t.Errorf("every connection broken: %v, want driver.ErrBadConn", err)
	}
	if n := poolInUse(b); n != 0 {
		t.Errorf("%d connections in use", n)
	}
}

func TestConnStatementsAreDroppedAfterDDL(t *testing.T) {
	b, s, d := cachingBackend(t, 1, 2)
	if got := readAll(t, s, b.DB, "SELECT * FROM t WHERE id = ?", 1); len(got) != 1 || got[0] != "1 10" {
		t.Fatalf("before: %v", got)
	}
	if _, err := b.DB.Exec("ALTER TABLE t ADD COLUMN w INTEGER DEFAULT 7"); err != nil {
		t.Fatal(err)
	}
	b.ForgetSchema()
	_, _, before, _ := d.counts()
	it, err := QueryDirect(context.Background(), s, b.DB, "SELECT * FROM t WHERE id = ?", []any{1})
	if err != nil {
		t.Fatal(err)
	}
	cols := it.Columns()
	row, err := it.Next()
	it.Close()
	if err != nil || len(cols) != 3 || cols[2].Name != "w" || fmt.Sprint(row...) != "1 10 7" {
		t.Errorf("after ALTER TABLE: columns %v, row %v, %v", cols, row, err)
	}
	if _, _, after, _ := d.counts(); after != before+1 {
		t.Errorf("%d statements prepared after DDL, want the statement prepared again", after-before)
	}
}

func TestConnRowsEndWithTheContext(t *testing.T) {
	b, s, _ := cachingBackend(t, 1, 100)
	// Cancelled while the statement runs: the driver interrupts it.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	slow := "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c WHERE x < 0"
	_, err := QueryDirect(ctx, s, b.DB, slow, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow statement: %v, want the deadline", err)
	}
	// Cancelled between batches: the rows end with the context's error.
	ctx, cancel = context.WithCancel(context.Background())
	it, err := QueryDirect(ctx, s, b.DB, "SELECT id FROM t ORDER BY id", nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := it.Next(); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	var n int
	for ; ; n++ {
		if _, err = it.Next(); err != nil {
			break
		}
	}
	if !errors.Is(err, context.Canceled) || n >= 90 {
		t.Errorf("after cancelling: %d more rows, then %v; want the rows to end with context.Canceled", n, err)
	}
	it.Close()
	// The connection went back to the pool and serves the next statement.
	if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 5); len(got) != 1 || got[0] != "50" {
		t.Errorf("after the cancellations: %v", got)
	}
	if n := poolInUse(b); n != 0 {
		t.Errorf("%d connections in use", n)
	}
}

func TestConnRowsHoldTheirConnectionWithinThePoolLimit(t *testing.T) {
	b, s, _ := cachingBackend(t, 1, 100)
	// 100 rows outlast the first batch: the rows keep the pool's one
	// connection until they end.
	it, err := QueryDirect(context.Background(), s, b.DB, "SELECT id FROM t ORDER BY id", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := QueryDirect(ctx, s, b.DB, "SELECT v FROM t WHERE id = ?", []any{1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second statement beside open rows with max_open_conns 1: %v, want it to wait for the connection", err)
	}
	it.Close()
	if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 1); len(got) != 1 {
		t.Errorf("after closing the rows: %v", got)
	}
	// A point select's connection is back in the pool before its row is
	// read.
	it, err = QueryDirect(context.Background(), s, b.DB, "SELECT v FROM t WHERE id = ?", []any{2})
	if err != nil {
		t.Fatal(err)
	}
	if n := poolInUse(b); n != 0 {
		t.Errorf("%d connections in use while a point select's rows are open", n)
	}
	it.Close()
}

func TestConnStatementsInATransactionReuseItsConnection(t *testing.T) {
	for _, begin := range []struct {
		name string
		tx   func(b *Backend, conn *sql.Conn) (BackendTx, error)
	}{
		{"ConnTx", func(b *Backend, conn *sql.Conn) (BackendTx, error) { return b.BeginOn(context.Background(), conn, nil) }},
		{"sql.Tx", func(b *Backend, conn *sql.Conn) (BackendTx, error) { return conn.BeginTx(context.Background(), nil) }},
	} {
		t.Run(begin.name, func(t *testing.T) {
			b, s, _ := cachingBackend(t, 2, 40)
			ctx := context.Background()
			conn, err := b.DB.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := begin.tx(b, conn)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := tx.(*ConnTx); ok != (begin.name == "ConnTx") {
				t.Fatalf("BeginOn began a %T", tx)
			}
			q := &TxConn{Querier: tx, Conn: conn}
			if _, err := Exec(ctx, s, q, "UPDATE t SET v = ? WHERE id = ?", []any{-1, 1}, false); err != nil {
				t.Fatal(err)
			}
			// The same statement twice at once on the transaction's
			// connection: the second prepares a statement of its own.
			const all = "SELECT id, v FROM t WHERE id <= ? ORDER BY id"
			first, err := QueryDirect(ctx, s, q, all, []any{40})
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, s, q, all, []any{3}...); fmt.Sprint(got) != "[1 -1 2 20 3 30]" {
				t.Errorf("second use in the transaction: %v", got)
			}
			var n int
			for {
				row, err := first.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 && fmt.Sprint(row...) != "1 -1" {
					t.Errorf("first row %v: the transaction's write not seen", row)
				}
				n++
			}
			first.Close()
			if n != 40 {
				t.Errorf("%d rows, want 40", n)
			}
			// Statements as text run in the transaction too.
			var v int64
			if err := tx.QueryRowContext(ctx, "SELECT v FROM t WHERE id = 1").Scan(&v); err != nil || v != -1 {
				t.Errorf("text query in the transaction: %d, %v", v, err)
			}
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); !errors.Is(err, sql.ErrTxDone) {
				t.Errorf("Commit after Rollback: %v, want sql.ErrTxDone", err)
			}
			conn.Close()
			if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 1); len(got) != 1 || got[0] != "10" {
				t.Errorf("after rollback: %v", got)
			}
			// A committed transaction's writes stay.
			conn, err = b.DB.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tx, err = begin.tx(b, conn); err != nil {
				t.Fatal(err)
			}
			q = &TxConn{Querier: tx, Conn: conn}
			if _, err := Exec(ctx, s, q, "UPDATE t SET v = ? WHERE id = ?", []any{-2, 2}, false); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			conn.Close()
			if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 2); len(got) != 1 || got[0] != "-2" {
				t.Errorf("after commit: %v", got)
			}
			if n := poolInUse(b); n != 0 {
				t.Errorf("%d connections in use", n)
			}
		})
	}
}

func TestConnStatementsConcurrently(t *testing.T) {
	b, s, _ := cachingBackend(t, 3, 50)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for i := range 100 {
				id := int64((g*100+i)%50 + 1)
				it, err := QueryDirect(ctx, s, b.DB, "SELECT v FROM t WHERE id = ?", []any{id})
				if err != nil {
					errs <- err
					return
				}
				row, err := it.Next()
				it.Close()
				if err != nil || len(row) != 1 || row[0] != id*10 {
					errs <- fmt.Errorf("id %d: %v, %v", id, row, err)
					return
				}
				if i%10 == 0 {
					if _, err := Exec(ctx, s, b.DB, "UPDATE t SET v = ? WHERE id = ?", []any{id * 10, id}, false); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := b.pool.stats(); st.InUse != 0 || st.Open > 3 || b.DB.Stats().InUse != 0 {
		t.Errorf("pool after the statements: %+v", st)
	}
}

// poolInUse counts the backend's connections in use, in its own pool
// (those database/sql borrowed among them).
func poolInUse(b *Backend) int { return b.pool.stats().InUse }

// TestConnRowsDescribeTheirColumnsAgainWhenTheyChange: a connection's
// prepared statement keeps its rows' column descriptions while the
// columns' names, declared types and kinds stay the same, and describes
// them again when the first row's values change kind (SQLite's scan
// types follow them) or the schema changed under the statement.
func TestConnRowsDescribeTheirColumnsAgainWhenTheyChange(t *testing.T) {
	b, s, d := cachingBackend(t, 1, 2)
	if _, err := b.DB.Exec("INSERT INTO t (id, v) VALUES (3, 'text')"); err != nil {
		t.Fatal(err)
	}
	describe := func(query string, id int) []merge.Column {
		t.Helper()
		it, err := QueryDirect(context.Background(), s, b.DB, query, []any{id})
		if err != nil {
			t.Fatal(err)
		}
		defer it.Close()
		if _, err := it.Next(); err != nil {
			t.Fatal(err)
		}
		return it.Columns()
	}
	const q = "SELECT * FROM t WHERE id = ?"
	first := describe(q, 1)
	if again := describe(q, 2); &again[0] != &first[0] {
		t.Error("the same columns were described again")
	}
	for _, tt := range []struct {
		id   int
		want reflect.Type
	}{{1, reflect.TypeFor[int64]()}, {3, reflect.TypeFor[string]()}, {2, reflect.TypeFor[int64]()}} {
		cols := describe(q, tt.id)
		if len(cols) != 2 || cols[1].Name != "v" || cols[1].ScanType != tt.want {
			t.Errorf("id %d: columns %+v, want v of scan type %v", tt.id, cols, tt.want)
		}
	}
	// Values of the same kinds as the last described run's: the scan
	// types are not asked again.
	d.mu.Lock()
	asked := d.scanTypes
	d.mu.Unlock()
	for range 3 {
		describe(q, 2)
	}
	d.mu.Lock()
	asked = d.scanTypes - asked
	d.mu.Unlock()
	if asked != 0 {
		t.Errorf("scan types asked %d times for values of the kinds described last", asked)
	}
	// Renamed outside vitessdo: SQLite prepares the statement again, and
	// the rows name the column as it is now named.
	if _, err := b.DB.Exec("ALTER TABLE t RENAME COLUMN v TO w"); err != nil {
		t.Fatal(err)
	}
	if cols := describe(q, 1); len(cols) != 2 || cols[1].Name != "w" || cols[1].ScanType != reflect.TypeFor[int64]() {
		t.Errorf("after the rename: columns %+v, want w", cols)
	}
}

// TestConnStatementsTakenInTurnStayApart: statements of different texts
// run in turn on one connection each find their own prepared statement
// (the one run last found without the cache's map), prepared once each.
func TestConnStatementsTakenInTurnStayApart(t *testing.T) {
	b, s, d := cachingBackend(t, 1, 4)
	_, _, before, _ := d.counts()
	for i := range 6 {
		id := i%4 + 1
		if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", id); len(got) != 1 || got[0] != fmt.Sprint(id*10) {
			t.Fatalf("v of %d: %v", id, got)
		}
		if got := readAll(t, s, b.DB, "SELECT id FROM t WHERE v = ?", id*10); len(got) != 1 || got[0] != fmt.Sprint(id) {
			t.Fatalf("id of %d: %v", id*10, got)
		}
		if got := readAll(t, s, b.DB, "SELECT id FROM t WHERE v = ?", id*10); len(got) != 1 || got[0] != fmt.Sprint(id) {
			t.Fatalf("id of %d again: %v", id*10, got)
		}
	}
	if _, _, after, _ := d.counts(); after-before != 2 {
		t.Errorf("%d statements prepared for 2 texts", after-before)
	}
}

// TestConnRowsScanTypesFollowTheValuesAsTheDriverSays: a prepared
// statement run over rows whose values change storage class from run to
// run describes each run's columns as the driver describes them to a
// query of its own, whether the last description is kept or not.
func TestConnRowsScanTypesFollowTheValuesAsTheDriverSays(t *testing.T) {
	b, s, _ := cachingBackend(t, 2, 0)
	ctx := context.Background()
	if _, err := b.DB.Exec("CREATE TABLE k (id INTEGER PRIMARY KEY, a, b INTEGER, c TEXT, d BOOLEAN, e DATE, f REAL, g BLOB)"); err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct {
		id int
		v  string
	}{
		{1, "1"}, {2, "'text'"}, {3, "2.5"}, {4, "x'0102'"}, {5, "NULL"}, {6, "'2024-01-02'"}, {7, "0"},
	} {
		if _, err := b.DB.Exec(fmt.Sprintf("INSERT INTO k VALUES (%d, %s, %[2]s, %[2]s, %[2]s, %[2]s, %[2]s, %[2]s)", row.id, row.v)); err != nil {
			t.Fatal(err)
		}
	}
	const q = "SELECT a, b, c, d, e, f, g FROM k WHERE id = ?"
	for _, id := range []int{1, 7, 2, 2, 3, 1, 4, 5, 5, 6, 1, 6, 3, 7} {
		it, err := QueryDirect(ctx, s, b.DB, q, []any{id})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := it.Next(); err != nil {
			t.Fatal(err)
		}
		got := it.Columns()
		it.Close()
		rows, err := b.DB.QueryContext(ctx, q, id)
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatalf("id %d: no row", id)
		}
		types, err := rows.ColumnTypes()
		rows.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, ct := range types {
			if got[i].ScanType != ct.ScanType() || got[i].DatabaseType != ct.DatabaseTypeName() {
				t.Errorf("id %d, column %s: scan type %v, %q; the driver says %v, %q", id, ct.Name(), got[i].ScanType, got[i].DatabaseType, ct.ScanType(), ct.DatabaseTypeName())
			}
			nullable, hasNullable := ct.Nullable()
			precision, scale, hasPrecision := ct.DecimalSize()
			if got[i].Nullable != nullable || got[i].HasNullable != hasNullable ||
				got[i].Precision != precision || got[i].Scale != scale || got[i].HasPrecisionScale != hasPrecision {
				t.Errorf("id %d, column %s: nullable %v %v, precision %d %d %v; the driver says %v %v, %d %d %v", id, ct.Name(),
					got[i].Nullable, got[i].HasNullable, got[i].Precision, got[i].Scale, got[i].HasPrecisionScale,
					nullable, hasNullable, precision, scale, hasPrecision)
			}
		}
	}
}
