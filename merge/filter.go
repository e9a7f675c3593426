package merge

import (
	"io"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*Filter)(nil)

// Filter keeps the rows for which a predicate is true (not false, not
// NULL): HAVING evaluated at the merge, over aggregates that only the
// merge has complete. Hidden columns the predicate needs ride along in the
// rows until a Project drops them.
//
// Algorithm: evaluate the predicate on each row, pass the true ones.
// Evaluation errors (PostgreSQL division by zero) end the stream.
type Filter struct {
	src     source
	pred    eval.Expr
	eng     eval.Engine
	ev      *eval.Evaluator
	started bool
	err     error
}

// NewFilter returns the rows of src on which pred is true under eng's
// semantics.
func NewFilter(src Iterator, pred eval.Expr, eng eval.Engine) *Filter {
	return &Filter{src: source{it: src}, pred: pred, eng: eng}
}

// Columns returns the source's columns.
func (f *Filter) Columns() []Column { return f.src.it.Columns() }

// Next returns the next row satisfying the predicate.
func (f *Filter) Next() (Row, error) {
	if f.err != nil {
		return nil, f.err
	}
	if !f.started {
		f.started = true
		f.ev = eval.NewEvaluator(f.eng, f.src.it.Columns())
		if f.err = f.ev.Check(&f.pred); f.err != nil {
			return nil, f.err
		}
	}
	for {
		row, err := f.src.it.Next()
		if err != nil {
			f.err = err
			return nil, err
		}
		ok, err := f.ev.Truth(&f.pred, row)
		if err != nil {
			f.err = err
			return nil, err
		}
		if ok {
			return row, nil
		}
	}
}

// Close closes the source.
func (f *Filter) Close() error {
	if f.err == nil {
		f.err = io.EOF
	}
	return f.src.close()
}
