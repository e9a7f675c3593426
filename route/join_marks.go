package route

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// A conjunct of the ON of a LEFT JOIN (or of a RIGHT JOIN, turned
// around) across shards holding correlated subqueries that read the
// preserved side's columns, alone or with the nullable side's,
//
//	a LEFT JOIN t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM kinds k WHERE k.code = t.note AND k.label > a.name)
//
// decides the match of each pair of rows: it is part of the join's match
// condition, evaluated at the router per candidate pair (the pairs whose
// keys are equal and that meet the ON's other conditions). Each EXISTS
// or x [NOT] IN (SELECT …) becomes a mark of its truth (1, 0 or NULL),
// each scalar subquery its value, in a slot of the pair; the subquery is
// planned as a semi-join's is (correlateOrBind): batched by its
// equalities with the pair's values, else run once per distinct tuple of
// the pair values it reads. The conjunct, its subqueries replaced by
// their slots, is then evaluated over the pair with SQL's three-valued
// logic, and the LEFT JOIN NULL-extends an outer row no pair matches
// (see merge.JoinMarks).

// stepMarks are the subqueries of one join step's match condition.
type stepMarks struct {
	subs []semiSubquery
	// cols are the joined row's columns the subqueries read, in the
	// order their positions count (see semiBuild.hide); values hold,
	// at each position where cols is nil, the expression over the
	// joined row's columns read there instead (the x of x IN (…)).
	cols   []*sqlparser.ColName
	values []sqlparser.Expr
	// post are the conjuncts with subqueries, each replaced by a column
	// vjm_N, N its slot; text shows the conjuncts as written.
	post []sqlparser.Expr
	text []string
}

// joinMarks is a joinPlan's subqueries per pair: the positions in the
// joined row of the columns they read, and the conditions before and
// after them (see merge.JoinMarks).
type joinMarks struct {
	subs      []semiSubquery
	gather    []int
	values    []*mergeValue
	width     int
	pre, post *mergeValue
	text      string
}

// markSlot is the name of slot n of a pair.
func markSlot(n int) string { return "vjm_" + strconv.Itoa(n) }

// onSubqueryRefs returns the tables of the join a conjunct holding
// subqueries names outside them, refusing one a pair of rows cannot
// decide: an uncorrelated subquery (run once, bound, before the join is
// planned), one reading only the nullable table (a derived table of its
// rows), or a column of a subquery without its table's name.
func (jt *joinPlanner) onSubqueryRefs(e sqlparser.Expr, nullable int) (tableSet, error) {
	var set tableSet
	var bad error
	var walk func(n sqlparser.SQLNode, inner map[string]bool)
	walk = func(n sqlparser.SQLNode, inner map[string]bool) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if bad != nil {
				return false, nil
			}
			switch x := n.(type) {
			case *sqlparser.Subquery:
				if inner == nil && uncorrelated(x) {
					bad = joinRefusal("the uncorrelated subquery %s in the ON condition %s", sqlparser.String(x), sqlparser.String(e))
					return false, nil
				}
				names := map[string]bool{}
				for k := range inner {
					names[k] = true
				}
				for k := range innerNames(x.Select) {
					names[k] = true
				}
				walk(x.Select, names)
				return false, nil
			case *sqlparser.ColName:
				q := strings.ToLower(x.Qualifier.Name.String())
				switch {
				case inner != nil && x.Qualifier.IsEmpty():
					bad = joinRefusal("qualify column %s of the subquery in the ON condition %s with its table's name or alias", sqlparser.String(x), sqlparser.String(e))
				case inner[q] && x.Qualifier.Qualifier.IsEmpty():
				default:
					r, err := jt.refs(x)
					if err != nil {
						bad = err
					}
					set |= r
				}
				return false, nil
			}
			return true, nil
		}, n)
	}
	walk(e, nil)
	if bad != nil {
		return 0, bad
	}
	if set.subsetOf(1 << nullable) {
		return 0, joinRefusal("the subquery in the ON condition %s reads only the nullable table", sqlparser.String(e))
	}
	return set, nil
}

// planMarks plans the subqueries of a step's residual conjuncts that hold
// them, and returns the other conjuncts. batch is the number of pairs per
// run of a subquery.
func (jt *joinPlanner) planMarks(st *joinStep, batch int, eng eval.Engine) ([]sqlparser.Expr, *stepMarks, error) {
	var plain []sqlparser.Expr
	var sm *stepMarks
	for _, e := range st.residual {
		if !exprHasSubquery(e) {
			plain = append(plain, e)
			continue
		}
		if sm == nil {
			sm = &stepMarks{}
		}
		// A copy, whose subqueries are replaced by their slots.
		cp, err := Parse("SELECT 1 FROM dual WHERE " + sqlparser.String(e))
		if err != nil {
			return nil, nil, err
		}
		cond := cp.(*sqlparser.Select).Where.Expr
		b := &semiBuild{p: jt.p, s: jt.s, nargs: jt.nargs, sp: &semiJoinPlan{batch: batch, eng: eng}}
		var found []semiFound
		for _, m := range conditionSubqueries(cond) {
			if m.left != nil && exprHasSubquery(m.left) {
				return nil, nil, joinRefusal("a subquery on the left of IN (%s) in an ON condition", sqlparser.String(m.left))
			}
			if m.left != nil {
				lt := jt.markLeftType(m.left)
				if err := jt.p.inKindError(lt, m.sub, jt.s); err != nil {
					return nil, nil, err
				}
				m.numeric = jt.p.inNumeric(lt, m.sub, jt.s)
			}
			cond = sqlparser.ReplaceExpr(cond, m.node, &sqlparser.ColName{Name: sqlparser.NewColIdent(markSlot(len(sm.subs) + len(found)))})
			found = append(found, m.semiFound)
		}
		for _, sq := range subqueriesIn(cond) {
			cond = sqlparser.ReplaceExpr(cond, sq, &sqlparser.ColName{Name: sqlparser.NewColIdent(markSlot(len(sm.subs) + len(found)))})
			found = append(found, semiFound{kind: merge.SemiValue, sub: sq})
		}
		for _, f := range found {
			b.hidden = nil
			sq := semiSubquery{kind: f.kind, text: sqlparser.String(f.sub), into: len(sm.subs), mark: f.mark}
			// Positions count from the first column this subquery reads.
			base := len(sm.cols)
			if err := b.add(sq, f); err != nil {
				return nil, nil, err
			}
			added := &b.sp.subs[len(b.sp.subs)-1]
			shiftHidden(added, base)
			for _, h := range b.hidden {
				x := h.(*sqlparser.AliasedExpr).Expr
				if c, ok := x.(*sqlparser.ColName); ok {
					sm.cols = append(sm.cols, c)
					sm.values = append(sm.values, nil)
					continue
				}
				if exprHasSubquery(x) || hasAggregateExpr(x) {
					return nil, nil, joinRefusal("the subquery %s in an ON condition reads %s, which is not an expression over the joined rows' columns", sq.text, sqlparser.String(x))
				}
				sm.cols = append(sm.cols, nil)
				sm.values = append(sm.values, x)
			}
			sm.subs = append(sm.subs, *added)
		}
		sm.post = append(sm.post, cond)
		sm.text = append(sm.text, sqlparser.String(e))
	}
	return plain, sm, nil
}

// shiftHidden moves the outer positions of a subquery by base.
func shiftHidden(sq *semiSubquery, base int) {
	for i := range sq.keys {
		sq.keys[i].Outer += base
	}
	for i := range sq.args {
		sq.args[i] += base
	}
	sq.left += base
	sq.resFrom += base
}

// needMarks makes the columns the marks read columns of their leaves.
func (jt *joinPlanner) needMarks(sm *stepMarks, leaves []*joinLeaf) error {
	for i, c := range sm.cols {
		cs := []*sqlparser.ColName{c}
		if c == nil {
			cs = columnsOf(sm.values[i])
		}
		for _, c := range cs {
			r, err := jt.refs(c)
			if err != nil {
				return err
			}
			leafOf(leaves, leafIndex(r)).need(c)
		}
	}
	for _, e := range sm.post {
		for _, c := range columnsOf(e) {
			if c.Qualifier.IsEmpty() && strings.HasPrefix(c.Name.Lowered(), "vjm_") {
				continue
			}
			r, err := jt.refs(c)
			if err != nil {
				return err
			}
			leafOf(leaves, leafIndex(r)).need(c)
		}
	}
	return nil
}

// buildMarks compiles a step's marks once the leaves' columns are known:
// pre over the joined row, the conjuncts with subqueries over the pair
// extended by the slots.
func (jt *joinPlanner) buildMarks(sm *stepMarks, pre []sqlparser.Expr, leaves []*joinLeaf, last *joinLeaf, eng eval.Engine) (*joinMarks, error) {
	jm := &joinMarks{width: last.offset + last.width(), text: strings.Join(sm.text, " AND ")}
	if len(pre) > 0 {
		jm.text = describeConds(pre) + " AND " + jm.text
	}
	for i, c := range sm.cols {
		if c == nil {
			v, err := jt.compileValue(sm.values[i], leaves, last, eng)
			if err != nil {
				return nil, err
			}
			jm.gather = append(jm.gather, 0)
			jm.values = append(jm.values, v)
			continue
		}
		r, _ := jt.refs(c)
		l := leafOf(leaves, leafIndex(r))
		jm.gather = append(jm.gather, l.offset+l.need(c))
		jm.values = append(jm.values, nil)
	}
	for _, sq := range sm.subs {
		sq.into += jm.width
		jm.subs = append(jm.subs, sq)
	}
	var err error
	if len(pre) > 0 {
		if jm.pre, err = jt.compile(pre, leaves, last, eng); err != nil {
			return nil, err
		}
	}
	b := jt.builder(leaves, last, eng)
	joined := b.source
	b.source = func(c *sqlparser.ColName) (int, error) {
		if c.Qualifier.IsEmpty() && strings.HasPrefix(c.Name.Lowered(), "vjm_") {
			n, err := strconv.Atoi(strings.TrimPrefix(c.Name.Lowered(), "vjm_"))
			if err == nil && n < len(sm.subs) {
				return jm.width + n, nil
			}
		}
		return joined(c)
	}
	if jm.post, err = b.compileCond(andAll(sm.post), clauseSelect); err != nil {
		return nil, err
	}
	return jm, nil
}

// options returns the merge's marks for one execution.
func (jm *joinMarks) options(ctx context.Context, vc Cursor, args []any, batch int, eng eval.Engine) (*merge.JoinMarks, error) {
	out := &merge.JoinMarks{Gather: jm.gather, Batch: batch}
	for i, v := range jm.values {
		if v == nil {
			continue
		}
		if out.Values == nil {
			out.Values = make([]*eval.Expr, len(jm.gather))
		}
		x, err := v.expr(args)
		if err != nil {
			return nil, err
		}
		out.Values[i] = &x
	}
	base := jm.width + len(jm.subs)
	for _, sq := range jm.subs {
		c, err := sq.correlated(ctx, vc, args, base, batch, eng)
		if err != nil {
			return nil, err
		}
		out.Subs = append(out.Subs, c)
	}
	if jm.pre != nil {
		x, err := jm.pre.expr(args)
		if err != nil {
			return nil, err
		}
		out.Pre = &x
	}
	x, err := jm.post.expr(args)
	if err != nil {
		return nil, err
	}
	out.Post = &x
	return out, nil
}

// explain shows the subqueries per pair and their inner statements.
func (jm *joinMarks) explain(ctx context.Context, vc Cursor, args []any, batch int) (string, []ExplainRow, error) {
	var what []string
	var rows []ExplainRow
	for _, sq := range jm.subs {
		iargs := args
		desc := sq.kind.String()
		switch {
		case sq.bound:
			iargs = rowArgs(args, make(merge.Row, len(sq.args)), seq(len(sq.args)))
			desc += " (its statement per distinct pair values bound)"
		default:
			iargs = batchArgs(args, nil, 0, batch)
			desc += fmt.Sprintf(" (its statement bound by batches of %d pairs)", batch)
		}
		what = append(what, desc)
		r, err := sq.inner.Explain(ctx, vc, iargs)
		if err != nil {
			return "", nil, err
		}
		for k := range r {
			r[k].Query = nullBatch.ReplaceAllString(r[k].Query, "IN (::semi_batch)")
		}
		rows = append(rows, nest(r)...)
	}
	return fmt.Sprintf("%s per pair: %s", jm.text, strings.Join(what, "; ")), rows, nil
}

// planOnPairs plans a SELECT over named tables whose outer joins' ON
// conditions hold correlated subqueries as a join at the merge deciding
// them per pair of rows; refusal is why it does not run as one
// statement. sel is not changed.
func (p *Planner) planOnPairs(sel *sqlparser.Select, s *Session, nargs int, refusal error) (Plan, error) {
	if !namedTables(sel) {
		return nil, joinRefusal("a correlated subquery in the ON condition of a join of derived tables")
	}
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	return p.planJoinSelect(c.(*sqlparser.Select), s, nargs, p.statementEngine(sel, s), refusal)
}
