package route

import (
	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// An outer column that is itself a select item of a subquery bound per
// outer tuple (`SELECT u.ref FROM orders o WHERE …`) becomes a bare
// placeholder in the select list, which PostgreSQL types as text: the
// subquery would then yield text where one database yields the column's
// own type (and `x IN (SELECT u.ref …)` would compare text with a
// number). typeOuterItems casts each such placeholder to the outer
// column's type, as the outer statement's first shard reports it; a
// column whose type it cannot learn (the outer FROM is not one shard
// statement, or the type is not a plain name) is refused as before.

// typeOuterItems rewrites, in sel (a copy the caller owns), each select
// item that is an outer column into NativeCast(column, its type), on the
// SELECTs of a UNION too. outer is the FROM of the outer statement, nil
// when unknown; it returns the first item it could not type, or nil.
func (p *Planner) typeOuterItems(sel sqlparser.SelectStatement, inner map[string]bool, outer sqlparser.TableExprs, s *Session, nargs int) *sqlparser.ColName {
	switch st := sel.(type) {
	case *sqlparser.Union:
		if c := p.typeOuterItems(st.Left, inner, outer, s, nargs); c != nil {
			return c
		}
		return p.typeOuterItems(st.Right, inner, outer, s, nargs)
	case *sqlparser.ParenSelect:
		return p.typeOuterItems(st.Select, inner, outer, s, nargs)
	case *sqlparser.Select:
		for _, se := range st.SelectExprs {
			ae, ok := se.(*sqlparser.AliasedExpr)
			if !ok {
				continue
			}
			c, ok := ae.Expr.(*sqlparser.ColName)
			if !ok || !outerColumnsIn(c, inner) {
				continue
			}
			t := p.outerColumnType(c, outer, s, nargs)
			if t == "" {
				return c
			}
			if ae.As.IsEmpty() {
				ae.As = c.Name
			}
			ae.Expr = dialect.NativeCast(c, t)
		}
	}
	return nil
}

// outerColumnType is the type the first shard of the outer statement's
// first table reports for column c of the outer FROM, "" when it cannot
// tell.
func (p *Planner) outerColumnType(c *sqlparser.ColName, outer sqlparser.TableExprs, s *Session, nargs int) string {
	if outer == nil {
		return ""
	}
	tables, err := p.fromTables(outer, s)
	if err != nil || len(tables) == 0 {
		return ""
	}
	shards := p.topo.Shards(tables[0].Keyspace.Name)
	if len(shards) == 0 || shards[0].Backend == nil || shards[0].Backend.DB == nil {
		return ""
	}
	probe := &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier}}}, From: outer}
	types, err := probeColumnTypes(shards[0], probe, nargs)
	if err != nil || len(types) != 1 {
		return ""
	}
	if t := types[0].DatabaseTypeName(); dialect.PlainTypeName(t) {
		return t
	}
	return ""
}
