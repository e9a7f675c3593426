package route

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
)

// limitArgName is the bind variable holding a scatter statement's shard
// LIMIT: the user's count plus offset, the offset being applied at the
// merge.
const limitArgName = "__limit"

// mergePlan says how the rows of several shards combine into the rows one
// database would return, and what each shard runs for it. Column positions
// are positions in the shard statement's select list: the user's columns,
// then hidden helper columns (ORDER BY terms not selected, AVG counts,
// aggregates of HAVING and of expressions).
type mergePlan struct {
	// nHidden is the number of hidden columns at the end of the select
	// list; star reports a * in the select list, whose width is known
	// only from the shards' columns.
	nHidden int
	star    bool
	// order keys the shards' rows: an Ordered merge when set.
	order []orderKey
	// distinct removes duplicate rows (sorted input, every user column).
	distinct bool
	// agg combines partial aggregates; nil for row-level statements.
	agg *aggPlan
	// count and offset are the user's LIMIT; nil when none. pushLimit
	// sends the shards LIMIT count+offset.
	count, offset *valueExpr
	pushLimit     bool
	// computed are columns the merge computes from hidden columns (user
	// columns over aggregates, ORDER BY terms over them).
	computed map[int]*mergeValue
	// computeFirst reports a HAVING that reads a computed column: the
	// columns are computed before it filters.
	computeFirst bool
	// maxRows bounds the rows a sort at the merge holds.
	maxRows int64
}

// orderKey is a sort key: a column, counted from the end of the row when
// fromEnd (after a *).
type orderKey struct {
	col     int
	fromEnd bool
	desc    bool
}

// aggPlan is the aggregation part of a merge.
type aggPlan struct {
	groupKeys []int
	aggs      []merge.Aggregate
	having    *mergeValue
	// post sorts the aggregated rows when the ORDER BY is not the group
	// order.
	post []orderKey
	// distinctCols are the columns of SELECT DISTINCT over groups (the
	// post sort orders by all of them); nil without DISTINCT.
	distinctCols []int
}

// mergeInput is what planMerge needs besides the statement.
type mergeInput struct {
	a *analysis
	// named are the select items nameColumns gave an alias: those are
	// not aliases the user wrote.
	named map[*sqlparser.AliasedExpr]bool
	// eng is the semantics of the keyspace's backends.
	eng merge.Engine
	// probe reports whether a name is a column of the FROM tables.
	probe func(name string) (bool, error)
	// maxRows bounds the rows an operator holds (max_memory_rows).
	maxRows int64
}

// planMerge decides how the rows of several shards combine and rewrites the
// statement the shards run for it.
func planMerge(in mergeInput, sel sqlparser.SelectStatement) (*mergePlan, sqlparser.SelectStatement, error) {
	s, ok := sel.(*sqlparser.Select)
	if !ok {
		return nil, nil, unsupportedf("UNION over several shards: run each SELECT on its own, or pin the statement to one shard")
	}
	orig := s
	s = copySelect(s)
	m := &mergePlan{computed: map[int]*mergeValue{}, maxRows: in.maxRows}
	b := &mergeBuilder{m: m, s: s, distinctCol: -1, eng: in.eng, probe: in.probe, colOf: map[string]int{}, columns: map[string]bool{}}
	for _, se := range s.SelectExprs {
		switch se.(type) {
		case *sqlparser.StarExpr:
			m.star = true
		case sqlparser.Nextval:
			return nil, nil, unsupportedf("NEXT VALUES over several shards")
		}
	}
	for i, se := range s.SelectExprs {
		var u userItem
		if ae, ok := se.(*sqlparser.AliasedExpr); ok {
			u = userItem{expr: ae.Expr}
			if !ae.As.IsEmpty() && !in.named[orig.SelectExprs[i].(*sqlparser.AliasedExpr)] {
				u.as = ae.As
				b.aliases = append(b.aliases, userAlias{name: ae.As.Lowered(), col: i, expr: ae.Expr,
					aggregate: hasAggregateExpr(ae.Expr), capitalized: isCapitalized(ae.As.String())})
			}
		}
		b.user = append(b.user, u)
	}
	a := in.a
	aggregating := len(s.GroupBy) > 0 || hasAggregate(s.SelectExprs) || (s.Having != nil && hasAggregateExpr(s.Having.Expr))
	if aggregating && !groupsByVindex(a, a.top, s) {
		if err := b.planAggregate(); err != nil {
			return nil, nil, err
		}
	} else if err := b.planRows(); err != nil {
		return nil, nil, err
	}
	return m, s, nil
}

// copySelect returns a copy of s that planMerge may rewrite while s stays
// the statement as written: its select items, ORDER BY and GROUP BY lists
// are copied (the expressions under them are shared, and not modified).
func copySelect(s *sqlparser.Select) *sqlparser.Select {
	c := *s
	c.SelectExprs = make(sqlparser.SelectExprs, len(s.SelectExprs))
	for i, se := range s.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok {
			cp := *ae
			se = &cp
		}
		c.SelectExprs[i] = se
	}
	c.OrderBy = append(sqlparser.OrderBy(nil), s.OrderBy...)
	c.GroupBy = append(sqlparser.GroupBy(nil), s.GroupBy...)
	return &c
}

type mergeBuilder struct {
	m *mergePlan
	s *sqlparser.Select
	// user is the user's select list as written, before the merge
	// rewrites items into partials: ORDER BY and GROUP BY terms name
	// these.
	user []userItem
	// distinctCol is the first column carrying a distinct aggregate's
	// argument, -1 when none.
	distinctCol int
	// groupKeys are the GROUP BY terms of an aggregating statement;
	// keyIsColumn[i] reports that term i is a column of the FROM tables
	// (not a select alias).
	groupKeys   sqlparser.GroupBy
	keyIsColumn []bool
	// aliases are the aliases the user wrote in the select list.
	aliases []userAlias
	// colOf finds the merged column of an aggregate or a group key by
	// its text, while planning.
	colOf map[string]int
	// eng is the backends' semantics; probe and columns tell whether a
	// name is a column of the FROM tables (see isColumn).
	eng     merge.Engine
	probe   func(name string) (bool, error)
	columns map[string]bool
	// subqueries are the columns holding the values of uncorrelated
	// subqueries (*Subquery, *ExistsExpr), for a statement computed over
	// them.
	subqueries map[sqlparser.Expr]int
}

func (b *mergeBuilder) noteDistinct(col int) {
	if b.distinctCol < 0 {
		b.distinctCol = col
	}
}

// userItem is one select item as the user wrote it; expr is nil for *.
type userItem struct {
	expr sqlparser.Expr
	as   sqlparser.ColIdent
}

// addHidden appends a hidden column to the shard statement and returns
// its position (counted from the end when the select list has a *).
func (b *mergeBuilder) addHidden(e sqlparser.Expr) int {
	b.s.SelectExprs = append(b.s.SelectExprs, &sqlparser.AliasedExpr{Expr: e, As: sqlparser.NewColIdent(fmt.Sprintf("__vt_h%d", b.m.nHidden))})
	b.m.nHidden++
	if b.m.star {
		return b.m.nHidden - 1
	}
	return len(b.s.SelectExprs) - 1
}

// userColumn returns the position of the select item an ORDER BY or GROUP
// BY term names: ORDER BY 2, an alias, or the same expression.
func (b *mergeBuilder) userColumn(e sqlparser.Expr) (int, bool) {
	if v, ok := e.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
		n, err := strconv.Atoi(string(v.Val))
		if err == nil && n >= 1 && n <= len(b.user) && !b.m.star {
			return n - 1, true
		}
		return 0, false
	}
	if b.m.star {
		return 0, false
	}
	// A bare name that is an alias means the alias, as ORDER BY on one
	// database resolves it, whatever another item's text is.
	if col, ok := e.(*sqlparser.ColName); ok {
		if a := b.alias(col); a != nil {
			return a.col, true
		}
	}
	return b.sameItem(e)
}

// sameItem returns the position of the select item that is the same
// expression as e (not looking at aliases).
func (b *mergeBuilder) sameItem(e sqlparser.Expr) (int, bool) {
	if b.m.star {
		return 0, false
	}
	text := sqlparser.String(e)
	col, isCol := e.(*sqlparser.ColName)
	for i, u := range b.user {
		if u.expr == nil {
			continue
		}
		if sqlparser.String(u.expr) == text {
			return i, true
		}
		if isCol {
			if c, ok := u.expr.(*sqlparser.ColName); ok && u.as.IsEmpty() && c.Name.Equal(col.Name) && (col.Qualifier.IsEmpty() || c.Qualifier.IsEmpty() || c.Qualifier == col.Qualifier) {
				return i, true
			}
		}
	}
	return 0, false
}

// unalias returns the expression a select alias names, or e itself: a
// hidden column cannot refer to an alias of the same select list (after
// a *, whose width is unknown, an ORDER BY alias becomes a hidden copy).
func (b *mergeBuilder) unalias(e sqlparser.Expr) sqlparser.Expr {
	col, ok := e.(*sqlparser.ColName)
	if !ok || !col.Qualifier.IsEmpty() {
		return e
	}
	for _, u := range b.user {
		if u.expr != nil && !u.as.IsEmpty() && u.as.Equal(col.Name) {
			return u.expr
		}
	}
	return e
}

// planRows plans a statement whose rows the shards compute whole: concat,
// or an ordered merge, then DISTINCT and LIMIT.
func (b *mergeBuilder) planRows() error {
	s, m := b.s, b.m
	if s.Distinct != "" {
		if m.star {
			return unsupportedf("SELECT DISTINCT * over several shards: name the columns")
		}
		m.distinct = true
	}
	for _, o := range s.OrderBy {
		i, ok := b.userColumn(o.Expr)
		if !ok {
			if m.distinct {
				return unsupportedf("SELECT DISTINCT ordered by %s, which is not selected", sqlparser.String(o.Expr))
			}
			i = b.addHidden(b.unalias(o.Expr))
		}
		m.order = append(m.order, orderKey{col: i, fromEnd: m.star, desc: o.Direction == sqlparser.DescScr})
	}
	if m.distinct {
		// Sort by every selected column, the user's order first, so
		// equal rows from different shards meet.
		used := map[int]bool{}
		for _, k := range m.order {
			used[k.col] = true
		}
		for i := range s.SelectExprs {
			if !used[i] {
				m.order = append(m.order, orderKey{col: i})
				s.OrderBy = append(s.OrderBy, &sqlparser.Order{Expr: sqlparser.NewIntVal([]byte(strconv.Itoa(i + 1))), Direction: sqlparser.AscScr})
			}
		}
	}
	return b.planLimit(true)
}

// planLimit moves the user's LIMIT to the merge; with push, shards return
// at most count+offset rows each.
func (b *mergeBuilder) planLimit(push bool) error {
	s, m := b.s, b.m
	if s.Limit == nil {
		return nil
	}
	if s.Limit.Rowcount != nil {
		v, ok := newValueExpr(s.Limit.Rowcount)
		if !ok {
			return unsupportedf("LIMIT %s: the count must be a number or ?", sqlparser.String(s.Limit.Rowcount))
		}
		m.count = &v
	}
	if s.Limit.Offset != nil {
		v, ok := newValueExpr(s.Limit.Offset)
		if !ok {
			return unsupportedf("OFFSET %s: the offset must be a number or ?", sqlparser.String(s.Limit.Offset))
		}
		m.offset = &v
	}
	if push && m.count != nil {
		m.pushLimit = true
		s.Limit = &sqlparser.Limit{Rowcount: sqlparser.NewValArg([]byte(":" + limitArgName))}
	} else {
		s.Limit = nil
	}
	return nil
}

// planAggregate plans GROUP BY and aggregates over several shards.
func (b *mergeBuilder) planAggregate() error {
	s, m := b.s, b.m
	if m.star {
		return unsupportedf("SELECT * with aggregates over several shards")
	}
	if hasGroupConcat(s.SelectExprs, s.Having, s.OrderBy) {
		return unsupportedf("GROUP_CONCAT over several shards: the order of the concatenated values cannot be merged")
	}
	ap := &aggPlan{}
	m.agg = ap
	nUser := len(s.SelectExprs)
	// SELECT DISTINCT over groups: the shards must not collapse partial
	// rows of different groups; the merge sorts the groups by every
	// selected column and drops duplicates.
	distinct := s.Distinct != ""
	s.Distinct = ""
	// Distinct aggregates need the shards to group by their argument.
	var distinctArg sqlparser.Expr
	for _, e := range aggregatesIn(s.SelectExprs, s.Having, s.OrderBy) {
		if name := e.Name.Lowered(); e.Distinct && name != "min" && name != "max" {
			// MIN and MAX ignore DISTINCT: they merge as usual.
			if len(e.Exprs) != 1 {
				return unsupportedf("%s over several shards", sqlparser.String(e))
			}
			arg := e.Exprs[0].(*sqlparser.AliasedExpr).Expr
			if distinctArg != nil && sqlparser.String(distinctArg) != sqlparser.String(arg) {
				return unsupportedf("DISTINCT aggregates over different expressions (%s and %s) over several shards", sqlparser.String(distinctArg), sqlparser.String(arg))
			}
			distinctArg = arg
		}
	}
	// Group keys.
	b.groupKeys = append(sqlparser.GroupBy(nil), s.GroupBy...)
	for j, g := range s.GroupBy {
		i, isCol, err := b.groupKey(g)
		if err != nil {
			return err
		}
		if _, ordinal := g.(*sqlparser.SQLVal); ordinal {
			// GROUP BY 2 groups by the second item: a column when that
			// item is one.
			if c, ok := b.user[i].expr.(*sqlparser.ColName); ok {
				b.groupKeys[j], isCol = c, true
			}
		}
		ap.groupKeys = append(ap.groupKeys, i)
		b.keyIsColumn = append(b.keyIsColumn, isCol)
		if _, ok := g.(*sqlparser.ColName); !ok {
			b.colOf[sqlparser.String(g)] = i
		}
	}
	// User columns: aggregates merge in place; expressions over
	// aggregates are computed after the merge from hidden partials.
	for i := 0; i < nUser; i++ {
		ae, ok := s.SelectExprs[i].(*sqlparser.AliasedExpr)
		if !ok {
			return unsupportedf("select item %s over several shards", sqlparser.String(s.SelectExprs[i]))
		}
		if f, ok := ae.Expr.(*sqlparser.FuncExpr); ok && f.IsAggregate() {
			if err := b.aggregateAt(i, ae, f); err != nil {
				return err
			}
			continue
		}
		if _, isGroupKey := b.merged(ae.Expr); isGroupKey || !hasAggregateExpr(ae.Expr) {
			continue
		}
		if err := b.hiddenAggregates(ae.Expr); err != nil {
			return err
		}
		v, err := b.compileValue(ae.Expr, clauseSelect)
		if err != nil {
			return err
		}
		m.computed[i] = v
		ae.Expr = &sqlparser.NullVal{}
	}
	if s.Having != nil {
		if err := b.hiddenAggregates(s.Having.Expr); err != nil {
			return err
		}
		v, err := b.compileCond(s.Having.Expr, clauseHaving)
		if err != nil {
			return err
		}
		ap.having = v
		for _, c := range v.reads {
			if _, ok := m.computed[c]; ok {
				m.computeFirst = true
			}
		}
		s.Having = nil
	}
	// The order of the merged groups, and the shards' order.
	var keys []orderKey
	for _, o := range s.OrderBy {
		i, err := b.groupOrderColumn(o.Expr)
		if err != nil {
			return err
		}
		if distinct && i >= nUser {
			return unsupportedf("SELECT DISTINCT ordered by %s, which is not selected", sqlparser.String(o.Expr))
		}
		keys = append(keys, orderKey{col: i, desc: o.Direction == sqlparser.DescScr})
	}
	if distinct {
		// Sort by every selected column, the user's order first, so that
		// equal rows meet; the shards need only group.
		used := map[int]bool{}
		for _, k := range keys {
			used[k.col] = true
		}
		for i := 0; i < nUser; i++ {
			if !used[i] {
				keys = append(keys, orderKey{col: i})
			}
		}
		for i := 0; i < nUser; i++ {
			ap.distinctCols = append(ap.distinctCols, i)
		}
	}
	shardOrder, post := groupOrder(keys, ap.groupKeys)
	if distinct && post == nil && len(keys) > 0 {
		// Groups in the shards' order are distinct rows already only if
		// every selected column is a group key; sort anyway, the merge
		// cannot tell.
		post = keys
	}
	ap.post = post
	s.OrderBy = nil
	for _, k := range shardOrder {
		m.order = append(m.order, k)
		s.OrderBy = append(s.OrderBy, &sqlparser.Order{Expr: sqlparser.NewIntVal([]byte(strconv.Itoa(k.col + 1))), Direction: direction(k.desc)})
	}
	if distinctArg != nil {
		// Every distinct aggregate's column carries the argument itself;
		// shards group by it too, and sort by it after the group keys.
		s.GroupBy = append(s.GroupBy, distinctArg)
		i := b.distinctCol
		m.order = append(m.order, orderKey{col: i})
		s.OrderBy = append(s.OrderBy, &sqlparser.Order{Expr: sqlparser.NewIntVal([]byte(strconv.Itoa(i + 1))), Direction: sqlparser.AscScr})
	}
	if len(s.GroupBy) == 0 {
		s.OrderBy = nil
	}
	// When the merged groups come out in the shards' group order and each
	// shard row is a whole group's partial, a group among the first
	// offset+count is among the first offset+count of every shard that
	// holds part of it: the shards may stop there. HAVING (which drops
	// groups after the merge), a sort after the merge, and DISTINCT
	// aggregates (several rows a group) prevent it.
	push := len(s.GroupBy) > 0 && ap.post == nil && ap.having == nil && distinctArg == nil
	return b.planLimit(push)
}

func direction(desc bool) string {
	if desc {
		return sqlparser.DescScr
	}
	return sqlparser.AscScr
}

// groupOrder returns the order the shards sort groups in and the order to
// sort merged groups in afterwards (nil when the group order already is
// the ORDER BY). Groups need only be adjacent, so when the ORDER BY is a
// prefix of the group keys the shards sort in its directions.
func groupOrder(keys []orderKey, groupKeys []int) (shard, post []orderKey) {
	inGroup := func(c int) bool {
		for _, g := range groupKeys {
			if g == c {
				return true
			}
		}
		return false
	}
	prefix := true
	for _, k := range keys {
		if !inGroup(k.col) {
			prefix = false
		}
	}
	if !prefix {
		for _, g := range groupKeys {
			shard = append(shard, orderKey{col: g})
		}
		return shard, keys
	}
	used := map[int]bool{}
	for _, k := range keys {
		if !used[k.col] {
			shard = append(shard, k)
			used[k.col] = true
		}
	}
	for _, g := range groupKeys {
		if !used[g] {
			shard = append(shard, orderKey{col: g})
			used[g] = true
		}
	}
	return shard, nil
}

// aggregateAt makes user column i, an aggregate, a partial the merge
// combines in place.
func (b *mergeBuilder) aggregateAt(i int, ae *sqlparser.AliasedExpr, f *sqlparser.FuncExpr) error {
	ap := b.m.agg
	key := sqlparser.String(f)
	fn, err := aggFunc(f)
	if err != nil {
		return err
	}
	agg := merge.Aggregate{Func: fn, Col: i}
	switch fn {
	case merge.AggAvg:
		// Shards send SUM(x) here and COUNT(x) hidden.
		arg := f.Exprs
		ae.Expr = &sqlparser.FuncExpr{Name: sqlparser.NewColIdent("sum"), Exprs: arg}
		agg.CountCol = b.addHidden(&sqlparser.FuncExpr{Name: sqlparser.NewColIdent("count"), Exprs: arg})
	case merge.AggCountDistinct, merge.AggSumDistinct, merge.AggAvgDistinct:
		// Shards send the argument itself, grouped by it.
		ae.Expr = f.Exprs[0].(*sqlparser.AliasedExpr).Expr
		b.noteDistinct(i)
	}
	ap.aggs = append(ap.aggs, agg)
	if _, dup := b.colOf[key]; !dup {
		b.colOf[key] = i
	}
	return nil
}

// hiddenAggregates adds a hidden partial for every aggregate of an
// expression the merge computes, unless one is already there.
func (b *mergeBuilder) hiddenAggregates(e sqlparser.Expr) error {
	var err error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if err != nil {
			return false, nil
		}
		switch n := n.(type) {
		case *sqlparser.Subquery:
			err = unsupportedf("subquery in an expression over aggregates over several shards")
			return false, nil
		case *sqlparser.GroupConcatExpr:
			err = unsupportedf("GROUP_CONCAT over several shards: the order of the concatenated values cannot be merged")
			return false, nil
		case *sqlparser.FuncExpr:
			if !n.IsAggregate() {
				return true, nil
			}
			key := sqlparser.String(n)
			if _, ok := b.colOf[key]; ok {
				return false, nil
			}
			fn, ferr := aggFunc(n)
			if ferr != nil {
				err = ferr
				return false, nil
			}
			agg := merge.Aggregate{Func: fn}
			switch fn {
			case merge.AggAvg:
				agg.Col = b.addHidden(&sqlparser.FuncExpr{Name: sqlparser.NewColIdent("sum"), Exprs: n.Exprs})
				agg.CountCol = b.addHidden(&sqlparser.FuncExpr{Name: sqlparser.NewColIdent("count"), Exprs: n.Exprs})
			case merge.AggCountDistinct, merge.AggSumDistinct, merge.AggAvgDistinct:
				agg.Col = b.addHidden(n.Exprs[0].(*sqlparser.AliasedExpr).Expr)
				b.noteDistinct(agg.Col)
			default:
				agg.Col = b.addHidden(n)
			}
			b.m.agg.aggs = append(b.m.agg.aggs, agg)
			b.colOf[key] = agg.Col
			return false, nil
		}
		return true, nil
	}, e)
	return err
}

// groupOrderColumn returns the column an ORDER BY term of a grouped
// statement sorts by: a select item, a group key or an aggregate (added
// hidden when not selected), an expression over group keys (computed by
// the shards, hidden), or an expression over aggregates (computed at the
// merge, hidden).
func (b *mergeBuilder) groupOrderColumn(e sqlparser.Expr) (int, error) {
	m := b.m
	if i, ok := b.userColumn(e); ok {
		return i, nil
	}
	if c, ok := b.merged(e); ok {
		return c, nil
	}
	if c, ok := e.(*sqlparser.ColName); ok {
		if i, ok := b.groupKeyColumn(c); ok {
			return i, nil
		}
	}
	if f, ok := e.(*sqlparser.FuncExpr); ok && f.IsAggregate() {
		if err := b.hiddenAggregates(f); err != nil {
			return 0, err
		}
		return b.colOf[sqlparser.String(f)], nil
	}
	if hasAggregateExpr(e) || b.overMerged(e) {
		if err := b.hiddenAggregates(e); err != nil {
			return 0, err
		}
		v, err := b.compileValue(e, clauseOrder)
		if err != nil {
			return 0, err
		}
		i := b.addHidden(&sqlparser.NullVal{})
		m.computed[i] = v
		return i, nil
	}
	if b.overGroupKeys(e) {
		// The same in every row of a group: the shards compute it.
		return b.addHidden(e), nil
	}
	return 0, unsupportedf("ORDER BY %s over several shards with GROUP BY: order by a selected column, a group key, an aggregate or an expression over them", sqlparser.String(e))
}

// overGroupKeys reports whether every column e reads is a group key (so
// e has one value per group).
func (b *mergeBuilder) overGroupKeys(e sqlparser.Expr) bool {
	ok := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			ok = false
		case *sqlparser.ColName:
			if !b.isGroupKey(n) {
				ok = false
			}
		}
		return ok, nil
	}, e)
	return ok
}

func (b *mergeBuilder) isGroupKey(c *sqlparser.ColName) bool {
	_, ok := b.groupKeyColumn(c)
	return ok
}

// overMerged reports whether the merge can compute e from merged columns
// alone (group keys, aggregates, select aliases), without adding any.
func (b *mergeBuilder) overMerged(e sqlparser.Expr) bool {
	if hasAggregateExpr(e) {
		return false
	}
	saved := len(b.s.SelectExprs)
	_, err := b.compileValue(e, clauseOrder)
	return err == nil && len(b.s.SelectExprs) == saved
}

// groupKey returns the column a GROUP BY term groups by, adding it hidden
// when no select item is that term, and whether the term is a column of
// the FROM tables rather than a select alias (see merge_names.go).
func (b *mergeBuilder) groupKey(g sqlparser.Expr) (int, bool, error) {
	if c, ok := g.(*sqlparser.ColName); ok {
		if a := b.alias(c); a != nil {
			isCol, err := b.groupTermIsColumn(a)
			if err != nil {
				return 0, false, err
			}
			if !isCol {
				return a.col, false, nil
			}
		}
		if i, ok := b.sameItem(g); ok {
			return i, true, nil
		}
		return b.addHidden(g), true, nil
	}
	i, ok := b.userColumn(g)
	if !ok {
		i = b.addHidden(g)
	}
	return i, false, nil
}

// aggFunc maps an aggregate function to its merge.
func aggFunc(f *sqlparser.FuncExpr) (merge.AggFunc, error) {
	name := f.Name.Lowered()
	if f.Distinct {
		switch name {
		case "count":
			return merge.AggCountDistinct, nil
		case "sum":
			return merge.AggSumDistinct, nil
		case "avg":
			return merge.AggAvgDistinct, nil
		case "min":
			return merge.AggMin, nil
		case "max":
			return merge.AggMax, nil
		}
		return 0, unsupportedf("%s(DISTINCT …) over several shards", strings.ToUpper(name))
	}
	switch name {
	case "count":
		return merge.AggCount, nil
	case "sum":
		return merge.AggSum, nil
	case "min":
		return merge.AggMin, nil
	case "max":
		return merge.AggMax, nil
	case "avg":
		return merge.AggAvg, nil
	}
	return 0, unsupportedf("aggregate %s over several shards: only COUNT, SUM, MIN, MAX and AVG merge", strings.ToUpper(name))
}

// aggregatesIn returns the aggregate calls of the given nodes.
func aggregatesIn(nodes ...sqlparser.SQLNode) []*sqlparser.FuncExpr {
	var out []*sqlparser.FuncExpr
	for _, n := range nodes {
		if n == nil {
			continue
		}
		_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
			switch node := node.(type) {
			case *sqlparser.Subquery:
				return false, nil
			case *sqlparser.FuncExpr:
				if node.IsAggregate() {
					out = append(out, node)
					return false, nil
				}
			}
			return true, nil
		}, n)
	}
	return out
}

// hasGroupConcat reports a GROUP_CONCAT in the given nodes outside
// subqueries.
func hasGroupConcat(nodes ...sqlparser.SQLNode) bool {
	found := false
	for _, n := range nodes {
		if n == nil {
			continue
		}
		_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
			switch node.(type) {
			case *sqlparser.Subquery:
				return false, nil
			case *sqlparser.GroupConcatExpr:
				found = true
			}
			return !found, nil
		}, n)
	}
	return found
}

func hasAggregateExpr(e sqlparser.Expr) bool {
	return len(aggregatesIn(e)) > 0
}
