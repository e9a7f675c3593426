package route

import (
	"context"
	"strconv"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/shard"
)

// refIDArg names the bind variable holding row i's id in the copies of a
// reference table.
func refIDArg(i int) string { return "__refid" + strconv.Itoa(i) }

// runReference runs an INSERT into a reference table without a sequence.
// Every shard holds a copy, and the copies must stay identical: when the
// backend generates the table's ids (an SQLite INTEGER PRIMARY KEY, a
// PostgreSQL identity or serial column) and a row leaves its id to the
// backend, letting each copy number its own rows would make the copies
// diverge. The ids are therefore generated once, on the keyspace's first
// shard, one row at a time (INSERT … RETURNING, so each id is known to be
// its row's), and the rows are then written to every other shard with
// those ids given explicitly, all in one atomic write (or in the session's
// transaction). LastInsertId is the first generated id, as in MySQL. A row
// that INSERT IGNORE skips on the first shard is skipped on the others.
func (ip *insertPlan) runReference(ctx context.Context, vc Cursor, args []any, dryRun bool) (insertRun, error) {
	shards := ip.p.topo.Shards(ip.table.Keyspace.Name)
	first := shards[0]
	col := ""
	if first.Backend.DB != nil {
		// An error (the table does not exist yet) leaves col empty: the
		// INSERT itself reports it.
		col, _ = first.Backend.IdentityColumnContext(ctx, ip.table.Name)
	}
	idx := -1
	if col != "" {
		idx = columnIndex(ip.ins.Columns, col)
	}
	// need[r] marks the rows whose id the backend would generate.
	need := make([]bool, len(ip.rows))
	anyNeed := false
	if col != "" {
		for r, row := range ip.rows {
			if idx < 0 {
				need[r] = true
				anyNeed = true
				continue
			}
			if _, isDefault := row[idx].(*sqlparser.Default); isDefault {
				need[r], anyNeed = true, true
				continue
			}
			v, ok := newValueExpr(row[idx])
			if !ok {
				return insertRun{}, unsupportedf("INSERT into reference table %s: the value of id column %s must be a literal, NULL or ?, not %s, so that every copy gets the same id", ip.table, col, sqlparser.String(row[idx]))
			}
			x, err := v.eval(args)
			if err != nil {
				return insertRun{}, err
			}
			if isZeroID(x) {
				need[r], anyNeed = true, true
			}
		}
	}
	if !anyNeed {
		return ip.runReferenceCopies(ctx, vc, args, dryRun, shards)
	}
	return ip.runReferenceGenerated(ctx, vc, args, dryRun, shards, col, idx, need)
}

// runReferenceCopies sends the same INSERT to every copy.
func (ip *insertPlan) runReferenceCopies(ctx context.Context, vc Cursor, args []any, dryRun bool, shards []*shard.Shard) (insertRun, error) {
	var out insertRun
	for _, sh := range shards {
		q, err := ip.stmt.bind(ctx, sh, args, nil)
		if err != nil {
			return out, err
		}
		out.queries = append(out.queries, q)
	}
	if dryRun {
		return out, nil
	}
	results, err := ip.exec(ctx, vc, args, nil, nil, out.queries)
	if err != nil {
		return out, err
	}
	out.result.RowsAffected = results[0].RowsAffected
	return out, nil
}

// runReferenceGenerated inserts the rows on the first shard one by one,
// returning their ids, then the rows with those ids on the other shards.
func (ip *insertPlan) runReferenceGenerated(ctx context.Context, vc Cursor, args []any, dryRun bool, shards []*shard.Shard, col string, idx int, need []bool) (insertRun, error) {
	var out insertRun
	ids := make([]any, len(ip.rows))
	written := make([]bool, len(ip.rows))
	run := func(ctx context.Context) error {
		for r, row := range ip.rows {
			q, err := ip.firstCopyRow(ctx, shards[0], args, row, col, idx, need[r])
			if err != nil {
				return err
			}
			out.queries = append(out.queries, q)
			if dryRun {
				ids[r], written[r] = "<id generated on "+shards[0].String()+">", true
				continue
			}
			res, err := vc.ExecShards(ctx, []ShardQuery{q})
			if err != nil {
				return err
			}
			out.result.RowsAffected += res[0].RowsAffected
			if !res[0].HasLastInsertID {
				// INSERT IGNORE skipped the row.
				continue
			}
			ids[r], written[r] = res[0].LastInsertID, true
			if need[r] && !out.result.HasLastInsertID {
				out.result.LastInsertID, out.result.HasLastInsertID = res[0].LastInsertID, true
			}
		}
		qs, err := ip.otherCopies(ctx, shards[1:], args, col, idx, ids, written)
		if err != nil {
			return err
		}
		out.queries = append(out.queries, qs...)
		if dryRun || len(qs) == 0 {
			return nil
		}
		_, err = vc.ExecShards(ctx, qs)
		return err
	}
	var err error
	if dryRun {
		err = run(ctx)
	} else {
		err = vc.Atomic(ctx, run)
	}
	if err != nil {
		return insertRun{}, err
	}
	if out.result.HasLastInsertID {
		vc.Session().LastInsertID = out.result.LastInsertID
	}
	return out, nil
}

// firstCopyRow renders one row's INSERT for the first shard, returning the
// row's id: without the id column when the backend generates it.
func (ip *insertPlan) firstCopyRow(ctx context.Context, sh *shard.Shard, args []any, row sqlparser.ValTuple, col string, idx int, generate bool) (ShardQuery, error) {
	sub := *ip.ins
	one := row
	if generate && idx >= 0 {
		sub.Columns = append(append(sqlparser.Columns(nil), ip.ins.Columns[:idx]...), ip.ins.Columns[idx+1:]...)
		one = append(append(sqlparser.ValTuple(nil), row[:idx]...), row[idx+1:]...)
	}
	sub.Rows = sqlparser.Values{one}
	t, err := newShardStmt(&sub).template(ctx, sh.Backend)
	if err != nil {
		return ShardQuery{}, err
	}
	rt, err := t.WithReturning(col)
	if err != nil {
		return ShardQuery{}, err
	}
	sql, bound, err := rt.BindArgs(args, nil)
	if err != nil {
		return ShardQuery{}, err
	}
	return ShardQuery{Shard: sh, SQL: sql, Args: bound, ReturnsID: true}, nil
}

// otherCopies renders the INSERT of the written rows, with their ids, for
// every shard but the first.
func (ip *insertPlan) otherCopies(ctx context.Context, shards []*shard.Shard, args []any, col string, idx int, ids []any, written []bool) ([]ShardQuery, error) {
	sub := *ip.ins
	if idx < 0 {
		sub.Columns = append(append(sqlparser.Columns(nil), ip.ins.Columns...), sqlparser.NewColIdent(col))
	}
	extra := map[string]any{}
	var vals sqlparser.Values
	for r, row := range ip.rows {
		if !written[r] {
			continue
		}
		arg := sqlparser.NewValArg([]byte(":" + refIDArg(r)))
		extra[refIDArg(r)] = ids[r]
		nr := append(sqlparser.ValTuple(nil), row...)
		if idx < 0 {
			nr = append(nr, arg)
		} else {
			nr[idx] = arg
		}
		vals = append(vals, nr)
	}
	if len(vals) == 0 {
		return nil, nil
	}
	sub.Rows = vals
	stmt := newShardStmt(&sub)
	qs := make([]ShardQuery, 0, len(shards))
	for _, sh := range shards {
		q, err := stmt.bind(ctx, sh, args, extra)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, nil
}
