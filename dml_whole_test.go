package vitessdo_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// wholeWrites are multi-table writes of one table whose join every shard
// runs over its own rows, each with its one-database form.
var wholeWrites = []struct {
	sharded, oracle string
	args            []any
}{
	// Values of the target alone: an item with several tags changes once.
	{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = items.qty + ?, items.grp = CONCAT(items.grp, '+') WHERE item_tags.tag LIKE 'g%'",
		"UPDATE items SET qty = qty + ?, grp = CONCAT(grp, '+') WHERE id IN (SELECT item_id FROM item_tags WHERE tag LIKE 'g%')", []any{10}},
	{"UPDATE items AS i JOIN kinds AS k ON k.code = i.kind SET i.name = 'kind' WHERE k.label <> 'Why' AND i.id > ?",
		"UPDATE items SET name = 'kind' WHERE id > ? AND kind IN (SELECT code FROM kinds WHERE label <> 'Why')", []any{50}},
	// A reference table changed by a join of reference tables.
	{"UPDATE kinds JOIN kinds AS k2 ON k2.label = kinds.label SET kinds.label = CONCAT(kinds.label, '!') WHERE k2.code = 'w'",
		"UPDATE kinds SET label = CONCAT(label, '!') WHERE code = 'w'", nil},
	// Values of other tables: a subquery over the join, each target row
	// having one value.
	{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = item_tags.weight, items.grp = 'w' WHERE items.id > 100 AND item_tags.tag = 'ga'",
		"UPDATE items SET qty = (SELECT weight FROM item_tags WHERE item_id = items.id AND tag = 'ga'), grp = 'w' WHERE id > 100 AND id IN (SELECT item_id FROM item_tags WHERE tag = 'ga')", nil},
	{"UPDATE items JOIN kinds ON kinds.code = items.kind SET items.name = CONCAT(kinds.label, ?, items.id)",
		"UPDATE items SET name = CONCAT((SELECT label FROM kinds WHERE code = items.kind), ?, id) WHERE kind IN (SELECT code FROM kinds)", []any{"#"}},
	// NULL where the outer join finds no row.
	{"UPDATE items LEFT JOIN kinds ON kinds.code = items.kind SET items.grp = kinds.label WHERE items.id < 50",
		"UPDATE items SET grp = (SELECT label FROM kinds WHERE code = items.kind) WHERE id < 50", nil},
	// Subqueries in the WHERE, co-located with the rows.
	{"UPDATE items JOIN kinds ON kinds.code = items.kind SET items.qty = 0 WHERE EXISTS (SELECT 1 FROM item_tags WHERE item_tags.item_id = items.id AND item_tags.weight = 1)",
		"UPDATE items SET qty = 0 WHERE kind IN (SELECT code FROM kinds) AND EXISTS (SELECT 1 FROM item_tags WHERE item_tags.item_id = items.id AND item_tags.weight = 1)", nil},
	// Co-located on the primary vindex: an item with several tags is
	// deleted once.
	{"DELETE items FROM items JOIN item_tags ON item_tags.item_id = items.id WHERE item_tags.weight > ?",
		"DELETE FROM items WHERE id IN (SELECT item_id FROM item_tags WHERE weight > ?)", []any{2}},
	// A reference table.
	{"DELETE t FROM item_tags AS t JOIN items ON items.id = t.item_id JOIN kinds ON kinds.code = items.kind WHERE kinds.label = 'Ex'",
		"DELETE FROM item_tags WHERE item_id IN (SELECT items.id FROM items JOIN kinds ON kinds.code = items.kind WHERE kinds.label = 'Ex')", nil},
	// The rows an outer join does not match.
	{"DELETE items FROM items LEFT JOIN item_tags ON item_tags.item_id = items.id WHERE item_tags.tag IS NULL AND items.id > 100",
		"DELETE FROM items WHERE id > 100 AND id NOT IN (SELECT item_id FROM item_tags)", nil},
	// The target on the nullable side.
	{"DELETE item_tags FROM items LEFT JOIN item_tags ON item_tags.item_id = items.id WHERE items.qty < 0",
		"DELETE FROM item_tags WHERE item_id IN (SELECT id FROM items WHERE qty < 0)", nil},
	// A comma join, a row by its vindex value.
	{"DELETE item_tags FROM items, item_tags WHERE item_tags.item_id = items.id AND items.id = ?",
		"DELETE FROM item_tags WHERE item_id = ?", []any{106}},
}

// A multi-table write whose join every shard holds runs whole on the
// shards it reaches, as one single-table statement each, and changes what
// one database changes.
func TestCoLocatedJoinedWritesRunWholeOnTheShards(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 3)))
		loadMoreItems(t, p)
		for _, w := range wholeWrites {
			requireWhole(t, p.sharded, w.sharded, w.args...)
			p.compareWrite(t, mergeTables, w.sharded, w.oracle, w.args...)
		}
		// A reference table changed by a join with sharded rows: every
		// copy would change by its own shard's rows, so its keys are read
		// first, through the router.
		p.compareWrite(t, mergeTables,
			"DELETE kinds FROM kinds JOIN items ON items.kind = kinds.code WHERE items.id IN (SELECT item_id FROM item_tags WHERE weight IS NOT NULL)",
			"DELETE FROM kinds WHERE code IN (SELECT kind FROM items WHERE id IN (SELECT item_id FROM item_tags WHERE weight IS NOT NULL))")
		// By a vindex value of the target, or of a table joined to it on
		// the primary vindex: that value's shards.
		for _, c := range []struct {
			sharded, oracle string
			shards          int
		}{
			{"DELETE items FROM items JOIN item_tags ON item_tags.item_id = items.id WHERE items.id = 105",
				"DELETE FROM items WHERE id = 105 AND id IN (SELECT item_id FROM item_tags)", 1},
			{"DELETE items FROM items JOIN item_tags ON item_tags.item_id = items.id WHERE item_tags.item_id = 106",
				"DELETE FROM items WHERE id = 106 AND id IN (SELECT item_id FROM item_tags)", 1},
			{"DELETE item_tags FROM items LEFT JOIN item_tags ON item_tags.item_id = items.id WHERE items.id IN (108, 109) AND item_tags.weight >= 0",
				"DELETE FROM item_tags WHERE item_id IN (SELECT id FROM items WHERE id IN (108, 109)) AND weight >= 0", 2},
			{"UPDATE item_tags JOIN items ON items.id = item_tags.item_id SET item_tags.weight = items.qty WHERE items.id = 111",
				"UPDATE item_tags SET weight = (SELECT qty FROM items WHERE id = 111) WHERE item_id = 111 AND item_id IN (SELECT id FROM items)", 1},
		} {
			got := map[string]bool{}
			for _, s := range explain(t, p.sharded, c.sharded) {
				got[s] = true
			}
			if len(got) != c.shards {
				t.Errorf("%s reaches %v, want %d shards", c.sharded, got, c.shards)
			}
			p.compareWrite(t, mergeTables, c.sharded, c.oracle)
		}
	})
}

// On a keyspace of one shard every join is there: the statement runs
// whole, and changes what the one-database form changes.
func TestJoinedWritesOnOneShardRunWhole(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, unshardedVSchema(t, mergeVSchema))
		loadMergeItems(t, p, mergeItems(idsOnShard(0, 3)))
		loadMoreItems(t, p)
		for _, w := range wholeWrites {
			requireWhole(t, p.sharded, w.sharded, w.args...)
			p.compareWrite(t, mergeTables, w.sharded, w.oracle, w.args...)
		}
		// Values of a table sharded otherwise on many shards are read
		// through the router; here too the statement runs whole.
		requireWhole(t, p.sharded, "UPDATE items JOIN tokens ON tokens.item_id = items.id SET items.name = tokens.note")
		p.compareWrite(t, mergeTables,
			"UPDATE items JOIN tokens ON tokens.item_id = items.id SET items.name = tokens.note WHERE tokens.note <> 'y'",
			"UPDATE items SET name = (SELECT tokens.note FROM tokens WHERE tokens.item_id = items.id) WHERE id IN (SELECT item_id FROM tokens WHERE tokens.note <> 'y')")
	})
}

// Owned lookup vindexes follow the rows of a joined write sent whole.
func TestCoLocatedJoinedWritesKeepOwnedLookupsInStep(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newLookupPair(t, e)
		for id := int64(1); id <= 12; id++ {
			p.exec(t, "INSERT INTO users (id, email, name) VALUES (?, ?, ?)", id, fmt.Sprintf("u%d@x", id), fmt.Sprintf("n%d", id%4))
		}
		for _, w := range []struct {
			sharded, oracle string
			args            []any
		}{
			{"DELETE users FROM users JOIN users AS u ON u.id = users.id WHERE u.name = ?", "DELETE FROM users WHERE name = ?", []any{"n1"}},
			{"UPDATE users JOIN users AS u ON u.id = users.id SET users.email = ?, users.name = 'six' WHERE u.id = 6", "UPDATE users SET email = ?, name = 'six' WHERE id = 6", []any{"six@x"}},
			{"UPDATE users JOIN users AS u ON u.id = users.id SET users.name = NULL WHERE u.email > ?", "UPDATE users SET name = NULL WHERE email > ?", []any{"u6"}},
		} {
			requireWhole(t, p.sharded, w.sharded, w.args...)
			p.compareWrite(t, []string{"users"}, w.sharded, w.oracle, w.args...)
			checkFindable(t, p)
		}
		// A lookup column set from another row's value moves its lookup
		// row by the value the router reads first.
		p.compareWrite(t, []string{"users"},
			"UPDATE users JOIN users AS u ON u.id = users.id SET users.name = u.email WHERE u.id < 5",
			"UPDATE users SET name = email WHERE id < 5")
		checkFindable(t, p)
	})
}

// requireWhole requires VEXPLAIN PLAN of a write to show it sent whole:
// no operator of the router, only the write on each shard it reaches,
// beside the grouped SELECT that finds rows given several values.
func requireWhole(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	res, err := queryAll(db, "VEXPLAIN PLAN "+query, args...)
	if err != nil {
		t.Fatalf("VEXPLAIN PLAN %s: %v", query, err)
	}
	writes := 0
	for _, r := range res.Rows {
		q := strings.TrimSpace(fmt.Sprint(r[2]))
		switch {
		case r[0] == "":
			t.Errorf("%s: VEXPLAIN PLAN shows the operator %s, want the write sent whole", query, q)
		case strings.HasPrefix(q, "DELETE"), strings.HasPrefix(q, "UPDATE"):
			writes++
		case !strings.HasPrefix(q, "SELECT") || !strings.Contains(q, "HAVING"):
			t.Errorf("%s: VEXPLAIN PLAN shows %s, want the write sent whole", query, q)
		}
	}
	if writes == 0 {
		t.Errorf("%s: VEXPLAIN PLAN shows no write: %v", query, res.Rows)
	}
}

// A joined write sent whole failing on one shard after the others ran it
// rolls every shard back, its check of several values included.
func TestCoLocatedJoinedWriteFailingMidwayChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env, db := newTaggedItems(t, e)
		const write = "UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = item_tags.weight + 100 WHERE item_tags.tag = 't'"
		requireWhole(t, db, write)
		shards, ran := execFailingOnLastShard(t, env, db, write, "UPDATE", "UPDATE")
		if ranBeforeLast(shards, ran) == 0 {
			t.Errorf("no shard ran the UPDATE before the failing one: the test shows nothing")
		}
		var n int64
		if err := db.QueryRow("SELECT COUNT(*) FROM items WHERE qty >= 100").Scan(&n); err != nil || n != 0 {
			t.Errorf("items changed: %d, %v; want none: every shard rolled back", n, err)
		}
		res, err := db.Exec(write)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := res.RowsAffected(); got != 40 {
			t.Errorf("RowsAffected %d, want the 40 items", got)
		}
	})
}

// In a session targeting a key range, a joined write sent whole changes
// the rows of the range's shards only; one whose rows are read through
// the router, which does not keep to the range, is refused.
func TestJoinedWritesInAKeyRangeKeepToIt(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 6)))
		loadMoreItems(t, p)
		ctx := context.Background()
		c, err := p.sharded.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, "USE `shop[-80]`"); err != nil {
			t.Fatal(err)
		}
		_, err = c.ExecContext(ctx, "DELETE items FROM items JOIN tokens ON tokens.item_id = items.id")
		if !isUnsupported(err) || !strings.Contains(err.Error(), "key range") {
			t.Errorf("a joined DELETE across shards in a key range: got %v, want unsupported naming the range", err)
		}
		res, err := c.ExecContext(ctx, "DELETE items FROM items JOIN item_tags ON item_tags.item_id = items.id WHERE item_tags.weight >= 0")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := res.RowsAffected()
		all, err := queryAll(p.oracle, "SELECT id FROM items")
		if err != nil {
			t.Fatal(err)
		}
		var in []string
		for _, r := range all.Rows {
			if id := r[0].(int64); shardOfID(id) < 2 {
				in = append(in, fmt.Sprint(id))
			}
		}
		want, err := execAffected(p.oracle, "DELETE FROM items WHERE id IN ("+strings.Join(in, ", ")+") AND id IN (SELECT item_id FROM item_tags WHERE weight >= 0)")
		if err != nil {
			t.Fatal(err)
		}
		if got != want || got == 0 {
			t.Errorf("RowsAffected %d, one database %d over the range's rows", got, want)
		}
		for _, tb := range mergeTables {
			p.compareRows(t, "SELECT * FROM "+tb)
		}
	})
}
