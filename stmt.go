package vitessdo

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/dot-do/vitessdo/route"
)

// stmt is a prepared statement: it holds its plan, so running it binds the
// arguments and resolves shards, nothing more.
type stmt struct {
	c      *conn
	query  string
	plan   route.Plan
	target target // the session target the plan was made for
	nargs  int
	closed bool
}

var (
	_ driver.Stmt             = (*stmt)(nil)
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

// Close releases the statement. Its plan stays in the connector's cache.
func (s *stmt) Close() error {
	s.closed = true
	return nil
}

// NumInput returns the number of ? placeholders.
func (s *stmt) NumInput() int { return s.nargs }

// planFor returns the statement's plan for the session's current target,
// planning again if a USE changed it since the statement was prepared.
func (s *stmt) planFor() (route.Plan, error) {
	if s.closed {
		return nil, errors.New("vitessdo: statement is closed")
	}
	if t := sessionTarget(&s.c.session); t != s.target {
		p, err := s.c.e.planner.Plan(s.query, &s.c.session)
		if err != nil {
			return nil, err
		}
		s.plan, s.target = p, t
	}
	return s.plan, nil
}

// Exec runs the statement; see ExecContext.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), valuesToNamed(args))
}

// Query runs the statement; see QueryContext.
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), valuesToNamed(args))
}

// ExecContext runs the statement with its arguments.
func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if s.plan == nil {
		return s.c.ExecContext(ctx, s.query, args)
	}
	p, err := s.planFor()
	if err != nil {
		return nil, err
	}
	return s.c.exec(ctx, p, s.c.queryArgs(args))
}

// QueryContext runs the statement with its arguments and returns its rows.
func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if s.plan == nil {
		return s.c.QueryContext(ctx, s.query, args)
	}
	p, err := s.planFor()
	if err != nil {
		return nil, err
	}
	return s.c.query(ctx, p, s.c.queryArgs(args))
}

func valuesToNamed(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}
