package route

import (
	"context"
	"errors"
	"strings"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// A statement with window functions is planned from its text with each
// window function written as a call (see readWindows). What reaches the
// user from its plan, its errors, its VEXPLAIN rows and its column
// names, passes through shownWindows, which writes each such call as
// the window function it stands for (dialect.WindowText).

// windowShownPlan is the plan of a statement with window functions.
type windowShownPlan struct {
	Plan
}

// shownWindows returns the plan and the error of a statement with window
// functions as the user reads them; a timeout directive stays outermost.
func shownWindows(pl Plan, err error) (Plan, error) {
	if err != nil {
		return nil, windowShownError(err)
	}
	if tp, ok := pl.(*timedPlan); ok {
		tp.Plan = &windowShownPlan{Plan: tp.Plan}
		return tp, nil
	}
	return &windowShownPlan{Plan: pl}, nil
}

func (wp *windowShownPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	it, err := wp.Plan.Query(ctx, vc, args)
	if err != nil {
		return nil, windowShownError(err)
	}
	cols := it.Columns()
	names := make([]string, len(cols))
	renamed := false
	for i, c := range cols {
		names[i] = dialect.WindowText(c.Name)
		renamed = renamed || names[i] != c.Name
	}
	if renamed {
		it = merge.NewRename(it, names)
	}
	return &windowShownRows{Iterator: it}, nil
}

func (wp *windowShownPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	res, err := wp.Plan.Exec(ctx, vc, args)
	return res, windowShownError(err)
}

func (wp *windowShownPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	rows, err := wp.Plan.Explain(ctx, vc, args)
	if err != nil {
		return nil, windowShownError(err)
	}
	for i := range rows {
		rows[i].Query = dialect.WindowText(rows[i].Query)
	}
	return rows, nil
}

// windowShownRows is a statement's rows whose error is shown as the user
// wrote the window functions.
type windowShownRows struct {
	merge.Iterator
}

func (r *windowShownRows) Next() (merge.Row, error) {
	row, err := r.Iterator.Next()
	if err != nil {
		return nil, windowShownError(err)
	}
	return row, nil
}

// windowShownError returns err with its message's window function calls
// written as the user wrote them: of the router's own error types an
// error of the same type, of any other a wrapping error.
func windowShownError(err error) error {
	if err == nil || !strings.Contains(err.Error(), dialect.WindowFunc) {
		return err
	}
	var (
		ue *UnsupportedError
		se *SyntaxError
		pe *vschema.PlanError
	)
	switch {
	case errors.As(err, &ue) && err == error(ue):
		return &UnsupportedError{Msg: dialect.WindowText(ue.Msg)}
	case errors.As(err, &se) && err == error(se):
		return &SyntaxError{SQL: se.SQL, Msg: dialect.WindowText(se.Msg)}
	case errors.As(err, &pe) && err == error(pe):
		return &vschema.PlanError{Msg: dialect.WindowText(pe.Msg)}
	}
	return &shownError{err: err, msg: dialect.WindowText(err.Error())}
}

// shownError is an error with its message rewritten for the user.
type shownError struct {
	err error
	msg string
}

func (e *shownError) Error() string { return e.msg }

func (e *shownError) Unwrap() error { return e.err }
