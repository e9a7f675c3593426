package shard

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// TableInfo is a table as a shard's catalog describes it, in MySQL's
// terms: what information_schema reports about it.
type TableInfo struct {
	Name        string
	Columns     []ColumnInfo
	PrimaryKey  []string
	Indexes     []IndexInfo
	ForeignKeys []ForeignKeyInfo
}

// ColumnInfo is one column of a table.
type ColumnInfo struct {
	Name string
	// Type is MySQL's COLUMN_TYPE (bigint unsigned, varchar(191),
	// datetime(3)…): the type the column was created with when vitessdo
	// created it, else the MySQL type closest to the backend's.
	Type          string
	AutoIncrement bool
	NotNull       bool
	// Default is the default as MySQL's COLUMN_DEFAULT shows it (a string
	// without quotes, a number, CURRENT_TIMESTAMP); nil for none or NULL.
	Default *string
}

// IndexInfo is a secondary index (the primary key is TableInfo.PrimaryKey),
// under its MySQL name.
type IndexInfo struct {
	Name    string
	Unique  bool
	Columns []string
}

// ForeignKeyInfo is a foreign key the backend enforces. OnDelete and
// OnUpdate are MySQL's rule names: CASCADE, SET NULL, SET DEFAULT,
// RESTRICT or NO ACTION.
type ForeignKeyInfo struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
	OnDelete   string
	OnUpdate   string
}

// QueryFunc runs one catalog query on a shard and returns every row.
type QueryFunc func(ctx context.Context, sql string) ([][]any, error)

// ReadCatalog reads the tables of a shard's catalog (its schema on
// PostgreSQL, its file on SQLite), running the backend's catalog queries
// through run, so that they go wherever the caller's statements go (its
// transaction included).
func (b *Backend) ReadCatalog(ctx context.Context, run QueryFunc) ([]TableInfo, error) {
	cr, ok := b.Capabilities().(CatalogReader)
	if !ok {
		return nil, fmt.Errorf("vitessdo: catalog: %s backends have no catalog vitessdo reads", b.Product())
	}
	tables, err := cr.ReadCatalog(ctx, run)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: reading the %s catalog: %w", b.Product(), err)
	}
	// The shard records are the driver's, not the application's.
	return slices.DeleteFunc(tables, func(t TableInfo) bool { return t.Name == RecordTable }), nil
}

// ReadCatalog reads the tables of the catalog of a backend speaking
// dialect d (see Backend.ReadCatalog).
func ReadCatalog(ctx context.Context, d dialect.Dialect, run QueryFunc) ([]TableInfo, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("vitessdo: catalog: unknown dialect %v", d)
	}
	return (&Backend{Dialect: d}).ReadCatalog(ctx, run)
}

// catalogBuilder collects rows into tables, in the order tables appear.
type catalogBuilder struct {
	tables []*TableInfo
	byName map[string]*TableInfo
}

func (b *catalogBuilder) table(name string) *TableInfo {
	if b.byName == nil {
		b.byName = map[string]*TableInfo{}
	}
	t := b.byName[name]
	if t == nil {
		t = &TableInfo{Name: name}
		b.byName[name] = t
		b.tables = append(b.tables, t)
	}
	return t
}

// lookup returns a table already seen, or nil.
func (b *catalogBuilder) lookup(name string) *TableInfo { return b.byName[name] }

func (b *catalogBuilder) result() []TableInfo {
	out := make([]TableInfo, len(b.tables))
	for i, t := range b.tables {
		out[i] = *t
	}
	return out
}

// addIndexColumn adds a column to the table's index of that name,
// creating the index on its first column.
func (t *TableInfo) addIndexColumn(name string, unique bool, col string) {
	for i := range t.Indexes {
		if t.Indexes[i].Name == name {
			t.Indexes[i].Columns = append(t.Indexes[i].Columns, col)
			return
		}
	}
	t.Indexes = append(t.Indexes, IndexInfo{Name: name, Unique: unique, Columns: []string{col}})
}

// addForeignKeyColumn adds a column pair to the table's foreign key of
// that name, creating the key on its first pair.
func (t *TableInfo) addForeignKeyColumn(fk ForeignKeyInfo, col, ref string) {
	for i := range t.ForeignKeys {
		if t.ForeignKeys[i].Name == fk.Name {
			t.ForeignKeys[i].Columns = append(t.ForeignKeys[i].Columns, col)
			t.ForeignKeys[i].RefColumns = append(t.ForeignKeys[i].RefColumns, ref)
			return
		}
	}
	fk.Columns, fk.RefColumns = []string{col}, []string{ref}
	t.ForeignKeys = append(t.ForeignKeys, fk)
}

// mysqlIndexName returns the MySQL name of a backend index: the backend
// name is table_index (see indexName).
func mysqlIndexName(table, backend string) string {
	if n, ok := strings.CutPrefix(backend, dialect.FoldIdent(table)+"_"); ok && n != "" {
		return n
	}
	return backend
}

// catalogString reads a catalog value as text.
func catalogString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

func catalogBool(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case int64:
		return v != 0
	}
	s := catalogString(v)
	b, err := strconv.ParseBool(s)
	return err == nil && b
}

func catalogInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	}
	n, _ := strconv.ParseInt(catalogString(v), 10, 64)
	return n
}

// mysqlDefault turns a backend's default expression into MySQL's
// COLUMN_DEFAULT: a quoted literal loses its quotes (and a PostgreSQL
// cast), NULL is no default, and the UTC timestamp the renderer writes
// for CURRENT_TIMESTAMP is CURRENT_TIMESTAMP again.
func mysqlDefault(expr string) *string {
	e := strings.TrimSpace(expr)
	for len(e) >= 2 && e[0] == '(' && e[len(e)-1] == ')' && !strings.Contains(strings.ToLower(e), "now()") {
		e = strings.TrimSpace(e[1 : len(e)-1])
	}
	if e == "" || strings.EqualFold(e, "null") || strings.HasPrefix(strings.ToUpper(e), "NULL::") {
		return nil
	}
	le := strings.ToLower(e)
	if strings.Contains(le, "now()") || strings.HasPrefix(le, "current_timestamp") {
		s := "CURRENT_TIMESTAMP"
		return &s
	}
	if e[0] == '\'' {
		var b strings.Builder
		for i := 1; i < len(e); i++ {
			if e[i] == '\'' {
				if i+1 < len(e) && e[i+1] == '\'' {
					b.WriteByte('\'')
					i++
					continue
				}
				break
			}
			b.WriteByte(e[i])
		}
		s := b.String()
		return &s
	}
	if i := strings.Index(e, "::"); i > 0 {
		e = strings.Trim(e[:i], "()")
	}
	if strings.HasPrefix(e, "X'") || strings.HasPrefix(e, "x'") {
		s := "0x" + strings.Trim(e[1:], "'")
		return &s
	}
	return &e
}

// foreignKeyNames finds the names of the FOREIGN KEY clauses in an SQLite
// CREATE TABLE text, in order; "" for an unnamed one.
var foreignKeyClause = regexp.MustCompile("(?i)(?:CONSTRAINT\\s+`((?:[^`]|``)+)`\\s+)?FOREIGN\\s+KEY")

func foreignKeyNames(createSQL string) []string {
	var names []string
	for _, m := range foreignKeyClause.FindAllStringSubmatch(createSQL, -1) {
		names = append(names, strings.ReplaceAll(m[1], "``", "`"))
	}
	return names
}

// DescribeColumn returns the ColumnInfo a catalog would show for a column
// created from the definition.
func DescribeColumn(col *sqlparser.ColumnDefinition) ColumnInfo {
	ct := &col.Type
	c := ColumnInfo{Name: dialect.FoldIdent(col.Name.String()), Type: dialect.MySQLColumnType(ct), AutoIncrement: bool(ct.Autoincrement), NotNull: bool(ct.NotNull)}
	if v := ct.Default; v != nil {
		var s string
		switch v.Type {
		case sqlparser.ValArg:
			if strings.EqualFold(string(v.Val), "current_timestamp") {
				s = "CURRENT_TIMESTAMP"
				c.Default = &s
			}
		case sqlparser.HexVal, sqlparser.HexNum:
			s = "0x" + strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(string(v.Val), "0x"), "0X"))
			c.Default = &s
		default:
			s = string(v.Val)
			c.Default = &s
		}
	}
	return c
}

// SameColumn reports whether two descriptions of a column agree on what
// vitessdo stores: the MySQL type, NOT NULL (implied for a primary-key
// column), AUTO_INCREMENT and the default. Comments are not stored.
func SameColumn(a, b ColumnInfo, inPrimaryKey bool) bool {
	norm := func(t string) string { return strings.ToLower(strings.ReplaceAll(t, " ", "")) }
	if norm(a.Type) != norm(b.Type) || a.AutoIncrement != b.AutoIncrement {
		return false
	}
	if a.NotNull != b.NotNull && !inPrimaryKey {
		return false
	}
	switch {
	case a.Default == nil || b.Default == nil:
		return a.Default == nil && b.Default == nil
	case *a.Default == *b.Default:
		return true
	}
	x, errx := strconv.ParseFloat(*a.Default, 64)
	y, erry := strconv.ParseFloat(*b.Default, 64)
	return errx == nil && erry == nil && x == y
}
