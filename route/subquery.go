package route

import (
	"context"
	"errors"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// subqueryPlan answers a SELECT without tables whose subqueries read
// tables that no one shard holds whole (a scatter, several keyspaces):
// each subquery runs once as a statement of its own, planned as any
// SELECT, and the router computes the select list and the WHERE over
// their values (Vitess's uncorrelated subquery, with a projection on top).
//
//	SELECT (SELECT COUNT(*) FROM a) + (SELECT COUNT(*) FROM b)
//	  project: col0 + col1
//	    subquery row: [scalar SELECT COUNT(*) FROM a] [scalar SELECT COUNT(*) FROM b]
type subqueryPlan struct {
	subs  []planSubquery
	eng   eval.Engine
	where *mergeValue
	items []*mergeValue
	names []string
	nargs int
	// severalRows runs the statement when a scalar subquery has several
	// rows on PostgreSQL, which fails only where it evaluates it: with
	// the subqueries bound, on one shard (see planTablelessBound).
	severalRows Plan
}

// planSubquery is one subquery of a subqueryPlan.
type planSubquery struct {
	kind merge.SubqueryKind
	plan Plan
	text string
	// decided is set when the plan's first row is one database's first
	// (see firstRowDecided).
	decided bool
}

// newPlanSubquery plans a subquery's SELECT.
func (p *Planner) newPlanSubquery(kind merge.SubqueryKind, sel sqlparser.SelectStatement, text string, s *Session, nargs int) (planSubquery, error) {
	plan, err := p.planSelect(sel, s, nargs)
	if err != nil {
		return planSubquery{}, err
	}
	return planSubquery{kind: kind, plan: plan, text: text, decided: firstRowDecided(sel, plan)}, nil
}

// open is the merge's subquery that runs the plan.
func (sq planSubquery) open(ctx context.Context, vc Cursor, args []any) merge.Subquery {
	plan := sq.plan
	return merge.Subquery{Name: sq.text, Kind: sq.kind, FirstDecided: sq.decided, Open: func() (merge.Iterator, error) {
		return plan.Query(ctx, vc, args)
	}}
}

// firstRowDecided reports whether a subquery's first row is the one a
// database holding every row takes first: the subquery orders its rows,
// or its plan sends it whole to one shard.
func firstRowDecided(sel sqlparser.SelectStatement, pl Plan) bool {
	switch s := sel.(type) {
	case *sqlparser.Select:
		if len(s.OrderBy) > 0 {
			return true
		}
	case *sqlparser.Union:
		if len(s.OrderBy) > 0 {
			return true
		}
	case *sqlparser.ParenSelect:
		return firstRowDecided(s.Select, pl)
	}
	sp, ok := pl.(*selectPlan)
	return ok && sp.routing.single() && len(sp.sameShard) == 0 && sp.apart == nil
}

// scalarRefusal reports a scalar subquery whose several values SQLite
// would choose among by an order the shards do not share as unsupported.
func scalarRefusal(err error) error {
	if errors.Is(err, merge.ErrSubqueryRowOrder) {
		return unsupportedf("uncorrelated scalar subquery over several shards: %v: order its rows (ORDER BY … LIMIT 1) or select one value", err)
	}
	return err
}

var _ Plan = (*subqueryPlan)(nil)

func (sp *subqueryPlan) NumArgs() int { return sp.nargs }

func (sp *subqueryPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	subs := make([]merge.Subquery, len(sp.subs))
	for i, sq := range sp.subs {
		subs[i] = sq.open(ctx, vc, args)
	}
	var it merge.Iterator
	it, err := merge.SubqueryRow(subs, sp.eng)
	if errors.Is(err, merge.ErrSubqueryRows) && sp.severalRows != nil {
		return sp.severalRows.Query(ctx, vc, args)
	}
	if err != nil {
		return nil, scalarRefusal(err)
	}
	if sp.where != nil {
		pred, err := sp.where.expr(args)
		if err != nil {
			return nil, err
		}
		it = merge.NewFilter(it, pred, sp.eng)
	}
	outs := make([]merge.ProjectColumn, len(sp.items))
	for i, v := range sp.items {
		x, err := v.expr(args)
		if err != nil {
			it.Close()
			return nil, err
		}
		outs[i] = merge.ProjectColumn{Name: sp.names[i], Expr: x}
	}
	return merge.NewProject(it, outs, sp.eng), nil
}

func (sp *subqueryPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, sp, vc, args)
}

// Explain shows the operators over the shard statements of every
// subquery.
func (sp *subqueryPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	inputs := make([][]ExplainRow, len(sp.subs))
	for i, sq := range sp.subs {
		rows, err := sq.plan.Explain(ctx, vc, args)
		if err != nil {
			return nil, err
		}
		inputs[i] = rows
	}
	return sp.explainTree(inputs), nil
}

// hasSubquery reports a subquery in a SELECT's select list or WHERE.
func hasSubquery(st *sqlparser.Select) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if _, ok := n.(*sqlparser.Subquery); ok {
			found = true
		}
		return !found, nil
	}, st.SelectExprs, st.Where)
	return found
}

// planTablelessSubqueries plans a SELECT without tables that has
// subqueries. When every table they read is on one shard (an unsharded
// or reference keyspace, a vindex point), the statement goes there whole;
// otherwise each subquery runs on its own (subqueryPlan). ok is false
// when the subqueries read no table.
func (p *Planner) planTablelessSubqueries(st *sqlparser.Select, s *Session, nargs int) (Plan, bool, error) {
	// Routing the statement as one rewrites its conditions: the
	// subqueries run on their own from a copy.
	c, err := cloneSelect(st)
	if err != nil {
		return nil, true, err
	}
	a := newAnalysis(p, s)
	top, err := a.selectScope(st, nil, true)
	if err != nil {
		return nil, true, err
	}
	if len(a.tables) == 0 {
		return nil, false, nil
	}
	if _, kerr := a.keyspace(); kerr == nil {
		if r, same, rerr := a.route(top); rerr == nil && r.single() && len(same) == 0 {
			stripQualifiers(st, r.keyspace)
			nameColumns(st)
			sp := &selectPlan{p: p, routing: r, nargs: nargs, stmt: newShardStmt(st), names: longNames(st)}
			// The subqueries find no row where the conditions contradict:
			// the statement still has its one row.
			sp.impossible = sp.stmt
			return sp, true, nil
		}
	}
	if x, y := p.mixedBackends(a.tables); x != nil {
		return nil, true, unsupportedf("SELECT without tables over subqueries on %s and %s, whose backends compute values by different rules: run the subqueries apart", x, y)
	}
	text := sqlparser.String(c)
	ks := a.tables[0].table.Keyspace
	eng := p.engineOfKeyspace(ks)
	pl, err := p.planTablelessAtRouter(c.(*sqlparser.Select), s, nargs, eng)
	var unsupported *UnsupportedError
	if errors.As(err, &unsupported) {
		pl, err = p.planTablelessBound(text, s, nargs, ks)
	} else if sp, ok := pl.(*subqueryPlan); ok && eng == eval.PostgreSQL {
		sp.severalRows, _ = p.planTablelessBound(text, s, nargs, ks)
	}
	return pl, true, err
}

// planTablelessAtRouter plans a SELECT without tables over subqueries on
// several shards as a subqueryPlan: the router computes its select list
// and WHERE over the subqueries' values.
func (p *Planner) planTablelessAtRouter(st *sqlparser.Select, s *Session, nargs int, eng eval.Engine) (Plan, error) {
	if st.GroupBy != nil || st.Having != nil || st.OrderBy != nil || st.Limit != nil || st.Distinct != "" {
		return nil, unsupportedf("SELECT without tables with GROUP BY, HAVING, ORDER BY, LIMIT or DISTINCT over subqueries on several shards")
	}
	nameColumns(st)
	sp := &subqueryPlan{eng: eng, nargs: nargs}
	b := &mergeBuilder{m: &mergePlan{}, eng: sp.eng, subqueries: map[sqlparser.Expr]int{}}
	add := func(e sqlparser.Expr, sq *sqlparser.Subquery, kind merge.SubqueryKind) error {
		ps, err := p.newPlanSubquery(kind, sq.Select, sqlparser.String(e), s, nargs)
		if err != nil {
			return err
		}
		b.subqueries[e] = len(sp.subs)
		sp.subs = append(sp.subs, ps)
		return nil
	}
	var perr error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if perr != nil {
			return false, nil
		}
		switch n := n.(type) {
		case *sqlparser.ExistsExpr:
			perr = add(n, n.Subquery, merge.ExistsSubquery)
			return false, nil
		case *sqlparser.ComparisonExpr:
			if _, ok := n.Right.(*sqlparser.Subquery); ok && (n.Operator == sqlparser.InStr || n.Operator == sqlparser.NotInStr) {
				perr = unsupportedf("%s over several shards in a SELECT without tables", sqlparser.String(n))
				return false, nil
			}
		case *sqlparser.Subquery:
			perr = add(n, n, merge.ScalarSubquery)
			return false, nil
		}
		return true, nil
	}, st.SelectExprs, st.Where)
	if perr != nil {
		return nil, perr
	}
	for _, se := range st.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, unsupportedf("select item %s in a SELECT without tables", sqlparser.String(se))
		}
		v, err := b.compileValue(ae.Expr, clauseSelect)
		if err != nil {
			return nil, err
		}
		name := ae.As.String()
		if name == "" {
			name = sqlparser.String(ae.Expr)
		}
		sp.items = append(sp.items, v)
		sp.names = append(sp.names, name)
	}
	if st.Where != nil {
		v, err := b.compileCond(st.Where.Expr, clauseSelect)
		if err != nil {
			return nil, err
		}
		sp.where = v
	}
	return sp, nil
}

// maxIdentBytes is PostgreSQL's identifier length (NAMEDATALEN - 1): it
// cuts longer column names there, and the plans name such columns
// themselves.
const maxIdentBytes = 63
