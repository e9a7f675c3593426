package route

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// insertPlan routes each row of an INSERT by its primary vindex, fills
// auto-increment columns from the table's sequence and maintains the lookup
// vindexes the table owns.
type insertPlan struct {
	p     *Planner
	table *vschema.Table
	// ins is the statement as shards receive it: keyspace qualifiers
	// removed, the auto-increment column present in every row as
	// :__seq<row>.
	ins   *sqlparser.Insert
	stmt  *shardStmt
	nargs int
	// rows are the VALUES rows (nil for INSERT … SELECT).
	rows sqlparser.Values
	// autoInc is the index of the auto-increment column in ins.Columns
	// and, per row, the value the statement gives it (NULL when absent).
	autoInc      int
	autoIncGiven []valueExpr
	// vindexes are the table's column vindexes with, per vindex column,
	// the column's index in ins.Columns.
	vindexes []insertVindex
	// within is the key range a session targets: rows must fall in it.
	within *key.KeyRange
	// shapes, for rows of ? placeholders only, renders a shard's subset
	// of the rows once per row count (insert_shape.go).
	shapes *rowShapes
}

type insertVindex struct {
	cv   *vschema.ColumnVindex
	cols []int
}

var _ Plan = (*insertPlan)(nil)

// seqArg names the bind variable holding row i's auto-increment value.
func seqArg(i int) string { return "__seq" + strconv.Itoa(i) }

func (p *Planner) planInsert(ins *sqlparser.Insert, s *Session, nargs int) (Plan, error) {
	t, err := p.vs.FindTable(ins.Table.Qualifier.String(), ins.Table.Name.String(), s.Keyspace)
	if err != nil {
		return nil, err
	}
	ins.Table.Qualifier = sqlparser.NewTableIdent("")
	ip := &insertPlan{p: p, table: t, ins: ins, nargs: nargs, autoInc: -1}
	if err := ip.checkSubqueries(); err != nil {
		return nil, err
	}
	rows, isValues := ins.Rows.(sqlparser.Values)
	if !isValues {
		if !p.pushesInsertSelect(ins, t, s) {
			return p.planInsertSelect(ins, t, s, nargs)
		}
		stripQualifiers(ins, t.Keyspace)
		ip.stmt = newShardStmt(ins)
		return ip, nil
	}
	ip.rows = rows
	if ins.Action == sqlparser.ReplaceStr && (t.IsSharded() || t.Type == vschema.TypeReference) {
		return nil, unsupportedf("REPLACE into %s: REPLACE deletes then inserts, which cannot keep a sharded or reference table's vindexes right; use INSERT … ON DUPLICATE KEY UPDATE", t)
	}
	if len(ins.Columns) == 0 && (t.IsSharded() || t.AutoIncrement != nil || t.Type == vschema.TypeReference) {
		if len(t.Columns) == 0 {
			return nil, unsupportedf("INSERT into %s without a column list: name the columns, or list them in the vschema's \"columns\"", t)
		}
		for _, c := range t.Columns {
			ins.Columns = append(ins.Columns, sqlparser.NewColIdent(c.Name))
		}
	}
	for i, r := range rows {
		if len(ins.Columns) > 0 && len(r) != len(ins.Columns) {
			return nil, planErrorf("INSERT into %s: row %d has %d values for %d columns", t, i+1, len(r), len(ins.Columns))
		}
	}
	if err := ip.planAutoIncrement(); err != nil {
		return nil, err
	}
	if t.IsSharded() {
		if err := ip.planVindexes(); err != nil {
			return nil, err
		}
	}
	stripQualifiers(ins, t.Keyspace)
	ip.stmt = newShardStmt(ins)
	ip.shapes = newRowShapes(rows)
	return ip, nil
}

// checkSubqueries refuses subqueries in VALUES and ON DUPLICATE KEY
// UPDATE of a sharded table: they would read only the row's shard.
func (ip *insertPlan) checkSubqueries() error {
	if !ip.table.IsSharded() && ip.table.Type != vschema.TypeReference {
		return nil
	}
	if _, ok := ip.ins.Rows.(sqlparser.Values); !ok {
		return nil
	}
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if _, ok := n.(*sqlparser.Subquery); ok {
			found = true
		}
		return !found, nil
	}, ip.ins.Rows, ip.ins.OnDup)
	if found {
		return unsupportedf("subquery in an INSERT into %s", ip.table)
	}
	return nil
}

func columnIndex(cols sqlparser.Columns, name string) int {
	for i, c := range cols {
		if strings.EqualFold(c.String(), name) {
			return i
		}
	}
	return -1
}

// planAutoIncrement makes every row carry its auto-increment value as
// :__seq<row>, adding the column when the statement leaves it out. NULL,
// 0 and DEFAULT take the sequence's next id.
func (ip *insertPlan) planAutoIncrement() error {
	ai := ip.table.AutoIncrement
	if ai == nil {
		return nil
	}
	idx := columnIndex(ip.ins.Columns, ai.Column)
	if idx < 0 {
		ip.ins.Columns = append(ip.ins.Columns, sqlparser.NewColIdent(ai.Column))
		idx = len(ip.ins.Columns) - 1
		for i := range ip.rows {
			ip.rows[i] = append(ip.rows[i], &sqlparser.NullVal{})
		}
	}
	ip.autoInc = idx
	ip.autoIncGiven = make([]valueExpr, len(ip.rows))
	for i, r := range ip.rows {
		if _, isDefault := r[idx].(*sqlparser.Default); isDefault {
			// DEFAULT takes the next id, as NULL does.
			r[idx] = &sqlparser.NullVal{}
		}
		v, ok := newValueExpr(r[idx])
		if !ok {
			return unsupportedf("INSERT into %s: the value of auto-increment column %s must be a literal, NULL or ?, not %s", ip.table, ai.Column, sqlparser.String(r[idx]))
		}
		ip.autoIncGiven[i] = v
		r[idx] = sqlparser.NewValArg([]byte(":" + seqArg(i)))
	}
	return nil
}

// planVindexes finds each vindex column's position and checks that the
// values can be known before the statement runs.
func (ip *insertPlan) planVindexes() error {
	t := ip.table
	for i, cv := range t.ColumnVindexes {
		iv := insertVindex{cv: cv}
		for _, c := range cv.Columns {
			idx := columnIndex(ip.ins.Columns, c)
			if idx < 0 && i == 0 {
				return planErrorf("INSERT into %s must give column %s: it is the primary vindex (%s) that decides the row's shard", t, c, cv.Name)
			}
			iv.cols = append(iv.cols, idx)
		}
		for r, row := range ip.rows {
			for _, idx := range iv.cols {
				if idx < 0 || idx == ip.autoInc {
					continue
				}
				if _, ok := newValueExpr(row[idx]); !ok {
					return unsupportedf("INSERT into %s, row %d: the value of vindex column %s must be a literal, NULL or ?, not %s", t, r+1, ip.ins.Columns[idx].String(), sqlparser.String(row[idx]))
				}
			}
		}
		ip.vindexes = append(ip.vindexes, iv)
	}
	if len(ip.ins.OnDup) > 0 {
		for _, ue := range ip.ins.OnDup {
			if hasVindexColumn(t, strings.ToLower(ue.Name.Name.String())) && !keepsValue(ue) {
				return unsupportedf("ON DUPLICATE KEY UPDATE of vindex column %s of %s: the row would have to move to another shard", ue.Name.Name.String(), t)
			}
		}
	}
	if ip.upsertsOwned() {
		if err := ip.planUpsertOwned(); err != nil {
			return err
		}
	}
	if len(t.Owned) > 0 {
		if _, ok := t.Primary().Vindex.(vindex.SingleColumn); !ok {
			return unsupportedf("owned lookup vindexes on %s need a single-column primary vindex", t)
		}
	}
	return nil
}

func (ip *insertPlan) NumArgs() int { return ip.nargs }

func (ip *insertPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	return queryByExec(ctx, ip, vc, args)
}

func (ip *insertPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	s := vc.Session()
	defer endDML(s, markDML(s))
	res, err := ip.run(ctx, vc, args, false)
	if err != nil {
		return Result{}, err
	}
	return res.result, nil
}

func (ip *insertPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	res, err := ip.run(ctx, vc, args, true)
	if err != nil {
		return nil, err
	}
	return explainRows(res.queries), nil
}

type insertRun struct {
	result  Result
	queries []ShardQuery
}

// run plans one execution; with dryRun it returns the shard statements
// without running them (and without reserving sequence ids).
func (ip *insertPlan) run(ctx context.Context, vc Cursor, args []any, dryRun bool) (insertRun, error) {
	extra, first, generated, err := ip.autoIncrementValues(ctx, vc, args, dryRun)
	if err != nil {
		return insertRun{}, err
	}
	var out insertRun
	if generated {
		out.result.LastInsertID, out.result.HasLastInsertID = first, true
	}
	topo := ip.p.topo
	ks := ip.table.Keyspace.Name
	// dests are the rows' primary vindex destinations (sharded tables).
	var dests []key.Destination
	switch {
	case ip.rows == nil || !ip.table.IsSharded() && ip.table.Type != vschema.TypeReference:
		sh := topo.Shards(ks)[0]
		if ip.table.Pinned != nil {
			// A pinned table's rows live on the shard of its keyspace id,
			// where its reads, UPDATEs and DELETEs go.
			sh = topo.ShardFor(ks, ip.table.Pinned)
		}
		q, err := ip.unshardedQuery(ctx, sh, args, extra)
		if err != nil {
			return out, err
		}
		out.queries = []ShardQuery{q}
	case ip.table.Type == vschema.TypeReference && ip.table.AutoIncrement == nil:
		return ip.runReference(ctx, vc, args, dryRun)
	case ip.table.Type == vschema.TypeReference:
		for _, sh := range topo.Shards(ks) {
			q, err := ip.stmt.bind(ctx, sh, args, extra)
			if err != nil {
				return out, err
			}
			out.queries = append(out.queries, q)
		}
	default:
		if qs, ok, err := ip.hash8Inserts(ctx, args, extra); ok {
			if err != nil {
				return out, err
			}
			out.queries = qs
			break
		}
		dests, err = ip.keyspaceIDs(ctx, vc, args, extra)
		if err != nil {
			return out, err
		}
		qs, err := ip.shardInserts(ctx, dests, nil, args, extra)
		if err != nil {
			return out, err
		}
		out.queries = qs
	}
	if dryRun {
		return out, nil
	}
	var one [1]shard.Result
	var results []shard.Result
	if len(out.queries) == 1 && len(ip.table.Owned) == 0 {
		one[0], err = execOne(ctx, vc, out.queries[0])
		results = one[:]
	} else {
		results, err = ip.exec(ctx, vc, args, extra, dests, out.queries)
	}
	if err != nil {
		return out, err
	}
	if ip.table.Type == vschema.TypeReference {
		out.result.RowsAffected = results[0].RowsAffected
	} else {
		for _, r := range results {
			out.result.RowsAffected += r.RowsAffected
		}
	}
	if !generated && len(results) == 1 && out.queries[0].ReturnsID && results[0].HasLastInsertID {
		out.result.LastInsertID, out.result.HasLastInsertID = results[0].LastInsertID, true
	}
	if out.result.HasLastInsertID {
		vc.Session().LastInsertID = out.result.LastInsertID
	}
	return out, nil
}

// unshardedQuery binds the INSERT of an unsharded table. When the table
// has no sequence but its backend generates ids (an SQLite INTEGER PRIMARY
// KEY, a PostgreSQL identity or serial column), the statement returns the
// ids it generated, so LastInsertId is the first row's id as in MySQL,
// whichever backend and however many rows.
func (ip *insertPlan) unshardedQuery(ctx context.Context, sh *shard.Shard, args []any, extra map[string]any) (ShardQuery, error) {
	if ip.table.AutoIncrement != nil || sh.Backend.DB == nil {
		return ip.stmt.bind(ctx, sh, args, extra)
	}
	col, err := sh.Backend.IdentityColumnContext(ctx, ip.table.Name)
	if err != nil || col == "" {
		// No id to report (or the table does not exist yet, which the
		// INSERT itself will say).
		return ip.stmt.bind(ctx, sh, args, extra)
	}
	t, err := ip.stmt.template(ctx, sh.Backend)
	if err != nil {
		return ShardQuery{}, err
	}
	rt, err := t.WithReturning(col)
	if err != nil {
		return ShardQuery{}, err
	}
	sql, bound, err := rt.BindArgs(args, extra)
	if err != nil {
		return ShardQuery{}, err
	}
	return ShardQuery{Shard: sh, SQL: sql, Args: bound, ReturnsID: true}, nil
}

// exec runs the shard inserts, with the owned lookup rows first, all or
// none.
func (ip *insertPlan) exec(ctx context.Context, vc Cursor, args []any, extra map[string]any, dests []key.Destination, qs []ShardQuery) ([]shard.Result, error) {
	if len(qs) == 1 && len(ip.table.Owned) == 0 {
		return vc.ExecShards(ctx, qs)
	}
	if ip.upsertsOwned() {
		return ip.execUpsertOwned(ctx, vc, args, extra, dests)
	}
	var results []shard.Result
	err := vc.Atomic(ctx, func(ctx context.Context) error {
		if err := ip.createLookups(ctx, vc, args, extra, dests); err != nil {
			return err
		}
		var err error
		results, err = vc.ExecShards(ctx, qs)
		return err
	})
	return results, err
}

// autoIncrementValues gives every row its auto-increment value: the one
// the statement gives, or for NULL, 0 or no value, the next id of the
// sequence. The generated ids of a statement are consecutive.
func (ip *insertPlan) autoIncrementValues(ctx context.Context, vc Cursor, args []any, dryRun bool) (extra map[string]any, first int64, generated bool, err error) {
	if ip.autoInc < 0 {
		return nil, 0, false, nil
	}
	extra = make(map[string]any, len(ip.autoIncGiven))
	var need []int
	for i, g := range ip.autoIncGiven {
		v, err := g.eval(args)
		if err != nil {
			return nil, 0, false, err
		}
		if isZeroID(v) {
			need = append(need, i)
			continue
		}
		extra[seqArg(i)] = v
	}
	if len(need) == 0 {
		return extra, 0, false, nil
	}
	if dryRun {
		for _, i := range need {
			extra[seqArg(i)] = "<next id of " + ip.table.AutoIncrement.Sequence.String() + ">"
		}
		return extra, 0, false, nil
	}
	first, err = ip.p.seqs.reserve(ctx, vc, ip.p.topo, ip.table.AutoIncrement.Sequence, int64(len(need)))
	if err != nil {
		return nil, 0, false, err
	}
	for j, i := range need {
		extra[seqArg(i)] = first + int64(j)
	}
	return extra, first, true, nil
}

// isZeroID reports the values for which MySQL generates an
// auto-increment id: NULL and 0.
func isZeroID(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case int64:
		return v == 0
	case uint64:
		return v == 0
	case float64:
		return v == 0
	case string:
		return v == "0"
	case []byte:
		return string(v) == "0"
	}
	return false
}

// rowValues returns, per row, the values of a vindex's columns.
func (ip *insertPlan) rowValues(iv insertVindex, args []any, extra map[string]any) ([][]any, error) {
	out := make([][]any, len(ip.rows))
	// One array holds every row's values.
	n := len(iv.cols)
	all := make([]any, n*len(ip.rows))
	for r, row := range ip.rows {
		vals := all[r*n : (r+1)*n : (r+1)*n]
		for j, idx := range iv.cols {
			switch {
			case idx < 0:
				vals[j] = nil
			case idx == ip.autoInc:
				vals[j] = extra[seqArg(r)]
			default:
				v, _ := newValueExpr(row[idx])
				x, err := v.eval(args)
				if err != nil {
					return nil, err
				}
				vals[j] = x
			}
		}
		out[r] = vals
	}
	return out, nil
}

// keyspaceIDs maps each row through the primary vindex.
func (ip *insertPlan) keyspaceIDs(ctx context.Context, vc Cursor, args []any, extra map[string]any) ([]key.Destination, error) {
	prim := ip.vindexes[0]
	vals, err := ip.rowValues(prim, args, extra)
	if err != nil {
		return nil, err
	}
	switch v := prim.cv.Vindex.(type) {
	case vindex.SingleColumn:
		flat := make([]any, len(vals))
		for i, r := range vals {
			flat[i] = r[0]
		}
		return mapValues(ctx, vc, prim.cv, flat)
	case vindex.MultiColumn:
		dests, err := v.Map(ctx, vc, vals)
		if err != nil {
			return nil, vindexErr(prim.cv, err)
		}
		return dests, nil
	}
	return nil, planErrorf("vindex %q cannot route", prim.cv.Name)
}

// shardInserts splits the rows by shard: one INSERT per shard holding
// that shard's rows, in the keyspace's shard order. With keep, only the
// rows it marks.
func (ip *insertPlan) shardInserts(ctx context.Context, dests []key.Destination, keep []bool, args []any, extra map[string]any) ([]ShardQuery, error) {
	shards := ip.p.topo.Shards(ip.table.Keyspace.Name)
	// rowShard[r] is the index in shards of row r's shard (-1: not kept).
	rowShard := make([]int32, len(dests))
	for r, d := range dests {
		if keep != nil && !keep[r] {
			rowShard[r] = -1
			continue
		}
		i, err := ip.rowShard(shards, r, d)
		if err != nil {
			return nil, err
		}
		rowShard[r] = int32(i)
	}
	return ip.insertsByShard(ctx, shards, rowShard, args, extra)
}

// insertsByShard builds the INSERT of each shard that rowShard gives rows
// (rowShard[r] is the index in shards of row r's shard, -1 for a row left
// out), holding its rows in statement order, in the keyspace's shard
// order. A row outside the session's key range is an error.
func (ip *insertPlan) insertsByShard(ctx context.Context, shards []*shard.Shard, rowShard []int32, args []any, extra map[string]any) ([]ShardQuery, error) {
	// perShard counts each shard's rows.
	perShard := make([]int32, len(shards))
	reached := 0
	for r, i := range rowShard {
		if i < 0 {
			continue
		}
		if ip.within != nil && !shards[i].KeyRange.Intersects(*ip.within) {
			return nil, planErrorf("INSERT into %s, row %d: the row belongs to shard %s, outside the session's key range %s", ip.table, r+1, shards[i], ip.within)
		}
		if perShard[i] == 0 {
			reached++
		}
		perShard[i]++
	}
	// The rows of each shard, in statement order, in one array: shard i's
	// are byShard[start[i]:start[i+1]].
	start := make([]int32, len(shards)+1)
	for i, n := range perShard {
		start[i+1] = start[i] + n
	}
	byShard := make([]int, start[len(shards)])
	fill := make([]int32, len(shards)) // on the stack when small
	copy(fill, start)
	for r, i := range rowShard {
		if i >= 0 {
			byShard[fill[i]] = r
			fill[i]++
		}
	}
	qs := make([]ShardQuery, 0, reached)
	for i, sh := range shards {
		if perShard[i] == 0 {
			continue
		}
		rows := byShard[start[i]:start[i+1]]
		stmt, stmtArgs := ip.stmt, args
		if len(rows) != len(ip.rows) && ip.shapes != nil {
			stmt, stmtArgs = ip.shapes.stmt(ip.ins, ip.rows, len(rows)), ip.shapes.arrange(args, rows)
		} else if len(rows) != len(ip.rows) {
			sub := *ip.ins
			vals := make(sqlparser.Values, len(rows))
			for i, r := range rows {
				vals[i] = ip.rows[r]
			}
			sub.Rows = vals
			stmt = newShardStmt(&sub)
		}
		q, err := stmt.bind(ctx, sh, stmtArgs, extra)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, nil
}

// rowShard returns the index in shards (the keyspace's, in key-range
// order) of the one shard row r's primary vindex destination names.
func (ip *insertPlan) rowShard(shards []*shard.Shard, r int, d key.Destination) (int, error) {
	if id, ok := d.(key.DestinationKeyspaceID); ok {
		return shard.IndexFor(shards, id), nil
	}
	found, err := ip.p.topo.Resolve(ip.table.Keyspace.Name, d)
	if err != nil {
		return 0, planErrorf("%v", err)
	}
	if len(found) != 1 {
		return 0, planErrorf("INSERT into %s, row %d: primary vindex %s gives %s, not one shard", ip.table, r+1, ip.vindexes[0].cv.Name, d)
	}
	for i, s := range shards {
		if s == found[0] {
			return i, nil
		}
	}
	return 0, planErrorf("INSERT into %s, row %d: shard %s is not one of keyspace %s's", ip.table, r+1, found[0], ip.table.Keyspace.Name)
}

// createLookups inserts the rows of the lookup vindexes the table owns.
func (ip *insertPlan) createLookups(ctx context.Context, vc Cursor, args []any, extra map[string]any, dests []key.Destination) error {
	if len(ip.table.Owned) == 0 {
		return nil
	}
	ksids := make([][]byte, len(dests))
	for i, d := range dests {
		id, ok := d.(key.DestinationKeyspaceID)
		if !ok {
			return planErrorf("INSERT into %s, row %d: primary vindex gives %s, not a keyspace id the lookup rows can point to", ip.table, i+1, d)
		}
		ksids[i] = id
	}
	for _, iv := range ip.vindexes[1:] {
		if !iv.cv.Owned {
			continue
		}
		vals, err := ip.rowValues(iv, args, extra)
		if err != nil {
			return err
		}
		if err := iv.cv.Vindex.(vindex.Lookup).Create(ctx, vc, vals, ksids, false); err != nil {
			return fmt.Errorf("vitessdo: %w", err)
		}
	}
	return nil
}

// keepsValue reports an ON DUPLICATE KEY UPDATE assignment that cannot
// move the row: c = c, or c = VALUES(c), which sets the column to the
// inserted row's value, the one that routed the row to this shard (ORMs
// write both when they upsert associations).
func keepsValue(ue *sqlparser.UpdateExpr) bool {
	name := ue.Name.Name
	switch e := ue.Expr.(type) {
	case *sqlparser.ColName:
		return e.Name.Equal(name) && (e.Qualifier.IsEmpty() || e.Qualifier.Name.String() == ue.Name.Qualifier.Name.String())
	case *sqlparser.ValuesFuncExpr:
		return e.Name != nil && e.Name.Name.Equal(name)
	}
	return false
}

// markDML flags the session as running a write, until endDML, and
// returns the flag as it was: defer endDML(s, markDML(s)) (a deferred
// call, no closure to allocate).
func markDML(s *Session) (prev bool) {
	prev = s.InDML
	s.InDML = true
	return prev
}

// endDML restores what markDML found.
func endDML(s *Session, prev bool) { s.InDML = prev }
