package vitessdo_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// faultPlan injects failures into shard backends. It wraps every
// backend's driver.Connector (Config.WrapConnector), so every connection
// of a backend's pools, the two-phase-commit log's included, consults
// the plan before each operation.
type faultPlan struct {
	mu      sync.Mutex
	shards  map[string][]string // backend URL → its shards, keyspace/shard
	rules   []*faultRule
	crashed bool
	// counts: operations that reached a shard, by "shard op" and by
	// "shard op SQL-prefix" for the prefixes in watch.
	counts map[string]int
	watch  []string
	begins []beginRecord
	// prepared lists the ids of every PREPARE TRANSACTION seen.
	prepared []string
	// hidePgx hides the pgx connection underneath from vitessdo, which
	// then cannot read a PostgreSQL connection's transaction status.
	hidePgx bool
}

// faultRule fails an operation of a shard. Zero fields match anything.
type faultRule struct {
	shard string // keyspace/shard
	op    string // begin, exec, query, commit, rollback
	sql   string // statement prefix, case-insensitive (exec and query)
	err   error  // the error to fail with
	// after runs the operation first, then fails: the reply was lost.
	after bool
	// crash: once the rule fires, every operation on every backend fails
	// with errCrash, new connections included: the process has stopped.
	crash bool
	// hold blocks the operation until hold is closed; without err, the
	// operation then runs.
	hold chan struct{}
	// times fires the rule at most this many times (0: every time).
	times int
	hits  int
}

type beginRecord struct {
	shard string
	opts  driver.TxOptions
}

// errCrash is what every operation fails with once the plan crashed.
var errCrash = errors.New("injected: the process stopped")

// errInjected is the default injected error.
var errInjected = errors.New("injected failure")

func newFaultPlan() *faultPlan {
	return &faultPlan{shards: map[string][]string{}, counts: map[string]int{}}
}

// name records which shard a backend URL stores.
func (p *faultPlan) name(url, shard string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shards[url] = append(p.shards[url], shard)
}

// watchFor counts, from now on, the operations whose SQL starts with one
// of prefixes (see counts). Background work of the driver, such as the
// two-phase-commit resolver, may run statements meanwhile: the plan's
// lock guards the list.
func (p *faultPlan) watchFor(prefixes ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.watch = prefixes
}

func (p *faultPlan) add(r *faultRule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.err == nil && r.hold == nil {
		r.err = errInjected
	}
	p.rules = append(p.rules, r)
}

// reset drops every rule and ends a crash.
func (p *faultPlan) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules, p.crashed = nil, false
}

func (p *faultPlan) count(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[key]
}

// check is called before an operation; it returns the error to fail
// with, whether to fail only after running the operation, and a channel
// to wait on first.
func (p *faultPlan) check(url, op, query string) (err error, after bool, hold chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if op == "exec" && hasPrefixFold(query, "PREPARE TRANSACTION '") {
		p.prepared = append(p.prepared, strings.TrimSuffix(query[len("PREPARE TRANSACTION '"):], "'"))
	}
	if p.crashed {
		return errCrash, false, nil
	}
	for _, s := range p.shards[url] {
		p.counts[s+" "+op]++
		for _, w := range p.watch {
			if hasPrefixFold(query, w) {
				p.counts[s+" "+op+" "+w]++
			}
		}
	}
	for _, r := range p.rules {
		if r.times > 0 && r.hits >= r.times {
			continue
		}
		if r.op != "" && r.op != op || r.sql != "" && !hasPrefixFold(query, r.sql) {
			continue
		}
		if r.shard != "" && !hasString(p.shards[url], r.shard) {
			continue
		}
		r.hits++
		if r.crash {
			p.crashed = true
			return errCrash, r.after, r.hold
		}
		return r.err, r.after, r.hold
	}
	return nil, false, nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// run applies the plan around an operation.
func (p *faultPlan) run(ctx context.Context, url, op, query string, do func() error) error {
	err, after, hold := p.check(url, op, query)
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err == nil {
		return do()
	}
	if after {
		do()
	}
	return err
}

// wrap is the Config.WrapConnector of a test database.
func (p *faultPlan) wrap(url string, c driver.Connector) driver.Connector {
	return &faultConnector{plan: p, url: url, inner: c}
}

type faultConnector struct {
	plan  *faultPlan
	url   string
	inner driver.Connector
}

func (c *faultConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c.plan.mu.Lock()
	crashed := c.plan.crashed
	c.plan.mu.Unlock()
	if crashed {
		return nil, errCrash
	}
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &faultConn{plan: c.plan, url: c.url, inner: conn}, nil
}

func (c *faultConnector) Driver() driver.Driver { return c.inner.Driver() }

// faultConn passes every operation to the backend's connection, after
// the plan allows it.
type faultConn struct {
	plan  *faultPlan
	url   string
	inner driver.Conn
}

var (
	_ driver.ConnBeginTx        = (*faultConn)(nil)
	_ driver.ExecerContext      = (*faultConn)(nil)
	_ driver.QueryerContext     = (*faultConn)(nil)
	_ driver.ConnPrepareContext = (*faultConn)(nil)
	_ driver.NamedValueChecker  = (*faultConn)(nil)
	_ driver.SessionResetter    = (*faultConn)(nil)
	_ driver.Validator          = (*faultConn)(nil)
	_ driver.Pinger             = (*faultConn)(nil)
)

func (c *faultConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext counts the preparation as op "prepare"; the prepared
// statement's executions consult the plan as the connection's do.
func (c *faultConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	err := c.plan.run(ctx, c.url, "prepare", query, func() error {
		var err error
		if pc, ok := c.inner.(driver.ConnPrepareContext); ok {
			st, err = pc.PrepareContext(ctx, query)
		} else {
			st, err = c.inner.Prepare(query)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &faultStmt{conn: c, query: query, inner: st}, nil
}

// faultStmt is a statement prepared on a faultConn: its executions
// consult the plan as "exec" and "query" operations of the statement's
// text.
type faultStmt struct {
	conn  *faultConn
	query string
	inner driver.Stmt
}

var (
	_ driver.StmtExecContext  = (*faultStmt)(nil)
	_ driver.StmtQueryContext = (*faultStmt)(nil)
)

func (s *faultStmt) Close() error  { return s.inner.Close() }
func (s *faultStmt) NumInput() int { return s.inner.NumInput() }

func (s *faultStmt) Exec(args []driver.Value) (driver.Result, error) {
	return nil, errors.New("faultStmt: Exec without a context")
}

func (s *faultStmt) Query(args []driver.Value) (driver.Rows, error) {
	return nil, errors.New("faultStmt: Query without a context")
}

func (s *faultStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result
	err := s.conn.plan.run(ctx, s.conn.url, "exec", s.query, func() error {
		var err error
		res, err = s.inner.(driver.StmtExecContext).ExecContext(ctx, args)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *faultStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	var rows driver.Rows
	err := s.conn.plan.run(ctx, s.conn.url, "query", s.query, func() error {
		var err error
		rows, err = s.inner.(driver.StmtQueryContext).QueryContext(ctx, args)
		return err
	})
	if err != nil {
		if rows != nil {
			rows.Close()
		}
		return nil, err
	}
	return rows, nil
}

func (c *faultConn) Close() error { return c.inner.Close() }

func (c *faultConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *faultConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var tx driver.Tx
	err := c.plan.run(ctx, c.url, "begin", "", func() error {
		var err error
		tx, err = c.inner.(driver.ConnBeginTx).BeginTx(ctx, opts)
		return err
	})
	c.plan.mu.Lock()
	for _, s := range c.plan.shards[c.url] {
		c.plan.begins = append(c.plan.begins, beginRecord{shard: s, opts: opts})
	}
	c.plan.mu.Unlock()
	if err != nil {
		if tx != nil {
			tx.Rollback()
		}
		return nil, err
	}
	return &faultTx{conn: c, inner: tx}, nil
}

func (c *faultConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.inner.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	var res driver.Result
	err := c.plan.run(ctx, c.url, "exec", query, func() error {
		var err error
		res, err = ec.ExecContext(ctx, query, args)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (c *faultConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.inner.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	var rows driver.Rows
	err := c.plan.run(ctx, c.url, "query", query, func() error {
		var err error
		rows, err = qc.QueryContext(ctx, query, args)
		return err
	})
	if err != nil {
		if rows != nil {
			rows.Close()
		}
		return nil, err
	}
	return rows, nil
}

func (c *faultConn) CheckNamedValue(nv *driver.NamedValue) error {
	if nc, ok := c.inner.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *faultConn) ResetSession(ctx context.Context) error {
	if rs, ok := c.inner.(driver.SessionResetter); ok {
		return rs.ResetSession(ctx)
	}
	return nil
}

func (c *faultConn) IsValid() bool {
	if v, ok := c.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Conn exposes the pgx connection underneath, as *stdlib.Conn does.
func (c *faultConn) Conn() *pgx.Conn {
	c.plan.mu.Lock()
	hide := c.plan.hidePgx
	c.plan.mu.Unlock()
	if pc, ok := c.inner.(interface{ Conn() *pgx.Conn }); ok && !hide {
		return pc.Conn()
	}
	return nil
}

func (c *faultConn) Ping(ctx context.Context) error {
	if p, ok := c.inner.(driver.Pinger); ok {
		return c.plan.run(ctx, c.url, "ping", "", func() error { return p.Ping(ctx) })
	}
	return nil
}

// faultTx fails COMMIT as a backend does: the transaction is rolled back
// and the error returned (or, with after, committed and the reply lost).
type faultTx struct {
	conn  *faultConn
	inner driver.Tx
}

func (t *faultTx) Commit() error {
	err, after, hold := t.conn.plan.check(t.conn.url, "commit", "")
	if hold != nil {
		<-hold
	}
	if err == nil {
		return t.inner.Commit()
	}
	if after {
		t.inner.Commit()
	} else {
		t.inner.Rollback()
	}
	return err
}

func (t *faultTx) Rollback() error {
	err, _, _ := t.conn.plan.check(t.conn.url, "rollback", "")
	rerr := t.inner.Rollback()
	if err != nil {
		return err
	}
	return rerr
}
