package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// GROUP_CONCAT over several shards. Each shard groups its rows by the
// group keys and by the GROUP_CONCAT's ORDER BY terms, and sends for each
// such group the concatenated argument as text (CONCAT(x), rendered as the
// backend renders GROUP_CONCAT's argument) and how many rows had it:
//
//	SELECT grp, GROUP_CONCAT(name ORDER BY name SEPARATOR '-') FROM items GROUP BY grp
//	  shards: SELECT grp, (CAST(name AS text)), name, COUNT(*) … GROUP BY grp, name ORDER BY grp, name
//
// The merge sorts the shards' rows by the group keys then the ORDER BY
// terms, as one database sorts a group's rows before concatenating them,
// and appends each text as many times as rows had it. Rows that tie on
// the ORDER BY terms concatenate in one database's scan order, which no
// merge knows: the ORDER BY must name every argument but literals, so
// that tied rows have the same text. The other aggregates merge as usual over the finer
// groups (a shard's COUNT over a group is the sum of its parts).
//
// With several GROUP_CONCATs, or beside a DISTINCT aggregate (whose
// argument the shards' rows are sorted by after the group keys), the
// shards group by every GROUP_CONCAT's terms; those whose order the
// merged rows do not follow hold their group's texts with their ORDER BY
// terms and sort them when the group ends (merge.Aggregate.Order). A
// GROUP_CONCAT in an expression, HAVING or ORDER BY is a hidden column
// planned the same way, which the expression reads.

// concatPlan is the extra grouping a GROUP_CONCAT needs of the shards.
type concatPlan struct {
	// groupBy are the ORDER BY terms the shards group by as well.
	groupBy []sqlparser.Expr
	// order is the GROUP_CONCAT's ORDER BY over the shard statement's
	// columns: the shards' and the merge's order after the group keys,
	// or the order the aggregate sorts its values in (see planAggregate).
	order []orderKey
	// agg is the GROUP_CONCAT's position among the merge's aggregates.
	agg int
}

// groupConcatAt makes column i, a GROUP_CONCAT selected or hidden, an
// aggregate the merge concatenates (see above).
func (b *mergeBuilder) groupConcatAt(i int, ae *sqlparser.AliasedExpr, g *sqlparser.GroupConcatExpr) error {
	text := sqlparser.String(g)
	var args []sqlparser.Expr
	for _, se := range g.Exprs {
		a, ok := se.(*sqlparser.AliasedExpr)
		if !ok || hasAggregateExpr(a.Expr) {
			return unsupportedf("%s over several shards", text)
		}
		args = append(args, a.Expr)
	}
	sep, ok := concatSeparator(g.Separator)
	if !ok || len(args) == 0 {
		return planErrorf("malformed %s", text)
	}
	distinct := g.Distinct != ""
	if distinct && b.eng == eval.SQLite && sep != "," {
		return unsupportedf("GROUP_CONCAT(DISTINCT … SEPARATOR)")
	}
	ordered := map[string]bool{}
	for _, o := range g.OrderBy {
		ordered[sqlparser.String(o.Expr)] = true
	}
	for _, a := range args {
		if !ordered[sqlparser.String(a)] && !isLiteral(a) {
			return unsupportedf("GROUP_CONCAT over several shards without its argument %s in its ORDER BY (%s): rows that tie on the ORDER BY concatenate in one database's scan order", sqlparser.String(a), text)
		}
	}
	cp := &concatPlan{agg: len(b.m.agg.aggs)}
	for _, o := range g.OrderBy {
		if hasAggregateExpr(o.Expr) || !readsColumn(o.Expr) {
			// A constant term is no group key the shards could add.
			return unsupportedf("%s over several shards: order it by what it reads", text)
		}
		key := o.Expr
		if distinct && b.eng == eval.PostgreSQL {
			// PostgreSQL orders a DISTINCT aggregate by its arguments,
			// which are text: the renderer orders by their text.
			argOf := false
			for _, a := range args {
				argOf = argOf || sqlparser.String(a) == sqlparser.String(o.Expr)
			}
			if !argOf {
				return unsupportedf("%s: in an aggregate with DISTINCT, ORDER BY expressions must appear in the argument list", text)
			}
			key = concatOf(o.Expr)
		}
		cp.groupBy = append(cp.groupBy, o.Expr)
		cp.order = append(cp.order, orderKey{col: b.addHidden(key), desc: o.Direction == sqlparser.DescScr})
	}
	ae.Expr = concatOf(args...)
	agg := merge.Aggregate{Func: merge.AggGroupConcatDistinct, Col: i, Separator: sep}
	if !distinct {
		agg.Func = merge.AggGroupConcat
		agg.CountCol = b.addHidden(&sqlparser.FuncExpr{Name: sqlparser.NewColIdent("count"),
			Exprs: sqlparser.SelectExprs{&sqlparser.StarExpr{}}})
	}
	b.m.agg.aggs = append(b.m.agg.aggs, agg)
	b.concats = append(b.concats, cp)
	if _, dup := b.colOf[text]; !dup {
		b.colOf[text] = i
	}
	return nil
}

// concatOf is CONCAT(args…), which the shard renderer writes as it
// writes a GROUP_CONCAT's argument: the text each value concatenates as.
func concatOf(args ...sqlparser.Expr) sqlparser.Expr {
	exprs := make(sqlparser.SelectExprs, len(args))
	for i, a := range args {
		exprs[i] = &sqlparser.AliasedExpr{Expr: a}
	}
	return &sqlparser.FuncExpr{Name: sqlparser.NewColIdent("concat"), Exprs: exprs}
}

// concatSeparator reads a GROUP_CONCAT's SEPARATOR clause as the shard
// renderer does (the parser keeps it as " separator '…'"); "" is MySQL's
// default, a comma.
func concatSeparator(clause string) (string, bool) {
	if clause == "" {
		return ",", true
	}
	const pre = " separator '"
	if !strings.HasPrefix(clause, pre) || !strings.HasSuffix(clause, "'") {
		return "", false
	}
	return clause[len(pre) : len(clause)-1], true
}

// isLiteral reports a literal or a placeholder: an argument with one text
// in every row, which rows need not be ordered by.
func isLiteral(e sqlparser.Expr) bool {
	switch e.(type) {
	case *sqlparser.SQLVal, *sqlparser.NullVal:
		return true
	}
	return false
}

// readsColumn reports a column in e.
func readsColumn(e sqlparser.Expr) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if _, ok := n.(*sqlparser.ColName); ok {
			found = true
		}
		return !found, nil
	}, e)
	return found
}
