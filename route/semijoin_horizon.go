package route

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// planSemiJoinHorizon plans a SELECT whose DISTINCT, GROUP BY, HAVING,
// aggregates or LIMIT must run after its semi-join: the semi-join keeps
// the rows of `SELECT <every column the horizon names> FROM <the same
// FROM> WHERE <the other conditions>`, and a relationSelect evaluates
// the select list, grouping, HAVING, DISTINCT, ORDER BY and LIMIT over
// them, as the horizon of a join is.
//
// A condition comparing correlated scalar subqueries (valueConds) is
// evaluated there too: each subquery's value fills a column of the rows,
// which the condition reads in its place.
func (p *Planner) planSemiJoinHorizon(sel *sqlparser.Select, s *Session, nargs int, found []semiFound, rest, valueConds []sqlparser.Expr) (Plan, bool, error) {
	if hasStar(sel) {
		if err := p.expandStars(sel, s); err != nil {
			return nil, true, err
		}
	}
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, true, err
	}
	user := c.(*sqlparser.Select)
	aliases := map[string]bool{}
	for _, se := range user.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() {
			aliases[ae.As.Lowered()] = true
		}
	}
	at := map[string]int{}
	var cols sqlparser.SelectExprs
	// An unqualified column one table of the FROM holds is that table's:
	// email and u.email read one column, so ORDER BY email orders by the
	// u.email a * stands for.
	tables, terr := p.fromColumns(sel.From, s)
	key := func(cn *sqlparser.ColName) string {
		q := strings.ToLower(cn.Qualifier.Name.String())
		if q == "" && terr == nil {
			q = strings.ToLower(holder(tables, cn.Name.String()))
		}
		return q + "." + cn.Name.Lowered()
	}
	collect := func(n sqlparser.SQLNode, clause bool) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			switch n := n.(type) {
			case *sqlparser.Subquery:
				return false, nil
			case *sqlparser.ColName:
				if clause && n.Qualifier.IsEmpty() && aliases[n.Name.Lowered()] {
					return false, nil
				}
				if _, ok := at[key(n)]; !ok {
					at[key(n)] = len(cols)
					cols = append(cols, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: n.Name, Qualifier: n.Qualifier}})
				}
			}
			return true, nil
		}, n)
	}
	collect(user.SelectExprs, false)
	collect(user.GroupBy, true)
	if user.Having != nil {
		collect(user.Having, true)
	}
	collect(user.OrderBy, true)
	// Scalar subqueries read their values as columns vsq_N of the rows:
	// those of the select list and ORDER BY, and of the conditions over
	// them.
	var where []sqlparser.Expr
	var values []semiFound
	var bad error
	valueOf := func(e sqlparser.Expr) sqlparser.Expr {
		// EXISTS and IN first: each is a mark of its truth.
		for _, m := range conditionSubqueries(e) {
			if m.left != nil && exprHasSubquery(m.left) {
				bad = semiRefusalf("a subquery on the left of IN (%s)", sqlparser.String(m.left))
			}
			name := "vsq_" + strconv.Itoa(len(values))
			e = sqlparser.ReplaceExpr(e, m.node, &sqlparser.ColName{Name: sqlparser.NewColIdent(name)})
			values = append(values, m.semiFound)
		}
		for _, sq := range subqueriesIn(e) {
			name := "vsq_" + strconv.Itoa(len(values))
			e = sqlparser.ReplaceExpr(e, sq, &sqlparser.ColName{Name: sqlparser.NewColIdent(name)})
			values = append(values, semiFound{kind: merge.SemiValue, sub: sq})
		}
		return e
	}
	for _, se := range user.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok || !hasSubqueryIn(ae.Expr) {
			continue
		}
		if ae.As.IsEmpty() {
			ae.As = sqlparser.NewColIdent(argPattern.ReplaceAllString(sqlparser.String(ae.Expr), "?"))
		}
		ae.Expr = valueOf(ae.Expr)
	}
	for _, o := range user.OrderBy {
		o.Expr = valueOf(o.Expr)
	}
	if user.Having != nil {
		user.Having.Expr = valueOf(user.Having.Expr)
	}
	for _, vc := range valueConds {
		cp, err := Parse("SELECT 1 FROM dual WHERE " + sqlparser.String(vc))
		if err != nil {
			return nil, true, err
		}
		cond := cp.(*sqlparser.Select).Where.Expr
		collect(cond, false)
		where = append(where, valueOf(cond))
	}
	if bad != nil {
		return nil, true, bad
	}
	if err := groupValues(user, values, s, p); err != nil {
		return nil, true, err
	}
	if len(cols) == 0 {
		cols = sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: sqlparser.NewIntVal([]byte("1")), As: sqlparser.NewColIdent("vsj_one")}}
	}
	for i := range values {
		name := "vsq_" + strconv.Itoa(i)
		at["."+name] = len(cols)
		values[i].item = len(cols)
		cols = append(cols, &sqlparser.AliasedExpr{Expr: values[i].sub, As: sqlparser.NewColIdent(name)})
	}
	found = append(append([]semiFound{}, found...), values...)
	rows := &sqlparser.Select{SelectExprs: cols, From: sel.From}
	input, err := p.buildSemiJoin(rows, s, nargs, found, rest, nil)
	if err != nil {
		return nil, true, err
	}
	named := nameColumns(user)
	src := relationSource{
		what:  "a semi-join",
		width: len(cols),
		eng:   input.eng,
		resolve: func(cn *sqlparser.ColName) (int, error) {
			i, ok := at[key(cn)]
			if !ok {
				return 0, semiRefusalf("column %s is not one the semi-join reads", sqlparser.String(cn))
			}
			return i, nil
		},
		isColumn: p.fromColumnProbe(sel.From, s, nargs),
		itemName: userItemName(named),
		strict:   true,
	}
	user.Where = nil
	if len(where) > 0 {
		user.Where = sqlparser.NewWhere(sqlparser.WhereStr, andAll(where))
	}
	rel, err := compileRelationSelect(user, src)
	if err != nil {
		return nil, true, err
	}
	return &relationPlan{input: input, rel: rel, what: "semi-join", nargs: nargs, maxRows: p.memoryRows()}, true, nil
}

// markedSubquery is an EXISTS or x [NOT] IN (SELECT …) node of an
// expression, and the mark that stands for it.
type markedSubquery struct {
	semiFound
	node sqlparser.Expr
}

// conditionSubqueries returns the outermost EXISTS and x [NOT] IN
// (SELECT …) nodes of an expression, outside its subqueries.
func conditionSubqueries(e sqlparser.Expr) []markedSubquery {
	var out []markedSubquery
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.ExistsExpr:
			out = append(out, markedSubquery{semiFound: semiFound{kind: merge.SemiExists, sub: n.Subquery, mark: true}, node: n})
			return false, nil
		case *sqlparser.ComparisonExpr:
			sq, ok := n.Right.(*sqlparser.Subquery)
			if !ok || n.Operator != sqlparser.InStr && n.Operator != sqlparser.NotInStr {
				return true, nil
			}
			kind := merge.SemiIn
			if n.Operator == sqlparser.NotInStr {
				kind = merge.SemiNotIn
			}
			out = append(out, markedSubquery{semiFound: semiFound{kind: kind, sub: sq, left: n.Left, mark: true}, node: n})
			return false, nil
		}
		return true, nil
	}, e)
	return out
}

// groupValues adds to the GROUP BY of a grouped SELECT the values (vsq_N
// columns) of its subqueries whose outer columns are all grouped: such a
// value is one per group, as one database computes it per group.
// One naming other outer columns, used outside an aggregate, is
// PostgreSQL's error ("subquery uses ungrouped column … from outer
// query") and on SQLite some row's value of the group, refused.
func groupValues(user *sqlparser.Select, values []semiFound, s *Session, p *Planner) error {
	if len(user.GroupBy) == 0 && !hasAggregate(user.SelectExprs) && (user.Having == nil || !hasAggregateExpr(user.Having.Expr)) {
		return nil
	}
	aliases := map[string]sqlparser.Expr{}
	for _, se := range user.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() {
			aliases[ae.As.Lowered()] = ae.Expr
		}
	}
	var keys []*sqlparser.ColName
	for _, g := range user.GroupBy {
		if c, ok := g.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
			if e, ok := aliases[c.Name.Lowered()]; ok {
				g = e
			}
		}
		if c, ok := g.(*sqlparser.ColName); ok {
			keys = append(keys, c)
		}
	}
	grouped := func(c *sqlparser.ColName) bool {
		for _, k := range keys {
			if k.Name.Equal(c.Name) && (k.Qualifier.IsEmpty() || c.Qualifier.IsEmpty() || strings.EqualFold(k.Qualifier.Name.String(), c.Qualifier.Name.String())) {
				return true
			}
		}
		return false
	}
	grouping := len(user.GroupBy) > 0
	for i, v := range values {
		var outer []*sqlparser.ColName
		inner := innerNames(v.sub.Select)
		collectOuter := func(n sqlparser.SQLNode, all bool) {
			_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
				if c, ok := n.(*sqlparser.ColName); ok && (all || !c.Qualifier.IsEmpty() && !inner[strings.ToLower(c.Qualifier.Name.String())]) {
					outer = append(outer, c)
				}
				return true, nil
			}, n)
		}
		var bad error
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if fn, ok := n.(*sqlparser.FuncExpr); ok && fn.IsAggregate() && outerColumnsIn(fn, inner) {
				bad = semiRefusalf("the aggregate %s of outer columns in the subquery %s (it aggregates the outer rows)", sqlparser.String(fn), sqlparser.String(v.sub))
			}
			return bad == nil, nil
		}, v.sub.Select)
		if bad != nil {
			return bad
		}
		collectOuter(v.sub.Select, false)
		if v.left != nil {
			collectOuter(v.left, true)
		}
		name := "vsq_" + strconv.Itoa(i)
		var ungrouped *sqlparser.ColName
		for _, c := range outer {
			if !grouped(c) {
				ungrouped = c
				break
			}
		}
		if ungrouped == nil && grouping {
			user.GroupBy = append(user.GroupBy, &sqlparser.ColName{Name: sqlparser.NewColIdent(name)})
			continue
		}
		if !bareUse(user, name) {
			continue
		}
		if ungrouped == nil {
			// Grouping by it would lose the one row of an aggregate
			// over no rows.
			return semiRefusalf("the uncorrelated subquery %s beside aggregates without GROUP BY over the rows of a semi-join", sqlparser.String(v.sub))
		}
		if p.statementEngine(user, s) == eval.PostgreSQL {
			return fmt.Errorf("vitessdo: subquery uses ungrouped column %q from outer query", sqlparser.String(ungrouped))
		}
		return semiRefusalf("the subquery %s names %s, neither grouped nor aggregated: SQLite takes some row's value of the group", sqlparser.String(v.sub), sqlparser.String(ungrouped))
	}
	return nil
}

// bareUse reports a column name used in the select list, HAVING or
// ORDER BY of a SELECT outside an aggregate.
func bareUse(sel *sqlparser.Select, name string) bool {
	found := false
	visit := func(n sqlparser.SQLNode) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			switch n := n.(type) {
			case *sqlparser.FuncExpr:
				if n.IsAggregate() {
					return false, nil
				}
			case *sqlparser.GroupConcatExpr:
				return false, nil
			case *sqlparser.ColName:
				if n.Qualifier.IsEmpty() && n.Name.EqualString(name) {
					found = true
				}
			}
			return !found, nil
		}, n)
	}
	visit(sel.SelectExprs)
	if sel.Having != nil {
		visit(sel.Having)
	}
	visit(sel.OrderBy)
	return found
}

// statementEngine is the engine of the first table of a SELECT's FROM.
func (p *Planner) statementEngine(sel *sqlparser.Select, s *Session) eval.Engine {
	ts, _ := p.fromTables(sel.From, s)
	if len(ts) == 0 {
		return eval.SQLite
	}
	return p.engineOfKeyspace(ts[0].Keyspace)
}
