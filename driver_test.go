package vitessdo_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

// appVSchema is the suite's usual layout: users and orders sharded by the
// hash of the user id over four shards, a reference table, and a sequence
// in an unsharded keyspace.
const appVSchema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {"user_seq": {"type": "sequence"}, "settings": {}}
    },
    "app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "users": {
          "column_vindexes": [{"column": "id", "name": "hash"}],
          "auto_increment": {"column": "id", "sequence": "user_seq"}
        },
        "orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}]},
        "countries": {"type": "reference"}
      }
    }
  }
}`

var appDDL = []string{
	"CREATE TABLE user_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO user_seq (id, next_id, cache) VALUES (0, 1, 10)",
	"CREATE TABLE settings (name VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT)",
	"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64), country VARCHAR(2), score INT)",
	"CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount DECIMAL(10,2), note TEXT)",
	"CREATE TABLE countries (code VARCHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(64))",
}

// newApp returns a pair loaded with the app schema and n users, each with
// a few orders.
func newApp(t *testing.T, e engine, n int) *pair {
	t.Helper()
	p := newPair(t, e, appVSchema)
	for _, ddl := range appDDL {
		p.exec(t, ddl)
	}
	p.exec(t, "INSERT INTO countries (code, name) VALUES ('de', 'Germany'), ('fr', 'France'), ('jp', 'Japan')")
	countries := []any{"de", "fr", "jp", nil}
	for i := 1; i <= n; i++ {
		p.exec(t, "INSERT INTO users (id, name, country, score) VALUES (?, ?, ?, ?)", i, fmt.Sprintf("user-%03d", i), countries[i%4], i%7)
		for j := 0; j < i%3; j++ {
			p.exec(t, "INSERT INTO orders (id, user_id, amount, note) VALUES (?, ?, ?, ?)", i*10+j, i, fmt.Sprintf("%d.%02d", i, j*25), nil)
		}
	}
	return p
}

func TestPointSelectReachesOneShardAndMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 40)
		for _, id := range []int{1, 7, 23, 40, 41} {
			p.compareRows(t, "SELECT id, name, country, score FROM users WHERE id = ?", id)
			if got := explain(t, p.sharded, "SELECT id, name FROM users WHERE id = ?", id); len(got) != 1 {
				t.Errorf("point select of id %d reaches %v, want one shard", id, got)
			}
		}
		p.compareRows(t, "SELECT * FROM users WHERE id = 5")
		p.compareRows(t, "SELECT u.name, o.amount FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id = 5")
	})
}

func TestScatterSelectConcatenatesEveryShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 40)
		p.compareRows(t, "SELECT id, name, country FROM users")
		p.compareRows(t, "SELECT id, name FROM users WHERE score = ?", 3)
		p.compareRows(t, "SELECT * FROM orders WHERE amount > 10")
		if got := explain(t, p.sharded, "SELECT id FROM users WHERE score = 3"); len(got) != 4 {
			t.Errorf("scatter reaches %v, want all 4 shards", got)
		}
	})
}

func TestInsertRoutesEachRowToItsKeyspaceIDsShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, appVSchema)
		for _, ddl := range appDDL {
			if _, err := db.Exec(ddl); err != nil {
				t.Fatal(err)
			}
		}
		// hash(1) and hash(1000) are on -80, hash(0), hash(4), hash(100)
		// on 80- (Vitess's own values).
		if _, err := db.Exec("INSERT INTO users (id, name) VALUES (1, 'a'), (1000, 'b'), (4, 'c'), (100, 'd')"); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		got := map[string][]int64{}
		for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
			if _, err := conn.ExecContext(ctx, "USE `app:"+sh+"`"); err != nil {
				t.Fatal(err)
			}
			rows, err := conn.QueryContext(ctx, "SELECT id FROM users ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				got[sh] = append(got[sh], id)
			}
			rows.Close()
		}
		// hash(1) = 166b…, hash(1000) = 5bd9…? The two below -80 are in
		// -40 or 40-80; those of 80- in 80-c0 or c0-.
		low := append(append([]int64{}, got["-40"]...), got["40-80"]...)
		high := append(append([]int64{}, got["80-c0"]...), got["c0-"]...)
		sortInts(low)
		sortInts(high)
		if diff := cmp.Diff([]int64{1, 1000}, low); diff != "" {
			t.Errorf("rows on -80 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int64{4, 100}, high); diff != "" {
			t.Errorf("rows on 80- (-want +got):\n%s", diff)
		}
	})
}

func sortInts(s []int64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestUpdateAndDeleteSumRowsAffectedOverShards(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 30)
		res, err := p.sharded.Exec("UPDATE users SET score = score + 100 WHERE score < 3")
		if err != nil {
			t.Fatal(err)
		}
		want, err := p.oracle.Exec("UPDATE users SET score = score + 100 WHERE score < 3")
		if err != nil {
			t.Fatal(err)
		}
		gotN, _ := res.RowsAffected()
		wantN, _ := want.RowsAffected()
		if gotN != wantN || gotN == 0 {
			t.Errorf("scatter UPDATE affected %d rows, one database %d", gotN, wantN)
		}
		p.compareRows(t, "SELECT id, score FROM users")
		res, err = p.sharded.Exec("DELETE FROM users WHERE id = ?", 7)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Errorf("point DELETE affected %d rows, want 1", n)
		}
		p.oracle.Exec("DELETE FROM users WHERE id = ?", 7)
		p.compareRows(t, "SELECT id FROM users")
	})
}

func TestReferenceTableWritesEveryCopyAndReadsOne(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 5)
		res, err := p.sharded.Exec("UPDATE countries SET name = 'Deutschland' WHERE code = 'de'")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Errorf("reference UPDATE reports %d rows, want one copy's count 1", n)
		}
		p.oracle.Exec("UPDATE countries SET name = 'Deutschland' WHERE code = 'de'")
		p.compareRows(t, "SELECT code, name FROM countries")
		if got := explain(t, p.sharded, "SELECT name FROM countries"); len(got) != 1 {
			t.Errorf("reference read reaches %v, want one shard", got)
		}
		p.compareRows(t, "SELECT u.name, c.name FROM users u JOIN countries c ON c.code = u.country")
	})
}

func TestUnshardedKeyspacePassesStatementsThrough(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 1)
		p.exec(t, "INSERT INTO settings (name, value) VALUES ('a', 'x'), ('b', 'y')")
		p.compareRows(t, "SELECT name, value FROM settings ORDER BY name LIMIT 1")
		if got := explain(t, p.sharded, "SELECT * FROM settings"); len(got) != 1 || got[0] != "main/0" {
			t.Errorf("unsharded read reaches %v, want main/0", got)
		}
	})
}

func TestDDLFailingOnOneShardNamesTheShardsThatAppliedIt(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, appVSchema)
		ctx := context.Background()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		// The table exists already on one shard only.
		if _, err := conn.ExecContext(ctx, "USE `app:80-c0`"); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "CREATE TABLE orders (id BIGINT PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec("CREATE TABLE orders (id BIGINT PRIMARY KEY, user_id BIGINT)")
		var de *vitessdo.DDLError
		if !errors.As(err, &de) {
			t.Fatalf("got %v, want a DDLError", err)
		}
		if diff := cmp.Diff([]string{"app/-40", "app/40-80", "app/c0-"}, de.Applied); diff != "" {
			t.Errorf("Applied (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"app/80-c0"}, de.Failed); diff != "" {
			t.Errorf("Failed (-want +got):\n%s", diff)
		}
	})
}

func TestUnsupportedStatementsSayWhy(t *testing.T) {
	db := openSharded(t, engine{name: "sqlite", url: sqliteURL}, appVSchema)
	for _, ddl := range appDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		query string
		want  string
	}{
		{"UPDATE users SET id = 5 WHERE id = 4", "UPDATE of primary vindex column id"},
		{"REPLACE INTO users (id, name) VALUES (1, 'x')", "REPLACE"},
	}
	for _, tt := range tests {
		_, err := db.Exec(tt.query)
		var ue *vitessdo.UnsupportedError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "unsupported:") {
			t.Errorf("%s: got %v, want an UnsupportedError mentioning %q", tt.query, err, tt.want)
		}
	}
}

func TestOpenErrorsNameWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		dsn  string
		want string
	}{
		{"", "vschema is required"},
		{"vschema=" + dir + "/missing.json", "missing.json"},
		{"vschema=x.json&nope=1", `unknown key "nope"`},
		{"vschema=x.json&transaction_mode=all", `transaction_mode="all"`},
	}
	for _, tt := range tests {
		db, err := sql.Open("vitessdo", tt.dsn)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		var ce *vitessdo.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %v, want a ConfigError mentioning %q", tt.dsn, err, tt.want)
		}
	}
}
