package vitessdo_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/merge"
)

// A SELECT over two tables no one shard holds together runs as a
// nested-loop join: the rows one database returns.
func TestJoinAcrossShardsEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range joinCases {
					p.compare(t, false, c.query, c.args...)
				}
			})
		}
	})
}

var joinCases = []mergeCase{
	// inner routed by its vindex column (items.id)
	{query: "SELECT t.note, i.name FROM tokens t JOIN items i ON i.id = t.item_id"},
	{query: "SELECT t.note, i.name, i.qty FROM tokens t, items i WHERE i.id = t.item_id AND i.qty > 2"},
	{query: "SELECT t.note AS n, i.id FROM tokens t JOIN items i ON t.item_id = i.id WHERE t.note = ?", args: []any{"x"}},
	// inner scattered: tokens.item_id is no vindex column
	{query: "SELECT i.name, t.note FROM items i JOIN tokens t ON t.item_id = i.id"},
	{query: "SELECT i.name, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id"},
	{query: "SELECT i.id, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id AND t.note = 'y'"},
	{query: "SELECT i.id, t.item_id FROM items i LEFT JOIN tokens t ON t.item_id = i.id WHERE i.qty IS NULL"},
	// outer on one shard
	{query: "SELECT i.name, t.note FROM items i JOIN tokens t ON t.item_id = i.id WHERE i.id = 3"},
	{query: "SELECT t.note, i.name FROM tokens t JOIN items i ON i.id = t.item_id WHERE i.id = ?", args: []any{int64(5)}},
	// duplicates on both sides, NULL keys
	{query: "SELECT g.tag, t.note FROM item_tags g JOIN tokens t ON t.item_id = g.item_id"},
	{query: "SELECT g.tag, g.weight, i.qty FROM item_tags g JOIN items i ON i.qty = g.weight"},
	{query: "SELECT i.id, g.tag FROM items i LEFT JOIN item_tags g ON g.weight = i.qty"},
	{query: "SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.qty = a.qty WHERE a.id < 10"},
	{query: "SELECT a.id, b.tag FROM items a JOIN item_tags b ON a.grp = b.tag"},
	{query: "SELECT t.NOTE, i.Name AS Nm FROM tokens t JOIN items i ON i.id = t.item_id"},
	// two key equalities; expressions of one side
	{query: "SELECT t.note, i.qty + 1 AS q1 FROM tokens t JOIN items i ON i.id = t.item_id AND i.kind = t.note"},
	// empty sides
	{query: "SELECT i.name, t.note FROM items i JOIN tokens t ON t.item_id = i.id WHERE i.id < 0"},
	{query: "SELECT i.name, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id AND t.note = 'none'"},
}

// crossVSchema puts items and notes in two sharded keyspaces and labels
// in an unsharded one; crossOracleVSchema holds all three in one database.
const crossVSchema = `{
  "keyspaces": {
    "ref": {"sharded": false, "tables": {"labels": {}}},
    "shop": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {"items": {"column_vindexes": [{"column": "id", "name": "hash"}]}}
    },
    "other": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {"notes": {"column_vindexes": [{"column": "item_id", "name": "hash"}]}}
    }
  }
}`

const crossOracleVSchema = `{"keyspaces": {"shop": {"sharded": false, "tables": {"labels": {}, "items": {}, "notes": {}}}}}`

// Joins across keyspaces (sharded with unsharded, two sharded keyspaces)
// return the rows one database holding every table returns.
func TestJoinAcrossKeyspacesEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := &pair{e: e, sharded: openSharded(t, e, crossVSchema), oracle: openSharded(t, e, crossOracleVSchema)}
		for _, ddl := range []string{
			"CREATE TABLE labels (code VARCHAR(8) NOT NULL PRIMARY KEY, label VARCHAR(32))",
			"CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, code VARCHAR(8), qty INT)",
			"CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, item_id BIGINT, body VARCHAR(32))",
		} {
			p.exec(t, ddl)
		}
		p.exec(t, "INSERT INTO labels (code, label) VALUES ('a', 'Ay'), ('b', 'Bee'), ('z', 'Zed')")
		for i := int64(1); i <= 40; i++ {
			code := []any{"a", "b", "c", nil}[i%4]
			p.exec(t, "INSERT INTO items (id, code, qty) VALUES (?, ?, ?)", i, code, nullableInt(int(i%5), i%7 == 0))
			for j := int64(0); j < i%3; j++ {
				p.exec(t, "INSERT INTO notes (id, item_id, body) VALUES (?, ?, ?)", i*10+j, i, fmt.Sprintf("n%d", j))
			}
		}
		p.exec(t, "INSERT INTO notes (id, item_id, body) VALUES (9002, 99, 'gone')")
		for _, c := range []mergeCase{
			{query: "SELECT i.id, l.label FROM items i JOIN labels l ON l.code = i.code"},
			{query: "SELECT i.id, l.label FROM items i LEFT JOIN labels l ON l.code = i.code"},
			{query: "SELECT l.label, i.id FROM labels l LEFT JOIN items i ON i.code = l.code"},
			{query: "SELECT l.label, i.qty FROM labels l, items i WHERE i.code = l.code AND l.code = ?", args: []any{"b"}},
			{query: "SELECT n.body, i.qty FROM notes n JOIN items i ON i.id = n.item_id"},
			{query: "SELECT i.id, n.body FROM items i LEFT JOIN notes n ON n.item_id = i.id"},
			{query: "SELECT i.id, n.body FROM items i JOIN notes n ON n.item_id = i.id WHERE i.qty > 2 AND n.body <> 'n0'"},
			{query: "SELECT n.id, i.code FROM notes n LEFT JOIN items i ON i.id = n.item_id"},
			{query: "SELECT i.id, n.id AS nid FROM items i JOIN notes n ON n.item_id = i.id WHERE n.item_id = 7"},
			{query: "SELECT i.id, n.body, l.label FROM items i JOIN notes n ON n.item_id = i.id LEFT JOIN labels l ON l.code = i.code"},
			{query: "SELECT l.label, i.id, n.body FROM labels l LEFT JOIN items i ON i.code = l.code LEFT JOIN notes n ON n.item_id = i.id AND n.body <> 'n1'"},
			{query: "SELECT * FROM labels l JOIN items i ON i.code = l.code JOIN notes n ON n.item_id = i.id WHERE i.qty < n.id"},
			{query: "SELECT code, label, qty FROM labels JOIN items USING (code) WHERE qty > 1"},
		} {
			p.compare(t, false, c.query, c.args...)
		}
	})
}

// A join binds batches of outer rows; the inner rows of a batch are held
// and bounded by max_memory_rows, and a batch size of one row is the same
// answer.
func TestJoinBoundsTheInnerRowsOfABatch(t *testing.T) {
	cfg := &vitessdo.Config{VSchemaJSON: []byte(mergeVSchema), Shards: map[string]string{}, MaxMemoryRows: 20}
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		cfg.Shards["shop/"+sh] = sqliteURL(t, "shop", sh)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	for _, ddl := range mergeDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	for i := int64(1); i <= 60; i++ {
		if _, err := db.Exec("INSERT INTO items (id, qty) VALUES (?, ?)", i, i%2); err != nil {
			t.Fatal(err)
		}
	}
	_, err = queryAll(db, "SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.qty = a.qty")
	var me *merge.MemoryRowsError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "max_memory_rows = 20") {
		t.Errorf("got %v, want an error naming max_memory_rows = 20", err)
	}
	res, err := queryAll(db, "SELECT a.id, b.qty FROM items a JOIN items b ON b.id = a.id")
	if err != nil || len(res.Rows) != 60 {
		t.Errorf("vindex join: %v, %d rows, want 60", err, len(res.Rows))
	}
	// Batches of 7 rows (join_batch) give the same answer.
	cfg.MaxMemoryRows = 0
	cd, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dbd := sql.OpenDB(cd)
	defer dbd.Close()
	cfg.JoinBatch = 7
	c7, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db7 := sql.OpenDB(c7)
	defer db7.Close()
	for _, q := range []string{
		"SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.qty = a.qty",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id",
		"SELECT a.id, b.qty FROM items a JOIN items b ON b.id = a.id WHERE a.id > 3",
	} {
		want, werr := queryAll(dbd, q)
		got, gerr := queryAll(db7, q)
		if werr != nil || gerr != nil {
			t.Fatalf("%s: %v, %v", q, werr, gerr)
		}
		sortRows(want.Rows)
		sortRows(got.Rows)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: join_batch=7 differs (-256 +7):\n%s", q, diff)
		}
	}
	if cfg, err := vitessdo.ParseDSN("vschema=v.json&join_batch=9"); err != nil || cfg.JoinBatch != 9 {
		t.Errorf("join_batch=9: %v, %+v", err, cfg)
	}
}

// The inner side of a join on its vindex column reaches only the shards
// holding the batch's key values.
func TestJoinInnerSideIsRoutedByTheBatchKeys(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeItems([]int64{1, 2, 3, 4, 5, 6, 7, 8}))
	res, err := queryAll(p.sharded, "VEXPLAIN QUERIES SELECT t.note, i.name FROM tokens t JOIN items i ON i.id = t.item_id WHERE t.tok = ?", tokenOf(3))
	if err != nil {
		t.Fatal(err)
	}
	var inner []string
	for _, r := range res.Rows {
		if q := fmt.Sprint(r[2]); strings.Contains(q, "FROM `items`") {
			inner = append(inner, fmt.Sprint(r[1]))
		}
	}
	shards := []string{"-40", "40-80", "80-c0", "c0-"}
	if want := []string{shards[shardOfID(4)]}; !cmp.Equal(inner, want) {
		t.Errorf("inner statements ran on %v, want %v (the shard of item 4)", inner, want)
	}
}

// Join keys of different kinds where one is a column of a derived table
// the router evaluates, whose type the plan does not know, compare by
// the backend's conversion rules, which the merge does not follow there:
// refused when such values meet (see join_key_kinds_test.go for tables).
func TestJoinRefusesKeysOfDifferentKinds(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeItems([]int64{1, 2, 3, 4}))
	p.exec(t, "INSERT INTO items (id, name) VALUES (100, '1')")
	_, err := queryAll(p.sharded, "SELECT d.n, b.id AS bid FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) d JOIN items b ON b.name = d.n")
	if !isUnsupported(err) || !strings.Contains(err.Error(), "conversion rules") {
		t.Errorf("got %v, want unsupported naming the conversion rules", err)
	}
}
