package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
)

// An unqualified column of a subquery in the ON of an outer join names,
// as the backend resolves it, a column of the subquery's own tables, else
// of an enclosing subquery's, else of the tables the join joins: the
// innermost scope holding a column of that name decides, and two tables
// of that scope holding one is the backend's error (SQLite's "ambiguous
// column name: x", PostgreSQL's `column reference "x" is ambiguous`).
// qualifyOnSubqueries qualifies each such column by its table so, as the
// rest of the engine qualifies unqualified columns (a table's columns
// are those its VSchema declares, else those its first shard reports,
// see tableColumns); whether the subquery is correlated, and with which
// side, then reads from its text. A name no scope holds is left as
// written (the backend, or a refusal, answers it), and so is every name
// of a subquery whose FROM holds a table whose columns are not known.

// onScopeTable is a table of a scope: its name or alias, and its
// columns.
type onScopeTable struct {
	name string
	cols map[string]bool
}

// qualifyOnSubqueries returns sel with the unqualified columns of the
// subqueries of its outer joins' ON conditions qualified (see above),
// sel itself when there are none.
func (p *Planner) qualifyOnSubqueries(sel *sqlparser.Select, s *Session) (*sqlparser.Select, error) {
	if !outerOnUnqualified(sel.From) {
		return sel, nil
	}
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	out := c.(*sqlparser.Select)
	eng := p.statementEngine(out, s)
	var bad error
	forJoins(out.From, func(j *sqlparser.JoinTableExpr) {
		if bad != nil || j.Condition.On == nil || !isOuterJoin(j) || !exprHasSubquery(j.Condition.On) {
			return
		}
		scope, ok := p.scopeTables(sqlparser.TableExprs{j.LeftExpr, j.RightExpr}, s)
		if !ok {
			return
		}
		for _, sq := range subqueriesIn(j.Condition.On) {
			if bad = p.qualifySubquery(sq.Select, [][]onScopeTable{scope}, s, eng); bad != nil {
				return
			}
		}
	})
	if bad != nil {
		return nil, bad
	}
	return out, nil
}

// isOuterJoin reports a LEFT or RIGHT JOIN.
func isOuterJoin(j *sqlparser.JoinTableExpr) bool {
	return j.Join == sqlparser.LeftJoinStr || j.Join == sqlparser.RightJoinStr
}

// outerOnUnqualified reports an unqualified column in a subquery of the
// ON of an outer join.
func outerOnUnqualified(from sqlparser.TableExprs) bool {
	found := false
	forJoins(from, func(j *sqlparser.JoinTableExpr) {
		if found || j.Condition.On == nil || !isOuterJoin(j) {
			return
		}
		for _, sq := range subqueriesIn(j.Condition.On) {
			_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
				if c, ok := n.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
					found = true
				}
				return !found, nil
			}, sq.Select)
		}
	})
	return found
}

// scopeTables returns the tables under a FROM and their columns; ok is
// false when it holds a table whose columns are not known (a derived
// table selecting * or an unnamed expression, which backends name their
// own ways).
func (p *Planner) scopeTables(from sqlparser.TableExprs, s *Session) ([]onScopeTable, bool) {
	var out []onScopeTable
	ok := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.AliasedTableExpr:
			if sq, derived := n.Expr.(*sqlparser.Subquery); derived {
				t, known := derivedScopeTable(n.As.String(), sq)
				ok = ok && known
				out = append(out, t)
				return false, nil
			}
			tn, named := n.Expr.(sqlparser.TableName)
			if !named {
				ok = false
				return false, nil
			}
			vt, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
			if err != nil {
				ok = false
				return false, nil
			}
			names, err := p.tableColumns(vt)
			if err != nil {
				ok = false
				return false, nil
			}
			t := onScopeTable{name: tn.Name.String(), cols: map[string]bool{}}
			if !n.As.IsEmpty() {
				t.name = n.As.String()
			}
			for _, c := range names {
				t.cols[strings.ToLower(c)] = true
			}
			out = append(out, t)
			return false, nil
		}
		return ok, nil
	}, from)
	return out, ok
}

// qualifySubquery qualifies the unqualified columns of a subquery's
// SELECT (or of each SELECT of a UNION) by the innermost scope holding
// them: its own tables, then outer, innermost first.
func (p *Planner) qualifySubquery(sel sqlparser.SelectStatement, outer [][]onScopeTable, s *Session, eng eval.Engine) error {
	switch st := sel.(type) {
	case *sqlparser.Union:
		if err := p.qualifySubquery(st.Left, outer, s, eng); err != nil {
			return err
		}
		return p.qualifySubquery(st.Right, outer, s, eng)
	case *sqlparser.ParenSelect:
		return p.qualifySubquery(st.Select, outer, s, eng)
	case *sqlparser.Select:
		own, ok := p.scopeTables(st.From, s)
		if !ok {
			return nil
		}
		scopes := append([][]onScopeTable{own}, outer...)
		aliases := map[string]bool{}
		for _, se := range st.SelectExprs {
			if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() {
				aliases[ae.As.Lowered()] = true
			}
		}
		var bad error
		visit := func(n sqlparser.SQLNode, skip map[string]bool) {
			_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
				if bad != nil {
					return false, nil
				}
				switch x := n.(type) {
				case *sqlparser.Subquery:
					bad = p.qualifySubquery(x.Select, scopes, s, eng)
					return false, nil
				case *sqlparser.ColName:
					if x.Qualifier.IsEmpty() && !skip[x.Name.Lowered()] {
						bad = qualifyInScopes(x, scopes, eng)
					}
					return false, nil
				}
				return true, nil
			}, n)
		}
		visit(st.SelectExprs, nil)
		visit(st.From, nil)
		if st.Where != nil {
			visit(st.Where, nil)
		}
		// A name of GROUP BY, HAVING and ORDER BY may be a select alias.
		visit(st.GroupBy, aliases)
		if st.Having != nil {
			visit(st.Having, aliases)
		}
		visit(st.OrderBy, aliases)
		return bad
	}
	return nil
}

// qualifyInScopes qualifies c by the one table of the innermost scope
// holding a column of its name.
func qualifyInScopes(c *sqlparser.ColName, scopes [][]onScopeTable, eng eval.Engine) error {
	name := c.Name.Lowered()
	for _, scope := range scopes {
		var found []onScopeTable
		for _, t := range scope {
			if t.cols[name] {
				found = append(found, t)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			c.Qualifier = sqlparser.TableName{Name: sqlparser.NewTableIdent(found[0].name)}
			return nil
		}
		if eng == eval.PostgreSQL {
			return planErrorf("column reference %q is ambiguous", c.Name.String())
		}
		return planErrorf("ambiguous column name: %s", c.Name.String())
	}
	return nil
}

// derivedScopeTable is a derived table of a scope; known is false when
// its columns are not all named (see derivedColumns).
func derivedScopeTable(alias string, sq *sqlparser.Subquery) (onScopeTable, bool) {
	t := onScopeTable{name: alias, cols: map[string]bool{}}
	cols, known := derivedColumns(sq.Select)
	for _, c := range cols {
		known = known && !c.unnamed
		t.cols[strings.ToLower(c.name)] = true
	}
	return t, known && alias != ""
}
