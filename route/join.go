package route

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// DefaultJoinBatch is the number of outer rows a join binds into one run
// of its inner side.
const DefaultJoinBatch = 256

// joinPlan is one nested-loop join (Vitess's ApplyJoin) of a SELECT over
// tables no one shard holds together: the outer side is a leaf statement
// or the join of the tables before; for each batch of its rows the inner
// leaf runs with the batch's values of the first join key bound as an IN
// list, so an equality on the inner table's vindex column reaches only
// the shards holding matches; merge.Join pairs the rows on the keys and
// the residual condition, a filter applies the WHERE conditions on a
// nullable inner side, and the last join of the chain projects the
// user's columns (see join_tree.go for the planning).
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
	// residual is the match condition beyond the keys, filter the
	// condition on the joined rows; nil when none. Their texts are for
	// VEXPLAIN.
	// all, when not nil, is the inner leaf without the batch's IN list:
	// the join reads it once into a hash table (see hashInner).
	all Plan
	// marks, when not nil, are the correlated subqueries of the match
	// condition, decided per pair of rows (see join_marks.go).
	marks                    *joinMarks
	residual, filter         *mergeValue
	residualText, filterText string
	// outs project the user's columns on the last join of a chain (nil on
	// the others, whose rows are the outer columns then the inner ones);
	// cols are the joined row's positions of the output columns.
	outs []merge.ProjectColumn
	cols []int
	// computed are the output columns computed over the joined row (an
	// expression of a nullable side), nil for the others.
	computed []*mergeValue
	names    []string
	eng      eval.Engine
	nargs    int
	maxRows  int64
	text     string
}

var _ Plan = (*joinPlan)(nil)

func (jp *joinPlan) NumArgs() int { return jp.nargs }

// innerArgs binds a batch's distinct key values after the statement's
// arguments (see batchArgs) when the inner side is bound by them.
func (jp *joinPlan) innerArgs(args []any, batch []merge.Row) []any {
	if !jp.bound {
		return append(make([]any, 0, len(args)), args...)
	}
	out := batchArgs(args, batch, jp.keys[0].Outer, jp.batch)
	if jp.keys[0].Numeric {
		for i := len(args); i < len(out); i++ {
			out[i] = eval.ToNumber(out[i])
		}
	}
	return out
}

func (jp *joinPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	if len(args) > jp.nargs {
		args = args[:jp.nargs]
	}
	var table *merge.HashTable
	if jp.all != nil {
		t, err := jp.hashInner(ctx, vc, args)
		if err != nil {
			return nil, err
		}
		table = t
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
	opts := merge.JoinOptions{Keys: jp.keys, Left: jp.left, Batch: jp.batch, MaxRows: jp.maxRows, Eng: jp.eng, Once: !jp.bound}
	var filter *eval.Expr
	for _, v := range []*mergeValue{jp.residual, jp.filter} {
		if v == nil {
			continue
		}
		x, err := v.expr(args)
		if err != nil {
			outer.Close()
			return nil, err
		}
		if v == jp.residual {
			opts.Residual = &x
		} else {
			filter = &x
		}
	}
	if jp.marks != nil {
		if opts.Marks, err = jp.marks.options(ctx, vc, args, jp.batch, jp.eng); err != nil {
			outer.Close()
			return nil, err
		}
	}
	var j merge.Iterator
	if table != nil {
		j = merge.NewHashJoin(outer, table, jp.left)
	} else if j, err = merge.NewJoinWith(outer, open, opts); err != nil {
		return nil, joinError(err)
	}
	var it merge.Iterator = j
	if filter != nil {
		it = merge.NewFilter(j, *filter, jp.eng)
	}
	if jp.outs == nil {
		return it, nil
	}
	// The output columns take the names the shards gave them, as one
	// database names them.
	outs := make([]merge.ProjectColumn, len(jp.outs))
	for i, o := range jp.outs {
		outs[i] = o
		if jp.computed != nil && jp.computed[i] != nil {
			x, err := jp.computed[i].expr(args)
			if err != nil {
				it.Close()
				return nil, err
			}
			outs[i].Expr = x
			continue
		}
		outs[i].Name = j.Columns()[jp.cols[i]].Name
	}
	return &joinErrors{Iterator: merge.NewProject(it, outs, jp.eng)}, nil
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
	var i []ExplainRow
	if jp.all != nil {
		i, err = jp.all.Explain(ctx, vc, args)
	} else {
		i, err = jp.inner.Explain(ctx, vc, jp.innerArgs(args, nil))
	}
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
	if jp.residualText != "" {
		on = append(on, jp.residualText)
	}
	var marks []ExplainRow
	if jp.marks != nil {
		text, rows, err := jp.marks.explain(ctx, vc, args, jp.batch)
		if err != nil {
			return nil, err
		}
		on, marks = append(on, text), rows
	}
	join := operatorRow("Join %s", kind)
	if len(on) > 0 {
		join = operatorRow("Join %s on %s", kind, strings.Join(on, " AND "))
	}
	switch {
	case jp.all != nil:
		join.Query = "Hash" + join.Query + fmt.Sprintf(" (inner read once into a hash table; past max_memory_rows by batches of %d)", jp.batch)
	case jp.bound:
		how := "bound"
		if sp, ok := jp.inner.(*selectPlan); ok {
			how = "routed " + sp.routing.opcode.String()
		}
		join.Query += fmt.Sprintf(" (inner %s by batches of %d)", how, jp.batch)
	default:
		join.Query += " (inner read once)"
	}
	rows := []ExplainRow{join}
	rows = append(rows, nest(o)...)
	rows = append(rows, nest(i)...)
	rows = append(rows, marks...)
	if jp.filterText != "" {
		rows = append([]ExplainRow{operatorRow("Filter %s", jp.filterText)}, nest(rows)...)
	}
	if jp.outs == nil {
		return rows, nil
	}
	return append([]ExplainRow{operatorRow("Project %s", strings.Join(jp.names, ", "))}, nest(rows)...), nil
}

// nullBatch is the inner statement's IN list as VEXPLAIN binds it.
var nullBatch = regexp.MustCompile(`IN \((NULL, )*NULL\)`)

// singleShard reports a plan that is one route reaching at most one shard.
func singleShard(pl Plan) bool {
	sp, ok := pl.(*selectPlan)
	return ok && sp.routing.single() && len(sp.sameShard) == 0
}

// namedTables reports a SELECT over several tables, each a named table
// (no derived table), joined by commas and JOINs.
func namedTables(sel *sqlparser.Select) bool {
	tables, derived, ok := fromItems(sel)
	return ok && derived == 0 && tables >= 2
}

// fromItems counts the named tables and the aliased derived tables of a
// SELECT's FROM clause, joined by commas, JOINs and parentheses; ok is
// false when it holds anything else.
func fromItems(sel *sqlparser.Select) (tables, derived int, ok bool) {
	var walk func(te sqlparser.TableExpr) bool
	walk = func(te sqlparser.TableExpr) bool {
		switch te := te.(type) {
		case *sqlparser.AliasedTableExpr:
			switch te.Expr.(type) {
			case sqlparser.TableName:
				tables++
				return true
			case *sqlparser.Subquery:
				derived++
				return !te.As.IsEmpty()
			}
			return false
		case *sqlparser.ParenTableExpr:
			for _, e := range te.Exprs {
				if !walk(e) {
					return false
				}
			}
			return true
		case *sqlparser.JoinTableExpr:
			return walk(te.LeftExpr) && walk(te.RightExpr)
		}
		return false
	}
	for _, te := range sel.From {
		if !walk(te) {
			return tables, derived, false
		}
	}
	return tables, derived, true
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
	return row, joinError(err)
}

// joinError reports join keys the merge cannot compare as the backend
// does, and a subquery of a match condition it cannot decide as one
// would, as unsupported.
func joinError(err error) error {
	var ke *merge.JoinKeyTypeError
	if errors.As(err, &ke) {
		return joinRefusal("%v", ke)
	}
	return semiRefusal(err)
}

// joinRefusal is the reason a SELECT over tables not on one shard
// together is not run as a join.
func joinRefusal(why string, args ...any) error {
	return unsupportedf("cross-shard join: "+why, args...)
}
