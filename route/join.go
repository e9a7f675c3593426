package route

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// DefaultJoinBatch is the number of outer rows a join binds into one run
// of its inner side.
const DefaultJoinBatch = 256

// joinPlan runs a SELECT over two tables no one shard holds together as
// a nested-loop join (Vitess's ApplyJoin): the outer side is a SELECT of
// its own over the shards its conditions name; for each batch of its rows
// the inner side runs with the batch's join key values bound as an IN
// list, so an equality on the inner table's vindex column reaches only
// the shards holding matches; merge.Join pairs the rows and a projection
// gives the user's columns.
//
//	SELECT t.note, i.name FROM tokens t JOIN items i ON i.id = t.item_id
//	  Project note, name
//	    Join INNER on outer 2 = inner 2
//	      route tokens (scatter)
//	      route items WHERE id IN (batch) (by vindex)
type joinPlan struct {
	outer, inner Plan
	left         bool
	keys         []merge.JoinKey
	// bound says the inner statement takes the batch's values of the
	// outer column keys[0].Outer as batch further arguments.
	bound bool
	batch int
	outs  []merge.ProjectColumn
	// cols are the joined row's positions of the output columns.
	cols    []int
	names   []string
	eng     eval.Engine
	nargs   int
	maxRows int64
	text    string
}

var _ Plan = (*joinPlan)(nil)

func (jp *joinPlan) NumArgs() int { return jp.nargs }

// innerArgs binds a batch's distinct key values after the statement's
// arguments; the list is padded with its values, or all NULL (no shard) when
// the batch has no non-NULL key.
func (jp *joinPlan) innerArgs(args []any, batch []merge.Row) []any {
	out := append(make([]any, 0, len(args)+jp.batch), args...)
	if !jp.bound {
		return out
	}
	var vals []any
	seen := map[string]bool{}
	for _, row := range batch {
		v := row[jp.keys[0].Outer]
		if v == nil {
			continue
		}
		if k := fmt.Sprintf("%T %v", v, v); !seen[k] {
			seen[k] = true
			vals = append(vals, v)
		}
	}
	for i := 0; i < jp.batch; i++ {
		var v any
		if len(vals) > 0 {
			v = vals[i%len(vals)]
		}
		out = append(out, v)
	}
	return out
}

func (jp *joinPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	if len(args) > jp.nargs {
		args = args[:jp.nargs]
	}
	outer, err := jp.outer.Query(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	open := func(batch []merge.Row) (merge.Iterator, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return jp.inner.Query(ctx, vc, jp.innerArgs(args, batch))
	}
	j, err := merge.NewJoin(outer, open, jp.keys, jp.left, jp.batch, jp.maxRows, jp.eng)
	if err != nil {
		return nil, err
	}
	// The output columns take the names the shards gave them, as one
	// database names them.
	outs := make([]merge.ProjectColumn, len(jp.outs))
	for i, o := range jp.outs {
		outs[i] = o
		outs[i].Name = j.Columns()[jp.cols[i]].Name
	}
	return &joinErrors{Iterator: merge.NewProject(j, outs, jp.eng)}, nil
}

func (jp *joinPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, jp, vc, args)
}

// Explain shows the join over the outer side's statements and the inner
// side's, the latter bound for a batch of NULL keys.
func (jp *joinPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	if len(args) > jp.nargs {
		args = args[:jp.nargs]
	}
	o, err := jp.outer.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	i, err := jp.inner.Explain(ctx, vc, jp.innerArgs(args, nil))
	if err != nil {
		return nil, err
	}
	for k := range i {
		i[k].Query = nullBatch.ReplaceAllString(i[k].Query, "IN (::join_batch)")
	}
	kind := "INNER"
	if jp.left {
		kind = "LEFT"
	}
	var on []string
	for _, k := range jp.keys {
		on = append(on, fmt.Sprintf("outer %d = inner %d", k.Outer+1, k.Inner+1))
	}
	join := operatorRow("Join %s", kind)
	if len(on) > 0 {
		join = operatorRow("Join %s on %s", kind, strings.Join(on, " AND "))
	}
	if jp.bound {
		how := "bound"
		if sp, ok := jp.inner.(*selectPlan); ok {
			how = "routed " + sp.routing.opcode.String()
		}
		join.Query += fmt.Sprintf(" (inner %s by batches of %d)", how, jp.batch)
	}
	rows := []ExplainRow{join}
	rows = append(rows, nest(o)...)
	rows = append(rows, nest(i)...)
	return append([]ExplainRow{operatorRow("Project %s", strings.Join(jp.names, ", "))}, nest(rows)...), nil
}

// nullBatch is the inner statement's IN list as VEXPLAIN binds it.
var nullBatch = regexp.MustCompile(`IN \((NULL, )*NULL\)`)

// joinSide is one table of a two-table join being planned.
type joinSide struct {
	expr  *sqlparser.AliasedTableExpr
	name  string
	table *vschema.Table
	conds []sqlparser.Expr
	// exprs are the user's columns this side computes.
	exprs sqlparser.SelectExprs
}

// joinRefusal is the reason a SELECT over tables not on one shard
// together is not run as a join.
func joinRefusal(why string, args ...any) error {
	return unsupportedf("cross-shard join: "+why, args...)
}

// planJoin plans a SELECT of two tables that are not on one shard
// together as a nested-loop join, or refuses it saying why.
func (p *Planner) planJoin(sel *sqlparser.Select, s *Session, nargs int) (Plan, error) {
	switch {
	case sel.Distinct != "", len(sel.GroupBy) > 0, sel.Having != nil, len(sel.OrderBy) > 0, sel.Limit != nil:
		return nil, joinRefusal("DISTINCT, GROUP BY, HAVING, ORDER BY and LIMIT over the rows of a join are not run at the merge")
	case sel.Lock != "":
		return nil, joinRefusal("%s over a join", strings.TrimSpace(sel.Lock))
	case hasAggregate(sel.SelectExprs):
		return nil, joinRefusal("aggregates over the rows of a join are not run at the merge")
	case hasSubquery(sel):
		return nil, joinRefusal("subqueries in a join of tables on different shards")
	}
	var l, r *sqlparser.AliasedTableExpr
	var on sqlparser.Expr
	left := false
	switch {
	case len(sel.From) == 2:
		l, _ = sel.From[0].(*sqlparser.AliasedTableExpr)
		r, _ = sel.From[1].(*sqlparser.AliasedTableExpr)
	case len(sel.From) == 1:
		j, ok := sel.From[0].(*sqlparser.JoinTableExpr)
		if !ok {
			return nil, joinRefusal("only joins of two tables are run across shards")
		}
		switch j.Join {
		case sqlparser.JoinStr:
		case sqlparser.LeftJoinStr:
			left = true
		default:
			return nil, joinRefusal("%s across shards: only JOIN and LEFT JOIN are run", strings.ToUpper(j.Join))
		}
		if len(j.Condition.Using) > 0 {
			return nil, joinRefusal("USING across shards: write the ON condition")
		}
		l, _ = j.LeftExpr.(*sqlparser.AliasedTableExpr)
		r, _ = j.RightExpr.(*sqlparser.AliasedTableExpr)
		on = j.Condition.On
	}
	if l == nil || r == nil {
		return nil, joinRefusal("only joins of two tables are run across shards")
	}
	sides := [2]*joinSide{}
	for i, te := range []*sqlparser.AliasedTableExpr{l, r} {
		tn, ok := te.Expr.(sqlparser.TableName)
		if !ok {
			return nil, joinRefusal("only joins of two tables are run across shards")
		}
		vt, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
		if err != nil {
			return nil, err
		}
		name := tn.Name.String()
		if !te.As.IsEmpty() {
			name = te.As.String()
		}
		sides[i] = &joinSide{expr: te, name: strings.ToLower(name), table: vt}
	}
	if sides[0].name == sides[1].name {
		return nil, joinRefusal("the two tables need different names or aliases")
	}
	if x, y := p.mixedBackends([]*tableRef{{table: sides[0].table}, {table: sides[1].table}}); x != nil {
		return nil, joinRefusal("%s and %s are on backends that compare values by different rules", x, y)
	}
	// side returns which side's columns e names: 0, 1, 2 for both, -1 for
	// none, or an error for a column not qualified by a side's name.
	side := func(e sqlparser.SQLNode) (int, error) {
		seen := [2]bool{}
		var bad error
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			c, ok := n.(*sqlparser.ColName)
			if !ok {
				return true, nil
			}
			q := strings.ToLower(c.Qualifier.Name.String())
			switch {
			case c.Qualifier.Qualifier.IsEmpty() && q == sides[0].name:
				seen[0] = true
			case c.Qualifier.Qualifier.IsEmpty() && q == sides[1].name:
				seen[1] = true
			default:
				bad = joinRefusal("qualify column %s with its table's name or alias", sqlparser.String(c))
			}
			return false, nil
		}, e)
		switch {
		case bad != nil:
			return 0, bad
		case seen[0] && seen[1]:
			return 2, nil
		case seen[0]:
			return 0, nil
		case seen[1]:
			return 1, nil
		}
		return -1, nil
	}
	type keyPair struct{ cols [2]*sqlparser.ColName }
	var pairs []keyPair
	classify := func(conds []sqlparser.Expr, fromOn bool) error {
		for _, c := range conds {
			sd, err := side(c)
			if err != nil {
				return err
			}
			switch {
			case sd == 0 && (!left || !fromOn):
				sides[0].conds = append(sides[0].conds, c)
			case sd == 1 && (!left || fromOn):
				sides[1].conds = append(sides[1].conds, c)
			case sd == 2 && (!left || fromOn):
				cmp, ok := c.(*sqlparser.ComparisonExpr)
				if !ok || cmp.Operator != sqlparser.EqualStr {
					return joinRefusal("only equalities of a column of each table join tables across shards, not %s", sqlparser.String(c))
				}
				a, aok := cmp.Left.(*sqlparser.ColName)
				b, bok := cmp.Right.(*sqlparser.ColName)
				if !aok || !bok {
					return joinRefusal("only equalities of a column of each table join tables across shards, not %s", sqlparser.String(c))
				}
				if sa, _ := side(a); sa == 1 {
					a, b = b, a
				}
				pairs = append(pairs, keyPair{cols: [2]*sqlparser.ColName{a, b}})
			case left:
				return joinRefusal("condition %s of a LEFT JOIN across shards is not run", sqlparser.String(c))
			default:
				return joinRefusal("condition %s names no column of the joined tables", sqlparser.String(c))
			}
		}
		return nil
	}
	if on != nil {
		if err := classify(splitAnd(on), true); err != nil {
			return nil, err
		}
	}
	if sel.Where != nil {
		if err := classify(splitAnd(sel.Where.Expr), false); err != nil {
			return nil, err
		}
	}
	// The outer side is the left one, unless an inner join's right side
	// is restricted to one shard and the left is not.
	outerIdx := 0
	// Select list: each expression comes from one side.
	type outRef struct{ side, pos int }
	var refs []outRef
	jp := &joinPlan{left: left, nargs: nargs, maxRows: p.memoryRows(), batch: p.batchRows(), eng: p.engineOfKeyspace(sides[0].table.Keyspace)}
	for _, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, joinRefusal("* in a join across shards: name the columns")
		}
		sd, err := side(ae.Expr)
		if err != nil {
			return nil, err
		}
		if sd == 2 {
			return nil, joinRefusal("%s uses both tables: select each table's columns apart", sqlparser.String(ae.Expr))
		}
		name := ae.As.String()
		if name == "" {
			c, ok := ae.Expr.(*sqlparser.ColName)
			if !ok {
				return nil, joinRefusal("name %s with AS in a join across shards", sqlparser.String(ae.Expr))
			}
			name = c.Name.String()
		}
		if sd < 0 {
			sd = 0
		}
		sides[sd].exprs = append(sides[sd].exprs, &sqlparser.AliasedExpr{Expr: ae.Expr, As: ae.As})
		refs = append(refs, outRef{side: sd, pos: len(sides[sd].exprs) - 1})
		jp.names = append(jp.names, name)
	}
	build := func(i int, keys []*sqlparser.ColName, bindCol *sqlparser.ColName) (Plan, []int, error) {
		sd := sides[i]
		exprs := append(sqlparser.SelectExprs{}, sd.exprs...)
		var pos []int
		for k, c := range keys {
			pos = append(pos, len(exprs))
			exprs = append(exprs, &sqlparser.AliasedExpr{Expr: c, As: sqlparser.NewColIdent("vjk" + strconv.Itoa(k))})
		}
		conds := append([]sqlparser.Expr{}, sd.conds...)
		if bindCol != nil {
			var list sqlparser.ValTuple
			for b := 0; b < jp.batch; b++ {
				list = append(list, sqlparser.NewValArg([]byte(":v"+strconv.Itoa(nargs+b+1))))
			}
			conds = append(conds, &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: bindCol, Right: list})
		}
		if len(exprs) == 0 {
			exprs = append(exprs, &sqlparser.AliasedExpr{Expr: sqlparser.NewIntVal([]byte("1")), As: sqlparser.NewColIdent("vjone")})
		}
		side := &sqlparser.Select{SelectExprs: exprs, From: sqlparser.TableExprs{sd.expr}}
		if len(conds) > 0 {
			w := conds[0]
			for _, c := range conds[1:] {
				w = &sqlparser.AndExpr{Left: w, Right: c}
			}
			side.Where = sqlparser.NewWhere(sqlparser.WhereStr, w)
		}
		text := sqlparser.String(side)
		stmt, err := Parse(text)
		if err != nil {
			return nil, nil, err
		}
		n := nargs
		if bindCol != nil {
			n += jp.batch
		}
		pl, err := p.planSelect(stmt.(*sqlparser.Select), s, n)
		return pl, pos, err
	}
	if !left {
		// Try the right side as outer when it alone reaches one shard.
		lp, _, lerr := build(0, nil, nil)
		rp, _, rerr := build(1, nil, nil)
		if lerr == nil && rerr == nil && !singleShard(lp) && singleShard(rp) {
			outerIdx = 1
		}
	}
	innerIdx := 1 - outerIdx
	okeys := make([]*sqlparser.ColName, len(pairs))
	ikeys := make([]*sqlparser.ColName, len(pairs))
	for k, pr := range pairs {
		okeys[k], ikeys[k] = pr.cols[outerIdx], pr.cols[innerIdx]
	}
	// Bind the key on the inner table's primary vindex column, else the first.
	bindAt := -1
	if vt := sides[innerIdx].table; len(pairs) > 0 {
		bindAt = 0
		if len(vt.ColumnVindexes) > 0 && len(vt.ColumnVindexes[0].Columns) == 1 {
			for k, c := range ikeys {
				if c.Name.Lowered() == vt.ColumnVindexes[0].Columns[0] {
					bindAt = k
					break
				}
			}
		}
	}
	if bindAt > 0 {
		okeys[0], okeys[bindAt] = okeys[bindAt], okeys[0]
		ikeys[0], ikeys[bindAt] = ikeys[bindAt], ikeys[0]
	}
	var bindCol *sqlparser.ColName
	if bindAt >= 0 {
		bindCol = ikeys[0]
		jp.bound = true
	}
	var opos, ipos []int
	var err error
	if jp.outer, opos, err = build(outerIdx, okeys, nil); err != nil {
		return nil, err
	}
	if jp.inner, ipos, err = build(innerIdx, ikeys, bindCol); err != nil {
		return nil, err
	}
	for k := range pairs {
		jp.keys = append(jp.keys, merge.JoinKey{Outer: opos[k], Inner: ipos[k]})
	}
	nouter := len(sides[outerIdx].exprs) + len(okeys)
	if nouter == 0 {
		nouter = 1
	}
	for i, ref := range refs {
		col := ref.pos
		if ref.side != outerIdx {
			col += nouter
		}
		jp.outs = append(jp.outs, merge.ProjectColumn{Name: jp.names[i], Expr: eval.Col(col)})
		jp.cols = append(jp.cols, col)
	}
	jp.eng = p.engineOfKeyspace(sides[innerIdx].table.Keyspace)
	return jp, nil
}

// singleShard reports a plan that is one route reaching at most one shard.
func singleShard(pl Plan) bool {
	sp, ok := pl.(*selectPlan)
	return ok && sp.routing.single() && len(sp.sameShard) == 0
}

// twoTables reports a SELECT over exactly two tables: a comma list or
// one JOIN of two named tables.
func twoTables(sel *sqlparser.Select) bool {
	named := func(te sqlparser.TableExpr) bool {
		a, ok := te.(*sqlparser.AliasedTableExpr)
		if !ok {
			return false
		}
		_, ok = a.Expr.(sqlparser.TableName)
		return ok
	}
	switch len(sel.From) {
	case 2:
		return named(sel.From[0]) && named(sel.From[1])
	case 1:
		j, ok := sel.From[0].(*sqlparser.JoinTableExpr)
		return ok && named(j.LeftExpr) && named(j.RightExpr)
	}
	return false
}

// isCrossShard reports the refusal of a statement whose tables no one
// shard holds together.
func isCrossShard(err error) bool {
	var ue *UnsupportedError
	if !errors.As(err, &ue) {
		return false
	}
	return strings.HasPrefix(ue.Msg, "cross-shard join:") || strings.HasPrefix(ue.Msg, "cross-keyspace statement:")
}

// batchRows returns the outer rows a join binds per run of its inner side.
func (p *Planner) batchRows() int {
	if p.joinBatch > 0 {
		return p.joinBatch
	}
	return DefaultJoinBatch
}

// joinErrors reports join keys the merge cannot compare as the backend
// does as unsupported.
type joinErrors struct {
	merge.Iterator
}

func (je *joinErrors) Next() (merge.Row, error) {
	row, err := je.Iterator.Next()
	var ke *merge.JoinKeyTypeError
	if errors.As(err, &ke) {
		return nil, joinRefusal("%v", ke)
	}
	return row, err
}
