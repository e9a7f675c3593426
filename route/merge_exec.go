package route

import (
	"math"
	"strconv"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// vars returns the router-made variables the shard statement needs for one
// execution: the pushed-down LIMIT.
func (m *mergePlan) vars(args []any) (map[string]any, error) {
	if m == nil || !m.pushLimit {
		return nil, nil
	}
	count, offset, err := m.window(args)
	if err != nil {
		return nil, err
	}
	return map[string]any{limitArgName: count + offset}, nil
}

// window evaluates the LIMIT count (-1 for none) and OFFSET.
func (m *mergePlan) window(args []any) (count, offset int64, err error) {
	count = -1
	if m.count != nil {
		if count, err = limitValue(*m.count, args, "LIMIT"); err != nil {
			return 0, 0, err
		}
	}
	if m.offset != nil {
		if offset, err = limitValue(*m.offset, args, "OFFSET"); err != nil {
			return 0, 0, err
		}
	}
	return count, offset, nil
}

func limitValue(v valueExpr, args []any, what string) (int64, error) {
	x, err := v.eval(args)
	if err != nil {
		return 0, err
	}
	var n int64
	switch x := x.(type) {
	case int64:
		n = x
	case uint64:
		if x > math.MaxInt64 {
			// MySQL's "every row" (LIMIT 18446744073709551615), which
			// neither backend takes either.
			return 0, planErrorf("%s %d is out of range: at most %d", what, x, int64(math.MaxInt64))
		}
		n = int64(x)
	case string:
		n, err = strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, planErrorf("%s %q is not an integer", what, x)
		}
	default:
		return 0, planErrorf("%s %v is not an integer", what, x)
	}
	if n < 0 {
		return 0, planErrorf("%s %d is negative", what, n)
	}
	return n, nil
}

// merge stacks the operators that combine the shards' rows.
func (m *mergePlan) merge(streams []merge.Iterator, eng eval.Engine, args []any) (merge.Iterator, error) {
	count, offset, err := m.window(args)
	if err != nil {
		closeAll(streams)
		return nil, err
	}
	ncols := len(streams[0].Columns())
	pos := func(k orderKey) int {
		if k.fromEnd {
			return ncols - m.nHidden + k.col
		}
		return k.col
	}
	keys := func(ks []orderKey) []eval.SortKey {
		out := make([]eval.SortKey, len(ks))
		for i, k := range ks {
			out[i] = eval.SortKey{Col: pos(k), Desc: k.desc, Nulls: nullOrder(k.desc)}
		}
		return out
	}
	var it merge.Iterator
	if len(m.order) > 0 {
		it = merge.NewOrdered(streams, keys(m.order), eng)
	} else {
		it = merge.NewConcat(streams)
	}
	if ap := m.agg; ap != nil {
		it = merge.NewAggregate(it, ap.groupKeys, ap.aggs, eng)
		// Computed columns are filled in before anything reads them:
		// HAVING when it names one (through an alias), else after HAVING
		// so that dropped groups are not computed, and always before the
		// sort, which may order by one.
		if m.computeFirst {
			if it, err = m.compute(it, eng, args); err != nil {
				return nil, err
			}
		}
		if ap.having != nil {
			pred, err := ap.having.expr(args)
			if err != nil {
				it.Close()
				return nil, err
			}
			it = merge.NewFilter(it, pred, eng)
		}
		if !m.computeFirst {
			if it, err = m.compute(it, eng, args); err != nil {
				return nil, err
			}
		}
		if ap.post != nil {
			if count >= 0 && ap.distinctCols == nil && count+offset <= m.maxRows {
				it = merge.NewTopN(it, keys(ap.post), eng, count+offset)
			} else {
				it = merge.NewSort(merge.NewBound(it, m.maxRows, "the sort of merged groups"), keys(ap.post), eng)
			}
		}
	}
	if m.distinct {
		it = merge.NewDistinct(it, nil, eng)
	}
	if m.agg != nil && m.agg.distinctCols != nil {
		it = merge.NewDistinct(it, m.agg.distinctCols, eng)
	}
	if count >= 0 || offset > 0 {
		it = merge.NewLimit(it, offset, count)
	}
	if m.nHidden == 0 {
		return it, nil
	}
	cols := it.Columns()
	outs := make([]merge.ProjectColumn, len(cols)-m.nHidden)
	for i := range outs {
		outs[i] = merge.ProjectColumn{Name: cols[i].Name, Expr: eval.Col(i)}
	}
	return merge.NewProject(it, outs, eng), nil
}

// compute replaces the placeholders of the select items computed over
// aggregates with their values, keeping every column in place.
func (m *mergePlan) compute(it merge.Iterator, eng eval.Engine, args []any) (merge.Iterator, error) {
	if len(m.computed) == 0 {
		return it, nil
	}
	cols := it.Columns()
	outs := make([]merge.ProjectColumn, len(cols))
	for i := range outs {
		outs[i] = merge.ProjectColumn{Name: cols[i].Name, Expr: eval.Col(i)}
		if v, ok := m.computed[i]; ok {
			x, err := v.expr(args)
			if err != nil {
				it.Close()
				return nil, err
			}
			outs[i].Expr = x
		}
	}
	return merge.NewProject(it, outs, eng), nil
}

// nullOrder is where MySQL puts NULLs, and so where every shard statement
// puts them: first ascending, last descending. SQLite does so by itself;
// the PostgreSQL renderer writes NULLS FIRST / NULLS LAST, so the merge
// must not use PostgreSQL's own default.
func nullOrder(desc bool) eval.NullOrder {
	if desc {
		return eval.NullsLast
	}
	return eval.NullsFirst
}

func closeAll(its []merge.Iterator) {
	for _, it := range its {
		it.Close()
	}
}
