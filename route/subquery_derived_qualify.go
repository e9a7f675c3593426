package route

import (
	"github.com/xwb1989/sqlparser"
)

// A subquery over derived tables (… WHERE EXISTS (SELECT 1 FROM (SELECT
// item_id FROM item_tags) d WHERE d.item_id = id)) may name a column of
// the statement's tables without a qualifier: none of its derived tables
// has a column of that name, so the backend reads it as the enclosing
// table's, and the subquery is correlated. qualifyDerivedSubqueries
// qualifies such columns (and every unqualified column of the subquery)
// by the innermost scope holding them, as qualifyOnSubqueries does for
// the subqueries of an outer join's ON, so that the rest of the planner,
// which reads correlation from qualifiers, sees it.

// qualifyDerivedSubqueries returns sel with the unqualified columns of
// its WHERE, select list and HAVING subqueries over derived tables
// qualified, sel itself when there are none or the columns of a scope
// are not known.
func (p *Planner) qualifyDerivedSubqueries(sel *sqlparser.Select, s *Session) (*sqlparser.Select, error) {
	if !derivedSubqueryUnqualified(sel) {
		return sel, nil
	}
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	out := c.(*sqlparser.Select)
	scope, ok := p.scopeTables(out.From, s)
	if !ok {
		return sel, nil
	}
	eng := p.statementEngine(out, s)
	for _, sq := range derivedSubqueries(out) {
		if err := p.qualifySubquery(sq.Select, [][]onScopeTable{scope}, s, eng); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// derivedSubqueries returns the subqueries of sel's WHERE, select list
// and HAVING whose FROM holds a derived table.
func derivedSubqueries(sel *sqlparser.Select) []*sqlparser.Subquery {
	var nodes []sqlparser.SQLNode
	nodes = append(nodes, sel.SelectExprs)
	if sel.Where != nil {
		nodes = append(nodes, sel.Where)
	}
	if sel.Having != nil {
		nodes = append(nodes, sel.Having)
	}
	var out []*sqlparser.Subquery
	for _, n := range nodes {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			sq, ok := n.(*sqlparser.Subquery)
			if !ok {
				return true, nil
			}
			if st := firstSelect(sq.Select); st != nil && fromHasDerived(st.From) {
				out = append(out, sq)
			}
			return false, nil
		}, n)
	}
	return out
}

// fromHasDerived reports a derived table among a FROM's tables.
func fromHasDerived(from sqlparser.TableExprs) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if ate, ok := n.(*sqlparser.AliasedTableExpr); ok {
			_, sub := ate.Expr.(*sqlparser.Subquery)
			found = found || sub
			return false, nil
		}
		return !found, nil
	}, from)
	return found
}

// derivedSubqueryUnqualified reports an unqualified column in a subquery
// over derived tables (see derivedSubqueries).
func derivedSubqueryUnqualified(sel *sqlparser.Select) bool {
	for _, sq := range derivedSubqueries(sel) {
		found := false
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if c, ok := n.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
				found = true
			}
			return !found, nil
		}, sq.Select)
		if found {
			return true
		}
	}
	return false
}
