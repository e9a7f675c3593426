package shard

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// readCatalog reads the test backend's catalog.
func (b *testBackend) readCatalog(t *testing.T) []TableInfo {
	t.Helper()
	tables, err := ReadCatalog(context.Background(), b.d, func(ctx context.Context, q string) ([][]any, error) {
		rows, err := b.db.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]any
		for rows.Next() {
			r := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range r {
				ptrs[i] = &r[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

func strp(s string) *string { return &s }

func TestReadCatalogGivesBackTheMySQLDefinition(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "CREATE TABLE parents (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, code char(3) NOT NULL DEFAULT 'abc')")
		b.ddl(t, "CREATE TABLE kids (a int NOT NULL, b varchar(20) NOT NULL, parent_id bigint unsigned, flag bool DEFAULT false, "+
			"at datetime(3) DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (a, b), UNIQUE KEY uk (parent_id, flag), KEY by_at (at), "+
			"CONSTRAINT fk_first FOREIGN KEY (parent_id) REFERENCES parents (id) ON DELETE CASCADE, FOREIGN KEY (a) REFERENCES parents (id))")
		b.ddl(t, "ALTER TABLE kids ADD COLUMN note longtext")
		want := []TableInfo{{
			Name: "kids",
			Columns: []ColumnInfo{
				{Name: "a", Type: "int", NotNull: true},
				{Name: "b", Type: "varchar(20)", NotNull: true},
				{Name: "parent_id", Type: "bigint unsigned"},
				{Name: "flag", Type: "tinyint(1)", Default: strp("0")},
				{Name: "at", Type: "datetime(3)", Default: strp("CURRENT_TIMESTAMP")},
				{Name: "note", Type: "longtext"},
			},
			PrimaryKey:  []string{"a", "b"},
			Indexes:     []IndexInfo{{Name: "by_at", Columns: []string{"at"}}, {Name: "uk", Unique: true, Columns: []string{"parent_id", "flag"}}},
			ForeignKeys: []ForeignKeyInfo{{Name: "fk_first", Columns: []string{"parent_id"}, RefTable: "parents", RefColumns: []string{"id"}, OnDelete: "CASCADE", OnUpdate: "NO ACTION"}},
		}, {
			Name: "parents",
			Columns: []ColumnInfo{
				{Name: "id", Type: "bigint unsigned", AutoIncrement: true, NotNull: true},
				{Name: "code", Type: "char(3)", NotNull: true, Default: strp("abc")},
			},
			PrimaryKey: []string{"id"},
		}}
		got := b.readCatalog(t)
		// The backend names the unnamed key (kids_ibfk_2 on SQLite as in
		// MySQL, kids_a_fkey on PostgreSQL): check it apart.
		if len(got) == 2 {
			var named []ForeignKeyInfo
			for _, fk := range got[0].ForeignKeys {
				if fk.Name == "fk_first" {
					named = append(named, fk)
				} else if len(fk.Columns) != 1 || fk.Columns[0] != "a" || fk.Name == "" {
					t.Errorf("unnamed foreign key read as %+v", fk)
				}
			}
			got[0].ForeignKeys = named
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("catalog (-want +got):\n%s", diff)
		}
	})
}

func TestReadCatalogNamesTheMySQLTypeOfTablesItDidNotCreate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		var create string
		if b.d == dialect.SQLite {
			create = "CREATE TABLE raw (i INTEGER PRIMARY KEY, t TEXT, v VARCHAR(12), r REAL, d DATETIME, x BLOB)"
		} else {
			create = "CREATE TABLE raw (i integer PRIMARY KEY, t text, v varchar(12), r double precision, d timestamp(3), x bytea)"
		}
		if _, err := b.db.Exec(create); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range b.readCatalog(t)[0].Columns {
			got = append(got, c.Name+" "+c.Type)
		}
		want := map[dialect.Dialect][]string{
			dialect.SQLite:     {"i bigint", "t text", "v varchar(12)", "r double", "d datetime", "x blob"},
			dialect.PostgreSQL: {"i int", "t text", "v varchar(12)", "r double", "d datetime(3)", "x longblob"},
		}[b.d]
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("types (-want +got):\n%s", diff)
		}
	})
}

func TestSameColumnComparesWhatIsStored(t *testing.T) {
	describe := func(def string) ColumnInfo {
		t.Helper()
		stmt, err := dialect.ParseDDL("ALTER TABLE t MODIFY COLUMN " + def)
		if err != nil {
			t.Fatal(err)
		}
		return DescribeColumn(stmt.(*dialect.ModifyColumn).Column)
	}
	stored := ColumnInfo{Name: "c", Type: "decimal(10,2)", NotNull: true, Default: strp("0.50")}
	tests := []struct {
		def  string
		inPK bool
		same bool
	}{
		{"c decimal(10, 2) NOT NULL DEFAULT 0.5 COMMENT 'price'", false, true},
		{"c decimal(10,2) NOT NULL DEFAULT '0.50'", false, true},
		{"c decimal(10,2) DEFAULT 0.5", false, false},
		{"c decimal(10,2) DEFAULT 0.5", true, true},
		{"c decimal(12,2) NOT NULL DEFAULT 0.5", false, false},
		{"c decimal(10,2) NOT NULL", false, false},
		{"c decimal(10,2) NOT NULL DEFAULT 1", false, false},
	}
	for _, tt := range tests {
		if got := SameColumn(stored, describe(tt.def), tt.inPK); got != tt.same {
			t.Errorf("SameColumn(%+v, %q, pk=%v) = %v", stored, tt.def, tt.inPK, got)
		}
	}
}
