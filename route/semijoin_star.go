package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// expandStars replaces the * and t.* items of a SELECT whose horizon
// runs after a semi-join with the columns they stand for, qualified by
// their table, in the order of the FROM clause and of each table's
// columns (the VSchema's, else its first shard's): the router's horizon
// names every column it reads. A derived table's columns are named as
// in a join (derivedJoinColumns): each item's alias or column name, one
// computed without an alias as its backend names it; two of one name
// keep the refusal.
func (p *Planner) expandStars(sel *sqlparser.Select, s *Session) error {
	tables, err := p.fromColumns(sel.From, s)
	if err != nil {
		return err
	}
	var out sqlparser.SelectExprs
	for _, se := range sel.SelectExprs {
		st, ok := se.(*sqlparser.StarExpr)
		if !ok {
			out = append(out, se)
			continue
		}
		matched := false
		for _, t := range tables {
			if !st.TableName.IsEmpty() && !strings.EqualFold(st.TableName.Name.String(), t.name) {
				continue
			}
			matched = true
			for _, c := range t.cols {
				out = append(out, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: sqlparser.NewColIdent(c), Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(t.name)}}})
			}
		}
		if !matched {
			return planErrorf("%s names no table of the query", sqlparser.String(st))
		}
	}
	sel.SelectExprs = out
	return nil
}

// fromTable is a table of a FROM clause, by the name its columns are
// qualified with, and its columns.
type fromTable struct {
	name string
	cols []string
}

// fromColumns returns the tables of a FROM clause and their columns, in
// the order of the clause and of each table's columns (the VSchema's,
// else its first shard's; a derived table's as a join names them). A
// join USING columns or NATURAL is refused: * shows its columns once.
func (p *Planner) fromColumns(from sqlparser.TableExprs, s *Session) ([]fromTable, error) {
	var tables []fromTable
	var walk func(te sqlparser.TableExpr) error
	walk = func(te sqlparser.TableExpr) error {
		switch t := te.(type) {
		case *sqlparser.AliasedTableExpr:
			if _, ok := t.Expr.(*sqlparser.Subquery); ok {
				// A derived table's columns as a join names them.
				cols, err := p.derivedJoinColumns(t, s)
				if err != nil {
					return err
				}
				names := make([]string, len(cols))
				for i, c := range cols {
					names[i] = c.name
				}
				tables = append(tables, fromTable{name: t.As.String(), cols: names})
				return nil
			}
			tn, ok := t.Expr.(sqlparser.TableName)
			if !ok {
				return semiRefusalf("* over %s in a SELECT whose horizon runs after a semi-join: name the columns", sqlparser.String(t))
			}
			vt, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
			if err != nil {
				return err
			}
			cols, err := p.tableColumns(vt)
			if err != nil {
				return err
			}
			name := tn.Name.String()
			if !t.As.IsEmpty() {
				name = t.As.String()
			}
			tables = append(tables, fromTable{name: name, cols: cols})
		case *sqlparser.JoinTableExpr:
			if len(t.Condition.Using) > 0 || strings.HasPrefix(t.Join, "natural") {
				// * shows a USING or NATURAL join's columns once.
				return semiRefusalf("* over a join USING columns or NATURAL in a SELECT whose horizon runs after a semi-join: name the columns")
			}
			if err := walk(t.LeftExpr); err != nil {
				return err
			}
			return walk(t.RightExpr)
		case *sqlparser.ParenTableExpr:
			for _, e := range t.Exprs {
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, te := range from {
		if err := walk(te); err != nil {
			return nil, err
		}
	}
	return tables, nil
}

// holder returns the name of the one table of tables holding column
// name, "" when none or several do.
func holder(tables []fromTable, name string) string {
	found := ""
	for _, t := range tables {
		for _, c := range t.cols {
			if strings.EqualFold(c, name) {
				if found != "" {
					return ""
				}
				found = t.name
				break
			}
		}
	}
	return found
}
