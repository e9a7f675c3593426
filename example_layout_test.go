package vitessdo_test

import (
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/dot-do/vitessdo"
)

// ExampleLayoutError shows the driver refusing a VSchema whose "shards"
// were edited over data that was never moved: the rows of -80 are still
// in -80.db, which the new list does not name.
func ExampleLayoutError() {
	dir, err := os.MkdirTemp("", "vitessdo-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	vs := filepath.Join(dir, "shop.vschema.json")
	dsn := "vschema=" + vs + "&dir=" + filepath.Join(dir, "data")
	if err := os.WriteFile(vs, []byte(exampleVSchema), 0o644); err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("vitessdo", dsn)
	if err != nil {
		log.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(64))",
		"INSERT INTO customers (id, name) VALUES (1, 'Ada'), (4, 'Grace')",
	} {
		if _, err := db.Exec(q); err != nil {
			log.Fatal(err)
		}
	}
	db.Close()

	split := strings.Replace(exampleVSchema, `["-80", "80-"]`, `["-40", "40-80", "80-"]`, 1)
	if err := os.WriteFile(vs, []byte(split), 0o644); err != nil {
		log.Fatal(err)
	}
	_, err = sql.Open("vitessdo", dsn)
	var le *vitessdo.LayoutError
	if errors.As(err, &le) {
		fmt.Println("refused:", le.Keyspace, le.Shard)
	}
	// Output:
	// refused: shop -40
}
