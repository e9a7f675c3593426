package vitessdo_test

import (
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

// A UNION runs whole on one shard when its SELECTs are there together,
// and otherwise as a union of the SELECTs, each over the shards it needs:
// the rows one database returns, in order under the union's ORDER BY.
func TestUnionAcrossShardsEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range []mergeCase{
					{query: "SELECT id FROM items WHERE id = 1 UNION SELECT id FROM items WHERE id = 1"},
					{query: "SELECT id FROM items WHERE id = 1 UNION ALL SELECT id FROM items WHERE id = 1"},
					{query: "SELECT id FROM items WHERE id = ? UNION SELECT id FROM items WHERE id = ?", args: []any{int64(3), int64(4)}},
					{query: "SELECT grp FROM items UNION SELECT tag FROM item_tags"},
					{query: "SELECT grp FROM items UNION DISTINCT SELECT tag FROM item_tags"},
					{query: "SELECT grp FROM items UNION ALL SELECT tag FROM item_tags"},
					{query: "SELECT grp FROM items UNION SELECT label FROM kinds ORDER BY grp", ordered: true},
					{query: "SELECT grp FROM items UNION SELECT label FROM kinds ORDER BY 1 DESC LIMIT 4", ordered: true},
					{query: "SELECT grp AS g FROM items UNION ALL SELECT label FROM kinds ORDER BY g LIMIT 3 OFFSET 2", ordered: true},
					{query: "SELECT grp FROM items UNION ALL SELECT kind FROM items UNION SELECT code FROM kinds ORDER BY grp", ordered: true},
					{query: "SELECT id, name FROM items WHERE id IN (1, 2, 3) UNION SELECT item_id, tag FROM item_tags WHERE item_id IN (2, 5) ORDER BY 1, 2", ordered: true},
					{query: "SELECT qty FROM items WHERE qty > ? UNION SELECT weight FROM item_tags ORDER BY qty LIMIT ?", args: []any{int64(3), int64(4)}, ordered: true},
					{query: "SELECT COUNT(*) FROM items UNION ALL SELECT COUNT(*) FROM item_tags"},
					{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp UNION SELECT kind, COUNT(*) FROM items GROUP BY kind"},
					{query: "(SELECT id FROM items ORDER BY id DESC LIMIT 3) UNION ALL (SELECT item_id FROM item_tags ORDER BY item_id LIMIT 2) ORDER BY 1", ordered: true},
					{query: "SELECT 1 UNION SELECT 2"},
					{query: "SELECT name FROM items WHERE id = 2 UNION SELECT 'extra'"},
					{query: "SELECT id, qty FROM items UNION SELECT 1, 2"},
					{query: "SELECT 1, 2 UNION SELECT id, qty FROM items"},
					{query: "SELECT id, qty FROM items UNION ALL SELECT ?, ? ORDER BY 1, 2", args: []any{int64(3), int64(40)}, ordered: true},
					{query: "SELECT qty FROM items UNION SELECT COUNT(*) FROM item_tags"},
				} {
					p.compare(t, c.ordered, c.query, c.args...)
				}
			})
		}
	})
}

// Pushdown first: SELECTs on one shard together send the union there.
func TestUnionOnOneShardIsSentWhole(t *testing.T) {
	db := openSharded(t, engine{name: "sqlite", url: sqliteURL}, mergeVSchema)
	for _, ddl := range mergeDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	same := idsOnShard(2, 2)
	for _, tt := range []struct {
		query  string
		args   []any
		shards int
		whole  bool
	}{
		{query: "SELECT id FROM items WHERE id = 1 UNION SELECT item_id FROM item_tags WHERE item_id = 1", shards: 1, whole: true},
		{query: "SELECT id FROM items WHERE id = ? UNION SELECT id FROM items WHERE id = ?", args: []any{same[0], same[1]}, shards: 1, whole: true},
		{query: "SELECT code FROM kinds UNION SELECT label FROM kinds", shards: 1, whole: true},
		{query: "SELECT grp FROM items UNION SELECT tag FROM item_tags", shards: 8},
	} {
		var got []string
		for _, q := range explainQueries(t, db, tt.query, tt.args...) {
			if strings.HasPrefix(q, "SELECT") {
				got = append(got, q)
			}
		}
		if len(got) != tt.shards {
			t.Errorf("%s: %d shard statements, want %d: %v", tt.query, len(got), tt.shards, got)
			continue
		}
		if tt.whole && !strings.Contains(got[0], "UNION") {
			t.Errorf("%s: shard statement %s is not the union", tt.query, got[0])
		}
	}
}

// What the union operator cannot reproduce is refused, saying why.
func TestUnionRefusesWhatCannotMerge(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 4)))
		var tests []struct{ query, want string }
		if e.name == "postgres" {
			tests = append(tests,
				struct{ query, want string }{"SELECT id FROM items UNION SELECT price FROM items", "convert"},
				struct{ query, want string }{"SELECT qty FROM items UNION SELECT ratio FROM items", "convert"},
				struct{ query, want string }{"SELECT price FROM items UNION SELECT ratio FROM items", "convert"},
				struct{ query, want string }{"SELECT made FROM items UNION SELECT name FROM items", "convert"})
		}
		for _, tt := range tests {
			_, err := queryAll(p.sharded, tt.query)
			if !isUnsupported(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: got %v, want an UnsupportedError mentioning %q", tt.query, err, tt.want)
			}
		}
	})
}

// In a transaction every SELECT of a union reads the transaction's shard
// connections: one after the other, never two on one connection at once.
func TestUnionInATransactionEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, q := range []string{
			"SELECT grp FROM items UNION SELECT tag FROM item_tags ORDER BY 1",
			"SELECT id FROM items WHERE qty > 3 UNION ALL SELECT item_id FROM item_tags ORDER BY 1",
			"SELECT (SELECT COUNT(*) FROM items) + (SELECT COUNT(*) FROM item_tags)",
		} {
			want, err := queryAll(p.oracle, q)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := p.sharded.Begin()
			if err != nil {
				t.Fatal(err)
			}
			rows, err := tx.Query(q)
			if err != nil {
				tx.Rollback()
				t.Fatalf("%s in a transaction: %v", q, err)
			}
			var got [][]any
			for rows.Next() {
				var v any
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				got = append(got, []any{v})
			}
			if err := rows.Err(); err != nil {
				t.Errorf("%s in a transaction: %v", q, err)
			}
			rows.Close()
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Rows, got); diff != "" {
				t.Errorf("%s in a transaction differs from one database (-oracle +sharded):\n%s", q, diff)
			}
		}
	})
}

// Keyspaces on different backends: a union that compares values (UNION,
// ORDER BY) has no one backend's rules and is refused; UNION ALL only
// concatenates.
func TestUnionOverDifferentBackendsComparesNothing(t *testing.T) {
	if os.Getenv(postgresEnv) == "" {
		t.Skipf("needs PostgreSQL: set %s", postgresEnv)
	}
	sqliteEngine := engine{name: "sqlite", url: sqliteURL}
	cfg := &vitessdo.Config{VSchemaJSON: []byte(shopAndMainVSchema), Shards: map[string]string{"main/0": postgresURL(t, "main", "0")}}
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		cfg.Shards["shop/"+sh] = sqliteEngine.url(t, "shop", sh)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	for _, ddl := range append(mergeDDL, "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body VARCHAR(32))") {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		"SELECT grp FROM items UNION SELECT body FROM notes",
		"SELECT grp FROM items UNION ALL SELECT body FROM notes ORDER BY 1",
		"SELECT (SELECT COUNT(*) FROM items) + (SELECT COUNT(*) FROM notes)",
	} {
		if _, err := queryAll(db, q); !isUnsupported(err) || !strings.Contains(err.Error(), "different rules") {
			t.Errorf("%s: got %v, want unsupported: different rules", q, err)
		}
	}
	if _, err := queryAll(db, "SELECT grp FROM items UNION ALL SELECT body FROM notes"); err != nil {
		t.Errorf("UNION ALL over two backends: %v", err)
	}
}
