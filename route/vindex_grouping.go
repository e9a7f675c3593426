package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// isVindexColumn reports whether c names the primary vindex column of a
// sharded table of the SELECT's own scope, a unique single-column vindex,
// on a side of the FROM no outer join fills with NULLs: rows equal in c
// then live on one shard. A table on the nullable side of an outer join
// gives NULL for the rows it does not match on every shard, so NULL is on
// several shards at once.
func isVindexColumn(a *analysis, sc *scope, sel *sqlparser.Select, c *sqlparser.ColName) bool {
	ref := a.column(sc, c)
	if ref == nil || ref.scope != sc || !ref.table.IsSharded() {
		return false
	}
	p := ref.table.Primary()
	if p == nil || len(p.Columns) != 1 || p.Columns[0] != strings.ToLower(c.Name.String()) || !p.Vindex.IsUnique() {
		return false
	}
	return !nullableAliases(sel.From)[ref.alias]
}

// selectsVindex reports whether a SELECT's rows each hold the primary
// vindex column of one of its sharded tables (see isVindexColumn), so
// equal rows live on one shard and a DISTINCT of each shard's rows is the
// DISTINCT of all of them.
func selectsVindex(a *analysis, sc *scope, sel *sqlparser.Select) bool {
	nullable := nullableAliases(sel.From)
	for _, se := range sel.SelectExprs {
		switch se := se.(type) {
		case *sqlparser.AliasedExpr:
			if c, ok := se.Expr.(*sqlparser.ColName); ok && isVindexColumn(a, sc, sel, c) {
				return true
			}
		case *sqlparser.StarExpr:
			q := strings.ToLower(se.TableName.Name.String())
			for _, r := range sc.tables {
				if (q == "" || q == r.alias) && !nullable[r.alias] && r.table.IsSharded() {
					if p := r.table.Primary(); p != nil && len(p.Columns) == 1 && p.Vindex.IsUnique() {
						return true
					}
				}
			}
		}
	}
	return false
}

// nullableAliases returns the lower-cased names of the tables of a FROM
// clause on the nullable side of an outer join (the right of a LEFT JOIN,
// the left of a RIGHT JOIN).
func nullableAliases(from sqlparser.TableExprs) map[string]bool {
	out := map[string]bool{}
	var walk func(te sqlparser.TableExpr, nullable bool)
	walk = func(te sqlparser.TableExpr, nullable bool) {
		switch te := te.(type) {
		case *sqlparser.AliasedTableExpr:
			if !nullable {
				return
			}
			name := te.As.String()
			if tn, ok := te.Expr.(sqlparser.TableName); ok && name == "" {
				name = tn.Name.String()
			}
			out[strings.ToLower(name)] = true
		case *sqlparser.ParenTableExpr:
			for _, e := range te.Exprs {
				walk(e, nullable)
			}
		case *sqlparser.JoinTableExpr:
			left, right := nullable, nullable
			switch te.Join {
			case sqlparser.LeftJoinStr, sqlparser.NaturalLeftJoinStr:
				right = true
			case sqlparser.RightJoinStr, sqlparser.NaturalRightJoinStr:
				left = true
			}
			walk(te.LeftExpr, left)
			walk(te.RightExpr, right)
		}
	}
	for _, te := range from {
		walk(te, false)
	}
	return out
}
