package route

import (
	"context"

	"github.com/dot-do/vitessdo/merge"
)

// relationPlan evaluates a SELECT at the merge over the rows of another
// plan: the horizon of a join (its DISTINCT, GROUP BY, aggregates, HAVING,
// ORDER BY, LIMIT and expressions over both tables), or the outer
// statement over a derived table that cannot run on the shards.
//
//	SELECT i.grp, COUNT(*) FROM tokens t JOIN items i ON i.id = t.item_id GROUP BY i.grp
//	  Evaluate (join) GROUP BY 1 keys | Aggregate 1 | Project grp, COUNT(*)
//	    Project grp
//	      Join INNER on outer 1 = inner 2
//	        …
//
// The input's rows stream into the relationSelect's operators; only its
// sorts hold rows, at most max_memory_rows.
type relationPlan struct {
	input Plan
	// rel is compiled when planning; late compiles it from the input's
	// columns when their names are known only as the rows arrive (a
	// derived table selecting *).
	rel     *relationSelect
	late    func(cols []merge.Column) (*relationSelect, error)
	what    string
	nargs   int
	maxRows int64
}

var _ Plan = (*relationPlan)(nil)

func (rp *relationPlan) NumArgs() int { return rp.nargs }

func (rp *relationPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	it, err := rp.input.Query(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	rel := rp.rel
	if rel == nil {
		if rel, err = rp.late(it.Columns()); err != nil {
			it.Close()
			return nil, err
		}
	}
	out, err := rel.open(it, args, rp.maxRows)
	if err != nil {
		it.Close()
		return nil, err
	}
	return out, nil
}

func (rp *relationPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, rp, vc, args)
}

// Explain shows the evaluation over its input's plan.
func (rp *relationPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	rows, err := rp.input.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	desc := "(columns named by the input's rows)"
	if rp.rel != nil {
		desc = rp.rel.describe()
	}
	return append([]ExplainRow{operatorRow("Evaluate (%s) %s", rp.what, desc)}, nest(rows)...), nil
}
