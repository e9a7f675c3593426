package route

import (
	"errors"
	"sync/atomic"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/shard"
)

// shardStmt is a statement as the router sends it to shards: its AST and,
// made on first use, its template in each backend dialect.
type shardStmt struct {
	ast  sqlparser.Statement
	tpls [3]atomic.Pointer[shard.Template]
}

func newShardStmt(ast sqlparser.Statement) *shardStmt {
	return &shardStmt{ast: ast}
}

// template returns the statement rendered for a backend, rendering it the
// first time the backend's dialect is asked for.
func (s *shardStmt) template(b *shard.Backend) (*shard.Template, error) {
	d := b.Dialect
	if t := s.tpls[d].Load(); t != nil {
		return t, nil
	}
	t, err := shard.Render(d, s.ast, b)
	if err != nil {
		return nil, renderErr(err)
	}
	s.tpls[d].Store(t)
	return t, nil
}

// renderErr turns a rendering limit of a dialect into an UnsupportedError.
func renderErr(err error) error {
	var ue *shard.UnsupportedError
	if errors.As(err, &ue) {
		return &UnsupportedError{Msg: ue.What + " on " + ue.Dialect.String()}
	}
	return err
}

// bind renders the statement for a shard with one execution's arguments.
// extra holds router-made variables (such as the IN list ::__vals).
func (s *shardStmt) bind(sh *shard.Shard, args []any, extra map[string]any) (ShardQuery, error) {
	t, err := s.template(sh.Backend)
	if err != nil {
		return ShardQuery{}, err
	}
	sql, bound, err := t.BindArgs(args, extra)
	if err != nil {
		return ShardQuery{}, err
	}
	return ShardQuery{Shard: sh, SQL: sql, Args: bound}, nil
}
