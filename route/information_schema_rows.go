package route

import (
	"strconv"
	"strings"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
)

// The rows of the information_schema tables, built from one keyspace's
// catalog as MySQL 8 fills them. Character data is utf8mb4 with a binary
// collation: SQLite and PostgreSQL shards compare text bytewise.

const (
	infoCharset   = "utf8mb4"
	infoCollation = "utf8mb4_bin"
)

// build returns the table's rows over the sources, in their order: one
// SCHEMATA row per schema (consecutive sources of one schema share it),
// and the rows of the other tables from each source's catalog.
func (t *infoTable) build(sources []catalogSource) []merge.Row {
	var rows []merge.Row
	for i, src := range sources {
		if t.rows == nil {
			if i == 0 || sources[i-1].schema != src.schema {
				rows = append(rows, schemataRow(src.schema))
			}
			continue
		}
		rows = append(rows, t.rows(src.schema, src.backend, src.tables)...)
	}
	return rows
}

// schemataRow is a schema's row of SCHEMATA.
func schemataRow(schema string) merge.Row {
	return merge.Row{"def", schema, infoCharset, infoCollation, nil, "NO"}
}

func engineName(b *shard.Backend) string {
	if b == nil {
		return "SQLite"
	}
	return b.Product()
}

func tablesRows(ks string, b *shard.Backend, tables []shard.TableInfo) [][]any {
	rows := make([][]any, 0, len(tables))
	for _, t := range tables {
		rows = append(rows, []any{"def", ks, t.Name, "BASE TABLE", engineName(b), int64(10), "Dynamic", nil, nil, nil, nil, infoCollation, "", ""})
	}
	return rows
}

// columnKey is MySQL's COLUMN_KEY: PRI for a primary-key column, UNI for
// the column of a one-column unique index, MUL for the first column of
// any other index.
func columnKey(t shard.TableInfo, col string) string {
	for _, c := range t.PrimaryKey {
		if c == col {
			return "PRI"
		}
	}
	key := ""
	for _, ix := range t.Indexes {
		if ix.Columns[0] != col {
			continue
		}
		if ix.Unique && len(ix.Columns) == 1 {
			return "UNI"
		}
		key = "MUL"
	}
	return key
}

func columnsRows(ks string, _ *shard.Backend, tables []shard.TableInfo) [][]any {
	var rows [][]any
	for _, t := range tables {
		for i, c := range t.Columns {
			f := mysqlTypeFacts(c.Type)
			nullable := "YES"
			if c.NotNull {
				nullable = "NO"
			}
			var def any
			if c.Default != nil {
				def = *c.Default
			}
			extra := ""
			switch {
			case c.AutoIncrement:
				extra = "auto_increment"
			case c.Default != nil && *c.Default == "CURRENT_TIMESTAMP":
				extra = "DEFAULT_GENERATED"
			}
			var charset, collation any
			if f.text {
				charset, collation = infoCharset, infoCollation
			}
			rows = append(rows, []any{
				"def", ks, t.Name, c.Name, int64(i + 1), def, nullable, f.dataType,
				f.charLength, f.octetLength, f.precision, f.scale, f.datetimePrecision,
				charset, collation, c.Type, columnKey(t, c.Name), extra,
				"select,insert,update,references", "", "", nil,
			})
		}
	}
	return rows
}

func statisticsRows(ks string, _ *shard.Backend, tables []shard.TableInfo) [][]any {
	var rows [][]any
	for _, t := range tables {
		nullable := map[string]string{}
		for _, c := range t.Columns {
			if !c.NotNull {
				nullable[c.Name] = "YES"
			}
		}
		add := func(name string, unique bool, cols []string) {
			nonUnique := int64(1)
			if unique {
				nonUnique = 0
			}
			for i, c := range cols {
				rows = append(rows, []any{"def", ks, t.Name, nonUnique, ks, name, int64(i + 1), c, "A", nil, nil, nil, nullable[c], "BTREE", "", "", "YES", nil})
			}
		}
		if len(t.PrimaryKey) > 0 {
			add("PRIMARY", true, t.PrimaryKey)
		}
		for _, ix := range t.Indexes {
			add(ix.Name, ix.Unique, ix.Columns)
		}
	}
	return rows
}

func tableConstraintsRows(ks string, _ *shard.Backend, tables []shard.TableInfo) [][]any {
	var rows [][]any
	for _, t := range tables {
		if len(t.PrimaryKey) > 0 {
			rows = append(rows, []any{"def", ks, "PRIMARY", ks, t.Name, "PRIMARY KEY", "YES"})
		}
		for _, ix := range t.Indexes {
			if ix.Unique {
				rows = append(rows, []any{"def", ks, ix.Name, ks, t.Name, "UNIQUE", "YES"})
			}
		}
		for _, fk := range t.ForeignKeys {
			rows = append(rows, []any{"def", ks, fk.Name, ks, t.Name, "FOREIGN KEY", "YES"})
		}
	}
	return rows
}

func keyColumnUsageRows(ks string, _ *shard.Backend, tables []shard.TableInfo) [][]any {
	var rows [][]any
	for _, t := range tables {
		for i, c := range t.PrimaryKey {
			rows = append(rows, []any{"def", ks, "PRIMARY", "def", ks, t.Name, c, int64(i + 1), nil, nil, nil, nil})
		}
		for _, ix := range t.Indexes {
			if !ix.Unique {
				continue
			}
			for i, c := range ix.Columns {
				rows = append(rows, []any{"def", ks, ix.Name, "def", ks, t.Name, c, int64(i + 1), nil, nil, nil, nil})
			}
		}
		for _, fk := range t.ForeignKeys {
			for i, c := range fk.Columns {
				rows = append(rows, []any{"def", ks, fk.Name, "def", ks, t.Name, c, int64(i + 1), int64(i + 1), ks, fk.RefTable, fk.RefColumns[i]})
			}
		}
	}
	return rows
}

func referentialConstraintsRows(ks string, _ *shard.Backend, tables []shard.TableInfo) [][]any {
	var rows [][]any
	for _, t := range tables {
		for _, fk := range t.ForeignKeys {
			onUpdate, onDelete := orNoAction(fk.OnUpdate), orNoAction(fk.OnDelete)
			rows = append(rows, []any{"def", ks, fk.Name, "def", ks, "PRIMARY", "NONE", onUpdate, onDelete, t.Name, fk.RefTable})
		}
	}
	return rows
}

func orNoAction(rule string) string {
	if rule == "" {
		return "NO ACTION"
	}
	return strings.ToUpper(rule)
}

// typeFacts are the information_schema.COLUMNS fields MySQL derives from
// a column's type; nil where MySQL shows NULL.
type typeFacts struct {
	dataType          string
	charLength        any
	octetLength       any
	precision         any
	scale             any
	datetimePrecision any
	text              bool
}

// mysqlTypeFacts derives the facts from a COLUMN_TYPE such as
// "bigint unsigned", "varchar(191)", "decimal(10,2)" or "datetime(3)".
func mysqlTypeFacts(columnType string) typeFacts {
	ct := strings.ToLower(strings.TrimSpace(columnType))
	base, args := ct, ""
	if i := strings.IndexByte(ct, '('); i >= 0 {
		base = ct[:i]
		if j := strings.IndexByte(ct[i:], ')'); j > 0 {
			args = ct[i+1 : i+j]
		}
	}
	base, _, _ = strings.Cut(base, " ")
	unsigned := strings.Contains(ct, " unsigned")
	num := func(s string) any {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil
		}
		return n
	}
	f := typeFacts{dataType: base}
	ints := map[string][2]int64{"tinyint": {3, 3}, "smallint": {5, 5}, "mediumint": {7, 8}, "int": {10, 10}, "bigint": {19, 20}}
	switch base {
	case "tinyint", "smallint", "mediumint", "int", "bigint":
		p := ints[base][0]
		if unsigned {
			p = ints[base][1]
		}
		f.precision, f.scale = p, int64(0)
	case "decimal":
		p, s, _ := strings.Cut(args, ",")
		f.precision, f.scale = num(p), num(s)
		if f.scale == nil {
			f.scale = int64(0)
		}
	case "float":
		f.precision = int64(12)
	case "double":
		f.precision = int64(22)
	case "bit":
		f.precision = num(args)
	case "varchar", "char":
		f.text = true
		f.charLength = num(args)
		if n, ok := f.charLength.(int64); ok {
			f.octetLength = 4 * n
		}
	case "binary", "varbinary":
		f.charLength, f.octetLength = num(args), num(args)
	case "tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob", "mediumblob", "longblob":
		n := map[string]int64{"tiny": 255, "": 65535, "medium": 16777215, "long": 4294967295}[strings.TrimSuffix(strings.TrimSuffix(base, "text"), "blob")]
		f.charLength, f.octetLength = n, n
		f.text = strings.HasSuffix(base, "text")
	case "enum", "set":
		f.text = true
		longest := int64(0)
		for _, v := range strings.Split(args, ",") {
			if n := int64(len(strings.Trim(v, "'"))); n > longest {
				longest = n
			}
		}
		f.charLength, f.octetLength = longest, 4*longest
	case "datetime", "timestamp", "time":
		f.datetimePrecision = int64(0)
		if args != "" {
			f.datetimePrecision = num(args)
		}
	}
	return f
}
