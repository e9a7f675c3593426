package route

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// sequences hands out ids from Vitess sequence tables. A sequence table
// (in an unsharded keyspace) has one row, id = 0, with next_id (the next
// id to hand out) and cache (how many ids to reserve at a time). The
// router reserves a block of ids in one transaction on the sequence's
// shard and hands them out from memory, safely across connections and
// goroutines, until the block is used up.
//
// As in Vitess, ids reserved and not used are skipped: after a restart the
// next block starts after the last one reserved, so ids have gaps, never
// duplicates. The ids of one statement are consecutive: when the block
// left cannot cover a statement, the rest of it is skipped.
type sequences struct {
	mu     sync.Mutex
	states map[*vschema.Table]*seqState
}

type seqState struct {
	mu         sync.Mutex
	next, end  int64 // [next, end) is reserved and unused
	selectStmt *shardStmt
	updateStmt *shardStmt
}

func newSequences() *sequences {
	return &sequences{states: map[*vschema.Table]*seqState{}}
}

func (s *sequences) state(t *vschema.Table) *seqState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.states[t]
	if st == nil {
		name := sqlparser.TableName{Name: sqlparser.NewTableIdent(t.Name)}
		sel := &sqlparser.Select{
			SelectExprs: sqlparser.SelectExprs{
				&sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: sqlparser.NewColIdent("next_id")}},
				&sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: sqlparser.NewColIdent("cache")}},
			},
			From:  sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: name}},
			Where: sqlparser.NewWhere(sqlparser.WhereStr, idIsZero()),
			Lock:  sqlparser.ForUpdateStr,
		}
		upd := &sqlparser.Update{
			TableExprs: sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: name}},
			Exprs:      sqlparser.UpdateExprs{&sqlparser.UpdateExpr{Name: &sqlparser.ColName{Name: sqlparser.NewColIdent("next_id")}, Expr: sqlparser.NewValArg([]byte(":next"))}},
			Where:      sqlparser.NewWhere(sqlparser.WhereStr, idIsZero()),
		}
		st = &seqState{selectStmt: newShardStmt(sel), updateStmt: newShardStmt(upd)}
		s.states[t] = st
	}
	return st
}

func idIsZero() sqlparser.Expr {
	return &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: &sqlparser.ColName{Name: sqlparser.NewColIdent("id")}, Right: sqlparser.NewIntVal([]byte("0"))}
}

// reserve returns the first of n consecutive new ids of a sequence.
//
// When the block in memory cannot cover n ids, a new block is reserved
// on the sequence's shard. The memory is locked only once that shard's
// write is under way (inside the reservation, which on SQLite holds the
// file's write lock and on PostgreSQL locks the row): a reservation that
// waits for the shard holds nothing another reservation waits for, and
// the first to get the shard refills the block for those behind it.
//
// A reservation that runs in the session's transaction (the transaction
// holds the write lock of the sequence's SQLite file, see
// Cursor.Autonomous) takes only the statement's ids and keeps no block
// in memory: a rollback undoes it, so those ids may be handed out again
// then, as the rows that had them are gone.
func (s *sequences) reserve(ctx context.Context, vc Cursor, topo *shard.Topology, t *vschema.Table, n int64) (int64, error) {
	st := s.state(t)
	st.mu.Lock()
	if st.end-st.next >= n {
		first := st.next
		st.next += n
		st.mu.Unlock()
		return first, nil
	}
	st.mu.Unlock()
	shards := topo.Shards(t.Keyspace.Name)
	if len(shards) == 0 {
		return 0, planErrorf("sequence %s: keyspace has no shard", t)
	}
	sh := shards[0]
	var first, end int64
	locked, refill := false, false
	defer func() {
		if locked {
			st.mu.Unlock()
		}
	}()
	err := vc.Autonomous(ctx, sh, func(ctx context.Context, q shard.Querier, own bool) error {
		if !locked {
			st.mu.Lock()
			locked = true
		}
		if st.end-st.next >= n {
			// Refilled while this one waited for the shard.
			first = st.next
			st.next += n
			return nil
		}
		sq, err := st.selectStmt.bind(ctx, sh, nil, nil)
		if err != nil {
			return err
		}
		var next, cache sql.NullInt64
		if err := q.QueryRowContext(ctx, sq.SQL, sq.Args...).Scan(&next, &cache); err != nil {
			if err == sql.ErrNoRows {
				return fmt.Errorf("sequence table %s has no row with id = 0 (insert one: INSERT INTO %s (id, next_id, cache) VALUES (0, 1, 1000))", t, t.Name)
			}
			return err
		}
		if !next.Valid {
			return fmt.Errorf("sequence table %s: next_id is NULL", t)
		}
		block := cache.Int64
		if block < n || !own {
			block = n
		}
		first, end = next.Int64, next.Int64+block
		refill = own
		uq, err := st.updateStmt.bind(ctx, sh, nil, map[string]any{"next": end})
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, uq.SQL, uq.Args...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("vitessdo: sequence %s: %w", t, err)
	}
	if refill {
		// The block is committed: hand out the rest of it.
		st.next, st.end = first+n, end
	}
	return first, nil
}
