package route

import (
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
// it builds (see infoTable) as a relationSelect: WHERE, GROUP BY and
// aggregates, HAVING, the select list, DISTINCT, ORDER BY, LIMIT and
// OFFSET. No database runs it.
//
// Names resolve to the table's columns, whatever their case; a select
// alias names its item in ORDER BY. LIKE matches as SQLite's does (ASCII
// letters in either case, no escape character).
type catalogSelect struct {
	table *infoTable
	rel   *relationSelect
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
	resolve := func(c *sqlparser.ColName) (int, error) { return t.column(c, ate.As) }
	src := relationSource{
		what:    "information_schema",
		width:   len(t.cols),
		eng:     catalogEngine,
		resolve: resolve,
		isColumn: func(name string) (bool, error) {
			_, err := resolve(&sqlparser.ColName{Name: sqlparser.NewColIdent(name)})
			return err == nil, nil
		},
		star: func(se *sqlparser.StarExpr) ([]int, []string, error) {
			if !se.TableName.IsEmpty() && !strings.EqualFold(se.TableName.Name.String(), t.name) && se.TableName.Name.String() != ate.As.String() {
				return nil, nil, planErrorf("information_schema: %s names no table of the query", sqlparser.String(se))
			}
			cols := make([]int, len(t.cols))
			for i := range cols {
				cols[i] = i
			}
			return cols, t.cols, nil
		},
		itemName: infoColumnName,
	}
	rel, err := compileRelationSelect(s, src)
	if err != nil {
		return nil, err
	}
	return &catalogSelect{table: t, rel: rel}, nil
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
	it, err := cs.rel.open(merge.NewStatic(textColumns(cs.table.cols, rows), rows), args, 0)
	if err != nil {
		return nil, nil, err
	}
	out, err := merge.ReadAll(it)
	if err != nil {
		return nil, nil, err
	}
	return cs.rel.names, out, nil
}
