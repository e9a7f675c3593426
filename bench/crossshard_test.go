package bench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/dot-do/vitessdo"
)

// The cross-shard query benchmarks: statements no one shard can answer,
// which the router runs as several shard statements and combines, against
// the same statement on one SQLite database (the overhead fixture's 4
// shards and single database, alternated as pair_test.go describes). Each
// reports vt-shard-queries/op: the statements the shards ran per
// statement, counted under the shards' database/sql connections.

// crossShard runs query on both sides of the 4-shard fixture, through a
// vitessdo that counts the shard statements, and compares the answers
// (their row count and the text of every value, summed).
func crossShard(b *testing.B, query string, wantRows int) {
	f := main4(b)
	var n atomic.Int64
	vt, err := openCounting(f, &n)
	if err != nil {
		b.Fatal(err)
	}
	defer vt.Close()
	dbs := [2]*sql.DB{vt, f.one}
	run := func(side, i int) (any, error) {
		rows, err := dbs[side].QueryContext(bg, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		count, size := 0, 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			count++
			for _, v := range vals {
				size += len(v)
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if wantRows >= 0 && count != wantRows {
			return nil, fmt.Errorf("%s: %d rows, want %d", query, count, wantRows)
		}
		return [2]int{count, size}, nil
	}
	if err := compareOne(run, -1); err != nil {
		b.Fatal(err)
	}
	n.Store(0)
	pair(b, pairConfig{round: 5, warm: 2}, run)
	// pair ran b.N statements on vitessdo, and the warm-up ones.
	b.ReportMetric(float64(n.Load())/float64(b.N+2), "vt-shard-queries/op")
}

// openCounting opens vitessdo over the fixture's shards, counting every
// statement a shard connection runs in n.
func openCounting(f *fixture, n *atomic.Int64) (*sql.DB, error) {
	names := shardNamesFor(f.shards)
	cfg := &vitessdo.Config{VSchemaJSON: []byte(vschemaFor(names, false)), Shards: map[string]string{},
		WrapConnector: func(url string, c driver.Connector) driver.Connector { return &countingConnector{inner: c, n: n} }}
	for i, name := range names {
		cfg.Shards["app/"+name] = f.shardURLs[i]
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// BenchmarkNestedLoopJoin: a join of two tables no shard holds together
// (b's vindex column equals a's k, which is no vindex column of a), 1,000
// outer rows: the outer side runs on every shard, then each batch of
// join_batch (256) outer rows binds the inner side as an IN list that
// routes it by b's vindex.
func BenchmarkNestedLoopJoin(b *testing.B) {
	crossShard(b, "SELECT a.id, b.qty FROM items a JOIN items b ON b.id = a.k WHERE a.k <= 1000", 1000)
}

// BenchmarkInSubqueryAcrossShards: an uncorrelated IN subquery over the
// shards (200 values) runs once, and its values bind the outer
// statement's IN list, which routes it.
func BenchmarkInSubqueryAcrossShards(b *testing.B) {
	crossShard(b, "SELECT COUNT(*), SUM(qty) FROM items WHERE id IN (SELECT k FROM items WHERE grp = 'g07' AND k <= 20000)", 1)
}

// BenchmarkDerivedGroupAtMerge: a derived table grouped by a column that
// is no vindex column runs as a merged GROUP BY, and the outer statement
// (WHERE, ORDER BY, LIMIT over its 100 rows) is evaluated by the router.
func BenchmarkDerivedGroupAtMerge(b *testing.B) {
	crossShard(b, "SELECT d.grp, d.s FROM (SELECT grp, SUM(qty) AS s, COUNT(*) AS n FROM items GROUP BY grp) d WHERE d.n > 0 ORDER BY d.s DESC, d.grp LIMIT 5", 5)
}

// BenchmarkDerivedLimitAtMerge: a derived table's ORDER BY … LIMIT 1000
// is merged from the shards' top 1,000 each, and the outer aggregates
// run over its rows.
func BenchmarkDerivedLimitAtMerge(b *testing.B) {
	crossShard(b, "SELECT COUNT(*), SUM(d.qty), MIN(d.id) FROM (SELECT id, qty FROM items ORDER BY qty DESC, id LIMIT 1000) d", 1)
}

// countingConnector counts the statements of its connections.
type countingConnector struct {
	inner driver.Connector
	n     *atomic.Int64
}

func (c *countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, n: c.n}, nil
}

func (c *countingConnector) Driver() driver.Driver { return c.inner.Driver() }

// countingConn counts queries and executions, direct or through prepared
// statements, and passes everything to the backend's connection.
type countingConn struct {
	driver.Conn
	n *atomic.Int64
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if pc, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = pc.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, n: c.n}, nil
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.n.Add(1)
	return qc.QueryContext(ctx, query, args)
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.n.Add(1)
	return ec.ExecContext(ctx, query, args)
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if nc, ok := c.Conn.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if rs, ok := c.Conn.(driver.SessionResetter); ok {
		return rs.ResetSession(ctx)
	}
	return nil
}

// countingStmt counts the executions of a prepared statement.
type countingStmt struct {
	driver.Stmt
	n *atomic.Int64
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.n.Add(1)
	if qc, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return qc.QueryContext(ctx, args)
	}
	vals := make([]driver.Value, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	return s.Stmt.Query(vals) //nolint:staticcheck // the driver has no context form
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.n.Add(1)
	if ec, ok := s.Stmt.(driver.StmtExecContext); ok {
		return ec.ExecContext(ctx, args)
	}
	vals := make([]driver.Value, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	return s.Stmt.Exec(vals) //nolint:staticcheck // the driver has no context form
}

func (s *countingStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if nc, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
