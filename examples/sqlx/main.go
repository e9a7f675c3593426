// Command sqlx uses vitessdo through sqlx: customers sharded by id, their
// orders sharded by customer_id, products as a reference table, ids from
// sequences, and the shards SQLite files in a temporary directory. It
// inserts a slice of structs with one NamedExec (vitessdo splits the rows
// by shard), reads them back with Select, Get, NamedQuery, sqlx.In and a
// prepared statement, and joins a customer's orders on its shard.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/jmoiron/sqlx"

	_ "github.com/dot-do/vitessdo"
)

const vschema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {"customer_seq": {"type": "sequence"}, "order_seq": {"type": "sequence"}}
    },
    "shop": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "customers": {"column_vindexes": [{"column": "id", "name": "hash"}], "auto_increment": {"column": "id", "sequence": "customer_seq"}},
        "orders": {"column_vindexes": [{"column": "customer_id", "name": "hash"}], "auto_increment": {"column": "id", "sequence": "order_seq"}},
        "products": {"type": "reference"}
      }
    }
  }
}`

var schema = []string{
	"CREATE TABLE customer_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO customer_seq (id, next_id, cache) VALUES (0, 1, 100)",
	"CREATE TABLE order_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO order_seq (id, next_id, cache) VALUES (0, 1, 100)",
	"CREATE TABLE customers (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, city VARCHAR(64))",
	"CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer_id BIGINT NOT NULL, product VARCHAR(16) NOT NULL, quantity INT NOT NULL)",
	"CREATE TABLE products (code VARCHAR(16) NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, price DOUBLE NOT NULL)",
}

type Customer struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
	City string `db:"city"`
}

type Order struct {
	CustomerID int64  `db:"customer_id"`
	Product    string `db:"product"`
	Quantity   int    `db:"quantity"`
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	dir, err := os.MkdirTemp("", "vitessdo-sqlx-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	vschemaPath := filepath.Join(dir, "shop.vschema.json")
	if err := os.WriteFile(vschemaPath, []byte(vschema), 0o644); err != nil {
		return err
	}
	// sqlx keeps ? placeholders for a driver it does not know: no
	// sqlx.BindDriver call is needed.
	db, err := sqlx.Open("vitessdo", "vschema="+vschemaPath+"&dir="+filepath.Join(dir, "data")+"&keyspace=shop")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range schema {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}

	if _, err := db.NamedExec("INSERT INTO products (code, name, price) VALUES (:code, :name, :price)", []map[string]any{
		{"code": "tea", "name": "Tea", "price": 3.5}, {"code": "cup", "name": "Cup", "price": 8.0},
	}); err != nil {
		return err
	}
	customers := []Customer{{Name: "Ada", City: "London"}, {Name: "Bob", City: "Paris"}, {Name: "Cy", City: "Tokyo"}, {Name: "Di", City: "London"}, {Name: "Ed", City: "Paris"}}
	res, err := db.NamedExec("INSERT INTO customers (name, city) VALUES (:name, :city)", customers)
	if err != nil {
		return err
	}
	first, _ := res.LastInsertId()
	n, _ := res.RowsAffected()
	fmt.Printf("one NamedExec inserted %d customers, ids %d…%d from the sequence\n", n, first, first+n-1)

	var plan []struct {
		Keyspace string `db:"keyspace"`
		Shard    string `db:"shard"`
		Query    string `db:"query"`
	}
	if err := db.Select(&plan, "VEXPLAIN PLAN SELECT name FROM customers"); err != nil {
		return err
	}
	fmt.Printf("a scatter SELECT reaches %d shards\n", len(plan))

	orders := []Order{{CustomerID: first, Product: "tea", Quantity: 2}, {CustomerID: first, Product: "cup", Quantity: 1}, {CustomerID: first + 2, Product: "tea", Quantity: 5}}
	if _, err := db.NamedExec("INSERT INTO orders (customer_id, product, quantity) VALUES (:customer_id, :product, :quantity)", orders); err != nil {
		return err
	}

	var londoners []Customer
	if err := db.Select(&londoners, "SELECT * FROM customers WHERE city = ? ORDER BY name", "London"); err != nil {
		return err
	}
	fmt.Printf("Select: Londoners %v\n", londoners)

	var bob Customer
	if err := db.Get(&bob, "SELECT * FROM customers WHERE id = ?", first+1); err != nil {
		return err
	}
	fmt.Printf("Get: %+v\n", bob)

	rows, err := db.NamedQuery("SELECT name FROM customers WHERE city = :city ORDER BY name", map[string]any{"city": "Paris"})
	if err != nil {
		return err
	}
	var parisians []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		parisians = append(parisians, name)
	}
	rows.Close()
	fmt.Printf("NamedQuery: Parisians %v\n", parisians)

	q, args, err := sqlx.In("SELECT id, name, city FROM customers WHERE id IN (?) ORDER BY id", []int64{first, first + 2, first + 4})
	if err != nil {
		return err
	}
	var some []Customer
	if err := db.Select(&some, db.Rebind(q), args...); err != nil {
		return err
	}
	fmt.Printf("sqlx.In: %v\n", some)

	st, err := db.Preparex("SELECT o.product, o.quantity, p.price FROM orders o JOIN products p ON p.code = o.product WHERE o.customer_id = ? ORDER BY o.product")
	if err != nil {
		return err
	}
	defer st.Close()
	var lines []struct {
		Product  string  `db:"product"`
		Quantity int     `db:"quantity"`
		Price    float64 `db:"price"`
	}
	if err := st.Select(&lines, first); err != nil {
		return err
	}
	fmt.Printf("Preparex, a join with the reference table on one shard: %+v\n", lines)
	return nil
}
