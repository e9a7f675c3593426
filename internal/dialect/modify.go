package dialect

import (
	"github.com/xwb1989/sqlparser"
)

// update renders a single-table UPDATE. Multi-table UPDATE is unsupported.
func (r *renderer) update(u *sqlparser.Update) {
	t := r.singleTable(u.TableExprs, "UPDATE")
	if t == nil {
		return
	}
	r.write("UPDATE ")
	r.aliasedTable(t)
	r.write(" SET ")
	r.updateExprs(u.Exprs)
	r.limitedWhere(t, u.Where, u.OrderBy, u.Limit, "UPDATE … LIMIT")
}

// delete renders a single-table DELETE. Multi-table DELETE is unsupported.
func (r *renderer) delete(d *sqlparser.Delete) {
	if len(d.Targets) > 0 {
		r.unsupported("multi-table DELETE")
		return
	}
	if len(d.Partitions) > 0 {
		r.unsupported("PARTITION selection")
		return
	}
	t := r.singleTable(d.TableExprs, "DELETE")
	if t == nil {
		return
	}
	r.write("DELETE FROM ")
	r.aliasedTable(t)
	r.limitedWhere(t, d.Where, d.OrderBy, d.Limit, "DELETE … LIMIT")
}

func (r *renderer) singleTable(exprs sqlparser.TableExprs, what string) *sqlparser.AliasedTableExpr {
	if len(exprs) == 1 {
		if t, ok := exprs[0].(*sqlparser.AliasedTableExpr); ok {
			if _, ok := t.Expr.(sqlparser.TableName); ok {
				return t
			}
		}
	}
	r.unsupported("multi-table " + what)
	return nil
}

// limitedWhere renders the WHERE of an UPDATE or DELETE. Neither SQLite
// (as modernc builds it) nor PostgreSQL has UPDATE/DELETE … ORDER BY …
// LIMIT, so a LIMIT selects the rows by key in a subquery:
//
//	… WHERE key IN (SELECT key FROM t WHERE … ORDER BY … LIMIT n)
//
// where the key is the rowid on SQLite (vitessdo never creates WITHOUT
// ROWID tables) and the primary key on PostgreSQL. ORDER BY without LIMIT
// changes nothing but the order rows are visited in and is dropped.
func (r *renderer) limitedWhere(t *sqlparser.AliasedTableExpr, where *sqlparser.Where, ob sqlparser.OrderBy, lim *sqlparser.Limit, what string) {
	if lim == nil {
		if where != nil && where.Expr != nil {
			r.write(" WHERE ")
			r.cond(where.Expr)
		}
		return
	}
	if lim.Offset != nil {
		r.unsupported(what + " with an offset")
		return
	}
	key := []string{"rowid"}
	if r.d == PostgreSQL {
		key = r.primaryKey(foldIdent(t.Expr.(sqlparser.TableName).Name.String()), what)
		if r.err != nil {
			return
		}
	}
	keyList := func() {
		for i, c := range key {
			if i > 0 {
				r.write(", ")
			}
			if r.d == SQLite {
				r.write(c)
			} else {
				r.ident(c)
			}
		}
	}
	r.write(" WHERE ")
	if len(key) > 1 {
		r.write("(")
	}
	keyList()
	if len(key) > 1 {
		r.write(")")
	}
	r.write(" IN (SELECT ")
	keyList()
	r.write(" FROM ")
	r.aliasedTable(t)
	if where != nil && where.Expr != nil {
		r.write(" WHERE ")
		r.cond(where.Expr)
	}
	r.orderBy(ob)
	r.limit(lim)
	r.write(")")
}
