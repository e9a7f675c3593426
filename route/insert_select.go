package route

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// An INSERT … SELECT whose SELECT and target do not provably live on one
// shard runs in two steps, as VTGate's InsertSelect does: the SELECT runs
// through the planner (the plan it would get on its own, in the session's
// transaction if one is open), and its rows, read to the end first, become
// the VALUES of an INSERT planned as any other: each row routed by the
// primary vindex, copied to every shard of a reference table, given its
// sequence id when it leaves the auto-increment column out or NULL, its
// owned lookup rows created, the rows of one shard in one multi-row
// INSERT, and the shards written all or none. Reading every row before
// writing any makes a SELECT of the target table read a snapshot; the
// rows held are bounded by max_memory_rows.

// insertSelectPlan runs an INSERT … SELECT row by row.
type insertSelectPlan struct {
	p     *Planner
	table *vschema.Table
	// ins is the statement without its rows: the target, column list,
	// IGNORE and ON DUPLICATE KEY UPDATE each execution's INSERT copies.
	ins   sqlparser.Insert
	sel   Plan
	nargs int
}

var _ Plan = (*insertSelectPlan)(nil)

// pushesInsertSelect reports an INSERT … SELECT that runs whole on the
// target's one shard: an unsharded, unpinned table without a sequence,
// whose SELECT reads only tables of the same keyspace.
func (p *Planner) pushesInsertSelect(ins *sqlparser.Insert, t *vschema.Table, s *Session) bool {
	if t.IsSharded() || t.Type == vschema.TypeReference || t.Pinned != nil || t.AutoIncrement != nil {
		return false
	}
	local := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		ate, ok := n.(*sqlparser.AliasedTableExpr)
		if !ok {
			return true, nil
		}
		tn, ok := ate.Expr.(sqlparser.TableName)
		if !ok {
			return true, nil
		}
		if p.heldTable(tn) != nil {
			// Rows the router holds are not on the shard.
			local = false
			return false, nil
		}
		other, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
		if err != nil || other.Keyspace != t.Keyspace {
			local = false
		}
		return local, nil
	}, ins.Rows)
	return local
}

// planInsertSelect plans the SELECT of an INSERT … SELECT into t.
func (p *Planner) planInsertSelect(ins *sqlparser.Insert, t *vschema.Table, s *Session, nargs int) (Plan, error) {
	if ins.Action == sqlparser.ReplaceStr && (t.IsSharded() || t.Type == vschema.TypeReference) {
		return nil, unsupportedf("REPLACE into %s: REPLACE deletes then inserts, which cannot keep a sharded or reference table's vindexes right; use INSERT … ON DUPLICATE KEY UPDATE", t)
	}
	sel, ok := ins.Rows.(sqlparser.SelectStatement)
	if !ok {
		return nil, unsupportedf("INSERT into %s from %s", t, sqlparser.String(ins.Rows))
	}
	if sub, ok := sel.(*sqlparser.ParenSelect); ok {
		sel = sub.Select
	}
	isp := &insertSelectPlan{p: p, table: t, ins: *ins, nargs: nargs}
	isp.ins.Rows = nil
	isp.ins.Columns = append(sqlparser.Columns(nil), ins.Columns...)
	isp.ins.Table.Qualifier = sqlparser.NewTableIdent(t.Keyspace.Name)
	if len(isp.ins.Columns) == 0 && len(t.Columns) == 0 && (t.IsSharded() || t.AutoIncrement != nil || t.Type == vschema.TypeReference) {
		return nil, unsupportedf("INSERT into %s without a column list: name the columns, or list them in the vschema's \"columns\"", t)
	}
	pl, err := p.planSelect(sel, s, nargs)
	if err != nil {
		return nil, fmt.Errorf("SELECT of INSERT into %s: %w", t, err)
	}
	isp.sel = pl
	return isp, nil
}

func (isp *insertSelectPlan) NumArgs() int { return isp.nargs }

func (isp *insertSelectPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	return queryByExec(ctx, isp, vc, args)
}

// insertSelectBatchArgs bounds the bind arguments of one INSERT of
// selected rows, well below the backends' limits on a statement's
// parameters (SQLite's 32766, PostgreSQL's 65535).
const insertSelectBatchArgs = 10000

// rowsBatch is the INSERT of some of the selected rows, with its
// arguments.
type rowsBatch struct {
	plan Plan
	args []any
}

func (isp *insertSelectPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	batches, err := isp.rowsInserts(ctx, vc, args)
	if err != nil || len(batches) == 0 {
		return Result{}, err
	}
	if len(batches) == 1 {
		return batches[0].plan.Exec(ctx, vc, batches[0].args)
	}
	// Several INSERTs: all of them or none.
	var res Result
	err = vc.Atomic(ctx, func(ctx context.Context) error {
		for _, b := range batches {
			r, err := b.plan.Exec(ctx, vc, b.args)
			if err != nil {
				return err
			}
			res.RowsAffected += r.RowsAffected
			if r.HasLastInsertID && !res.HasLastInsertID {
				res.LastInsertID, res.HasLastInsertID = r.LastInsertID, true
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	if res.HasLastInsertID {
		vc.Session().LastInsertID = res.LastInsertID
	}
	return res, nil
}

// Explain lists the SELECT's shard statements, then the INSERTs its rows
// would get: the SELECT runs (it only reads), the INSERTs do not.
func (isp *insertSelectPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	out, err := isp.sel.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	batches, err := isp.rowsInserts(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	for _, b := range batches {
		more, err := b.plan.Explain(ctx, vc, b.args)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// rowsInserts runs the SELECT and returns the INSERTs of its rows, as
// many rows in each as insertSelectBatchArgs allows (none when the SELECT
// returns no row).
func (isp *insertSelectPlan) rowsInserts(ctx context.Context, vc Cursor, args []any) ([]rowsBatch, error) {
	cols, rows, err := isp.readRows(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	t := isp.table
	want := len(isp.ins.Columns)
	if want == 0 {
		want = len(t.Columns)
	}
	if want > 0 && cols != want {
		return nil, planErrorf("INSERT into %s: the SELECT returns %d columns for %d", t, cols, want)
	}
	per := max(1, insertSelectBatchArgs/max(cols, 1))
	var out []rowsBatch
	for len(rows) > 0 {
		n := min(per, len(rows))
		b, err := isp.batch(vc, cols, rows[:n], args)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
		rows = rows[n:]
	}
	return out, nil
}

// batch plans the INSERT of rows.
func (isp *insertSelectPlan) batch(vc Cursor, cols int, rows []merge.Row, args []any) (rowsBatch, error) {
	t := isp.table
	// The rows' values are the arguments :v1 … :vN, row after row, and the
	// statement's own arguments (ON DUPLICATE KEY UPDATE's) follow them,
	// as in an INSERT of ? rows written out.
	n := len(rows) * cols
	ins := isp.ins
	ins.Columns = append(sqlparser.Columns(nil), isp.ins.Columns...)
	od, err := cloneOnDup(isp.ins.OnDup, n)
	if err != nil {
		return rowsBatch{}, fmt.Errorf("INSERT into %s: %w", t, err)
	}
	ins.OnDup = od
	insArgs := make([]any, 0, n+isp.nargs)
	vals := make(sqlparser.Values, len(rows))
	for r, row := range rows {
		tuple := make(sqlparser.ValTuple, cols)
		for c := range tuple {
			insArgs = append(insArgs, row[c])
			tuple[c] = sqlparser.NewValArg([]byte(":v" + strconv.Itoa(len(insArgs))))
		}
		vals[r] = tuple
	}
	insArgs = append(insArgs, args...)
	ins.Rows = vals
	pl, err := isp.p.planInsert(&ins, vc.Session(), len(insArgs))
	if err != nil {
		return rowsBatch{}, err
	}
	return rowsBatch{plan: pl, args: insArgs}, nil
}

// readRows runs the SELECT and reads every row, at most max_memory_rows.
func (isp *insertSelectPlan) readRows(ctx context.Context, vc Cursor, args []any) (int, []merge.Row, error) {
	it, err := isp.sel.Query(ctx, vc, args)
	if err != nil {
		return 0, nil, fmt.Errorf("SELECT of INSERT into %s: %w", isp.table, err)
	}
	defer it.Close()
	cols := len(it.Columns())
	bounded := merge.NewBound(it, isp.p.memoryRows(), "INSERT … SELECT into "+isp.table.String())
	var rows []merge.Row
	for {
		row, err := bounded.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, nil, err
		}
		rows = append(rows, append(merge.Row(nil), row...))
	}
	if err := it.Close(); err != nil {
		return 0, nil, fmt.Errorf("SELECT of INSERT into %s: %w", isp.table, err)
	}
	return cols, rows, nil
}

// cloneOnDup copies ON DUPLICATE KEY UPDATE, whose expressions planning
// rewrites, with its arguments :vK renumbered :v(K+shift).
func cloneOnDup(od sqlparser.OnDup, shift int) (sqlparser.OnDup, error) {
	if len(od) == 0 {
		return nil, nil
	}
	stmt, err := sqlparser.Parse("INSERT INTO t (a) VALUES (1)" + sqlparser.String(od))
	if err != nil {
		return nil, fmt.Errorf("copying ON DUPLICATE KEY UPDATE: %w", err)
	}
	out := stmt.(*sqlparser.Insert).OnDup
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if v, ok := n.(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg {
			if i, ok := argIndex(string(v.Val)); ok {
				v.Val = []byte(":v" + strconv.Itoa(i+1+shift))
			}
		}
		return true, nil
	}, out)
	return out, nil
}
