package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

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
	for _, se := range sel.SelectExprs {
		if _, ok := se.(*sqlparser.StarExpr); ok {
			return nil, true, semiRefusalf("* in a SELECT whose horizon runs after a semi-join: name the columns")
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
	key := func(cn *sqlparser.ColName) string {
		return strings.ToLower(cn.Qualifier.Name.String()) + "." + cn.Name.Lowered()
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
	valueOf := func(e sqlparser.Expr) sqlparser.Expr {
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
	for _, vc := range valueConds {
		cp, err := Parse("SELECT 1 FROM dual WHERE " + sqlparser.String(vc))
		if err != nil {
			return nil, true, err
		}
		cond := cp.(*sqlparser.Select).Where.Expr
		collect(cond, false)
		where = append(where, valueOf(cond))
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
	input, err := p.buildSemiJoin(rows, s, nargs, found, rest)
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
