package route

import (
	"slices"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

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
	// derived marks a derived table (see derived_join.go); table is then
	// the first table its SELECT reads, which gives its backend. nested
	// marks the derived table that is the nullable join of a LEFT JOIN
	// (see join_nested.go), bound by the outer keys.
	derived, nested bool
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
	// single says the leaf reaches one shard; narrow that it reaches
	// some shards by a vindex (IN, Equal), not all.
	single, narrow bool
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
	// nested are the aliases of the nullable joins planned as derived
	// tables; lock is the lock clause every leaf statement carries.
	nested map[string]bool
	lock   string
}

// addTable records a table of the FROM.
func (jt *joinPlanner) addTable(te *sqlparser.AliasedTableExpr, nullable bool) (*joinTable, error) {
	var vt *vschema.Table
	var name string
	derived := false
	switch tn := te.Expr.(type) {
	case sqlparser.TableName:
		var err error
		if vt, err = jt.p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), jt.s.Keyspace); err != nil {
			return nil, err
		}
		name = tn.Name.String()
		if !te.As.IsEmpty() {
			name = te.As.String()
		}
	case *sqlparser.Subquery:
		var err error
		if vt, err = jt.p.derivedTable(te, jt.s); err != nil {
			return nil, err
		}
		name, derived = te.As.String(), true
	default:
		return nil, joinRefusal("table expression %s in a join of tables on different shards", sqlparser.String(te))
	}
	name = strings.ToLower(name)
	if _, dup := jt.byName[name]; dup {
		return nil, planErrorf("not unique table/alias: %s", name)
	}
	if len(jt.tables) >= 63 {
		return nil, joinRefusal("more than 63 tables")
	}
	t := &joinTable{expr: te, name: name, table: vt, nullable: nullable, derived: derived, nested: derived && jt.nested[name]}
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
				return joinRefusal("a LEFT JOIN whose right side %s is a join that is not planned apart", sqlparser.String(te.RightExpr))
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
		l.single, l.narrow, _ = jt.together(l)
		if t.derived && jt.p.readsHeld(t.expr) != nil {
			// Rows the router holds reach no shard: the outer side of
			// choice, binding the tables joined to them.
			l.single = true
		}
		leaves = append(leaves, l)
	}
	merge := func(i, j int) bool {
		cand := jt.mergeLeaves(leaves[i], leaves[j])
		if cand == nil {
			return false
		}
		single, narrow, ok := jt.together(cand)
		if !ok {
			return false
		}
		cand.single, cand.narrow = single, narrow
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
	// A derived table is a leaf of its own: its SELECT is planned apart.
	for _, i := range tables {
		if jt.tables[i].derived {
			return nil
		}
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
// their conditions, and whether it reaches one shard, or some by a vindex.
func (jt *joinPlanner) together(l *joinLeaf) (single, narrow, ok bool) {
	// Routing rewrites the conditions it routes by: it runs on a copy.
	stmt, err := Parse(sqlparser.String(jt.leafSelect(l, nil, nil)))
	if err != nil {
		return false, false, false
	}
	sel := stmt.(*sqlparser.Select)
	a := newAnalysis(jt.p, jt.s)
	top, err := a.selectScope(sel, nil, true)
	if err != nil {
		return false, false, false
	}
	r, same, err := a.route(top)
	if err != nil || len(same) > 0 {
		return false, false, false
	}
	// Checked before planning: a statement refused here is planned as a
	// join, which would ask again. Tables each pinned to one shard by
	// their own values are together only if the values are on one shard,
	// which the plan checks when it runs: the join runs them apart.
	if !r.single() && a.checkAnchored(sel, top) != nil {
		return false, false, false
	}
	pl, err := jt.planLeaf(sel, jt.nargs)
	if err != nil {
		return false, false, false
	}
	sp, isRoute := pl.(*selectPlan)
	if !isRoute {
		return false, false, false
	}
	switch sp.routing.opcode {
	case IN, Equal, MultiEqual:
		narrow = true
	}
	return singleShard(pl), narrow, true
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
	sel := &sqlparser.Select{SelectExprs: exprs, From: sqlparser.TableExprs{from}, Lock: jt.lock}
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
// leaf restricted to one shard, else to some shards by a vindex, else the
// first; then at each step the leaf that may join next (a nullable one
// once the tables its ON names are joined) that an equality links to the
// rows so far (else another condition), reaching fewest shards, earliest
// in FROM order, in that preference.
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
			switch {
			case l.single:
				score = 2
			case l.narrow:
				score = 1
			}
			if len(out) > 0 {
				score += 4 * jt.link(l, placed)
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
			// A derived table is read once, unbound: its rows are those
			// of its whole SELECT, which a key list would not narrow,
			// unless the key list narrows and routes its SELECT (see
			// derivedBindable); a nested join is narrowed by it (see
			// join_nested.go).
			lt := jt.tables[l.tables[0]]
			st.bound = !lt.derived || lt.nested || jt.p.derivedBindable(lt.expr, st.keys[0][1], jt.s)
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
