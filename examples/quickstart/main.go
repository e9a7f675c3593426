// Command quickstart shows vitessdo end to end: a keyspace of four SQLite
// shards in a temporary directory, a table sharded by the hash of its id,
// 1,000 rows spread over the shards, a point query that reaches one shard
// and a scatter query that reaches all four.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "github.com/dot-do/vitessdo"
)

const vschema = `{
  "keyspaces": {
    "app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "users": {"column_vindexes": [{"column": "id", "name": "hash"}]}
      }
    }
  }
}`

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "vitessdo-quickstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	vschemaPath := filepath.Join(dir, "vschema.json")
	if err := os.WriteFile(vschemaPath, []byte(vschema), 0o644); err != nil {
		return err
	}

	db, err := sql.Open("vitessdo", "vschema="+vschemaPath+"&dir="+filepath.Join(dir, "data"))
	if err != nil {
		return err
	}
	defer db.Close()

	if _, err := db.Exec(`CREATE TABLE users (
		id BIGINT NOT NULL PRIMARY KEY,
		name VARCHAR(64) NOT NULL,
		score INT NOT NULL
	)`); err != nil {
		return err
	}
	fmt.Println("created table users on every shard of keyspace app")

	tx, err := db.Begin()
	if err != nil {
		return err
	}
	insert, err := tx.Prepare("INSERT INTO users (id, name, score) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	for id := 1; id <= 1000; id++ {
		if _, err := insert.Exec(id, fmt.Sprintf("user-%04d", id), id%97); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	fmt.Println("inserted 1000 rows, each routed to its shard by hash(id)")

	// USE keyspace:shard targets one shard: count what each one holds.
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	for _, shard := range []string{"-40", "40-80", "80-c0", "c0-"} {
		if _, err := conn.ExecContext(ctx, "USE `app:"+shard+"`"); err != nil {
			return err
		}
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
			return err
		}
		fmt.Printf("  shard %-6s holds %d rows\n", shard, n)
	}
	conn.Close()

	// A point query: the equality on the primary vindex column routes it
	// to exactly one shard.
	var name string
	if err := db.QueryRow("SELECT name FROM users WHERE id = ?", 42).Scan(&name); err != nil {
		return err
	}
	fmt.Println("point query: user 42 is", name)
	if err := explain(db, "SELECT name FROM users WHERE id = 42"); err != nil {
		return err
	}

	// A scatter query: no vindex condition, so every shard answers and
	// the rows are merged.
	rows, err := db.Query("SELECT id, name FROM users WHERE score = ?", 0)
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Println("scatter query: users with score 0:")
	for rows.Next() {
		var id int
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		fmt.Printf("  %d %s\n", id, name)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return explain(db, "SELECT id, name FROM users WHERE score = 0")
}

// explain prints the shard statements VEXPLAIN PLAN says a query sends.
func explain(db *sql.DB, query string) error {
	rows, err := db.Query("VEXPLAIN PLAN " + query)
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Println("  VEXPLAIN PLAN", query)
	for rows.Next() {
		var ks, shard, q string
		if err := rows.Scan(&ks, &shard, &q); err != nil {
			return err
		}
		fmt.Printf("    %s/%s: %s\n", ks, shard, q)
	}
	return rows.Err()
}
