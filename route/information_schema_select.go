package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// catalogEngine is the value semantics of information_schema queries,
// whatever the shards' backend: the catalog holds text and integers, and
// text compares bytewise (utf8mb4_bin), as SQLite compares it.
const catalogEngine = eval.SQLite

// catalogSelect is a SELECT over one information_schema table, compiled
// when the statement is planned and evaluated by the router over the rows
// it builds (see infoTable), with the operators the merge of shards' rows
// uses: WHERE, GROUP BY and aggregates, HAVING, the select list, DISTINCT,
// ORDER BY, LIMIT and OFFSET. No database runs it.
//
// Names resolve to the table's columns, whatever their case; a select
// alias names its item in ORDER BY. LIKE matches as SQLite's does (ASCII
// letters in either case, no escape character).
type catalogSelect struct {
	table *infoTable
	where *mergeValue
	agg   *catalogAggregate
	// having filters the groups.
	having *mergeValue
	// items are the select list, then the ORDER BY terms that are not
	// select items; names names the select list.
	items []*mergeValue
	names []string
	// distinct removes duplicate rows of the select list.
	distinct bool
	order    []eval.SortKey
	// count and offset are the LIMIT; nil when none.
	count, offset *valueExpr
}

// catalogAggregate groups the table's rows. Each row gets the values of
// the group keys and of the aggregates' arguments appended, and is folded
// into its group as a shard's partial result of one row would be.
type catalogAggregate struct {
	inputs []*mergeValue
	keys   []int
	aggs   []merge.Aggregate
	// sort orders the rows by the group keys (then by the argument of a
	// DISTINCT aggregate), so a group's rows are adjacent.
	sort []eval.SortKey
}

// compileCatalogSelect compiles sel, which reads the information_schema
// table t.
func compileCatalogSelect(sel sqlparser.SelectStatement, t *infoTable) (*catalogSelect, error) {
	s, ok := sel.(*sqlparser.Select)
	if !ok {
		return nil, unsupportedf("UNION of information_schema queries: run each SELECT on its own")
	}
	if len(s.From) != 1 {
		return nil, unsupportedf("a query of several information_schema tables: read each table on its own")
	}
	ate, ok := s.From[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return nil, unsupportedf("a join of information_schema tables: read each table on its own")
	}
	if _, isName := ate.Expr.(sqlparser.TableName); !isName || hasSubquery(s) || (s.Having != nil && hasSubqueryIn(s.Having)) || hasSubqueryIn(s.OrderBy) || hasSubqueryIn(s.GroupBy) {
		return nil, unsupportedf("a subquery in a query of information_schema.%s", strings.ToUpper(t.name))
	}
	cs := &catalogSelect{table: t, distinct: s.Distinct != ""}
	b := &mergeBuilder{m: &mergePlan{}, eng: catalogEngine, colOf: map[string]int{}, columns: map[string]bool{}}
	b.source = func(c *sqlparser.ColName) (int, error) { return t.column(c, ate.As) }
	if s.Where != nil {
		v, err := b.compileCond(s.Where.Expr, clauseSelect)
		if err != nil {
			return nil, err
		}
		cs.where = v
	}
	var having sqlparser.Expr
	if s.Having != nil {
		having = s.Having.Expr
	}
	if len(s.GroupBy) > 0 || hasAggregate(s.SelectExprs) || (having != nil && hasAggregateExpr(having)) {
		ag, err := compileCatalogAggregate(b, s, len(t.cols))
		if err != nil {
			return nil, err
		}
		cs.agg = ag
	}
	if having != nil {
		v, err := b.compileCond(having, clauseHaving)
		if err != nil {
			return nil, err
		}
		cs.having = v
	}
	type alias struct {
		name string
		col  int
	}
	var aliases []alias
	for _, se := range s.SelectExprs {
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			if !se.TableName.IsEmpty() && !strings.EqualFold(se.TableName.Name.String(), t.name) && se.TableName.Name.String() != ate.As.String() {
				return nil, planErrorf("information_schema: %s names no table of the query", sqlparser.String(se))
			}
			for i, name := range t.cols {
				cs.items = append(cs.items, &mergeValue{fixed: eval.Col(i)})
				cs.names = append(cs.names, name)
			}
		case *sqlparser.AliasedExpr:
			v, err := b.compileValue(se.Expr, clauseSelect)
			if err != nil {
				return nil, err
			}
			if !se.As.IsEmpty() {
				aliases = append(aliases, alias{name: se.As.Lowered(), col: len(cs.items)})
			}
			cs.items = append(cs.items, v)
			cs.names = append(cs.names, infoColumnName(se))
		default:
			return nil, unsupportedf("select item %s in a query of information_schema", sqlparser.String(se))
		}
	}
	item := func(e sqlparser.Expr) (int, bool) {
		if v, ok := e.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			n, err := strconv.Atoi(string(v.Val))
			return n - 1, err == nil && n >= 1 && n <= len(cs.names)
		}
		if c, ok := e.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
			for _, a := range aliases {
				if a.name == c.Name.Lowered() {
					return a.col, true
				}
			}
		}
		text := sqlparser.String(e)
		for i, se := range s.SelectExprs {
			if ae, ok := se.(*sqlparser.AliasedExpr); ok && sqlparser.String(ae.Expr) == text && !hasStar(s) {
				return i, true
			}
		}
		return 0, false
	}
	for _, o := range s.OrderBy {
		if v, ok := o.Expr.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			if _, ok := item(o.Expr); !ok {
				return nil, planErrorf("information_schema: ORDER BY %s: the select list has %d items", v.Val, len(cs.names))
			}
		}
		col, ok := item(o.Expr)
		if !ok {
			v, err := b.compileValue(o.Expr, clauseOrder)
			if err != nil {
				return nil, err
			}
			col = len(cs.items)
			cs.items = append(cs.items, v)
		}
		desc := o.Direction == sqlparser.DescScr
		cs.order = append(cs.order, eval.SortKey{Col: col, Desc: desc, Nulls: nullOrder(desc)})
	}
	if s.Limit != nil {
		if s.Limit.Rowcount != nil {
			v, ok := newValueExpr(s.Limit.Rowcount)
			if !ok {
				return nil, unsupportedf("LIMIT %s: the count must be a number or ?", sqlparser.String(s.Limit.Rowcount))
			}
			cs.count = &v
		}
		if s.Limit.Offset != nil {
			v, ok := newValueExpr(s.Limit.Offset)
			if !ok {
				return nil, unsupportedf("OFFSET %s: the offset must be a number or ?", sqlparser.String(s.Limit.Offset))
			}
			cs.offset = &v
		}
	}
	return cs, nil
}

// hasSubqueryIn reports a subquery anywhere under n.
func hasSubqueryIn(n sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if _, ok := n.(*sqlparser.Subquery); ok {
			found = true
		}
		return !found, nil
	}, n)
	return found
}

func hasStar(s *sqlparser.Select) bool {
	for _, se := range s.SelectExprs {
		if _, ok := se.(*sqlparser.StarExpr); ok {
			return true
		}
	}
	return false
}

// compileCatalogAggregate compiles the grouping of a query whose table
// rows are width columns wide, and registers the group keys and
// aggregates with b, so the select list, HAVING and ORDER BY read them.
func compileCatalogAggregate(b *mergeBuilder, s *sqlparser.Select, width int) (*catalogAggregate, error) {
	ag := &catalogAggregate{}
	named := map[string]int{}
	add := func(v *mergeValue) int {
		ag.inputs = append(ag.inputs, v)
		return width + len(ag.inputs) - 1
	}
	for _, g := range s.GroupBy {
		// GROUP BY 2 or an alias names a select item.
		if v, ok := g.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			n, err := strconv.Atoi(string(v.Val))
			if err != nil || n < 1 || n > len(s.SelectExprs) {
				return nil, planErrorf("information_schema: GROUP BY %s: the select list has %d items", v.Val, len(s.SelectExprs))
			}
			ae, ok := s.SelectExprs[n-1].(*sqlparser.AliasedExpr)
			if !ok {
				return nil, unsupportedf("GROUP BY %d naming %s", n, sqlparser.String(s.SelectExprs[n-1]))
			}
			g = ae.Expr
		} else if c, ok := g.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
			for _, se := range s.SelectExprs {
				if ae, ok := se.(*sqlparser.AliasedExpr); ok && ae.As.Equal(c.Name) {
					if _, err := b.source(c); err != nil {
						g = ae.Expr
					}
				}
			}
		}
		if hasAggregateExpr(g) {
			return nil, planErrorf("information_schema: GROUP BY %s: aggregate functions are not allowed in GROUP BY", sqlparser.String(g))
		}
		v, err := b.compileValue(g, clauseSelect)
		if err != nil {
			return nil, err
		}
		col := add(v)
		ag.keys = append(ag.keys, col)
		ag.sort = append(ag.sort, eval.SortKey{Col: col, Nulls: eval.NullsFirst})
		if _, isCol := g.(*sqlparser.ColName); !isCol {
			named[sqlparser.String(g)] = col
		}
	}
	var distinctArg string
	var having sqlparser.SQLNode
	if s.Having != nil {
		having = s.Having
	}
	for _, f := range aggregatesIn(s.SelectExprs, having, s.OrderBy) {
		text := sqlparser.String(f)
		if _, ok := named[text]; ok {
			continue
		}
		fn, err := aggFunc(f)
		if err != nil {
			return nil, err
		}
		args, ok := funcArgs(f)
		star := len(f.Exprs) == 1 && isStar(f.Exprs[0])
		if !star && (!ok || len(args) != 1) {
			return nil, unsupportedf("aggregate %s in a query of information_schema", text)
		}
		var arg *mergeValue
		if !star {
			if hasAggregateExpr(args[0]) {
				return nil, planErrorf("information_schema: %s: aggregate functions do not nest", text)
			}
			if arg, err = b.compileValue(args[0], clauseSelect); err != nil {
				return nil, err
			}
		}
		switch fn {
		case merge.AggCount:
			// A row counts 1, or 0 when the argument is NULL.
			one := &mergeValue{fixed: eval.Lit(int64(1))}
			if arg != nil {
				one = notNullCount(arg)
			}
			named[text] = add(one)
			ag.aggs = append(ag.aggs, merge.Aggregate{Func: fn, Col: named[text]})
		case merge.AggAvg:
			col := add(arg)
			ag.aggs = append(ag.aggs, merge.Aggregate{Func: fn, Col: col, CountCol: add(notNullCount(arg))})
			named[text] = col
		case merge.AggCountDistinct, merge.AggSumDistinct, merge.AggAvgDistinct:
			argText := sqlparser.String(args[0])
			if distinctArg != "" && distinctArg != argText {
				return nil, unsupportedf("DISTINCT aggregates of two expressions (%s, %s) in a query of information_schema", distinctArg, argText)
			}
			distinctArg = argText
			col := add(arg)
			if len(ag.sort) == len(ag.keys) {
				ag.sort = append(ag.sort, eval.SortKey{Col: col, Nulls: eval.NullsFirst})
			}
			ag.aggs = append(ag.aggs, merge.Aggregate{Func: fn, Col: col})
			named[text] = col
		default:
			named[text] = add(arg)
			ag.aggs = append(ag.aggs, merge.Aggregate{Func: fn, Col: named[text]})
		}
	}
	for text, col := range named {
		b.colOf[text] = col
	}
	return ag, nil
}

func isStar(se sqlparser.SelectExpr) bool {
	_, ok := se.(*sqlparser.StarExpr)
	return ok
}

// notNullCount is a row's partial COUNT(x): 1, or 0 when x is NULL.
func notNullCount(arg *mergeValue) *mergeValue {
	wrap := func(x eval.Expr) eval.Expr {
		return eval.Case([]eval.When{{Cond: eval.IsNull(x), Then: eval.Lit(int64(0))}}, eval.Lit(int64(1)))
	}
	if arg.build == nil {
		return &mergeValue{fixed: wrap(arg.fixed), reads: arg.reads}
	}
	return &mergeValue{reads: arg.reads, build: func(args []any) (eval.Expr, error) {
		x, err := arg.build(args)
		if err != nil {
			return x, err
		}
		return wrap(x), nil
	}}
}

// infoColumnName is the name MySQL 8 gives a select item of an
// information_schema query: its alias, a plain column's upper-case name,
// or the item's text.
func infoColumnName(ae *sqlparser.AliasedExpr) string {
	if !ae.As.IsEmpty() {
		return ae.As.String()
	}
	if col, ok := ae.Expr.(*sqlparser.ColName); ok {
		return strings.ToUpper(col.Name.String())
	}
	return argPattern.ReplaceAllString(sqlparser.String(ae.Expr), "?")
}

// column returns the position of the column a name reads; as is the
// table's alias in the query, if any.
func (t *infoTable) column(c *sqlparser.ColName, as sqlparser.TableIdent) (int, error) {
	if q := c.Qualifier; !q.IsEmpty() {
		named := strings.EqualFold(q.Name.String(), t.name) && (q.Qualifier.IsEmpty() || strings.EqualFold(q.Qualifier.String(), infoSchemaName))
		if as.IsEmpty() && !named || !as.IsEmpty() && !(q.Qualifier.IsEmpty() && q.Name.String() == as.String()) {
			return 0, planErrorf("information_schema: %s names no table of the query", sqlparser.String(c))
		}
	}
	for i, name := range t.cols {
		if strings.EqualFold(name, c.Name.String()) {
			return i, nil
		}
	}
	return 0, planErrorf("information_schema.%s has no column %s", strings.ToUpper(t.name), c.Name.String())
}

// run evaluates the query over the table's rows, which it may modify.
// It returns the names of the result columns and the result rows.
func (cs *catalogSelect) run(rows []merge.Row, args []any) ([]string, []merge.Row, error) {
	// Every expression is made for the arguments first: the operators
	// are stacked only when nothing can fail before the rows are read.
	exprs := func(vs []*mergeValue) ([]eval.Expr, error) {
		out := make([]eval.Expr, len(vs))
		for i, v := range vs {
			x, err := v.expr(args)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	var where, having, inputs []eval.Expr
	var err error
	if cs.where != nil {
		if where, err = exprs([]*mergeValue{cs.where}); err != nil {
			return nil, nil, err
		}
	}
	if cs.having != nil {
		if having, err = exprs([]*mergeValue{cs.having}); err != nil {
			return nil, nil, err
		}
	}
	if cs.agg != nil {
		if inputs, err = exprs(cs.agg.inputs); err != nil {
			return nil, nil, err
		}
	}
	items, err := exprs(cs.items)
	if err != nil {
		return nil, nil, err
	}
	count, offset := int64(-1), int64(0)
	if cs.count != nil {
		if count, err = limitValue(*cs.count, args, "LIMIT"); err != nil {
			return nil, nil, err
		}
	}
	if cs.offset != nil {
		if offset, err = limitValue(*cs.offset, args, "OFFSET"); err != nil {
			return nil, nil, err
		}
	}

	eng := catalogEngine
	var it merge.Iterator = merge.NewStatic(textColumns(cs.table.cols, rows), rows)
	project := func(xs []eval.Expr, keep int) {
		cols := it.Columns()
		outs := make([]merge.ProjectColumn, 0, keep+len(xs))
		for i := 0; i < keep; i++ {
			outs = append(outs, merge.ProjectColumn{Name: cols[i].Name, Expr: eval.Col(i)})
		}
		for i, x := range xs {
			outs = append(outs, merge.ProjectColumn{Name: "__vt_c" + strconv.Itoa(i), Expr: x})
		}
		it = merge.NewProject(it, outs, eng)
	}
	if where != nil {
		it = merge.NewFilter(it, where[0], eng)
	}
	if ag := cs.agg; ag != nil {
		project(inputs, len(cs.table.cols))
		if len(ag.sort) > 0 {
			it = merge.NewSort(it, ag.sort, eng)
		}
		it = merge.NewAggregate(it, ag.keys, ag.aggs, eng)
	}
	if having != nil {
		it = merge.NewFilter(it, having[0], eng)
	}
	project(items, 0)
	n := len(cs.names)
	if cs.distinct {
		keys := make([]eval.SortKey, n)
		cols := make([]int, n)
		for i := range keys {
			keys[i], cols[i] = eval.SortKey{Col: i, Nulls: eval.NullsFirst}, i
		}
		it = merge.NewDistinct(merge.NewSort(it, keys, eng), cols, eng)
	}
	if len(cs.order) > 0 {
		it = merge.NewSort(it, cs.order, eng)
	}
	if count >= 0 || offset > 0 {
		it = merge.NewLimit(it, offset, count)
	}
	out, err := merge.ReadAll(it)
	if err != nil {
		return nil, nil, err
	}
	for i, r := range out {
		out[i] = r[:n]
	}
	return cs.names, out, nil
}
