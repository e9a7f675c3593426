package route

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// pulloutPlan runs a SELECT whose WHERE compares with uncorrelated scalar
// subqueries that cannot go to the outer statement's shards (Vitess's
// pulled-out subquery): each subquery runs first, once, as a statement of
// its own, and its value becomes one more bind argument of the outer
// statement, which is then planned and routed as any SELECT (so `id =
// (SELECT …)` even routes by the value).
//
//	SELECT id FROM users WHERE id > (SELECT AVG(id) FROM orders)
//	  outer: SELECT id FROM users WHERE id > :v1   (v1 = the subquery's value)
//	  subquery: SELECT AVG(id) FROM orders
//
// A subquery whose columns all resolve in its own tables is uncorrelated;
// one naming an outer table is left in place. An unqualified column that
// its tables lack makes the subquery, run alone, fail with the backend's
// error: it never silently takes another value.
//
// A PostgreSQL NUMERIC value (AVG, SUM, a decimal column) reaches the
// router as text, and PostgreSQL would type the placeholder after the
// column it is compared with (bigint, and reject "2.5"): the outer
// statement then casts that placeholder to DECIMAL(65, 30). Each
// combination of casts is planned once, when first needed.
type pulloutPlan struct {
	p     *Planner
	sess  Session
	subs  []planSubquery
	eng   eval.Engine
	nargs int
	// outerText is the outer statement, the subqueries replaced by
	// placeholders :v<nargs+1>….
	outerText string

	mu sync.Mutex
	// outers are the outer plans by cast signature (see signature).
	outers map[string]Plan
}

var _ Plan = (*pulloutPlan)(nil)

func (pp *pulloutPlan) NumArgs() int { return pp.nargs }

// outerArgs runs the subqueries and returns the outer statement's
// arguments, the user's then one value per subquery, and the cast
// signature of the values.
func (pp *pulloutPlan) outerArgs(ctx context.Context, vc Cursor, args []any) ([]any, string, error) {
	subs := make([]merge.Subquery, len(pp.subs))
	for i, sq := range pp.subs {
		plan := sq.plan
		subs[i] = merge.Subquery{Name: sq.text, Kind: sq.kind, Open: func() (merge.Iterator, error) {
			return plan.Query(ctx, vc, args)
		}}
	}
	it, err := merge.SubqueryRow(subs, pp.eng)
	if err != nil {
		return nil, "", err
	}
	defer it.Close()
	row, err := it.Next()
	if err != nil {
		return nil, "", err
	}
	sig := make([]byte, len(row))
	for i, c := range it.Columns() {
		sig[i] = '-'
		if _, text := row[i].(string); text && pp.eng == eval.PostgreSQL && strings.EqualFold(c.DatabaseType, "NUMERIC") {
			sig[i] = 'n'
		}
	}
	out := make([]any, 0, len(args)+len(row))
	out = append(out, args[:pp.nargs]...)
	return append(out, row...), string(sig), nil
}

// outer returns the outer plan for a cast signature, planning it the
// first time.
func (pp *pulloutPlan) outer(sig string) (Plan, error) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pl := pp.outers[sig]; pl != nil {
		return pl, nil
	}
	stmt, err := Parse(pp.outerText)
	if err != nil {
		return nil, err
	}
	sel, ok := stmt.(*sqlparser.Select)
	if !ok {
		return nil, planErrorf("outer statement %s is not a SELECT", pp.outerText)
	}
	casts := map[string]bool{}
	for i := range sig {
		if sig[i] == 'n' {
			casts[":v"+strconv.Itoa(pp.nargs+i+1)] = true
		}
	}
	if len(casts) > 0 {
		decimal := &sqlparser.ConvertType{Type: "decimal", Length: sqlparser.NewIntVal([]byte("65")), Scale: sqlparser.NewIntVal([]byte("30"))}
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if c, ok := n.(*sqlparser.ComparisonExpr); ok {
				for _, side := range []*sqlparser.Expr{&c.Left, &c.Right} {
					if v, ok := (*side).(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg && casts[string(v.Val)] {
						*side = &sqlparser.ConvertExpr{Expr: v, Type: decimal}
					}
				}
			}
			return true, nil
		}, sel.Where)
	}
	sess := pp.sess
	pl, err := pp.p.planSelect(sel, &sess, pp.nargs+len(pp.subs))
	if err != nil {
		return nil, err
	}
	pp.outers[sig] = pl
	return pl, nil
}

func (pp *pulloutPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	all, sig, err := pp.outerArgs(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	outer, err := pp.outer(sig)
	if err != nil {
		return nil, err
	}
	return outer.Query(ctx, vc, all)
}

func (pp *pulloutPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, pp, vc, args)
}

// Explain shows the outer statement, with each subquery's value as the
// text of the subquery, then the subqueries.
func (pp *pulloutPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	all := append([]any(nil), args[:pp.nargs]...)
	for _, sq := range pp.subs {
		all = append(all, "<value of "+sq.text+">")
	}
	outer, err := pp.outer(strings.Repeat("-", len(pp.subs)))
	if err != nil {
		return nil, err
	}
	rows, err := outer.Explain(ctx, vc, all)
	if err != nil {
		return nil, err
	}
	out := []ExplainRow{operatorRow("PulloutSubquery")}
	out = append(out, nest(rows)...)
	for _, sq := range pp.subs {
		sub, err := sq.plan.Explain(ctx, vc, args)
		if err != nil {
			return nil, err
		}
		out = append(out, nest(sub)...)
	}
	return out, nil
}

// planSelectOrPullout plans a SELECT with subqueries in WHERE as one
// statement when it can, else with its uncorrelated scalar subqueries
// pulled out.
func (p *Planner) planSelectOrPullout(st *sqlparser.Select, s *Session, nargs int) (Plan, error) {
	c, err := cloneSelect(st)
	if err != nil {
		return nil, err
	}
	pl, err := p.planSelectStatement(st, s, nargs)
	var unsupported *UnsupportedError
	if err == nil || !errors.As(err, &unsupported) {
		return pl, err
	}
	pp, ok, perr := p.planPullout(c.(*sqlparser.Select), s, nargs)
	if !ok {
		return nil, err
	}
	return pp, perr
}

// planPullout plans sel (a copy the caller owns) with its uncorrelated
// scalar subqueries of WHERE pulled out; ok is false when it has none.
func (p *Planner) planPullout(sel *sqlparser.Select, s *Session, nargs int) (Plan, bool, error) {
	if sel.Where == nil {
		return nil, false, nil
	}
	var subs []*sqlparser.Subquery
	var slots []*sqlparser.Expr
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.ComparisonExpr:
			switch n.Operator {
			case sqlparser.EqualStr, sqlparser.NotEqualStr, sqlparser.LessThanStr, sqlparser.LessEqualStr,
				sqlparser.GreaterThanStr, sqlparser.GreaterEqualStr, sqlparser.NullSafeEqualStr:
			default:
				return true, nil
			}
			for _, side := range []*sqlparser.Expr{&n.Left, &n.Right} {
				if sq, ok := (*side).(*sqlparser.Subquery); ok && uncorrelated(sq) {
					subs = append(subs, sq)
					slots = append(slots, side)
				}
			}
		}
		return true, nil
	}, sel.Where)
	if len(subs) == 0 {
		return nil, false, nil
	}
	pp := &pulloutPlan{nargs: nargs, eng: eval.SQLite}
	for i, sq := range subs {
		text := sqlparser.String(sq)
		if i == 0 {
			if t := firstTable(sq.Select); t != nil {
				if vt, err := p.vs.FindTable(t.Qualifier.String(), t.Name.String(), s.Keyspace); err == nil {
					pp.eng = p.engineOfKeyspace(vt.Keyspace)
				}
			}
		}
		plan, err := p.planSelect(sq.Select, s, nargs)
		if err != nil {
			return nil, true, err
		}
		pp.subs = append(pp.subs, planSubquery{kind: merge.ScalarSubquery, plan: plan, text: text})
		*slots[i] = sqlparser.NewValArg([]byte(":v" + strconv.Itoa(nargs+i+1)))
	}
	pp.p, pp.sess, pp.outerText = p, Session{Keyspace: s.Keyspace}, sqlparser.String(sel)
	pp.outers = map[string]Plan{}
	// Planning the outer statement now reports what it cannot do at once.
	if _, err := pp.outer(strings.Repeat("-", len(subs))); err != nil {
		return nil, true, err
	}
	return pp, true, nil
}

// firstTable returns the first table a statement names, or nil.
func firstTable(sel sqlparser.SelectStatement) *sqlparser.TableName {
	var out *sqlparser.TableName
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if tn, ok := n.(sqlparser.TableName); ok && out == nil && !tn.Name.IsEmpty() {
			out = &tn
		}
		return out == nil, nil
	}, sel)
	return out
}

// uncorrelated reports a subquery none of whose qualified columns name a
// table outside it.
func uncorrelated(sq *sqlparser.Subquery) bool {
	inner := map[string]bool{}
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if at, ok := n.(*sqlparser.AliasedTableExpr); ok {
			if !at.As.IsEmpty() {
				inner[strings.ToLower(at.As.String())] = true
			}
			if tn, ok := at.Expr.(sqlparser.TableName); ok {
				inner[strings.ToLower(tn.Name.String())] = true
			}
		}
		return true, nil
	}, sq.Select)
	ok := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if c, isCol := n.(*sqlparser.ColName); isCol && !c.Qualifier.IsEmpty() && !inner[strings.ToLower(c.Qualifier.Name.String())] {
			ok = false
		}
		return ok, nil
	}, sq.Select)
	return ok
}
