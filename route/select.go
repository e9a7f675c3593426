package route

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// selectPlan runs a SELECT on the shards its routing names and merges
// their rows.
type selectPlan struct {
	p       *Planner
	routing *routing
	// sameShard lists routings of other table groups that must reach the
	// same single shard as routing (tables pinned by their own conditions).
	sameShard []*routing
	stmt      *shardStmt
	// impossible is stmt with a WHERE no row satisfies: a route to no
	// shard still returns the statement's columns (and a scalar
	// aggregate's one row) by running it on one shard.
	impossible *shardStmt
	// merger combines several shards' rows; nil means concatenate.
	merger *mergePlan
	// whole and wholeImpossible are the statement as written, without the
	// merge's rewriting, for an execution of a merged plan that reaches
	// one shard (an IN list whose values all live there): it is sent
	// whole and its rows streamed through.
	whole, wholeImpossible *shardStmt
	nargs                  int
	// names are the statement's column names when a backend would report
	// one otherwise (see longNames); nil when the backend's are the same.
	names []string
	// apart runs the statement as a join at the router when the tables
	// of sameShard land on other shards than routing's; nil when none.
	apart Plan
}

var _ Plan = (*selectPlan)(nil)

func (sp *selectPlan) NumArgs() int { return sp.nargs }

// queries binds the statement for the shards of one execution; whole
// reports the statement as written, on one shard, needing no merge.
func (sp *selectPlan) queries(ctx context.Context, vc Cursor, args []any) (qs []ShardQuery, whole bool, err error) {
	targets, err := sp.routing.resolve(ctx, vc, sp.p.topo, args)
	if err != nil {
		return nil, false, err
	}
	if len(targets) == 0 && sp.routing.optional {
		if targets, err = sp.optionalTargets(ctx, vc, args); err != nil {
			return nil, false, err
		}
	}
	if err := sp.checkSameShard(ctx, vc, args, targets); err != nil {
		if sp.apart != nil {
			return nil, false, errRunApart
		}
		return nil, false, err
	}
	stmt := sp.stmt
	if len(targets) == 0 {
		stmt = sp.impossible
		targets = []target{{shard: sp.p.topo.Shards(sp.routing.keyspace.Name)[0]}}
		if sp.wholeImpossible != nil {
			stmt, whole = sp.wholeImpossible, true
		}
	} else if len(targets) == 1 && sp.whole != nil {
		stmt, whole = sp.whole, true
	}
	var mvars map[string]any
	if !whole {
		if mvars, err = sp.merger.vars(args); err != nil {
			return nil, false, err
		}
	}
	qs = make([]ShardQuery, len(targets))
	for i, t := range targets {
		extra := mvars
		if sp.routing.rewritten {
			extra = map[string]any{listArgName: nonNilVals(t.vals)}
			for k, v := range mvars {
				extra[k] = v
			}
		}
		q, err := stmt.bind(ctx, t.shard, args, extra)
		if err != nil {
			return nil, false, err
		}
		qs[i] = q
	}
	return qs, whole, nil
}

// optionalTargets is where a statement runs whose routed tables, which
// its rows do not need, are on no shard: the one shard of the first
// other table group routed to one (a UNION's other SELECT), else the
// keyspace's first; the routed tables have no rows there.
func (sp *selectPlan) optionalTargets(ctx context.Context, vc Cursor, args []any) ([]target, error) {
	for _, r := range sp.sameShard {
		other, err := r.resolve(ctx, vc, sp.p.topo, args)
		if err != nil {
			return nil, err
		}
		if len(other) == 1 {
			return []target{{shard: other[0].shard}}, nil
		}
	}
	return []target{{shard: sp.p.topo.Shards(sp.routing.keyspace.Name)[0]}}, nil
}

// errRunApart tells a selectPlan's executions that its pinned tables are
// on different shards and its join at the router runs instead.
var errRunApart = errors.New("vitessdo: pinned tables on different shards")

// checkSameShard verifies that table groups routed on their own land on
// the statement's one shard; anything else would need a cross-shard join.
func (sp *selectPlan) checkSameShard(ctx context.Context, vc Cursor, args []any, targets []target) error {
	for _, r := range sp.sameShard {
		other, err := r.resolve(ctx, vc, sp.p.topo, args)
		if err != nil {
			return err
		}
		if len(other) == 0 || len(targets) == 0 {
			continue
		}
		if len(targets) != 1 || len(other) != 1 || other[0].shard != targets[0].shard {
			return unsupportedf("cross-shard join: the conditions place the tables on different shards (%s and %s)", shardList(targets), shardList(other))
		}
	}
	return nil
}

func shardList(ts []target) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.shard.String()
	}
	return strings.Join(names, ", ")
}

func (sp *selectPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	it, err := sp.query(ctx, vc, args)
	if err == errRunApart {
		return sp.apart.Query(ctx, vc, args)
	}
	if err != nil || sp.names == nil {
		return it, err
	}
	return merge.NewRename(it, sp.names), nil
}

func (sp *selectPlan) query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	if q, ok, err := sp.pointQuery(ctx, vc, args); ok {
		if err != nil {
			return nil, err
		}
		return streamOne(ctx, vc, q)
	}
	qs, whole, err := sp.queries(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	streams, err := vc.StreamShards(ctx, qs)
	if err != nil {
		return nil, err
	}
	if sp.merger == nil || whole {
		if len(streams) == 1 {
			return streams[0], nil
		}
		return merge.NewConcat(streams), nil
	}
	eng, err := sp.merger.engine(qs)
	if err != nil {
		closeAll(streams)
		return nil, err
	}
	return sp.merger.merge(streams, eng, args)
}

// engine returns the value semantics the merge of a statement's shard
// results uses: its shards' backend's. A keyspace may hold shards of both
// backends (the state in the middle of moving it from SQLite to
// PostgreSQL); a statement over such shards whose merge compares,
// combines or computes values is unsupported, because SQLite and
// PostgreSQL order, group and add values by different rules and no one
// choice equals what a single database would answer. Concatenating rows,
// and cutting them at a LIMIT without ORDER BY, needs no semantics.
func (m *mergePlan) engine(qs []ShardQuery) (eval.Engine, error) {
	first := qs[0].Shard
	for _, q := range qs[1:] {
		if engineOf(q.Shard) == engineOf(first) || !m.needsSemantics() {
			continue
		}
		return eval.SQLite, unsupportedf("merging the rows of %s (%s) and %s (%s): the merge would compare values by one backend's rules; query each backend's shards apart until the keyspace is on one backend",
			first, first.Backend.Product(), q.Shard, q.Shard.Backend.Product())
	}
	return engineOf(first), nil
}

// needsSemantics reports whether the merge compares, combines or computes
// values.
func (m *mergePlan) needsSemantics() bool {
	return len(m.order) > 0 || m.distinct || m.agg != nil || len(m.computed) > 0
}

func (sp *selectPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, sp, vc, args)
}

func (sp *selectPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	qs, _, err := sp.queries(ctx, vc, args)
	if err == errRunApart {
		return sp.apart.Explain(ctx, vc, args)
	}
	if err != nil {
		return nil, err
	}
	return explainRows(qs), nil
}

// engineOf returns the value semantics of a shard's backend
// (shard.ValueSemantics); SQLite's for a backend that names none.
func engineOf(s *shard.Shard) eval.Engine {
	if vs, ok := s.Backend.Capabilities().(shard.ValueSemantics); ok {
		return vs.Semantics()
	}
	return eval.SQLite
}

// planSelect plans a SELECT (or UNION) over tables.
func (p *Planner) planSelect(sel sqlparser.SelectStatement, s *Session, nargs int) (Plan, error) {
	if st, ok := sel.(*sqlparser.Select); ok && ownWindows(st) {
		return p.planWindows(st, s, nargs)
	}
	return p.planSelectRows(sel, s, nargs)
}

// planSelectRows plans a SELECT (or UNION) whose own select list and
// ORDER BY hold no window function.
func (p *Planner) planSelectRows(sel sqlparser.SelectStatement, s *Session, nargs int) (Plan, error) {
	if st, ok := sel.(*sqlparser.Select); ok {
		q, err := p.qualifyOnSubqueries(st, s)
		if err != nil {
			return nil, err
		}
		if q, err = p.qualifyDerivedSubqueries(q, s); err != nil {
			return nil, err
		}
		moved, err := subqueriesOutOfOn(q)
		if err != nil {
			return nil, err
		}
		sel = moved
	}
	if st, ok := sel.(*sqlparser.Select); ok && !isTableless(st) && (st.Where != nil && hasSubquery(st) || onHasSubquery(st.From) || st.Having != nil && exprHasSubquery(st.Having.Expr) || hasSubqueryIn(st.SelectExprs) || hasSubqueryIn(st.OrderBy)) {
		return p.planSelectOrPullout(st, s, nargs)
	}
	return p.planSelectStatement(sel, s, nargs)
}

func (p *Planner) planSelectStatement(sel sqlparser.SelectStatement, s *Session, nargs int) (Plan, error) {
	if ps, ok := sel.(*sqlparser.ParenSelect); ok {
		return p.planSelect(ps.Select, s, nargs)
	}
	if pl, ok, err := p.planHeld(sel, s, nargs); ok {
		return pl, err
	}
	if isTableless(sel) {
		return p.planTableless(sel, s, nargs)
	}
	u, union := sel.(*sqlparser.Union)
	var sides *sqlparser.Union
	if union {
		// The sides are planned on a copy: routing the union as one
		// statement rewrites its conditions.
		c, err := cloneSelect(u)
		if err != nil {
			return nil, err
		}
		sides = c.(*sqlparser.Union)
	}
	var joinSel *sqlparser.Select
	if st, ok := sel.(*sqlparser.Select); ok && !union && namedTables(st) {
		c, err := cloneSelect(st)
		if err != nil {
			return nil, err
		}
		joinSel = c.(*sqlparser.Select)
	}
	var derivedJoin *sqlparser.Select
	if st, ok := sel.(*sqlparser.Select); ok && !union && joinsDerived(st) {
		c, err := cloneSelect(st)
		if err != nil {
			return nil, err
		}
		derivedJoin = c.(*sqlparser.Select)
	}
	var derivedSel *sqlparser.Select
	if st, ok := sel.(*sqlparser.Select); ok && derivedFrom(st) != nil {
		if p.readsShardedTable(st, s) {
			pushIntoDerived(st)
		}
		c, err := cloneSelect(st)
		if err != nil {
			return nil, err
		}
		derivedSel = c.(*sqlparser.Select)
	}
	a := newAnalysis(p, s)
	top, err := a.selectScope(sel, nil, true)
	if err != nil {
		return nil, err
	}
	r, same, err := a.route(top)
	if err == nil && !r.single() && nestedWindows(sel) && !p.shardLocalWindows(sel, s) {
		// Each shard would compute the windows over its own rows.
		err = unsupportedf("window functions in a derived table or a subquery over several shards")
	}
	if derivedSel != nil && err != nil {
		return p.planDerivedInstead(derivedSel, s, nargs, a, err)
	}
	if joinSel != nil && isCrossShard(err) {
		return p.planJoinSelect(joinSel, s, nargs, p.engineOfKeyspace(a.tables[0].table.Keyspace), err)
	}
	if derivedJoin != nil && err != nil {
		return p.planDerivedJoin(derivedJoin, s, nargs, a, err)
	}
	if union && (err != nil || !r.single() || len(same) > 0) {
		eng := p.engineOfKeyspace(p.defaultKeyspace(s))
		if len(a.tables) > 0 {
			eng = p.engineOfKeyspace(a.tables[0].table.Keyspace)
		}
		if x, y := p.mixedBackends(a.tables); x != nil && (u.OrderBy != nil || unionDistinct(u)) {
			return nil, unsupportedf("UNION over %s and %s, whose backends order and compare values by different rules: query each backend's shards apart", x, y)
		}
		var whole *selectPlan
		if err == nil && r.single() {
			stripQualifiers(sel, r.keyspace)
			nameColumns(sel)
			whole = &selectPlan{p: p, routing: r, sameShard: same, nargs: nargs, stmt: newShardStmt(sel), impossible: newShardStmt(sel)}
		}
		ks, kerr := a.keyspace()
		if kerr != nil || len(a.tables) == 0 {
			ks = nil
		}
		return p.planUnion(sides, s, nargs, whole, eng, ks)
	}
	if err != nil {
		return nil, joinedDerivedRefusal(sel, err)
	}
	stripQualifiers(sel, r.keyspace)
	named := nameColumns(sel)
	sp := &selectPlan{p: p, routing: r, sameShard: same, nargs: nargs, names: longNames(sel)}
	if apartSel := joinSel; len(same) > 0 {
		if apartSel == nil {
			apartSel = derivedJoin
		}
		// Planned now; run only when the pinned tables' shards differ.
		if apartSel != nil {
			if jp, err := p.planJoinSelect(apartSel, s, nargs, p.engineOfKeyspace(r.keyspace), nil); err == nil {
				sp.apart = jp
			}
		}
	}
	if !r.single() {
		if err := a.checkAnchored(sel, top); err != nil {
			switch {
			case joinSel != nil:
				return p.planJoinSelect(joinSel, s, nargs, p.engineOfKeyspace(r.keyspace), err)
			case derivedSel != nil:
				return p.planDerivedInstead(derivedSel, s, nargs, a, err)
			case derivedJoin != nil:
				return p.planDerivedJoin(derivedJoin, s, nargs, a, err)
			}
			return nil, err
		}
		if err := a.checkPushdown(top); err != nil {
			if derivedSel != nil {
				return p.planDerivedInstead(derivedSel, s, nargs, a, err)
			}
			if derivedJoin != nil {
				return p.planDerivedJoin(derivedJoin, s, nargs, a, err)
			}
			return nil, joinedDerivedRefusal(sel, err)
		}
		if st, ok := sel.(*sqlparser.Select); ok && st.Distinct != "" && hasStar(st) {
			// DISTINCT compares whole rows: * becomes the FROM tables'
			// columns, which the merge sorts and compares by.
			if c, err := cloneSelect(st); err == nil && p.expandStars(c.(*sqlparser.Select), s) == nil {
				st.SelectExprs = c.(*sqlparser.Select).SelectExprs
			}
		}
		in := mergeInput{a: a, named: named, eng: p.engineOfKeyspace(r.keyspace), maxRows: p.memoryRows()}
		if s, ok := sel.(*sqlparser.Select); ok {
			in.probe = p.columnProbe(r.keyspace, s, nargs)
		}
		m, shardSel, err := planMerge(in, sel)
		if err != nil {
			return nil, err
		}
		sp.whole, sp.wholeImpossible = newShardStmt(sel), newShardStmt(impossibleQuery(sel))
		sp.merger, sel = m, shardSel
	}
	sp.stmt = newShardStmt(sel)
	sp.impossible = newShardStmt(impossibleQuery(sel))
	return sp, nil
}

// route decides the routing of a statement analysed into scopes.
func (a *analysis) route(top *scope) (*routing, []*routing, error) {
	ks, err := a.keyspace()
	if err != nil {
		return nil, nil, err
	}
	if ks == nil {
		return nil, nil, planErrorf("statement has no table")
	}
	if !ks.Sharded {
		return &routing{keyspace: ks, opcode: Unsharded}, nil, nil
	}
	a.colocate()
	groups := a.groups()
	if len(groups) == 0 {
		return &routing{keyspace: ks, opcode: Reference}, nil, nil
	}
	var routings []*routing
	for _, g := range groups {
		r, err := a.groupRouting(ks, g)
		if err != nil {
			return nil, nil, err
		}
		routings = append(routings, r)
	}
	if len(routings) == 1 {
		return routings[0], nil, nil
	}
	for i, r := range routings {
		if !r.single() {
			if sub := a.subqueryGroup(groups); sub > 0 {
				return nil, nil, unsupportedf("subquery over %s on other shards than the rows of %s: it is not correlated with them on their primary vindex column, and no condition pins both to one shard",
					groupNames(groups[sub]), groupNames(groups[0]))
			}
			return nil, nil, unsupportedf("cross-shard join: %s and %s are not joined on their primary vindex columns, and no condition pins them to one shard",
				groupNames(groups[0]), groupNames(groups[max(i, 1)]))
		}
	}
	return routings[0], routings[1:], nil
}

// checkAnchored refuses a statement sent to several shards whose rows
// would not each come from one shard: when the routed tables are only in
// subqueries or on the nullable side of an outer join, every shard
// returns the other tables' rows (see anchored).
func (a *analysis) checkAnchored(sel sqlparser.SelectStatement, top *scope) error {
	s, ok := sel.(*sqlparser.Select)
	if !ok {
		return nil
	}
	groups := a.groups()
	if len(groups) == 0 {
		return nil
	}
	group := map[*tableRef]bool{}
	for _, r := range groups[0] {
		group[r] = true
	}
	if a.anchoredFrom(s.From, group, top) {
		return nil
	}
	var outer []string
	for _, r := range top.tables {
		if !group[r] && !slices.Contains(outer, r.table.Name) {
			outer = append(outer, r.table.Name)
		}
	}
	if len(outer) == 0 {
		return unsupportedf("subquery over several shards (%s) in a statement without sharded rows of its own: run the subquery on its own", groupNames(groups[0]))
	}
	return unsupportedf("the rows of %s would repeat on every shard: the sharded tables (%s) are only in subqueries or on the nullable side of an outer join", strings.Join(outer, ", "), groupNames(groups[0]))
}

// subqueryGroup returns the index of a group whose tables are all in
// subqueries (not in the statement's FROM or its derived tables), 0 when
// none is.
func (a *analysis) subqueryGroup(groups [][]*tableRef) int {
	for i, g := range groups {
		if i == 0 {
			continue
		}
		inSub := true
		for _, r := range g {
			if r.scope.routes || r.scope == a.top {
				inSub = false
			}
		}
		if inSub {
			return i
		}
	}
	return 0
}

// groups returns the sharded and pinned tables, grouped by co-location;
// the group holding a top-level table comes first.
func (a *analysis) groups() [][]*tableRef {
	byRoot := map[int]int{}
	var out [][]*tableRef
	pinned := map[string]int{}
	for _, r := range a.tables {
		t := r.table
		switch {
		case t.Pinned != nil:
			k := string(t.Pinned)
			i, ok := pinned[k]
			if !ok {
				i = len(out)
				pinned[k] = i
				out = append(out, nil)
			}
			out[i] = append(out[i], r)
		case t.IsSharded():
			root := a.find(r.idx)
			i, ok := byRoot[root]
			if !ok {
				i = len(out)
				byRoot[root] = i
				out = append(out, nil)
			}
			out[i] = append(out[i], r)
		}
	}
	return out
}

func groupNames(g []*tableRef) string {
	var names []string
	for _, r := range g {
		if !slices.Contains(names, r.table.Name) {
			names = append(names, r.table.Name)
		}
	}
	return strings.Join(names, ", ")
}

// groupRouting chooses the routing of one group of co-located tables from
// the conditions that restrict the statement's rows: those of routing
// scopes holding a table of the group, or else of the group's own scope.
func (a *analysis) groupRouting(ks *vschema.Keyspace, g []*tableRef) (*routing, error) {
	if g[0].table.Pinned != nil {
		return &routing{keyspace: ks, opcode: EqualUnique, pinned: g[0].table.Pinned}, nil
	}
	var conds []sqlparser.Expr
	var sc *scope
	for _, r := range g {
		if r.scope.routes {
			if sc == nil {
				sc = r.scope
			}
			conds = append(conds, r.scope.conds...)
		}
	}
	// No table of the group in a routing scope: the statement's rows
	// need none of its rows.
	optional := sc == nil
	if optional {
		sc = g[0].scope
		conds = sc.conds
	}
	c := a.chooseRouting(sc, g, conds)
	if c == nil {
		return &routing{keyspace: ks, opcode: Scatter}, nil
	}
	r := &routing{keyspace: ks, opcode: c.opcode, vindex: c.cv, hash8: hash8Of(c.cv), values: c.values, tuples: c.tuples, optional: optional}
	if c.opcode == IN {
		rewriteIn(c)
		r.rewritten = true
	}
	return r, nil
}

// rewriteIn replaces the IN (or OR) condition by `col IN ::__vals`, so each
// shard receives only the values that map to it.
func rewriteIn(c *candidate) {
	in := &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: c.col, Right: sqlparser.ListArg("::" + listArgName)}
	switch cond := c.cond.(type) {
	case *sqlparser.ComparisonExpr:
		*cond = *in
	case *sqlparser.OrExpr:
		// An OR node cannot become a comparison in place: make it
		// `col IN ::__vals OR FALSE`, which means the same.
		cond.Left = in
		cond.Right = sqlparser.BoolVal(false)
	}
}

// checkPushdown refuses subqueries whose result would change if each shard
// computed them over its own rows only.
func (a *analysis) checkPushdown(top *scope) error {
	for sel, sc := range a.bySelect {
		if sc == top || sc.correlated {
			continue
		}
		if sel.Limit != nil {
			return unsupportedf("subquery with LIMIT over several shards: each shard would apply the limit to its own rows (%s)", sqlparser.String(sel))
		}
		if len(sel.GroupBy) > 0 || hasAggregate(sel.SelectExprs) {
			if !groupsByVindex(a, sc, sel) {
				return unsupportedf("subquery that aggregates over several shards: each shard would aggregate its own rows (%s)", sqlparser.String(sel))
			}
		}
		if sel.Distinct != "" && !selectsVindex(a, sc, sel) {
			return unsupportedf("subquery with DISTINCT over several shards: each shard would remove only its own duplicates (%s)", sqlparser.String(sel))
		}
	}
	return nil
}

// groupsByVindex reports whether a SELECT groups by the primary vindex
// column of a sharded table (see isVindexColumn), so each group lives on
// one shard.
func groupsByVindex(a *analysis, sc *scope, sel *sqlparser.Select) bool {
	for _, g := range sel.GroupBy {
		if col, ok := g.(*sqlparser.ColName); ok && isVindexColumn(a, sc, sel, col) {
			return true
		}
	}
	return false
}

// isTableless reports a SELECT without tables (no FROM, or FROM dual).
func isTableless(sel sqlparser.SelectStatement) bool {
	s, ok := sel.(*sqlparser.Select)
	if !ok {
		return false
	}
	if len(s.From) != 1 {
		return false
	}
	ate, ok := s.From[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return false
	}
	tn, ok := ate.Expr.(sqlparser.TableName)
	return ok && tn.Qualifier.IsEmpty() && strings.EqualFold(tn.Name.String(), "dual")
}

// stripQualifiers removes keyspace qualifiers from table and column names:
// on a shard, the tables are unqualified.
func stripQualifiers(n sqlparser.SQLNode, ks *vschema.Keyspace) {
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		switch node := node.(type) {
		case *sqlparser.AliasedTableExpr:
			if tn, ok := node.Expr.(sqlparser.TableName); ok && !tn.Qualifier.IsEmpty() {
				tn.Qualifier = sqlparser.NewTableIdent("")
				node.Expr = tn
			}
		case *sqlparser.ColName:
			node.Qualifier.Qualifier = sqlparser.NewTableIdent("")
		case sqlparser.TableNames:
			for i := range node {
				node[i].Qualifier = sqlparser.NewTableIdent("")
			}
		}
		return true, nil
	}, n)
}

// impossibleQuery returns a copy of the statement whose WHERE no row
// satisfies.
func impossibleQuery(sel sqlparser.SelectStatement) sqlparser.SelectStatement {
	s, ok := sel.(*sqlparser.Select)
	if !ok {
		return sel
	}
	if d := impossibleDerived(s); d != nil {
		return d
	}
	c := *s
	never := &sqlparser.ComparisonExpr{Operator: sqlparser.NotEqualStr, Left: sqlparser.NewIntVal([]byte("1")), Right: sqlparser.NewIntVal([]byte("1"))}
	c.Where = sqlparser.NewWhere(sqlparser.WhereStr, never)
	return &c
}

// hasAggregate reports whether select expressions use an aggregate
// function outside subqueries.
func hasAggregate(exprs sqlparser.SelectExprs) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.FuncExpr:
			if dialect.IsAggregate(n) {
				found = true
			}
		case *sqlparser.GroupConcatExpr:
			found = true
		}
		return !found, nil
	}, exprs)
	return found
}

// nameColumns gives every unnamed select item that is not a plain column
// its text as an alias, so a column's name is the same on every backend
// (SQLite names count(*) "count(*)", PostgreSQL "count") and whether or
// not the merge rewrites the item.
// It returns the items it named.
func nameColumns(sel sqlparser.SelectStatement) map[*sqlparser.AliasedExpr]bool {
	named := map[*sqlparser.AliasedExpr]bool{}
	s, ok := sel.(*sqlparser.Select)
	if !ok {
		if u, ok := sel.(*sqlparser.Union); ok {
			return nameColumns(u.Left)
		}
		return named
	}
	for _, se := range s.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok || !ae.As.IsEmpty() {
			continue
		}
		if _, isCol := ae.Expr.(*sqlparser.ColName); isCol {
			continue
		}
		ae.As = sqlparser.NewColIdent(argPattern.ReplaceAllString(sqlparser.String(ae.Expr), "?"))
		named[ae] = true
	}
	return named
}

// longNames returns the column names of a SELECT when one of them is
// longer than PostgreSQL keeps (it cuts names at 63 bytes): the plan then
// reports the names itself, so they are the same on every backend. nil
// when every name fits, or the select list has a star.
func longNames(sel sqlparser.SelectStatement) []string {
	s, ok := sel.(*sqlparser.Select)
	if !ok {
		return nil
	}
	var names []string
	long := false
	for _, se := range s.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return nil
		}
		name := ae.As.String()
		if name == "" {
			c, ok := ae.Expr.(*sqlparser.ColName)
			if !ok {
				return nil
			}
			name = c.Name.String()
		}
		long = long || len(name) > maxIdentBytes
		names = append(names, name)
	}
	if !long {
		return nil
	}
	return names
}

// argPattern matches the parser's names for ? placeholders.
var argPattern = regexp.MustCompile(`:v[0-9]+`)

// cloneSelect returns a copy of a statement that shares no node with it,
// by printing and parsing it again (placeholders print as :v1…, which
// parse back as the same bind variables).
func cloneSelect(sel sqlparser.SelectStatement) (sqlparser.SelectStatement, error) {
	stmt, err := Parse(sqlparser.String(sel))
	if err != nil {
		return nil, err
	}
	c, ok := stmt.(sqlparser.SelectStatement)
	if !ok {
		return nil, planErrorf("copy of %s is not a SELECT", sqlparser.String(sel))
	}
	return c, nil
}
