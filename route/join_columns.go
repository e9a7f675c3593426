package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/vschema"
)

// A SELECT over a join across shards is planned with every column
// qualified by its table. qualifyJoin rewrites the statement so, as one
// database reads it:
//
//   - NATURAL JOIN is USING of the columns both sides have; USING (c) is
//     ON l.c = r.c, and the two c are one column: an unqualified c names
//     the left one (the right one for a RIGHT JOIN), and * shows it once
//     (first on PostgreSQL, in the left side's place on SQLite);
//   - * expands to every table's columns in FROM order, t.* to t's;
//   - an unqualified name is qualified by the one table that has such a
//     column (ON conditions look in the tables of their join); a name no
//     table has, or more than one has, is an error;
//   - a RIGHT JOIN of a table is turned into the LEFT JOIN of its sides.
//
// A table's columns are those its VSchema declares, else those its
// first shard's database reports (see tableColumns).

// joinColumn is one column of a FROM item's rows.
type joinColumn struct {
	table, name string
}

// joinQualifier rewrites one statement.
type joinQualifier struct {
	p    *Planner
	s    *Session
	eng  eval.Engine
	cols map[string][]joinColumn
	// shown are the names SQLite gives columns of a join in parentheses
	// where they differ from the column's own (see showGroup); whole is
	// the FROM when it is one such join alone.
	shown map[joinColumn]string
	whole *sqlparser.ParenTableExpr
}

// needsQualifying reports a SELECT whose FROM has USING, NATURAL or RIGHT
// joins or a join in parentheses, or whose select list, WHERE or ON name
// unqualified columns or *.
func needsQualifying(sel *sqlparser.Select) bool {
	for _, se := range sel.SelectExprs {
		if _, ok := se.(*sqlparser.StarExpr); ok {
			return true
		}
	}
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.ColName:
			if n.Qualifier.IsEmpty() {
				found = true
			}
		case *sqlparser.JoinTableExpr:
			if len(n.Condition.Using) > 0 || n.Join != sqlparser.JoinStr && n.Join != sqlparser.LeftJoinStr && n.Join != sqlparser.StraightJoinStr {
				found = true
			}
		case *sqlparser.ParenTableExpr:
			// SQLite names the columns of a join in parentheses apart.
			_, isJoin := n.Exprs[0].(*sqlparser.JoinTableExpr)
			found = isJoin || len(n.Exprs) > 1
		}
		return !found, nil
	}, sel.SelectExprs, sel.From, sel.Where, sel.GroupBy, sel.Having, sel.OrderBy)
	return found
}

// qualifyJoin returns the statement with every column qualified (see
// above); sel is changed.
func (p *Planner) qualifyJoin(sel *sqlparser.Select, s *Session, eng eval.Engine) (*sqlparser.Select, error) {
	if !needsQualifying(sel) {
		return sel, nil
	}
	q := &joinQualifier{p: p, s: s, eng: eng, cols: map[string][]joinColumn{}, shown: map[joinColumn]string{}}
	var all []joinColumn
	if len(sel.From) == 1 {
		q.whole, _ = sel.From[0].(*sqlparser.ParenTableExpr)
	}
	for i, te := range sel.From {
		out, cols, err := q.from(te)
		if err != nil {
			return nil, err
		}
		sel.From[i] = out
		all = append(all, cols...)
	}
	var items sqlparser.SelectExprs
	for _, se := range sel.SelectExprs {
		st, ok := se.(*sqlparser.StarExpr)
		if !ok {
			items = append(items, se)
			continue
		}
		cols := all
		if !st.TableName.IsEmpty() {
			t := strings.ToLower(st.TableName.Name.String())
			var ok bool
			if cols, ok = q.cols[t]; !ok || !st.TableName.Qualifier.IsEmpty() {
				return nil, planErrorf("unknown table %s in %s", st.TableName.Name.String(), sqlparser.String(st))
			}
		}
		for _, c := range cols {
			items = append(items, &sqlparser.AliasedExpr{Expr: qualified(c)})
		}
	}
	sel.SelectExprs = items
	aliases := map[string]bool{}
	for _, se := range items {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() {
			aliases[ae.As.Lowered()] = true
		}
	}
	if err := q.qualify(sel.SelectExprs, all, nil); err != nil {
		return nil, err
	}
	for _, se := range sel.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && ae.As.IsEmpty() {
			if c, ok := ae.Expr.(*sqlparser.ColName); ok {
				if name, ok := q.shown[joinColumn{table: strings.ToLower(c.Qualifier.Name.String()), name: c.Name.Lowered()}]; ok {
					ae.As = sqlparser.NewColIdent(name)
				}
			}
		}
	}
	if sel.Where != nil {
		if err := q.qualify(sel.Where, all, nil); err != nil {
			return nil, err
		}
	}
	for _, n := range []sqlparser.SQLNode{sel.GroupBy, sel.Having, sel.OrderBy} {
		if n == nil {
			continue
		}
		if err := q.qualify(n, all, aliases); err != nil {
			return nil, err
		}
	}
	return sel, nil
}

// mergesColumns reports a join with USING or NATURAL under te.
func mergesColumns(te sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if j, ok := n.(*sqlparser.JoinTableExpr); ok && (len(j.Condition.Using) > 0 || strings.HasPrefix(j.Join, "natural")) {
			found = true
		}
		_, sub := n.(*sqlparser.Subquery)
		return !found && !sub, nil
	}, te)
	return found
}

// showGroup names the columns of a join in parentheses as SQLite names
// them, as the columns of a subquery: a name already used in the group
// gets ":1", ":2", … in place of any such suffix, the first free one.
func (q *joinQualifier) showGroup(cols []joinColumn) {
	used := map[string]bool{}
	for _, c := range cols {
		key := joinColumn{table: strings.ToLower(c.table), name: strings.ToLower(c.name)}
		name, ok := q.shown[key]
		if !ok {
			name = c.name
		}
		base := name
		if i := strings.LastIndexByte(base, ':'); i > 0 && strings.Trim(base[i+1:], "0123456789") == "" && i+1 < len(base) {
			base = base[:i]
		}
		for n := 1; used[strings.ToLower(name)]; n++ {
			name = base + ":" + strconv.Itoa(n)
		}
		used[strings.ToLower(name)] = true
		if name != c.name {
			q.shown[key] = name
		}
	}
}

// qualified returns the column as a qualified name.
func qualified(c joinColumn) *sqlparser.ColName {
	return &sqlparser.ColName{Name: sqlparser.NewColIdent(c.name), Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(c.table)}}
}

// qualify qualifies the unqualified names under n by the one column of
// cols of that name; names in skip (select aliases) are left alone.
func (q *joinQualifier) qualify(n sqlparser.SQLNode, cols []joinColumn, skip map[string]bool) error {
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.ColName:
			if !n.Qualifier.IsEmpty() || bad != nil || skip[n.Name.Lowered()] {
				return false, nil
			}
			var found []joinColumn
			for _, c := range cols {
				if strings.EqualFold(c.name, n.Name.String()) {
					found = append(found, c)
				}
			}
			switch len(found) {
			case 0:
				if skip == nil {
					bad = planErrorf("unknown column %s", n.Name.String())
				}
			case 1:
				n.Qualifier = sqlparser.TableName{Name: sqlparser.NewTableIdent(found[0].table)}
			default:
				bad = planErrorf("ambiguous column name: %s", n.Name.String())
			}
			return false, nil
		}
		return true, nil
	}, n)
	return bad
}

// from rewrites a FROM item and returns the columns of its rows.
func (q *joinQualifier) from(te sqlparser.TableExpr) (sqlparser.TableExpr, []joinColumn, error) {
	switch te := te.(type) {
	case *sqlparser.AliasedTableExpr:
		if _, ok := te.Expr.(*sqlparser.Subquery); ok {
			cols, err := q.p.derivedJoinColumns(te, q.s)
			if err != nil {
				return nil, nil, err
			}
			q.cols[strings.ToLower(te.As.String())] = cols
			return te, cols, nil
		}
		tn, ok := te.Expr.(sqlparser.TableName)
		if !ok {
			return nil, nil, joinRefusal("table expression %s in a join of tables on different shards", sqlparser.String(te))
		}
		name := tn.Name.String()
		if !te.As.IsEmpty() {
			name = te.As.String()
		}
		vt, err := q.p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), q.s.Keyspace)
		if err != nil {
			return nil, nil, err
		}
		names, err := q.p.tableColumns(vt)
		if err != nil {
			return nil, nil, err
		}
		cols := make([]joinColumn, len(names))
		for i, n := range names {
			cols[i] = joinColumn{table: name, name: n}
		}
		q.cols[strings.ToLower(name)] = cols
		return te, cols, nil
	case *sqlparser.ParenTableExpr:
		// SQLite reads a join in parentheses beside other tables as a
		// subquery (one alone is the FROM as written).
		group := q.eng == eval.SQLite && te != q.whole
		if _, isJoin := te.Exprs[0].(*sqlparser.JoinTableExpr); !isJoin && len(te.Exprs) == 1 {
			group = false
		}
		if group && mergesColumns(te) {
			return nil, nil, joinRefusal("on SQLite a join with USING or NATURAL in parentheses, %s, has its columns ordered and named as a subquery's: write it with ON", sqlparser.String(te))
		}
		var all []joinColumn
		for i, e := range te.Exprs {
			out, cols, err := q.from(e)
			if err != nil {
				return nil, nil, err
			}
			te.Exprs[i] = out
			all = append(all, cols...)
		}
		if group {
			q.showGroup(all)
		}
		return te, all, nil
	case *sqlparser.JoinTableExpr:
		return q.join(te)
	}
	return nil, nil, joinRefusal("table expression %s", sqlparser.String(te))
}

// join rewrites one JOIN: NATURAL and USING to ON, RIGHT to LEFT.
func (q *joinQualifier) join(te *sqlparser.JoinTableExpr) (sqlparser.TableExpr, []joinColumn, error) {
	l, lcols, err := q.from(te.LeftExpr)
	if err != nil {
		return nil, nil, err
	}
	r, rcols, err := q.from(te.RightExpr)
	if err != nil {
		return nil, nil, err
	}
	te.LeftExpr, te.RightExpr = l, r
	kind := te.Join
	using := te.Condition.Using
	switch kind {
	case sqlparser.NaturalJoinStr, sqlparser.NaturalLeftJoinStr, sqlparser.NaturalRightJoinStr:
		kind = map[string]string{sqlparser.NaturalJoinStr: sqlparser.JoinStr, sqlparser.NaturalLeftJoinStr: sqlparser.LeftJoinStr, sqlparser.NaturalRightJoinStr: sqlparser.RightJoinStr}[kind]
		using = nil
		for _, lc := range lcols {
			for _, rc := range rcols {
				if strings.EqualFold(lc.name, rc.name) {
					using = append(using, sqlparser.NewColIdent(lc.name))
					break
				}
			}
		}
	}
	cols := append(append([]joinColumn{}, lcols...), rcols...)
	if using != nil || kind != te.Join {
		var on []sqlparser.Expr
		var merged []joinColumn
		for _, u := range using {
			li, err := onlyColumn(lcols, u.String())
			if err != nil {
				return nil, nil, err
			}
			ri, err := onlyColumn(rcols, u.String())
			if err != nil {
				return nil, nil, err
			}
			on = append(on, &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: qualified(lcols[li]), Right: qualified(rcols[ri])})
			// The one column is the preserved side's.
			keep := lcols[li]
			if kind == sqlparser.RightJoinStr {
				keep = rcols[ri]
			}
			merged = append(merged, keep)
			rcols = append(rcols[:ri:ri], rcols[ri+1:]...)
			if q.eng == eval.PostgreSQL {
				lcols = append(lcols[:li:li], lcols[li+1:]...)
			} else {
				lcols = append(lcols[:li:li], append([]joinColumn{keep}, lcols[li+1:]...)...)
			}
		}
		if q.eng == eval.PostgreSQL {
			cols = append(append(merged, lcols...), rcols...)
		} else {
			cols = append(append([]joinColumn{}, lcols...), rcols...)
		}
		te.Condition = sqlparser.JoinCondition{}
		if len(on) > 0 {
			te.Condition.On = andAll(on)
		} else if kind != sqlparser.JoinStr {
			te.Condition.On = &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: sqlparser.NewIntVal([]byte("1")), Right: sqlparser.NewIntVal([]byte("1"))}
		}
		te.Join = kind
	}
	if te.Condition.On != nil {
		if err := q.qualify(te.Condition.On, cols, nil); err != nil {
			return nil, nil, err
		}
	}
	if te.Join == sqlparser.RightJoinStr {
		// A join on the left becomes the nullable join of a LEFT JOIN
		// (see join_nested.go), in parentheses.
		left := te.LeftExpr
		if _, isJoin := left.(*sqlparser.JoinTableExpr); isJoin {
			left = &sqlparser.ParenTableExpr{Exprs: sqlparser.TableExprs{left}}
		}
		te.LeftExpr, te.RightExpr, te.Join = te.RightExpr, left, sqlparser.LeftJoinStr
	}
	return te, cols, nil
}

// onlyColumn returns the position of the one column of a name.
func onlyColumn(cols []joinColumn, name string) (int, error) {
	at := -1
	for i, c := range cols {
		if strings.EqualFold(c.name, name) {
			if at >= 0 {
				return 0, planErrorf("ambiguous column name: %s", name)
			}
			at = i
		}
	}
	if at < 0 {
		return 0, planErrorf("cannot join using column %s: it does not exist on both sides", name)
	}
	return at, nil
}

// tableColumns returns a table's columns: the VSchema's declared ones,
// else what `SELECT * FROM t WHERE 1 = 0` on its first shard returns.
func (p *Planner) tableColumns(vt *vschema.Table) ([]string, error) {
	if len(vt.Columns) > 0 {
		names := make([]string, len(vt.Columns))
		for i, c := range vt.Columns {
			names[i] = c.Name
		}
		return names, nil
	}
	shards := p.topo.Shards(vt.Keyspace.Name)
	if len(shards) == 0 {
		return nil, planErrorf("keyspace %q has no shards", vt.Keyspace.Name)
	}
	sh := shards[0]
	if sh.Backend == nil || sh.Backend.DB == nil {
		return nil, unsupportedf("the columns of %s are not declared in the VSchema and shard %s has no database to tell: qualify the columns and name them", vt.Name, sh)
	}
	from := sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: sqlparser.TableName{Name: sqlparser.NewTableIdent(vt.Name)}}}
	types, err := probeColumnTypes(sh, &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.StarExpr{}}, From: from}, 0)
	if err != nil {
		return nil, planErrorf("reading the columns of %s on shard %s: %v", vt.Name, sh, err)
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.Name()
	}
	return names, nil
}
