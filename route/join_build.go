package route

import (
	"errors"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// joinKeys turns a step's keys into positions of the outer row and the
// inner leaf.
func joinKeys(st *joinStep, leaves []*joinLeaf, jt *joinPlanner) []merge.JoinKey {
	var keys []merge.JoinKey
	for _, k := range st.keys {
		ro, _ := jt.refs(k[0])
		ol := leafOf(leaves, leafIndex(ro))
		keys = append(keys, merge.JoinKey{Outer: ol.offset + ol.need(k[0]), Inner: st.leaf.need(k[1])})
	}
	return keys
}

// planJoinSelect plans a SELECT over tables one statement per shard does
// not run together (why says so) as a join at the merge, with a horizon
// when it needs one; a refusal says both why.
func (p *Planner) planJoinSelect(sel *sqlparser.Select, s *Session, nargs int, eng eval.Engine, why error) (Plan, error) {
	var jp Plan
	sel, err := p.qualifyJoin(sel, s, eng)
	switch {
	case err != nil:
	case p.joinHorizonLock(sel, eng) != nil:
		err = p.joinHorizonLock(sel, eng)
	case needsHorizon(sel):
		jp, err = p.planJoinHorizon(sel, s, nargs, eng)
	default:
		jp, err = p.planJoin(sel, s, nargs)
	}
	var ue, je *UnsupportedError
	if errors.As(err, &je) && errors.As(why, &ue) {
		return nil, unsupportedf("%s; %s", ue.Msg, je.Msg)
	}
	return jp, err
}

// planJoin plans a SELECT of tables that are not on one shard together
// as a chain of nested-loop joins, or refuses it saying why. Every column
// is qualified (see qualifyJoin), and the select items are columns or
// named expressions of one leaf's tables (see needsHorizon).
func (p *Planner) planJoin(sel *sqlparser.Select, s *Session, nargs int) (Plan, error) {
	switch {
	case sel.Distinct != "", len(sel.GroupBy) > 0, sel.Having != nil, len(sel.OrderBy) > 0, sel.Limit != nil:
		return nil, joinRefusal("DISTINCT, GROUP BY, HAVING, ORDER BY and LIMIT over the rows of a join are not run at the merge")
	case hasAggregate(sel.SelectExprs):
		return nil, joinRefusal("aggregates over the rows of a join are not run at the merge")
	case hasSubquery(sel):
		return nil, joinRefusal("subqueries in a join of tables on different shards")
	}
	sel, nested, err := nestNullableJoins(sel)
	if err != nil {
		return nil, err
	}
	jt := &joinPlanner{p: p, s: s, nargs: nargs, byName: map[string]int{}, nested: nested}
	for _, te := range sel.From {
		if err := jt.from(te); err != nil {
			return nil, err
		}
	}
	if sel.Where != nil {
		for _, c := range splitAnd(sel.Where.Expr) {
			jt.conds = append(jt.conds, &joinCond{expr: c})
		}
	}
	refs := make([]*tableRef, len(jt.tables))
	for i, t := range jt.tables {
		refs[i] = &tableRef{table: t.table}
	}
	if x, y := p.mixedBackends(refs); x != nil {
		return nil, joinRefusal("%s and %s are on backends that compare values by different rules", x, y)
	}
	for _, c := range jt.conds {
		if exprHasSubquery(c.expr) {
			return nil, joinRefusal("a subquery in the join condition %s of tables on different shards", sqlparser.String(c.expr))
		}
		r, err := jt.refs(c.expr)
		if err != nil {
			return nil, err
		}
		c.refs = r
	}
	for i, t := range jt.tables {
		for _, c := range t.on {
			var err error
			switch {
			case !exprHasSubquery(c.expr):
				c.refs, err = jt.refs(c.expr)
			default:
				// Decided per pair of rows (see join_marks.go).
				c.refs, err = jt.onSubqueryRefs(c.expr, i)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	jt.reduceOuterJoins()
	if jt.lock, err = p.joinLock(jt, sel.Lock); err != nil {
		return nil, err
	}
	leaves, err := jt.group()
	if err != nil {
		return nil, err
	}
	order, err := jt.order(leaves)
	if err != nil {
		return nil, err
	}
	// The user's select items, each computed by the leaf of its tables.
	// An expression of a nullable leaf is computed over the joined row:
	// its leaf's rows may be NULL-extended (COALESCE(t.x, 0) is 0 then).
	type outRef struct {
		leaf *joinLeaf
		pos  int
		expr sqlparser.Expr
	}
	var outs []outRef
	var names []string
	for _, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, joinRefusal("%s in a join across shards: name the columns", sqlparser.String(se))
		}
		r, err := jt.refs(ae.Expr)
		if err != nil {
			return nil, err
		}
		l := order[0]
		if r != 0 {
			if l = leafOf(leaves, leafIndex(r)); !r.subsetOf(l.set) {
				return nil, joinRefusal("%s uses tables on different shards: select each table's columns apart", sqlparser.String(ae.Expr))
			}
		}
		name := ae.As.String()
		if name == "" {
			c, ok := ae.Expr.(*sqlparser.ColName)
			if !ok {
				return nil, joinRefusal("name %s with AS in a join across shards", sqlparser.String(ae.Expr))
			}
			name = c.Name.String()
		}
		names = append(names, name)
		if _, isCol := ae.Expr.(*sqlparser.ColName); l.nullable && !isCol {
			outs = append(outs, outRef{leaf: l, expr: ae.Expr})
			continue
		}
		l.exprs = append(l.exprs, &sqlparser.AliasedExpr{Expr: ae.Expr, As: ae.As})
		outs = append(outs, outRef{leaf: l, pos: len(l.exprs) - 1})
	}
	var zero []sqlparser.Expr
	for _, c := range jt.conds {
		if c.refs == 0 {
			zero = append(zero, c.expr)
		}
	}
	if len(order) == 1 {
		return jt.planLeaf(jt.leafSelect(order[0], zero, order[0].exprs), nargs)
	}
	steps, err := jt.steps(order)
	if err != nil {
		return nil, err
	}
	// Every column a join, residual, filter or computed item reads is a
	// column of its leaf.
	for _, o := range outs {
		if o.expr != nil {
			for _, c := range columnsOf(o.expr) {
				o.leaf.need(c)
			}
		}
	}
	batch := p.batchRows()
	marks := make([]*stepMarks, len(steps))
	for si, st := range steps {
		for _, k := range st.keys {
			ro, _ := jt.refs(k[0])
			leafOf(leaves, leafIndex(ro)).need(k[0])
			st.leaf.need(k[1])
		}
		if plain, sm, err := jt.planMarks(st, batch, p.engineOfKeyspace(jt.tables[st.leaf.tables[0]].table.Keyspace)); err != nil {
			return nil, err
		} else if sm != nil {
			if err := jt.needMarks(sm, leaves); err != nil {
				return nil, err
			}
			marks[si] = sm
			st.residual = plain
		}
		for _, e := range append(append([]sqlparser.Expr{}, st.residual...), st.filter...) {
			for _, c := range columnsOf(e) {
				r, _ := jt.refs(c)
				leafOf(leaves, leafIndex(r)).need(c)
			}
		}
	}
	off := 0
	for _, l := range order {
		l.offset = off
		off += l.width()
	}
	if order[0].plan, err = jt.planLeaf(jt.leafSelect(order[0], zero, order[0].exprs), nargs); err != nil {
		return nil, err
	}
	var cur Plan = order[0].plan
	var top *joinPlan
	for si, st := range steps {
		l := st.leaf
		eng := p.engineOfKeyspace(jt.tables[l.tables[0]].table.Keyspace)
		kinds, err := jt.keyKinds(st, eng)
		if err != nil {
			return nil, err
		}
		// A derived table bound by a key whose kinds are not known could
		// drop rows the merge would refuse: it is read once instead.
		if st.bound && kinds[0].unknown && jt.tables[l.tables[0]].derived {
			st.bound = false
		}
		var extra []sqlparser.Expr
		n := nargs
		if st.bound {
			var list sqlparser.ValTuple
			for b := 0; b < batch; b++ {
				list = append(list, sqlparser.NewValArg([]byte(":v"+strconv.Itoa(nargs+b+1))))
			}
			extra = append(extra, boundKey(st.keys[0][1], list, kinds[0]))
			n += batch
		}
		if l.plan, err = jt.planLeaf(jt.leafSelect(l, extra, l.exprs), n); err != nil {
			return nil, err
		}
		keys := joinKeys(st, leaves, jt)
		numericKeys(keys, kinds)
		node := &joinPlan{outer: cur, inner: l.plan, left: st.left, keys: keys, bound: st.bound,
			batch: batch, eng: eng, nargs: nargs, maxRows: p.memoryRows()}
		if marks[si] != nil {
			if node.marks, err = jt.buildMarks(marks[si], st.residual, leaves, l, eng); err != nil {
				return nil, err
			}
			st.residual = nil
		}
		if jt.lock == "" && node.marks == nil && p.hashJoins(st, cur, l.plan) {
			if node.all, err = jt.planLeaf(jt.leafSelect(l, nil, l.exprs), nargs); err != nil {
				return nil, err
			}
		}
		if len(st.residual) > 0 {
			if node.residual, err = jt.compile(st.residual, leaves, l, eng); err != nil {
				return nil, err
			}
			node.residualText = describeConds(st.residual)
		}
		if len(st.filter) > 0 {
			if node.filter, err = jt.compile(st.filter, leaves, l, eng); err != nil {
				return nil, err
			}
			node.filterText = describeConds(st.filter)
		}
		cur, top = node, node
	}
	top.names = names
	top.computed = make([]*mergeValue, len(outs))
	for i, o := range outs {
		if o.expr != nil {
			v, err := jt.compileValue(o.expr, leaves, order[len(order)-1], top.eng)
			if err != nil {
				return nil, err
			}
			top.computed[i] = v
			top.outs = append(top.outs, merge.ProjectColumn{Name: names[i]})
			top.cols = append(top.cols, -1)
			continue
		}
		col := o.leaf.offset + o.pos
		top.outs = append(top.outs, merge.ProjectColumn{Name: names[i], Expr: eval.Col(col)})
		top.cols = append(top.cols, col)
	}
	return top, nil
}

// compile compiles conditions over the joined row of the tables up to
// and including leaf last.
func (jt *joinPlanner) compile(es []sqlparser.Expr, leaves []*joinLeaf, last *joinLeaf, eng eval.Engine) (*mergeValue, error) {
	return jt.builder(leaves, last, eng).compileCond(andAll(es), clauseSelect)
}

// compileValue compiles a select item over the joined row.
func (jt *joinPlanner) compileValue(e sqlparser.Expr, leaves []*joinLeaf, last *joinLeaf, eng eval.Engine) (*mergeValue, error) {
	return jt.builder(leaves, last, eng).compileValue(e, clauseSelect)
}

// builder returns the compiler of expressions over the joined row.
func (jt *joinPlanner) builder(leaves []*joinLeaf, last *joinLeaf, eng eval.Engine) *mergeBuilder {
	b := &mergeBuilder{m: &mergePlan{}, eng: eng, colOf: map[string]int{}, columns: map[string]bool{}}
	b.source = func(c *sqlparser.ColName) (int, error) {
		r, err := jt.refs(c)
		if err != nil {
			return 0, err
		}
		l := leafOf(leaves, leafIndex(r))
		i, ok := l.hidden[strings.ToLower(c.Qualifier.Name.String())+"."+c.Name.Lowered()]
		if !ok || l.offset > last.offset {
			return 0, joinRefusal("column %s is not one the join reads", sqlparser.String(c))
		}
		return l.offset + i, nil
	}
	return b
}
