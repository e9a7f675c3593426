package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// localValue computes a select expression without a database.
type localValue func(vc Cursor, args []any) (any, error)

// planTableless plans a SELECT without tables. When the router can compute
// every expression (literals, ?, DATABASE(), VERSION(), LAST_INSERT_ID(),
// @@version) it answers itself; otherwise the statement runs on one shard
// of the default keyspace.
func (p *Planner) planTableless(sel sqlparser.SelectStatement, s *Session, nargs int) (Plan, error) {
	st := sel.(*sqlparser.Select)
	if hasSubquery(st) {
		if pl, ok, err := p.planTablelessSubqueries(st, s, nargs); ok || err != nil {
			return pl, err
		}
	}
	var names []string
	var values []localValue
	local := st.Where == nil && st.Having == nil && len(st.GroupBy) == 0 && st.Limit == nil && len(st.OrderBy) == 0 && !hasDecimalLiteral(st.SelectExprs)
	for _, se := range st.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			local = false
			break
		}
		v := localExpr(ae.Expr)
		if v == nil {
			local = false
			break
		}
		name := ae.As.String()
		if name == "" {
			name = sqlparser.String(ae.Expr)
		}
		names = append(names, name)
		values = append(values, v)
	}
	if local {
		return &staticPlan{cols: names, nargs: nargs, run: func(vc Cursor, args []any) ([]merge.Row, error) {
			row := make(merge.Row, len(values))
			for i, v := range values {
				x, err := v(vc, args)
				if err != nil {
					return nil, err
				}
				row[i] = x
			}
			return []merge.Row{row}, nil
		}}, nil
	}
	ks := p.defaultKeyspace(s)
	if ks == nil {
		return nil, planErrorf("no keyspace to run %s on: USE a keyspace", sqlparser.String(sel))
	}
	sp := &selectPlan{p: p, routing: &routing{keyspace: ks, opcode: Reference}, nargs: nargs}
	sp.stmt = newShardStmt(sel)
	sp.impossible = sp.stmt
	return sp, nil
}

// defaultKeyspace is where statements without tables run: the session's
// keyspace, else the only keyspace, else the first unsharded one, else the
// first by name.
func (p *Planner) defaultKeyspace(s *Session) *vschema.Keyspace {
	if s.Keyspace != "" {
		return p.vs.Keyspace(s.Keyspace)
	}
	names := p.vs.KeyspaceNames()
	for _, n := range names {
		if !p.vs.Keyspace(n).Sharded {
			return p.vs.Keyspace(n)
		}
	}
	if len(names) > 0 {
		return p.vs.Keyspace(names[0])
	}
	return nil
}

func localExpr(e sqlparser.Expr) localValue {
	if v, ok := newValueExpr(e); ok {
		return func(_ Cursor, args []any) (any, error) { return v.eval(args) }
	}
	switch e := e.(type) {
	case *sqlparser.FuncExpr:
		if len(e.Exprs) != 0 || !e.Qualifier.IsEmpty() {
			return nil
		}
		switch e.Name.Lowered() {
		case "database", "schema":
			return func(vc Cursor, _ []any) (any, error) {
				if ks := vc.Session().Keyspace; ks != "" {
					return ks, nil
				}
				return nil, nil
			}
		case "version":
			return func(Cursor, []any) (any, error) { return Version, nil }
		case "last_insert_id":
			return func(vc Cursor, _ []any) (any, error) { return vc.Session().LastInsertID, nil }
		}
	case *sqlparser.ColName:
		switch strings.ToLower(e.Name.String()) {
		case "@@version", "@@session.version", "@@global.version":
			return func(Cursor, []any) (any, error) { return Version, nil }
		case "@@version_comment":
			return func(Cursor, []any) (any, error) { return "vitessdo", nil }
		}
	}
	return nil
}

// hasDecimalLiteral reports a decimal or exponent literal (1.5, 1e3)
// among select items: its type and value are the backend's (PostgreSQL's
// NUMERIC, as text; SQLite's REAL), which a shard gives and the router's
// own columns would not, so such a SELECT runs on a shard.
func hasDecimalLiteral(exprs sqlparser.SelectExprs) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if v, ok := n.(*sqlparser.SQLVal); ok && v.Type == sqlparser.FloatVal {
			found = true
		}
		return !found, nil
	}, exprs)
	return found
}
