package route

import (
	"context"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
)

// modifyColumnPlan runs ALTER TABLE … MODIFY COLUMN. A column's type
// cannot be changed in place on SQLite, and changing it shard by shard
// would leave the keyspace half-converted when one shard fails, so the
// statement is accepted only when it changes nothing vitessdo stores:
// every shard's catalog already describes the column as the statement
// does (type, NOT NULL, default; comments are not stored). ORMs issue such
// statements when they believe a column differs (GORM does for every
// decimal(p, s) column and every column with a comment).
type modifyColumnPlan struct {
	dp   *ddlPlan
	stmt *dialect.ModifyColumn
}

var _ Plan = (*modifyColumnPlan)(nil)

func (mp *modifyColumnPlan) NumArgs() int { return 0 }

func (mp *modifyColumnPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	return queryByExec(ctx, mp, vc, args)
}

func (mp *modifyColumnPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	return nil, nil
}

func (mp *modifyColumnPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	shards, err := mp.dp.shards()
	if err != nil {
		return Result{}, err
	}
	want := shard.DescribeColumn(mp.stmt.Column)
	table := strings.ToLower(mp.stmt.Table)
	for _, sh := range shards {
		tables, err := sh.Backend.ReadCatalog(ctx, func(ctx context.Context, q string) ([][]any, error) {
			return readShard(ctx, vc, sh, q)
		})
		if err != nil {
			return Result{}, &shard.Error{Keyspace: sh.Keyspace, Shard: sh.Name, Err: err}
		}
		have, inPK, found := findColumn(tables, table, want.Name)
		if !found {
			return Result{}, planErrorf("ALTER TABLE %s MODIFY COLUMN %s: no such column on shard %s", mp.stmt.Table, want.Name, sh)
		}
		if !shard.SameColumn(have, want, inPK) {
			return Result{}, unsupportedf("ALTER TABLE %s MODIFY COLUMN %s changes the column (%s to %s): changing a column on every shard is not supported; add a new column instead",
				mp.stmt.Table, want.Name, describe(have), describe(want))
		}
	}
	return Result{}, nil
}

// findColumn finds a column in a catalog and reports whether it is part
// of its table's primary key.
func findColumn(tables []shard.TableInfo, table, column string) (shard.ColumnInfo, bool, bool) {
	for _, t := range tables {
		if t.Name != table {
			continue
		}
		for _, c := range t.Columns {
			if c.Name == column {
				for _, pk := range t.PrimaryKey {
					if pk == column {
						return c, true, true
					}
				}
				return c, false, true
			}
		}
	}
	return shard.ColumnInfo{}, false, false
}

// describe writes a column as a MySQL column definition.
func describe(c shard.ColumnInfo) string {
	s := c.Type
	if c.NotNull {
		s += " NOT NULL"
	}
	if c.AutoIncrement {
		s += " AUTO_INCREMENT"
	}
	if c.Default != nil {
		s += fmt.Sprintf(" DEFAULT %q", *c.Default)
	}
	return s
}
