package shard

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// The SQLite catalog: sqlite_master and the table-valued pragmas, one
// query each for tables, columns, indexes and foreign keys.
const (
	sqliteTablesSQL  = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
	sqliteColumnsSQL = "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p " +
		"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, p.cid"
	sqliteIndexesSQL = "SELECT m.name, il.name, il.\"unique\", il.origin, ii.name FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii " +
		"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, il.name, ii.seqno"
	sqliteForeignKeysSQL = "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_delete, f.on_update FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f " +
		"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, f.id, f.seq"
)

// sqliteMarker finds the MySQL type recorded after each column's type in
// a CREATE TABLE text: `name` TEXT /*mysql:varchar(191)*/.
var sqliteMarker = regexp.MustCompile("`((?:[^`]|``)+)`\\s+\\w+\\s*/\\*(" + dialect.MySQLTypeMarker + "[^*]*)\\*/")

func sqliteCatalog(ctx context.Context, run QueryFunc) ([]TableInfo, error) {
	var b catalogBuilder
	rows, err := run(ctx, sqliteTablesSQL)
	if err != nil {
		return nil, err
	}
	markers := map[string]map[string]string{}
	fkNames := map[string][]string{}
	for _, r := range rows {
		name, create := catalogString(r[0]), catalogString(r[1])
		b.table(name)
		m := map[string]string{}
		for _, x := range sqliteMarker.FindAllStringSubmatch(create, -1) {
			m[strings.ReplaceAll(x[1], "``", "`")] = x[2]
		}
		markers[name] = m
		fkNames[name] = foreignKeyNames(create)
	}
	if rows, err = run(ctx, sqliteColumnsSQL); err != nil {
		return nil, err
	}
	pks := map[string][]struct {
		pos  int64
		name string
	}{}
	for _, r := range rows {
		table, name, declared := catalogString(r[0]), catalogString(r[1]), catalogString(r[2])
		t := b.lookup(table)
		if t == nil {
			continue
		}
		c := ColumnInfo{Name: name, NotNull: catalogBool(r[3])}
		if r[4] != nil {
			c.Default = mysqlDefault(catalogString(r[4]))
		}
		if typ, autoInc, ok := dialect.ParseMarker(markers[table][name]); ok {
			c.Type, c.AutoIncrement = typ, autoInc
		} else {
			c.Type = sqliteMySQLType(declared)
		}
		if pos := catalogInt(r[5]); pos > 0 {
			c.NotNull = true
			pks[table] = append(pks[table], struct {
				pos  int64
				name string
			}{pos, name})
		}
		t.Columns = append(t.Columns, c)
	}
	for table, cols := range pks {
		t := b.lookup(table)
		t.PrimaryKey = make([]string, len(cols))
		for _, c := range cols {
			t.PrimaryKey[c.pos-1] = c.name
		}
	}
	if rows, err = run(ctx, sqliteIndexesSQL); err != nil {
		return nil, err
	}
	for _, r := range rows {
		t := b.lookup(catalogString(r[0]))
		if t == nil || catalogString(r[3]) == "pk" {
			continue
		}
		t.addIndexColumn(mysqlIndexName(t.Name, catalogString(r[1])), catalogBool(r[2]), catalogString(r[4]))
	}
	if rows, err = run(ctx, sqliteForeignKeysSQL); err != nil {
		return nil, err
	}
	for _, r := range rows {
		t := b.lookup(catalogString(r[0]))
		if t == nil {
			continue
		}
		// pragma_foreign_key_list numbers the keys from the last clause.
		id := int(catalogInt(r[1]))
		names := fkNames[t.Name]
		name := ""
		if k := len(names) - 1 - id; k >= 0 && k < len(names) {
			name = names[k]
		}
		if name == "" {
			name = t.Name + "_ibfk_" + strconv.Itoa(len(names)-id)
		}
		fk := ForeignKeyInfo{Name: name, RefTable: catalogString(r[2]), OnDelete: catalogString(r[5]), OnUpdate: catalogString(r[6])}
		t.addForeignKeyColumn(fk, catalogString(r[3]), catalogString(r[4]))
	}
	return b.result(), nil
}

// sqliteMySQLType is the MySQL type closest to an SQLite declared type,
// for columns vitessdo did not create.
func sqliteMySQLType(declared string) string {
	d := strings.ToUpper(strings.TrimSpace(declared))
	switch {
	case d == "DATE", d == "DATETIME", d == "TIMESTAMP", d == "TIME":
		return strings.ToLower(d)
	case d == "BOOLEAN" || d == "BOOL":
		return "tinyint(1)"
	case strings.Contains(d, "INT"):
		return "bigint"
	case strings.HasPrefix(d, "VARCHAR("), strings.HasPrefix(d, "CHAR("):
		return strings.ToLower(d)
	case strings.Contains(d, "CHAR"), strings.Contains(d, "CLOB"), strings.Contains(d, "TEXT"):
		return "text"
	case strings.Contains(d, "BLOB"), d == "":
		return "blob"
	case strings.Contains(d, "REAL"), strings.Contains(d, "FLOA"), strings.Contains(d, "DOUB"):
		return "double"
	}
	return "decimal(10,0)"
}

func sqlitePrimaryKey(ctx context.Context, db Querier, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", table)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
