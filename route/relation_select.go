package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// relationSource describes the rows a relationSelect reads: how a name
// finds its column, what * expands to, how a select item is named, and the
// value semantics of the backend the rows came from.
type relationSource struct {
	// what names the rows in messages ("information_schema", "a join").
	what  string
	width int
	eng   eval.Engine
	// resolve returns the column a name reads.
	resolve func(c *sqlparser.ColName) (int, error)
	// isColumn reports whether a bare name is a column of the rows' tables,
	// as one database resolves a name that is also a select alias.
	isColumn func(name string) (bool, error)
	// star returns the columns a * item expands to and their names; a
	// name "" is the input column's own name.
	star func(se *sqlparser.StarExpr) ([]int, []string, error)
	// itemName names a select item; "" names it as its input column from
	// is named (a plain column).
	itemName func(ae *sqlparser.AliasedExpr) string
	// strict refuses names neither grouped nor aggregated in an
	// aggregating query, whose value would be some row's of the group.
	strict bool
}

// relationSelect is one SELECT evaluated by the router over rows it holds
// or reads from another plan (a join's rows, a derived table's): WHERE,
// GROUP BY with aggregates, HAVING, the select list, DISTINCT, ORDER BY,
// LIMIT and OFFSET, with the merge operators and the value rules of the
// backend that produced the rows.
//
// Algorithm: Filter (WHERE) → Project of the grouping inputs → Sort by the
// group keys → Aggregate → Filter (HAVING) → Project of the select list and
// the ORDER BY terms → Sort + Distinct → Sort (or top-N with a LIMIT) →
// Limit → Project of the select list. Filters, projections and the limit
// stream; each sort holds its rows, at most max_memory_rows of them: past
// that the statement fails (merge.MemoryRowsError), never returning part
// of its rows.
type relationSelect struct {
	width  int
	eng    eval.Engine
	where  *mergeValue
	agg    *relationAggregate
	having *mergeValue
	// win computes the window functions, after HAVING; nil when none.
	win *relationWindows
	// items are the select list, then the ORDER BY terms that are not
	// select items; names names the select list, and nameFrom[i] >= 0
	// names item i as that input column is named when the rows arrive.
	items    []*mergeValue
	names    []string
	nameFrom []int
	distinct bool
	// timeText marks the select items that are not a column itself,
	// whose time.Time values SQLite gives as text (see relation_time.go).
	timeText []bool
	order    []eval.SortKey
	// count and offset are the LIMIT; nil when none.
	count, offset *valueExpr
}

// relationAggregate groups the rows. Each row gets the values of the
// group keys and of the aggregates' arguments appended, and is folded into
// its group as a row of the aggregated values themselves.
type relationAggregate struct {
	inputs []*mergeValue
	keys   []int
	aggs   []merge.Aggregate
	// sort orders the rows by the group keys (then by the argument of a
	// DISTINCT aggregate), so a group's rows are adjacent.
	sort []eval.SortKey
	// keyCols are the input columns that are group keys themselves.
	keyCols map[int]bool
}

// compileRelationSelect compiles s over the rows src describes; s's FROM
// is not read, and s may be changed (select aliases in GROUP BY, HAVING
// and ORDER BY are replaced by their expressions where one database reads
// them so).
func compileRelationSelect(s *sqlparser.Select, src relationSource) (*relationSelect, error) {
	if hasOuterSubquery(s) {
		return nil, unsupportedf("a subquery in a SELECT evaluated over the rows of %s", src.what)
	}
	if err := resolveAliases(s, src); err != nil {
		return nil, err
	}
	rs := &relationSelect{width: src.width, eng: src.eng, distinct: s.Distinct != ""}
	b := &mergeBuilder{m: &mergePlan{}, eng: src.eng, colOf: map[string]int{}, columns: map[string]bool{}}
	b.source = src.resolve
	if s.Where != nil {
		v, err := b.compileCond(s.Where.Expr, clauseSelect)
		if err != nil {
			return nil, err
		}
		rs.where = v
	}
	var having sqlparser.Expr
	if s.Having != nil {
		having = s.Having.Expr
	}
	if len(s.GroupBy) > 0 || hasAggregate(s.SelectExprs) || (having != nil && hasAggregateExpr(having)) {
		ag, err := compileRelationAggregate(b, s, src)
		if err != nil {
			return nil, err
		}
		rs.agg = ag
	}
	if having != nil {
		v, err := b.compileCond(having, clauseHaving)
		if err != nil {
			return nil, err
		}
		rs.having = v
	}
	if hasWindow(s.SelectExprs, s.OrderBy) {
		base := src.width
		if rs.agg != nil {
			base += len(rs.agg.inputs)
		}
		w, err := compileRelationWindows(b, s, src, rs.agg, base)
		if err != nil {
			return nil, err
		}
		rs.win = w
	}
	type alias struct {
		name string
		col  int
	}
	var aliases []alias
	// itemCol[i] is the input column select item i is, -1 for any other
	// item: an ORDER BY naming that column orders by the item.
	var itemCol []int
	for _, se := range s.SelectExprs {
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			if src.star == nil {
				return nil, unsupportedf("%s over the rows of %s: name the columns", sqlparser.String(se), src.what)
			}
			if rs.agg != nil && src.strict {
				return nil, unsupportedf("%s in an aggregating SELECT over the rows of %s", sqlparser.String(se), src.what)
			}
			cols, names, err := src.star(se)
			if err != nil {
				return nil, err
			}
			for k, i := range cols {
				itemCol = append(itemCol, i)
				rs.items = append(rs.items, &mergeValue{fixed: eval.Col(i)})
				rs.names = append(rs.names, names[k])
				from := -1
				if names[k] == "" {
					from = i
				}
				rs.nameFrom = append(rs.nameFrom, from)
			}
		case *sqlparser.AliasedExpr:
			v, err := b.compileValue(se.Expr, clauseSelect)
			if err != nil {
				return nil, err
			}
			if rs.agg != nil && src.strict {
				if err := rs.agg.checkGrouped(b, se.Expr, src); err != nil {
					return nil, err
				}
			}
			if !se.As.IsEmpty() {
				aliases = append(aliases, alias{name: se.As.Lowered(), col: len(rs.items)})
			}
			name, from := src.itemName(se), -1
			if name == "" {
				if c, ok := se.Expr.(*sqlparser.ColName); ok {
					if from, err = src.resolve(c); err != nil {
						return nil, err
					}
				}
			}
			col := -1
			if c, ok := se.Expr.(*sqlparser.ColName); ok {
				if i, err := src.resolve(c); err == nil {
					col = i
				}
			}
			itemCol = append(itemCol, col)
			rs.items = append(rs.items, v)
			rs.names = append(rs.names, name)
			rs.nameFrom = append(rs.nameFrom, from)
			for len(rs.timeText) < len(rs.names)-1 {
				rs.timeText = append(rs.timeText, false)
			}
			rs.timeText = append(rs.timeText, src.eng == eval.SQLite && !isBareColumn(se.Expr))
		default:
			return nil, unsupportedf("select item %s over the rows of %s", sqlparser.String(se), src.what)
		}
	}
	if rs.agg != nil && src.strict && having != nil {
		if err := rs.agg.checkGrouped(b, having, src); err != nil {
			return nil, err
		}
	}
	item := func(e sqlparser.Expr) (int, bool) {
		if v, ok := e.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			n, err := strconv.Atoi(string(v.Val))
			return n - 1, err == nil && n >= 1 && n <= len(rs.names)
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
		// A column the select list holds as an item, under * or written
		// otherwise (email, u.email), orders by that item: its value.
		if c, ok := e.(*sqlparser.ColName); ok {
			if in, err := src.resolve(c); err == nil {
				for i, col := range itemCol {
					if col == in {
						return i, true
					}
				}
			}
		}
		return 0, false
	}
	for _, o := range s.OrderBy {
		if v, ok := o.Expr.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			if _, ok := item(o.Expr); !ok {
				return nil, planErrorf("%s: ORDER BY %s: the select list has %d items", src.what, v.Val, len(rs.names))
			}
		}
		col, ok := item(o.Expr)
		if !ok {
			if rs.distinct && src.strict {
				return nil, unsupportedf("ORDER BY %s of a SELECT DISTINCT over the rows of %s: order by a selected item", sqlparser.String(o.Expr), src.what)
			}
			if rs.agg != nil && src.strict {
				if err := rs.agg.checkGrouped(b, o.Expr, src); err != nil {
					return nil, err
				}
			}
			v, err := b.compileValue(o.Expr, clauseOrder)
			if err != nil {
				return nil, err
			}
			col = len(rs.items)
			rs.items = append(rs.items, v)
		}
		desc := o.Direction == sqlparser.DescScr
		rs.order = append(rs.order, eval.SortKey{Col: col, Desc: desc, Nulls: nullOrder(desc)})
	}
	if s.Limit != nil {
		if s.Limit.Rowcount != nil {
			v, ok := newValueExpr(s.Limit.Rowcount)
			if !ok {
				return nil, unsupportedf("LIMIT %s: the count must be a number or ?", sqlparser.String(s.Limit.Rowcount))
			}
			rs.count = &v
		}
		if s.Limit.Offset != nil {
			v, ok := newValueExpr(s.Limit.Offset)
			if !ok {
				return nil, unsupportedf("OFFSET %s: the offset must be a number or ?", sqlparser.String(s.Limit.Offset))
			}
			rs.offset = &v
		}
	}
	return rs, nil
}

// compileRelationAggregate compiles the grouping of a query over rows
// width columns wide, and registers the group keys and aggregates with b,
// so the select list, HAVING and ORDER BY read them.
func compileRelationAggregate(b *mergeBuilder, s *sqlparser.Select, src relationSource) (*relationAggregate, error) {
	ag := &relationAggregate{keyCols: map[int]bool{}}
	named := map[string]int{}
	add := func(v *mergeValue) int {
		ag.inputs = append(ag.inputs, v)
		return src.width + len(ag.inputs) - 1
	}
	for _, g := range s.GroupBy {
		// GROUP BY 2 names a select item.
		if v, ok := g.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			n, err := strconv.Atoi(string(v.Val))
			if err != nil || n < 1 || n > len(s.SelectExprs) {
				return nil, planErrorf("%s: GROUP BY %s: the select list has %d items", src.what, v.Val, len(s.SelectExprs))
			}
			ae, ok := s.SelectExprs[n-1].(*sqlparser.AliasedExpr)
			if !ok {
				return nil, unsupportedf("GROUP BY %d naming %s", n, sqlparser.String(s.SelectExprs[n-1]))
			}
			g = ae.Expr
		}
		if hasAggregateExpr(g) {
			return nil, planErrorf("%s: GROUP BY %s: aggregate functions are not allowed in GROUP BY", src.what, sqlparser.String(g))
		}
		v, err := b.compileValue(g, clauseSelect)
		if err != nil {
			return nil, err
		}
		col := add(v)
		ag.keys = append(ag.keys, col)
		ag.sort = append(ag.sort, eval.SortKey{Col: col, Nulls: eval.NullsFirst})
		if c, isCol := g.(*sqlparser.ColName); isCol {
			if in, err := src.resolve(c); err == nil {
				ag.keyCols[in] = true
			}
		} else {
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
		if err := checkAggregateOn(src.eng, f); err != nil {
			return nil, err
		}
		fn, err := aggFunc(f)
		if err != nil {
			return nil, err
		}
		args, ok := funcArgs(f)
		star := len(f.Exprs) == 1 && isStar(f.Exprs[0])
		if !star && (!ok || len(args) != 1) {
			return nil, unsupportedf("aggregate %s over the rows of %s", text, src.what)
		}
		var arg *mergeValue
		if !star {
			if hasAggregateExpr(args[0]) {
				return nil, planErrorf("%s: %s: aggregate functions do not nest", src.what, text)
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
			ag.aggs = append(ag.aggs, merge.Aggregate{Func: fn, Col: col, CountCol: add(notNullCount(arg)), Values: true})
			named[text] = col
		case merge.AggCountDistinct, merge.AggSumDistinct, merge.AggAvgDistinct:
			argText := sqlparser.String(args[0])
			if distinctArg != "" && distinctArg != argText {
				return nil, unsupportedf("DISTINCT aggregates of two expressions (%s, %s) over the rows of %s", distinctArg, argText, src.what)
			}
			distinctArg = argText
			col := add(arg)
			if len(ag.sort) == len(ag.keys) {
				ag.sort = append(ag.sort, eval.SortKey{Col: col, Nulls: eval.NullsFirst})
			}
			ag.aggs = append(ag.aggs, merge.Aggregate{Func: fn, Col: col, Values: true})
			named[text] = col
		default:
			named[text] = add(arg)
			ag.aggs = append(ag.aggs, merge.Aggregate{Func: fn, Col: named[text], Values: true})
		}
	}
	for text, col := range named {
		b.colOf[text] = col
	}
	return ag, nil
}

// checkGrouped refuses a name in e, outside its aggregates, that is not a
// group key: one database would take it from some row of the group (or
// refuse the statement), and no merge can tell which row.
func (ag *relationAggregate) checkGrouped(b *mergeBuilder, e sqlparser.Expr, src relationSource) error {
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if bad != nil {
			return false, nil
		}
		// A group key or aggregate, a function call (GROUP BY
		// COALESCE(u.name, '-')) too, is read whole.
		if x, ok := n.(sqlparser.Expr); ok {
			if _, ok := b.colOf[sqlparser.String(x)]; ok {
				return false, nil
			}
		}
		switch n := n.(type) {
		case *sqlparser.FuncExpr:
			if dialect.IsAggregate(n) {
				return false, nil
			}
		case *sqlparser.GroupConcatExpr:
			return false, nil
		case sqlparser.Expr:
			if c, ok := n.(*sqlparser.ColName); ok {
				col, err := src.resolve(c)
				if err != nil {
					bad = err
					return false, nil
				}
				if ag.keyCols[col] {
					return false, nil
				}
				bad = &ungroupedError{unsupportedf("column %s is neither grouped nor aggregated in a SELECT over the rows of %s", sqlparser.String(c), src.what)}
				return false, nil
			}
		}
		return true, nil
	}, e)
	return bad
}

// ungroupedError is the refusal of a column neither grouped nor
// aggregated in a grouped SELECT the router evaluates: SQLite would
// take some row's value of the group, PostgreSQL fails (unless the
// column depends on a grouped primary key).
type ungroupedError struct{ err error }

func (e *ungroupedError) Error() string { return e.err.Error() }
func (e *ungroupedError) Unwrap() error { return e.err }

// resolveAliases replaces the bare names in GROUP BY, HAVING and ORDER BY
// expressions that mean a select alias by the aliased expression, as one
// database resolves them (see the rules in merge_names.go); a bare ORDER
// BY term that is an alias is left for the select item it names.
func resolveAliases(s *sqlparser.Select, src relationSource) error {
	var aliases []userAlias
	for i, se := range s.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok || ae.As.IsEmpty() {
			continue
		}
		aliases = append(aliases, userAlias{name: ae.As.Lowered(), col: i, expr: ae.Expr,
			aggregate: hasAggregateExpr(ae.Expr), capitalized: isCapitalized(ae.As.String())})
	}
	if len(aliases) == 0 {
		return nil
	}
	find := func(c *sqlparser.ColName) *userAlias {
		if !c.Qualifier.IsEmpty() {
			return nil
		}
		for i := range aliases {
			if aliases[i].name == c.Name.Lowered() && !aliases[i].sameColumn() {
				return &aliases[i]
			}
		}
		return nil
	}
	pg := src.eng == eval.PostgreSQL
	isColumn := func(name string) (bool, error) {
		if src.isColumn == nil {
			return false, unsupportedf("%s is both a select alias and perhaps a column of %s: name the column qualified or the expression in full", name, src.what)
		}
		return src.isColumn(name)
	}
	// replace rewrites the names under e for which means says the alias.
	replace := func(e sqlparser.Expr, means func(a *userAlias) (bool, error)) (sqlparser.Expr, error) {
		var failed error
		walk := func(e sqlparser.Expr) sqlparser.Expr {
			if c, ok := e.(*sqlparser.ColName); ok {
				if a := find(c); a != nil {
					yes, err := means(a)
					if err != nil {
						failed = err
					}
					if yes {
						return &sqlparser.ParenExpr{Expr: a.expr}
					}
				}
			}
			return e
		}
		e = rewriteExpr(e, walk)
		return e, failed
	}
	for i, g := range s.GroupBy {
		c, ok := g.(*sqlparser.ColName)
		if !ok {
			continue
		}
		a := find(c)
		if a == nil || a.aggregate {
			continue
		}
		alias := a.capitalized && pg
		if !alias {
			isCol, err := isColumn(a.name)
			if err != nil {
				return err
			}
			alias = !isCol
		}
		if alias {
			s.GroupBy[i] = a.expr
		}
	}
	if s.Having != nil {
		e, err := replace(s.Having.Expr, func(a *userAlias) (bool, error) {
			if pg {
				return a.aggregate || a.capitalized, nil
			}
			isCol, err := isColumn(a.name)
			return !isCol, err
		})
		if err != nil {
			return err
		}
		s.Having.Expr = e
	}
	for _, o := range s.OrderBy {
		if _, bare := o.Expr.(*sqlparser.ColName); bare {
			continue
		}
		e, err := replace(o.Expr, func(a *userAlias) (bool, error) {
			if pg {
				return false, nil
			}
			isCol, err := isColumn(a.name)
			return !isCol, err
		})
		if err != nil {
			return err
		}
		o.Expr = e
	}
	return nil
}

// rewriteExpr returns e with every column name under it replaced by what
// f returns for it.
func rewriteExpr(e sqlparser.Expr, f func(sqlparser.Expr) sqlparser.Expr) sqlparser.Expr {
	if c, ok := e.(*sqlparser.ColName); ok {
		return f(c)
	}
	var cols []*sqlparser.ColName
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if c, ok := n.(*sqlparser.ColName); ok {
			cols = append(cols, c)
		}
		return true, nil
	}, e)
	for _, c := range cols {
		if r := f(c); r != sqlparser.Expr(c) {
			e = sqlparser.ReplaceExpr(e, c, r)
		}
	}
	return e
}

// open stacks the query's operators over the input rows it; the result
// has the select list's columns. Nothing runs until the first Next.
func (rs *relationSelect) open(it merge.Iterator, args []any, maxRows int64) (merge.Iterator, error) {
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
	var where, having, inputs, winInputs []eval.Expr
	var err error
	if rs.where != nil {
		if where, err = exprs([]*mergeValue{rs.where}); err != nil {
			return nil, err
		}
	}
	if rs.having != nil {
		if having, err = exprs([]*mergeValue{rs.having}); err != nil {
			return nil, err
		}
	}
	if rs.agg != nil {
		if inputs, err = exprs(rs.agg.inputs); err != nil {
			return nil, err
		}
	}
	if rs.win != nil {
		if winInputs, err = exprs(rs.win.inputs); err != nil {
			return nil, err
		}
	}
	items, err := exprs(rs.items)
	if err != nil {
		return nil, err
	}
	count, offset := int64(-1), int64(0)
	if rs.count != nil {
		if count, err = limitValue(*rs.count, args, "LIMIT"); err != nil {
			return nil, err
		}
	}
	if rs.offset != nil {
		if offset, err = limitValue(*rs.offset, args, "OFFSET"); err != nil {
			return nil, err
		}
	}
	if got := len(it.Columns()); got != rs.width {
		return nil, planErrorf("the rows evaluated at the merge have %d columns, not %d", got, rs.width)
	}
	names := make([]string, len(rs.names))
	for i, n := range rs.names {
		if rs.nameFrom[i] >= 0 {
			n = it.Columns()[rs.nameFrom[i]].Name
		}
		names[i] = n
	}

	eng := rs.eng
	project := func(xs []eval.Expr, keep int) {
		cols := it.Columns()
		outs := make([]merge.ProjectColumn, 0, keep+len(xs))
		for i := 0; i < keep; i++ {
			outs = append(outs, merge.ProjectColumn{Name: cols[i].Name, Expr: eval.Col(i)})
		}
		for i, x := range xs {
			name := "__vt_c" + strconv.Itoa(i)
			if i < len(names) && keep == 0 {
				name = names[i]
			}
			outs = append(outs, merge.ProjectColumn{Name: name, Expr: x})
		}
		it = merge.NewProject(it, outs, eng)
	}
	sorted := func(keys []eval.SortKey, what string) {
		it = merge.NewSort(merge.NewBound(it, maxRows, what), keys, eng)
	}
	if where != nil {
		it = merge.NewFilter(it, where[0], eng)
	}
	if ag := rs.agg; ag != nil {
		project(inputs, rs.width)
		if len(ag.sort) > 0 {
			sorted(ag.sort, "GROUP BY")
		}
		it = merge.NewAggregate(it, ag.keys, ag.aggs, eng)
	}
	if having != nil {
		it = merge.NewFilter(it, having[0], eng)
	}
	if rs.win != nil {
		project(winInputs, rs.win.base)
		it = merge.NewWindow(merge.NewBound(it, maxRows, "window"), rs.win.funcs, eng)
	}
	project(items, 0)
	n := len(rs.names)
	if rs.distinct {
		keys := make([]eval.SortKey, n)
		cols := make([]int, n)
		for i := range keys {
			keys[i], cols[i] = eval.SortKey{Col: i, Nulls: eval.NullsFirst}, i
		}
		sorted(keys, "DISTINCT")
		it = merge.NewDistinct(it, cols, eng)
	}
	if len(rs.order) > 0 {
		if count >= 0 && (maxRows <= 0 || offset+count <= maxRows) {
			it = merge.NewTopN(it, rs.order, eng, offset+count)
		} else {
			sorted(rs.order, "ORDER BY")
		}
	}
	if count >= 0 || offset > 0 {
		it = merge.NewLimit(it, offset, count)
	}
	if len(rs.items) > n {
		outs := make([]merge.ProjectColumn, n)
		for i := range outs {
			outs[i] = merge.ProjectColumn{Name: names[i], Expr: eval.Col(i)}
		}
		it = merge.NewProject(it, outs, eng)
	}
	if rs.timeText != nil {
		it = newTimeText(it, rs.timeText)
	}
	return it, nil
}

// describe is the VEXPLAIN operator row of the query.
func (rs *relationSelect) describe() string {
	var parts []string
	if rs.where != nil {
		parts = append(parts, "Filter")
	}
	if rs.agg != nil {
		if len(rs.agg.keys) > 0 {
			parts = append(parts, "GROUP BY "+strconv.Itoa(len(rs.agg.keys))+" keys")
		}
		parts = append(parts, "Aggregate "+strconv.Itoa(len(rs.agg.aggs)))
	}
	if rs.having != nil {
		parts = append(parts, "HAVING")
	}
	if rs.win != nil {
		parts = append(parts, "Window "+strconv.Itoa(len(rs.win.funcs)))
	}
	if rs.distinct {
		parts = append(parts, "Distinct")
	}
	if len(rs.order) > 0 {
		terms := make([]string, len(rs.order))
		for i, k := range rs.order {
			terms[i] = strconv.Itoa(k.Col + 1)
			if k.Desc {
				terms[i] += " DESC"
			}
		}
		parts = append(parts, "Sort "+strings.Join(terms, ", "))
	}
	if rs.count != nil || rs.offset != nil {
		lim := "Limit"
		if rs.count != nil {
			lim += " " + rs.count.String()
		}
		if rs.offset != nil {
			lim += " OFFSET " + rs.offset.String()
		}
		parts = append(parts, lim)
	}
	names := make([]string, len(rs.names))
	for i, n := range rs.names {
		if n == "" && rs.nameFrom[i] >= 0 {
			// Named by the input column it is, known when the rows arrive.
			n = "#" + strconv.Itoa(rs.nameFrom[i]+1)
		}
		names[i] = n
	}
	return strings.Join(append(parts, "Project "+strings.Join(names, ", ")), " | ")
}

// userItemName names the select items of a user's SELECT evaluated over
// rows whose columns carry the names the shards gave them: a plain
// column the user did not alias keeps its input column's name (""), any
// other item its alias (named: those nameColumns gave their text).
func userItemName(named map[*sqlparser.AliasedExpr]bool) func(*sqlparser.AliasedExpr) string {
	return func(ae *sqlparser.AliasedExpr) string {
		if _, isCol := ae.Expr.(*sqlparser.ColName); isCol && (ae.As.IsEmpty() || named[ae]) {
			return ""
		}
		return ae.As.String()
	}
}
