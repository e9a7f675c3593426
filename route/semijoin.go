package route

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// semiJoinPlan runs a SELECT whose correlated subqueries read other
// shards than its rows (Vitess's SemiJoin, and the projection of a
// correlated scalar subquery): the outer statement runs without them,
// selecting the outer columns they correlate on as hidden columns; for
// each batch of its rows each subquery runs once with the batch's key
// values bound as an IN list (so an equality on the inner table's vindex
// column reaches only the shards holding matches), and merge.SemiJoin
// keeps or drops each row (EXISTS, NOT EXISTS, IN, NOT IN) or puts a
// scalar subquery's value into its column; a projection drops the hidden
// columns.
//
//	SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id)
//	  Project id
//	    SemiJoin EXISTS on outer 2 = inner 1
//	      route SELECT id, u.id AS vsj_0 FROM users AS u
//	      route SELECT o.amount AS vsk_0 FROM orders AS o WHERE o.amount IN (batch)
//
// An uncorrelated scalar subquery of the select list runs once.
type semiJoinPlan struct {
	outer Plan
	subs  []semiSubquery
	// hidden is the number of trailing outer columns the subqueries read.
	hidden  int
	batch   int
	eng     eval.Engine
	nargs   int
	maxRows int64
}

// semiSubquery is one subquery of a semiJoinPlan. Outer positions (keys'
// Outer, left) count from the first hidden column.
type semiSubquery struct {
	kind  merge.CorrelatedKind
	inner Plan
	keys  []merge.JoinKey
	left  int
	value int
	// into is the select item a scalar subquery's value fills.
	into int
	dflt any
	// once marks an uncorrelated scalar subquery: it runs once.
	once bool
	text string
	// residual is the correlation other than key equalities, over the
	// hidden outer columns resFrom… (resWidth of them) followed by the
	// inner row; nil when none. residualText shows it.
	residual     *mergeValue
	resFrom      int
	resWidth     int
	residualText string
}

var _ Plan = (*semiJoinPlan)(nil)

func (sp *semiJoinPlan) NumArgs() int { return sp.nargs }

// innerArgs binds the batch's distinct non-NULL values of outer column
// col after the statement's arguments, padded as a join pads them.
func (sp *semiJoinPlan) innerArgs(args []any, batch []merge.Row, col int) []any {
	out := append(make([]any, 0, len(args)+sp.batch), args...)
	var vals []any
	seen := map[string]bool{}
	for _, row := range batch {
		v := row[col]
		if v == nil {
			continue
		}
		k := fmt.Sprintf("%T %v", v, v)
		if b, ok := v.([]byte); ok {
			k = "b " + string(b)
		}
		if !seen[k] {
			seen[k] = true
			vals = append(vals, v)
		}
	}
	for i := 0; i < sp.batch; i++ {
		var v any
		if len(vals) > 0 {
			v = vals[i%len(vals)]
		}
		out = append(out, v)
	}
	return out
}

func (sp *semiJoinPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	if len(args) > sp.nargs {
		args = args[:sp.nargs]
	}
	outer, err := sp.outer.Query(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	base := len(outer.Columns()) - sp.hidden
	subs := make([]merge.Correlated, len(sp.subs))
	for i, sq := range sp.subs {
		sq := sq
		c := merge.Correlated{Kind: sq.kind, Left: base + sq.left, Value: sq.value, Into: sq.into, Default: sq.dflt}
		for _, k := range sq.keys {
			c.Keys = append(c.Keys, merge.JoinKey{Outer: base + k.Outer, Inner: k.Inner})
		}
		if sq.residual != nil {
			x, err := sq.residual.expr(args)
			if err != nil {
				outer.Close()
				return nil, err
			}
			c.Residual, c.From, c.Width = &x, base+sq.resFrom, sq.resWidth
		}
		if sq.once {
			var row *merge.Static
			c.Open = func([]merge.Row) (merge.Iterator, error) {
				if row == nil {
					open := func() (merge.Iterator, error) { return sq.inner.Query(ctx, vc, args) }
					r, err := merge.SubqueryRow([]merge.Subquery{{Name: sq.text, Kind: merge.ScalarSubquery, Open: open}}, sp.eng)
					if err != nil {
						return nil, err
					}
					row = r
				}
				cp := *row
				return &cp, nil
			}
		} else {
			bind := c.Keys[0].Outer
			c.Open = func(batch []merge.Row) (merge.Iterator, error) {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				return sq.inner.Query(ctx, vc, sp.innerArgs(args, batch, bind))
			}
		}
		subs[i] = c
	}
	sj, err := merge.NewSemiJoin(outer, subs, sp.batch, sp.maxRows, sp.eng)
	if err != nil {
		return nil, semiRefusal(err)
	}
	outs := make([]merge.ProjectColumn, base)
	for i := range outs {
		outs[i] = merge.ProjectColumn{Name: sj.Columns()[i].Name, Expr: eval.Col(i)}
	}
	return &semiErrors{Iterator: merge.NewProject(sj, outs, sp.eng)}, nil
}

func (sp *semiJoinPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, sp, vc, args)
}

// Explain shows the semi-join over the outer statement and each
// subquery's, the latter bound for a batch of NULL keys.
func (sp *semiJoinPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	if len(args) > sp.nargs {
		args = args[:sp.nargs]
	}
	o, err := sp.outer.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	var what []string
	var inner []ExplainRow
	for _, sq := range sp.subs {
		iargs := args
		desc := sq.kind.String()
		if sq.kind == merge.SemiValue {
			desc = fmt.Sprintf("VALUE into %d", sq.into+1)
		}
		if !sq.once {
			iargs = sp.innerArgs(args, nil, 0)
			var on []string
			for _, k := range sq.keys {
				on = append(on, fmt.Sprintf("outer hidden %d = inner %d", k.Outer+1, k.Inner+1))
			}
			how := "bound"
			if ip, ok := sq.inner.(*selectPlan); ok {
				how = "routed " + ip.routing.opcode.String()
			}
			if sq.residual != nil {
				on = append(on, sq.residualText)
			}
			desc += fmt.Sprintf(" on %s (inner %s by batches of %d)", strings.Join(on, " AND "), how, sp.batch)
		} else {
			desc += " (uncorrelated, run once)"
		}
		what = append(what, desc)
		rows, err := sq.inner.Explain(ctx, vc, iargs)
		if err != nil {
			return nil, err
		}
		for k := range rows {
			rows[k].Query = nullBatch.ReplaceAllString(rows[k].Query, "IN (::semi_batch)")
		}
		inner = append(inner, nest(rows)...)
	}
	out := []ExplainRow{operatorRow("SemiJoin %s", strings.Join(what, "; "))}
	out = append(out, nest(o)...)
	return append(out, inner...), nil
}

// semiRefusal reports what the merge cannot decide as a backend would
// as unsupported.
func semiRefusal(err error) error {
	var ke *merge.JoinKeyTypeError
	switch {
	case errors.As(err, &ke):
		return unsupportedf("correlated subquery over other shards: %v", ke)
	case errors.Is(err, merge.ErrSubqueryRowOrder):
		return unsupportedf("correlated subquery over other shards: %v", err)
	}
	return err
}

// semiErrors passes a semi-join's rows, reporting its refusals as
// unsupported.
type semiErrors struct {
	merge.Iterator
}

func (se *semiErrors) Next() (merge.Row, error) {
	row, err := se.Iterator.Next()
	return row, semiRefusal(err)
}

// semiRefusalf is the refusal of a correlated subquery over other
// shards, saying why.
func semiRefusalf(why string, args ...any) error {
	return unsupportedf("correlated subquery over other shards than the statement's rows: "+why, args...)
}

// semiFound is a subquery the semi-join takes out of the outer
// statement: a condition of WHERE, or a select item.
type semiFound struct {
	kind merge.CorrelatedKind
	sub  *sqlparser.Subquery
	// left is x of x [NOT] IN (SELECT …).
	left sqlparser.Expr
	// item is the select item's position, for a scalar subquery.
	item int
}

// semiCondition returns the correlated subquery condition a conjunct of
// WHERE is, if it is one: [NOT] EXISTS, x [NOT] IN (SELECT …), or NOT
// over them.
func semiCondition(e sqlparser.Expr) (semiFound, bool) {
	neg := false
	for {
		switch x := e.(type) {
		case *sqlparser.ParenExpr:
			e = x.Expr
			continue
		case *sqlparser.NotExpr:
			neg = !neg
			e = x.Expr
			continue
		}
		break
	}
	var f semiFound
	switch x := e.(type) {
	case *sqlparser.ExistsExpr:
		f = semiFound{kind: merge.SemiExists, sub: x.Subquery}
		if neg {
			f.kind = merge.SemiNotExists
		}
	case *sqlparser.ComparisonExpr:
		sq, ok := x.Right.(*sqlparser.Subquery)
		if !ok || exprHasSubquery(x.Left) {
			return f, false
		}
		switch x.Operator {
		case sqlparser.InStr:
			f = semiFound{kind: merge.SemiIn, sub: sq, left: x.Left}
		case sqlparser.NotInStr:
			f = semiFound{kind: merge.SemiNotIn, sub: sq, left: x.Left}
		default:
			return f, false
		}
		if neg && f.kind == merge.SemiIn {
			f.kind = merge.SemiNotIn
		} else if neg {
			f.kind = merge.SemiIn
		}
	default:
		return f, false
	}
	return f, !uncorrelated(f.sub)
}

// planSemiJoin plans sel (a copy the caller owns) with its correlated
// subquery conditions of WHERE and its scalar subqueries of the select
// list taken out to a semi-join; ok is false when it has none.
func (p *Planner) planSemiJoin(sel *sqlparser.Select, s *Session, nargs int) (Plan, bool, error) {
	var found []semiFound
	// valueConds are conditions comparing correlated scalar subqueries:
	// the router evaluates them once the values are in the rows.
	var rest, valueConds []sqlparser.Expr
	if sel.Where != nil {
		for _, c := range splitAnd(sel.Where.Expr) {
			if f, ok := semiCondition(c); ok {
				found = append(found, f)
				continue
			}
			if correlatedIn(c) {
				if !onlyScalarSubqueries(c) {
					return nil, true, semiRefusalf("a correlated EXISTS or IN subquery under OR or NOT, or in an expression, in %s: only conditions of WHERE joined by AND that are [NOT] EXISTS or x [NOT] IN (SELECT …) run", sqlparser.String(c))
				}
				valueConds = append(valueConds, c)
				continue
			}
			rest = append(rest, c)
		}
	}
	scalars := 0
	correlatedScalars := false
	for i, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			continue
		}
		if sq, ok := ae.Expr.(*sqlparser.Subquery); ok {
			found = append(found, semiFound{kind: merge.SemiValue, sub: sq, item: i})
			scalars++
			correlatedScalars = correlatedScalars || !uncorrelated(sq)
			continue
		}
		if correlatedIn(ae.Expr) {
			return nil, true, semiRefusalf("a correlated subquery inside the expression %s: only a select item that is the subquery runs", sqlparser.String(ae.Expr))
		}
	}
	if sel.Having != nil && correlatedIn(sel.Having.Expr) {
		return nil, true, semiRefusalf("a correlated subquery in HAVING (it would run per group, over the merged groups)")
	}
	if len(found) == 0 && len(valueConds) == 0 {
		return nil, false, nil
	}
	if sel.Lock != "" {
		return nil, true, semiRefusalf("%s over a semi-join", strings.TrimSpace(sel.Lock))
	}
	if scalars > 0 {
		for _, se := range sel.SelectExprs {
			if _, ok := se.(*sqlparser.StarExpr); ok {
				return nil, true, semiRefusalf("* with a scalar subquery in the select list: name the columns")
			}
		}
	}
	if correlatedScalars && (sel.Distinct != "" || len(sel.GroupBy) > 0 || sel.Having != nil || hasAggregate(sel.SelectExprs)) {
		return nil, true, semiRefusalf("a correlated scalar subquery in the select list of a SELECT with DISTINCT, GROUP BY, HAVING or aggregates")
	}
	horizon := sel.Distinct != "" || len(sel.GroupBy) > 0 || sel.Having != nil || sel.Limit != nil || hasAggregate(sel.SelectExprs)
	filters := len(found) > scalars
	if filters && horizon || len(valueConds) > 0 {
		if scalars > 0 {
			return nil, true, semiRefusalf("a scalar subquery in the select list of a SELECT whose WHERE compares correlated scalar subqueries, or whose DISTINCT, GROUP BY, HAVING, aggregates or LIMIT run after a semi-join")
		}
		return p.planSemiJoinHorizon(sel, s, nargs, found, rest, valueConds)
	}
	if correlatedScalars && orderNamesScalar(sel) {
		return nil, true, semiRefusalf("ORDER BY a correlated scalar subquery of the select list")
	}
	pl, err := p.buildSemiJoin(sel, s, nargs, found, rest)
	return pl, true, err
}

// orderNamesScalar reports an ORDER BY naming a scalar subquery item of
// the select list, by alias or position.
func orderNamesScalar(sel *sqlparser.Select) bool {
	for _, o := range sel.OrderBy {
		if hasSubqueryIn(o.Expr) {
			return true
		}
		for i, se := range sel.SelectExprs {
			ae, ok := se.(*sqlparser.AliasedExpr)
			if !ok {
				continue
			}
			if _, ok := ae.Expr.(*sqlparser.Subquery); !ok {
				continue
			}
			switch x := o.Expr.(type) {
			case *sqlparser.ColName:
				if x.Qualifier.IsEmpty() && !ae.As.IsEmpty() && x.Name.Equal(ae.As) {
					return true
				}
			case *sqlparser.SQLVal:
				if x.Type == sqlparser.IntVal && string(x.Val) == strconv.Itoa(i+1) {
					return true
				}
			}
		}
	}
	return false
}

// correlatedIn reports an expression holding a correlated subquery.
func correlatedIn(e sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if sq, ok := n.(*sqlparser.Subquery); ok {
			if !uncorrelated(sq) {
				found = true
			}
			return false, nil
		}
		return !found, nil
	}, e)
	return found
}

// buildSemiJoin plans the outer statement of sel without the found
// subqueries, with their outer columns as hidden columns, and each
// subquery's inner statement.
func (p *Planner) buildSemiJoin(sel *sqlparser.Select, s *Session, nargs int, found []semiFound, rest []sqlparser.Expr) (*semiJoinPlan, error) {
	outerTables, err := p.fromTables(sel.From, s)
	if err != nil {
		return nil, err
	}
	var eng eval.Engine
	if len(outerTables) > 0 {
		eng = p.engineOfKeyspace(outerTables[0].Keyspace)
	}
	sp := &semiJoinPlan{batch: p.batchRows(), eng: eng, nargs: nargs, maxRows: p.memoryRows()}
	out := &sqlparser.Select{Distinct: sel.Distinct, From: sel.From, GroupBy: sel.GroupBy, Having: sel.Having, OrderBy: sel.OrderBy, Limit: sel.Limit}
	out.SelectExprs = append(sqlparser.SelectExprs{}, sel.SelectExprs...)
	if len(rest) > 0 {
		out.Where = sqlparser.NewWhere(sqlparser.WhereStr, andAll(rest))
	}
	var hidden sqlparser.SelectExprs
	hide := func(e sqlparser.Expr) int {
		hidden = append(hidden, &sqlparser.AliasedExpr{Expr: e, As: sqlparser.NewColIdent("vsj_" + strconv.Itoa(len(hidden)))})
		return len(hidden) - 1
	}
	for _, f := range found {
		text := sqlparser.String(f.sub)
		sq := semiSubquery{kind: f.kind, text: text, into: f.item}
		if f.kind == merge.SemiValue {
			ae := sel.SelectExprs[f.item].(*sqlparser.AliasedExpr)
			as := ae.As
			if as.IsEmpty() {
				as = sqlparser.NewColIdent(argPattern.ReplaceAllString(text, "?"))
			}
			out.SelectExprs[f.item] = &sqlparser.AliasedExpr{Expr: &sqlparser.NullVal{}, As: as}
			if uncorrelated(f.sub) {
				inner, err := cloneSelect(f.sub.Select)
				if err != nil {
					return nil, err
				}
				if sq.inner, err = p.planSelect(inner, s, nargs); err != nil {
					return nil, err
				}
				sq.once = true
				sp.subs = append(sp.subs, sq)
				continue
			}
		}
		c, err := p.correlate(f, s, nargs, sp.batch, eng)
		if err != nil {
			return nil, err
		}
		for k, oc := range c.outerCols {
			sq.keys = append(sq.keys, merge.JoinKey{Outer: hide(oc), Inner: k})
		}
		if f.left != nil {
			sq.left = hide(f.left)
		}
		if c.residual != nil {
			sq.resFrom, sq.resWidth = len(hidden), len(c.residualOuter)
			for _, oc := range c.residualOuter {
				hide(oc)
			}
			sq.residual, sq.residualText = c.residual, c.residualText
		}
		sq.inner, sq.value, sq.dflt = c.plan, c.value, c.dflt
		sp.subs = append(sp.subs, sq)
	}
	sp.hidden = len(hidden)
	out.SelectExprs = append(out.SelectExprs, hidden...)
	stmt, err := Parse(sqlparser.String(out))
	if err != nil {
		return nil, err
	}
	if sp.outer, err = p.planSelect(stmt.(*sqlparser.Select), s, nargs); err != nil {
		return nil, err
	}
	return sp, nil
}

// andAll joins conditions with AND.
func andAll(conds []sqlparser.Expr) sqlparser.Expr {
	w := conds[0]
	for _, c := range conds[1:] {
		w = &sqlparser.AndExpr{Left: w, Right: c}
	}
	return w
}

// fromTables returns the VSchema tables a FROM clause names, those of
// its derived tables and subqueries included.
func (p *Planner) fromTables(from sqlparser.TableExprs, s *Session) ([]*vschema.Table, error) {
	var out []*vschema.Table
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case sqlparser.TableName:
			if n.Name.IsEmpty() {
				return false, nil
			}
			vt, err := p.vs.FindTable(n.Qualifier.String(), n.Name.String(), s.Keyspace)
			if err != nil && bad == nil {
				bad = err
			}
			if vt != nil {
				out = append(out, vt)
			}
		}
		return true, nil
	}, from)
	return out, bad
}

// correlation is a correlated subquery's inner statement: it selects the
// inner key columns (equal to outerCols), then the value at value.
type correlation struct {
	plan      Plan
	outerCols []sqlparser.Expr
	value     int
	dflt      any
	// residual is the rest of the correlation, over residualOuter
	// followed by the inner row (see semiSubquery).
	residual      *mergeValue
	residualOuter []sqlparser.Expr
	residualText  string
}

// correlate checks that a subquery is correlated only by equalities of an
// inner and an outer column among the conditions of its WHERE joined by
// AND, and plans its inner statement: `SELECT <inner key columns>[,
// <value>] FROM <its FROM> WHERE <its other conditions> AND <a key
// column> IN (<batch>)`, grouped by the key columns for a scalar
// aggregate. The key bound is the one on the inner table's primary
// vindex column when there is one, so the batch routes the statement.
func (p *Planner) correlate(f semiFound, s *Session, nargs, batch int, eng eval.Engine) (*correlation, error) {
	sub, ok := f.sub.Select.(*sqlparser.Select)
	if !ok {
		return nil, semiRefusalf("a UNION in a correlated subquery (%s)", sqlparser.String(f.sub))
	}
	text := sqlparser.String(f.sub)
	switch {
	case len(sub.GroupBy) > 0 || sub.Having != nil:
		return nil, semiRefusalf("GROUP BY or HAVING in the correlated subquery %s", text)
	case sub.Limit != nil:
		return nil, semiRefusalf("LIMIT in the correlated subquery %s", text)
	case sub.Lock != "":
		return nil, semiRefusalf("a locking correlated subquery %s", text)
	}
	inner := innerNames(sub)
	isOuter := func(c *sqlparser.ColName) bool {
		return !c.Qualifier.IsEmpty() && !inner[strings.ToLower(c.Qualifier.Name.String())]
	}
	outerRef := func(n sqlparser.SQLNode) bool {
		found := false
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if c, ok := n.(*sqlparser.ColName); ok && isOuter(c) {
				found = true
			}
			return !found, nil
		}, n)
		return found
	}
	innerRef := func(n sqlparser.SQLNode) bool {
		found := false
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if c, ok := n.(*sqlparser.ColName); ok && !isOuter(c) {
				found = true
			}
			return !found, nil
		}, n)
		return found
	}
	if outerRef(sub.From) || outerRef(sub.SelectExprs) || outerRef(sub.OrderBy) {
		return nil, semiRefusalf("the subquery %s names outer columns outside its WHERE", text)
	}
	var value sqlparser.Expr
	agg := ""
	if f.kind == merge.SemiIn || f.kind == merge.SemiNotIn || f.kind == merge.SemiValue {
		if len(sub.SelectExprs) != 1 {
			return nil, semiRefusalf("the subquery %s selects %d columns, want 1", text, len(sub.SelectExprs))
		}
		ae, ok := sub.SelectExprs[0].(*sqlparser.AliasedExpr)
		if !ok {
			return nil, semiRefusalf("* in the subquery %s", text)
		}
		value = ae.Expr
		if hasAggregate(sub.SelectExprs) {
			fn, ok := value.(*sqlparser.FuncExpr)
			if f.kind != merge.SemiValue || !ok || !fn.IsAggregate() {
				return nil, semiRefusalf("the aggregate in %s: only a scalar subquery selecting one aggregate call runs per outer row", text)
			}
			agg = fn.Name.Lowered()
			switch agg {
			case "count", "sum", "min", "max", "avg":
			default:
				return nil, semiRefusalf("the aggregate %s of a correlated subquery", strings.ToUpper(agg))
			}
		} else if f.kind == merge.SemiValue && (sub.Distinct != "" || len(sub.OrderBy) > 0) {
			return nil, semiRefusalf("DISTINCT or ORDER BY in the scalar subquery %s", text)
		}
	} else if hasAggregate(sub.SelectExprs) {
		return nil, semiRefusalf("the aggregate in the EXISTS subquery %s (it always has a row)", text)
	}
	var innerCols, outerCols []sqlparser.Expr
	var conds, residual []sqlparser.Expr
	if sub.Where != nil {
		for _, c := range splitAnd(sub.Where.Expr) {
			if !outerRef(c) {
				conds = append(conds, c)
				continue
			}
			if hasSubqueryIn(c) {
				return nil, semiRefusalf("the condition %s: a subquery in a correlation", sqlparser.String(c))
			}
			cmp, ok := c.(*sqlparser.ComparisonExpr)
			if ok && cmp.Operator == sqlparser.EqualStr {
				a, b := cmp.Left, cmp.Right
				if outerRef(a) {
					a, b = b, a
				}
				if !outerRef(a) && !innerRef(b) {
					innerCols = append(innerCols, a)
					outerCols = append(outerCols, b)
					continue
				}
			}
			residual = append(residual, c)
		}
	}
	if len(innerCols) == 0 {
		if len(residual) > 0 {
			return nil, semiRefusalf("the condition %s: a correlated subquery runs by an equality of an inner and an outer value, and this one has none", sqlparser.String(andAll(residual)))
		}
		return nil, semiRefusalf("the subquery %s names outer columns outside the conditions of its WHERE", text)
	}
	if len(residual) > 0 && agg != "" {
		return nil, semiRefusalf("the condition %s of the aggregating subquery %s: only equalities of an inner and an outer value correlate an aggregate", sqlparser.String(andAll(residual)), text)
	}
	innerTables, err := p.fromTables(sub.From, s)
	if err != nil {
		return nil, err
	}
	for _, t := range innerTables {
		if p.engineOfKeyspace(t.Keyspace) != eng {
			return nil, semiRefusalf("the subquery's tables are on a backend that compares values by other rules than the statement's")
		}
	}
	// Bind the key on a primary vindex column of an inner table, else the first.
	bindAt := 0
	for k, c := range innerCols {
		if cn, ok := c.(*sqlparser.ColName); ok && p.isPrimaryVindexColumn(sub.From, cn, s) {
			bindAt = k
			break
		}
	}
	innerCols[0], innerCols[bindAt] = innerCols[bindAt], innerCols[0]
	outerCols[0], outerCols[bindAt] = outerCols[bindAt], outerCols[0]
	var list sqlparser.ValTuple
	for b := 0; b < batch; b++ {
		list = append(list, sqlparser.NewValArg([]byte(":v"+strconv.Itoa(nargs+b+1))))
	}
	conds = append(conds, &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: innerCols[0], Right: list})
	is := &sqlparser.Select{From: sub.From, Where: sqlparser.NewWhere(sqlparser.WhereStr, andAll(conds))}
	for k, c := range innerCols {
		is.SelectExprs = append(is.SelectExprs, &sqlparser.AliasedExpr{Expr: c, As: sqlparser.NewColIdent("vsk_" + strconv.Itoa(k))})
	}
	out := &correlation{outerCols: outerCols, value: len(innerCols)}
	if value != nil {
		is.SelectExprs = append(is.SelectExprs, &sqlparser.AliasedExpr{Expr: value, As: sqlparser.NewColIdent("vsv")})
	}
	if len(residual) > 0 {
		if err := compileResidual(out, is, residual, isOuter, eng); err != nil {
			return nil, err
		}
	}
	if agg != "" {
		for _, c := range innerCols {
			is.GroupBy = append(is.GroupBy, c)
		}
		if agg == "count" {
			out.dflt = int64(0)
		}
	}
	stmt, err := Parse(sqlparser.String(is))
	if err != nil {
		return nil, err
	}
	if out.plan, err = p.planSelect(stmt.(*sqlparser.Select), s, nargs+batch); err != nil {
		return nil, err
	}
	return out, nil
}

// innerNames returns the names and aliases of the tables a SELECT (and
// its subqueries) reads, lowercased.
func innerNames(sel sqlparser.SQLNode) map[string]bool {
	names := map[string]bool{}
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if at, ok := n.(*sqlparser.AliasedTableExpr); ok {
			if !at.As.IsEmpty() {
				names[strings.ToLower(at.As.String())] = true
			}
			if tn, ok := at.Expr.(sqlparser.TableName); ok {
				names[strings.ToLower(tn.Name.String())] = true
			}
		}
		return true, nil
	}, sel)
	return names
}

// isPrimaryVindexColumn reports whether c is the one-column primary
// vindex column of the table of from it names (by qualifier, or the only
// table).
func (p *Planner) isPrimaryVindexColumn(from sqlparser.TableExprs, c *sqlparser.ColName, s *Session) bool {
	var tables []*sqlparser.AliasedTableExpr
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.AliasedTableExpr:
			tables = append(tables, n)
		}
		return true, nil
	}, from)
	q := strings.ToLower(c.Qualifier.Name.String())
	for _, at := range tables {
		tn, ok := at.Expr.(sqlparser.TableName)
		if !ok {
			continue
		}
		name := strings.ToLower(tn.Name.String())
		if !at.As.IsEmpty() {
			name = strings.ToLower(at.As.String())
		}
		if q != "" && q != name || q == "" && len(tables) != 1 {
			continue
		}
		vt, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
		if err != nil || !vt.IsSharded() || len(vt.ColumnVindexes) == 0 {
			return false
		}
		cols := vt.ColumnVindexes[0].Columns
		return len(cols) == 1 && cols[0] == c.Name.Lowered()
	}
	return false
}

// planSemiJoinHorizon plans a SELECT whose DISTINCT, GROUP BY, HAVING,
// aggregates or LIMIT must run after its semi-join: the semi-join keeps
// the rows of `SELECT <every column the horizon names> FROM <the same
// FROM> WHERE <the other conditions>`, and a relationSelect evaluates
// the select list, grouping, HAVING, DISTINCT, ORDER BY and LIMIT over
// them, as the horizon of a join is.
//
// A condition comparing correlated scalar subqueries (valueConds) is
// evaluated there too: each subquery's value fills a column of the rows,
// which the condition reads in its place.
func (p *Planner) planSemiJoinHorizon(sel *sqlparser.Select, s *Session, nargs int, found []semiFound, rest, valueConds []sqlparser.Expr) (Plan, bool, error) {
	for _, se := range sel.SelectExprs {
		if _, ok := se.(*sqlparser.StarExpr); ok {
			return nil, true, semiRefusalf("* in a SELECT whose horizon runs after a semi-join: name the columns")
		}
	}
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, true, err
	}
	user := c.(*sqlparser.Select)
	aliases := map[string]bool{}
	for _, se := range user.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() {
			aliases[ae.As.Lowered()] = true
		}
	}
	at := map[string]int{}
	var cols sqlparser.SelectExprs
	key := func(cn *sqlparser.ColName) string {
		return strings.ToLower(cn.Qualifier.Name.String()) + "." + cn.Name.Lowered()
	}
	collect := func(n sqlparser.SQLNode, clause bool) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			switch n := n.(type) {
			case *sqlparser.Subquery:
				return false, nil
			case *sqlparser.ColName:
				if clause && n.Qualifier.IsEmpty() && aliases[n.Name.Lowered()] {
					return false, nil
				}
				if _, ok := at[key(n)]; !ok {
					at[key(n)] = len(cols)
					cols = append(cols, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: n.Name, Qualifier: n.Qualifier}})
				}
			}
			return true, nil
		}, n)
	}
	collect(user.SelectExprs, false)
	collect(user.GroupBy, true)
	if user.Having != nil {
		collect(user.Having, true)
	}
	collect(user.OrderBy, true)
	// The conditions over scalar subqueries read each subquery's value as
	// a column vsq_N of the rows.
	var where []sqlparser.Expr
	var values []semiFound
	for _, vc := range valueConds {
		cp, err := Parse("SELECT 1 FROM dual WHERE " + sqlparser.String(vc))
		if err != nil {
			return nil, true, err
		}
		cond := cp.(*sqlparser.Select).Where.Expr
		collect(cond, false)
		for _, sq := range correlatedSubqueries(cond) {
			name := "vsq_" + strconv.Itoa(len(values))
			col := &sqlparser.ColName{Name: sqlparser.NewColIdent(name)}
			cond = sqlparser.ReplaceExpr(cond, sq, col)
			values = append(values, semiFound{kind: merge.SemiValue, sub: sq})
		}
		where = append(where, cond)
	}
	if len(cols) == 0 {
		cols = sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: sqlparser.NewIntVal([]byte("1")), As: sqlparser.NewColIdent("vsj_one")}}
	}
	for i := range values {
		name := "vsq_" + strconv.Itoa(i)
		at["."+name] = len(cols)
		values[i].item = len(cols)
		cols = append(cols, &sqlparser.AliasedExpr{Expr: values[i].sub, As: sqlparser.NewColIdent(name)})
	}
	found = append(append([]semiFound{}, found...), values...)
	rows := &sqlparser.Select{SelectExprs: cols, From: sel.From}
	input, err := p.buildSemiJoin(rows, s, nargs, found, rest)
	if err != nil {
		return nil, true, err
	}
	named := nameColumns(user)
	src := relationSource{
		what:  "a semi-join",
		width: len(cols),
		eng:   input.eng,
		resolve: func(cn *sqlparser.ColName) (int, error) {
			i, ok := at[key(cn)]
			if !ok {
				return 0, semiRefusalf("column %s is not one the semi-join reads", sqlparser.String(cn))
			}
			return i, nil
		},
		isColumn: p.fromColumnProbe(sel.From, s, nargs),
		itemName: func(ae *sqlparser.AliasedExpr) string {
			if _, isCol := ae.Expr.(*sqlparser.ColName); isCol && (ae.As.IsEmpty() || named[ae]) {
				return ""
			}
			return ae.As.String()
		},
		strict: true,
	}
	user.Where = nil
	if len(where) > 0 {
		user.Where = sqlparser.NewWhere(sqlparser.WhereStr, andAll(where))
	}
	rel, err := compileRelationSelect(user, src)
	if err != nil {
		return nil, true, err
	}
	return &relationPlan{input: input, rel: rel, what: "semi-join", nargs: nargs, maxRows: p.memoryRows()}, true, nil
}

// compileResidual compiles the correlation conditions other than key
// equalities into out.residual, evaluated by the router over a row of
// the outer columns they name (out.residualOuter, hidden in the outer
// statement) followed by the inner row, to whose select list is adds
// the inner columns they name.
func compileResidual(out *correlation, is *sqlparser.Select, residual []sqlparser.Expr, isOuter func(*sqlparser.ColName) bool, eng eval.Engine) error {
	key := func(c *sqlparser.ColName) string {
		return strings.ToLower(c.Qualifier.Name.String()) + "." + c.Name.Lowered()
	}
	outerAt, innerAt := map[string]int{}, map[string]int{}
	cond := andAll(residual)
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		c, ok := n.(*sqlparser.ColName)
		if !ok {
			return true, nil
		}
		k := key(c)
		if isOuter(c) {
			if _, ok := outerAt[k]; !ok {
				outerAt[k] = len(out.residualOuter)
				out.residualOuter = append(out.residualOuter, &sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier})
			}
		} else if _, ok := innerAt[k]; !ok {
			innerAt[k] = len(is.SelectExprs)
			is.SelectExprs = append(is.SelectExprs, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier}, As: sqlparser.NewColIdent("vsr_" + strconv.Itoa(len(innerAt)))})
		}
		return false, nil
	}, cond)
	width := len(out.residualOuter)
	b := &mergeBuilder{m: &mergePlan{}, eng: eng, colOf: map[string]int{}, columns: map[string]bool{}}
	b.source = func(c *sqlparser.ColName) (int, error) {
		if i, ok := outerAt[key(c)]; ok && isOuter(c) {
			return i, nil
		}
		if i, ok := innerAt[key(c)]; ok {
			return width + i, nil
		}
		return 0, semiRefusalf("column %s of the correlation is not one the semi-join reads", sqlparser.String(c))
	}
	// The condition is compiled from a copy: the inner statement's text
	// holds its columns as written.
	c, err := Parse("SELECT 1 FROM dual WHERE " + sqlparser.String(cond))
	if err != nil {
		return err
	}
	v, err := b.compileCond(c.(*sqlparser.Select).Where.Expr, clauseSelect)
	if err != nil {
		return err
	}
	out.residual, out.residualText = v, sqlparser.String(cond)
	return nil
}

// correlatedSubqueries returns the correlated subqueries of an
// expression, outermost first in the order of a walk.
func correlatedSubqueries(e sqlparser.Expr) []*sqlparser.Subquery {
	var out []*sqlparser.Subquery
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if sq, ok := n.(*sqlparser.Subquery); ok {
			if !uncorrelated(sq) {
				out = append(out, sq)
			}
			return false, nil
		}
		return true, nil
	}, e)
	return out
}

// onlyScalarSubqueries reports an expression whose correlated subqueries
// are all scalar values (not EXISTS, not the list of IN).
func onlyScalarSubqueries(e sqlparser.Expr) bool {
	ok := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.ExistsExpr:
			if !uncorrelated(n.Subquery) {
				ok = false
			}
			return false, nil
		case *sqlparser.ComparisonExpr:
			if sq, isSub := n.Right.(*sqlparser.Subquery); isSub && (n.Operator == sqlparser.InStr || n.Operator == sqlparser.NotInStr) && !uncorrelated(sq) {
				ok = false
				return false, nil
			}
		case *sqlparser.Subquery:
			return false, nil
		}
		return ok, nil
	}, e)
	return ok
}
