package shard

import (
	"context"
	"regexp"
	"strings"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// The PostgreSQL catalog of the shard's schema (the first of its
// search_path): pg_class, pg_attribute, pg_index and pg_constraint, one
// query each for columns, indexes and foreign keys.
const (
	postgresColumnsSQL = `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '', col_description(c.oid, a.attnum)
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.relkind IN ('r', 'p')
ORDER BY c.relname, a.attnum`
	postgresIndexesSQL = `SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, a.attname
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_class i ON i.oid = ix.indexrelid
CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE t.relnamespace = to_regnamespace(current_schema()) AND t.relkind IN ('r', 'p')
ORDER BY t.relname, i.relname, k.ord`
	postgresForeignKeysSQL = `SELECT t.relname, c.conname, r.relname, a.attname, ra.attname, c.confdeltype::text, c.confupdtype::text
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_class r ON r.oid = c.confrelid
CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, refcol, ord)
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.col
JOIN pg_attribute ra ON ra.attrelid = r.oid AND ra.attnum = k.refcol
WHERE c.contype = 'f' AND t.relnamespace = to_regnamespace(current_schema())
ORDER BY t.relname, c.conname, k.ord`
)

func postgresCatalog(ctx context.Context, run QueryFunc) ([]TableInfo, error) {
	var b catalogBuilder
	rows, err := run(ctx, postgresColumnsSQL)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		t := b.table(catalogString(r[0]))
		c := ColumnInfo{Name: catalogString(r[1]), NotNull: catalogBool(r[3])}
		if r[4] != nil {
			c.Default = mysqlDefault(catalogString(r[4]))
		}
		if typ, autoInc, ok := dialect.ParseMarker(catalogString(r[6])); ok {
			c.Type, c.AutoIncrement = typ, autoInc
		} else {
			c.Type, c.AutoIncrement = postgresMySQLType(catalogString(r[2])), catalogBool(r[5])
		}
		t.Columns = append(t.Columns, c)
	}
	if rows, err = run(ctx, postgresIndexesSQL); err != nil {
		return nil, err
	}
	for _, r := range rows {
		t := b.lookup(catalogString(r[0]))
		if t == nil {
			continue
		}
		if catalogBool(r[3]) {
			t.PrimaryKey = append(t.PrimaryKey, catalogString(r[4]))
			continue
		}
		t.addIndexColumn(mysqlIndexName(t.Name, catalogString(r[1])), catalogBool(r[2]), catalogString(r[4]))
	}
	if rows, err = run(ctx, postgresForeignKeysSQL); err != nil {
		return nil, err
	}
	for _, r := range rows {
		t := b.lookup(catalogString(r[0]))
		if t == nil {
			continue
		}
		fk := ForeignKeyInfo{Name: catalogString(r[1]), RefTable: catalogString(r[2]), OnDelete: postgresRule(catalogString(r[5])), OnUpdate: postgresRule(catalogString(r[6]))}
		t.addForeignKeyColumn(fk, catalogString(r[3]), catalogString(r[4]))
	}
	return b.result(), nil
}

// postgresRule names a pg_constraint action code as MySQL does.
func postgresRule(code string) string {
	switch code {
	case "c":
		return "CASCADE"
	case "n":
		return "SET NULL"
	case "d":
		return "SET DEFAULT"
	case "r":
		return "RESTRICT"
	}
	return "NO ACTION"
}

var postgresTypeArgs = regexp.MustCompile(`\(([0-9, ]+)\)`)

// postgresMySQLType is the MySQL type closest to a PostgreSQL type
// (format_type's text), for columns vitessdo did not create.
func postgresMySQLType(pg string) string {
	args := ""
	if m := postgresTypeArgs.FindStringSubmatch(pg); m != nil {
		args = "(" + strings.ReplaceAll(m[1], " ", "") + ")"
	}
	base := postgresTypeArgs.ReplaceAllString(pg, "")
	switch {
	case base == "smallint":
		return "smallint"
	case base == "integer":
		return "int"
	case base == "bigint":
		return "bigint"
	case base == "boolean":
		return "tinyint(1)"
	case base == "character varying":
		if args == "" {
			return "text"
		}
		return "varchar" + args
	case base == "character":
		return "char" + args
	case base == "numeric":
		if args == "" {
			return "decimal(65,30)"
		}
		return "decimal" + args
	case base == "real":
		return "float"
	case base == "double precision":
		return "double"
	case strings.HasPrefix(base, "timestamp"):
		return "datetime" + args
	case strings.HasPrefix(base, "time"):
		return "time" + args
	case base == "date":
		return "date"
	case base == "bytea":
		return "longblob"
	case base == "json", base == "jsonb":
		return "json"
	}
	return "text"
}

func postgresPrimaryKey(ctx context.Context, db Querier, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT a.attname
FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = to_regclass($1) AND i.indisprimary
ORDER BY array_position(i.indkey::int2[], a.attnum)`, quoteIdent(table))
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}
