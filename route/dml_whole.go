package route

import (
	"context"
	"io"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
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
// many join rows hold it, as MySQL changes each row once. A SET value
// that reads other tables' columns becomes a subquery over the same join,
// correlated alike:
//
//	UPDATE t JOIN u ON u.tid = t.id SET t.c = u.d
//	  UPDATE t AS vitessdo_target SET c = (SELECT DISTINCT u.d FROM t
//	    JOIN u ON u.tid = t.id WHERE t.id = vitessdo_target.id) WHERE EXISTS (…)
//
// A join may give a row several different values, of which one database
// sets an arbitrary one: such a statement is refused. A SELECT over the
// join grouped by the target's key finds those rows first, in the
// write's transaction, which on SQLite is serializable; should a row gain
// a second value after it ran on PostgreSQL, the UPDATE fails there (its
// subquery gives more than one row) rather than pick one.
//
// The single-table write is planned like any other: it is sent whole only
// when its routing places the subquery's tables on the target row's shard
// (a correlation on the primary vindex column, co-located tables,
// reference tables); owned lookup vindexes follow its rows as for any
// single-table write. Conjuncts of the WHERE over the target's columns
// alone are repeated outside the EXISTS, and so is a value the WHERE
// gives the primary vindex column of a table joined to the target by an
// equality of their primary vindex columns (the target's column then
// holds that value too): a write by a vindex value reaches only that
// value's shard.

// wholeAlias is the alias of the target of a multi-table write sent
// whole, in its single-table form.
const wholeAlias = "vitessdo_target"

// planWhole plans the multi-table write of target t as a single-table
// write the shards run whole (see above), or returns nil when it cannot
// be.
func (dp *dmlInputPlan) planWhole(t *dmlTarget, keys []string, s *Session) Plan {
	if !dp.joined || dp.limit != nil || dp.order != "" || dp.fromNames(wholeAlias) {
		return nil
	}
	exists, err := dp.overJoin("1", t, keys)
	if err != nil {
		return nil
	}
	outer := append(dp.targetConjuncts(t.ref), dp.vindexConjuncts(t, s)...)
	outer = append(outer, &sqlparser.ExistsExpr{Subquery: &sqlparser.Subquery{Select: exists}})
	where := sqlparser.NewWhere(sqlparser.WhereStr, andAll(outer))
	from := sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: t.tn, As: sqlparser.NewTableIdent(wholeAlias)}}
	if dp.delete {
		pl, err := dp.p.planDelete(&sqlparser.Delete{TableExprs: from, Where: where}, s, dp.nargs)
		return wholeWrite(pl, err)
	}
	var set sqlparser.UpdateExprs
	var foreign []string
	for _, st := range t.sets {
		var e sqlparser.Expr
		if st.foreign {
			sel, err := dp.overJoin(st.orig, t, keys)
			if err != nil {
				return nil
			}
			sel.Distinct = sqlparser.DistinctStr
			e = &sqlparser.Subquery{Select: sel}
			foreign = append(foreign, st.orig)
		} else if e, err = parseExpr(st.expr); err != nil {
			return nil
		}
		set = append(set, &sqlparser.UpdateExpr{Name: &sqlparser.ColName{Name: sqlparser.NewColIdent(st.col)}, Expr: e})
	}
	pl, err := dp.p.planUpdate(&sqlparser.Update{TableExprs: from, Exprs: set, Where: where}, s, dp.nargs)
	w := wholeWrite(pl, err)
	if w == nil || len(foreign) == 0 {
		return w
	}
	check, err := dp.planValuesCheck(t, keys, foreign, s)
	if err != nil {
		return nil
	}
	return &checkedWrite{check: check, write: w, table: t.table, keys: keys, nargs: dp.nargs}
}

// wholeWrite returns a planned single-table write, or nil when it was
// refused or is no single-table write.
func wholeWrite(pl Plan, err error) Plan {
	if err != nil {
		return nil
	}
	if _, ok := pl.(*dmlPlan); !ok {
		return nil
	}
	return pl
}

// overJoin returns SELECT item FROM <the statement's join> WHERE (<its
// WHERE>) AND <t's key in the join equals the outer target's>.
func (dp *dmlInputPlan) overJoin(item string, t *dmlTarget, keys []string) (*sqlparser.Select, error) {
	st, err := Parse("select " + item + " from " + dp.from + dp.where)
	if err != nil {
		return nil, err
	}
	sel, ok := st.(*sqlparser.Select)
	if !ok {
		return nil, planErrorf("%s is no SELECT", sqlparser.String(st))
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
	return sel, nil
}

// planValuesCheck plans the SELECT of a target row the join gives
// several different values of a foreign SET value: more than one value
// that is not NULL, or NULL beside one.
func (dp *dmlInputPlan) planValuesCheck(t *dmlTarget, keys []string, foreign []string, s *Session) (Plan, error) {
	var cols, notNull, several []string
	for _, k := range keys {
		c := sqlparser.String(sqlparser.NewTableIdent(t.ref)) + "." + sqlparser.String(sqlparser.NewColIdent(k))
		cols = append(cols, c)
		notNull = append(notNull, c+" is not null")
	}
	for _, e := range foreign {
		several = append(several, "count(distinct "+e+") > 1", "count("+e+") > 0 and count("+e+") < count(*)")
	}
	where := strings.Join(notNull, " and ")
	if dp.where != "" {
		st, err := Parse("select 1 from dual" + dp.where)
		if err != nil {
			return nil, err
		}
		where = "(" + sqlparser.String(st.(*sqlparser.Select).Where.Expr) + ") and " + where
	}
	q := "select " + strings.Join(cols, ", ") + " from " + dp.from + " where " + where +
		" group by " + strings.Join(cols, ", ") + " having (" + strings.Join(several, ") or (") + ") limit 1"
	st, err := Parse(q)
	if err != nil {
		return nil, err
	}
	return dp.p.planSelect(st.(sqlparser.SelectStatement), s, dp.nargs)
}

// checkedWrite runs a multi-table UPDATE sent whole after the SELECT that
// finds a target row its join gives several values, in one transaction:
// such a row refuses the statement before anything is written.
type checkedWrite struct {
	check, write Plan
	table        *vschema.Table
	keys         []string
	nargs        int
}

var _ Plan = (*checkedWrite)(nil)

func (cw *checkedWrite) NumArgs() int { return cw.nargs }

func (cw *checkedWrite) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	return queryByExec(ctx, cw, vc, args)
}

func (cw *checkedWrite) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	rows, err := cw.check.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	w, err := cw.write.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	return append(rows, w...), nil
}

func (cw *checkedWrite) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	var res Result
	err := vc.Atomic(ctx, func(ctx context.Context) error {
		if err := cw.refuseSeveral(ctx, vc, args); err != nil {
			return err
		}
		var err error
		res, err = cw.write.Exec(ctx, vc, args)
		return err
	})
	return res, err
}

// refuseSeveral runs the check and refuses the statement when it finds a
// row.
func (cw *checkedWrite) refuseSeveral(ctx context.Context, vc Cursor, args []any) error {
	it, err := cw.check.Query(ctx, vc, args)
	if err != nil {
		return err
	}
	defer it.Close()
	row, err := it.Next()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	return unsupportedf("UPDATE of %s whose join gives the row %s several different values to set: one database would set one of them arbitrarily", cw.table, keyText(cw.keys, row))
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

// vindexConjuncts returns, over wholeAlias, the conditions the WHERE puts
// on the target's primary vindex column through other tables: where the
// join equates the primary vindex columns of two tables of the same
// vindex (both qualified, in an ON or the WHERE), every join row of a
// target row holds the target's value in each, so a WHERE conjunct
// `x.c = value` or `x.c IN (values)` on such a column holds for the
// target's column too. (The target's own conjuncts are targetConjuncts'.)
func (dp *dmlInputPlan) vindexConjuncts(t *dmlTarget, s *Session) []sqlparser.Expr {
	prim := t.table.Primary()
	if dp.where == "" || !t.table.IsSharded() || prim == nil || len(prim.Columns) != 1 {
		return nil
	}
	st, err := Parse("select 1 from " + dp.from + dp.where)
	if err != nil {
		return nil
	}
	sel := st.(*sqlparser.Select)
	a := newAnalysis(dp.p, s)
	sc := a.newScope(nil, true)
	for _, te := range sel.From {
		if a.tableExpr(sc, te, true) != nil {
			return nil
		}
	}
	where := splitAnd(sel.Where.Expr)
	// vindexRef returns the table whose primary vindex column e names,
	// qualified, when the vindex is the target's.
	vindexRef := func(e sqlparser.Expr) *tableRef {
		c, ok := e.(*sqlparser.ColName)
		if !ok || c.Qualifier.IsEmpty() {
			return nil
		}
		r := a.column(sc, c)
		if r == nil || r.scope != sc || !r.table.IsSharded() {
			return nil
		}
		pv := r.table.Primary()
		if pv == nil || len(pv.Columns) != 1 || pv.Vindex != prim.Vindex || pv.Columns[0] != strings.ToLower(c.Name.String()) {
			return nil
		}
		return r
	}
	equal := map[*tableRef]bool{}
	var self *tableRef
	for _, r := range sc.tables {
		if r.alias == strings.ToLower(t.ref) && r.table == t.table {
			equal[r], self = true, r
		}
	}
	links := append(append(append([]sqlparser.Expr(nil), sc.conds...), sc.links...), where...)
	for grew := true; grew; {
		grew = false
		for _, e := range links {
			cmp, ok := e.(*sqlparser.ComparisonExpr)
			if !ok || cmp.Operator != sqlparser.EqualStr {
				continue
			}
			l, r := vindexRef(cmp.Left), vindexRef(cmp.Right)
			if l == nil || r == nil || equal[l] == equal[r] {
				continue
			}
			equal[l], equal[r], grew = true, true, true
		}
	}
	col := func() *sqlparser.ColName {
		return &sqlparser.ColName{Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(wholeAlias)}, Name: sqlparser.NewColIdent(prim.Columns[0])}
	}
	var out []sqlparser.Expr
	for _, e := range where {
		cmp, ok := e.(*sqlparser.ComparisonExpr)
		if !ok {
			continue
		}
		switch cmp.Operator {
		case sqlparser.EqualStr:
			for _, side := range [][2]sqlparser.Expr{{cmp.Left, cmp.Right}, {cmp.Right, cmp.Left}} {
				if r := vindexRef(side[0]); r != nil && r != self && equal[r] && isRouteValue(side[1]) {
					out = append(out, &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: col(), Right: side[1]})
					break
				}
			}
		case sqlparser.InStr:
			tuple, ok := cmp.Right.(sqlparser.ValTuple)
			if r := vindexRef(cmp.Left); !ok || r == nil || r == self || !equal[r] {
				continue
			}
			all := true
			for _, v := range tuple {
				all = all && isRouteValue(v)
			}
			if all {
				out = append(out, &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: col(), Right: tuple})
			}
		}
	}
	return out
}

// isRouteValue reports a literal, NULL or argument, which routes.
func isRouteValue(e sqlparser.Expr) bool {
	_, ok := newValueExpr(e)
	return ok
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
