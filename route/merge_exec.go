package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
)

// vars returns the router-made variables the shard statement needs for one
// execution: the pushed-down LIMIT.
func (m *mergePlan) vars(args []any) (map[string]any, error) {
	if m == nil || m.count == nil || m.agg != nil {
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
func (m *mergePlan) merge(streams []merge.Iterator, eng merge.Engine, args []any) (merge.Iterator, error) {
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
	keys := func(ks []orderKey) []merge.SortKey {
		out := make([]merge.SortKey, len(ks))
		for i, k := range ks {
			out[i] = merge.SortKey{Col: pos(k), Desc: k.desc}
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
		if ap.having != nil {
			pred, err := toMergeExpr(ap.having, m, eng, args)
			if err != nil {
				it.Close()
				return nil, err
			}
			it = merge.NewFilter(it, pred, eng)
		}
		if ap.post != nil {
			if count >= 0 {
				it = merge.NewTopN(it, keys(ap.post), eng, count+offset)
			} else {
				it = merge.NewSort(it, keys(ap.post), eng)
			}
		}
	}
	if m.distinct {
		it = merge.NewDistinct(it, nil, eng)
	}
	if count >= 0 || offset > 0 {
		it = merge.NewLimit(it, offset, count)
	}
	if m.nHidden == 0 && len(m.computed) == 0 {
		return it, nil
	}
	cols := it.Columns()
	outs := make([]merge.ProjectColumn, len(cols)-m.nHidden)
	for i := range outs {
		outs[i] = merge.ProjectColumn{Name: cols[i].Name, Expr: merge.Col(i)}
		if e, ok := m.computed[i]; ok {
			x, err := toMergeExpr(e, m, eng, args)
			if err != nil {
				it.Close()
				return nil, err
			}
			outs[i].Expr = x
		}
	}
	return merge.NewProject(it, outs, eng), nil
}

func closeAll(its []merge.Iterator) {
	for _, it := range its {
		it.Close()
	}
}

// toMergeExpr translates an expression over merged columns (HAVING, a
// select item over aggregates) into a merge.Expr: aggregates, group keys
// and select aliases become column references; arithmetic, comparisons,
// AND/OR/NOT, IS [NOT] NULL, COALESCE/IFNULL, IF and CASE evaluate at the
// merge with the engine's semantics.
func toMergeExpr(e sqlparser.Expr, m *mergePlan, eng merge.Engine, args []any) (merge.Expr, error) {
	if c, ok := m.colOf[sqlparser.String(e)]; ok {
		return merge.Col(c), nil
	}
	sub := func(x sqlparser.Expr) (merge.Expr, error) { return toMergeExpr(x, m, eng, args) }
	switch e := e.(type) {
	case *sqlparser.ParenExpr:
		return sub(e.Expr)
	case *sqlparser.ColName:
		if c, ok := m.colOf[e.Name.Lowered()]; ok && e.Qualifier.IsEmpty() {
			return merge.Col(c), nil
		}
		return merge.Expr{}, unsupportedf("column %s in an expression over aggregates over several shards: it must be selected or grouped by", sqlparser.String(e))
	case *sqlparser.NullVal:
		return merge.Lit(nil), nil
	case sqlparser.BoolVal:
		if eng == merge.PostgreSQL {
			return merge.Lit(bool(e)), nil
		}
		if e {
			return merge.Lit(int64(1)), nil
		}
		return merge.Lit(int64(0)), nil
	case *sqlparser.SQLVal:
		if e.Type == sqlparser.FloatVal && eng == merge.PostgreSQL && !strings.ContainsAny(string(e.Val), "eE") {
			return merge.NumericLit(string(e.Val)), nil
		}
		v, ok := newValueExpr(e)
		if !ok {
			return merge.Expr{}, unsupportedf("value %s at the merge", sqlparser.String(e))
		}
		if args == nil && !v.isLiteral() {
			return merge.Lit(nil), nil
		}
		x, err := v.eval(args)
		if err != nil {
			return merge.Expr{}, err
		}
		return merge.Lit(x), nil
	case *sqlparser.UnaryExpr:
		x, err := sub(e.Expr)
		if err != nil {
			return x, err
		}
		switch e.Operator {
		case sqlparser.UMinusStr:
			return merge.Neg(x), nil
		case sqlparser.UPlusStr:
			return x, nil
		}
	case *sqlparser.BinaryExpr:
		l, err := sub(e.Left)
		if err != nil {
			return l, err
		}
		r, err := sub(e.Right)
		if err != nil {
			return r, err
		}
		switch e.Operator {
		case sqlparser.PlusStr:
			return merge.Add(l, r), nil
		case sqlparser.MinusStr:
			return merge.Sub(l, r), nil
		case sqlparser.MultStr:
			return merge.Mul(l, r), nil
		case sqlparser.DivStr:
			return merge.Div(l, r), nil
		case sqlparser.ModStr:
			return merge.Mod(l, r), nil
		}
	case *sqlparser.ComparisonExpr:
		l, err := sub(e.Left)
		if err != nil {
			return l, err
		}
		r, err := sub(e.Right)
		if err != nil {
			return r, err
		}
		switch e.Operator {
		case sqlparser.EqualStr:
			return merge.Eq(l, r), nil
		case sqlparser.NotEqualStr:
			return merge.Ne(l, r), nil
		case sqlparser.LessThanStr:
			return merge.Lt(l, r), nil
		case sqlparser.LessEqualStr:
			return merge.Le(l, r), nil
		case sqlparser.GreaterThanStr:
			return merge.Gt(l, r), nil
		case sqlparser.GreaterEqualStr:
			return merge.Ge(l, r), nil
		}
	case *sqlparser.AndExpr:
		l, err := sub(e.Left)
		if err != nil {
			return l, err
		}
		r, err := sub(e.Right)
		if err != nil {
			return r, err
		}
		return merge.And(l, r), nil
	case *sqlparser.OrExpr:
		l, err := sub(e.Left)
		if err != nil {
			return l, err
		}
		r, err := sub(e.Right)
		if err != nil {
			return r, err
		}
		return merge.Or(l, r), nil
	case *sqlparser.NotExpr:
		x, err := sub(e.Expr)
		if err != nil {
			return x, err
		}
		return merge.Not(x), nil
	case *sqlparser.IsExpr:
		x, err := sub(e.Expr)
		if err != nil {
			return x, err
		}
		switch e.Operator {
		case sqlparser.IsNullStr:
			return merge.IsNull(x), nil
		case sqlparser.IsNotNullStr:
			return merge.IsNotNull(x), nil
		}
	case *sqlparser.FuncExpr:
		switch e.Name.Lowered() {
		case "coalesce", "ifnull":
			var xs []merge.Expr
			for _, a := range e.Exprs {
				ae, ok := a.(*sqlparser.AliasedExpr)
				if !ok {
					return merge.Expr{}, unsupportedf("%s at the merge", sqlparser.String(e))
				}
				x, err := sub(ae.Expr)
				if err != nil {
					return x, err
				}
				xs = append(xs, x)
			}
			return merge.Coalesce(xs...), nil
		case "if":
			if len(e.Exprs) == 3 {
				var xs []merge.Expr
				for _, a := range e.Exprs {
					ae, ok := a.(*sqlparser.AliasedExpr)
					if !ok {
						return merge.Expr{}, unsupportedf("%s at the merge", sqlparser.String(e))
					}
					x, err := sub(ae.Expr)
					if err != nil {
						return x, err
					}
					xs = append(xs, x)
				}
				return merge.Case([]merge.When{{Cond: xs[0], Then: xs[1]}}, xs[2]), nil
			}
		}
	case *sqlparser.CaseExpr:
		var whens []merge.When
		var base merge.Expr
		hasBase := e.Expr != nil
		if hasBase {
			var err error
			if base, err = sub(e.Expr); err != nil {
				return base, err
			}
		}
		for _, w := range e.Whens {
			c, err := sub(w.Cond)
			if err != nil {
				return c, err
			}
			if hasBase {
				c = merge.Eq(base, c)
			}
			v, err := sub(w.Val)
			if err != nil {
				return v, err
			}
			whens = append(whens, merge.When{Cond: c, Then: v})
		}
		var els merge.Expr
		if e.Else != nil {
			var err error
			if els, err = sub(e.Else); err != nil {
				return els, err
			}
		}
		return merge.Case(whens, els), nil
	}
	return merge.Expr{}, unsupportedf("expression %s over aggregates over several shards", sqlparser.String(e))
}
