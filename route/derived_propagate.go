package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// readsShardedTable reports whether a statement names a table of a
// sharded keyspace: one shard answers every other statement as written,
// and its conditions stay where they are written.
func (p *Planner) readsShardedTable(sel *sqlparser.Select, s *Session) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if ate, ok := n.(*sqlparser.AliasedTableExpr); ok {
			if tn, ok := ate.Expr.(sqlparser.TableName); ok {
				if t, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace); err == nil && t.Keyspace.Sharded {
					found = true
				}
			}
		}
		return !found, nil
	}, sel)
	return found
}

// pushIntoDerived moves the conjuncts of a SELECT's WHERE that read only
// plain columns of its one derived table into the derived table's own
// WHERE, over the columns they name there, so they filter the rows before
// its grouping or merge and route it by its vindex columns:
//
//	SELECT * FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) AS t WHERE t.item_id = 5
//	  → SELECT * FROM (SELECT item_id, COUNT(*) AS n FROM item_tags WHERE item_id = 5 GROUP BY item_id) AS t
//
// A condition moves only where it keeps the derived table's rows that
// pass it the same: the derived SELECT has no LIMIT and is no UNION, it
// groups (or aggregates) only when every column the condition reads is a
// grouping column, every column it reads is a PARTITION BY term of each
// of the derived SELECT's windows (so it keeps or drops whole
// partitions), and the condition holds no subquery or aggregate. The
// derived tables under the derived table get the same in turn.
func pushIntoDerived(sel *sqlparser.Select) {
	ate := derivedFrom(sel)
	if ate == nil || sel.Where == nil {
		return
	}
	inner, ok := ate.Expr.(*sqlparser.Subquery).Select.(*sqlparser.Select)
	if !ok || inner.Limit != nil || inner.Lock != "" {
		return
	}
	alias := ate.As.String()
	var kept, moved []sqlparser.Expr
	for _, cond := range splitAnd(sel.Where.Expr) {
		// derivedCondition may rewrite the names of the condition it is
		// given: a condition that stays keeps its own.
		if e, ok := derivedCondition(cloneExpr(cond), alias, inner); ok && partitionsHold(inner, e) {
			moved = append(moved, e)
		} else {
			kept = append(kept, cond)
		}
	}
	if len(moved) == 0 {
		return
	}
	for _, e := range moved {
		if inner.Where == nil || inner.Where.Expr == nil {
			inner.Where = sqlparser.NewWhere(sqlparser.WhereStr, e)
			continue
		}
		inner.Where.Expr = &sqlparser.AndExpr{Left: parenOr(inner.Where.Expr), Right: parenOr(e)}
	}
	sel.Where = nil
	if len(kept) > 0 {
		sel.Where = sqlparser.NewWhere(sqlparser.WhereStr, joinAnd(kept))
	}
	pushIntoDerived(inner)
}

// partitionsHold reports a condition over a derived SELECT's columns
// that keeps or drops whole partitions of each of its windows: every
// column it reads is a PARTITION BY term of every window. Moved under
// any other window, it would change the window's rows.
func partitionsHold(inner *sqlparser.Select, cond sqlparser.Expr) bool {
	calls := windowsIn(inner.SelectExprs, inner.OrderBy)
	if len(calls) == 0 {
		return true
	}
	held := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		c, ok := n.(*sqlparser.ColName)
		if !ok {
			return held, nil
		}
		for _, f := range calls {
			w, _ := dialect.WindowOf(f)
			in := false
			for _, e := range w.Partition {
				if pc, ok := e.(*sqlparser.ColName); ok && pc.Name.Equal(c.Name) && (pc.Qualifier.IsEmpty() || c.Qualifier.IsEmpty() || pc.Qualifier == c.Qualifier) {
					in = true
				}
			}
			held = held && in
		}
		return held, nil
	}, cond)
	return held
}

// derivedCondition returns cond over the columns of the derived SELECT
// inner (aliased alias) that its names read, when it may move there (see
// pushIntoDerived).
func derivedCondition(cond sqlparser.Expr, alias string, inner *sqlparser.Select) (sqlparser.Expr, bool) {
	if exprHasSubquery(cond) || hasAggregateExpr(cond) {
		return nil, false
	}
	aggregating := len(inner.GroupBy) > 0 || hasAggregate(inner.SelectExprs) || inner.Having != nil
	// Every name must read a column the condition can read inside; only
	// then is it rewritten.
	sources := map[*sqlparser.ColName]*sqlparser.ColName{}
	ok := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		c, isCol := n.(*sqlparser.ColName)
		if !isCol || !ok {
			return ok, nil
		}
		if !c.Qualifier.IsEmpty() && (!c.Qualifier.Qualifier.IsEmpty() || !strings.EqualFold(c.Qualifier.Name.String(), alias)) {
			ok = false
			return false, nil
		}
		col, found := derivedSource(inner, c.Name.String())
		if !found || aggregating && !isGroupingColumn(inner, col) {
			ok = false
			return false, nil
		}
		sources[c] = col
		return true, nil
	}, cond)
	if !ok || len(sources) == 0 {
		return nil, false
	}
	return rewriteExpr(cond, func(e sqlparser.Expr) sqlparser.Expr {
		col := sources[e.(*sqlparser.ColName)]
		return &sqlparser.ColName{Name: col.Name, Qualifier: col.Qualifier}
	}), true
}

// derivedSource returns the column of the derived SELECT inner that its
// output column name is: a plain column item named so (by its alias or
// its own name), or a column of its one table under a *.
func derivedSource(inner *sqlparser.Select, name string) (*sqlparser.ColName, bool) {
	var found *sqlparser.ColName
	star := false
	for _, se := range inner.SelectExprs {
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			star = true
		case *sqlparser.AliasedExpr:
			out := se.As.String()
			c, isCol := se.Expr.(*sqlparser.ColName)
			if out == "" && isCol {
				out = c.Name.String()
			}
			if !strings.EqualFold(out, name) {
				continue
			}
			if found != nil || !isCol {
				// Two columns of the name, or a computed one.
				return nil, false
			}
			found = c
		default:
			return nil, false
		}
	}
	if star {
		// Under *, the name may also be a column of the tables: only one
		// table without a name of its own among the items is certain.
		if found != nil || len(inner.From) != 1 {
			return nil, false
		}
		ate, ok := inner.From[0].(*sqlparser.AliasedTableExpr)
		if !ok {
			return nil, false
		}
		if _, isTable := ate.Expr.(sqlparser.TableName); !isTable {
			return nil, false
		}
		return &sqlparser.ColName{Name: sqlparser.NewColIdent(name)}, true
	}
	return found, found != nil
}

// isGroupingColumn reports whether c is one of the GROUP BY terms of sel,
// as written or by the position of a select item that is c.
func isGroupingColumn(sel *sqlparser.Select, c *sqlparser.ColName) bool {
	text := sqlparser.String(c)
	for _, g := range sel.GroupBy {
		if sqlparser.String(g) == text {
			return true
		}
		if v, ok := g.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			n, err := strconv.Atoi(string(v.Val))
			if err != nil || n < 1 || n > len(sel.SelectExprs) {
				continue
			}
			if ae, ok := sel.SelectExprs[n-1].(*sqlparser.AliasedExpr); ok && sqlparser.String(ae.Expr) == text {
				return true
			}
		}
	}
	return false
}

// parenOr wraps an OR in parentheses, which an AND of it needs.
func parenOr(e sqlparser.Expr) sqlparser.Expr {
	if _, ok := e.(*sqlparser.OrExpr); ok {
		return &sqlparser.ParenExpr{Expr: e}
	}
	return e
}

// joinAnd is the AND of conditions.
func joinAnd(conds []sqlparser.Expr) sqlparser.Expr {
	out := parenOr(conds[0])
	if len(conds) == 1 {
		return conds[0]
	}
	for _, c := range conds[1:] {
		out = &sqlparser.AndExpr{Left: out, Right: parenOr(c)}
	}
	return out
}
