package route

import (
	"slices"
	"sort"
	"strings"

	"github.com/dot-do/vitessdo/vschema"
	"github.com/xwb1989/sqlparser"
)

// tableRef is one use of a table in a statement.
type tableRef struct {
	// alias is the lower-cased name columns qualify the table with.
	alias string
	table *vschema.Table
	scope *scope
	// idx is the table's index in analysis.tables (for union-find).
	idx int
}

// scope is one SELECT (or UPDATE/DELETE) level: the tables of its FROM and
// the conjuncts of its WHERE that restrict its rows.
type scope struct {
	parent *scope
	tables []*tableRef
	// conds are the AND-ed conditions that every result row of the scope
	// satisfies: the WHERE and the ON of inner joins.
	conds []sqlparser.Expr
	// links are conditions that may relate tables without restricting the
	// scope's rows (ON of outer joins).
	links []sqlparser.Expr
	// routes reports whether conds may route the whole statement: true
	// for the top level and for derived tables joined inner at it.
	routes bool
	// correlated reports that a condition of the scope equates a primary
	// vindex column of its tables with one of an enclosing scope's: for
	// each outer row, the scope's rows are on the outer row's shard.
	correlated bool
}

// analysis collects the tables of a statement and which of them the
// conditions place on the same shard.
type analysis struct {
	p      *Planner
	sess   *Session
	tables []*tableRef
	scopes []*scope
	uf     []int
	top    *scope
	// bySelect finds the scope of each SELECT.
	bySelect map[*sqlparser.Select]*scope
}

func newAnalysis(p *Planner, s *Session) *analysis {
	return &analysis{p: p, sess: s, bySelect: map[*sqlparser.Select]*scope{}}
}

func (a *analysis) newScope(parent *scope, routes bool) *scope {
	sc := &scope{parent: parent, routes: routes}
	a.scopes = append(a.scopes, sc)
	if parent == nil && a.top == nil {
		a.top = sc
	}
	return sc
}

// addTable resolves a table name and records its use in the scope.
func (a *analysis) addTable(sc *scope, tn sqlparser.TableName, alias string) (*tableRef, error) {
	if rel := a.p.heldTable(tn); rel != nil {
		return nil, heldRefusal(rel, "in a statement the shards run whole")
	}
	t, err := a.p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), a.sess.Keyspace)
	if err != nil {
		return nil, err
	}
	if alias == "" {
		alias = tn.Name.String()
	}
	ref := &tableRef{alias: strings.ToLower(alias), table: t, scope: sc, idx: len(a.tables)}
	a.tables = append(a.tables, ref)
	a.uf = append(a.uf, ref.idx)
	sc.tables = append(sc.tables, ref)
	return ref, nil
}

// selectScope analyses a SELECT: its FROM, its WHERE and every subquery.
func (a *analysis) selectScope(sel sqlparser.SelectStatement, parent *scope, routes bool) (*scope, error) {
	switch sel := sel.(type) {
	case *sqlparser.Select:
		sc := a.newScope(parent, routes)
		a.bySelect[sel] = sc
		for _, te := range sel.From {
			if err := a.tableExpr(sc, te, true); err != nil {
				return nil, err
			}
		}
		if sel.Where != nil {
			sc.conds = append(sc.conds, splitAnd(sel.Where.Expr)...)
		}
		// Subqueries anywhere else in the statement.
		for _, n := range []sqlparser.SQLNode{sel.SelectExprs, sel.Where, sel.GroupBy, sel.Having, sel.OrderBy} {
			if err := a.subqueries(sc, n); err != nil {
				return nil, err
			}
		}
		return sc, nil
	case *sqlparser.ParenSelect:
		return a.selectScope(sel.Select, parent, routes)
	case *sqlparser.Union:
		sc := a.newScope(parent, false)
		if _, err := a.selectScope(sel.Left, sc, false); err != nil {
			return nil, err
		}
		if _, err := a.selectScope(sel.Right, sc, false); err != nil {
			return nil, err
		}
		return sc, nil
	}
	return nil, unsupportedf("select statement %T", sel)
}

// tableExpr records the tables of a FROM item. inner is false below the
// nullable side of an outer join, whose ON conditions do not restrict the
// scope's rows.
func (a *analysis) tableExpr(sc *scope, te sqlparser.TableExpr, inner bool) error {
	switch te := te.(type) {
	case *sqlparser.AliasedTableExpr:
		switch expr := te.Expr.(type) {
		case sqlparser.TableName:
			if isDualName(expr) && te.As.IsEmpty() {
				// MySQL's one-row table of a SELECT without tables: the
				// renderer drops it, and it is on every shard.
				return nil
			}
			_, err := a.addTable(sc, expr, te.As.String())
			return err
		case *sqlparser.Subquery:
			if te.As.IsEmpty() {
				return planErrorf("every derived table must have its own alias")
			}
			_, err := a.selectScope(expr.Select, sc, sc.routes && inner)
			return err
		}
		return unsupportedf("table expression %s", sqlparser.String(te))
	case *sqlparser.ParenTableExpr:
		for _, e := range te.Exprs {
			if err := a.tableExpr(sc, e, inner); err != nil {
				return err
			}
		}
		return nil
	case *sqlparser.JoinTableExpr:
		leftInner, rightInner := inner, inner
		switch te.Join {
		case sqlparser.LeftJoinStr, sqlparser.NaturalLeftJoinStr:
			rightInner = false
		case sqlparser.RightJoinStr, sqlparser.NaturalRightJoinStr:
			leftInner = false
		}
		if err := a.tableExpr(sc, te.LeftExpr, leftInner); err != nil {
			return err
		}
		if err := a.tableExpr(sc, te.RightExpr, rightInner); err != nil {
			return err
		}
		if te.Condition.On != nil {
			if leftInner && rightInner {
				sc.conds = append(sc.conds, splitAnd(te.Condition.On)...)
			} else {
				sc.links = append(sc.links, splitAnd(te.Condition.On)...)
			}
			if err := a.subqueries(sc, te.Condition.On); err != nil {
				return err
			}
		}
		if len(te.Condition.Using) > 0 {
			a.usingLinks(sc, te, leftInner && rightInner)
		}
		return nil
	}
	return unsupportedf("table expression %s", sqlparser.String(te))
}

// usingLinks turns JOIN … USING (c) into equalities between the column in
// the two joined sides' tables.
func (a *analysis) usingLinks(sc *scope, te *sqlparser.JoinTableExpr, inner bool) {
	left, right := refsOf(sc, te.LeftExpr), refsOf(sc, te.RightExpr)
	for _, col := range te.Condition.Using {
		for _, l := range left {
			for _, r := range right {
				eq := &sqlparser.ComparisonExpr{
					Operator: sqlparser.EqualStr,
					Left:     &sqlparser.ColName{Name: col, Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(l.alias)}},
					Right:    &sqlparser.ColName{Name: col, Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(r.alias)}},
				}
				if inner {
					sc.conds = append(sc.conds, eq)
				} else {
					sc.links = append(sc.links, eq)
				}
			}
		}
	}
}

// refsOf returns the scope's table refs inside a FROM item.
func refsOf(sc *scope, te sqlparser.TableExpr) []*tableRef {
	var out []*tableRef
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.AliasedTableExpr:
			if tn, ok := n.Expr.(sqlparser.TableName); ok {
				alias := n.As.String()
				if alias == "" {
					alias = tn.Name.String()
				}
				for _, r := range sc.tables {
					if r.alias == strings.ToLower(alias) {
						out = append(out, r)
					}
				}
			}
		}
		return true, nil
	}, te)
	return out
}

// subqueries analyses every subquery in an expression tree as a scope of
// its own.
func (a *analysis) subqueries(sc *scope, n sqlparser.SQLNode) error {
	if n == nil {
		return nil
	}
	var err error
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if err != nil {
			return false, nil
		}
		sq, ok := node.(*sqlparser.Subquery)
		if !ok {
			return true, nil
		}
		_, err = a.selectScope(sq.Select, sc, false)
		return false, nil
	}, n)
	return err
}

// splitAnd returns the conjuncts of an expression.
func splitAnd(e sqlparser.Expr) []sqlparser.Expr {
	switch e := e.(type) {
	case *sqlparser.AndExpr:
		return append(splitAnd(e.Left), splitAnd(e.Right)...)
	case *sqlparser.ParenExpr:
		if _, ok := e.Expr.(*sqlparser.AndExpr); ok {
			return splitAnd(e.Expr)
		}
	}
	return []sqlparser.Expr{e}
}

// column resolves a column reference in a scope to the table it belongs
// to, for routing: a qualified name to the table with that alias (in the
// scope or an enclosing one); an unqualified name to the only table of the
// scope that has a vindex on a column of that name. nil when unknown.
func (a *analysis) column(sc *scope, c *sqlparser.ColName) *tableRef {
	name := strings.ToLower(c.Name.String())
	if !c.Qualifier.IsEmpty() {
		q := strings.ToLower(c.Qualifier.Name.String())
		for s := sc; s != nil; s = s.parent {
			for _, r := range s.tables {
				if r.alias == q && (c.Qualifier.Qualifier.IsEmpty() || c.Qualifier.Qualifier.String() == r.table.Keyspace.Name) {
					return r
				}
			}
		}
		return nil
	}
	var found *tableRef
	for _, r := range sc.tables {
		if hasVindexColumn(r.table, name) {
			if found != nil {
				return nil
			}
			found = r
		}
	}
	return found
}

func hasVindexColumn(t *vschema.Table, col string) bool {
	for _, cv := range t.ColumnVindexes {
		for _, c := range cv.Columns {
			if c == col {
				return true
			}
		}
	}
	return false
}

// keyspace returns the one keyspace of every table, or an error naming the
// keyspaces when the statement spans several.
func (a *analysis) keyspace() (*vschema.Keyspace, error) {
	var ks *vschema.Keyspace
	var names []string
	for _, r := range a.tables {
		if ks == nil {
			ks = r.table.Keyspace
		}
		if !slices.Contains(names, r.table.Keyspace.Name) {
			names = append(names, r.table.Keyspace.Name)
		}
	}
	if len(names) > 1 {
		sort.Strings(names)
		return nil, unsupportedf("cross-keyspace statement: the tables are in keyspaces %s, which are stored apart (%s)", strings.Join(names, " and "), a.tableList())
	}
	return ks, nil
}

func (a *analysis) tableList() string {
	var names []string
	for _, r := range a.tables {
		n := r.table.String()
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

func (a *analysis) find(i int) int {
	for a.uf[i] != i {
		a.uf[i] = a.uf[a.uf[i]]
		i = a.uf[i]
	}
	return i
}

func (a *analysis) union(i, j int) {
	ri, rj := a.find(i), a.find(j)
	if ri != rj {
		if ri < rj {
			a.uf[rj] = ri
		} else {
			a.uf[ri] = rj
		}
	}
}

// colocate unions the sharded tables that conditions place on the same
// shard: equal primary-vindex columns with the same vindex, and
// `a.col IN (SELECT b.col …)` on such columns.
func (a *analysis) colocate() {
	for _, sc := range a.scopes {
		for _, e := range sc.conds {
			a.colocateExpr(sc, e, true)
		}
		for _, e := range sc.links {
			a.colocateExpr(sc, e, false)
		}
	}
}

// colocateExpr unions the tables one condition co-locates; restricts
// reports whether the condition filters the scope's rows (WHERE, inner
// join) rather than only relating tables (outer join ON).
func (a *analysis) colocateExpr(sc *scope, e sqlparser.Expr, restricts bool) {
	cmp, ok := e.(*sqlparser.ComparisonExpr)
	if !ok {
		return
	}
	left, ok := cmp.Left.(*sqlparser.ColName)
	if !ok {
		return
	}
	switch cmp.Operator {
	case sqlparser.EqualStr, sqlparser.NullSafeEqualStr:
		right, ok := cmp.Right.(*sqlparser.ColName)
		if !ok {
			return
		}
		ra, rb := a.column(sc, left), a.column(sc, right)
		if a.bridgesOuterGroups(sc, ra, rb) {
			return
		}
		if a.linkColumns(ra, left, rb, right) && ra.scope != rb.scope && restricts {
			sc.correlated = true
		}
	case sqlparser.InStr:
		sq, ok := cmp.Right.(*sqlparser.Subquery)
		if !ok {
			return
		}
		inner, ok := sq.Select.(*sqlparser.Select)
		if !ok || len(inner.SelectExprs) != 1 {
			return
		}
		ae, ok := inner.SelectExprs[0].(*sqlparser.AliasedExpr)
		if !ok {
			return
		}
		right, ok := ae.Expr.(*sqlparser.ColName)
		if !ok {
			return
		}
		innerScope := a.bySelect[inner]
		if innerScope == nil {
			return
		}
		ra, rb := a.column(sc, left), a.column(innerScope, right)
		if a.bridgesOuterGroups(sc, ra, rb) {
			return
		}
		a.linkColumns(ra, left, rb, right)
	}
}

// bridgesOuterGroups reports whether co-locating ra and rb by a condition
// of scope sc would join two groups that each hold a table outside sc
// (of an enclosing scope). A condition of a subquery relates its rows to
// each row of the enclosing statement; it places no two of the
// enclosing statement's tables on one shard, whatever the subquery
// returns: in `WHERE EXISTS (SELECT 1 FROM s WHERE s.id = a.id AND s.id =
// b.id) OR …` the rows of a and b pair across shards.
func (a *analysis) bridgesOuterGroups(sc *scope, ra, rb *tableRef) bool {
	if ra == nil || rb == nil {
		return false
	}
	ga, gb := a.find(ra.idx), a.find(rb.idx)
	if ga == gb {
		return false
	}
	outerA, outerB := false, false
	for _, r := range a.tables {
		if r.scope.within(sc) {
			continue
		}
		switch a.find(r.idx) {
		case ga:
			outerA = true
		case gb:
			outerB = true
		}
	}
	return outerA && outerB
}

// within reports whether sc is anc or a scope nested in it.
func (sc *scope) within(anc *scope) bool {
	for s := sc; s != nil; s = s.parent {
		if s == anc {
			return true
		}
	}
	return false
}

// linkColumns unions two tables when the columns are their primary vindex
// columns with the same vindex.
func (a *analysis) linkColumns(ra *tableRef, ca *sqlparser.ColName, rb *tableRef, cb *sqlparser.ColName) bool {
	if ra == nil || rb == nil || ra == rb {
		return false
	}
	pa, pb := ra.table.Primary(), rb.table.Primary()
	if pa == nil || pb == nil || !ra.table.IsSharded() || !rb.table.IsSharded() {
		return false
	}
	if len(pa.Columns) != 1 || len(pb.Columns) != 1 {
		return false
	}
	if pa.Columns[0] != strings.ToLower(ca.Name.String()) || pb.Columns[0] != strings.ToLower(cb.Name.String()) {
		return false
	}
	if pa.Vindex != pb.Vindex {
		return false
	}
	a.union(ra.idx, rb.idx)
	return true
}

// isDualName reports MySQL's dual.
func isDualName(tn sqlparser.TableName) bool {
	return tn.Qualifier.IsEmpty() && strings.EqualFold(tn.Name.String(), "dual")
}

// anchored reports whether every row of a FROM item holds a row of one of
// the given tables that is not NULL-extended: each such row then lives on
// one shard only, and a statement scattered over the shards produces it
// once. A reference table's rows are on every shard, and the preserved
// side of an outer join keeps its rows on the shards where the other side
// has no match: rows anchored by neither repeat on every shard.
func (a *analysis) anchored(te sqlparser.TableExpr, group map[*tableRef]bool, sc *scope) bool {
	switch te := te.(type) {
	case *sqlparser.AliasedTableExpr:
		switch expr := te.Expr.(type) {
		case sqlparser.TableName:
			alias := te.As.String()
			if alias == "" {
				alias = expr.Name.String()
			}
			for _, r := range sc.tables {
				if r.alias == strings.ToLower(alias) {
					return group[r]
				}
			}
			return false
		case *sqlparser.Subquery:
			inner, ok := expr.Select.(*sqlparser.Select)
			if !ok {
				return false
			}
			isc := a.bySelect[inner]
			return isc != nil && a.anchoredFrom(inner.From, group, isc)
		}
	case *sqlparser.ParenTableExpr:
		return a.anchoredFrom(te.Exprs, group, sc)
	case *sqlparser.JoinTableExpr:
		switch te.Join {
		case sqlparser.LeftJoinStr, sqlparser.NaturalLeftJoinStr:
			return a.anchored(te.LeftExpr, group, sc)
		case sqlparser.RightJoinStr, sqlparser.NaturalRightJoinStr:
			return a.anchored(te.RightExpr, group, sc)
		}
		return a.anchored(te.LeftExpr, group, sc) || a.anchored(te.RightExpr, group, sc)
	}
	return false
}

// anchoredFrom is anchored for a FROM list (an inner join of its items).
func (a *analysis) anchoredFrom(from sqlparser.TableExprs, group map[*tableRef]bool, sc *scope) bool {
	for _, te := range from {
		if a.anchored(te, group, sc) {
			return true
		}
	}
	return false
}
