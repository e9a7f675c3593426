package dialect

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// selectStmt renders a SELECT. MySQL's FROM dual disappears, LIMIT o, n
// becomes LIMIT n OFFSET o (so its placeholders swap places), index hints
// and SQL_NO_CACHE/STRAIGHT_JOIN hints go, and the row locks become the
// dialect's: none on SQLite (a writer locks the whole database), FOR
// UPDATE / FOR SHARE on PostgreSQL.
func (r *renderer) selectStmt(s *sqlparser.Select) {
	top, scope, in, grouped := r.top, r.scope, r.inClause, r.grouped
	defer func() { r.top, r.scope, r.inClause, r.grouped = top, scope, in, grouped }()
	r.top, r.scope, r.inClause = false, nil, clauseOther
	r.grouped = len(s.GroupBy) > 0 || selectsAggregate(s.SelectExprs)
	if top {
		r.scope = newAliasScope(s.SelectExprs)
	}

	r.write("SELECT ")
	if s.Distinct != "" {
		r.write("DISTINCT ")
	}
	r.selectExprs(s.SelectExprs, top)
	if !isDual(s.From) {
		r.write(" FROM ")
		r.tableExprs(s.From)
	}
	if s.Where != nil && s.Where.Expr != nil {
		r.write(" WHERE ")
		r.cond(s.Where.Expr)
	}
	if len(s.GroupBy) > 0 {
		r.inClause = clauseGroupBy
		r.write(" GROUP BY ")
		for i, e := range s.GroupBy {
			if i > 0 {
				r.write(", ")
			}
			r.value(e)
		}
	}
	if s.Having != nil && s.Having.Expr != nil {
		r.inClause = clauseHaving
		r.write(" HAVING ")
		r.cond(s.Having.Expr)
	}
	r.inClause = clauseOrderBy
	r.orderBy(s.OrderBy)
	r.inClause = clauseOther
	r.limit(s.Limit)
	r.lock(s.Lock)
}

// newAliasScope collects the output names of the outermost select list:
// explicit aliases, and bare columns written with capitals (which keep
// their spelling as output names, as MySQL reports them).
func newAliasScope(exprs sqlparser.SelectExprs) *aliasScope {
	sc := &aliasScope{names: map[string]outputName{}}
	for _, se := range exprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			continue
		}
		if !ae.As.IsEmpty() {
			name := ae.As.String()
			if _, dup := sc.names[strings.ToLower(name)]; !dup {
				sc.names[strings.ToLower(name)] = outputName{spelling: name, expr: ae.Expr}
			}
			continue
		}
		if col, ok := ae.Expr.(*sqlparser.ColName); ok {
			name := col.Name.String()
			if _, dup := sc.names[strings.ToLower(name)]; !dup && foldIdent(name) != name {
				sc.names[strings.ToLower(name)] = outputName{spelling: name, expr: col}
			}
		}
	}
	return sc
}

func isDual(from sqlparser.TableExprs) bool {
	if len(from) != 1 {
		return false
	}
	t, ok := from[0].(*sqlparser.AliasedTableExpr)
	if !ok || !t.As.IsEmpty() {
		return false
	}
	name, ok := t.Expr.(sqlparser.TableName)
	return ok && name.Qualifier.IsEmpty() && strings.EqualFold(name.Name.String(), "dual")
}

func (r *renderer) selectExprs(exprs sqlparser.SelectExprs, top bool) {
	if len(exprs) == 0 {
		r.fail(errorf("empty select list"))
		return
	}
	for i, se := range exprs {
		if i > 0 {
			r.write(", ")
		}
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			if !se.TableName.IsEmpty() {
				r.tableName(se.TableName)
				r.write(".")
			}
			r.write("*")
		case *sqlparser.AliasedExpr:
			if top {
				r.outputValue(se.Expr)
			} else {
				// A bare placeholder in a select list is text to PostgreSQL.
				r.textValue(se.Expr)
			}
			switch {
			case !se.As.IsEmpty() && top:
				r.write(" AS ")
				r.exactIdent(se.As.String())
			case !se.As.IsEmpty():
				r.write(" AS ")
				r.ident(se.As.String())
			case top:
				if col, ok := se.Expr.(*sqlparser.ColName); ok && foldIdent(col.Name.String()) != col.Name.String() {
					r.write(" AS ")
					r.exactIdent(col.Name.String())
				}
			}
		case sqlparser.Nextval:
			r.unsupported("NEXT VALUES (sequences are the router's)")
		default:
			r.fail(errorf("unexpected select expression %T", se))
		}
	}
}

// union renders UNION [ALL]. SQLite allows neither parentheses around the
// members of a compound SELECT nor ORDER BY/LIMIT inside one, so on SQLite
// a parenthesized member loses its parentheses when it has neither, and
// becomes SELECT * FROM (…) otherwise.
func (r *renderer) union(u *sqlparser.Union) {
	top, scope, in := r.top, r.scope, r.inClause
	defer func() { r.top, r.scope, r.inClause = top, scope, in }()
	r.scope, r.inClause = nil, clauseOther

	r.top = top
	r.unionMember(u.Left)
	switch u.Type {
	case sqlparser.UnionAllStr:
		r.write(" UNION ALL ")
	case sqlparser.UnionStr, sqlparser.UnionDistinctStr:
		r.write(" UNION ")
	default:
		r.unsupported(u.Type)
	}
	r.top = top
	r.unionMember(u.Right)
	r.top = false
	if top {
		if first := firstSelect(u); first != nil {
			r.scope = newAliasScope(first.SelectExprs)
		}
	}
	r.inClause = clauseOrderBy
	r.orderBy(u.OrderBy)
	r.inClause = clauseOther
	r.limit(u.Limit)
	r.lock(u.Lock)
}

func firstSelect(s sqlparser.SelectStatement) *sqlparser.Select {
	for {
		switch n := s.(type) {
		case *sqlparser.Select:
			return n
		case *sqlparser.Union:
			s = n.Left
		case *sqlparser.ParenSelect:
			s = n.Select
		default:
			return nil
		}
	}
}

func (r *renderer) unionMember(s sqlparser.SelectStatement) {
	p, ok := s.(*sqlparser.ParenSelect)
	if !ok || r.d != SQLite {
		r.node(s)
		return
	}
	if inner, ok := p.Select.(*sqlparser.Select); ok && len(inner.OrderBy) == 0 && inner.Limit == nil {
		r.node(inner)
		return
	}
	r.write("SELECT * FROM (")
	r.node(p.Select)
	r.write(")")
}

func (r *renderer) tableExprs(exprs sqlparser.TableExprs) {
	for i, te := range exprs {
		if i > 0 {
			r.write(", ")
		}
		r.node(te)
	}
}

func (r *renderer) aliasedTable(t *sqlparser.AliasedTableExpr) {
	if len(t.Partitions) > 0 {
		r.unsupported("PARTITION selection")
		return
	}
	r.node(t.Expr) // TableName or *Subquery
	if !t.As.IsEmpty() {
		r.write(" AS ")
		r.ident(t.As.String())
	}
	// Index hints (USE/FORCE/IGNORE INDEX) name MySQL indexes: dropped.
}

// tableName writes [qualifier.]name. The router strips keyspace
// qualifiers; one left here names a schema of the backend.
func (r *renderer) tableName(t sqlparser.TableName) {
	if t.Name.IsEmpty() {
		r.fail(errorf("missing table name"))
		return
	}
	if !t.Qualifier.IsEmpty() {
		r.ident(t.Qualifier.String())
		r.write(".")
	}
	r.ident(t.Name.String())
}

func (r *renderer) join(j *sqlparser.JoinTableExpr) {
	r.node(j.LeftExpr)
	cond := j.Condition.On != nil || len(j.Condition.Using) > 0
	switch j.Join {
	case sqlparser.JoinStr, sqlparser.StraightJoinStr:
		if cond {
			r.write(" JOIN ")
		} else {
			r.write(" CROSS JOIN ")
		}
	case sqlparser.LeftJoinStr:
		r.write(" LEFT JOIN ")
	case sqlparser.RightJoinStr:
		r.write(" RIGHT JOIN ")
	case sqlparser.NaturalJoinStr:
		r.write(" NATURAL JOIN ")
	case sqlparser.NaturalLeftJoinStr:
		r.write(" NATURAL LEFT JOIN ")
	case sqlparser.NaturalRightJoinStr:
		r.write(" NATURAL RIGHT JOIN ")
	default:
		r.unsupported(j.Join)
		return
	}
	r.node(j.RightExpr)
	if j.Condition.On != nil {
		r.write(" ON ")
		r.cond(j.Condition.On)
	}
	if len(j.Condition.Using) > 0 {
		r.write(" USING ")
		r.columnList(j.Condition.Using)
	}
}

func (r *renderer) columnList(cols sqlparser.Columns) {
	r.write("(")
	for i, c := range cols {
		if i > 0 {
			r.write(", ")
		}
		r.ident(c.String())
	}
	r.write(")")
}

// orderBy renders ORDER BY. MySQL sorts NULL first ascending and last
// descending, as SQLite does; PostgreSQL is told so explicitly.
func (r *renderer) orderBy(ob sqlparser.OrderBy) {
	if len(ob) > 0 {
		r.write(" ORDER BY ")
	}
	r.orderTerms(ob)
}

// orderTerms renders the terms of an ORDER BY, comma-separated.
func (r *renderer) orderTerms(ob sqlparser.OrderBy) {
	for i, o := range ob {
		if i > 0 {
			r.write(", ")
		}
		if o == nil {
			r.fail(errorf("missing ORDER BY expression"))
			return
		}
		if _, ok := o.Expr.(*sqlparser.NullVal); ok {
			r.write("NULL")
			continue
		}
		r.value(o.Expr)
		if f, ok := o.Expr.(*sqlparser.FuncExpr); ok && f.Name.Lowered() == "rand" {
			continue
		}
		desc := o.Direction == sqlparser.DescScr
		switch {
		case desc && r.d == PostgreSQL:
			r.write(" DESC NULLS LAST")
		case desc:
			r.write(" DESC")
		case r.d == PostgreSQL:
			r.write(" ASC NULLS FIRST")
		default:
			r.write(" ASC")
		}
	}
}

func (r *renderer) limit(l *sqlparser.Limit) {
	if l == nil {
		return
	}
	if l.Rowcount == nil {
		r.fail(errorf("LIMIT without a row count"))
		return
	}
	r.write(" LIMIT ")
	r.value(l.Rowcount)
	if l.Offset != nil {
		r.write(" OFFSET ")
		r.value(l.Offset)
	}
}

func (r *renderer) lock(lock string) {
	if r.d == SQLite {
		return
	}
	switch lock {
	case "":
	case sqlparser.ForUpdateStr:
		r.write(" FOR UPDATE")
	case sqlparser.ShareModeStr:
		r.write(" FOR SHARE")
	default:
		r.unsupported("lock clause" + lock)
	}
}

func selectsAggregate(exprs sqlparser.SelectExprs) bool {
	for _, se := range exprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && hasAggregate(ae.Expr) {
			return true
		}
	}
	return false
}
