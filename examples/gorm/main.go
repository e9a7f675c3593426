// Command gorm runs a small shop on GORM over vitessdo: customers sharded
// by id, their orders sharded by customer_id (so a customer's orders live
// on the customer's shard), products as a reference table copied to every
// shard, and the ids of all three from sequences. The shards are SQLite
// files in a temporary directory.
//
// GORM talks to vitessdo through its MySQL dialector: AutoMigrate (twice,
// the second run changes nothing), creates with associations, queries,
// updates, soft deletes, upserts, preloading, joins and transactions.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	_ "github.com/dot-do/vitessdo"
)

const vschema = `{
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

// Customer has many orders.
type Customer struct {
	ID        uint   `gorm:"primaryKey"`
	Name      string `gorm:"size:100;not null"`
	Email     string `gorm:"size:191;uniqueIndex"`
	Tier      int8   `gorm:"default:1"`
	Orders    []Order
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt `gorm:"index"`
}

// Order belongs to a customer and a product.
type Order struct {
	ID         uint
	CustomerID uint `gorm:"not null;index"`
	Customer   *Customer
	ProductID  uint
	Product    Product
	Quantity   int
	CreatedAt  time.Time
}

// Product is a reference table: every shard holds all of it.
type Product struct {
	ID    uint
	Code  string `gorm:"size:32;uniqueIndex"`
	Name  string
	Price float64
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	dir, err := os.MkdirTemp("", "vitessdo-gorm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	vschemaPath := filepath.Join(dir, "shop.vschema.json")
	if err := os.WriteFile(vschemaPath, []byte(vschema), 0o644); err != nil {
		return err
	}
	dsn := "vschema=" + vschemaPath + "&dir=" + filepath.Join(dir, "data") + "&keyspace=shop"
	db, err := gorm.Open(mysql.New(mysql.Config{DriverName: "vitessdo", DSN: dsn}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	defer sqlDB.Close()

	// Sequences are tables of the unsharded keyspace with one row.
	for _, seq := range []string{"customer_seq", "order_seq", "product_seq"} {
		if err := db.Exec("CREATE TABLE " + seq + " (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)").Error; err != nil {
			return err
		}
		if err := db.Exec("INSERT INTO " + seq + " (id, next_id, cache) VALUES (0, 1, 100)").Error; err != nil {
			return err
		}
	}
	for run := 1; run <= 2; run++ {
		if err := db.AutoMigrate(&Product{}, &Customer{}, &Order{}); err != nil {
			return fmt.Errorf("AutoMigrate run %d: %w", run, err)
		}
	}
	fmt.Println("AutoMigrate: tables created, and a second run changed nothing")

	products := []Product{{Code: "tea", Name: "Tea", Price: 3.5}, {Code: "cup", Name: "Cup", Price: 8}, {Code: "pot", Name: "Pot", Price: 24}}
	if err := db.Create(&products).Error; err != nil {
		return err
	}
	customers := []Customer{
		{Name: "Ada", Email: "ada@example.com", Orders: []Order{{ProductID: products[0].ID, Quantity: 2}, {ProductID: products[2].ID, Quantity: 1}}},
		{Name: "Bob", Email: "bob@example.com", Tier: 2, Orders: []Order{{ProductID: products[1].ID, Quantity: 6}}},
		{Name: "Cy", Email: "cy@example.com"},
		{Name: "Di", Email: "di@example.com", Tier: 3, Orders: []Order{{Product: Product{Code: "mug", Name: "Mug", Price: 6}, Quantity: 4}}},
	}
	if err := db.Create(&customers).Error; err != nil {
		return err
	}
	fmt.Print("created customers with ids from the sequence:")
	for _, c := range customers {
		fmt.Print(" ", c.Name, "=", c.ID)
	}
	fmt.Println()

	var shards []struct{ Keyspace, Shard, Query string }
	if err := db.Raw("VEXPLAIN PLAN SELECT * FROM orders WHERE customer_id = ?", customers[0].ID).Scan(&shards).Error; err != nil {
		return err
	}
	fmt.Printf("Ada's orders live on one shard: %s/%s\n", shards[0].Keyspace, shards[0].Shard)

	var ada Customer
	if err := db.Preload("Orders.Product").First(&ada, "email = ?", "ada@example.com").Error; err != nil {
		return err
	}
	fmt.Printf("Preload: %s ordered", ada.Name)
	for _, o := range ada.Orders {
		fmt.Printf(" %d×%s", o.Quantity, o.Product.Name)
	}
	fmt.Println()

	var n int64
	db.Model(&Customer{}).Where("tier > ?", 1).Count(&n)
	var names []string
	db.Model(&Customer{}).Order("name DESC").Limit(2).Offset(1).Pluck("name", &names)
	fmt.Printf("Count(tier > 1) = %d; names, descending, 2 after the first: %v\n", n, names)

	type line struct {
		Customer string
		Product  string
		Total    float64
	}
	var lines []line
	if err := db.Table("orders").
		Select("customers.name AS customer, products.name AS product, orders.quantity * products.price AS total").
		Joins("JOIN customers ON customers.id = orders.customer_id").
		Joins("JOIN products ON products.id = orders.product_id").
		Order("total DESC").Scan(&lines).Error; err != nil {
		return err
	}
	fmt.Println("Joins (customers and their orders share a shard; products are on every shard):")
	for _, l := range lines {
		fmt.Printf("  %-4s %-4s %6.2f\n", l.Customer, l.Product, l.Total)
	}

	if err := db.Model(&Customer{}).Where("name = ?", "Cy").Update("tier", 2).Error; err != nil {
		return err
	}
	if err := db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&Product{ID: products[0].ID, Code: "tea", Name: "Green tea", Price: 4}).Error; err != nil {
		return err
	}
	var tea Product
	db.First(&tea, products[0].ID)
	fmt.Printf("upsert: product %d is now %s at %.2f\n", tea.ID, tea.Name, tea.Price)

	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&Order{CustomerID: customers[2].ID, ProductID: products[1].ID, Quantity: 1}).Error; err != nil {
			return err
		}
		// A nested transaction is a savepoint: its failure undoes only it.
		_ = tx.Transaction(func(tx2 *gorm.DB) error {
			tx2.Create(&Order{CustomerID: customers[2].ID, ProductID: products[1].ID, Quantity: 99})
			return errors.New("changed my mind")
		})
		return nil
	})
	if err != nil {
		return err
	}
	var cyOrders []Order
	db.Where("customer_id = ?", customers[2].ID).Find(&cyOrders)
	fmt.Printf("transaction: Cy has %d order (the nested one was rolled back)\n", len(cyOrders))

	db.Delete(&Customer{}, customers[1].ID)
	var left, all int64
	db.Model(&Customer{}).Count(&left)
	db.Unscoped().Model(&Customer{}).Count(&all)
	fmt.Printf("soft delete: %d customers visible, %d stored\n", left, all)
	return nil
}
