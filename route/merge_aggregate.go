package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// This file plans the merge of an aggregating statement over several
// shards: group keys, partial aggregates, HAVING and the order of the
// merged groups.

// planAggregate plans GROUP BY and aggregates over several shards.
func (b *mergeBuilder) planAggregate() error {
	s, m := b.s, b.m
	if m.star {
		return unsupportedf("SELECT * with aggregates over several shards")
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
		if f, ok := ae.Expr.(*sqlparser.FuncExpr); ok && dialect.IsAggregate(f) {
			if err := b.aggregateAt(i, ae, f); err != nil {
				return err
			}
			continue
		}
		if g, ok := ae.Expr.(*sqlparser.GroupConcatExpr); ok {
			if err := b.groupConcatAt(i, ae, g); err != nil {
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
	for n, cp := range b.concats {
		// The shards group by every GROUP_CONCAT's ORDER BY terms too.
		// The first, unless a DISTINCT aggregate's argument orders the
		// groups' rows, has the shards and the merge sort by its terms
		// after the group keys; the others sort their values themselves.
		s.GroupBy = append(s.GroupBy, cp.groupBy...)
		if n == 0 && distinctArg == nil {
			for _, k := range cp.order {
				m.order = append(m.order, k)
				s.OrderBy = append(s.OrderBy, &sqlparser.Order{Expr: sqlparser.NewIntVal([]byte(strconv.Itoa(k.col + 1))), Direction: direction(k.desc)})
			}
			continue
		}
		ag := &ap.aggs[cp.agg]
		for _, k := range cp.order {
			ag.Order = append(ag.Order, eval.SortKey{Col: k.col, Desc: k.desc, Nulls: nullOrder(k.desc)})
		}
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
	push := len(s.GroupBy) > 0 && ap.post == nil && ap.having == nil && distinctArg == nil && len(b.concats) == 0
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
	case merge.AggVarPop, merge.AggVarSamp, merge.AggStddevPop, merge.AggStddevSamp:
		ae.Expr = b.momentsOf(&agg, f)
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
			if _, ok := b.colOf[sqlparser.String(n)]; !ok {
				i := b.addHidden(n)
				err = b.groupConcatAt(i, b.s.SelectExprs[i].(*sqlparser.AliasedExpr), n)
			}
			return false, nil
		case *sqlparser.FuncExpr:
			if !dialect.IsAggregate(n) {
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
			case merge.AggVarPop, merge.AggVarSamp, merge.AggStddevPop, merge.AggStddevSamp:
				agg.Col = b.addHidden(b.momentsOf(&agg, n))
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
	if isAggregateCall(e) {
		if err := b.hiddenAggregates(e); err != nil {
			return 0, err
		}
		return b.colOf[sqlparser.String(e)], nil
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
	case "total":
		return merge.AggTotal, nil
	case "bit_and":
		return merge.AggBitAnd, nil
	case "bit_or":
		return merge.AggBitOr, nil
	case "bit_xor":
		return merge.AggBitXor, nil
	}
	if fn, ok := spreadFuncs[name]; ok {
		if len(f.Exprs) != 1 {
			return 0, unsupportedf("%s over several shards", sqlparser.String(f))
		}
		if _, ok := f.Exprs[0].(*sqlparser.AliasedExpr); !ok {
			return 0, unsupportedf("%s over several shards", sqlparser.String(f))
		}
		return fn, nil
	}
	return 0, unsupportedf("aggregate %s over several shards: COUNT, SUM, MIN, MAX, AVG, TOTAL, BIT_AND, BIT_OR, BIT_XOR, GROUP_CONCAT and the variances and standard deviations merge exactly; the others have no merge", strings.ToUpper(name))
}

// spreadFuncs are the variance and standard deviation aggregates, by the
// statistic each is in MySQL (VARIANCE, STD and STDDEV are population
// statistics; the renderer writes each backend's name for it).
var spreadFuncs = map[string]merge.AggFunc{
	"variance": merge.AggVarPop, "var_pop": merge.AggVarPop, "var_samp": merge.AggVarSamp,
	"std": merge.AggStddevPop, "stddev": merge.AggStddevPop, "stddev_pop": merge.AggStddevPop,
	"stddev_samp": merge.AggStddevSamp,
}

// momentsOf returns the partial the shards send in the column of a
// variance or standard deviation of x, adding the hidden ones agg reads
// beside it. On PostgreSQL: SUM(x), with COUNT(x) and the exact SUM of
// x·x in NUMERIC hidden (int4 x·x would overflow where the server's
// variance does not); on SQLite the exact moments as text,
// mysql_moments(x), which the SQLite backend registers.
func (b *mergeBuilder) momentsOf(agg *merge.Aggregate, f *sqlparser.FuncExpr) sqlparser.Expr {
	x := f.Exprs[0].(*sqlparser.AliasedExpr).Expr
	call := func(name string, arg sqlparser.Expr) sqlparser.Expr {
		return &sqlparser.FuncExpr{Name: sqlparser.NewColIdent(name), Exprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: arg}}}
	}
	if b.eng == eval.SQLite {
		return call("mysql_moments", x)
	}
	square := &sqlparser.BinaryExpr{Operator: sqlparser.MultStr, Left: dialect.NativeCast(x, "numeric"), Right: dialect.NativeCast(x, "numeric")}
	agg.CountCol, agg.SquaresCol = b.addHidden(call("count", x)), b.addHidden(call("sum", square))
	return call("sum", x)
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
				if dialect.IsAggregate(node) {
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

// hasAggregateExpr reports an aggregate call or a GROUP_CONCAT in e
// outside subqueries.
func hasAggregateExpr(e sqlparser.Expr) bool {
	return len(aggregatesIn(e)) > 0 || hasGroupConcat(e)
}

// isAggregateCall reports whether e is itself an aggregate call or a
// GROUP_CONCAT.
func isAggregateCall(e sqlparser.Expr) bool {
	switch e := e.(type) {
	case *sqlparser.FuncExpr:
		return dialect.IsAggregate(e)
	case *sqlparser.GroupConcatExpr:
		return true
	}
	return false
}
