package workflow_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/workflow"
)

// Check lists what disagrees with the VSchema: here a row written
// straight to a shard its vindex does not name.
func ExampleCheck() {
	dir, err := os.MkdirTemp("", "vitessdo-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cfg := &vitessdo.Config{Dir: filepath.Join(dir, "data"), VSchemaJSON: []byte(`{"keyspaces": {"shop": {
		"sharded": true, "shards": ["-80", "80-"],
		"vindexes": {"hash": {"type": "hash"}},
		"tables": {"customers": {"column_vindexes": [{"column": "id", "name": "hash"}]}}}}}`)}
	c, err := vitessdo.NewConnector(cfg)
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
	for _, q := range []string{
		"CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(64))",
		"INSERT INTO customers (id, name) VALUES (1, 'Ada'), (4, 'Grace')",
		// Customer 2 belongs on -80: written on 80- by hand.
		"USE `shop:80-`",
		"INSERT INTO customers (id, name) VALUES (2, 'Edsger')",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			log.Fatal(err)
		}
	}
	conn.Close()

	report, err := workflow.Check(ctx, cfg, workflow.CheckOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range report.Problems {
		fmt.Println(p)
	}
	fmt.Println("ok:", report.OK())
	// Output:
	// misplaced_row [shop/80-, table customers, row id=2]: the row is on shard 80- but its primary vindex hash names shard -80
	// ok: false
}
