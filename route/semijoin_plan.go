package route

import (
	"errors"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// semiFound is a subquery the semi-join takes out of the outer
// statement: a condition of WHERE, or a select item.
type semiFound struct {
	kind merge.CorrelatedKind
	sub  *sqlparser.Subquery
	// left is x of x [NOT] IN (SELECT …).
	left sqlparser.Expr
	// item is the select item's position, for a scalar subquery or a
	// mark.
	item int
	// mark keeps every row, writing the condition's truth into item.
	mark bool
	// numeric says SQLite compares x and the subquery's values as
	// numbers (see subquery_in_kinds.go).
	numeric bool
	// outerFrom is the FROM of the outer statement, which types an outer
	// column the subquery selects (see typeOuterItems); nil when unknown.
	outerFrom sqlparser.TableExprs
}

// semiCondition returns the correlated subquery condition a conjunct of
// WHERE is, if it is one: [NOT] EXISTS, x [NOT] IN (SELECT …), or NOT
// over them.
func semiCondition(e sqlparser.Expr) (semiFound, bool) {
	neg := false
	for {
		switch x := e.(type) {
		case *sqlparser.ParenExpr:
			e = x.Expr
			continue
		case *sqlparser.NotExpr:
			neg = !neg
			e = x.Expr
			continue
		}
		break
	}
	var f semiFound
	switch x := e.(type) {
	case *sqlparser.ExistsExpr:
		f = semiFound{kind: merge.SemiExists, sub: x.Subquery}
		if neg {
			f.kind = merge.SemiNotExists
		}
	case *sqlparser.ComparisonExpr:
		sq, ok := x.Right.(*sqlparser.Subquery)
		if !ok || exprHasSubquery(x.Left) {
			return f, false
		}
		switch x.Operator {
		case sqlparser.InStr:
			f = semiFound{kind: merge.SemiIn, sub: sq, left: x.Left}
		case sqlparser.NotInStr:
			f = semiFound{kind: merge.SemiNotIn, sub: sq, left: x.Left}
		default:
			return f, false
		}
		if neg && f.kind == merge.SemiIn {
			f.kind = merge.SemiNotIn
		} else if neg {
			f.kind = merge.SemiIn
		}
	default:
		return f, false
	}
	return f, !uncorrelated(f.sub)
}

// planSemiJoin plans sel (a copy the caller owns) with its correlated
// subquery conditions of WHERE and its scalar subqueries of the select
// list taken out to a semi-join; ok is false when it has none.
func (p *Planner) planSemiJoin(sel *sqlparser.Select, s *Session, nargs int) (Plan, bool, error) {
	var found []semiFound
	// valueConds are conditions comparing correlated scalar subqueries:
	// the router evaluates them once the values are in the rows.
	var rest, valueConds []sqlparser.Expr
	if sel.Where != nil {
		for _, c := range splitAnd(sel.Where.Expr) {
			if f, ok := semiCondition(c); ok {
				found = append(found, f)
				continue
			}
			if correlatedIn(c) {
				// Under OR or NOT, or in an expression: the router
				// evaluates it over the subqueries' values and marks.
				valueConds = append(valueConds, c)
				continue
			}
			rest = append(rest, c)
		}
	}
	filters := found
	var scalars []semiFound
	correlatedScalars, nested := false, false
	for i, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			continue
		}
		if f, ok := itemSubquery(ae.Expr); ok {
			f.item = i
			scalars = append(scalars, f)
			correlatedScalars = correlatedScalars || !uncorrelated(f.sub)
			continue
		}
		nested = nested || hasSubqueryIn(ae.Expr)
	}
	for _, o := range sel.OrderBy {
		nested = nested || hasSubqueryIn(o.Expr)
	}
	found = append(found, scalars...)
	// A correlated subquery of HAVING runs per row of the group, over
	// grouped outer columns only (see planSemiJoinHorizon).
	nested = nested || sel.Having != nil && correlatedIn(sel.Having.Expr)
	if len(found) == 0 && len(valueConds) == 0 && !nested {
		return nil, false, nil
	}
	if sel.Lock != "" {
		return nil, true, semiRefusalf("%s over a semi-join", strings.TrimSpace(sel.Lock))
	}
	// The outer statement keeps its horizon when the subqueries change
	// no row it reads: filters with at most an ORDER BY, select items
	// the horizon does not read (an uncorrelated one is the same value
	// in every row). Otherwise the router evaluates the horizon.
	aggregates := sel.Distinct != "" || len(sel.GroupBy) > 0 || sel.Having != nil || hasAggregate(sel.SelectExprs)
	horizon := nested || len(filters) > 0 && aggregates || correlatedScalars && (aggregates || orderNamesScalar(sel))
	// Conditions over marks and values need only a filter after the
	// semi-join when the shards keep the horizon (no DISTINCT, grouping
	// or aggregate): a * select list takes that way, streaming in the
	// shards' order.
	var post []sqlparser.Expr
	if len(valueConds) > 0 && !horizon && !aggregates && hasStar(sel) {
		post, valueConds = valueConds, nil
	}
	if len(valueConds) > 0 || horizon {
		return p.planSemiJoinHorizon(sel, s, nargs, filters, rest, valueConds)
	}
	// A LIMIT cuts the rows the filters keep: the shards sort the outer
	// rows (without a limit), the semi-join keeps them in order and the
	// limit applies after.
	var limit *sqlparser.Limit
	if (len(filters) > 0 || len(post) > 0) && sel.Limit != nil {
		limit, sel.Limit = sel.Limit, nil
	}
	pl, err := p.buildSemiJoin(sel, s, nargs, found, rest, post)
	if err != nil || limit == nil {
		return pl, true, err
	}
	if limit.Rowcount != nil {
		v, ok := newValueExpr(limit.Rowcount)
		if !ok {
			return nil, true, unsupportedf("LIMIT %s: the count must be a number or ?", sqlparser.String(limit.Rowcount))
		}
		pl.count = &v
	}
	if limit.Offset != nil {
		v, ok := newValueExpr(limit.Offset)
		if !ok {
			return nil, true, unsupportedf("OFFSET %s: the offset must be a number or ?", sqlparser.String(limit.Offset))
		}
		pl.offset = &v
	}
	return pl, true, nil
}

// itemSubquery returns the subquery a select item is, if it is one: a
// scalar subquery fills its column with its value; EXISTS, NOT EXISTS
// and x [NOT] IN (SELECT …) with their truth, as a mark.
func itemSubquery(e sqlparser.Expr) (semiFound, bool) {
	switch x := e.(type) {
	case *sqlparser.Subquery:
		return semiFound{kind: merge.SemiValue, sub: x}, true
	case *sqlparser.ParenExpr:
		return itemSubquery(x.Expr)
	case *sqlparser.NotExpr:
		// NOT over a mark is the mark of the negated condition, NULL
		// staying NULL.
		f, ok := itemSubquery(x.Expr)
		if !ok || !f.mark {
			return semiFound{}, false
		}
		f.kind = map[merge.CorrelatedKind]merge.CorrelatedKind{merge.SemiExists: merge.SemiNotExists, merge.SemiNotExists: merge.SemiExists,
			merge.SemiIn: merge.SemiNotIn, merge.SemiNotIn: merge.SemiIn}[f.kind]
		return f, true
	}
	if ms := conditionSubqueries(e); len(ms) == 1 && ms[0].node == e && (ms[0].left == nil || !exprHasSubquery(ms[0].left)) {
		return ms[0].semiFound, true
	}
	return semiFound{}, false
}

// orderNamesScalar reports an ORDER BY naming a scalar subquery item of
// the select list, by alias or position.
func orderNamesScalar(sel *sqlparser.Select) bool {
	for _, o := range sel.OrderBy {
		if hasSubqueryIn(o.Expr) {
			return true
		}
		for i, se := range sel.SelectExprs {
			ae, ok := se.(*sqlparser.AliasedExpr)
			if !ok {
				continue
			}
			if _, ok := itemSubquery(ae.Expr); !ok {
				continue
			}
			switch x := o.Expr.(type) {
			case *sqlparser.ColName:
				if x.Qualifier.IsEmpty() && !ae.As.IsEmpty() && x.Name.Equal(ae.As) {
					return true
				}
			case *sqlparser.SQLVal:
				if x.Type == sqlparser.IntVal && string(x.Val) == strconv.Itoa(i+1) {
					return true
				}
			}
		}
	}
	return false
}

// correlatedIn reports an expression holding a correlated subquery.
func correlatedIn(e sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if sq, ok := n.(*sqlparser.Subquery); ok {
			if !uncorrelated(sq) {
				found = true
			}
			return false, nil
		}
		return !found, nil
	}, e)
	return found
}

// correlateOrBind plans a correlated subquery by its key equalities
// (correlate), and one they cannot run, or whose windows a batch would
// mix, per tuple of outer values (bindCorrelation).
func (p *Planner) correlateOrBind(f semiFound, s *Session, nargs, batch int, eng eval.Engine) (*correlation, error) {
	if uncorrelated(f.sub) || correlatedWindows(f.sub) {
		// A batch of outer values would put the rows of several outer
		// rows under one window: one tuple at a time, its windows see
		// that row's rows alone.
		return p.bindCorrelation(f, s, nargs, eng)
	}
	c, err := p.correlate(f, s, nargs, batch, eng)
	var su *UnsupportedError
	if err == nil || !errors.As(err, &su) {
		return c, err
	}
	return p.bindCorrelation(f, s, nargs, eng)
}

// fromTables returns the VSchema tables a FROM clause names, those of
// its derived tables and subqueries included.
func (p *Planner) fromTables(from sqlparser.TableExprs, s *Session) ([]*vschema.Table, error) {
	var out []*vschema.Table
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.ColName:
			// A column's qualifier (in an ON condition) names an alias,
			// not a table.
			return false, nil
		case sqlparser.TableName:
			if n.Name.IsEmpty() {
				return false, nil
			}
			vt, err := p.vs.FindTable(n.Qualifier.String(), n.Name.String(), s.Keyspace)
			if err != nil && bad == nil {
				bad = err
			}
			if vt != nil {
				out = append(out, vt)
			}
		}
		return true, nil
	}, from)
	return out, bad
}

// subqueriesIn returns the outermost subqueries of an expression, in the
// order of a walk.
func subqueriesIn(e sqlparser.Expr) []*sqlparser.Subquery {
	var out []*sqlparser.Subquery
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if sq, ok := n.(*sqlparser.Subquery); ok {
			out = append(out, sq)
			return false, nil
		}
		return true, nil
	}, e)
	return out
}

// correlatedWindows reports window functions in a correlated subquery
// outside the uncorrelated derived tables and subqueries it reads
// (statements of their own, whose windows see all their rows): run over
// a batch of outer values, their rows would share its windows.
func correlatedWindows(sq *sqlparser.Subquery) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			if n != sq && uncorrelated(n) {
				return false, nil
			}
		case sqlparser.Expr:
			if dialect.IsWindow(n) {
				found = true
			}
		}
		return !found, nil
	}, sq)
	return found
}
