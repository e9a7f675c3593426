package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

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
		var pred *eval.Expr
		computeFirst := false
		if ap.having != nil {
			x := &mergeExpr{m: m, eng: eng, args: args, used: map[int]bool{}}
			p, err := x.cond(ap.having)
			if err != nil {
				it.Close()
				return nil, err
			}
			pred = &p
			for c := range x.used {
				if _, ok := m.computed[c]; ok {
					computeFirst = true
				}
			}
		}
		// Computed columns are filled in before anything reads them:
		// HAVING when it names one (through an alias), else after HAVING
		// so that dropped groups are not computed, and always before the
		// sort, which may order by one.
		if computeFirst {
			if it, err = m.compute(it, eng, args); err != nil {
				return nil, err
			}
		}
		if pred != nil {
			it = merge.NewFilter(it, *pred, eng)
		}
		if !computeFirst {
			if it, err = m.compute(it, eng, args); err != nil {
				return nil, err
			}
		}
		if ap.post != nil {
			if count >= 0 && ap.distinctCols == nil {
				it = merge.NewTopN(it, keys(ap.post), eng, count+offset)
			} else {
				it = merge.NewSort(it, keys(ap.post), eng)
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
		if e, ok := m.computed[i]; ok {
			x, err := toMergeValue(e, m, eng, args)
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

// toMergeExpr translates a condition over merged columns (HAVING) into a
// eval.Expr; see mergeExpr.
func toMergeExpr(e sqlparser.Expr, m *mergePlan, eng eval.Engine, args []any) (eval.Expr, error) {
	return (&mergeExpr{m: m, eng: eng, args: args}).cond(e)
}

// toMergeValue translates a select item over merged columns; see
// mergeExpr.
func toMergeValue(e sqlparser.Expr, m *mergePlan, eng eval.Engine, args []any) (eval.Expr, error) {
	return (&mergeExpr{m: m, eng: eng, args: args}).value(e)
}

// mergeExpr translates an expression over merged columns (HAVING, a
// select item over aggregates) into a eval.Expr: aggregates, group keys
// and select aliases become column references; arithmetic, comparisons,
// AND/OR/NOT, IS [NOT] NULL, COALESCE/IFNULL, IF and CASE evaluate at the
// merge with the engine's semantics.
//
// The statement means what MySQL means by it, and the shard renderer
// writes that meaning in each dialect: '/' divides exactly (CAST(a AS
// REAL) / b on SQLite, CAST(a AS numeric) / NULLIF(b, 0) on PostgreSQL),
// '%' by zero is NULL, and on PostgreSQL a truth value used as a value is
// CAST(… AS integer) and a value used as a condition is (v <> 0). The
// translation writes the same conversions, with the same value and
// condition contexts, so that the merge computes what one database would.
type mergeExpr struct {
	m    *mergePlan
	eng  eval.Engine
	args []any
	// used collects the columns the expression reads, when not nil.
	used map[int]bool
}

func (x *mergeExpr) col(c int) eval.Expr {
	if x.used != nil {
		x.used[c] = true
	}
	return eval.Col(c)
}

// cond translates e where a truth value is wanted.
func (x *mergeExpr) cond(e sqlparser.Expr) (eval.Expr, error) {
	switch n := e.(type) {
	case *sqlparser.ParenExpr:
		return x.cond(n.Expr)
	case sqlparser.BoolVal:
		if x.eng == eval.PostgreSQL {
			return eval.Lit(bool(n)), nil
		}
		return x.expr(e)
	}
	if x.eng == eval.PostgreSQL && !isTruthExpr(e) {
		v, err := x.value(e)
		if err != nil {
			return v, err
		}
		return eval.Ne(v, eval.Lit(int64(0))), nil
	}
	return x.expr(e)
}

// value translates e where a value is wanted.
func (x *mergeExpr) value(e sqlparser.Expr) (eval.Expr, error) {
	if p, ok := e.(*sqlparser.ParenExpr); ok {
		return x.value(p.Expr)
	}
	if x.eng == eval.PostgreSQL && isTruthExpr(e) {
		c, err := x.cond(e)
		if err != nil {
			return c, err
		}
		return eval.Cast(c, eval.CastInteger), nil
	}
	return x.expr(e)
}

// isTruthExpr reports whether e yields a truth value in its natural form
// (as the shard renderer decides it).
func isTruthExpr(e sqlparser.Expr) bool {
	switch e := e.(type) {
	case *sqlparser.AndExpr, *sqlparser.OrExpr, *sqlparser.NotExpr, *sqlparser.ComparisonExpr,
		*sqlparser.RangeCond, *sqlparser.IsExpr, *sqlparser.ExistsExpr:
		return true
	case *sqlparser.UnaryExpr:
		return e.Operator == sqlparser.BangStr
	case *sqlparser.ParenExpr:
		return isTruthExpr(e.Expr)
	}
	return false
}

func (x *mergeExpr) values(es ...sqlparser.Expr) ([]eval.Expr, error) {
	out := make([]eval.Expr, len(es))
	for i, e := range es {
		v, err := x.value(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (x *mergeExpr) conds(es ...sqlparser.Expr) ([]eval.Expr, error) {
	out := make([]eval.Expr, len(es))
	for i, e := range es {
		v, err := x.cond(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// funcArgs returns a function call's arguments as expressions.
func funcArgs(f *sqlparser.FuncExpr) ([]sqlparser.Expr, bool) {
	out := make([]sqlparser.Expr, len(f.Exprs))
	for i, a := range f.Exprs {
		ae, ok := a.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, false
		}
		out[i] = ae.Expr
	}
	return out, true
}

// expr translates e in its natural form.
func (x *mergeExpr) expr(e sqlparser.Expr) (eval.Expr, error) {
	m, eng := x.m, x.eng
	if c, ok := m.colOf[sqlparser.String(e)]; ok {
		return x.col(c), nil
	}
	switch e := e.(type) {
	case *sqlparser.ParenExpr:
		return x.expr(e.Expr)
	case *sqlparser.ColName:
		if c, ok := m.colOf[e.Name.Lowered()]; ok && e.Qualifier.IsEmpty() {
			return x.col(c), nil
		}
		return eval.Expr{}, unsupportedf("column %s in an expression over aggregates over several shards: it must be selected or grouped by", sqlparser.String(e))
	case *sqlparser.NullVal:
		return eval.Lit(nil), nil
	case sqlparser.BoolVal:
		if e {
			return eval.Lit(int64(1)), nil
		}
		return eval.Lit(int64(0)), nil
	case *sqlparser.SQLVal:
		if e.Type == sqlparser.FloatVal && eng == eval.PostgreSQL && !strings.ContainsAny(string(e.Val), "eE") {
			return eval.NumericLit(string(e.Val)), nil
		}
		v, ok := newValueExpr(e)
		if !ok {
			return eval.Expr{}, unsupportedf("value %s at the merge", sqlparser.String(e))
		}
		if x.args == nil && !v.isLiteral() {
			return eval.Lit(nil), nil
		}
		val, err := v.eval(x.args)
		if err != nil {
			return eval.Expr{}, err
		}
		return eval.Lit(val), nil
	case *sqlparser.UnaryExpr:
		switch e.Operator {
		case sqlparser.UMinusStr:
			v, err := x.value(e.Expr)
			return eval.Neg(v), err
		case sqlparser.UPlusStr:
			return x.value(e.Expr)
		case sqlparser.BangStr:
			c, err := x.cond(e.Expr)
			return eval.Not(c), err
		}
	case *sqlparser.BinaryExpr:
		vs, err := x.values(e.Left, e.Right)
		if err != nil {
			return eval.Expr{}, err
		}
		l, r := vs[0], vs[1]
		switch e.Operator {
		case sqlparser.PlusStr:
			return eval.Add(l, r), nil
		case sqlparser.MinusStr:
			return eval.Sub(l, r), nil
		case sqlparser.MultStr:
			return eval.Mul(l, r), nil
		case sqlparser.DivStr:
			if eng == eval.PostgreSQL {
				return eval.Div(eval.Cast(l, eval.CastNumeric), eval.NullIf(r, eval.Lit(int64(0)))), nil
			}
			return eval.Div(eval.Cast(l, eval.CastReal), r), nil
		case sqlparser.ModStr:
			if eng == eval.PostgreSQL {
				return eval.Mod(l, eval.NullIf(r, eval.Lit(int64(0)))), nil
			}
			return eval.Mod(l, r), nil
		}
	case *sqlparser.ComparisonExpr:
		vs, err := x.values(e.Left, e.Right)
		if err != nil {
			return eval.Expr{}, err
		}
		l, r := vs[0], vs[1]
		switch e.Operator {
		case sqlparser.EqualStr:
			return eval.Eq(l, r), nil
		case sqlparser.NotEqualStr:
			return eval.Ne(l, r), nil
		case sqlparser.LessThanStr:
			return eval.Lt(l, r), nil
		case sqlparser.LessEqualStr:
			return eval.Le(l, r), nil
		case sqlparser.GreaterThanStr:
			return eval.Gt(l, r), nil
		case sqlparser.GreaterEqualStr:
			return eval.Ge(l, r), nil
		}
	case *sqlparser.AndExpr:
		cs, err := x.conds(e.Left, e.Right)
		if err != nil {
			return eval.Expr{}, err
		}
		return eval.And(cs...), nil
	case *sqlparser.OrExpr:
		cs, err := x.conds(e.Left, e.Right)
		if err != nil {
			return eval.Expr{}, err
		}
		return eval.Or(cs...), nil
	case *sqlparser.NotExpr:
		c, err := x.cond(e.Expr)
		return eval.Not(c), err
	case *sqlparser.IsExpr:
		switch e.Operator {
		case sqlparser.IsNullStr:
			v, err := x.value(e.Expr)
			return eval.IsNull(v), err
		case sqlparser.IsNotNullStr:
			v, err := x.value(e.Expr)
			return eval.IsNotNull(v), err
		}
	case *sqlparser.FuncExpr:
		args, ok := funcArgs(e)
		if !ok || e.Distinct {
			break
		}
		switch e.Name.Lowered() {
		case "coalesce", "ifnull":
			vs, err := x.values(args...)
			if err != nil {
				return eval.Expr{}, err
			}
			return eval.Coalesce(vs...), nil
		case "if":
			if len(args) != 3 {
				break
			}
			c, err := x.cond(args[0])
			if err != nil {
				return c, err
			}
			vs, err := x.values(args[1], args[2])
			if err != nil {
				return eval.Expr{}, err
			}
			return eval.Case([]eval.When{{Cond: c, Then: vs[0]}}, vs[1]), nil
		}
	case *sqlparser.CaseExpr:
		var whens []eval.When
		var base eval.Expr
		hasBase := e.Expr != nil
		if hasBase {
			var err error
			if base, err = x.value(e.Expr); err != nil {
				return base, err
			}
		}
		for _, w := range e.Whens {
			var c eval.Expr
			var err error
			if hasBase {
				c, err = x.value(w.Cond)
				c = eval.Eq(base, c)
			} else {
				c, err = x.cond(w.Cond)
			}
			if err != nil {
				return c, err
			}
			v, err := x.value(w.Val)
			if err != nil {
				return v, err
			}
			whens = append(whens, eval.When{Cond: c, Then: v})
		}
		var els eval.Expr
		if e.Else != nil {
			var err error
			if els, err = x.value(e.Else); err != nil {
				return els, err
			}
		}
		return eval.Case(whens, els), nil
	}
	return eval.Expr{}, unsupportedf("expression %s over aggregates over several shards", sqlparser.String(e))
}
