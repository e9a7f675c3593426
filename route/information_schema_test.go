package route

import (
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xwb1989/sqlparser"
	_ "modernc.org/sqlite"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
)

// catalogFixture is two keyspaces' catalogs, as shards report them.
func catalogFixture() []catalogSource {
	def := func(s string) *string { return &s }
	app := []shard.TableInfo{
		{Name: "users", Columns: []shard.ColumnInfo{
			{Name: "id", Type: "bigint unsigned", AutoIncrement: true, NotNull: true},
			{Name: "name", Type: "varchar(191)", NotNull: true, Default: def("anon")},
			{Name: "bio", Type: "longtext"},
			{Name: "score", Type: "decimal(10,2)"},
			{Name: "Country", Type: "char(2)"},
		}, PrimaryKey: []string{"id"}, Indexes: []shard.IndexInfo{
			{Name: "idx_users_name", Unique: true, Columns: []string{"name"}},
			{Name: "idx_users_country", Columns: []string{"Country", "score"}},
		}},
		{Name: "orders", Columns: []shard.ColumnInfo{
			{Name: "id", Type: "bigint", NotNull: true},
			{Name: "user_id", Type: "bigint unsigned", NotNull: true},
			{Name: "placed", Type: "datetime(3)", Default: def("CURRENT_TIMESTAMP")},
		}, PrimaryKey: []string{"id"}, ForeignKeys: []shard.ForeignKeyInfo{
			{Name: "fk_orders_user", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: "cascade"},
		}},
	}
	main := []shard.TableInfo{
		{Name: "Countries", Columns: []shard.ColumnInfo{{Name: "code", Type: "varchar(2)", NotNull: true}, {Name: "name", Type: "varchar(64)"}}, PrimaryKey: []string{"code"}},
	}
	return []catalogSource{
		{schema: "app", tables: app},
		{schema: "main", tables: main},
		{schema: "app_archive"},
	}
}

// TestCatalogSelectMatchesSQLite runs information_schema queries through
// the router's evaluation and through SQLite over the same rows, which
// compares text bytewise as utf8mb4_bin does: the rows must be equal.
func TestCatalogSelectMatchesSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", "file:catalog-oracle?mode=memory&cache=shared")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	sources := catalogFixture()
	for _, name := range infoTableNames() {
		tab := infoTables[strings.ToLower(name)]
		rows := tab.build(sources)
		if _, err := db.Exec(fmt.Sprintf("CREATE TABLE %s (%s)", tab.name, strings.Join(tab.cols, ", "))); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if _, err := db.Exec(fmt.Sprintf("INSERT INTO %s VALUES (?%s)", tab.name, strings.Repeat(", ?", len(r)-1)), r...); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		query string
		args  []any
	}{
		{"SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME", nil},
		{"SELECT SCHEMA_NAME from Information_schema.SCHEMATA where SCHEMA_NAME LIKE ? ORDER BY SCHEMA_NAME=? DESC,SCHEMA_NAME limit 1", []any{"app%", "app"}},
		{"SELECT SCHEMA_NAME from Information_schema.SCHEMATA where SCHEMA_NAME LIKE ? ORDER BY SCHEMA_NAME=? DESC,SCHEMA_NAME limit 1", []any{"%", ""}},
		{"SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'APP_%' OR schema_name NOT LIKE '%a%'", nil},
		{"SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ? AND table_type = ?", []any{"app", "orders", "BASE TABLE"}},
		{"SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", []any{"app", "nope"}},
		{"SELECT TABLE_NAME FROM information_schema.tables where TABLE_SCHEMA=?", []any{"app"}},
		{"SELECT table_schema, count(*), min(table_name), max(table_name) FROM information_schema.tables GROUP BY table_schema ORDER BY 2 DESC, 1", nil},
		{"SELECT column_name, column_default, is_nullable = 'YES', data_type, character_maximum_length, column_type, column_key, extra, column_comment, numeric_precision, numeric_scale, datetime_precision " +
			"FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ORDINAL_POSITION", []any{"app", "users"}},
		{"SELECT c.table_name, c.column_name FROM information_schema.columns AS c WHERE c.data_type IN ('bigint', 'char') AND c.table_schema <> 'main' ORDER BY c.table_name DESC, c.ordinal_position", nil},
		{"SELECT table_name, sum(ordinal_position), avg(ordinal_position), count(column_default), count(DISTINCT data_type) FROM information_schema.columns GROUP BY table_name HAVING count(*) > 2 ORDER BY table_name", nil},
		{"SELECT DISTINCT data_type FROM information_schema.columns ORDER BY data_type DESC LIMIT 2 OFFSET 1", nil},
		{"SELECT TABLE_NAME, COLUMN_NAME, INDEX_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX", []any{"app", "users"}},
		{"SELECT count(*) FROM information_schema.statistics WHERE table_schema = ? AND table_name = ? AND index_name = ?", []any{"app", "users", "idx_users_name"}},
		{"SELECT constraint_name, table_name, constraint_type FROM information_schema.table_constraints WHERE constraint_schema = ? ORDER BY table_name, constraint_name", []any{"app"}},
		{"SELECT * FROM information_schema.key_column_usage ORDER BY table_schema, table_name, constraint_name, ordinal_position", nil},
		{"SELECT constraint_name, delete_rule, update_rule FROM information_schema.referential_constraints", nil},
		{"SELECT table_name AS t, column_name FROM information_schema.columns WHERE table_schema = 'app' ORDER BY t, column_name LIMIT ?", []any{int64(4)}},
	}
	schemaQualifier := regexp.MustCompile(`(?i)information_schema\.`)
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, got, err := runCatalogQuery(tt.query, sources, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			want, err := sqliteRows(db, schemaQualifier.ReplaceAllString(tt.query, ""), tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("router vs SQLite (-want +got):\n%s", diff)
			}
		})
	}
}

// runCatalogQuery plans and runs an information_schema query over the
// sources' rows.
func runCatalogQuery(query string, sources []catalogSource, args []any) ([]string, []merge.Row, error) {
	stmt, err := sqlparser.Parse(query)
	if err != nil {
		return nil, nil, err
	}
	sel := stmt.(sqlparser.SelectStatement)
	tables, ok, err := infoSchemaTables(sel)
	if err != nil || !ok {
		return nil, nil, fmt.Errorf("tables of %s: %v %v", query, ok, err)
	}
	cs, err := compileCatalogSelect(sel, tables[0])
	if err != nil {
		return nil, nil, err
	}
	return cs.run(cs.table.build(sources), args)
}

func sqliteRows(db *sql.DB, query string, args []any) ([]merge.Row, error) {
	rs, err := db.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	var out []merge.Row
	for rs.Next() {
		r := make(merge.Row, len(cols))
		ptrs := make([]any, len(cols))
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range r {
			if b, ok := v.([]byte); ok {
				r[i] = string(b)
			}
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// TestCatalogSelectNamesColumnsAsMySQL checks the result columns' names:
// an alias as written, a plain column in upper case, anything else by its
// text with ? for placeholders.
func TestCatalogSelectNamesColumnsAsMySQL(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"SELECT column_name, Data_Type AS dt, is_nullable = ?, count(*) FROM information_schema.columns GROUP BY column_name, data_type, is_nullable", []string{"COLUMN_NAME", "dt", "is_nullable = ?", "count(*)"}},
		{"SELECT * FROM information_schema.schemata", infoTables["schemata"].cols},
	}
	for _, tt := range tests {
		got, _, err := runCatalogQuery(tt.query, catalogFixture(), []any{"YES"})
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: names (-want +got):\n%s", tt.query, diff)
		}
	}
}

// TestCatalogSelectRefusesWhatItCannotAnswer checks the errors of
// information_schema queries the router does not evaluate.
func TestCatalogSelectRefusesWhatItCannotAnswer(t *testing.T) {
	tests := []struct {
		query, want string
	}{
		{"SELECT nope FROM information_schema.columns", "information_schema.COLUMNS has no column nope"},
		{"SELECT x.table_name FROM information_schema.tables AS t", "x.table_name names no table of the query"},
		{"SELECT t.table_name FROM information_schema.tables t JOIN information_schema.columns c ON t.table_name = c.table_name", "unsupported: a join of information_schema tables"},
		{"SELECT table_name FROM information_schema.tables UNION SELECT table_name FROM information_schema.columns", "unsupported: UNION of information_schema queries"},
		{"SELECT table_name FROM information_schema.tables WHERE table_name IN (SELECT table_name FROM information_schema.columns)", "unsupported: a subquery"},
		{"SELECT table_name FROM (SELECT * FROM information_schema.tables WHERE table_schema = 'main') AS t", "unsupported: a subquery"},
		{"SELECT table_name FROM information_schema.tables ORDER BY (SELECT 1 FROM information_schema.columns LIMIT 1)", "unsupported: a subquery"},
		{"SELECT group_concat(table_name) FROM information_schema.tables", "unsupported"},
		{"SELECT table_name FROM information_schema.tables ORDER BY 3", "ORDER BY 3: the select list has 1 items"},
	}
	for _, tt := range tests {
		_, _, err := runCatalogQuery(tt.query, catalogFixture(), nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.query, err, tt.want)
		}
	}
}

// TestCatalogRowsOfSourcesSharingASchema checks that sources of one
// schema give SCHEMATA one row and the other tables the rows of each.
func TestCatalogRowsOfSourcesSharingASchema(t *testing.T) {
	sources := []catalogSource{
		{schema: "s", tables: []shard.TableInfo{{Name: "a"}}},
		{schema: "s", tables: []shard.TableInfo{{Name: "b"}}},
		{schema: "t"},
	}
	if got := infoTables["schemata"].build(sources); len(got) != 2 || got[0][1] != "s" || got[1][1] != "t" {
		t.Errorf("SCHEMATA rows %v, want one for s and one for t", got)
	}
	if got := infoTables["tables"].build(sources); len(got) != 2 || got[0][2] != "a" || got[1][2] != "b" {
		t.Errorf("TABLES rows %v, want a and b", got)
	}
}
