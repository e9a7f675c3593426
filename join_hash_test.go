package vitessdo_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
)

// openMergeShards opens the shards of mergeVSchema once per join_hash
// mode (the same databases), with more options set by mod.
func openMergeShards(t *testing.T, e engine, mod func(*vitessdo.Config), modes ...string) []*sql.DB {
	t.Helper()
	cfg := &vitessdo.Config{VSchemaJSON: []byte(mergeVSchema), Shards: map[string]string{}}
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		cfg.Shards["shop/"+sh] = e.url(t, "shop", sh)
	}
	if mod != nil {
		mod(cfg)
	}
	var dbs []*sql.DB
	for _, m := range modes {
		c := *cfg
		c.JoinHash = m
		conn, err := vitessdo.NewConnector(&c)
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(conn)
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	return dbs
}

// Joins read their inner side into a hash table (join_hash=always), bind
// batches of outer keys (never), or choose (auto): the rows one database
// returns every way.
func TestJoinHashEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		dbs := openMergeShards(t, e, nil, vitessdo.JoinHashAuto, vitessdo.JoinHashAlways, vitessdo.JoinHashNever)
		p := &pair{e: e, sharded: dbs[0], oracle: openSharded(t, e, unshardedVSchema(t, mergeVSchema))}
		loadMergeItems(t, p, mergeLayouts()[0].items)
		for i, mode := range []string{"auto", "always", "never"} {
			q := &pair{e: e, sharded: dbs[i], oracle: p.oracle}
			t.Run(mode, func(t *testing.T) {
				for _, c := range append(append([]mergeCase{}, joinCases...), joinTreeCases...) {
					q.compare(t, c.ordered, c.query, c.args...)
				}
			})
		}
	})
}

// VEXPLAIN PLAN shows which join runs: a hash join when both sides
// scatter and the key routes the inner side nowhere, a bound nested loop
// when the key is the inner side's vindex column, as join_hash says.
func TestJoinHashShowsInTheVexplainPlan(t *testing.T) {
	dbs := openMergeShards(t, engine{name: "sqlite", url: sqliteURL}, nil, vitessdo.JoinHashAuto, vitessdo.JoinHashAlways, vitessdo.JoinHashNever)
	for _, ddl := range mergeDDL {
		if _, err := dbs[0].Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	scatter := "SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.qty = a.qty"
	routed := "SELECT t.note, i.name FROM tokens t JOIN items i ON i.id = t.item_id"
	for _, tt := range []struct {
		db    int
		query string
		want  string
	}{
		{0, scatter, "HashJoin INNER on outer 2 = inner 2"},
		{0, routed, "Join INNER on outer 2 = inner 2 (inner routed IN"},
		{1, routed, "HashJoin INNER"},
		{2, scatter, "Join INNER on outer 2 = inner 2 (inner routed Scatter"},
	} {
		res, err := queryAll(dbs[tt.db], "VEXPLAIN PLAN "+tt.query)
		if err != nil {
			t.Fatal(err)
		}
		text := fmt.Sprint(res.Rows)
		if !strings.Contains(text, tt.want) || strings.Contains(tt.want, "Join INNER on") && !strings.HasPrefix(tt.want, "Hash") && strings.Contains(text, "HashJoin") {
			t.Errorf("mode %d: %s: VEXPLAIN PLAN lacks %q:\n%s", tt.db, tt.query, tt.want, text)
		}
	}
	if _, err := vitessdo.ParseDSN("vschema=v.json&join_hash=sometimes"); err == nil || !strings.Contains(err.Error(), "join_hash") {
		t.Errorf("join_hash=sometimes: %v, want an error naming join_hash", err)
	}
	if cfg, err := vitessdo.ParseDSN("vschema=v.json&join_hash=never"); err != nil || cfg.JoinHash != vitessdo.JoinHashNever {
		t.Errorf("join_hash=never: %v, %+v", err, cfg)
	}
}

// A hash table past max_memory_rows is dropped for batches of outer keys,
// whose inner rows are each within the bound.
func TestJoinHashFallsBackToBatchesPastMaxMemoryRows(t *testing.T) {
	dbs := openMergeShards(t, engine{name: "sqlite", url: sqliteURL}, func(c *vitessdo.Config) {
		c.MaxMemoryRows, c.JoinBatch = 20, 7
	}, vitessdo.JoinHashAlways)
	db := dbs[0]
	for _, ddl := range mergeDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	for i := int64(1); i <= 60; i++ {
		if _, err := db.Exec("INSERT INTO items (id, qty) VALUES (?, ?)", i, i%7); err != nil {
			t.Fatal(err)
		}
	}
	res, err := queryAll(db, "SELECT a.id, b.qty FROM items a JOIN items b ON b.id = a.id")
	if err != nil || len(res.Rows) != 60 {
		t.Errorf("got %v, %d rows, want 60", err, len(res.Rows))
	}
}
