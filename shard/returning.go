package shard

import (
	"context"
	"fmt"
	"strings"
)

// IdentityColumn returns the column whose values the backend generates
// for a table (an SQLite INTEGER PRIMARY KEY, a PostgreSQL identity or
// serial column), or "" when it has none. It is read from the catalog once
// and cached until ForgetSchema.
func (b *Backend) IdentityColumn(table string) (string, error) {
	return b.IdentityColumnContext(context.Background(), table)
}

// IdentityColumnContext is IdentityColumn reading the catalog under ctx.
func (b *Backend) IdentityColumnContext(ctx context.Context, table string) (string, error) {
	t := strings.ToLower(table)
	b.mu.Lock()
	col, ok := b.identities[t]
	b.mu.Unlock()
	if ok {
		return col, nil
	}
	if b.DB == nil {
		return "", fmt.Errorf("identity column of %q: backend has no database", table)
	}
	cr, ok := b.Capabilities().(CatalogReader)
	if !ok {
		return "", fmt.Errorf("identity column of %q: %s backends have no catalog vitessdo reads", table, b.Product())
	}
	col, err := cr.IdentityColumn(ctx, b.DB, t)
	if err != nil {
		return "", fmt.Errorf("identity column of %q: %w", table, err)
	}
	b.mu.Lock()
	if b.identities == nil {
		b.identities = map[string]string{}
	}
	b.identities[t] = col
	b.mu.Unlock()
	return col, nil
}

func postgresIdentity(ctx context.Context, db Querier, table string) (string, error) {
	rows, err := db.QueryContext(ctx, `SELECT a.attname FROM pg_attribute a
WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
AND (a.attidentity <> '' OR pg_get_serial_sequence($1, a.attname) IS NOT NULL)
ORDER BY a.attnum LIMIT 1`, quoteIdent(table))
	if err != nil {
		return "", err
	}
	cols, err := scanStrings(rows)
	if err != nil || len(cols) == 0 {
		return "", err
	}
	return cols[0], nil
}

// sqliteIdentity finds an INTEGER PRIMARY KEY: the single primary-key
// column declared INTEGER, which is the table's rowid.
func sqliteIdentity(ctx context.Context, db Querier, table string) (string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name, type FROM pragma_table_info(?) WHERE pk > 0", table)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var name, typ string
	n := 0
	for rows.Next() {
		if err := rows.Scan(&name, &typ); err != nil {
			return "", err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if n != 1 || !strings.EqualFold(typ, "integer") {
		return "", nil
	}
	return name, nil
}
