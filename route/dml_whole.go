package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// A multi-table UPDATE or DELETE of one table whose join every shard can
// run over its own rows — the tables joined on their primary vindex
// columns with the same vindex, reference tables, or a keyspace of one
// shard — is sent to the shards whole, without reading its keys through
// the router first. Neither SQLite nor PostgreSQL has MySQL's
// multi-table syntax, so the statement is written as a single-table
// write of the target, aliased, whose rows are those the join names:
//
//	DELETE t FROM t JOIN u ON u.tid = t.id WHERE u.x = ?
//	  DELETE FROM t AS vitessdo_target WHERE EXISTS (SELECT 1 FROM t
//	    JOIN u ON u.tid = t.id WHERE (u.x = ?) AND t.id = vitessdo_target.id)
//
// The EXISTS is correlated with the target on its key (its primary key
// and primary vindex columns), so it names each target row once however
// many join rows hold it, as MySQL changes each row once. That single-
// table write is planned like any other: it is sent whole only when its
// routing places the subquery's tables on the target row's shard (a
// correlation on the primary vindex column, co-located tables, reference
// tables); owned lookup vindexes follow its rows as for any
// single-table write. Conjuncts of the WHERE over the target's columns
// alone are repeated outside the EXISTS, so a write by the target's
// vindex value reaches only that value's shard.
//
// An UPDATE whose SET values read another table's columns is not sent
// whole: a join may give a row several values, which the keyed path
// finds and refuses where a shard would pick one.

// wholeAlias is the alias of the target of a multi-table write sent
// whole, in its single-table form.
const wholeAlias = "vitessdo_target"

// planWhole plans the multi-table write as a single-table write the
// shards run whole (see above), or returns nil when it cannot be.
func (dp *dmlInputPlan) planWhole(t *dmlTarget, keys []string, s *Session) Plan {
	if !dp.joined || dp.limit != nil || dp.order != "" || len(t.values) > 0 || dp.fromNames(wholeAlias) {
		return nil
	}
	sub, err := Parse("select 1 from " + dp.from + dp.where)
	if err != nil {
		return nil
	}
	sel, ok := sub.(*sqlparser.Select)
	if !ok {
		return nil
	}
	var conds []sqlparser.Expr
	if sel.Where != nil {
		conds = append(conds, &sqlparser.ParenExpr{Expr: sel.Where.Expr})
	}
	for _, k := range keys {
		conds = append(conds, &sqlparser.ComparisonExpr{
			Operator: sqlparser.EqualStr,
			Left:     &sqlparser.ColName{Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(t.ref)}, Name: sqlparser.NewColIdent(k)},
			Right:    &sqlparser.ColName{Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(wholeAlias)}, Name: sqlparser.NewColIdent(k)},
		})
	}
	sel.Where = sqlparser.NewWhere(sqlparser.WhereStr, andAll(conds))
	outer := append(dp.targetConjuncts(t.ref), &sqlparser.ExistsExpr{Subquery: &sqlparser.Subquery{Select: sel}})
	where := sqlparser.NewWhere(sqlparser.WhereStr, andAll(outer))
	from := sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: t.tn, As: sqlparser.NewTableIdent(wholeAlias)}}
	var pl Plan
	if dp.delete {
		pl, err = dp.p.planDelete(&sqlparser.Delete{TableExprs: from, Where: where}, s, dp.nargs)
	} else {
		var set sqlparser.UpdateExprs
		for _, st := range t.sets {
			e, err := parseExpr(st.expr)
			if err != nil {
				return nil
			}
			set = append(set, &sqlparser.UpdateExpr{Name: &sqlparser.ColName{Name: sqlparser.NewColIdent(st.col)}, Expr: e})
		}
		pl, err = dp.p.planUpdate(&sqlparser.Update{TableExprs: from, Exprs: set, Where: where}, s, dp.nargs)
	}
	if err != nil {
		return nil
	}
	if _, ok := pl.(*dmlPlan); !ok {
		return nil
	}
	return pl
}

// targetConjuncts returns, qualified by wholeAlias, the conjuncts of the
// WHERE that read only the target's columns, each qualified by ref, its
// name in the join, and hold no subquery: every join row of a target row
// meets them as the row itself does.
func (dp *dmlInputPlan) targetConjuncts(ref string) []sqlparser.Expr {
	if dp.where == "" {
		return nil
	}
	st, err := Parse("select 1 from dual" + dp.where)
	if err != nil {
		return nil
	}
	var out []sqlparser.Expr
	for _, c := range splitAnd(st.(*sqlparser.Select).Where.Expr) {
		own, cols := true, 0
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			switch n := n.(type) {
			case *sqlparser.Subquery:
				own = false
			case *sqlparser.ColName:
				cols++
				if !n.Qualifier.Qualifier.IsEmpty() || !strings.EqualFold(n.Qualifier.Name.String(), ref) {
					own = false
				}
			}
			return own, nil
		}, c)
		if !own || cols == 0 {
			continue
		}
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if col, ok := n.(*sqlparser.ColName); ok {
				col.Qualifier = sqlparser.TableName{Name: sqlparser.NewTableIdent(wholeAlias)}
			}
			return true, nil
		}, c)
		out = append(out, c)
	}
	return out
}

// fromNames reports whether the statement's FROM names a table or alias
// name.
func (dp *dmlInputPlan) fromNames(name string) bool {
	st, err := Parse("select 1 from " + dp.from)
	if err != nil {
		return true
	}
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if ate, ok := n.(*sqlparser.AliasedTableExpr); ok {
			if strings.EqualFold(ate.As.String(), name) {
				found = true
			}
			if tn, ok := ate.Expr.(sqlparser.TableName); ok && strings.EqualFold(tn.Name.String(), name) {
				found = true
			}
		}
		return !found, nil
	}, st)
	return found
}

// parseExpr parses the text of one expression.
func parseExpr(text string) (sqlparser.Expr, error) {
	st, err := Parse("select " + text + " from dual")
	if err != nil {
		return nil, err
	}
	ae, ok := st.(*sqlparser.Select).SelectExprs[0].(*sqlparser.AliasedExpr)
	if !ok {
		return nil, planErrorf("%s is no expression", text)
	}
	return ae.Expr, nil
}
