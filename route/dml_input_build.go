package route

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// multiTable reports whether an UPDATE's or DELETE's FROM is more than one
// plain table.
func multiTable(exprs sqlparser.TableExprs) bool {
	if len(exprs) != 1 {
		return true
	}
	ate, ok := exprs[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return true
	}
	_, ok = ate.Expr.(sqlparser.TableName)
	return !ok
}

// planDeleteWithInput plans a DELETE as a dmlInputPlan: a multi-table
// DELETE t[, u …] FROM …, or one table's DELETE … LIMIT over several
// shards.
func (p *Planner) planDeleteWithInput(del *sqlparser.Delete, s *Session, nargs int) (Plan, error) {
	multi := multiTable(del.TableExprs)
	if multi && (del.OrderBy != nil || del.Limit != nil) {
		return nil, unsupportedf("multi-table DELETE with ORDER BY or LIMIT (MySQL refuses it too)")
	}
	if multi && len(del.Targets) == 0 {
		return nil, unsupportedf("multi-table DELETE that names no table to delete from: write DELETE t FROM t JOIN u …")
	}
	if len(del.Targets) > 1 && !multi {
		return nil, unsupportedf("DELETE from several tables (%s) of a FROM naming one", sqlparser.String(del.Targets))
	}
	refs := []string{""}
	if len(del.Targets) > 0 {
		refs = refs[:0]
		for _, tn := range del.Targets {
			refs = append(refs, tn.Name.String())
		}
	}
	dp, err := p.newDMLInput(del.TableExprs, refs, del.Where, del.OrderBy, del.Limit, s, nargs)
	if err != nil {
		return nil, err
	}
	dp.delete = true
	dp.joined = multi
	return dp, nil
}

// planUpdateWithInput plans an UPDATE as a dmlInputPlan: a multi-table
// UPDATE t JOIN u … SET t.c = …[, u.d = …], or one table's UPDATE … LIMIT
// over several shards.
func (p *Planner) planUpdateWithInput(upd *sqlparser.Update, s *Session, nargs int) (Plan, error) {
	multi := multiTable(upd.TableExprs)
	if multi && (upd.OrderBy != nil || upd.Limit != nil) {
		return nil, unsupportedf("multi-table UPDATE with ORDER BY or LIMIT (MySQL refuses it too)")
	}
	var refs []string
	for _, ue := range upd.Exprs {
		q := ue.Name.Qualifier.Name.String()
		if multi && q == "" {
			return nil, unsupportedf("multi-table UPDATE whose SET column %s names no table: qualify it with the table it sets", ue.Name.Name.String())
		}
		if !slices.ContainsFunc(refs, func(r string) bool { return strings.EqualFold(r, q) }) {
			refs = append(refs, q)
		}
	}
	dp, err := p.newDMLInput(upd.TableExprs, refs, upd.Where, upd.OrderBy, upd.Limit, s, nargs)
	if err != nil {
		return nil, err
	}
	dp.joined = multi
	for _, ue := range upd.Exprs {
		t := dp.targetOf(ue.Name.Qualifier.Name.String())
		t.setCols = append(t.setCols, ue.Name.Name.String())
	}
	for _, ue := range upd.Exprs {
		t := dp.targetOf(ue.Name.Qualifier.Name.String())
		col := strings.ToLower(ue.Name.Name.String())
		if prim := t.table.Primary(); t.table.IsSharded() && prim != nil && slices.Contains(prim.Columns, col) {
			return nil, unsupportedf("UPDATE of primary vindex column %s of %s: the row would have to move to another shard; delete it and insert it again", ue.Name.Name.String(), t.table)
		}
		if dmlSubqueries(nil, sqlparser.UpdateExprs{ue}) {
			return nil, unsupportedf("UPDATE of %s that joins tables or limits rows over several shards, with a subquery in SET %s: set it in a statement of its own", t.table, col)
		}
		if err := dp.checkReadsSet(t, ue); err != nil {
			return nil, err
		}
		orig := sqlparser.String(ue.Expr)
		expr, foreign := dp.perKeyValue(t, ue.Expr, multi)
		t.sets = append(t.sets, dmlInputSet{col: col, expr: expr, orig: orig, foreign: foreign})
	}
	return dp, nil
}

// targetOf returns the target whose columns are qualified by ref ("" for
// the one target of a single-table statement).
func (dp *dmlInputPlan) targetOf(ref string) *dmlTarget {
	if ref == "" {
		return dp.targets[0]
	}
	for _, t := range dp.targets {
		if strings.EqualFold(t.ref, ref) {
			return t
		}
	}
	return dp.targets[0]
}

// checkReadsSet refuses, in an UPDATE of several tables, a SET value that
// reads a column another target's SET changes, or a column that names no
// table: MySQL gives no order to the changes of several tables, so
// whether it reads the old or the new value is its own choice.
func (dp *dmlInputPlan) checkReadsSet(t *dmlTarget, ue *sqlparser.UpdateExpr) error {
	if len(dp.targets) < 2 {
		return nil
	}
	var err error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		c, ok := n.(*sqlparser.ColName)
		if !ok || err != nil {
			return err == nil, nil
		}
		q := c.Qualifier.Name.String()
		if q == "" {
			err = unsupportedf("UPDATE of several tables whose SET %s.%s reads the column %s, which names no table: qualify it", t.ref, ue.Name.Name.String(), c.Name.String())
			return false, nil
		}
		o := dp.targetOf(q)
		if o == t || !strings.EqualFold(o.ref, q) {
			return true, nil
		}
		for _, x := range o.setCols {
			if strings.EqualFold(x, c.Name.String()) {
				err = unsupportedf("UPDATE of several tables whose SET %s.%s reads %s.%s, which the statement sets too: MySQL gives no order to the changes of several tables, so which value it reads is its own choice; set them in statements of their own", t.ref, ue.Name.Name.String(), o.ref, c.Name.String())
				return false, nil
			}
		}
		return true, nil
	}, ue.Expr)
	return err
}

// perKeyValue returns, as the per-key UPDATE's text, a SET value of target
// t: as it is when it reads only the target row (or nothing); else with
// each column of another table (or unqualified, in a join) replaced by an
// argument that the input SELECT reads beside the key: a bare column so
// becomes the argument alone. foreign reports such columns.
func (dp *dmlInputPlan) perKeyValue(t *dmlTarget, e sqlparser.Expr, multi bool) (string, bool) {
	var foreign []*sqlparser.ColName
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if c, ok := n.(*sqlparser.ColName); ok && multi && !strings.EqualFold(c.Qualifier.Name.String(), t.ref) {
			foreign = append(foreign, c)
		}
		return true, nil
	}, e)
	for _, c := range foreign {
		t.values = append(t.values, sqlparser.String(c))
		arg := sqlparser.NewValArg([]byte(fmt.Sprintf(":v%d", dp.nargs+len(t.values))))
		e = sqlparser.ReplaceExpr(e, c, arg)
	}
	stripColumnQualifiers(e)
	return sqlparser.String(e), len(foreign) > 0
}

// newDMLInput resolves the target tables (named by refs in from, or
// from's one table when the one ref is "") and keeps the statement's
// parts as text.
func (p *Planner) newDMLInput(from sqlparser.TableExprs, refs []string, where *sqlparser.Where, order sqlparser.OrderBy, limit *sqlparser.Limit, s *Session, nargs int) (*dmlInputPlan, error) {
	dp := &dmlInputPlan{p: p, nargs: nargs, keyspace: s.Keyspace, lock: !outerJoin(from)}
	for _, ref := range refs {
		ate, err := findTableRef(from, ref)
		if err != nil {
			return nil, err
		}
		tn := ate.Expr.(sqlparser.TableName)
		t, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
		if err != nil {
			return nil, err
		}
		if t.Type == vschema.TypeSequence {
			return nil, unsupportedf("UPDATE or DELETE of sequence table %s", t)
		}
		tg := &dmlTarget{table: t, tn: tn, ref: ate.As.String()}
		if tg.ref == "" {
			tg.ref = tn.Name.String()
		}
		if slices.ContainsFunc(dp.targets, func(o *dmlTarget) bool { return strings.EqualFold(o.ref, tg.ref) }) {
			continue
		}
		for _, o := range dp.targets {
			if o.table == t {
				return nil, unsupportedf("UPDATE or DELETE of %s under two names at once (%s and %s): one row would be changed twice; change it in statements of their own", t, o.ref, tg.ref)
			}
			for _, pair := range [][2]*vschema.Table{{o.table, t}, {t, o.table}} {
				if l := p.ownedLookupOf(pair[0], pair[1]); l != "" {
					return nil, unsupportedf("UPDATE or DELETE of %s together with %s, the table of its lookup vindex %s: the lookup rows follow the rows of %s, and would be changed twice; change %s alone", pair[0], pair[1], l, pair[0], pair[0])
				}
			}
		}
		dp.targets = append(dp.targets, tg)
	}
	dp.from = sqlparser.String(from)
	if where != nil {
		dp.where = sqlparser.String(where)
	}
	if len(order) > 0 {
		dp.order = sqlparser.String(order)
	}
	if limit != nil {
		if limit.Offset != nil {
			return nil, unsupportedf("UPDATE or DELETE of %s with a LIMIT offset", dp.names())
		}
		dp.limit = limit.Rowcount
	}
	return dp, nil
}

// ownedLookupOf returns the name of an owned lookup vindex of owner whose
// lookup table is t, or "".
func (p *Planner) ownedLookupOf(owner, t *vschema.Table) string {
	for _, cv := range owner.Owned {
		tr, ok := cv.Vindex.(vindex.TableReader)
		if !ok {
			continue
		}
		ks, name := owner.Keyspace.Name, tr.LookupTable().Table
		if i := strings.IndexByte(name, '.'); i >= 0 {
			ks, name = name[:i], name[i+1:]
		}
		if lt, err := p.vs.FindTable(ks, name, ks); err == nil && lt == t {
			return cv.Name
		}
	}
	return ""
}

// findTableRef returns the table of from named ref (its alias, else its
// name), or from's one table when ref is "".
func findTableRef(from sqlparser.TableExprs, ref string) (*sqlparser.AliasedTableExpr, error) {
	var found []*sqlparser.AliasedTableExpr
	var all []*sqlparser.AliasedTableExpr
	var walk func(te sqlparser.TableExpr)
	walk = func(te sqlparser.TableExpr) {
		switch te := te.(type) {
		case *sqlparser.AliasedTableExpr:
			all = append(all, te)
			name := te.As.String()
			if tn, ok := te.Expr.(sqlparser.TableName); ok && name == "" {
				name = tn.Name.String()
			}
			if ref != "" && strings.EqualFold(name, ref) {
				found = append(found, te)
			}
		case *sqlparser.JoinTableExpr:
			walk(te.LeftExpr)
			walk(te.RightExpr)
		case *sqlparser.ParenTableExpr:
			for _, e := range te.Exprs {
				walk(e)
			}
		}
	}
	for _, te := range from {
		walk(te)
	}
	if ref == "" {
		if len(all) == 1 {
			found = all
		} else {
			return nil, unsupportedf("UPDATE or DELETE over several tables that names none to change")
		}
	}
	if len(found) != 1 {
		return nil, unsupportedf("UPDATE or DELETE of %s, which the statement's FROM names %d times", ref, len(found))
	}
	if _, ok := found[0].Expr.(sqlparser.TableName); !ok {
		return nil, unsupportedf("UPDATE or DELETE of the derived table %s", ref)
	}
	return found[0], nil
}

// outerJoin reports a LEFT or RIGHT JOIN in from. PostgreSQL locks no
// row of an outer join's nullable side, so the input of such a statement
// takes no lock: the per-key writes lock the target rows they change.
func outerJoin(from sqlparser.TableExprs) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if j, ok := n.(*sqlparser.JoinTableExpr); ok {
			switch j.Join {
			case sqlparser.LeftJoinStr, sqlparser.RightJoinStr, sqlparser.NaturalLeftJoinStr, sqlparser.NaturalRightJoinStr:
				found = true
			}
		}
		return !found, nil
	}, from)
	return found
}

// stripColumnQualifiers drops the table qualifiers of e's columns.
func stripColumnQualifiers(e sqlparser.Expr) {
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if c, ok := n.(*sqlparser.ColName); ok {
			c.Qualifier = sqlparser.TableName{}
		}
		return true, nil
	}, e)
}

// plans returns the input and per-key plans for the targets' primary
// keys, read from the catalog of each one's keyspace's first shard (the
// same on every shard), built on first use and again if a key changes.
func (dp *dmlInputPlan) plans(ctx context.Context) (*dmlInputBuilt, error) {
	keys := make([][]string, len(dp.targets))
	for i, t := range dp.targets {
		var err error
		if keys[i], err = dp.keyOf(ctx, t.table); err != nil {
			return nil, err
		}
	}
	if b := dp.built.Load(); b != nil && b.sameKeys(keys) {
		return b, nil
	}
	b, err := dp.build(keys)
	if err != nil {
		return nil, err
	}
	dp.built.Store(b)
	return b, nil
}

// keyOf returns the columns that name a row of target table t: its
// primary key, then its primary vindex columns the key lacks.
func (dp *dmlInputPlan) keyOf(ctx context.Context, t *vschema.Table) ([]string, error) {
	shards := dp.p.topo.Shards(t.Keyspace.Name)
	if len(shards) == 0 {
		return nil, planErrorf("keyspace %s has no shards", t.Keyspace.Name)
	}
	pk, err := shards[0].Backend.PrimaryKeyContext(ctx, t.Name)
	if err != nil {
		if ctx.Err() == nil && strings.Contains(err.Error(), "no primary key") {
			return nil, unsupportedf("%s of %s that joins tables or limits rows over several shards: the rows to change are found by the primary key of %s, which has none", dp.verb(), t, t)
		}
		return nil, fmt.Errorf("vitessdo: %s of %s: %w", dp.verb(), t, err)
	}
	keys := append([]string(nil), pk...)
	if prim := t.Primary(); prim != nil && t.IsSharded() {
		for _, c := range prim.Columns {
			if !slices.Contains(keys, c) {
				keys = append(keys, c)
			}
		}
	}
	return keys, nil
}

// sameKeys reports whether b was built for the targets' keys.
func (b *dmlInputBuilt) sameKeys(keys [][]string) bool {
	for i, tb := range b.targets {
		if !slices.Equal(tb.keys, keys[i]) {
			return false
		}
	}
	return true
}

// build plans the input SELECT and each target's per-key write for the
// targets' keys.
func (dp *dmlInputPlan) build(keys [][]string) (*dmlInputBuilt, error) {
	s := &Session{Keyspace: dp.keyspace}
	b := &dmlInputBuilt{s: s}
	var exprs []string
	for i, t := range dp.targets {
		tb := &dmlTargetBuilt{keys: keys[i], off: len(exprs), nvals: len(t.values)}
		b.targets = append(b.targets, tb)
		for _, k := range keys[i] {
			exprs = append(exprs, sqlparser.String(sqlparser.NewTableIdent(t.ref))+"."+sqlparser.String(sqlparser.NewColIdent(k)))
		}
		exprs = append(exprs, t.values...)
	}
	if len(dp.targets) == 1 {
		b.whole = dp.planWhole(dp.targets[0], keys[0], s)
	}
	if dp.within != nil && (b.whole == nil || !keepWithin(b.whole, dp.within)) {
		return nil, unsupportedf("%s of %s that joins tables or limits rows over several shards, in a session targeting the key range %s: the rows to change are read through the router, which does not keep to the range; run it without the target", dp.verb(), dp.names(), dp.within)
	}
	if b.whole != nil {
		return b, nil
	}
	var sel strings.Builder
	sel.WriteString("select ")
	if dp.order != "" {
		ob, err := Parse("select 1 from dual " + dp.order)
		if err != nil {
			return nil, err
		}
		for _, o := range ob.(*sqlparser.Select).OrderBy {
			exprs = append(exprs, sqlparser.String(o.Expr))
		}
	}
	sel.WriteString(strings.Join(exprs, ", "))
	sel.WriteString(" from " + dp.from)
	if dp.where != "" {
		sel.WriteString(dp.where)
	}
	if dp.order != "" {
		sel.WriteString(dp.order)
	}
	if dp.limit != nil {
		fmt.Fprintf(&sel, " limit :v%d", dp.nargs+1)
	}
	if dp.lock {
		sel.WriteString(" for update")
	}
	stmt, err := Parse(sel.String())
	if err != nil {
		return nil, err
	}
	nin := dp.nargs
	if dp.limit != nil {
		nin++
	}
	if b.input, err = dp.p.planSelect(stmt.(sqlparser.SelectStatement), s, nin); err != nil {
		return nil, err
	}
	// The write of one key of each target is planned now: its refusals
	// are the statement's.
	for i, t := range dp.targets {
		if _, err := dp.writePlan(t, b.targets[i], s, 1); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// keepWithin restricts a write sent whole to the shards of a key range,
// and reports whether it could.
func keepWithin(pl Plan, kr *key.KeyRange) bool {
	switch pl := pl.(type) {
	case *dmlPlan:
		pl.routing.within = kr
		return true
	case *selectPlan:
		if pl.apart != nil {
			return false
		}
		pl.routing.within = kr
		for _, r := range pl.sameShard {
			r.within = kr
		}
		return true
	case *checkedWrite:
		return keepWithin(pl.check, kr) && keepWithin(pl.write, kr)
	}
	return false
}

// planWrite plans the single-table write of size keys' rows of target t.
// Its arguments are the statement's, then the selected SET values, then
// each key's columns in turn. One key column is an IN list; several are an
// OR of each key's equalities, beside an IN list of the primary vindex
// column when the table has one of its own, which routes the write.
func (dp *dmlInputPlan) planWrite(t *dmlTarget, keys []string, nvals, size int, s *Session) (Plan, error) {
	var w strings.Builder
	table := sqlparser.String(t.tn)
	if dp.delete {
		w.WriteString("delete from " + table)
	} else {
		w.WriteString("update " + table + " set ")
		for i, st := range t.sets {
			if i > 0 {
				w.WriteString(", ")
			}
			w.WriteString(sqlparser.String(sqlparser.NewColIdent(st.col)) + " = " + st.expr)
		}
	}
	arg := func(key, col int) string { return fmt.Sprintf(":v%d", dp.nargs+nvals+key*len(keys)+col+1) }
	in := func(col int) string {
		var list []string
		for i := 0; i < size; i++ {
			list = append(list, arg(i, col))
		}
		return sqlparser.String(sqlparser.NewColIdent(keys[col])) + " in (" + strings.Join(list, ", ") + ")"
	}
	w.WriteString(" where ")
	if len(keys) == 1 {
		w.WriteString(in(0))
	} else {
		if prim := t.table.Primary(); prim != nil && t.table.IsSharded() && len(prim.Columns) == 1 {
			w.WriteString(in(slices.Index(keys, prim.Columns[0])) + " and ")
		}
		var ors []string
		for i := 0; i < size; i++ {
			var ands []string
			for c, k := range keys {
				ands = append(ands, sqlparser.String(sqlparser.NewColIdent(k))+" = "+arg(i, c))
			}
			ors = append(ors, "("+strings.Join(ands, " and ")+")")
		}
		w.WriteString("(" + strings.Join(ors, " or ") + ")")
	}
	stmt, err := Parse(w.String())
	if err != nil {
		return nil, err
	}
	n := dp.nargs + nvals + size*len(keys)
	switch st := stmt.(type) {
	case *sqlparser.Delete:
		return dp.p.planDelete(st, s, n)
	case *sqlparser.Update:
		return dp.p.planUpdate(st, s, n)
	}
	return nil, planErrorf("per-key write %s is no UPDATE or DELETE", w.String())
}
