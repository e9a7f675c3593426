package route

import (
	"context"
	"fmt"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
)

// An INSERT IGNORE or INSERT … ON DUPLICATE KEY UPDATE into a table that
// owns lookup vindexes follows Vitess: the lookup rows are created in
// ignore mode (a value already held is left alone), then verified, and a
// row whose owned lookup value does not map to the row's own keyspace id
// is not inserted: the value belongs to another row. With ON DUPLICATE
// KEY UPDATE and a unique lookup, that other row is the duplicate, found
// by the lookup wherever it lives, and the update is applied to it on its
// shard. A unique lookup vindex on a column is thus what makes the column
// unique across shards, as a primary key that is not the primary vindex
// column is unique only per shard.

// upsertsOwned reports an INSERT IGNORE or ON DUPLICATE KEY UPDATE into a
// table that owns lookup vindexes.
func (ip *insertPlan) upsertsOwned() bool {
	return len(ip.table.Owned) > 0 && (ip.ins.Ignore != "" || len(ip.ins.OnDup) > 0)
}

// planUpsertOwned checks, at plan time, what an upsert into a table that
// owns lookup vindexes needs: single-column lookups (verified value by
// value), and no ON DUPLICATE KEY UPDATE assignment that changes an owned
// lookup column behind the lookup's back. c = c is fine; c = VALUES(c) is
// fine for a consistent lookup, whose lookup row of the old value is left
// dangling and is taken over by the next row that claims the value.
func (ip *insertPlan) planUpsertOwned() error {
	t := ip.table
	for _, iv := range ip.vindexes[1:] {
		if !iv.cv.Owned {
			continue
		}
		if _, ok := iv.cv.Vindex.(vindex.SingleColumn); !ok {
			return unsupportedf("INSERT IGNORE or ON DUPLICATE KEY UPDATE into %s: owned vindex %s is over several columns", t, iv.cv.Name)
		}
	}
	for _, ue := range ip.ins.OnDup {
		col := strings.ToLower(ue.Name.Name.String())
		for _, cv := range t.ColumnVindexes[1:] {
			if !cv.Owned || !containsFold(cv.Columns, col) {
				continue
			}
			if e, ok := ue.Expr.(*sqlparser.ColName); ok && e.Name.Equal(ue.Name.Name) {
				continue
			}
			if keepsValue(ue) && isConsistentLookup(cv.Vindex) {
				continue
			}
			return unsupportedf("ON DUPLICATE KEY UPDATE of column %s of %s, which lookup vindex %s maps: the lookup row of the value it replaces could not be removed; use a consistent_lookup vindex, or UPDATE the row", ue.Name.Name.String(), t, cv.Name)
		}
	}
	return nil
}

func isConsistentLookup(v vindex.Vindex) bool {
	switch v.(type) {
	case *vindex.ConsistentLookup, *vindex.ConsistentLookupUnique:
		return true
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// heldElsewhere is a row whose unique owned lookup value maps to another
// keyspace id than the row's own: the value belongs to the row there.
type heldElsewhere struct {
	row   int
	iv    insertVindex
	value any
}

// execUpsertOwned creates and verifies the lookup rows, inserts the rows
// that keep their values, and applies ON DUPLICATE KEY UPDATE to the rows
// that hold the others, all or none.
func (ip *insertPlan) execUpsertOwned(ctx context.Context, vc Cursor, args []any, extra map[string]any, dests []key.Destination) ([]shard.Result, error) {
	var results []shard.Result
	err := vc.Atomic(ctx, func(ctx context.Context) error {
		keep, held, err := ip.createLookupsIgnore(ctx, vc, args, extra, dests)
		if err != nil {
			return err
		}
		qs, err := ip.shardInserts(ctx, dests, keep, args, extra)
		if err != nil {
			return err
		}
		if len(qs) > 0 {
			results, err = vc.ExecShards(ctx, qs)
			if err != nil {
				return err
			}
		}
		if len(ip.ins.OnDup) == 0 {
			return nil
		}
		for _, h := range held {
			res, err := ip.updateHeld(ctx, vc, args, extra, h)
			if err != nil {
				return err
			}
			results = append(results, res)
		}
		return nil
	})
	return results, err
}

// createLookupsIgnore creates the owned lookup rows in ignore mode, one
// vindex after the other, and drops the rows whose value the lookup does
// not map to the row's keyspace id. keep marks the rows to insert.
func (ip *insertPlan) createLookupsIgnore(ctx context.Context, vc Cursor, args []any, extra map[string]any, dests []key.Destination) ([]bool, []heldElsewhere, error) {
	ksids := make([][]byte, len(dests))
	for i, d := range dests {
		id, ok := d.(key.DestinationKeyspaceID)
		if !ok {
			return nil, nil, planErrorf("INSERT into %s, row %d: primary vindex gives %s, not a keyspace id the lookup rows can point to", ip.table, i+1, d)
		}
		ksids[i] = id
	}
	keep := make([]bool, len(dests))
	for i := range keep {
		keep[i] = true
	}
	var held []heldElsewhere
	for _, iv := range ip.vindexes[1:] {
		if !iv.cv.Owned {
			continue
		}
		vals, err := ip.rowValues(iv, args, extra)
		if err != nil {
			return nil, nil, err
		}
		var idx []int
		var rows [][]any
		var flat []any
		var ids [][]byte
		for r, v := range vals {
			if keep[r] {
				idx, rows, flat, ids = append(idx, r), append(rows, v), append(flat, v[0]), append(ids, ksids[r])
			}
		}
		if len(idx) == 0 {
			break
		}
		if err := iv.cv.Vindex.(vindex.Lookup).Create(ctx, vc, rows, ids, true); err != nil {
			return nil, nil, fmt.Errorf("vitessdo: %w", err)
		}
		ok, err := iv.cv.Vindex.(vindex.SingleColumn).Verify(ctx, vc, flat, ids)
		if err != nil {
			return nil, nil, vindexErr(iv.cv, err)
		}
		for i, good := range ok {
			if good {
				continue
			}
			keep[idx[i]] = false
			if iv.cv.Vindex.IsUnique() {
				held = append(held, heldElsewhere{row: idx[i], iv: iv, value: flat[i]})
			}
		}
	}
	return keep, held, nil
}

// updateHeld applies the ON DUPLICATE KEY UPDATE of one row to the row
// that holds its unique lookup value, on that row's shard: UPDATE t SET
// <assignments, VALUES(c) being the inserted row's c> WHERE <column> =
// <value>.
func (ip *insertPlan) updateHeld(ctx context.Context, vc Cursor, args []any, extra map[string]any, h heldElsewhere) (shard.Result, error) {
	t := ip.table
	col := h.iv.cv.Columns[0]
	dests, err := mapValues(ctx, vc, h.iv.cv, []any{h.value})
	if err != nil {
		return shard.Result{}, err
	}
	shards, err := ip.p.topo.Resolve(t.Keyspace.Name, dests[0])
	if err != nil {
		return shard.Result{}, planErrorf("%v", err)
	}
	if len(shards) != 1 {
		return shard.Result{}, planErrorf("INSERT into %s, row %d: unique lookup vindex %s maps %s %v to %s, not one shard", t, h.row+1, h.iv.cv.Name, col, h.value, dests[0])
	}
	row := ip.rows[h.row]
	for _, ue := range ip.ins.OnDup {
		name := strings.ToLower(ue.Name.Name.String())
		if !hasVindexColumn(t, name) || strings.EqualFold(name, col) {
			continue
		}
		if e, ok := ue.Expr.(*sqlparser.ColName); ok && e.Name.Equal(ue.Name.Name) {
			continue
		}
		return shard.Result{}, unsupportedf("INSERT … ON DUPLICATE KEY UPDATE into %s, row %d: %s %v is held by a row on shard %s (unique lookup vindex %s), and setting its vindex column %s would move it to another shard", t, h.row+1, col, h.value, shards[0], h.iv.cv.Name, ue.Name.Name.String())
	}
	text := "update " + sqlparser.String(ip.ins.Table) + " set " + sqlparser.String(sqlparser.UpdateExprs(ip.ins.OnDup)) + " where " + sqlparser.String(sqlparser.NewColIdent(col)) + " = :__heldvalue"
	stmt, err := Parse(text)
	if err != nil {
		return shard.Result{}, planErrorf("ON DUPLICATE KEY UPDATE of %s as an UPDATE: %v", t, err)
	}
	upd, ok := stmt.(*sqlparser.Update)
	if !ok {
		return shard.Result{}, planErrorf("ON DUPLICATE KEY UPDATE of %s as an UPDATE: got %T", t, stmt)
	}
	for _, ue := range upd.Exprs {
		var funcs []*sqlparser.ValuesFuncExpr
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if f, ok := n.(*sqlparser.ValuesFuncExpr); ok {
				funcs = append(funcs, f)
			}
			return true, nil
		}, ue.Expr)
		for _, f := range funcs {
			i := -1
			if f.Name != nil {
				i = columnIndex(ip.ins.Columns, f.Name.Name.String())
			}
			if i < 0 {
				return shard.Result{}, unsupportedf("ON DUPLICATE KEY UPDATE of %s: %s names a column the INSERT does not give", t, sqlparser.String(f))
			}
			ue.Expr = sqlparser.ReplaceExpr(ue.Expr, f, row[i])
		}
	}
	x := map[string]any{"__heldvalue": h.value}
	for k, v := range extra {
		x[k] = v
	}
	q, err := newShardStmt(upd).bind(ctx, shards[0], args, x)
	if err != nil {
		return shard.Result{}, err
	}
	res, err := vc.ExecShards(ctx, []ShardQuery{q})
	if err != nil {
		return shard.Result{}, err
	}
	if res[0].RowsAffected == 0 {
		return shard.Result{}, planErrorf("INSERT … ON DUPLICATE KEY UPDATE into %s, row %d: unique lookup vindex %s maps %s %v to shard %s, where no row holds it", t, h.row+1, h.iv.cv.Name, col, h.value, shards[0])
	}
	return res[0], nil
}
