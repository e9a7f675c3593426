package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/shard"
)

// queryRows runs a query and returns every row.
func queryRows(ctx context.Context, db *sql.DB, query string, args ...any) ([][]any, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows)
}

// scanAll reads every row of rs and closes it.
func scanAll(rs *sql.Rows) ([][]any, error) {
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rs.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rs.Err()
}

// readCatalog returns a backend's tables by lower-cased name.
func readCatalog(ctx context.Context, b *shard.Backend) (map[string]shard.TableInfo, error) {
	tables, err := b.ReadCatalog(ctx, func(ctx context.Context, q string) ([][]any, error) {
		return queryRows(ctx, b.DB, q)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]shard.TableInfo, len(tables))
	for _, t := range tables {
		out[strings.ToLower(t.Name)] = t
	}
	return out, nil
}

// columnsOf returns a table's column names as the catalog spells them and
// the kind of each, for hashing.
func columnsOf(t shard.TableInfo) ([]string, []valueKind) {
	names := make([]string, len(t.Columns))
	kinds := make([]valueKind, len(t.Columns))
	for i, c := range t.Columns {
		names[i], kinds[i] = c.Name, kindOf(c.Type)
	}
	return names, kinds
}

// selectSQL returns SELECT of the columns FROM the table, quoted for the
// backend.
func selectSQL(b *shard.Backend, table string, cols []string) (string, error) {
	var q strings.Builder
	q.WriteString("SELECT ")
	for i, c := range cols {
		if i > 0 {
			q.WriteString(", ")
		}
		id, err := b.Dialect.QuoteIdent(c)
		if err != nil {
			return "", err
		}
		q.WriteString(id)
	}
	t, err := b.Dialect.QuoteIdent(table)
	if err != nil {
		return "", err
	}
	q.WriteString(" FROM ")
	q.WriteString(t)
	return q.String(), nil
}

// insertSQL returns a multi-row INSERT of n rows of the columns, with the
// backend's placeholders.
func insertSQL(b *shard.Backend, table string, cols []string, n int) (string, error) {
	var q strings.Builder
	t, err := b.Dialect.QuoteIdent(table)
	if err != nil {
		return "", err
	}
	q.WriteString("INSERT INTO ")
	q.WriteString(t)
	q.WriteString(" (")
	for i, c := range cols {
		if i > 0 {
			q.WriteString(", ")
		}
		id, err := b.Dialect.QuoteIdent(c)
		if err != nil {
			return "", err
		}
		q.WriteString(id)
	}
	q.WriteString(") VALUES ")
	p := 0
	for r := range n {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for i := range cols {
			if i > 0 {
				q.WriteString(", ")
			}
			p++
			q.WriteString(b.Dialect.Placeholder(p))
		}
		q.WriteByte(')')
	}
	return q.String(), nil
}

// batchRows is how many rows one INSERT carries: 500, fewer for wide
// tables so that the placeholders stay under SQLite's and PostgreSQL's
// limits.
func batchRows(ncols int) int {
	return max(1, min(500, 30000/max(1, ncols)))
}

// sumTable reads every row of a table on a backend and calls each with
// the row and its hash.
func sumTable(ctx context.Context, b *shard.Backend, table string, cols []string, kinds []valueKind, each func(row []any, h uint64) error) error {
	q, err := selectSQL(b, table, cols)
	if err != nil {
		return err
	}
	rows, err := b.DB.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	h := newRowHasher(kinds)
	row := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range row {
		ptrs[i] = &row[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("reading %s: %w", table, err)
		}
		if err := each(row, h.hash(row)); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	return nil
}
