package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// A conjunct of the ON of an outer join holding a correlated subquery
// that reads only the nullable side's table (and the subquery's own)
// filters that table's rows before they are matched: the nullable side
// becomes a derived table of its rows that satisfy the conjunct, whose
// subquery is then planned as a WHERE subquery is (as a semi-join across
// shards):
//
//	SELECT … FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note)
//	  → SELECT … FROM items a LEFT JOIN (SELECT * FROM tokens AS t WHERE EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note)) AS t ON t.item_id = a.id
//
// Every column of such a conjunct must be qualified: an unqualified one
// could name the preserved side, which the derived table cannot see.

// correlatedOnAsDerived returns a copy of sel with the ON conjuncts of its
// outer joins that hold a subquery and read only the nullable side's
// table moved into a derived table of that side; ok is false when there
// is none.
func correlatedOnAsDerived(sel *sqlparser.Select) (*sqlparser.Select, bool, error) {
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, false, err
	}
	out := c.(*sqlparser.Select)
	changed := false
	forJoins(out.From, func(j *sqlparser.JoinTableExpr) {
		side := &j.RightExpr
		switch j.Join {
		case sqlparser.LeftJoinStr:
		case sqlparser.RightJoinStr:
			side = &j.LeftExpr
		default:
			return
		}
		at, ok := (*side).(*sqlparser.AliasedTableExpr)
		if !ok || j.Condition.On == nil || !exprHasSubquery(j.Condition.On) {
			return
		}
		tn, ok := at.Expr.(sqlparser.TableName)
		if !ok {
			return
		}
		alias := at.As.String()
		if alias == "" {
			alias = tn.Name.String()
		}
		var kept, moved []sqlparser.Expr
		for _, e := range splitAnd(j.Condition.On) {
			if exprHasSubquery(e) && readsOnlyTable(e, alias) {
				moved = append(moved, parenOr(e))
			} else {
				kept = append(kept, e)
			}
		}
		if len(moved) == 0 {
			return
		}
		if len(kept) == 0 {
			kept = []sqlparser.Expr{&sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: sqlparser.NewIntVal([]byte("1")), Right: sqlparser.NewIntVal([]byte("1"))}}
		}
		j.Condition.On = andAll(kept)
		inner := &sqlparser.Select{
			SelectExprs: sqlparser.SelectExprs{&sqlparser.StarExpr{}},
			From:        sqlparser.TableExprs{at},
			Where:       sqlparser.NewWhere(sqlparser.WhereStr, andAll(moved)),
		}
		*side = &sqlparser.AliasedTableExpr{Expr: &sqlparser.Subquery{Select: inner}, As: sqlparser.NewTableIdent(alias)}
		changed = true
	})
	return out, changed, nil
}

// readsOnlyTable reports a condition every column of which is qualified
// by alias or, inside a subquery, by a table of that subquery or of one
// it is inside.
func readsOnlyTable(e sqlparser.Expr, alias string) bool {
	return qualifiedWithin(e, map[string]bool{strings.ToLower(alias): true})
}

// qualifiedWithin reports a node whose columns are all qualified by a
// name of tables, a subquery's columns by its own tables' names too.
func qualifiedWithin(node sqlparser.SQLNode, tables map[string]bool) bool {
	only := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			inner := map[string]bool{}
			for k := range tables {
				inner[k] = true
			}
			_ = sqlparser.Walk(func(m sqlparser.SQLNode) (bool, error) {
				switch m := m.(type) {
				case *sqlparser.Subquery:
					return false, nil
				case *sqlparser.AliasedTableExpr:
					name := m.As.String()
					if tn, ok := m.Expr.(sqlparser.TableName); ok && name == "" {
						name = tn.Name.String()
					}
					inner[strings.ToLower(name)] = true
				}
				return true, nil
			}, n.Select)
			only = only && qualifiedWithin(n.Select, inner)
			return false, nil
		case *sqlparser.ColName:
			q := n.Qualifier
			if q.Name.IsEmpty() || !q.Qualifier.IsEmpty() || !tables[strings.ToLower(q.Name.String())] {
				only = false
			}
		}
		return only, nil
	}, node)
	return only
}
