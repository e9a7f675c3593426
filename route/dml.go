package route

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// dmlPlan routes an UPDATE or DELETE like a SELECT with the same WHERE,
// sums the rows affected, writes reference tables' copies all or none, and
// keeps owned lookup vindexes in step with the owner's rows.
type dmlPlan struct {
	p       *Planner
	table   *vschema.Table
	routing *routing
	stmt    *shardStmt
	nargs   int
	delete  bool
	// owned lists the owned lookup vindexes the statement changes: all
	// of them for a DELETE, those whose columns an UPDATE sets.
	owned []*vschema.ColumnVindex
	// ownedRead selects, for the rows the statement changes, the primary
	// vindex columns and then each owned vindex's columns.
	ownedRead *shardStmt
	// newValues holds, per owned vindex of an UPDATE, the new value of
	// each of its columns.
	newValues [][]valueExpr
}

var _ Plan = (*dmlPlan)(nil)

func (p *Planner) planUpdate(upd *sqlparser.Update, s *Session, nargs int) (Plan, error) {
	if multiTable(upd.TableExprs) {
		return p.planUpdateWithInput(upd, s, nargs)
	}
	var limited string
	if upd.Limit != nil {
		limited = sqlparser.String(upd)
	}
	tn, alias, err := singleTable(upd.TableExprs, "UPDATE")
	if err != nil {
		return nil, err
	}
	var text string
	if dmlSubqueries(upd.Where, upd.Exprs) {
		text = sqlparser.String(upd)
	}
	dp, a, sc, err := p.planDML(tn, alias, upd.Where, s, nargs, upd.Exprs)
	if err != nil {
		return p.planSubqueryWrite(tn, text, err, s, nargs)
	}
	t := dp.table
	if t.IsSharded() {
		for _, ue := range upd.Exprs {
			col := strings.ToLower(ue.Name.Name.String())
			if p := t.Primary(); p != nil && slices.Contains(p.Columns, col) {
				return nil, unsupportedf("UPDATE of primary vindex column %s of %s: the row would have to move to another shard; delete it and insert it again", ue.Name.Name.String(), t)
			}
		}
		if upd.Limit != nil && !dp.routing.single() {
			return p.planLimitedWithInput(limited, s, nargs)
		}
		if err := dp.planOwnedUpdate(upd); err != nil {
			return nil, err
		}
		if err := a.checkPushdown(sc); err != nil {
			return p.planSubqueryWrite(tn, text, err, s, nargs)
		}
	}
	stripQualifiers(upd, t.Keyspace)
	dp.stmt = newShardStmt(upd)
	return dp, dp.planOwnedRead(tn, alias, upd.Where)
}

func (p *Planner) planDelete(del *sqlparser.Delete, s *Session, nargs int) (Plan, error) {
	if len(del.Targets) == 1 && !multiTable(del.TableExprs) {
		// DELETE t FROM t …: the one table it names.
		if _, err := findTableRef(del.TableExprs, del.Targets[0].Name.String()); err == nil {
			del.Targets = nil
		}
	}
	if len(del.Targets) > 0 || multiTable(del.TableExprs) {
		return p.planDeleteWithInput(del, s, nargs)
	}
	var limited string
	if del.Limit != nil {
		limited = sqlparser.String(del)
	}
	tn, alias, err := singleTable(del.TableExprs, "DELETE")
	if err != nil {
		return nil, err
	}
	var text string
	if dmlSubqueries(del.Where, nil) {
		text = sqlparser.String(del)
	}
	dp, a, sc, err := p.planDML(tn, alias, del.Where, s, nargs, nil)
	if err != nil {
		return p.planSubqueryWrite(tn, text, err, s, nargs)
	}
	dp.delete = true
	t := dp.table
	if t.IsSharded() {
		if del.Limit != nil && !dp.routing.single() {
			return p.planLimitedWithInput(limited, s, nargs)
		}
		dp.owned = append(dp.owned, t.Owned...)
		if err := a.checkPushdown(sc); err != nil {
			return p.planSubqueryWrite(tn, text, err, s, nargs)
		}
	}
	stripQualifiers(del, t.Keyspace)
	dp.stmt = newShardStmt(del)
	return dp, dp.planOwnedRead(tn, alias, del.Where)
}

// singleTable returns the one table an UPDATE or DELETE names.
func singleTable(exprs sqlparser.TableExprs, verb string) (sqlparser.TableName, string, error) {
	if len(exprs) != 1 {
		return sqlparser.TableName{}, "", unsupportedf("multi-table %s", verb)
	}
	ate, ok := exprs[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return sqlparser.TableName{}, "", unsupportedf("multi-table %s", verb)
	}
	tn, ok := ate.Expr.(sqlparser.TableName)
	if !ok {
		return sqlparser.TableName{}, "", unsupportedf("%s of a derived table", verb)
	}
	return tn, ate.As.String(), nil
}

// planDML analyses the table and WHERE of an UPDATE or DELETE.
func (p *Planner) planDML(tn sqlparser.TableName, alias string, where *sqlparser.Where, s *Session, nargs int, set sqlparser.UpdateExprs) (*dmlPlan, *analysis, *scope, error) {
	a := newAnalysis(p, s)
	sc := a.newScope(nil, true)
	ref, err := a.addTable(sc, tn, alias)
	if err != nil {
		return nil, nil, nil, err
	}
	if where != nil {
		sc.conds = splitAnd(where.Expr)
		if err := a.subqueries(sc, where); err != nil {
			return nil, nil, nil, err
		}
	}
	if set != nil {
		if err := a.subqueries(sc, set); err != nil {
			return nil, nil, nil, err
		}
	}
	r, same, err := a.route(sc)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(same) > 0 {
		return nil, nil, nil, unsupportedf("UPDATE or DELETE whose subqueries read other shards' tables (%s)", a.tableList())
	}
	if gs := a.groups(); len(gs) > 0 && ref.table.Keyspace.Sharded && !ref.table.IsSharded() && ref.table.Pinned == nil {
		// A reference table's write runs on every shard: each copy would
		// be changed by that shard's rows of the subqueries' tables.
		return nil, nil, nil, unsupportedf("UPDATE or DELETE of reference table %s with a subquery over sharded tables (%s) that is correlated, or not a compared value, an IN list or an EXISTS, and so cannot run once before the write: each shard's copy would change by its own rows of them", ref.table, groupNames(gs[0]))
	}
	return &dmlPlan{p: p, table: ref.table, routing: r, nargs: nargs}, a, sc, nil
}

// planLimitedWithInput plans again, as a dmlInputPlan, the UPDATE or
// DELETE … LIMIT whose text is given and whose rows lie on several
// shards: the engine's merge of the shards picks the rows.
func (p *Planner) planLimitedWithInput(text string, s *Session, nargs int) (Plan, error) {
	stmt, err := Parse(text)
	if err != nil {
		return nil, err
	}
	switch st := stmt.(type) {
	case *sqlparser.Update:
		return p.planUpdateWithInput(st, s, nargs)
	case *sqlparser.Delete:
		return p.planDeleteWithInput(st, s, nargs)
	}
	return nil, planErrorf("%s is no UPDATE or DELETE", text)
}

// planOwnedUpdate finds the owned lookup vindexes whose columns an UPDATE
// sets, and their new values.
func (dp *dmlPlan) planOwnedUpdate(upd *sqlparser.Update) error {
	for _, cv := range dp.table.Owned {
		vals := make([]valueExpr, len(cv.Columns))
		set := 0
		for i, c := range cv.Columns {
			for _, ue := range upd.Exprs {
				if strings.ToLower(ue.Name.Name.String()) != c {
					continue
				}
				v, ok := newValueExpr(ue.Expr)
				if !ok {
					return unsupportedf("UPDATE of %s.%s, a column of lookup vindex %s: the new value must be a literal, NULL or ?, not %s", dp.table, c, cv.Name, sqlparser.String(ue.Expr))
				}
				vals[i] = v
				set++
			}
		}
		if set == 0 {
			continue
		}
		if set != len(cv.Columns) {
			return unsupportedf("UPDATE of some but not all columns of lookup vindex %s on %s", cv.Name, dp.table)
		}
		dp.owned = append(dp.owned, cv)
		dp.newValues = append(dp.newValues, vals)
	}
	return nil
}

// planOwnedRead builds the SELECT … FOR UPDATE that reads the rows' owned
// vindex values before the statement changes them.
func (dp *dmlPlan) planOwnedRead(tn sqlparser.TableName, alias string, where *sqlparser.Where) error {
	if len(dp.owned) == 0 {
		return nil
	}
	var exprs sqlparser.SelectExprs
	cols := append([]string(nil), dp.table.Primary().Columns...)
	for _, cv := range dp.owned {
		cols = append(cols, cv.Columns...)
	}
	for _, c := range cols {
		exprs = append(exprs, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: sqlparser.NewColIdent(c)}})
	}
	tn.Qualifier = sqlparser.NewTableIdent("")
	sel := &sqlparser.Select{
		SelectExprs: exprs,
		From:        sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: tn, As: sqlparser.NewTableIdent(alias)}},
		Where:       where,
		Lock:        sqlparser.ForUpdateStr,
	}
	dp.ownedRead = newShardStmt(sel)
	return nil
}

func (dp *dmlPlan) NumArgs() int { return dp.nargs }

func (dp *dmlPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	return queryByExec(ctx, dp, vc, args)
}

// queries binds a statement for the shards of one execution.
func (dp *dmlPlan) queries(ctx context.Context, vc Cursor, stmt *shardStmt, args []any) ([]ShardQuery, error) {
	var targets []target
	if dp.table.Type == vschema.TypeReference {
		targets = targetsOf(dp.p.topo.Shards(dp.table.Keyspace.Name))
	} else if q, ok, err := dp.pointQuery(ctx, stmt, args); ok {
		if err != nil {
			return nil, err
		}
		return []ShardQuery{q}, nil
	} else {
		var err error
		targets, err = dp.routing.resolve(ctx, vc, dp.p.topo, args)
		if err != nil {
			return nil, err
		}
	}
	qs := make([]ShardQuery, len(targets))
	for i, t := range targets {
		var extra map[string]any
		if dp.routing.rewritten {
			extra = map[string]any{listArgName: nonNilVals(t.vals)}
		}
		q, err := stmt.bind(ctx, t.shard, args, extra)
		if err != nil {
			return nil, err
		}
		qs[i] = q
	}
	return qs, nil
}

// pointQuery is stmt bound for the one shard of a write by one value of
// a unique vindex, or on an unsharded keyspace (see pointShard); ok is
// false for the others (a reference table's among them).
func (dp *dmlPlan) pointQuery(ctx context.Context, stmt *shardStmt, args []any) (q ShardQuery, ok bool, err error) {
	if dp.table.Type == vschema.TypeReference {
		return ShardQuery{}, false, nil
	}
	sh, ok, err := dp.pointShard(args)
	if !ok || err != nil {
		return ShardQuery{}, ok, err
	}
	q, err = stmt.bind(ctx, sh, args, nil)
	return q, true, err
}

// pointShard is routing.pointShard for a write: the one shard of a
// statement by one value of a unique vindex, or on an unsharded
// keyspace, found without the routing's slices.
func (dp *dmlPlan) pointShard(args []any) (*shard.Shard, bool, error) {
	if dp.routing.opcode == Reference || dp.routing.rewritten {
		return nil, false, nil
	}
	return dp.routing.pointShard(dp.p.topo, args)
}

func nonNilVals(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func (dp *dmlPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	qs, err := dp.queries(ctx, vc, dp.stmt, args)
	if err != nil {
		return nil, err
	}
	return explainRows(qs), nil
}

func (dp *dmlPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	s := vc.Session()
	defer endDML(s, markDML(s))
	if len(dp.owned) == 0 {
		// A write of one shard, no lookup rows to keep: its statement
		// goes by value, with no slice of statements or results.
		if q, ok, err := dp.pointQuery(ctx, dp.stmt, args); ok {
			if err != nil {
				return Result{}, err
			}
			r, err := execOne(ctx, vc, q)
			if err != nil {
				return Result{}, err
			}
			return Result{RowsAffected: r.RowsAffected}, nil
		}
	}
	qs, err := dp.queries(ctx, vc, dp.stmt, args)
	if err != nil {
		return Result{}, err
	}
	if len(qs) == 0 {
		return Result{}, nil
	}
	var one [1]shard.Result
	var results []shard.Result
	if len(qs) == 1 && len(dp.owned) == 0 {
		one[0], err = execOne(ctx, vc, qs[0])
		results = one[:]
	} else {
		results, err = dp.execAtomic(ctx, vc, args, qs)
	}
	if err != nil {
		return Result{}, err
	}
	var res Result
	if dp.table.Type == vschema.TypeReference {
		res.RowsAffected = results[0].RowsAffected
		return res, nil
	}
	for _, r := range results {
		res.RowsAffected += r.RowsAffected
	}
	return res, nil
}

// execAtomic runs the shard statements of an execution, and the lookup
// rows' maintenance before them, all or none. (Apart from Exec, whose
// variables would otherwise escape with the closure.)
func (dp *dmlPlan) execAtomic(ctx context.Context, vc Cursor, args []any, qs []ShardQuery) ([]shard.Result, error) {
	var results []shard.Result
	err := vc.Atomic(ctx, func(ctx context.Context) error {
		if err := dp.maintainLookups(ctx, vc, args); err != nil {
			return err
		}
		var err error
		results, err = vc.ExecShards(ctx, qs)
		return err
	})
	return results, err
}

// maintainLookups reads the owned vindex values of the rows the statement
// changes and deletes or moves their lookup rows.
func (dp *dmlPlan) maintainLookups(ctx context.Context, vc Cursor, args []any) error {
	if len(dp.owned) == 0 {
		return nil
	}
	qs, err := dp.queries(ctx, vc, dp.ownedRead, args)
	if err != nil {
		return err
	}
	rows, err := readAll(ctx, vc, qs)
	if err != nil {
		return err
	}
	prim := dp.table.Primary()
	np := len(prim.Columns)
	for _, row := range rows {
		ksid, err := dp.keyspaceID(ctx, vc, prim, row[:np])
		if err != nil {
			return err
		}
		off := np
		for i, cv := range dp.owned {
			old := row[off : off+len(cv.Columns)]
			off += len(cv.Columns)
			lk := cv.Vindex.(vindex.Lookup)
			if dp.delete {
				if err := lk.Delete(ctx, vc, [][]any{old}, ksid); err != nil {
					return fmt.Errorf("vitessdo: %w", err)
				}
				continue
			}
			newVals := make([]any, len(cv.Columns))
			for j, v := range dp.newValues[i] {
				if newVals[j], err = v.eval(args); err != nil {
					return err
				}
			}
			if err := lk.Update(ctx, vc, old, ksid, newVals); err != nil {
				return fmt.Errorf("vitessdo: %w", err)
			}
		}
	}
	return nil
}

// keyspaceID computes a row's keyspace id from its primary vindex values.
func (dp *dmlPlan) keyspaceID(ctx context.Context, vc Cursor, prim *vschema.ColumnVindex, vals []any) ([]byte, error) {
	dests, err := mapValues(ctx, vc, prim, vals[:1])
	if err != nil {
		return nil, err
	}
	id, ok := dests[0].(key.DestinationKeyspaceID)
	if !ok {
		return nil, planErrorf("%s: primary vindex %s gives %s for %v, not a keyspace id", dp.table, prim.Name, dests[0], vals[0])
	}
	return id, nil
}

// readAll runs reads on shards and returns every row.
func readAll(ctx context.Context, vc Cursor, qs []ShardQuery) ([]merge.Row, error) {
	streams, err := vc.StreamShards(ctx, qs)
	if err != nil {
		return nil, err
	}
	return merge.ReadAll(merge.NewConcat(streams))
}
