package route

import (
	"fmt"
	"strconv"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
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
	eng eval.Engine
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
	// concats are the extra groupings of the GROUP_CONCATs, in the
	// order they were planned.
	concats []*concatPlan
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
	eng     eval.Engine
	probe   func(name string) (bool, error)
	columns map[string]bool
	// subqueries are the columns holding the values of uncorrelated
	// subqueries (*Subquery, *ExistsExpr), for a statement computed over
	// them.
	subqueries map[sqlparser.Expr]int
	// source resolves a name to a column of rows the router holds itself
	// (the information_schema tables); nil for rows from shards.
	source func(c *sqlparser.ColName) (int, error)
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
