package route

import (
	"context"
	"sync/atomic"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/shard"
)

// shardStmt is a statement as the router sends it to shards: its AST and,
// made on first use, its template in each backend dialect.
type shardStmt struct {
	ast sqlparser.Statement
	// with is the WITH clause rendered in front of ast, a SELECT; nil
	// for a statement without one.
	with []dialect.CTE
	// tpls holds the templates by dialect. The map is never changed once
	// stored: a new dialect stores a copy with one more entry, so readers
	// load it without a lock.
	tpls atomic.Pointer[map[dialect.Dialect]*dialect.Template]
}

func newShardStmt(ast sqlparser.Statement) *shardStmt {
	return &shardStmt{ast: ast}
}

// template returns the statement rendered for a backend, rendering it the
// first time the backend's dialect is asked for. What rendering reads of
// the backend's catalog (primary keys) it reads under ctx.
func (s *shardStmt) template(ctx context.Context, b *shard.Backend) (*dialect.Template, error) {
	d := b.Dialect
	old := s.tpls.Load()
	if old != nil {
		if t := (*old)[d]; t != nil {
			return t, nil
		}
	}
	var t *dialect.Template
	var err error
	if s.with != nil {
		t, err = dialect.RenderWith(d, true, s.with, s.ast, b.SchemaContext(ctx))
	} else {
		t, err = dialect.Render(d, s.ast, b.SchemaContext(ctx))
	}
	if err != nil {
		return nil, err
	}
	for {
		m := make(map[dialect.Dialect]*dialect.Template, 2)
		if old != nil {
			if cur := (*old)[d]; cur != nil {
				return cur, nil
			}
			for k, v := range *old {
				m[k] = v
			}
		}
		m[d] = t
		if s.tpls.CompareAndSwap(old, &m) {
			return t, nil
		}
		old = s.tpls.Load()
	}
}

// bind renders the statement for a shard with one execution's arguments.
// extra holds router-made variables (such as the IN list ::__vals).
func (s *shardStmt) bind(ctx context.Context, sh *shard.Shard, args []any, extra map[string]any) (ShardQuery, error) {
	t, err := s.template(ctx, sh.Backend)
	if err != nil {
		return ShardQuery{}, err
	}
	sql, bound, err := t.BindArgs(args, extra)
	if err != nil {
		return ShardQuery{}, err
	}
	return ShardQuery{Shard: sh, SQL: sql, Args: bound}, nil
}
