package vitessdo_test

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

var updatePlans = flag.Bool("update", false, "rewrite the golden plan files in testdata/plans from what the planner does now")

// planDDL creates the golden plans' tables, and the rows their lookups
// and sequences read.
var planDDL = []string{
	"USE main",
	"CREATE TABLE user_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO user_seq (id, next_id, cache) VALUES (0, 1, 100)",
	"CREATE TABLE order_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO order_seq (id, next_id, cache) VALUES (0, 1, 100)",
	"CREATE TABLE user_email_idx (email VARCHAR(128) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
	"CREATE TABLE settings (name VARCHAR(64) NOT NULL PRIMARY KEY, value VARCHAR(255))",
	"INSERT INTO settings (name, value) VALUES ('owner', 'Grace')",
	"USE app",
	"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(128), name VARCHAR(64), score INT)",
	"CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, product_id BIGINT, amount INT)",
	"CREATE TABLE products (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64), price INT)",
	"CREATE TABLE audit (id BIGINT NOT NULL PRIMARY KEY, note VARCHAR(255))",
	"INSERT INTO users (id, email, name, score) VALUES (1, 'ada@example.com', 'Ada', 10), (2, 'grace@example.com', 'Grace', 20), (3, 'edsger@example.com', 'Edsger', 30)",
	"INSERT INTO orders (id, user_id, product_id, amount) VALUES (1, 1, 2, 7), (2, 2, 3, NULL), (3, 3, 3, 9)",
}

// planCase is one statement of a golden file and the plan it gets: the
// rows of VEXPLAIN PLAN (keyspace/shard: query), or the error.
type planCase struct {
	comments []string
	sql      string
	plan     []string
}

// TestGoldenPlans checks the shard statements every statement of
// testdata/plans/<engine>.txt gets, through database/sql, against the
// file. USE lines run on the test's connection and set the target of the
// statements after them. go test -run TestGoldenPlans -update rewrites
// the files; review the diff.
func TestGoldenPlans(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		path := filepath.Join("testdata", "plans", e.name+".txt")
		cases, err := readPlanCases(path)
		if err != nil {
			t.Fatal(err)
		}
		conn := openPlanConn(t, e)
		ctx := context.Background()
		for i := range cases {
			c := &cases[i]
			got := planOf(ctx, conn, c.sql)
			if *updatePlans {
				c.plan = got
				continue
			}
			if diff := cmp.Diff(c.plan, got); diff != "" {
				t.Errorf("%s: plan of %s changed (-file +now):\n%s", path, c.sql, diff)
			}
		}
		if *updatePlans {
			if err := writePlanCases(path, cases); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// openPlanConn opens the golden plans' database on the engine and
// returns a connection in keyspace app.
func openPlanConn(t *testing.T, e engine) *sql.Conn {
	t.Helper()
	vschema, err := os.ReadFile(filepath.Join("testdata", "plans", "vschema.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &vitessdo.Config{VSchemaJSON: vschema, Shards: map[string]string{}}
	for _, target := range []string{"main/0", "app/-40", "app/40-80", "app/80-c0", "app/c0-"} {
		ks, sh, _ := strings.Cut(target, "/")
		cfg.Shards[target] = e.url(t, ks, sh)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	for _, q := range planDDL {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return conn
}

// planOf returns what the golden file records for a statement: for USE,
// "ok" once it ran; otherwise VEXPLAIN PLAN's rows, or its error.
func planOf(ctx context.Context, conn *sql.Conn, query string) []string {
	if strings.HasPrefix(strings.ToUpper(query), "USE ") {
		if _, err := conn.ExecContext(ctx, query); err != nil {
			return []string{"error: " + err.Error()}
		}
		return []string{"ok"}
	}
	rows, err := conn.QueryContext(ctx, "VEXPLAIN PLAN "+query)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ks, sh, q string
		if err := rows.Scan(&ks, &sh, &q); err != nil {
			return []string{"error: " + err.Error()}
		}
		out = append(out, fmt.Sprintf("%s/%s: %s", ks, sh, q))
	}
	if err := rows.Err(); err != nil {
		return []string{"error: " + err.Error()}
	}
	if len(out) == 0 {
		out = []string{"(no shard)"}
	}
	return out
}

// readPlanCases reads a golden file: blocks separated by blank lines,
// each of "#" comment lines, one statement line, and the plan's lines
// indented by two spaces.
func readPlanCases(path string) ([]planCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []planCase
	var cur planCase
	flush := func() {
		if cur.sql != "" {
			cases = append(cases, cur)
		}
		cur = planCase{}
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case strings.HasPrefix(line, "#"):
			if cur.sql != "" {
				flush()
			}
			cur.comments = append(cur.comments, line)
		case strings.HasPrefix(line, "  "):
			if cur.sql == "" {
				return nil, fmt.Errorf("%s:%d: plan line before a statement", path, n)
			}
			cur.plan = append(cur.plan, line[2:])
		default:
			if cur.sql != "" {
				return nil, fmt.Errorf("%s:%d: second statement in a block (separate blocks with a blank line)", path, n)
			}
			cur.sql = line
		}
	}
	flush()
	return cases, sc.Err()
}

func writePlanCases(path string, cases []planCase) error {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, l := range c.comments {
			b.WriteString(l + "\n")
		}
		b.WriteString(c.sql + "\n")
		for _, l := range c.plan {
			b.WriteString("  " + l + "\n")
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
