package route

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// dmlInputPlan runs an UPDATE or DELETE that no shard can run alone, as
// Vitess's DMLWithInput does: a multi-table statement (DELETE t FROM t
// JOIN u …, UPDATE t JOIN u … SET t.c = …) and a single-table one whose
// ORDER BY … LIMIT spans several shards.
//
// Algorithm, in one transaction (the session's, else one of its own that
// commits on every shard or on none):
//
//  1. The input SELECT reads, through the engine (which joins across
//     shards and merges ORDER BY … LIMIT), the target table's key — its
//     primary key as the backend's catalog knows it, plus its primary
//     vindex columns — and beside it each column of another table that a
//     SET value reads, FOR UPDATE where the backend locks rows:
//
//     SELECT t.id, u.d FROM t JOIN u ON t.k = u.k WHERE … FOR UPDATE
//
//  2. The rows are reduced to one per key (a join names a target row once
//     per matching row); a key that two rows give different SET values is
//     refused, as one database would pick one of them arbitrarily. Under a
//     LIMIT n the input reads n+1 rows, and the statement is refused when
//     row n+1 ties row n on the ORDER BY (or there is no ORDER BY and more
//     than n rows match): which rows one database keeps would then be its
//     own arbitrary choice.
//
//  3. The keys are written by single-table statements through dmlPlan,
//     which routes them by their primary vindex values and keeps owned
//     lookup vindexes in step: keys with the same SET values together, up
//     to writeBatch at a time (a batch is padded to a power of two by
//     repeating its last key, so few statements are planned):
//
//     UPDATE t SET c = :d WHERE id IN (:id1, :id2, …)
//
// RowsAffected is the sum of the per-key writes: the rows one database's
// statement changes.
type dmlInputPlan struct {
	p     *Planner
	table *vschema.Table
	// tn is the target table as the statement names it; ref is the name
	// its columns are qualified by in the input (its alias or its name).
	tn  sqlparser.TableName
	ref string
	// from, where, order and limit are the statement's, as text parsed
	// again for every input built (planning changes an AST).
	from, where, order string
	limit              sqlparser.Expr
	sets               []dmlInputSet
	// values are the input's columns of other tables that SET values
	// read, bound per key as the arguments after the statement's.
	values   []string
	delete   bool
	lock     bool
	nargs    int
	keyspace string
	built    atomic.Pointer[dmlInputBuilt]
}

var _ Plan = (*dmlInputPlan)(nil)

// dmlInputSet is one SET of an UPDATE: the column and its value as the
// per-key statement writes it (see perKeyValue).
type dmlInputSet struct {
	col  string
	expr string
}

// dmlInputBuilt holds the input and per-key plans for one primary key.
type dmlInputBuilt struct {
	keys  []string
	input Plan
	nvals int
	s     *Session
	// writes holds the per-key write plans by batch size.
	mu     sync.Mutex
	writes map[int]Plan
}

// writeBatch is the most keys one per-key write names.
const writeBatch = 64

func (dp *dmlInputPlan) verb() string {
	if dp.delete {
		return "DELETE"
	}
	return "UPDATE"
}

func (dp *dmlInputPlan) NumArgs() int { return dp.nargs }

func (dp *dmlInputPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	return queryByExec(ctx, dp, vc, args)
}

func (dp *dmlInputPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	b, err := dp.plans(ctx)
	if err != nil {
		return nil, err
	}
	in, err := dp.inputArgs(args)
	if err != nil {
		return nil, err
	}
	return b.input.Explain(ctx, vc, in)
}

func (dp *dmlInputPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	s := vc.Session()
	defer endDML(s, markDML(s))
	b, err := dp.plans(ctx)
	if err != nil {
		return Result{}, err
	}
	in, err := dp.inputArgs(args)
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = vc.Atomic(ctx, func(ctx context.Context) error {
		targets, err := dp.readTargets(ctx, vc, b, in)
		if err != nil {
			return err
		}
		for _, g := range groupByValues(targets, b.nvals) {
			for len(g) > 0 {
				chunk := g[:min(len(g), writeBatch)]
				g = g[len(chunk):]
				n, err := dp.writeKeys(ctx, vc, b, args, chunk)
				if err != nil {
					return err
				}
				res.RowsAffected += n
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// writeKeys writes the rows of keys, which share their SET values, with
// one per-key write.
func (dp *dmlInputPlan) writeKeys(ctx context.Context, vc Cursor, b *dmlInputBuilt, args []any, rows [][]any) (int64, error) {
	size := 1
	for size < len(rows) {
		size *= 2
	}
	w, err := dp.writePlan(b, size)
	if err != nil {
		return 0, err
	}
	nk := len(b.keys)
	wargs := make([]any, dp.nargs, dp.nargs+b.nvals+size*nk)
	copy(wargs, args)
	wargs = append(wargs, rows[0][:b.nvals]...)
	for i := 0; i < size; i++ {
		row := rows[min(i, len(rows)-1)]
		wargs = append(wargs, row[b.nvals:]...)
	}
	r, err := w.Exec(ctx, vc, wargs)
	return r.RowsAffected, err
}

// writePlan returns the per-key write of size keys, planning it on first
// use.
func (dp *dmlInputPlan) writePlan(b *dmlInputBuilt, size int) (Plan, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if w := b.writes[size]; w != nil {
		return w, nil
	}
	w, err := dp.planWrite(b.keys, b.nvals, size, b.s)
	if err != nil {
		return nil, err
	}
	if b.writes == nil {
		b.writes = map[int]Plan{}
	}
	b.writes[size] = w
	return w, nil
}

// groupByValues groups target rows (SET values, then key) by their SET
// values, in the order each group is first seen.
func groupByValues(rows [][]any, nvals int) [][][]any {
	if nvals == 0 {
		return [][][]any{rows}
	}
	at := map[string]int{}
	var out [][][]any
	for _, r := range rows {
		k := encodeKey(r[:nvals])
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// inputArgs returns the input SELECT's arguments: the statement's, then
// under a LIMIT n the n+1 rows it reads.
func (dp *dmlInputPlan) inputArgs(args []any) ([]any, error) {
	if dp.limit == nil {
		return args, nil
	}
	n, err := dp.limitCount(args)
	if err != nil {
		return nil, err
	}
	in := make([]any, dp.nargs+1)
	copy(in, args)
	in[dp.nargs] = n + 1
	return in, nil
}

// limitCount evaluates the LIMIT's row count: a literal or an argument.
func (dp *dmlInputPlan) limitCount(args []any) (int64, error) {
	v, ok := newValueExpr(dp.limit)
	if !ok {
		return 0, unsupportedf("%s of %s with LIMIT %s: the limit must be a number or ?", dp.verb(), dp.table, sqlparser.String(dp.limit))
	}
	n, err := limitValue(v, args, "LIMIT")
	if err != nil {
		return 0, fmt.Errorf("vitessdo: %s of %s: %w", dp.verb(), dp.table, err)
	}
	return n, nil
}

// readTargets runs the input and returns, per target row, its selected
// SET values and then its key, each row once.
func (dp *dmlInputPlan) readTargets(ctx context.Context, vc Cursor, b *dmlInputBuilt, in []any) ([][]any, error) {
	it, err := b.input.Query(ctx, vc, in)
	if err != nil {
		return nil, err
	}
	it = merge.NewBound(it, dp.p.memoryRows(), dp.verb()+" of "+dp.table.String())
	defer it.Close()
	cols := it.Columns()
	nk := len(b.keys)
	var limit int64 = -1
	if dp.limit != nil {
		if limit, err = dp.limitCount(in); err != nil {
			return nil, err
		}
	}
	seen := map[string]int{}
	var out [][]any
	var last merge.Row
	var n int64
	for {
		row, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if limit >= 0 && n == limit {
			if dp.order == "" || dp.tiesAt(cols, nk+b.nvals, last, row) {
				return nil, unsupportedf("%s of %s with ORDER BY … LIMIT %d over several shards: the rows at the limit tie on the ORDER BY (or there is none), so which of them one database changes would be its own arbitrary choice; order by columns that decide the rows, such as the primary key", dp.verb(), dp.table, limit)
			}
			break
		}
		n++
		last = row
		key := row[:nk]
		if hasNil(key) {
			// The target's side of an outer join found no row.
			continue
		}
		vals := row[nk : nk+b.nvals]
		k := encodeKey(key)
		if i, ok := seen[k]; ok {
			if encodeKey(out[i][:b.nvals]) != encodeKey(vals) {
				return nil, unsupportedf("UPDATE of %s whose join gives the row %s several different values to set: one database would set one of them arbitrarily", dp.table, keyText(b.keys, key))
			}
			continue
		}
		seen[k] = len(out)
		t := make([]any, 0, b.nvals+nk)
		t = append(append(t, vals...), key...)
		out = append(out, t)
	}
	return out, nil
}

// tiesAt reports whether rows a and b order alike on the ORDER BY values
// that start at column off.
func (dp *dmlInputPlan) tiesAt(cols []merge.Column, off int, a, b merge.Row) bool {
	eng := dp.p.engineOfKeyspace(dp.table.Keyspace)
	for i := off; i < len(a); i++ {
		if eng.Compare(a[i], b[i], cols[i]) != 0 {
			return false
		}
	}
	return true
}

func hasNil(vals []any) bool {
	for _, v := range vals {
		if v == nil {
			return true
		}
	}
	return false
}

// encodeKey is a map key for values of one column each: the type keeps
// int64(1) and float64(1) apart, which one column never mixes.
func encodeKey(vals []any) string {
	var b strings.Builder
	for _, v := range vals {
		if x, ok := v.([]byte); ok {
			v = string(x)
		}
		fmt.Fprintf(&b, "%T:%q|", v, fmt.Sprint(v))
	}
	return b.String()
}

// keyText names a row by its key, as an error shows it.
func keyText(cols []string, vals []any) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s=%v", c, vals[i])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
