package route

import (
	"context"
	"database/sql"
	"time"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// probeTimeout bounds the statements a plan sends to learn its columns.
const probeTimeout = 10 * time.Second

// columnProbe returns a function that reports whether a name is a column
// of a SELECT's FROM tables, as the backend resolves it: it runs `SELECT
// name FROM … WHERE 1 = 0` on the keyspace's first shard, which reads no
// row and fails exactly when no FROM table has (only) that column; `SELECT
// 1 FROM … WHERE 1 = 0` tells that failure from any other. Plans are
// dropped on DDL, so the answer holds as long as the plan.
func (p *Planner) columnProbe(ks *vschema.Keyspace, sel *sqlparser.Select, nargs int) func(string) (bool, error) {
	return func(name string) (bool, error) {
		shards := p.topo.Shards(ks.Name)
		if len(shards) == 0 {
			return false, planErrorf("keyspace %q has no shards", ks.Name)
		}
		sh := shards[0]
		if sh.Backend == nil || sh.Backend.DB == nil {
			return false, unsupportedf("%s is both a select alias and perhaps a column, and shard %s has no database to tell: name the column qualified or the expression in full", name, sh)
		}
		run := func(item sqlparser.Expr) error {
			_, err := probeColumns(sh, &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: item}}, From: sel.From}, nargs)
			return err
		}
		if run(&sqlparser.ColName{Name: sqlparser.NewColIdent(name)}) == nil {
			return true, nil
		}
		if err := run(sqlparser.NewIntVal([]byte("1"))); err != nil {
			return false, planErrorf("reading the columns of %s on shard %s: %v", sqlparser.String(sel.From), sh, err)
		}
		return false, nil
	}
}

// probeColumns runs sel on shard sh with a WHERE no row satisfies (its
// own WHERE dropped) and NULL for every argument, and returns the names
// the backend gives its columns.
func probeColumns(sh *shard.Shard, sel *sqlparser.Select, nargs int) ([]string, error) {
	types, err := probeColumnTypes(sh, sel, nargs)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.Name()
	}
	return names, nil
}

// probeColumnTypes is probeColumns returning the columns' names and
// declared types as the shard's database reports them: it reads no row.
func probeColumnTypes(sh *shard.Shard, sel *sqlparser.Select, nargs int) ([]*sql.ColumnType, error) {
	never := sqlparser.NewWhere(sqlparser.WhereStr, &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr,
		Left: sqlparser.NewIntVal([]byte("1")), Right: sqlparser.NewIntVal([]byte("0"))})
	probe := *sel
	probe.Where = never
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	q, err := newShardStmt(&probe).bind(ctx, sh, make([]any, nargs), map[string]any{listArgName: []any{nil}})
	if err != nil {
		return nil, err
	}
	rows, err := sh.Backend.DB.QueryContext(ctx, q.SQL, q.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	return types, rows.Close()
}

// engineOfKeyspace returns the value semantics of a keyspace's backends.
func (p *Planner) engineOfKeyspace(ks *vschema.Keyspace) eval.Engine {
	if shards := p.topo.Shards(ks.Name); len(shards) > 0 {
		return engineOf(shards[0])
	}
	return eval.SQLite
}

// mixedBackends returns a shard of each backend when the keyspaces of the
// tables hold shards of more than one (a keyspace moving from SQLite to
// PostgreSQL, keyspaces on different backends): an operator that compares
// or computes values then has no one backend's rules to follow.
func (p *Planner) mixedBackends(tables []*tableRef) (a, b *shard.Shard) {
	seen := map[string]bool{}
	for _, r := range tables {
		ks := r.table.Keyspace.Name
		if seen[ks] {
			continue
		}
		seen[ks] = true
		for _, s := range p.topo.Shards(ks) {
			if a == nil {
				a = s
			} else if engineOf(s) != engineOf(a) {
				return a, s
			}
		}
	}
	return nil, nil
}
