package workflow

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/shard"
)

// createTableSQL returns the MySQL CREATE TABLE of a table as a catalog
// describes it (columns, primary key, secondary indexes), for the driver
// or RenderDDL to turn into each backend's DDL. Foreign keys are left out:
// in a sharded keyspace the referenced row may live on another shard.
// With sharded, AUTO_INCREMENT is left out too: ids of a sharded table
// come from a sequence, not from each shard.
func createTableSQL(name string, t shard.TableInfo, sharded bool) string {
	var q strings.Builder
	q.WriteString("CREATE TABLE ")
	q.WriteString(backquote(strings.ToLower(name)))
	q.WriteString(" (")
	for i, c := range t.Columns {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(backquote(strings.ToLower(c.Name)))
		q.WriteByte(' ')
		q.WriteString(c.Type)
		if c.NotNull {
			q.WriteString(" NOT NULL")
		}
		if c.Default != nil {
			q.WriteString(" DEFAULT ")
			q.WriteString(defaultSQL(*c.Default))
		}
		if c.AutoIncrement && !sharded {
			q.WriteString(" AUTO_INCREMENT")
		}
	}
	if len(t.PrimaryKey) > 0 {
		q.WriteString(", PRIMARY KEY (")
		q.WriteString(nameList(t.PrimaryKey))
		q.WriteByte(')')
	}
	for _, ix := range t.Indexes {
		q.WriteString(", ")
		if ix.Unique {
			q.WriteString("UNIQUE ")
		}
		q.WriteString("KEY ")
		q.WriteString(backquote(strings.ToLower(ix.Name)))
		q.WriteString(" (")
		q.WriteString(nameList(ix.Columns))
		q.WriteByte(')')
	}
	q.WriteByte(')')
	return q.String()
}

var numberText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// defaultSQL renders a default as MySQL's COLUMN_DEFAULT shows it: a
// number or CURRENT_TIMESTAMP as it is, anything else as a string.
func defaultSQL(d string) string {
	switch {
	case numberText.MatchString(d), strings.EqualFold(d, "CURRENT_TIMESTAMP"), strings.EqualFold(d, "NULL"):
		return d
	}
	return "'" + strings.ReplaceAll(d, "'", "''") + "'"
}

func backquote(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func nameList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = backquote(strings.ToLower(n))
	}
	return strings.Join(q, ", ")
}

// createTable creates a table on a backend, rendered for its dialect
// from the MySQL DDL.
func createTable(ctx context.Context, b *shard.Backend, mysqlDDL string) error {
	return execDDL(ctx, b, mysqlDDL)
}

// execDDL renders a MySQL DDL statement in the backend's dialect and runs
// it there, then drops the backend's cached schema.
func execDDL(ctx context.Context, b *shard.Backend, mysqlDDL string) error {
	stmt, err := dialect.ParseDDL(mysqlDDL)
	if err != nil {
		return fmt.Errorf("%s: %w", mysqlDDL, err)
	}
	tpls, err := dialect.RenderDDL(b.Dialect, stmt)
	if err != nil {
		return err
	}
	for _, t := range tpls {
		if _, err := b.DB.ExecContext(ctx, t.String()); err != nil {
			return fmt.Errorf("%s: %w", t.String(), err)
		}
	}
	b.ForgetSchema()
	return nil
}

// dropTable drops a table from a backend if it is there.
func dropTable(ctx context.Context, b *shard.Backend, table string) error {
	return execDDL(ctx, b, "DROP TABLE IF EXISTS "+backquote(strings.ToLower(table)))
}
