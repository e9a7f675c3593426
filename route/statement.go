package route

import (
	"strconv"
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
		return nil, err
	}
	s.tpls[d].Store(t)
	return t, nil
}

// bind renders the statement for a shard with one execution's arguments.
// extra holds router-made variables (such as the IN list ::__vals).
func (s *shardStmt) bind(sh *shard.Shard, args []any, extra map[string]any) (ShardQuery, error) {
	t, err := s.template(sh.Backend)
	if err != nil {
		return ShardQuery{}, err
	}
	sql, bound, err := t.Bind(bindVars(args, extra))
	if err != nil {
		return ShardQuery{}, err
	}
	return ShardQuery{Shard: sh, SQL: sql, Args: bound}, nil
}

// argNames caches the names v1, v2, … of the user's placeholders.
var argNames = func() []string {
	n := make([]string, 64)
	for i := range n {
		n[i] = "v" + strconv.Itoa(i+1)
	}
	return n
}()

func argName(i int) string {
	if i < len(argNames) {
		return argNames[i]
	}
	return "v" + strconv.Itoa(i+1)
}

// bindVars names the arguments as the parser named their placeholders.
func bindVars(args []any, extra map[string]any) map[string]any {
	vars := make(map[string]any, len(args)+len(extra))
	for i, a := range args {
		vars[argName(i)] = a
	}
	for k, v := range extra {
		vars[k] = v
	}
	return vars
}
