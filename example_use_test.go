package vitessdo_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	"github.com/dot-do/vitessdo"
)

// Two keyspaces: shop, sharded in two, and main, unsharded.
const useVSchema = `{
  "keyspaces": {
    "main": {"tables": {"settings": {}}},
    "shop": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {"customers": {"column_vindexes": [{"column": "id", "name": "hash"}]}}
    }
  }
}`

// USE changes the keyspace a connection's statements go to, or sends
// them to one shard unrouted (USE `keyspace:shard`) or to the shards of a
// key range (USE `keyspace[range]`). It is session state: keep it on a
// sql.Conn, since a pooled connection goes back to the DSN's defaults
// before database/sql hands it to another caller.
func Example_use() {
	c, err := vitessdo.NewConnector(&vitessdo.Config{VSchemaJSON: []byte(useVSchema), Dir: ":memory:"})
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	run := func(query string) {
		if _, err := conn.ExecContext(ctx, query); err != nil {
			log.Fatal(err)
		}
	}
	count := func(query string) int {
		var n int
		if err := conn.QueryRowContext(ctx, query).Scan(&n); err != nil {
			log.Fatal(err)
		}
		return n
	}

	run("USE main")
	run("CREATE TABLE settings (name VARCHAR(64) PRIMARY KEY, value VARCHAR(64))")
	run("INSERT INTO settings (name, value) VALUES ('theme', 'dark')")

	run("USE shop")
	run("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(64))")
	run("INSERT INTO customers (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger'), (4, 'Barbara')")
	fmt.Println("shop:", count("SELECT COUNT(*) FROM customers"))

	// One shard, unrouted: the statement sees that shard's rows only.
	run("USE `shop:-80`")
	fmt.Println("shop:-80:", count("SELECT COUNT(*) FROM customers"))
	run("USE `shop:80-`")
	fmt.Println("shop:80-:", count("SELECT COUNT(*) FROM customers"))

	// The shards of a key range.
	run("USE `shop[-]`")
	fmt.Println("shop[-]:", count("SELECT COUNT(*) FROM customers"))

	// Another keyspace's table, by its qualified name.
	run("USE shop")
	var theme string
	if err := conn.QueryRowContext(ctx, "SELECT value FROM main.settings WHERE name = 'theme'").Scan(&theme); err != nil {
		log.Fatal(err)
	}
	fmt.Println("theme:", theme)
	// Output:
	// shop: 4
	// shop:-80: 3
	// shop:80-: 1
	// shop[-]: 4
	// theme: dark
}
