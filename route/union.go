package route

import (
	"context"
	"errors"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// unionPlan runs a UNION whose SELECTs no one shard answers together:
// each side is planned as a SELECT of its own (a scatter with its merge,
// another keyspace, a SELECT without tables), and merge.Union combines
// their rows; the union's ORDER BY and LIMIT apply after it.
//
//	SELECT id FROM a UNION SELECT id FROM b ORDER BY 1 LIMIT 5
//	  limit 5
//	    sort 1
//	      union distinct
//	        route a (scatter)
//	        route b (scatter)
//
// Pushdown first: when the SELECTs' tables turn out, for one execution,
// to be on one shard together, the statement is sent there whole.
type unionPlan struct {
	// whole is the union as one shard statement, tried first; nil when
	// the sides can never share one shard.
	whole       *selectPlan
	left, right Plan
	distinct    bool
	order       []eval.SortKey
	count       *valueExpr
	offset      *valueExpr
	eng         eval.Engine
	nargs       int
	// maxRows bounds the rows the union's sorts hold.
	maxRows int64
}

var _ Plan = (*unionPlan)(nil)

func (up *unionPlan) NumArgs() int { return up.nargs }

// sendWhole reports whether one execution sends the union whole.
func (up *unionPlan) sendWhole(ctx context.Context, vc Cursor, args []any) (bool, error) {
	if up.whole == nil {
		return false, nil
	}
	_, _, err := up.whole.queries(ctx, vc, args)
	var ue *UnsupportedError
	if errors.As(err, &ue) {
		return false, nil
	}
	return err == nil, err
}

func (up *unionPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	whole, err := up.sendWhole(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	if whole {
		return up.whole.Query(ctx, vc, args)
	}
	count, offset := int64(-1), int64(0)
	if up.count != nil {
		if count, err = limitValue(*up.count, args, "LIMIT"); err != nil {
			return nil, err
		}
	}
	if up.offset != nil {
		if offset, err = limitValue(*up.offset, args, "OFFSET"); err != nil {
			return nil, err
		}
	}
	l, err := up.left.Query(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	right := func() (merge.Iterator, error) { return up.right.Query(ctx, vc, args) }
	it := merge.NewUnion(&unionErrors{Iterator: l}, []func() (merge.Iterator, error){right}, up.distinct, up.eng, up.maxRows)
	it = &unionErrors{Iterator: it}
	if len(up.order) > 0 {
		if count >= 0 && count+offset <= up.maxRows {
			it = merge.NewTopN(it, up.order, up.eng, count+offset)
		} else {
			it = merge.NewSort(merge.NewBound(it, up.maxRows, "the sort of a UNION"), up.order, up.eng)
		}
	}
	if count >= 0 || offset > 0 {
		it = merge.NewLimit(it, offset, count)
	}
	return it, nil
}

func (up *unionPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, up, vc, args)
}

// Explain lists the shard statements of the whole union, or of each side.
func (up *unionPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	whole, err := up.sendWhole(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	if whole {
		return up.whole.Explain(ctx, vc, args)
	}
	l, err := up.left.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	r, err := up.right.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	return up.explainTree(append(l, r...)), nil
}

// planUnion plans a UNION that is not one shard statement: whole is the
// union sent whole when its sides may share a shard (nil otherwise), ks
// the keyspace of all its tables (nil when they are in several).
func (p *Planner) planUnion(u *sqlparser.Union, s *Session, nargs int, whole *selectPlan, eng eval.Engine, ks *vschema.Keyspace) (Plan, error) {
	up := &unionPlan{whole: whole, eng: eng, nargs: nargs, maxRows: p.memoryRows()}
	switch u.Type {
	case sqlparser.UnionStr, sqlparser.UnionDistinctStr:
		up.distinct = true
	case sqlparser.UnionAllStr:
	default:
		return nil, unsupportedf("%s over several shards", u.Type)
	}
	if u.Lock != "" {
		return nil, unsupportedf("UNION %s over several shards", u.Lock)
	}
	order, term, ok := unionOrder(u, eng)
	if !ok {
		return p.newOrderRefusal(u, term, ks, nargs)
	}
	up.order = order
	if u.Limit != nil {
		if u.Limit.Rowcount != nil {
			v, ok := newValueExpr(u.Limit.Rowcount)
			if !ok {
				return nil, unsupportedf("LIMIT %s: the count must be a number or ?", sqlparser.String(u.Limit.Rowcount))
			}
			up.count = &v
		}
		if u.Limit.Offset != nil {
			v, ok := newValueExpr(u.Limit.Offset)
			if !ok {
				return nil, unsupportedf("OFFSET %s: the offset must be a number or ?", sqlparser.String(u.Limit.Offset))
			}
			up.offset = &v
		}
	}
	var err error
	if up.left, err = p.planSelect(u.Left, s, nargs); err != nil {
		return nil, err
	}
	if up.right, err = p.planSelect(u.Right, s, nargs); err != nil {
		return nil, err
	}
	return up, nil
}

// unionDistinct reports a UNION that removes duplicates anywhere in it.
func unionDistinct(u *sqlparser.Union) bool {
	if u.Type != sqlparser.UnionAllStr {
		return true
	}
	if l, ok := u.Left.(*sqlparser.Union); ok && unionDistinct(l) {
		return true
	}
	r, ok := u.Right.(*sqlparser.Union)
	return ok && unionDistinct(r)
}

// outputNames returns the lower-cased names of a SELECT's columns (of its
// first SELECT for a UNION): aliases, bare column names, "" for others.
func outputNames(sel sqlparser.SelectStatement) []string {
	switch sel := sel.(type) {
	case *sqlparser.Union:
		return outputNames(sel.Left)
	case *sqlparser.ParenSelect:
		return outputNames(sel.Select)
	case *sqlparser.Select:
		names := make([]string, len(sel.SelectExprs))
		for i, se := range sel.SelectExprs {
			ae, ok := se.(*sqlparser.AliasedExpr)
			switch {
			case !ok:
			case !ae.As.IsEmpty():
				names[i] = ae.As.Lowered()
			default:
				if c, ok := ae.Expr.(*sqlparser.ColName); ok {
					names[i] = c.Name.Lowered()
				}
			}
		}
		return names
	}
	return nil
}

// unionColumn resolves an ORDER BY term of a UNION: a position, or the
// name of a column of the first SELECT.
func unionColumn(e sqlparser.Expr, names []string) (int, bool) {
	switch e := e.(type) {
	case *sqlparser.SQLVal:
		if e.Type != sqlparser.IntVal {
			return 0, false
		}
		v, err := literalValue(e)
		n, ok := v.(int64)
		if err != nil || !ok || n < 1 || int(n) > len(names) {
			return 0, false
		}
		return int(n) - 1, true
	case *sqlparser.ColName:
		if !e.Qualifier.IsEmpty() {
			return 0, false
		}
		found := -1
		for i, n := range names {
			if n == e.Name.Lowered() {
				if found >= 0 {
					return 0, false
				}
				found = i
			}
		}
		return found, found >= 0
	}
	return 0, false
}

// unionErrors reports the columns a union cannot combine as unsupported
// (types PostgreSQL would convert) or as the statement's error (widths).
type unionErrors struct {
	merge.Iterator
}

func (u *unionErrors) Next() (merge.Row, error) {
	row, err := u.Iterator.Next()
	var te *merge.UnionTypeError
	switch {
	case errors.As(err, &te):
		return nil, unsupportedf("%v", te)
	case errors.Is(err, merge.ErrUnionColumns):
		return nil, planErrorf("%v", err)
	}
	return row, err
}
