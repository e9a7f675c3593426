package route

import (
	"strconv"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// semiBuild holds the outer statement of a semi-join while its
// subqueries are planned: the columns hidden at the end of its select
// list, and the subqueries reading them.
type semiBuild struct {
	p      *Planner
	s      *Session
	nargs  int
	sel    *sqlparser.Select
	out    *sqlparser.Select
	sp     *semiJoinPlan
	hidden sqlparser.SelectExprs
}

// hide appends e to the hidden columns and returns its position among
// them.
func (b *semiBuild) hide(e sqlparser.Expr) int {
	b.hidden = append(b.hidden, &sqlparser.AliasedExpr{Expr: e, As: sqlparser.NewColIdent("vsj_" + strconv.Itoa(len(b.hidden)))})
	return len(b.hidden) - 1
}

// buildSemiJoin plans the outer statement of sel without the found
// subqueries, with their outer columns as hidden columns, and each
// subquery's inner statement. post are conditions of WHERE the router
// evaluates over the semi-join's rows (see addPostFilter).
func (p *Planner) buildSemiJoin(sel *sqlparser.Select, s *Session, nargs int, found []semiFound, rest, post []sqlparser.Expr) (*semiJoinPlan, error) {
	outerTables, err := p.fromTables(sel.From, s)
	if err != nil {
		return nil, err
	}
	var eng eval.Engine
	if len(outerTables) > 0 {
		eng = p.engineOfKeyspace(outerTables[0].Keyspace)
	}
	b := &semiBuild{p: p, s: s, nargs: nargs, sel: sel}
	b.sp = &semiJoinPlan{batch: p.batchRows(), eng: eng, nargs: nargs, maxRows: p.memoryRows()}
	b.out = &sqlparser.Select{Distinct: sel.Distinct, From: sel.From, GroupBy: sel.GroupBy, Having: sel.Having, OrderBy: sel.OrderBy, Limit: sel.Limit}
	b.out.SelectExprs = append(sqlparser.SelectExprs{}, sel.SelectExprs...)
	if len(rest) > 0 {
		b.out.Where = sqlparser.NewWhere(sqlparser.WhereStr, andAll(rest))
	}
	for _, f := range found {
		if err := b.addItemOrFilter(f); err != nil {
			return nil, err
		}
	}
	if len(post) > 0 {
		if err := b.addPostFilter(post); err != nil {
			return nil, err
		}
	}
	b.sp.hidden = len(b.hidden)
	b.out.SelectExprs = append(b.out.SelectExprs, b.hidden...)
	stmt, err := Parse(sqlparser.String(b.out))
	if err != nil {
		return nil, err
	}
	if b.sp.outer, err = p.planSelect(stmt.(*sqlparser.Select), s, nargs); err != nil {
		return nil, err
	}
	return b.sp, nil
}

// addItemOrFilter adds a subquery condition of WHERE, or a scalar
// subquery or mark that is a select item, whose column it fills (counted
// from the end of the list after a *).
func (b *semiBuild) addItemOrFilter(f semiFound) error {
	sq := semiSubquery{kind: f.kind, text: sqlparser.String(f.sub), into: f.item, mark: f.mark}
	if f.kind != merge.SemiValue && !f.mark {
		return b.add(sq, f)
	}
	after, before := 0, 0
	for i, se := range b.sel.SelectExprs {
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
		sq.into = f.item - len(b.sel.SelectExprs)
	default:
		return semiRefusalf("a scalar subquery between two * items: name the columns")
	}
	ae := b.sel.SelectExprs[f.item].(*sqlparser.AliasedExpr)
	as := ae.As
	if as.IsEmpty() {
		as = sqlparser.NewColIdent(argPattern.ReplaceAllString(sq.text, "?"))
	}
	b.out.SelectExprs[f.item] = &sqlparser.AliasedExpr{Expr: &sqlparser.NullVal{}, As: as}
	if f.kind == merge.SemiValue && uncorrelated(f.sub) {
		inner, err := cloneSelect(f.sub.Select)
		if err != nil {
			return err
		}
		if sq.inner, err = b.p.planSelect(inner, b.s, b.nargs); err != nil {
			return err
		}
		sq.once = true
		b.sp.subs = append(b.sp.subs, sq)
		return nil
	}
	return b.add(sq, f)
}

// add plans a subquery's inner statement and hides the outer columns it
// reads.
func (b *semiBuild) add(sq semiSubquery, f semiFound) error {
	if b.sel != nil {
		f.outerFrom = b.sel.From
		lt := b.outerLeftType(f.left)
		if err := b.p.inKindError(lt, f.sub, b.s); err != nil {
			return err
		}
		f.numeric = f.numeric || b.p.inNumeric(lt, f.sub, b.s)
	}
	c, err := b.p.correlateOrBind(f, b.s, b.nargs, b.sp.batch, b.sp.eng)
	if err != nil {
		return err
	}
	for k, oc := range c.outerCols {
		if c.bound {
			sq.args = append(sq.args, b.hide(oc))
		} else {
			sq.keys = append(sq.keys, merge.JoinKey{Outer: b.hide(oc), Inner: k})
		}
	}
	if f.left != nil {
		sq.left = b.hide(f.left)
		sq.numeric = f.numeric
	}
	if c.residual != nil {
		sq.resFrom, sq.resWidth = len(b.hidden), len(c.residualOuter)
		for _, oc := range c.residualOuter {
			b.hide(oc)
		}
		sq.residual, sq.residualText = c.residual, c.residualText
	}
	sq.inner, sq.value, sq.dflt = c.plan, c.value, c.dflt
	sq.bound, sq.ordered, sq.cut, sq.keep, sq.orderCols = c.bound, c.ordered, c.cut, c.keep, c.orderCols
	b.sp.subs = append(b.sp.subs, sq)
	return nil
}
