package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/shard"
)

// scanShard runs a SELECT on one shard alone (a session targeting it,
// USE `keyspace:shard`, as Vitess does) and calls fn for each row, as the
// rows stream in. fn must not keep row: its slice is reused.
func (c *checker) scanShard(ctx context.Context, sh *shard.Shard, query string, args []any, fn func(row []any) error) error {
	conn, err := c.t.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "USE `"+sh.Keyspace+":"+sh.Name+"`"); err != nil {
		return err
	}
	return scanRows(ctx, conn, query, args, fn)
}

// querier is a *sql.DB or *sql.Conn.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// scanRows runs a query and calls fn for each row as it streams in.
func scanRows(ctx context.Context, q querier, query string, args []any, fn func(row []any) error) error {
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return err
	}
	row := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range row {
		ptrs[i] = &row[i]
	}
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rs.Err()
}

// quoteIdent quotes a name in the driver's (MySQL) dialect.
func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// columnList quotes and joins names.
func columnList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// keyOf names a row by its primary key: "id=7" or "a=1,b=x".
func keyOf(names []string, values []any) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + showValue(values[i])
	}
	return strings.Join(parts, ",")
}

// showValue formats a value for a finding.
func showValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

// copyRow copies a scanned row, whose []byte values the next Scan
// overwrites.
func copyRow(row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		if b, ok := v.([]byte); ok {
			v = append([]byte(nil), b...)
		}
		out[i] = v
	}
	return out
}

// union returns a followed by the names of b not in a (case-insensitive).
func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, n := range b {
		found := false
		for _, m := range out {
			if strings.EqualFold(m, n) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, n)
		}
	}
	return out
}

// indexOf returns the position of name in names (case-insensitive).
func indexOf(names []string, name string) int {
	for i, n := range names {
		if strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}
