package route

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// A SELECT over tables no one shard holds together is planned as a
// left-deep tree of nested-loop joins (Vitess's ApplyJoin) over leaves,
// each leaf one statement the shards run:
//
//   - the FROM is flattened into its tables in FROM order, each marked
//     nullable when it is the right side of a LEFT JOIN (a RIGHT JOIN was
//     turned around first), with the conjuncts of its ON; the WHERE and
//     the ON of inner joins are conditions on the whole result;
//   - tables one shard statement can run together (joined on their
//     primary vindex columns, reference tables, tables pinned to one
//     shard, tables of one unsharded keyspace) are grouped into one leaf,
//     as far as the statement's routing allows;
//   - the leaves are ordered: first one restricted to one shard, then at
//     each step a leaf joined to the rows so far by an equality, and a
//     nullable leaf only once the tables its ON names are joined;
//   - each join binds a batch of the outer key values into its inner
//     leaf as an IN list (routed by the inner vindex when the key is on
//     it); conditions other than key equalities are a residual evaluated
//     over the joined row as part of the match, and conditions of the
//     WHERE on a nullable leaf filter the rows after its join.
//
// Conditions naming the tables of one leaf run in its statement.

// tableSet is a set of the tables of a join, by their FROM position.
type tableSet uint64

func (s tableSet) has(i int) bool           { return s&(1<<i) != 0 }
func (s tableSet) subsetOf(o tableSet) bool { return s&^o == 0 }

// joinTable is one table of a join being planned.
type joinTable struct {
	expr  *sqlparser.AliasedTableExpr
	name  string
	table *vschema.Table
	// nullable marks the right side of a LEFT JOIN, whose ON conjuncts are on.
	nullable bool
	on       []*joinCond
}

// joinCond is one conjunct of the conditions and the tables it names.
type joinCond struct {
	expr sqlparser.Expr
	refs tableSet
	done bool
}

// joinLeaf is tables one shard statement runs together.
type joinLeaf struct {
	tables   []int
	set      tableSet
	nullable bool
	single   bool
	// exprs are the leaf's columns: the user's select items it computes,
	// then the columns joins, residuals and filters read (hidden, by
	// "table.column").
	exprs  sqlparser.SelectExprs
	hidden map[string]int
	// offset is the position of the leaf's first column in the joined row.
	offset int
	plan   Plan
}

func (l *joinLeaf) width() int { return max(len(l.exprs), 1) }

// need returns the position in the leaf of a column it must return.
func (l *joinLeaf) need(c *sqlparser.ColName) int {
	k := strings.ToLower(c.Qualifier.Name.String()) + "." + c.Name.Lowered()
	if i, ok := l.hidden[k]; ok {
		return i
	}
	if l.hidden == nil {
		l.hidden = map[string]int{}
	}
	i := len(l.exprs)
	l.hidden[k] = i
	l.exprs = append(l.exprs, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier},
		As: sqlparser.NewColIdent("vjk" + strconv.Itoa(len(l.hidden)-1))})
	return i
}

// joinStep is one join of the chain: the rows so far with a leaf.
type joinStep struct {
	leaf *joinLeaf
	left bool
	// keys are the equalities, outer column then inner; the first is
	// bound when bound.
	keys     [][2]*sqlparser.ColName
	bound    bool
	residual []sqlparser.Expr
	filter   []sqlparser.Expr
}

// joinPlanner plans one SELECT over a join.
type joinPlanner struct {
	p      *Planner
	s      *Session
	nargs  int
	tables []*joinTable
	conds  []*joinCond
	byName map[string]int
}

// addTable records a table of the FROM.
func (jt *joinPlanner) addTable(te *sqlparser.AliasedTableExpr, nullable bool) (*joinTable, error) {
	tn, ok := te.Expr.(sqlparser.TableName)
	if !ok {
		return nil, joinRefusal("derived table %s in a join of tables on different shards", sqlparser.String(te))
	}
	vt, err := jt.p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), jt.s.Keyspace)
	if err != nil {
		return nil, err
	}
	name := tn.Name.String()
	if !te.As.IsEmpty() {
		name = te.As.String()
	}
	name = strings.ToLower(name)
	if _, dup := jt.byName[name]; dup {
		return nil, planErrorf("not unique table/alias: %s", name)
	}
	if len(jt.tables) >= 63 {
		return nil, joinRefusal("more than 63 tables")
	}
	t := &joinTable{expr: te, name: name, table: vt, nullable: nullable}
	jt.byName[name] = len(jt.tables)
	jt.tables = append(jt.tables, t)
	return t, nil
}

// from flattens a FROM item into tables and conditions.
func (jt *joinPlanner) from(te sqlparser.TableExpr) error {
	switch te := te.(type) {
	case *sqlparser.AliasedTableExpr:
		_, err := jt.addTable(te, false)
		return err
	case *sqlparser.ParenTableExpr:
		for _, e := range te.Exprs {
			if err := jt.from(e); err != nil {
				return err
			}
		}
		return nil
	case *sqlparser.JoinTableExpr:
		if len(te.Condition.Using) > 0 {
			return joinRefusal("USING across shards: write the ON condition")
		}
		switch te.Join {
		case sqlparser.JoinStr, sqlparser.StraightJoinStr:
			if err := jt.from(te.LeftExpr); err != nil {
				return err
			}
			if err := jt.from(te.RightExpr); err != nil {
				return err
			}
			if te.Condition.On != nil {
				for _, c := range splitAnd(te.Condition.On) {
					jt.conds = append(jt.conds, &joinCond{expr: c})
				}
			}
			return nil
		case sqlparser.LeftJoinStr:
			if err := jt.from(te.LeftExpr); err != nil {
				return err
			}
			right := oneTable(te.RightExpr)
			if right == nil {
				return joinRefusal("a LEFT JOIN whose right side %s is a join: only a table is the nullable side of a join across shards", sqlparser.String(te.RightExpr))
			}
			t, err := jt.addTable(right, true)
			if err != nil {
				return err
			}
			if te.Condition.On != nil {
				for _, c := range splitAnd(te.Condition.On) {
					t.on = append(t.on, &joinCond{expr: c})
				}
			}
			return nil
		}
		return joinRefusal("%s across shards: only JOIN, LEFT JOIN and RIGHT JOIN are run", strings.ToUpper(te.Join))
	}
	return joinRefusal("table expression %s", sqlparser.String(te))
}

// oneTable returns the table a FROM item is, nil when it is a join.
func oneTable(te sqlparser.TableExpr) *sqlparser.AliasedTableExpr {
	switch te := te.(type) {
	case *sqlparser.AliasedTableExpr:
		return te
	case *sqlparser.ParenTableExpr:
		if len(te.Exprs) == 1 {
			return oneTable(te.Exprs[0])
		}
	}
	return nil
}

// refs returns the tables an expression names; every column must be
// qualified by a table of the join.
func (jt *joinPlanner) refs(e sqlparser.SQLNode) (tableSet, error) {
	var set tableSet
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		c, ok := n.(*sqlparser.ColName)
		if !ok || bad != nil {
			return bad == nil, nil
		}
		i, found := jt.byName[strings.ToLower(c.Qualifier.Name.String())]
		switch {
		case c.Qualifier.IsEmpty() || !c.Qualifier.Qualifier.IsEmpty():
			bad = joinRefusal("qualify column %s with its table's name or alias", sqlparser.String(c))
		case !found:
			bad = planErrorf("unknown column %s: no table %s in the FROM clause", sqlparser.String(c), c.Qualifier.Name.String())
		default:
			set |= 1 << i
		}
		return false, nil
	}, e)
	return set, bad
}

// leafOf returns the leaf holding a table.
func leafOf(leaves []*joinLeaf, i int) *joinLeaf {
	for _, l := range leaves {
		if l.set.has(i) {
			return l
		}
	}
	return nil
}

// onRefs returns the other tables a nullable table's ON names.
func (jt *joinPlanner) onRefs(i int) tableSet {
	var need tableSet
	for _, c := range jt.tables[i].on {
		need |= c.refs
	}
	return need &^ (1 << i)
}

// group puts the tables into leaves: starting from a leaf per table, two
// leaves a condition links are merged when one shard statement runs
// their tables together, until no more merge; then a leaf that no
// condition links to any other (a cross product) joins the first leaf it
// runs with. A merged leaf starts with a table that is not nullable and
// holds every table the ON of its nullable tables names.
func (jt *joinPlanner) group() ([]*joinLeaf, error) {
	var leaves []*joinLeaf
	for i, t := range jt.tables {
		l := &joinLeaf{tables: []int{i}, set: 1 << i, nullable: t.nullable}
		l.single, _ = jt.together(l)
		leaves = append(leaves, l)
	}
	merge := func(i, j int) bool {
		cand := jt.mergeLeaves(leaves[i], leaves[j])
		if cand == nil {
			return false
		}
		single, ok := jt.together(cand)
		if !ok {
			return false
		}
		cand.single = single
		leaves[i] = cand
		leaves = slices.Delete(leaves, j, j+1)
		return true
	}
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(leaves) && !changed; i++ {
			for j := i + 1; j < len(leaves) && !changed; j++ {
				if jt.linked(leaves[i].set, leaves[j].set) {
					changed = merge(i, j)
				}
			}
		}
	}
	for j := 1; j < len(leaves); j++ {
		var others tableSet
		for _, o := range leaves {
			if o != leaves[j] {
				others |= o.set
			}
		}
		if jt.linked(leaves[j].set, others) {
			continue
		}
		for i := 0; i < j; i++ {
			if merge(i, j) {
				j--
				break
			}
		}
	}
	return leaves, nil
}

// mergeLeaves returns the leaf of the tables of a and b, nil when its
// first table would be nullable or a nullable table's ON names a table
// outside it.
func (jt *joinPlanner) mergeLeaves(a, b *joinLeaf) *joinLeaf {
	tables := append(slices.Clone(a.tables), b.tables...)
	slices.Sort(tables)
	set := a.set | b.set
	if jt.tables[tables[0]].nullable {
		return nil
	}
	for _, i := range tables {
		if jt.tables[i].nullable && !jt.onRefs(i).subsetOf(set) {
			return nil
		}
	}
	return &joinLeaf{tables: tables, set: set}
}

// linked reports a condition naming tables of both sets and no others.
func (jt *joinPlanner) linked(a, b tableSet) bool {
	for _, c := range jt.allConds() {
		if c.refs&a != 0 && c.refs&b != 0 && c.refs.subsetOf(a|b) {
			return true
		}
	}
	return false
}

// allConds returns the result's conditions and every ON condition of a
// nullable table.
func (jt *joinPlanner) allConds() []*joinCond {
	all := slices.Clone(jt.conds)
	for _, t := range jt.tables {
		all = append(all, t.on...)
	}
	return all
}

// together reports whether one shard statement runs a leaf's tables with
// their conditions, and whether it reaches one shard.
func (jt *joinPlanner) together(l *joinLeaf) (single, ok bool) {
	// Routing rewrites the conditions it routes by: it runs on a copy.
	stmt, err := Parse(sqlparser.String(jt.leafSelect(l, nil, nil)))
	if err != nil {
		return false, false
	}
	sel := stmt.(*sqlparser.Select)
	a := newAnalysis(jt.p, jt.s)
	top, err := a.selectScope(sel, nil, true)
	if err != nil {
		return false, false
	}
	r, _, err := a.route(top)
	if err != nil {
		return false, false
	}
	// Checked before planning: a statement refused here is planned as a
	// join, which would ask again.
	if !r.single() && a.checkAnchored(sel, top) != nil {
		return false, false
	}
	pl, err := jt.planLeaf(sel, jt.nargs)
	if err != nil {
		return false, false
	}
	if _, isRoute := pl.(*selectPlan); !isRoute {
		return false, false
	}
	return singleShard(pl), true
}

// leafConds returns the conditions a leaf's statement runs: the result's
// conditions naming only its tables (none for a nullable leaf, whose
// rows are NULL-extended before they apply), a nullable leaf's ON
// conditions naming only it, and extra.
func (jt *joinPlanner) leafConds(l *joinLeaf) []*joinCond {
	var out []*joinCond
	if l.nullable {
		for _, c := range jt.tables[l.tables[0]].on {
			if c.refs.subsetOf(l.set) {
				out = append(out, c)
			}
		}
		return out
	}
	for _, c := range jt.conds {
		if c.refs != 0 && c.refs.subsetOf(l.set) {
			out = append(out, c)
		}
	}
	return out
}

// leafSelect renders a leaf's statement: its tables in FROM order (a
// nullable table of the leaf LEFT JOINed with its ON), its conditions
// and extra ones, selecting its columns.
func (jt *joinPlanner) leafSelect(l *joinLeaf, extra []sqlparser.Expr, exprs sqlparser.SelectExprs) *sqlparser.Select {
	conds := jt.leafConds(l)
	placed := map[*joinCond]bool{}
	var from sqlparser.TableExpr
	var seen tableSet
	for k, i := range l.tables {
		t := jt.tables[i]
		seen |= 1 << i
		if k == 0 {
			from = t.expr
			continue
		}
		var on []sqlparser.Expr
		join := sqlparser.JoinStr
		if t.nullable && !l.nullable {
			join = sqlparser.LeftJoinStr
			for _, c := range t.on {
				on = append(on, c.expr)
			}
		} else {
			for _, c := range conds {
				if !placed[c] && c.refs.has(i) && c.refs.subsetOf(seen) {
					placed[c] = true
					on = append(on, c.expr)
				}
			}
		}
		if len(on) == 0 {
			on = []sqlparser.Expr{&sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: sqlparser.NewIntVal([]byte("1")), Right: sqlparser.NewIntVal([]byte("1"))}}
		}
		from = &sqlparser.JoinTableExpr{LeftExpr: from, Join: join, RightExpr: t.expr, Condition: sqlparser.JoinCondition{On: andAll(on)}}
	}
	var where []sqlparser.Expr
	for _, c := range conds {
		if !placed[c] {
			where = append(where, c.expr)
		}
	}
	where = append(where, extra...)
	if len(exprs) == 0 {
		exprs = sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: sqlparser.NewIntVal([]byte("1")), As: sqlparser.NewColIdent("vjone")}}
	}
	sel := &sqlparser.Select{SelectExprs: exprs, From: sqlparser.TableExprs{from}}
	if len(where) > 0 {
		sel.Where = sqlparser.NewWhere(sqlparser.WhereStr, andAll(where))
	}
	return sel
}

// andAll is the conjunction of conditions.
func andAll(es []sqlparser.Expr) sqlparser.Expr {
	w := es[0]
	for _, c := range es[1:] {
		w = &sqlparser.AndExpr{Left: w, Right: c}
	}
	return w
}

// planLeaf plans a leaf statement on its own text, so planning it does
// not change the join's expressions.
func (jt *joinPlanner) planLeaf(sel *sqlparser.Select, nargs int) (Plan, error) {
	stmt, err := Parse(sqlparser.String(sel))
	if err != nil {
		return nil, err
	}
	return jt.p.planSelect(stmt.(*sqlparser.Select), jt.s, nargs)
}

// order returns the leaves in the order the chain joins them: first the
// leaf restricted to one shard (else the first), then at each step the
// leaf that may join next (a nullable one once the tables its ON names
// are joined) that an equality links to the rows so far, restricted to
// one shard, earliest in FROM order, in that preference.
func (jt *joinPlanner) order(leaves []*joinLeaf) ([]*joinLeaf, error) {
	var out []*joinLeaf
	var placed tableSet
	used := make([]bool, len(leaves))
	for len(out) < len(leaves) {
		best, bestScore := -1, -1
		for i, l := range leaves {
			if used[i] {
				continue
			}
			if l.nullable && (len(out) == 0 || !jt.onRefs(l.tables[0]).subsetOf(placed)) {
				continue
			}
			score := 0
			if l.single {
				score++
			}
			if len(out) > 0 {
				switch jt.link(l, placed) {
				case 2:
					score += 4
				case 1:
					score += 2
				}
			}
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		if best < 0 {
			return nil, joinRefusal("the ON conditions of the LEFT JOINs name tables in an order the joins cannot run")
		}
		used[best] = true
		out = append(out, leaves[best])
		placed |= leaves[best].set
	}
	return out, nil
}

// link reports how a leaf's conditions relate it to the tables placed:
// 2 by an equality of columns, 1 by another condition, 0 not at all.
func (jt *joinPlanner) link(l *joinLeaf, placed tableSet) int {
	conds := jt.conds
	if l.nullable {
		conds = jt.tables[l.tables[0]].on
	}
	best := 0
	for _, c := range conds {
		if c.refs&l.set == 0 || c.refs&placed == 0 || !c.refs.subsetOf(placed|l.set) {
			continue
		}
		best = max(best, 1)
		if _, _, ok := jt.keyPair(c.expr, placed, l.set); ok {
			return 2
		}
	}
	return best
}

// keyPair returns the columns of an equality of a column of the outer
// tables and one of the inner ones.
func (jt *joinPlanner) keyPair(e sqlparser.Expr, outer, inner tableSet) (o, i *sqlparser.ColName, ok bool) {
	cmp, isCmp := e.(*sqlparser.ComparisonExpr)
	if !isCmp || cmp.Operator != sqlparser.EqualStr {
		return nil, nil, false
	}
	a, aok := cmp.Left.(*sqlparser.ColName)
	b, bok := cmp.Right.(*sqlparser.ColName)
	if !aok || !bok {
		return nil, nil, false
	}
	ra, _ := jt.refs(a)
	rb, _ := jt.refs(b)
	switch {
	case ra.subsetOf(outer) && rb.subsetOf(inner):
		return a, b, true
	case rb.subsetOf(outer) && ra.subsetOf(inner):
		return b, a, true
	}
	return nil, nil, false
}

// steps decides, for each leaf after the first, the keys, residual and
// filter of its join, marking the conditions it runs.
func (jt *joinPlanner) steps(order []*joinLeaf) ([]*joinStep, error) {
	for _, c := range jt.leafConds(order[0]) {
		c.done = true
	}
	for _, c := range jt.conds {
		if c.refs == 0 {
			c.done = true
		}
	}
	placed := order[0].set
	var steps []*joinStep
	for _, l := range order[1:] {
		st := &joinStep{leaf: l, left: l.nullable}
		for _, c := range jt.leafConds(l) {
			c.done = true
		}
		var match []*joinCond
		if l.nullable {
			for _, c := range jt.tables[l.tables[0]].on {
				if !c.done {
					match = append(match, c)
				}
			}
		}
		for _, c := range jt.conds {
			if c.done || c.refs&l.set == 0 || !c.refs.subsetOf(placed|l.set) {
				continue
			}
			if l.nullable {
				st.filter = append(st.filter, c.expr)
				c.done = true
			} else {
				match = append(match, c)
			}
		}
		for _, c := range match {
			c.done = true
			if o, i, ok := jt.keyPair(c.expr, placed, l.set); ok {
				st.keys = append(st.keys, [2]*sqlparser.ColName{o, i})
			} else {
				st.residual = append(st.residual, c.expr)
			}
		}
		// Bind the key on a primary vindex column of the leaf, else the first.
		if len(st.keys) > 0 {
			at := 0
			for k, key := range st.keys {
				ti, _ := jt.refs(key[1])
				vt := jt.tables[leafIndex(ti)].table
				if p := vt.Primary(); p != nil && vt.IsSharded() && len(p.Columns) == 1 && p.Columns[0] == key[1].Name.Lowered() {
					at = k
					break
				}
			}
			st.keys[0], st.keys[at] = st.keys[at], st.keys[0]
			st.bound = true
		}
		placed |= l.set
		steps = append(steps, st)
	}
	for _, c := range jt.conds {
		if !c.done {
			return nil, joinRefusal("condition %s is not run", sqlparser.String(c.expr))
		}
	}
	return steps, nil
}

// leafIndex returns the position of the one table of a set.
func leafIndex(s tableSet) int {
	for i := 0; i < 64; i++ {
		if s.has(i) {
			return i
		}
	}
	return 0
}

// columnsOf returns the columns an expression names.
func columnsOf(e sqlparser.SQLNode) []*sqlparser.ColName {
	var out []*sqlparser.ColName
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if c, ok := n.(*sqlparser.ColName); ok {
			out = append(out, c)
		}
		return true, nil
	}, e)
	return out
}

// describeConds renders conditions for VEXPLAIN.
func describeConds(es []sqlparser.Expr) string {
	if len(es) == 0 {
		return ""
	}
	return sqlparser.String(andAll(es))
}

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
	case sel.Lock != "":
		return nil, joinRefusal("%s over a join", strings.ToUpper(strings.TrimSpace(sel.Lock)))
	case hasAggregate(sel.SelectExprs):
		return nil, joinRefusal("aggregates over the rows of a join are not run at the merge")
	case hasSubquery(sel):
		return nil, joinRefusal("subqueries in a join of tables on different shards")
	}
	jt := &joinPlanner{p: p, s: s, nargs: nargs, byName: map[string]int{}}
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
	for _, c := range jt.allConds() {
		r, err := jt.refs(c.expr)
		if err != nil {
			return nil, err
		}
		c.refs = r
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
	for _, st := range steps {
		for _, k := range st.keys {
			ro, _ := jt.refs(k[0])
			leafOf(leaves, leafIndex(ro)).need(k[0])
			st.leaf.need(k[1])
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
	batch := p.batchRows()
	if order[0].plan, err = jt.planLeaf(jt.leafSelect(order[0], zero, order[0].exprs), nargs); err != nil {
		return nil, err
	}
	var cur Plan = order[0].plan
	var top *joinPlan
	for _, st := range steps {
		l := st.leaf
		var extra []sqlparser.Expr
		n := nargs
		if st.bound {
			var list sqlparser.ValTuple
			for b := 0; b < batch; b++ {
				list = append(list, sqlparser.NewValArg([]byte(":v"+strconv.Itoa(nargs+b+1))))
			}
			extra = append(extra, &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: st.keys[0][1], Right: list})
			n += batch
		}
		if l.plan, err = jt.planLeaf(jt.leafSelect(l, extra, l.exprs), n); err != nil {
			return nil, err
		}
		eng := p.engineOfKeyspace(jt.tables[l.tables[0]].table.Keyspace)
		node := &joinPlan{outer: cur, inner: l.plan, left: st.left, keys: joinKeys(st, leaves, jt), bound: st.bound,
			batch: batch, eng: eng, nargs: nargs, maxRows: p.memoryRows()}
		if p.hashJoins(st, cur, l.plan) {
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
