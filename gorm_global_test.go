package vitessdo_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// seqShopVSchema is the shop with its sequences in a keyspace named seq,
// which sorts before shop: a name GORM's migrator would take for the
// current database if the catalog listed both.
var seqShopVSchema = strings.Replace(shopVSchema, `"main": {`, `"seq": {`, 1)

func TestGormAutoMigrateWithoutADefaultKeyspaceSeesEveryKeyspacesTables(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		rec := &sqlRecorder{}
		sqlDB := openSharded(t, e, seqShopVSchema)
		for _, q := range shopSequences {
			if _, err := sqlDB.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		db, err := gorm.Open(mysql.New(mysql.Config{Conn: sqlDB}), &gorm.Config{Logger: rec})
		if err != nil {
			t.Fatal(err)
		}
		models := []any{&Product{}, &Customer{}, &Order{}}
		for run := 1; run <= 3; run++ {
			if err := db.AutoMigrate(models...); err != nil {
				t.Fatalf("AutoMigrate run %d: %v", run, err)
			}
			got := ddl(rec.take())
			if run == 1 && len(got) != 3 {
				t.Errorf("first AutoMigrate ran %d DDL statements, want 3 CREATE TABLE: %q", len(got), got)
			}
			if run > 1 && len(got) != 0 {
				t.Errorf("AutoMigrate run %d ran DDL: %q", run, got)
			}
		}
		m := db.Migrator()
		if !m.HasTable(&Customer{}) || !m.HasTable("customer_seq") || m.HasTable("nothing") {
			t.Error("HasTable")
		}
		if !m.HasColumn(&Customer{}, "Email") || !m.HasIndex(&Customer{}, "idx_customers_deleted_at") {
			t.Error("HasColumn / HasIndex")
		}
		tables, err := m.GetTables()
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{"customer_seq": true, "order_seq": true, "product_seq": true, "customers": true, "orders": true, "products": true}
		if len(tables) != len(want) {
			t.Errorf("GetTables = %v, want %d tables", tables, len(want))
		}
		for _, tb := range tables {
			if !want[tb] {
				t.Errorf("GetTables lists %q", tb)
			}
		}
		// The catalog is one schema; a query naming a keyspace reads it.
		for _, tc := range []struct {
			sql  string
			want result
		}{
			{"SELECT schema_name FROM information_schema.schemata", result{Columns: []string{"SCHEMA_NAME"}, Rows: [][]any{{"vt_global"}}}},
			{"SELECT table_name FROM information_schema.tables WHERE table_schema = 'seq' ORDER BY table_name", result{Columns: []string{"TABLE_NAME"}, Rows: [][]any{{"customer_seq"}, {"order_seq"}, {"product_seq"}}}},
		} {
			got, err := queryAll(sqlDB, tc.sql)
			if err != nil {
				t.Fatalf("%s: %v", tc.sql, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.sql, diff)
			}
		}
		c := Customer{Name: "Ada", Email: "ada@example.com", Orders: []Order{{Product: Product{Code: "tea", Name: "Tea"}, Quantity: 1}}}
		if err := db.Create(&c).Error; err != nil {
			t.Fatal(err)
		}
		var back Customer
		if err := db.Preload("Orders").First(&back, c.ID).Error; err != nil || len(back.Orders) != 1 {
			t.Errorf("read back %+v, %v", back, err)
		}
	})
}
