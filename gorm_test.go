package vitessdo_test

import (
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
)

// shopVSchema is the ORM tests' layout: customers sharded by id, their
// orders by customer_id (so a customer's orders share its shard), products
// as a reference table, and the ids of all three from sequences.
const shopVSchema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {"customer_seq": {"type": "sequence"}, "order_seq": {"type": "sequence"}, "product_seq": {"type": "sequence"}}
    },
    "shop": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "customers": {"column_vindexes": [{"column": "id", "name": "hash"}], "auto_increment": {"column": "id", "sequence": "customer_seq"}},
        "orders": {"column_vindexes": [{"column": "customer_id", "name": "hash"}], "auto_increment": {"column": "id", "sequence": "order_seq"}},
        "products": {"type": "reference", "auto_increment": {"column": "id", "sequence": "product_seq"}}
      }
    }
  }
}`

var shopSequences = []string{
	"CREATE TABLE customer_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO customer_seq (id, next_id, cache) VALUES (0, 1, 100)",
	"CREATE TABLE order_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO order_seq (id, next_id, cache) VALUES (0, 1, 100)",
	"CREATE TABLE product_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO product_seq (id, next_id, cache) VALUES (0, 1, 100)",
}

type Customer struct {
	ID        uint   `gorm:"primaryKey"`
	Name      string `gorm:"size:100;not null"`
	Email     string `gorm:"size:191;uniqueIndex"`
	Tier      int8   `gorm:"default:1"`
	Active    bool   `gorm:"default:true"`
	Orders    []Order
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt `gorm:"index"`
}

type Order struct {
	ID         uint
	CustomerID uint `gorm:"not null;index"`
	Customer   *Customer
	ProductID  uint
	Product    Product
	Quantity   int
	Note       string
	CreatedAt  time.Time
}

type Product struct {
	ID    uint
	Code  string `gorm:"size:32;uniqueIndex"`
	Name  string
	Price float64
}

// gormPair is GORM over a sharded vitessdo and over its oracle: the same
// tables in one unsharded database of the same engine, through the same
// MySQL dialector.
type gormPair struct {
	sharded, oracle *gorm.DB
}

func openGorm(t *testing.T, e engine, vschema string) *gorm.DB {
	t.Helper()
	sqlDB := openShardedKeyspace(t, e, vschema, "shop")
	for _, q := range shopSequences {
		if _, err := sqlDB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db, err := gorm.Open(mysql.New(mysql.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func newGormPair(t *testing.T, e engine) *gormPair {
	t.Helper()
	return migratedPair(t, openGorm(t, e, shopVSchema), openGorm(t, e, unshardedVSchema(t, shopVSchema)))
}

// migratedPair runs AutoMigrate of the shop's models on both databases.
func migratedPair(t *testing.T, sharded, oracle *gorm.DB) *gormPair {
	t.Helper()
	g := &gormPair{sharded: sharded, oracle: oracle}
	for _, db := range []*gorm.DB{g.sharded, g.oracle} {
		if err := db.AutoMigrate(&Product{}, &Customer{}, &Order{}); err != nil {
			t.Fatalf("AutoMigrate: %v", err)
		}
	}
	return g
}

// ignoreTimes leaves out the fields whose values differ by construction.
var ignoreTimes = cmp.Options{
	cmpopts.IgnoreFields(Customer{}, "CreatedAt", "UpdatedAt", "DeletedAt"),
	cmpopts.IgnoreFields(Order{}, "CreatedAt"),
}

// same runs fn on both databases and requires the same result.
func (g *gormPair) same(t *testing.T, what string, fn func(db *gorm.DB) (any, error)) any {
	t.Helper()
	got, err := fn(g.sharded)
	if err != nil {
		t.Fatalf("%s on vitessdo: %v", what, err)
	}
	want, err := fn(g.oracle)
	if err != nil {
		t.Fatalf("%s on the oracle: %v", what, err)
	}
	if diff := cmp.Diff(want, got, ignoreTimes); diff != "" {
		t.Errorf("%s: vitessdo differs from one database (-oracle +vitessdo):\n%s", what, diff)
	}
	return got
}

func sortCustomers(cs []Customer) []Customer {
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	return cs
}

func TestGormCRUDMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		gormCRUDSteps(t, newGormPair(t, e))
	})
}

// gormCRUDSteps runs GORM's operations in turn on both databases of the
// pair, comparing each result.
func gormCRUDSteps(t *testing.T, g *gormPair) {
	t.Helper()
	{
		g.same(t, "create products", func(db *gorm.DB) (any, error) {
			ps := []Product{{Code: "tea", Name: "Tea", Price: 3.5}, {Code: "cup", Name: "Cup", Price: 8}, {Code: "pot", Name: "Pot", Price: 24.25}}
			err := db.Create(&ps).Error
			return ps, err
		})
		g.same(t, "create one customer", func(db *gorm.DB) (any, error) {
			c := Customer{Name: "Ada", Email: "ada@example.com"}
			err := db.Create(&c).Error
			return c, err
		})
		created := g.same(t, "create a batch", func(db *gorm.DB) (any, error) {
			cs := []Customer{{Name: "Bob", Email: "bob@example.com", Tier: 2}, {Name: "Cy", Email: "cy@example.com"}, {Name: "Di", Email: "di@example.com", Tier: 3}, {Name: "Ed", Email: "ed@example.com"}}
			err := db.Create(&cs).Error
			return cs, err
		}).([]Customer)
		for i, c := range created {
			if c.ID != uint(i+2) {
				t.Errorf("batch customer %d has id %d, want %d (consecutive sequence ids)", i, c.ID, i+2)
			}
		}
		g.same(t, "create with has-many orders", func(db *gorm.DB) (any, error) {
			c := Customer{Name: "Flo", Email: "flo@example.com", Orders: []Order{{ProductID: 1, Quantity: 2, Note: "first"}, {ProductID: 3, Quantity: 1}}}
			err := db.Create(&c).Error
			return c, err
		})
		g.same(t, "create orders with belongs-to product", func(db *gorm.DB) (any, error) {
			os := []Order{{CustomerID: 1, Product: Product{Code: "mug", Name: "Mug", Price: 6}, Quantity: 4}, {CustomerID: 2, ProductID: 2, Quantity: 1, Note: "gift"}, {CustomerID: 3, ProductID: 1, Quantity: 7}}
			err := db.Create(&os).Error
			return os, err
		})
		g.same(t, "create an order with its existing customer", func(db *gorm.DB) (any, error) {
			// GORM upserts the customer first: INSERT … ON DUPLICATE KEY
			// UPDATE `id`=`id`, on the customer's shard.
			var c Customer
			if err := db.First(&c, 2).Error; err != nil {
				return nil, err
			}
			o := Order{Customer: &c, ProductID: 3, Quantity: 3}
			err := db.Create(&o).Error
			return o, err
		})
		g.same(t, "First", func(db *gorm.DB) (any, error) {
			var c Customer
			err := db.First(&c).Error
			return c, err
		})
		g.same(t, "First by primary key", func(db *gorm.DB) (any, error) {
			var c Customer
			err := db.First(&c, 3).Error
			return c, err
		})
		g.same(t, "Take with Where", func(db *gorm.DB) (any, error) {
			var c Customer
			err := db.Where("email = ?", "di@example.com").Take(&c).Error
			return c, err
		})
		g.same(t, "Last", func(db *gorm.DB) (any, error) {
			var c Customer
			err := db.Last(&c).Error
			return c, err
		})
		g.same(t, "Find all", func(db *gorm.DB) (any, error) {
			var cs []Customer
			err := db.Find(&cs).Error
			return sortCustomers(cs), err
		})
		g.same(t, "Where, Order, Limit, Offset", func(db *gorm.DB) (any, error) {
			var cs []Customer
			err := db.Where("tier >= ?", 1).Order("name desc").Limit(3).Offset(1).Find(&cs).Error
			return cs, err
		})
		g.same(t, "Where with a struct and IN", func(db *gorm.DB) (any, error) {
			var cs []Customer
			err := db.Where(&Customer{Tier: 1}).Where("id IN ?", []uint{1, 3, 5, 6}).Order("id").Find(&cs).Error
			return cs, err
		})
		g.same(t, "Count", func(db *gorm.DB) (any, error) {
			var n int64
			err := db.Model(&Customer{}).Where("active = ?", true).Count(&n).Error
			return n, err
		})
		g.same(t, "Pluck", func(db *gorm.DB) (any, error) {
			var names []string
			err := db.Model(&Customer{}).Order("name").Pluck("name", &names).Error
			return names, err
		})
		g.same(t, "Scan into a struct", func(db *gorm.DB) (any, error) {
			type tierCount struct {
				Tier  int
				Count int64
			}
			var out []tierCount
			err := db.Model(&Customer{}).Select("tier, count(*) AS count").Group("tier").Order("tier").Scan(&out).Error
			return out, err
		})
		g.same(t, "Update one column", func(db *gorm.DB) (any, error) {
			res := db.Model(&Customer{ID: 2}).Update("name", "Robert")
			var c Customer
			db.First(&c, 2)
			return []any{res.RowsAffected, c}, res.Error
		})
		g.same(t, "Updates with a map over many rows", func(db *gorm.DB) (any, error) {
			res := db.Model(&Customer{}).Where("tier = ?", 1).Updates(map[string]any{"tier": 5})
			var cs []Customer
			db.Order("id").Find(&cs)
			return []any{res.RowsAffected, cs}, res.Error
		})
		g.same(t, "Save", func(db *gorm.DB) (any, error) {
			var c Customer
			if err := db.First(&c, 4).Error; err != nil {
				return nil, err
			}
			c.Name, c.Active = "Diana", false
			err := db.Save(&c).Error
			var back Customer
			db.First(&back, 4)
			return back, err
		})
		g.same(t, "soft Delete hides the row", func(db *gorm.DB) (any, error) {
			res := db.Delete(&Customer{}, 5)
			var n, all int64
			db.Model(&Customer{}).Count(&n)
			db.Unscoped().Model(&Customer{}).Count(&all)
			err := db.First(&Customer{}, 5).Error
			return []any{res.RowsAffected, n, all, errors.Is(err, gorm.ErrRecordNotFound)}, res.Error
		})
		g.same(t, "Unscoped Delete removes it", func(db *gorm.DB) (any, error) {
			res := db.Unscoped().Delete(&Customer{}, 5)
			var all int64
			db.Unscoped().Model(&Customer{}).Count(&all)
			return []any{res.RowsAffected, all}, res.Error
		})
		g.same(t, "FirstOrCreate finds", func(db *gorm.DB) (any, error) {
			var c Customer
			err := db.Where(Customer{Email: "ada@example.com"}).FirstOrCreate(&c).Error
			return c, err
		})
		g.same(t, "FirstOrCreate creates", func(db *gorm.DB) (any, error) {
			var c Customer
			err := db.Where(Customer{Email: "gus@example.com"}).Attrs(Customer{Name: "Gus"}).FirstOrCreate(&c).Error
			return c, err
		})
		g.same(t, "upsert with OnConflict", func(db *gorm.DB) (any, error) {
			ps := []Product{{ID: 1, Code: "tea", Name: "Green tea", Price: 4}, {Code: "jar", Name: "Jar", Price: 2}}
			err := db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&ps).Error
			var all []Product
			db.Order("id").Find(&all)
			return all, err
		})
		g.same(t, "upsert of chosen columns", func(db *gorm.DB) (any, error) {
			c := Customer{ID: 1, Name: "Ada L.", Email: "ada@example.com", Tier: 9}
			err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: clause.AssignmentColumns([]string{"name", "tier"})}).Create(&c).Error
			var back Customer
			db.First(&back, 1)
			return back, err
		})
		g.same(t, "Preload has-many", func(db *gorm.DB) (any, error) {
			var cs []Customer
			err := db.Preload("Orders", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).Order("id").Find(&cs).Error
			return cs, err
		})
		g.same(t, "Preload belongs-to", func(db *gorm.DB) (any, error) {
			var os []Order
			err := db.Preload("Product").Preload("Customer").Order("id").Find(&os).Error
			return os, err
		})
		g.same(t, "Joins of co-located tables", func(db *gorm.DB) (any, error) {
			var os []Order
			err := db.Joins("Customer").Where("Customer.tier > ?", 0).Order("orders.id").Find(&os).Error
			return os, err
		})
		g.same(t, "Joins a reference table", func(db *gorm.DB) (any, error) {
			type line struct {
				Customer string
				Product  string
				Quantity int
			}
			var out []line
			err := db.Table("orders").Select("customers.name AS customer, products.name AS product, orders.quantity").
				Joins("JOIN customers ON customers.id = orders.customer_id").Joins("JOIN products ON products.id = orders.product_id").
				Order("orders.id").Scan(&out).Error
			return out, err
		})
		g.same(t, "Count of Distinct", func(db *gorm.DB) (any, error) {
			var n int64
			err := db.Model(&Customer{}).Distinct("tier").Count(&n).Error
			return n, err
		})
		g.same(t, "Distinct Pluck", func(db *gorm.DB) (any, error) {
			var tiers []int
			err := db.Model(&Customer{}).Distinct().Order("tier").Pluck("tier", &tiers).Error
			return tiers, err
		})
		g.same(t, "FindInBatches", func(db *gorm.DB) (any, error) {
			var names []string
			var batch []Customer
			err := db.Order("id").FindInBatches(&batch, 2, func(tx *gorm.DB, n int) error {
				for _, c := range batch {
					names = append(names, c.Name)
				}
				return nil
			}).Error
			return names, err
		})
		g.same(t, "Group and Having", func(db *gorm.DB) (any, error) {
			var out []struct{ Tier, N int }
			err := db.Model(&Customer{}).Select("tier, count(*) AS n").Group("tier").Having("count(*) >= ?", 1).Order("tier").Scan(&out).Error
			return out, err
		})
		g.same(t, "Update with an expression", func(db *gorm.DB) (any, error) {
			res := db.Model(&Customer{}).Where("tier > ?", 1).Update("tier", gorm.Expr("tier + ?", 10))
			var tiers []int
			db.Model(&Customer{}).Order("id").Pluck("tier", &tiers)
			return []any{res.RowsAffected, tiers}, res.Error
		})
	}
}
