package route

import (
	"errors"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

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
		if sq, ok := ae.Expr.(*sqlparser.Subquery); ok {
			scalars = append(scalars, semiFound{kind: merge.SemiValue, sub: sq, item: i})
			correlatedScalars = correlatedScalars || !uncorrelated(sq)
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
	if len(valueConds) > 0 || nested || len(filters) > 0 && aggregates ||
		correlatedScalars && (aggregates || orderNamesScalar(sel)) {
		return p.planSemiJoinHorizon(sel, s, nargs, filters, rest, valueConds)
	}
	// A LIMIT cuts the rows the filters keep: the shards sort the outer
	// rows (without a limit), the semi-join keeps them in order and the
	// limit applies after.
	var limit *sqlparser.Limit
	if len(filters) > 0 && sel.Limit != nil {
		limit, sel.Limit = sel.Limit, nil
	}
	pl, err := p.buildSemiJoin(sel, s, nargs, found, rest)
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
			if _, ok := ae.Expr.(*sqlparser.Subquery); !ok {
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

// buildSemiJoin plans the outer statement of sel without the found
// subqueries, with their outer columns as hidden columns, and each
// subquery's inner statement.
func (p *Planner) buildSemiJoin(sel *sqlparser.Select, s *Session, nargs int, found []semiFound, rest []sqlparser.Expr) (*semiJoinPlan, error) {
	outerTables, err := p.fromTables(sel.From, s)
	if err != nil {
		return nil, err
	}
	var eng eval.Engine
	if len(outerTables) > 0 {
		eng = p.engineOfKeyspace(outerTables[0].Keyspace)
	}
	sp := &semiJoinPlan{batch: p.batchRows(), eng: eng, nargs: nargs, maxRows: p.memoryRows()}
	out := &sqlparser.Select{Distinct: sel.Distinct, From: sel.From, GroupBy: sel.GroupBy, Having: sel.Having, OrderBy: sel.OrderBy, Limit: sel.Limit}
	out.SelectExprs = append(sqlparser.SelectExprs{}, sel.SelectExprs...)
	if len(rest) > 0 {
		out.Where = sqlparser.NewWhere(sqlparser.WhereStr, andAll(rest))
	}
	var hidden sqlparser.SelectExprs
	hide := func(e sqlparser.Expr) int {
		hidden = append(hidden, &sqlparser.AliasedExpr{Expr: e, As: sqlparser.NewColIdent("vsj_" + strconv.Itoa(len(hidden)))})
		return len(hidden) - 1
	}
	// A select item after a * is counted from the end of the list.
	stars := 0
	for _, se := range sel.SelectExprs {
		if _, ok := se.(*sqlparser.StarExpr); ok {
			stars++
		}
	}
	for _, f := range found {
		text := sqlparser.String(f.sub)
		sq := semiSubquery{kind: f.kind, text: text, into: f.item, mark: f.mark}
		if f.kind == merge.SemiValue || f.mark {
			if stars > 0 {
				after, before := 0, 0
				for i, se := range sel.SelectExprs {
					if _, ok := se.(*sqlparser.StarExpr); ok {
						if i < f.item {
							before++
						} else {
							after++
						}
					}
				}
				switch {
				case before == 0:
				case after == 0:
					sq.into = f.item - len(sel.SelectExprs)
				default:
					return nil, semiRefusalf("a scalar subquery between two * items: name the columns")
				}
			}
			ae := sel.SelectExprs[f.item].(*sqlparser.AliasedExpr)
			as := ae.As
			if as.IsEmpty() {
				as = sqlparser.NewColIdent(argPattern.ReplaceAllString(text, "?"))
			}
			out.SelectExprs[f.item] = &sqlparser.AliasedExpr{Expr: &sqlparser.NullVal{}, As: as}
			if f.kind == merge.SemiValue && uncorrelated(f.sub) {
				inner, err := cloneSelect(f.sub.Select)
				if err != nil {
					return nil, err
				}
				if sq.inner, err = p.planSelect(inner, s, nargs); err != nil {
					return nil, err
				}
				sq.once = true
				sp.subs = append(sp.subs, sq)
				continue
			}
		}
		c, err := p.correlateOrBind(f, s, nargs, sp.batch, eng)
		if err != nil {
			return nil, err
		}
		if c.bound {
			for _, oc := range c.outerCols {
				sq.args = append(sq.args, hide(oc))
			}
		}
		for k, oc := range c.outerCols {
			if !c.bound {
				sq.keys = append(sq.keys, merge.JoinKey{Outer: hide(oc), Inner: k})
			}
		}
		if f.left != nil {
			sq.left = hide(f.left)
		}
		if c.residual != nil {
			sq.resFrom, sq.resWidth = len(hidden), len(c.residualOuter)
			for _, oc := range c.residualOuter {
				hide(oc)
			}
			sq.residual, sq.residualText = c.residual, c.residualText
		}
		sq.inner, sq.value, sq.dflt = c.plan, c.value, c.dflt
		sq.bound, sq.ordered, sq.cut = c.bound, c.ordered, c.cut
		sp.subs = append(sp.subs, sq)
	}
	sp.hidden = len(hidden)
	out.SelectExprs = append(out.SelectExprs, hidden...)
	stmt, err := Parse(sqlparser.String(out))
	if err != nil {
		return nil, err
	}
	if sp.outer, err = p.planSelect(stmt.(*sqlparser.Select), s, nargs); err != nil {
		return nil, err
	}
	return sp, nil
}

// correlateOrBind plans a correlated subquery by its key equalities
// (correlate), and one they cannot run per tuple of outer values
// (bindCorrelation).
func (p *Planner) correlateOrBind(f semiFound, s *Session, nargs, batch int, eng eval.Engine) (*correlation, error) {
	if uncorrelated(f.sub) {
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
