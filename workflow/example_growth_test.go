package workflow_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"

	"github.com/dot-do/vitessdo/workflow"
)

// A plain SQLite database moves into a keyspace of two shards, which is
// then split into four.
func ExampleMoveTables() {
	dir, err := os.MkdirTemp("", "vitessdo-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// The database that got too big.
	plain, err := sql.Open("sqlite", filepath.Join(dir, "plain.db"))
	if err != nil {
		log.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
		"INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace'), (3, 'edsger'), (4, 'barbara')",
	} {
		if _, err := plain.Exec(q); err != nil {
			log.Fatal(err)
		}
	}
	plain.Close()

	vschema := filepath.Join(dir, "app.vschema.json")
	err = os.WriteFile(vschema, []byte(`{"keyspaces": {"app": {
		"sharded": true,
		"shards": ["-80", "80-"],
		"vindexes": {"hash": {"type": "hash"}},
		"tables": {"users": {"column_vindexes": [{"column": "id", "name": "hash"}]}}
	}}}`), 0o644)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := workflow.ParseDSN(url.Values{"vschema": {vschema}, "dir": {filepath.Join(dir, "data")}}.Encode())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	moved, err := workflow.MoveTables(ctx, cfg, workflow.MoveTablesOptions{Source: "sqlite:" + filepath.Join(dir, "plain.db")})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range moved.Tables {
		fmt.Printf("moved %s: %d rows, verified: %v\n", t.Table, t.Target.Rows, t.Source == t.Target)
	}

	split, err := workflow.Reshard(ctx, cfg, workflow.ReshardOptions{Keyspace: "app", To: []string{"-40", "40-80", "80-c0", "c0-"}, Cleanup: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("switched:", split.Switched, split.From, "->", split.To)
	// Output:
	// moved users: 4 rows, verified: true
	// switched: true [-80 80-] -> [-40 40-80 80-c0 c0-]
}
