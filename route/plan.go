package route

import (
	"context"
	"io"

	"github.com/dot-do/vitessdo/merge"
)

// Plan is a planned statement: immutable, cached by SQL text and shared by
// every connection. Binding its arguments and resolving shards is all that
// running it again costs.
type Plan interface {
	// Query runs the statement and returns its rows; a statement without
	// rows returns an empty stream after running.
	Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error)
	// Exec runs the statement and returns what it did; the rows of a
	// statement with rows are read and discarded.
	Exec(ctx context.Context, vc Cursor, args []any) (Result, error)
	// Explain returns the shard statements the plan would run, without
	// running them (VEXPLAIN PLAN).
	Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error)
	// NumArgs is the number of ? placeholders.
	NumArgs() int
}

// Result is what a statement did.
type Result struct {
	RowsAffected int64
	// LastInsertID is the first id the statement generated (from a
	// sequence or an identity column), valid when HasLastInsertID.
	LastInsertID    int64
	HasLastInsertID bool
}

// execByQuery implements Exec for plans whose natural form is Query.
func execByQuery(ctx context.Context, p Plan, vc Cursor, args []any) (Result, error) {
	it, err := p.Query(ctx, vc, args)
	if err != nil {
		return Result{}, err
	}
	defer it.Close()
	for {
		if _, err := it.Next(); err != nil {
			if err == io.EOF {
				return Result{}, nil
			}
			return Result{}, err
		}
	}
}

// queryByExec implements Query for plans whose natural form is Exec.
func queryByExec(ctx context.Context, p Plan, vc Cursor, args []any) (merge.Iterator, error) {
	if _, err := p.Exec(ctx, vc, args); err != nil {
		return nil, err
	}
	return merge.Empty(nil), nil
}
