package vitessdo_test

import (
	"database/sql"
	"fmt"
	"log"

	"github.com/dot-do/vitessdo"
)

// A keyspace of two shards held in memory: a VSchema in Go, no files.
const exampleVSchema = `{
  "keyspaces": {
    "shop": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {"customers": {"column_vindexes": [{"column": "id", "name": "hash"}]}}
    }
  }
}`

// ExampleNewConnector opens a sharded database from a configuration built
// in Go, with private in-memory SQLite shards.
func ExampleNewConnector() {
	c, err := vitessdo.NewConnector(&vitessdo.Config{VSchemaJSON: []byte(exampleVSchema), Dir: ":memory:"})
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()

	if _, err := db.Exec("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(64))"); err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO customers (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')"); err != nil {
		log.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM customers").Scan(&n); err != nil {
		log.Fatal(err)
	}
	var name string
	if err := db.QueryRow("SELECT name FROM customers WHERE id = ?", 2).Scan(&name); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, name)
	// Output: 3 Grace
}

// ExampleParseDSN shows the DSN's keys and its round trip.
func ExampleParseDSN() {
	cfg, err := vitessdo.ParseDSN("vschema=app.json&dir=data&shard=app%2F80-%3Dpostgres%3A%2F%2Fapp%3Asecret%40db%2Fapp&query_timeout=2s")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.VSchema, cfg.Dir, cfg.QueryTimeout)
	fmt.Println(cfg.Shards["app/80-"])
	fmt.Println(cfg)
	// Output:
	// app.json data 2s
	// postgres://app:secret@db/app
	// dir=data&query_timeout=2s&shard=app%2F80-%3Dpostgres%3A%2F%2Fapp%3Axxxxx%40db%2Fapp&vschema=app.json
}

// Example_vexplain shows which shards a statement reaches.
func Example_vexplain() {
	c, err := vitessdo.NewConnector(&vitessdo.Config{VSchemaJSON: []byte(exampleVSchema), Dir: ":memory:"})
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(64))"); err != nil {
		log.Fatal(err)
	}
	rows, err := db.Query("VEXPLAIN PLAN SELECT name FROM customers WHERE id IN (1, 4, 100)")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ks, shard, query string
		if err := rows.Scan(&ks, &shard, &query); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s/%s: %s\n", ks, shard, query)
	}
	// Output:
	// shop/-80: SELECT `name` FROM `customers` WHERE `id` IN (1)
	// shop/80-: SELECT `name` FROM `customers` WHERE `id` IN (4, 100)
}
