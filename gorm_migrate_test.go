package vitessdo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/dot-do/vitessdo"
)

// sqlRecorder is a GORM logger that keeps the statements GORM runs.
type sqlRecorder struct {
	mu    sync.Mutex
	stmts []string
}

func (r *sqlRecorder) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *sqlRecorder) Info(context.Context, string, ...any)     {}
func (r *sqlRecorder) Warn(context.Context, string, ...any)     {}
func (r *sqlRecorder) Error(context.Context, string, ...any)    {}
func (r *sqlRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	r.mu.Lock()
	r.stmts = append(r.stmts, sql)
	r.mu.Unlock()
}

// take returns the statements recorded since the last call.
func (r *sqlRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stmts
	r.stmts = nil
	return s
}

// ddl returns the DDL among statements.
func ddl(stmts []string) []string {
	var out []string
	for _, s := range stmts {
		f := strings.Fields(s)
		if len(f) > 0 && (strings.EqualFold(f[0], "create") || strings.EqualFold(f[0], "alter") || strings.EqualFold(f[0], "drop")) {
			out = append(out, s)
		}
	}
	return out
}

// customerV2 is Customer with one more field, as a model grows.
type customerV2 struct {
	Customer
	Nickname string `gorm:"size:40"`
	Points   uint32 `gorm:"not null;default:0"`
}

func (customerV2) TableName() string { return "customers" }

func TestGormAutoMigrateRerunsWithoutDDLAndAddsColumnsOnEveryShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		rec := &sqlRecorder{}
		sqlDB := openShardedKeyspace(t, e, shopVSchema, "shop")
		for _, q := range shopSequences {
			if _, err := sqlDB.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db, err := gorm.Open(mysql.New(mysql.Config{Conn: sqlDB}), &gorm.Config{Logger: rec})
		if err != nil {
			t.Fatal(err)
		}
		models := []any{&Product{}, &Customer{}, &Order{}}
		if err := db.AutoMigrate(models...); err != nil {
			t.Fatalf("first AutoMigrate: %v", err)
		}
		if got := ddl(rec.take()); len(got) != 3 {
			t.Errorf("first AutoMigrate ran %d DDL statements, want 3 CREATE TABLE: %q", len(got), got)
		}
		if err := db.AutoMigrate(models...); err != nil {
			t.Fatalf("second AutoMigrate: %v", err)
		}
		if got := ddl(rec.take()); len(got) != 0 {
			t.Errorf("re-running AutoMigrate ran DDL: %q", got)
		}

		if err := db.AutoMigrate(&customerV2{}); err != nil {
			t.Fatalf("AutoMigrate of the grown model: %v", err)
		}
		want := []string{"ALTER TABLE `customers` ADD `nickname` varchar(40)", "ALTER TABLE `customers` ADD `points` int unsigned NOT NULL DEFAULT 0"}
		if diff := cmp.Diff(want, ddl(rec.take())); diff != "" {
			t.Errorf("AutoMigrate of the grown model (-want +got):\n%s", diff)
		}
		if err := db.AutoMigrate(&customerV2{}); err != nil {
			t.Fatal(err)
		}
		if got := ddl(rec.take()); len(got) != 0 {
			t.Errorf("re-running AutoMigrate of the grown model ran DDL: %q", got)
		}
		// The column is on every shard: rows on every shard take it.
		cs := make([]customerV2, 16)
		for i := range cs {
			cs[i].Name, cs[i].Email, cs[i].Nickname, cs[i].Points = "c", string(rune('a'+i))+"@x", "n", uint32(i)
		}
		if err := db.Create(&cs).Error; err != nil {
			t.Fatal(err)
		}
		rec.take()
		// With rows in the tables, too: GORM also reads the column types
		// of SELECT * … LIMIT 1.
		if err := db.AutoMigrate(&Product{}, &customerV2{}, &Order{}); err != nil {
			t.Fatal(err)
		}
		if got := ddl(rec.take()); len(got) != 0 {
			t.Errorf("re-running AutoMigrate over tables with rows ran DDL: %q", got)
		}
		for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
			res, err := queryAll(sqlDB, "VEXPLAIN PLAN SELECT nickname FROM customers")
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != 4 {
				t.Fatalf("scatter reaches %d shards", len(res.Rows))
			}
			conn, err := sqlDB.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(context.Background(), "USE `shop:"+sh+"`"); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := conn.QueryRowContext(context.Background(), "SELECT count(*) FROM customers WHERE nickname = 'n'").Scan(&n); err != nil {
				t.Errorf("shard %s: %v", sh, err)
			} else if n == 0 {
				t.Errorf("shard %s holds none of the 16 customers", sh)
			}
			conn.Close()
		}
	})
}

// shopDSN writes the VSchema to a file and returns the DSN that opens it,
// with the engine's backends, as an application would write it.
func shopDSN(t *testing.T, e engine) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.vschema.json")
	if err := os.WriteFile(path, []byte(shopVSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &vitessdo.Config{VSchema: path, Keyspace: "shop", Shards: map[string]string{}}
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		cfg.Shards["shop/"+sh] = e.url(t, "shop", sh)
	}
	cfg.Shards["main/0"] = e.url(t, "main", "0")
	return cfg.FormatDSN()
}

func TestGormOpensByDriverNameAndDSN(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, skip := range []bool{false, true} {
			dsn := shopDSN(t, e)
			db, err := gorm.Open(mysql.New(mysql.Config{DriverName: "vitessdo", DSN: dsn, SkipInitializeWithVersion: skip}), &gorm.Config{Logger: logger.Discard})
			if err != nil {
				t.Fatalf("SkipInitializeWithVersion=%v: %v", skip, err)
			}
			sqlDB, err := db.DB()
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range shopSequences {
				if err := db.Exec(q).Error; err != nil {
					t.Fatal(err)
				}
			}
			if err := db.AutoMigrate(&Product{}, &Customer{}, &Order{}); err != nil {
				t.Fatal(err)
			}
			c := Customer{Name: "Ada", Email: "ada@example.com", Orders: []Order{{Product: Product{Code: "tea", Name: "Tea"}, Quantity: 1}}}
			if err := db.Create(&c).Error; err != nil {
				t.Fatal(err)
			}
			var back Customer
			if err := db.Preload("Orders").First(&back, c.ID).Error; err != nil {
				t.Fatal(err)
			}
			if back.Name != "Ada" || len(back.Orders) != 1 {
				t.Errorf("read back %+v", back)
			}
			var version string
			if err := db.Raw("SELECT VERSION()").Scan(&version).Error; err != nil || !strings.HasPrefix(version, "8.0.") {
				t.Errorf("SELECT VERSION() = %q, %v; want a MySQL 8.0 version", version, err)
			}
			sqlDB.Close()
		}
	})
}

func TestGormTransactionsNestWithSavepoints(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		g := newGormPair(t, e)
		g.same(t, "nested transactions", func(db *gorm.DB) (any, error) {
			err := db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Create(&Customer{Name: "Outer", Email: "outer@x"}).Error; err != nil {
					return err
				}
				// The inner transaction fails and is rolled back to its
				// savepoint; the outer one goes on.
				inner := tx.Transaction(func(tx2 *gorm.DB) error {
					if err := tx2.Create(&Customer{Name: "Inner", Email: "inner@x"}).Error; err != nil {
						return err
					}
					return errors.New("no")
				})
				if inner == nil {
					return errors.New("inner transaction did not fail")
				}
				return tx.Transaction(func(tx2 *gorm.DB) error {
					return tx2.Create(&Customer{Name: "Second", Email: "second@x"}).Error
				})
			})
			var names []string
			db.Model(&Customer{}).Order("name").Pluck("name", &names)
			return names, err
		})
		g.same(t, "a failed transaction leaves nothing", func(db *gorm.DB) (any, error) {
			err := db.Transaction(func(tx *gorm.DB) error {
				for _, c := range []Customer{{Name: "A", Email: "a@x"}, {Name: "B", Email: "b@x"}, {Name: "C", Email: "c@x"}} {
					if err := tx.Create(&c).Error; err != nil {
						return err
					}
				}
				return errors.New("abort")
			})
			var n int64
			db.Model(&Customer{}).Count(&n)
			return []any{err.Error(), n}, nil
		})
		// A unique index on a column that is not a vindex is unique per
		// shard only; a primary key is unique everywhere.
		g.same(t, "a duplicate in a default transaction rolls back the whole batch", func(db *gorm.DB) (any, error) {
			err := db.Create(&[]Customer{{Name: "D", Email: "d@x"}, {ID: 1, Name: "Dup", Email: "dup@x"}}).Error
			var n int64
			db.Model(&Customer{}).Count(&n)
			return []any{err != nil, n}, nil
		})
		g.same(t, "SkipDefaultTransaction", func(db *gorm.DB) (any, error) {
			s := db.Session(&gorm.Session{SkipDefaultTransaction: true})
			cs := []Customer{{Name: "E", Email: "e@x"}, {Name: "F", Email: "f@x"}, {Name: "G", Email: "g@x"}}
			if err := s.Create(&cs).Error; err != nil {
				return nil, err
			}
			if err := s.Model(&Customer{}).Where("name IN ?", []string{"E", "F"}).Update("tier", 7).Error; err != nil {
				return nil, err
			}
			var out []Customer
			err := s.Order("id").Find(&out).Error
			return out, err
		})
	})
}

// Item has the fields GORM restates on every AutoMigrate: a decimal
// (GORM compares "decimal(10, 2)" with "decimal(10,2)") and a comment.
type Item struct {
	ID    uint
	Sku   string  `gorm:"size:40;unique"`
	Price float64 `gorm:"type:decimal(10,2);not null;default:0"`
	Note  string  `gorm:"size:80;comment:free text"`
	Level int16   `gorm:"index:idx_items_level_price,priority:1"`
	Kind  string  `gorm:"size:8;index:idx_items_level_price,priority:2"`
}

func TestGormMigratorOperations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		rec := &sqlRecorder{}
		vs := `{"keyspaces": {"shop": {"sharded": true, "shards": ["-80", "80-"], "vindexes": {"hash": {"type": "hash"}},
			"tables": {"items": {"column_vindexes": [{"column": "id", "name": "hash"}]}}}}}`
		sqlDB := openShardedKeyspace(t, e, vs, "shop")
		db, err := gorm.Open(mysql.New(mysql.Config{Conn: sqlDB}), &gorm.Config{Logger: rec})
		if err != nil {
			t.Fatal(err)
		}
		m := db.Migrator()
		for run := 1; run <= 2; run++ {
			if err := m.AutoMigrate(&Item{}); err != nil {
				t.Fatalf("AutoMigrate run %d: %v", run, err)
			}
		}
		// The second run restates note (its comment is not stored) with
		// MODIFY COLUMN, which changes nothing and runs nothing.
		for _, s := range ddl(rec.take()) {
			if !strings.HasPrefix(s, "CREATE TABLE") && !strings.Contains(s, "MODIFY COLUMN") {
				t.Errorf("unexpected DDL: %s", s)
			}
		}
		if !m.HasTable(&Item{}) || !m.HasTable("items") || m.HasTable("nothing") {
			t.Error("HasTable")
		}
		if !m.HasColumn(&Item{}, "Sku") || m.HasColumn(&Item{}, "missing") {
			t.Error("HasColumn")
		}
		if !m.HasIndex(&Item{}, "idx_items_level_price") || !m.HasConstraint(&Item{}, "uni_items_sku") {
			t.Error("HasIndex / HasConstraint")
		}
		tables, err := m.GetTables()
		if err != nil || len(tables) != 1 || tables[0] != "items" {
			t.Errorf("GetTables = %v, %v", tables, err)
		}
		cols, err := m.ColumnTypes(&Item{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cols {
			ct, _ := c.ColumnType()
			got = append(got, c.Name()+" "+ct)
		}
		want := []string{"id bigint unsigned", "sku varchar(40)", "price decimal(10,2)", "note varchar(80)", "level smallint", "kind varchar(8)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ColumnTypes (-want +got):\n%s", diff)
		}
		if err := m.DropIndex(&Item{}, "idx_items_level_price"); err != nil || m.HasIndex(&Item{}, "idx_items_level_price") {
			t.Errorf("DropIndex: %v", err)
		}
		if err := m.CreateIndex(&Item{}, "idx_items_level_price"); err != nil || !m.HasIndex(&Item{}, "idx_items_level_price") {
			t.Errorf("CreateIndex: %v", err)
		}
		if err := m.DropColumn(&Item{}, "Note"); err != nil || m.HasColumn(&Item{}, "Note") {
			t.Errorf("DropColumn: %v", err)
		}
		if err := m.AddColumn(&Item{}, "Note"); err != nil || !m.HasColumn(&Item{}, "Note") {
			t.Errorf("AddColumn: %v", err)
		}
		// A real change of type is refused, naming what would change.
		err = db.Exec("ALTER TABLE items MODIFY COLUMN kind varchar(16)").Error
		if err == nil || !strings.Contains(err.Error(), "varchar(8) to varchar(16)") {
			t.Errorf("changing a column's type: got %v", err)
		}
		if err := m.DropTable(&Item{}); err != nil || m.HasTable(&Item{}) {
			t.Errorf("DropTable: %v", err)
		}
	})
}
