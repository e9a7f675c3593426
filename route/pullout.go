package route

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
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
	subs  []pulledSubquery
	eng   eval.Engine
	nargs int
	// outerText is the outer statement with its subqueries in place;
	// outerSlots finds them again, in the same order, in each parse.
	outerText string
	// write is set for an UPDATE or DELETE: the subqueries run in the
	// transaction the write runs in.
	write bool
	// tableless is set for a SELECT without tables, which runs on one
	// shard of this keyspace (that of the subqueries' tables) once its
	// subqueries are bound (see planTablelessBound).
	tableless *vschema.Keyspace

	mu sync.Mutex
	// outers are the outer plans by signature (see outerArgs).
	outers map[string]Plan
}

// pulledSubquery is one subquery run before the outer statement.
type pulledSubquery struct {
	planSubquery
	// slot is how the outer statement uses the subquery's result.
	slot slotKind
	// typed casts a scalar's value to its column's type on PostgreSQL,
	// which would otherwise type the placeholder by the arithmetic
	// around it (see pulloutSlot.operand).
	typed bool
	// left is the left operand of `? IN (SELECT col …)` when it is an
	// argument or a literal.
	left leftOperand
	// leftColumn is how SQLite's affinity of a left operand reading a
	// column is known (see pullout_affinity.go).
	leftColumn leftKind
	// leftPGType is PostgreSQL's type of an IN slot's left operand that
	// is a column, "" when not known (see pullout_kinds.go).
	leftPGType string
}

// slotKind is how the outer statement uses a pulled-out subquery.
type slotKind int8

const (
	// scalarSlot: the subquery is a value compared in WHERE.
	scalarSlot slotKind = iota
	// inSlot / notInSlot: `x IN (SELECT …)`, `x NOT IN (SELECT …)`.
	inSlot
	notInSlot
	// existsSlot: `EXISTS (SELECT …)`.
	existsSlot
)

// pulloutSlot is one subquery found in the outer statement: node is the
// expression replaced once the subquery has run (the subquery itself, the
// IN comparison or the EXISTS), top whether node is a conjunct of its
// condition.
type pulloutSlot struct {
	kind slotKind
	node sqlparser.Expr
	sub  *sqlparser.Subquery
	top  bool
	// operand is set for a scalar inside the arithmetic of a compared
	// value (`MAX(x) > (SELECT …) + 10`), not itself compared.
	operand bool
	// in is the expression holding node: a WHERE or HAVING condition, the
	// value of an UPDATE's SET.
	in *sqlparser.Expr
}

// subResult is what a pulled-out subquery produced: its bound values
// (padded, for IN, to a power of two by repeating the last), whether an
// IN list held NULL, and whether the values need the NUMERIC cast.
type subResult struct {
	values  []any
	null    bool
	numeric bool
	// dbType is the backend's type of the subquery's column, which a
	// typed pulloutPlan casts each value to.
	dbType string
	// colType is the backend's type of an IN subquery's column on
	// PostgreSQL, which its values are cast to beside an operand that
	// is no column (see listCondition).
	colType string
	// several is set for a scalar subquery of several rows, whose values
	// are the first two (see severalRows).
	several bool
	// sqliteType is the declared type of an IN subquery's column on
	// SQLite, whose affinity one database gives the left operand.
	sqliteType string
	// leftValue says the last value is the left operand's argument with
	// the affinity of the subquery's column applied (see leftWithAffinity).
	leftValue bool
	// numbers says a text column on the left is compared with each value
	// as a number (see numericChain); jsonNumbers that the values are one
	// JSON array so compared (see jsonNumbersCondition).
	numbers, jsonNumbers bool
	// affinity is the type the values are cast to then, NUMERIC or TEXT.
	affinity string
}

// signature names what of a result the outer plan depends on: results
// of one signature share a plan. The types a value is cast to are part
// of it, so the stand-in results (no types) do not lend their plan to
// real ones.
func (r subResult) signature(k slotKind) string {
	sig := strconv.Itoa(len(r.values))
	if r.null {
		sig += "z"
	}
	if r.numeric {
		sig += "n"
	}
	if r.several {
		sig += "s"
	}
	if r.leftValue {
		sig += "l"
	}
	if r.numbers {
		sig += "c"
	}
	if r.jsonNumbers {
		sig += "j"
	}
	sig += r.affinity
	return sig + r.dbType + "/" + r.colType
}

var _ Plan = (*pulloutPlan)(nil)

func (pp *pulloutPlan) NumArgs() int { return pp.nargs }

// outer returns the outer plan for the subqueries' results of a
// signature, planning it the first time.
func (pp *pulloutPlan) outer(sig string, res []subResult) (Plan, error) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pl := pp.outers[sig]; pl != nil {
		return pl, nil
	}
	stmt, err := Parse(pp.outerText)
	if err != nil {
		return nil, err
	}
	slots := outerSlots(stmt)
	if pp.tableless != nil {
		slots = tablelessSlots(stmt.(*sqlparser.Select))
	}
	if len(slots) != len(pp.subs) {
		return nil, planErrorf("outer statement %s: %d subqueries, want %d", pp.outerText, len(slots), len(pp.subs))
	}
	next := pp.nargs
	arg := func(r subResult) sqlparser.Expr {
		next++
		var e sqlparser.Expr = sqlparser.NewValArg([]byte(":v" + strconv.Itoa(next)))
		if r.dbType != "" {
			return dialect.NativeCast(e, r.dbType)
		}
		if r.numeric {
			e = &sqlparser.ConvertExpr{Expr: e, Type: &sqlparser.ConvertType{Type: "decimal", Length: sqlparser.NewIntVal([]byte("65")), Scale: sqlparser.NewIntVal([]byte("30"))}}
		}
		return e
	}
	for i, sl := range slots {
		r := res[i]
		// The values of each result hold their places among the
		// arguments whether or not the condition uses them (NOT IN over
		// a NULL in WHERE is false).
		start := next
		var to sqlparser.Expr
		switch sl.kind {
		case scalarSlot:
			to = arg(r)
			if r.several {
				to = severalRowsQuery(to, arg(r))
			}
		case existsSlot:
			to = &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: arg(subResult{}), Right: sqlparser.NewIntVal([]byte("1"))}
		default:
			if cmp := sl.node.(*sqlparser.ComparisonExpr); r.dbType == "" && (!readsColumn(cmp.Left) || !bindsAsLeft(pp.subs[i].leftPGType, r.colType)) {
				// `? IN (…)`: nothing else types the argument, which
				// one database types by the subquery's column; nor an
				// x whose type does not take the values as they are
				// (see pullout_kinds.go).
				r.dbType = r.colType
			}
			ls := sl
			if r.leftValue {
				// The left operand is the argument bound last, converted.
				cmp := *sl.node.(*sqlparser.ComparisonExpr)
				cmp.Left = sqlparser.NewValArg([]byte(":v" + strconv.Itoa(start+len(r.values))))
				r.values = r.values[:len(r.values)-1]
				ls.node = &cmp
			}
			to = listCondition(ls, r, arg)
		}
		*sl.in = replaceEvery(*sl.in, sl.node, to)
		next = start + len(res[i].values)
	}
	sess := pp.sess
	pl, err := pp.planOuter(stmt, &sess, next)
	if err != nil {
		return nil, err
	}
	pp.outers[sig] = pl
	return pl, nil
}

// listCondition is what `x [NOT] IN (SELECT …)` becomes once the subquery
// has run, with SQL's NULL rules: x IN () is false and x NOT IN () true
// for every x, NULL included; a NULL in the list makes IN NULL instead of
// false and NOT IN never true. A conjunct of WHERE keeps only the rows
// where it is true, so there a NULL in the list is dropped from IN and
// makes NOT IN false; elsewhere (under NOT, OR) the list keeps a NULL.
func listCondition(sl pulloutSlot, r subResult, arg func(subResult) sqlparser.Expr) sqlparser.Expr {
	cmp := sl.node.(*sqlparser.ComparisonExpr)
	never := &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: sqlparser.NewIntVal([]byte("1")), Right: sqlparser.NewIntVal([]byte("0"))}
	always := &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: sqlparser.NewIntVal([]byte("1")), Right: sqlparser.NewIntVal([]byte("1"))}
	// Values cast to a type keep it beside an x reading columns too.
	typ, cast := r.dbType, r.dbType != ""
	if typ == "" {
		typ = r.colType
	}
	if sl.kind == notInSlot && r.null && sl.top {
		return keepTyped(never, cmp.Left, typ, false, cast)
	}
	var list sqlparser.ValTuple
	for range r.values {
		list = append(list, arg(r))
	}
	if r.null && !sl.top {
		// The NULL has the values' type: a list of NULL alone would
		// leave PostgreSQL to type x as text (`$1 IN (NULL)`).
		var null sqlparser.Expr = &sqlparser.NullVal{}
		if r.dbType != "" {
			null = dialect.NativeCast(null, r.dbType)
		}
		list = append(list, null)
	}
	if len(list) == 0 {
		if sl.kind == notInSlot {
			return keepTyped(always, cmp.Left, typ, true, cast)
		}
		return keepTyped(never, cmp.Left, typ, false, cast)
	}
	if r.jsonNumbers {
		return jsonNumbersCondition(sl, r, list)
	}
	if r.numbers {
		chain := numericChain(cmp.Left, list, r.affinity)
		if sl.kind == notInSlot {
			return &sqlparser.NotExpr{Expr: chain}
		}
		return chain
	}
	return &sqlparser.ParenExpr{Expr: &sqlparser.ComparisonExpr{Operator: cmp.Operator, Left: cmp.Left, Right: list}}
}

// keepTyped is the truth value of an IN decided without its list (an
// empty one, a NOT IN over a NULL), still comparing an x that reads no
// column with a NULL of the subquery column's type on PostgreSQL, so x
// is typed, and a value that is not of the type fails, as one database
// fails it: `(x = NULL) IS NULL` is true and `(x = NULL) IS NOT NULL`
// false, for every x. A column keeps the truth value alone, which
// routes the statement to no shard when it is false, unless cast says
// the list's values are cast to dbType (x's type is not known).
func keepTyped(truth, x sqlparser.Expr, dbType string, always, cast bool) sqlparser.Expr {
	if dbType == "" || readsColumn(x) && !cast {
		return truth
	}
	typed := &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: x, Right: dialect.NativeCast(&sqlparser.NullVal{}, dbType)}
	op := sqlparser.IsNotNullStr
	if always {
		op = sqlparser.IsNullStr
	}
	return &sqlparser.IsExpr{Operator: op, Expr: &sqlparser.ParenExpr{Expr: typed}}
}

func (pp *pulloutPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	if pp.write {
		return queryByExec(ctx, pp, vc, args)
	}
	all, res, sig, err := pp.outerArgs(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	outer, err := pp.outer(sig, res)
	if err != nil {
		return nil, err
	}
	return outer.Query(ctx, vc, all)
}

func (pp *pulloutPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	if pp.write {
		return pp.execWrite(ctx, vc, args)
	}
	return execByQuery(ctx, pp, vc, args)
}

// standInResults are stand-in results of the subqueries, to plan the
// outer statement before they run: each value is the text of its
// subquery (one value for an IN list).
func (pp *pulloutPlan) standInResults() ([]any, []subResult, string) {
	res := make([]subResult, len(pp.subs))
	sig := make([]string, len(pp.subs))
	var vals []any
	for i, sq := range pp.subs {
		res[i] = subResult{values: []any{"<value of " + sq.text + ">"}}
		vals = append(vals, res[i].values...)
		sig[i] = res[i].signature(sq.slot)
	}
	return vals, res, strings.Join(sig, ",")
}

// Explain runs the subqueries (they are uncorrelated reads) and shows the
// outer statement as their values route it, then the subqueries.
func (pp *pulloutPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	all, res, sig, err := pp.outerArgs(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	outer, err := pp.outer(sig, res)
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
// statement when it can, else with its uncorrelated subqueries pulled
// out.
func (p *Planner) planSelectOrPullout(st *sqlparser.Select, s *Session, nargs int) (Plan, error) {
	c, err := cloneSelect(st)
	if err != nil {
		return nil, err
	}
	pl, err := p.planSelectStatement(st, s, nargs)
	if err == nil {
		return p.withSubqueriesApart(pl, c.(*sqlparser.Select), s, nargs), nil
	}
	var unsupported *UnsupportedError
	if !errors.As(err, &unsupported) {
		return pl, err
	}
	return p.planSubqueriesApart(c.(*sqlparser.Select), s, nargs, err)
}

// withSubqueriesApart gives a statement whose subqueries' tables are
// pinned by their own conditions (routed to one shard each, checked to
// be the statement's at execution) the plan that runs those subqueries
// on their own shards, pulled out or as a semi-join, for the executions
// whose pinned shards differ. Without one such execution would fail as
// a join across shards. sel is a copy the caller owns.
func (p *Planner) withSubqueriesApart(pl Plan, sel *sqlparser.Select, s *Session, nargs int) Plan {
	sp, ok := pl.(*selectPlan)
	if !ok || len(sp.sameShard) == 0 || sp.apart != nil {
		return pl
	}
	if apart, err := p.planSubqueriesApart(sel, s, nargs, nil); err == nil {
		sp.apart = apart
	}
	return pl
}

// planSubqueriesApart plans sel (a copy the caller owns) with its
// uncorrelated subqueries pulled out, else its correlated ones as a
// semi-join; refusal is why it does not run as one statement (an
// UnsupportedError), nil when it does on some executions.
func (p *Planner) planSubqueriesApart(sel *sqlparser.Select, s *Session, nargs int, refusal error) (Plan, error) {
	var unsupported *UnsupportedError
	errors.As(refusal, &unsupported)
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	pp, ok, perr := p.planPullout(sel, s, nargs)
	if !ok {
		sj, ok, serr := p.planSemiJoin(c.(*sqlparser.Select), s, nargs)
		if !ok {
			if refusal == nil {
				return nil, planErrorf("no subquery to run apart")
			}
			if onHasSubquery(c.(*sqlparser.Select).From) && unsupported != nil {
				if d, ok, err := correlatedOnAsDerived(c.(*sqlparser.Select)); err == nil && ok {
					if pl, err := p.planSelect(d, s, nargs); err == nil {
						return pl, nil
					}
				}
				pl, err := p.planOnPairs(c.(*sqlparser.Select), s, nargs, refusal)
				var pu *UnsupportedError
				if err == nil || !errors.As(err, &pu) {
					return pl, err
				}
				msg := pu.Msg
				if !strings.HasPrefix(msg, unsupported.Msg) {
					msg = unsupported.Msg + "; " + msg
				}
				return nil, unsupportedf("%s (a correlated subquery in an ON condition runs across shards in the ON of an outer join, decided per pair of rows)", msg)
			}
			return nil, refusal
		}
		var su *UnsupportedError
		if errors.As(serr, &su) && unsupported != nil {
			return nil, unsupportedf("%s; as a semi-join: %s", unsupported.Msg, su.Msg)
		}
		return sj, serr
	}
	return pp, perr
}

// pulloutSlots finds the uncorrelated subqueries of a SELECT's ON
// conditions, WHERE and HAVING that can be pulled out: scalars compared with a value, `x [NOT]
// IN (SELECT …)` and `EXISTS (SELECT …)` (NOT EXISTS is NOT over it), in
// the order of a walk of the statement.
func pulloutSlots(sel *sqlparser.Select) []pulloutSlot {
	out := onPulloutSlots(sel.From)
	if sel.Where != nil {
		out = appendPulloutSlots(out, &sel.Where.Expr)
	}
	if sel.Having != nil {
		out = appendPulloutSlots(out, &sel.Having.Expr)
	}
	return appendConstantInItemSlots(appendAggregateItemSlots(out, sel), sel)
}

// appendConstantInItemSlots appends the `x [NOT] IN (SELECT …)` select
// items of a SELECT that does not aggregate whose x names no column
// (`? IN (SELECT qty FROM items)`, a literal, arithmetic over them) and
// whose subquery is uncorrelated: the truth is one for every row, so
// the subquery runs first and is bound, as in WHERE. Carried on each
// outer row instead, x would come back from the shards as the backend
// types a bare placeholder (text on PostgreSQL), not as one database
// compares it with the subquery's column.
func appendConstantInItemSlots(out []pulloutSlot, sel *sqlparser.Select) []pulloutSlot {
	if len(sel.GroupBy) == 0 && hasAggregate(sel.SelectExprs) {
		return out
	}
	for _, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			continue
		}
		in := &ae.Expr
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			switch n := n.(type) {
			case *sqlparser.Subquery:
				return false, nil
			case *sqlparser.ComparisonExpr:
				sq, k, ok := inSubquery(n)
				if !ok {
					return true, nil
				}
				if pullable(sq) && uncorrelated(sq) && constantOperand(n.Left) {
					out = append(out, pulloutSlot{kind: k, node: n, sub: sq, in: in})
				}
				return false, nil
			}
			return true, nil
		}, *in)
	}
	return out
}

// constantOperand reports an expression of literals and arguments only,
// through arithmetic, parentheses and CAST: one value for every row.
func constantOperand(e sqlparser.Expr) bool {
	ok := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n.(type) {
		case *sqlparser.SQLVal, *sqlparser.NullVal, sqlparser.BoolVal, *sqlparser.ParenExpr,
			*sqlparser.BinaryExpr, *sqlparser.UnaryExpr, *sqlparser.ConvertExpr, *sqlparser.ConvertType:
		default:
			ok = false
		}
		return ok, nil
	}, e)
	return ok
}

// appendAggregateItemSlots appends the uncorrelated subqueries of the
// select list of a SELECT that aggregates without GROUP BY: its one row
// holds their values even over no rows, which a semi-join carrying them
// on every outer row would lose, so they run first and are bound. Each
// scalar is cast to its column's type, as nothing else types its
// placeholder on PostgreSQL.
func appendAggregateItemSlots(out []pulloutSlot, sel *sqlparser.Select) []pulloutSlot {
	if len(sel.GroupBy) > 0 || !hasAggregate(sel.SelectExprs) {
		return out
	}
	for _, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			continue
		}
		in := &ae.Expr
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			switch n := n.(type) {
			case *sqlparser.ExistsExpr:
				if pullable(n.Subquery) {
					out = append(out, pulloutSlot{kind: existsSlot, node: n, sub: n.Subquery, in: in})
				}
				return false, nil
			case *sqlparser.ComparisonExpr:
				sq, k, ok := inSubquery(n)
				if !ok {
					return true, nil
				}
				if pullable(sq) && !exprHasSubquery(n.Left) {
					out = append(out, pulloutSlot{kind: k, node: n, sub: sq, in: in})
				}
				return false, nil
			case *sqlparser.Subquery:
				if pullable(n) {
					out = append(out, pulloutSlot{kind: scalarSlot, node: n, sub: n, in: in, operand: true})
				}
				return false, nil
			}
			return true, nil
		}, *in)
	}
	return out
}

// inSubquery returns the subquery of `x [NOT] IN (SELECT …)` and the
// slot it fills; ok is false for another comparison.
func inSubquery(n *sqlparser.ComparisonExpr) (*sqlparser.Subquery, slotKind, bool) {
	sq, ok := n.Right.(*sqlparser.Subquery)
	switch {
	case !ok:
		return nil, 0, false
	case n.Operator == sqlparser.InStr:
		return sq, inSlot, true
	case n.Operator == sqlparser.NotInStr:
		return sq, notInSlot, true
	}
	return nil, 0, false
}

// appendPulloutSlots appends the subqueries of one condition that can be
// pulled out.
func appendPulloutSlots(out []pulloutSlot, in *sqlparser.Expr) []pulloutSlot {
	cond := *in
	top := map[sqlparser.Expr]bool{}
	var conjuncts func(e sqlparser.Expr)
	conjuncts = func(e sqlparser.Expr) {
		switch e := e.(type) {
		case *sqlparser.AndExpr:
			conjuncts(e.Left)
			conjuncts(e.Right)
		case *sqlparser.ParenExpr:
			conjuncts(e.Expr)
		default:
			top[e] = true
		}
	}
	conjuncts(cond)
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.ExistsExpr:
			if pullable(n.Subquery) {
				out = append(out, pulloutSlot{kind: existsSlot, node: n, sub: n.Subquery, in: in})
				return false, nil
			}
		case *sqlparser.ComparisonExpr:
			switch n.Operator {
			case sqlparser.InStr, sqlparser.NotInStr:
				if sq, ok := n.Right.(*sqlparser.Subquery); ok && pullable(sq) && !exprHasSubquery(n.Left) {
					k := inSlot
					if n.Operator == sqlparser.NotInStr {
						k = notInSlot
					}
					out = append(out, pulloutSlot{kind: k, node: n, sub: sq, top: top[n], in: in})
					return false, nil
				}
				return true, nil
			case sqlparser.EqualStr, sqlparser.NotEqualStr, sqlparser.LessThanStr, sqlparser.LessEqualStr,
				sqlparser.GreaterThanStr, sqlparser.GreaterEqualStr, sqlparser.NullSafeEqualStr:
			default:
				return true, nil
			}
			for _, side := range []sqlparser.Expr{n.Left, n.Right} {
				if sq, ok := side.(*sqlparser.Subquery); ok && pullable(sq) {
					out = append(out, pulloutSlot{kind: scalarSlot, node: sq, sub: sq, in: in})
					continue
				}
				for _, sq := range arithmeticSubqueries(side, nil) {
					out = append(out, pulloutSlot{kind: scalarSlot, node: sq, sub: sq, in: in, operand: true})
				}
			}
		}
		return true, nil
	}, cond)
	return out
}

// arithmeticSubqueries appends to out the uncorrelated scalar subqueries
// that are operands of the arithmetic of e (+, -, *, /, %, unary minus,
// parentheses), in the order of a walk; e itself is not one of them.
func arithmeticSubqueries(e sqlparser.Expr, out []*sqlparser.Subquery) []*sqlparser.Subquery {
	var operands []sqlparser.Expr
	switch e := e.(type) {
	case *sqlparser.BinaryExpr:
		switch e.Operator {
		case sqlparser.PlusStr, sqlparser.MinusStr, sqlparser.MultStr, sqlparser.DivStr, sqlparser.ModStr:
			operands = []sqlparser.Expr{e.Left, e.Right}
		}
	case *sqlparser.UnaryExpr:
		if e.Operator == sqlparser.UMinusStr || e.Operator == sqlparser.UPlusStr {
			operands = []sqlparser.Expr{e.Expr}
		}
	case *sqlparser.ParenExpr:
		operands = []sqlparser.Expr{e.Expr}
	}
	for _, o := range operands {
		if sq, ok := o.(*sqlparser.Subquery); ok {
			if pullable(sq) {
				out = append(out, sq)
			}
			continue
		}
		out = arithmeticSubqueries(o, out)
	}
	return out
}

// exprHasSubquery reports an expression holding a subquery.
func exprHasSubquery(e sqlparser.Expr) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if _, ok := n.(*sqlparser.Subquery); ok {
			found = true
		}
		return !found, nil
	}, e)
	return found
}

// planPullout plans sel (a copy the caller owns) with its uncorrelated
// subqueries of WHERE pulled out; ok is false when it has none.
func (p *Planner) planPullout(sel *sqlparser.Select, s *Session, nargs int) (Plan, bool, error) {
	if len(appendAggregateItemSlots(nil, sel)) > 0 || len(appendConstantInItemSlots(nil, sel)) > 0 {
		// The items keep their names once their subqueries are bound.
		nameColumns(sel)
	}
	return p.pullout(sel, pulloutSlots(sel), s, nargs, nil)
}

// pullout plans stmt (a copy the caller owns) with the subqueries of
// slots run first; ok is false when there are none. tableless is the
// keyspace a SELECT without tables runs in, nil for other statements.
func (p *Planner) pullout(stmt sqlparser.Statement, slots []pulloutSlot, s *Session, nargs int, tableless *vschema.Keyspace) (Plan, bool, error) {
	if len(slots) == 0 {
		return nil, false, nil
	}
	_, isSelect := stmt.(sqlparser.SelectStatement)
	pp := &pulloutPlan{nargs: nargs, eng: eval.SQLite, outerText: sqlparser.String(stmt), write: !isSelect, tableless: tableless}
	for i, sl := range slots {
		sq := sl.sub
		text := sqlparser.String(sq)
		if i == 0 {
			if t := firstTable(sq.Select); t != nil {
				if rel := p.heldTable(*t); rel != nil {
					pp.eng = rel.eng
				} else if vt, err := p.vs.FindTable(t.Qualifier.String(), t.Name.String(), s.Keyspace); err == nil {
					pp.eng = p.engineOfKeyspace(vt.Keyspace)
				}
			}
		}
		inner := sq.Select
		var limitRefusal error
		if pp.write {
			limitRefusal = writeLimitRefusal(inner, sl.kind == existsSlot, strings.ToUpper(firstWords(pp.outerText, 1)))
		}
		if sl.kind == existsSlot {
			// Whether a row exists needs one row: LIMIT 1 goes to the shards.
			if is, ok := inner.(*sqlparser.Select); ok && is.Limit == nil {
				is.Limit = &sqlparser.Limit{Rowcount: sqlparser.NewIntVal([]byte("1"))}
			}
		}
		ps, err := p.newPlanSubquery(merge.ScalarSubquery, inner, text, s, nargs)
		if err != nil {
			return nil, true, err
		}
		if limitRefusal != nil && !wholeOnOneShard(ps.plan) {
			return nil, true, limitRefusal
		}
		sub := pulledSubquery{planSubquery: ps, slot: sl.kind, typed: sl.operand, left: leftOperandOf(sl, inner, nargs)}
		if outer, ok := stmt.(*sqlparser.Select); ok && pp.eng == eval.SQLite {
			sub.leftColumn = p.leftColumnKind(sl, outer, inner, s)
		} else if ok && pp.eng == eval.PostgreSQL {
			sub.leftPGType = p.leftPGType(sl, outer, s)
		}
		pp.subs = append(pp.subs, sub)
	}
	pp.p, pp.sess = p, Session{Keyspace: s.Keyspace}
	pp.outers = map[string]Plan{}
	// Planning the outer statement now reports what it cannot do at once.
	_, res, sig := pp.standInResults()
	if _, err := pp.outer(sig, res); err != nil {
		return nil, true, err
	}
	return pp, true, nil
}

// firstTable returns the first table a statement reads, or nil: a table
// of a FROM, not the qualifier of a column (`c` of `c.qty`), which the
// select list names before the FROM.
func firstTable(sel sqlparser.SelectStatement) *sqlparser.TableName {
	var out *sqlparser.TableName
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if at, ok := n.(*sqlparser.AliasedTableExpr); ok && out == nil {
			if tn, ok := at.Expr.(sqlparser.TableName); ok && !tn.Name.IsEmpty() {
				out = &tn
			}
		}
		return out == nil, nil
	}, sel)
	return out
}

// pullable reports an uncorrelated subquery that reads a table: one
// without tables stays in the statement, whose shards compute it.
func pullable(sq *sqlparser.Subquery) bool {
	reads := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if tn, ok := n.(sqlparser.TableName); ok && !tn.Name.IsEmpty() && !strings.EqualFold(tn.Name.String(), "dual") {
			reads = true
		}
		return !reads, nil
	}, sq.Select)
	return reads && uncorrelated(sq)
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

// replaceEvery replaces each occurrence of the node from under root by
// to: a rewrite may have copied it (the left operand of an IN list
// written as a chain of equalities, see numericChain), and a copy left
// would run the subquery on the one shard the statement reaches.
func replaceEvery(root, from, to sqlparser.Expr) sqlparser.Expr {
	root = sqlparser.ReplaceExpr(root, from, to)
	if holdsNode(to, from) {
		return root
	}
	for holdsNode(root, from) {
		root = sqlparser.ReplaceExpr(root, from, to)
	}
	return root
}

// holdsNode reports the node n under root.
func holdsNode(root sqlparser.SQLNode, n sqlparser.Expr) bool {
	found := false
	_ = sqlparser.Walk(func(x sqlparser.SQLNode) (bool, error) {
		if e, ok := x.(sqlparser.Expr); ok && e == n {
			found = true
		}
		return !found, nil
	}, root)
	return found
}
