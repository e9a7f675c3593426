package route

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// bindCorrelation plans a correlated subquery that the batched key
// equalities of correlate cannot run (a correlation without an equality
// of an inner and an outer value, a GROUP BY, HAVING, LIMIT, DISTINCT,
// ORDER BY or aggregate expression of its own, outer columns outside its
// WHERE) to run once per distinct tuple of the outer values it names:
// each outer column becomes an argument after the statement's (so an
// equality with the inner table's vindex column routes it), and the
// backend evaluates the whole inner statement. Its outerCols are the
// outer columns bound, in argument order; its value is column 0.
//
//	EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.floor)
//	  → SELECT 1 FROM orders AS o WHERE o.amount > :v2 LIMIT 1, per distinct u.floor
func (p *Planner) bindCorrelation(f semiFound, s *Session, nargs int, eng eval.Engine) (*correlation, error) {
	c, err := cloneSelect(f.sub.Select)
	if err != nil {
		return nil, err
	}
	text := sqlparser.String(f.sub)
	if sel, ok := c.(*sqlparser.Select); ok && sel.Lock != "" {
		return nil, semiRefusalf("a locking correlated subquery %s", text)
	}
	inner := innerNames(c)
	if eng == eval.PostgreSQL {
		if it := p.typeOuterItems(c, inner, f.outerFrom, s, nargs); it != nil {
			return nil, semiRefusalf("the outer column %s as a select item of the subquery %s: bound as an argument, PostgreSQL types it as text", sqlparser.String(it), text)
		}
	}
	out := &correlation{}
	at := map[string]int{}
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.FuncExpr:
			if n.IsAggregate() && outerColumnsIn(n, inner) {
				bad = semiRefusalf("the aggregate %s of outer columns in the subquery %s (it aggregates the outer rows)", sqlparser.String(n), text)
			}
		case *sqlparser.ColName:
			if n.Qualifier.IsEmpty() || inner[strings.ToLower(n.Qualifier.Name.String())] {
				return true, nil
			}
			k := strings.ToLower(n.Qualifier.Name.String()) + "." + n.Name.Lowered()
			i, ok := at[k]
			if !ok {
				i = len(out.outerCols)
				at[k] = i
				out.outerCols = append(out.outerCols, &sqlparser.ColName{Name: n.Name, Qualifier: n.Qualifier})
			}
			n.Qualifier = sqlparser.TableName{}
			n.Name = sqlparser.NewColIdent("vsbarg_" + strconv.Itoa(i))
		}
		return bad == nil, nil
	}, c)
	if bad != nil {
		return nil, bad
	}
	innerTables, err := p.fromTables(fromOf(c), s)
	if err != nil {
		return nil, err
	}
	for _, t := range innerTables {
		if p.engineOfKeyspace(t.Keyspace) != eng {
			return nil, semiRefusalf("the subquery's tables are on a backend that compares values by other rules than the statement's")
		}
	}
	if f.kind != merge.SemiExists && f.kind != merge.SemiNotExists {
		if n, ok := selectWidth(c); ok && n != 1 {
			return nil, semiRefusalf("the subquery %s selects %d columns, want 1", text, n)
		}
	}
	if sel, ok := c.(*sqlparser.Select); ok {
		if err := boundLimit(f.kind, sel, out, eng, text); err != nil {
			return nil, err
		}
	}
	stmtText := boundArg.ReplaceAllStringFunc(sqlparser.String(c), func(m string) string {
		i, _ := strconv.Atoi(boundArg.FindStringSubmatch(m)[1])
		return ":v" + strconv.Itoa(nargs+i+1)
	})
	stmt, err := Parse(stmtText)
	if err != nil {
		return nil, err
	}
	sel, ok := stmt.(sqlparser.SelectStatement)
	if !ok {
		return nil, planErrorf("the bound subquery %s is not a SELECT", stmtText)
	}
	if out.plan, err = p.planSelect(sel, s, nargs+len(out.outerCols)); err != nil {
		return nil, err
	}
	out.bound = true
	return out, nil
}

// boundArg is an outer column of a bound subquery in its text.
var boundArg = regexp.MustCompile("`?vsbarg_([0-9]+)`?")

// outerColumnsIn reports a node naming a qualified column of no table
// of inner.
func outerColumnsIn(n sqlparser.SQLNode, inner map[string]bool) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if c, ok := n.(*sqlparser.ColName); ok && !c.Qualifier.IsEmpty() && !inner[strings.ToLower(c.Qualifier.Name.String())] {
			found = true
		}
		return !found, nil
	}, n)
	return found
}

// fromOf returns the FROM clauses of a SELECT or of each SELECT of a
// UNION.
func fromOf(sel sqlparser.SelectStatement) sqlparser.TableExprs {
	switch s := sel.(type) {
	case *sqlparser.Select:
		return s.From
	case *sqlparser.Union:
		return append(append(sqlparser.TableExprs{}, fromOf(s.Left)...), fromOf(s.Right)...)
	case *sqlparser.ParenSelect:
		return fromOf(s.Select)
	}
	return nil
}

// selectWidth is the number of columns a SELECT (or the first of a
// UNION) selects; ok is false with a *.
func selectWidth(sel sqlparser.SelectStatement) (int, bool) {
	switch s := sel.(type) {
	case *sqlparser.Select:
		for _, se := range s.SelectExprs {
			if _, ok := se.(*sqlparser.StarExpr); ok {
				return 0, false
			}
		}
		return len(s.SelectExprs), true
	case *sqlparser.Union:
		return selectWidth(s.Left)
	case *sqlparser.ParenSelect:
		return selectWidth(s.Select)
	}
	return 0, false
}
