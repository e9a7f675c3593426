package vitessdo_test

import (
	"testing"

	"gorm.io/gorm"
)

// shopLookupVSchema is shopVSchema with customers owning a consistent
// unique lookup vindex on email (its lookup table sharded by the email):
// GORM's association saves upsert the customers, and so write its lookup
// rows in INSERT … ON DUPLICATE KEY UPDATE.
const shopLookupVSchema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {"customer_seq": {"type": "sequence"}, "order_seq": {"type": "sequence"}, "product_seq": {"type": "sequence"}}
    },
    "shop": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {
        "hash": {"type": "hash"},
        "md5": {"type": "unicode_loose_md5"},
        "customer_email_idx": {
          "type": "consistent_lookup_unique",
          "params": {"table": "customer_email_idx", "from": "email", "to": "keyspace_id", "ignore_nulls": "true"},
          "owner": "customers"
        }
      },
      "tables": {
        "customers": {
          "column_vindexes": [{"column": "id", "name": "hash"}, {"column": "email", "name": "customer_email_idx"}],
          "auto_increment": {"column": "id", "sequence": "customer_seq"}
        },
        "customer_email_idx": {"column_vindexes": [{"column": "email", "name": "md5"}]},
        "orders": {"column_vindexes": [{"column": "customer_id", "name": "hash"}], "auto_increment": {"column": "id", "sequence": "order_seq"}},
        "products": {"type": "reference", "auto_increment": {"column": "id", "sequence": "product_seq"}}
      }
    }
  }
}`

// GORM's whole CRUD walk over customers that own a lookup vindex, then
// association saves (Create(&Order{Customer: &Customer{…}}), which
// upserts the customer) of a new and of an existing customer: the same
// answers as one database, and every customer found by its email.
func TestGormAssociationSaveIntoLookupOwnerMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		sharded := openGorm(t, e, shopLookupVSchema)
		if err := sharded.Exec("CREATE TABLE customer_email_idx (email VARCHAR(191) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))").Error; err != nil {
			t.Fatal(err)
		}
		g := migratedPair(t, sharded, openGorm(t, e, unshardedVSchema(t, shopLookupVSchema)))
		gormCRUDSteps(t, g)
		g.same(t, "create an order with a new customer", func(db *gorm.DB) (any, error) {
			o := Order{Customer: &Customer{Name: "Hu", Email: "hu@example.com"}, ProductID: 1, Quantity: 5}
			err := db.Create(&o).Error
			return o, err
		})
		g.same(t, "create an order with the same customer again", func(db *gorm.DB) (any, error) {
			var c Customer
			if err := db.Where("email = ?", "hu@example.com").First(&c).Error; err != nil {
				return nil, err
			}
			o := Order{Customer: &c, ProductID: 2, Quantity: 1}
			err := db.Create(&o).Error
			return o, err
		})
		var emails []string
		if err := g.oracle.Unscoped().Model(&Customer{}).Order("id").Pluck("email", &emails).Error; err != nil {
			t.Fatal(err)
		}
		for _, email := range emails {
			g.same(t, "find by email "+email, func(db *gorm.DB) (any, error) {
				var cs []Customer
				err := db.Unscoped().Preload("Orders", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).Where("email = ?", email).Find(&cs).Error
				return cs, err
			})
		}
	})
}
