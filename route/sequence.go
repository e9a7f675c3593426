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
func (s *sequences) reserve(ctx context.Context, vc Cursor, topo *shard.Topology, t *vschema.Table, n int64) (int64, error) {
	st := s.state(t)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.end-st.next >= n {
		first := st.next
		st.next += n
		return first, nil
	}
	shards := topo.Shards(t.Keyspace.Name)
	if len(shards) == 0 {
		return 0, planErrorf("sequence %s: keyspace has no shard", t)
	}
	sh := shards[0]
	var first, end int64
	err := vc.Autonomous(ctx, sh, func(ctx context.Context, q shard.Querier) error {
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
		if block < n {
			block = n
		}
		first, end = next.Int64, next.Int64+block
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
	st.next, st.end = first+n, end
	return first, nil
}
