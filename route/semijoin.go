package route

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
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
//	  SemiJoin EXISTS on outer hidden 1 = inner 1 (inner routed Scatter by batches of 256)
//	    route SELECT id, u.id AS vsj_0 FROM users AS u
//	    route SELECT o.amount AS vsk_0 FROM orders AS o WHERE o.amount IN (::semi_batch)
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
	// where, when set, is the condition the router evaluates over the
	// hidden columns (see addPostFilter); whereText shows it.
	where     *mergeValue
	whereText string
	// count and offset are the outer statement's LIMIT when it applies to
	// the rows the semi-join keeps (the shards sort them, the limit cuts
	// them after); nil when none.
	count, offset *valueExpr
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
	// mark writes the condition's truth into into (see merge.Correlated);
	// bound runs the inner statement per tuple of the hidden outer columns
	// args, bound after the statement's arguments.
	mark, bound, ordered bool
	args                 []int
	cut, keep            int
	orderCols            []int
	// hiddenInto counts into among the hidden columns.
	hiddenInto bool
	// numeric compares x of x IN (…) with the values as numbers.
	numeric bool
}

var _ Plan = (*semiJoinPlan)(nil)

func (sp *semiJoinPlan) NumArgs() int { return sp.nargs }

// innerArgs binds the batch's distinct non-NULL values of outer column
// col after the statement's arguments (see batchArgs).
func (sp *semiJoinPlan) innerArgs(args []any, batch []merge.Row, col int) []any {
	return batchArgs(args, batch, col, sp.batch)
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
		c, err := sq.correlated(ctx, vc, args, base, sp.batch, sp.eng)
		if err != nil {
			outer.Close()
			return nil, err
		}
		subs[i] = c
	}
	sj, err := merge.NewSemiJoin(outer, subs, sp.batch, sp.maxRows, sp.eng)
	if err != nil {
		return nil, semiRefusal(err)
	}
	var it merge.Iterator = sj
	from := 0
	if sp.where != nil {
		// The hidden columns first, for the condition over them.
		cols := sj.Columns()
		var first []merge.ProjectColumn
		for i := base; i < len(cols); i++ {
			first = append(first, merge.ProjectColumn{Name: cols[i].Name, Expr: eval.Col(i)})
		}
		for i := 0; i < base; i++ {
			first = append(first, merge.ProjectColumn{Name: cols[i].Name, Expr: eval.Col(i)})
		}
		pred, err := sp.where.expr(args)
		if err != nil {
			sj.Close()
			return nil, err
		}
		it = merge.NewFilter(merge.NewProject(sj, first, sp.eng), pred, sp.eng)
		from = sp.hidden
	}
	outs := make([]merge.ProjectColumn, base)
	for i := range outs {
		outs[i] = merge.ProjectColumn{Name: it.Columns()[from+i].Name, Expr: eval.Col(from + i)}
	}
	it = merge.NewProject(it, outs, sp.eng)
	if sp.count != nil || sp.offset != nil {
		count, offset := int64(-1), int64(0)
		if sp.count != nil {
			if count, err = limitValue(*sp.count, args, "LIMIT"); err != nil {
				it.Close()
				return nil, err
			}
		}
		if sp.offset != nil {
			if offset, err = limitValue(*sp.offset, args, "OFFSET"); err != nil {
				it.Close()
				return nil, err
			}
		}
		it = merge.NewLimit(it, offset, count)
	}
	return &semiErrors{Iterator: it}, nil
}

// correlated returns the merge's subquery of sq over outer rows whose
// hidden columns start at base, its inner statement run with the
// statement's arguments args (and, batched, batch key values bound).
func (sq semiSubquery) correlated(ctx context.Context, vc Cursor, args []any, base, batch int, eng eval.Engine) (merge.Correlated, error) {
	into := sq.into
	if sq.hiddenInto {
		into += base
	} else if into < 0 {
		// Counted from the end of the select list, after a *.
		into += base
	}
	c := merge.Correlated{Kind: sq.kind, Left: base + sq.left, Value: sq.value, Into: into, Default: sq.dflt, Mark: sq.mark, Ordered: sq.ordered, Cut: sq.cut, Keep: sq.keep, OrderCols: sq.orderCols, Numeric: sq.numeric}
	for _, k := range sq.keys {
		c.Keys = append(c.Keys, merge.JoinKey{Outer: base + k.Outer, Inner: k.Inner})
	}
	if sq.residual != nil {
		x, err := sq.residual.expr(args)
		if err != nil {
			return c, err
		}
		c.Residual, c.From, c.Width = &x, base+sq.resFrom, sq.resWidth
	}
	switch {
	case sq.bound:
		for _, a := range sq.args {
			c.Args = append(c.Args, base+a)
		}
		c.OpenRow = func(o merge.Row) (merge.Iterator, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return sq.inner.Query(ctx, vc, rowArgs(args, o, c.Args))
		}
	case sq.once:
		var row *merge.Static
		c.Open = func([]merge.Row) (merge.Iterator, error) {
			if row == nil {
				open := func() (merge.Iterator, error) { return sq.inner.Query(ctx, vc, args) }
				r, err := merge.SubqueryRow([]merge.Subquery{{Name: sq.text, Kind: merge.ScalarSubquery, Open: open}}, eng)
				if err != nil {
					return nil, err
				}
				row = r
			}
			cp := *row
			return &cp, nil
		}
	default:
		bind := c.Keys[0].Outer
		c.Open = func(rows []merge.Row) (merge.Iterator, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return sq.inner.Query(ctx, vc, batchArgs(args, rows, bind, batch))
		}
	}
	return c, nil
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
		switch {
		case sq.kind == merge.SemiValue:
			desc = "VALUE into " + intoText(sq.into)
		case sq.mark && sq.hiddenInto:
			desc += fmt.Sprintf(" MARK into hidden %d", sq.into+1)
		case sq.mark:
			desc += " MARK into " + intoText(sq.into)
		}
		switch {
		case sq.bound:
			var on []string
			for _, a := range sq.args {
				on = append(on, fmt.Sprintf("outer hidden %d", a+1))
			}
			iargs = rowArgs(args, make(merge.Row, len(sq.args)), seq(len(sq.args)))
			if len(on) == 0 {
				desc += " (uncorrelated, run once)"
			} else {
				desc += fmt.Sprintf(" (inner per distinct %s bound)", strings.Join(on, ", "))
			}
		case !sq.once:
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
		default:
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
	if sp.where != nil {
		out = append([]ExplainRow{operatorRow("Filter %s", sp.whereText)}, nest(out)...)
	}
	out = append(out, nest(o)...)
	out = append(out, inner...)
	if sp.count != nil || sp.offset != nil {
		var lim []string
		if sp.count != nil {
			lim = append(lim, "LIMIT "+sp.count.String())
		}
		if sp.offset != nil {
			lim = append(lim, "OFFSET "+sp.offset.String())
		}
		out = append([]ExplainRow{operatorRow("%s", strings.Join(lim, " "))}, nest(out)...)
	}
	return out, nil
}

// rowArgs binds the outer columns cols of row o after the statement's
// arguments, for a subquery run per outer tuple.
func rowArgs(args []any, o merge.Row, cols []int) []any {
	out := append(make([]any, 0, len(args)+len(cols)), args...)
	for _, c := range cols {
		out = append(out, o[c])
	}
	return out
}

// intoText shows the column a value fills: its position, or after a *
// its position from the end.
func intoText(into int) string {
	if into < 0 {
		return fmt.Sprintf("%d from the end", -into)
	}
	return strconv.Itoa(into + 1)
}

// seq returns 0, 1, …, n-1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// semiRefusal reports what the merge cannot decide as a backend would
// as unsupported.
func semiRefusal(err error) error {
	var ke *merge.JoinKeyTypeError
	switch {
	case errors.As(err, &ke):
		return unsupportedf("subquery over other shards, run as a semi-join: %v", ke)
	case errors.Is(err, merge.ErrSubqueryRowOrder), errors.Is(err, merge.ErrSubqueryLimitOrder), errors.Is(err, merge.ErrSubqueryOrderTie):
		return unsupportedf("subquery over other shards, run as a semi-join: %v", err)
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
