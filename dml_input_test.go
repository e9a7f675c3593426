package vitessdo_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// mergeTables are the merge schema's tables, compared whole after a write.
var mergeTables = []string{"items", "item_tags", "kinds", "tokens"}

// compareWrite runs a write on the shards and its equivalent on one
// database, and requires the same RowsAffected and then the same contents
// of every table.
func (p *pair) compareWrite(t *testing.T, tables []string, sharded, oracle string, args ...any) {
	t.Helper()
	got, gerr := execAffected(p.sharded, sharded, args...)
	want, werr := execAffected(p.oracle, oracle, args...)
	if gerr != nil || werr != nil {
		t.Fatalf("%s %v: sharded error %v, oracle (%s) error %v", sharded, args, gerr, oracle, werr)
	}
	if got != want {
		t.Errorf("%s %v: RowsAffected %d, one database %d", sharded, args, got, want)
	}
	for _, tb := range tables {
		p.compareRows(t, "SELECT * FROM "+tb)
	}
}

func execAffected(db *sql.DB, q string, args ...any) (int64, error) {
	res, err := db.Exec(q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Multi-table DELETE and UPDATE, and DELETE/UPDATE … ORDER BY … LIMIT over
// several shards, change the rows one database changes, and say so.
func TestJoinedAndLimitedWritesChangeWhatOneDatabaseChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 3)))
		loadMoreItems(t, p)
		// VEXPLAIN PLAN shows the input SELECT, on every shard.
		if got := explain(t, p.sharded, "DELETE items FROM items JOIN tokens ON tokens.item_id = items.id WHERE tokens.note = 'x'"); len(got) < 4 {
			t.Errorf("VEXPLAIN PLAN of a joined DELETE reaches %v, want the input on every shard", got)
		}
		p.compareWrite(t, mergeTables,
			"DELETE items FROM items JOIN item_tags ON item_tags.item_id = items.id WHERE item_tags.weight > 1",
			"DELETE FROM items WHERE id IN (SELECT item_tags.item_id FROM item_tags WHERE item_tags.weight > 1)")
		p.compareWrite(t, mergeTables,
			"DELETE t FROM item_tags AS t, tokens WHERE tokens.item_id = t.item_id AND tokens.note = ?",
			"DELETE FROM item_tags WHERE item_id IN (SELECT tokens.item_id FROM tokens WHERE tokens.note = ?)", "x")
		p.compareWrite(t, mergeTables,
			"UPDATE items JOIN tokens ON tokens.item_id = items.id SET items.name = tokens.note, items.qty = items.qty + ? WHERE tokens.note <> 'y'",
			"UPDATE items SET name = (SELECT tokens.note FROM tokens WHERE tokens.item_id = items.id), qty = qty + ? WHERE id IN (SELECT item_id FROM tokens WHERE tokens.note <> 'y')", 5)
		p.compareWrite(t, mergeTables,
			"UPDATE items JOIN tokens ON tokens.item_id = items.id SET items.name = CONCAT(tokens.note, '-', items.grp), items.qty = items.qty + tokens.item_id WHERE items.id > 105",
			"UPDATE items SET name = CONCAT((SELECT note FROM tokens WHERE tokens.item_id = items.id), '-', grp), qty = qty + id WHERE id > 105 AND id IN (SELECT item_id FROM tokens)")
		p.compareWrite(t, mergeTables,
			"DELETE FROM items WHERE qty > ? ORDER BY qty DESC, id LIMIT 3",
			"DELETE FROM items WHERE id IN (SELECT id FROM (SELECT id FROM items WHERE qty > ? ORDER BY qty DESC, id LIMIT 3) AS d)", -5)
		p.compareWrite(t, mergeTables,
			"UPDATE items SET grp = 'zz' WHERE qty IS NOT NULL ORDER BY id LIMIT ?",
			"UPDATE items SET grp = 'zz' WHERE id IN (SELECT id FROM (SELECT id FROM items WHERE qty IS NOT NULL ORDER BY id LIMIT ?) AS d)", 4)
	})
}

func loadMoreItems(t *testing.T, p *pair) {
	t.Helper()
	for i, it := range mergeItems([]int64{101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112}) {
		p.exec(t, "INSERT INTO items (id, grp, name, qty, price, ratio, kind, made) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			it.id, it.grp, it.name, it.qty, it.price, it.ratio, it.kind, it.made)
		p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", []byte{0xf0, byte(i)}, it.id, mergeKinds[i%len(mergeKinds)])
		for j := 0; j < i%3; j++ {
			p.exec(t, "INSERT INTO item_tags (item_id, tag, weight) VALUES (?, ?, ?)", it.id, "g"+string(rune('a'+j)), i%4)
		}
	}
}

// What one database would decide arbitrarily is refused, and a refused
// write changes nothing.
func TestJoinedAndLimitedWritesRefuseWhatOneDatabaseLeavesArbitrary(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 3)))
		loadMoreItems(t, p)
		for _, c := range []struct{ q, want string }{
			{"DELETE a, b FROM items AS a JOIN items AS b ON b.qty = a.qty", "under two names"},
			{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = item_tags.weight, item_tags.weight = 1", "which the statement sets too"},
			{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = weight, item_tags.weight = 1", "names no table"},
			{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET name = 'x'", "names no table"},
			{"UPDATE items JOIN tokens ON tokens.item_id = items.id SET items.id = tokens.item_id + 1000", "primary vindex column id"},
			// grp ties at the cut: one database would pick some of the tied rows.
			{"DELETE FROM items ORDER BY grp LIMIT 2", "tie on the ORDER BY"},
			// No ORDER BY and more matching rows than the limit.
			{"UPDATE items SET qty = 0 WHERE id > 100 LIMIT 3", "tie on the ORDER BY"},
			// Several tags of one item give it different weights.
			{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = item_tags.weight + item_tags.item_id", "several different values"},
			{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = 1 ORDER BY items.id LIMIT 1", "ORDER BY or LIMIT"},
		} {
			_, err := p.sharded.Exec(c.q)
			if !isUnsupported(err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %v, want unsupported mentioning %q", c.q, err, c.want)
			}
		}
		for _, tb := range mergeTables {
			p.compareRows(t, "SELECT * FROM "+tb)
		}
		// Fewer matching rows than the limit: every one of them.
		p.compareWrite(t, mergeTables, "DELETE FROM items WHERE id > 110 LIMIT 5", "DELETE FROM items WHERE id > 110")
		// Tags giving an item the same value set it once.
		p.compareWrite(t, mergeTables,
			"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = item_tags.item_id * 2 WHERE items.id > 100",
			"UPDATE items SET qty = id * 2 WHERE id > 100 AND id IN (SELECT item_id FROM item_tags)")
	})
}

// A table without a primary key cannot have its rows named one by one.
func TestJoinedWriteOfATableWithoutPrimaryKeyIsRefusedNamingIt(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		vs := strings.Replace(mergeVSchema, `"kinds": {"type": "reference"}`, `"kinds": {"type": "reference"}, "notes": {"column_vindexes": [{"column": "item_id", "name": "hash"}]}`, 1)
		p := newPair(t, e, vs)
		p.exec(t, "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, qty INT)")
		p.exec(t, "CREATE TABLE notes (item_id BIGINT, body VARCHAR(16))")
		p.exec(t, "INSERT INTO items (id, qty) VALUES (1, 1), (2, 2)")
		p.exec(t, "INSERT INTO notes (item_id, body) VALUES (1, 'a'), (2, 'b')")
		_, err := p.sharded.Exec("DELETE notes FROM notes JOIN items ON items.qty = notes.item_id")
		if !isUnsupported(err) || !strings.Contains(err.Error(), "primary key of shop.notes") {
			t.Errorf("got %v, want unsupported naming the table without a primary key", err)
		}
		p.compareRows(t, "SELECT * FROM notes")
	})
}

// Inside an explicit transaction the write joins it: it is seen there and
// rolls back with it; it commits with it too.
func TestJoinedWriteRunsInTheSessionTransaction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 3)))
		loadMoreItems(t, p)
		n, left := execRolledBack(t, p, "DELETE items FROM items JOIN tokens ON tokens.item_id = items.id WHERE tokens.note = 'x'", "SELECT COUNT(*) FROM items")
		if n == 0 || left != 15-n {
			t.Errorf("deleted %d, %d left in the transaction; want some deleted of 15", n, left)
		}
		tx, err := p.sharded.Begin()
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "UPDATE items JOIN tokens ON tokens.item_id = items.id SET items.kind = tokens.note WHERE items.id > 100")
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		p.exec(t, "SELECT 1") // keep the oracle's connection count alike
		if _, err := p.oracle.Exec("UPDATE items SET kind = (SELECT note FROM tokens WHERE tokens.item_id = items.id) WHERE id > 100 AND id IN (SELECT item_id FROM tokens)"); err != nil {
			t.Fatal(err)
		}
		for _, tb := range mergeTables {
			p.compareRows(t, "SELECT * FROM "+tb)
		}
	})
}

// A per-key write failing on one shard after others ran rolls every
// shard back: the implicit transaction is all or none.
func TestJoinedWriteFailingMidwayChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env, db := newTaggedItems(t, e)
		const write = "DELETE items FROM items JOIN item_tags ON item_tags.item_id = items.id WHERE item_tags.weight = 1"
		shards, ran := execFailingOnLastShard(t, env, db, write, "DELETE", "DELETE")
		if ranBeforeLast(shards, ran) == 0 {
			t.Errorf("no shard ran a DELETE before the failing one: the test shows nothing")
		}
		var n int64
		if err := db.QueryRow("SELECT COUNT(*) FROM items").Scan(&n); err != nil || n != 40 {
			t.Errorf("items left: %d, %v; want all 40: every shard rolled back", n, err)
		}
		// Without the fault the keys go to each shard in one statement.
		before := map[string]int{}
		for _, sh := range shards {
			before[sh] = env.faults.count(sh + " exec DELETE")
		}
		res, err := db.Exec(write)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := res.RowsAffected(); got != 14 {
			t.Errorf("RowsAffected %d, want the 14 items of weight 1", got)
		}
		for _, sh := range shards {
			if n := env.faults.count(sh+" exec DELETE") - before[sh]; n > 1 {
				t.Errorf("shard %s ran %d DELETEs for one joined DELETE, want one at most", sh, n)
			}
		}
	})
}

// Owned lookup vindexes follow the rows a joined or limited write deletes
// or changes: every user is still found by email and name, and the lookup
// tables hold one row per owner value.
func TestJoinedAndLimitedWritesKeepOwnedLookupsInStep(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newLookupPair(t, e)
		for id := int64(1); id <= 12; id++ {
			p.exec(t, "INSERT INTO users (id, email, name) VALUES (?, ?, ?)", id, fmt.Sprintf("u%d@x", id), fmt.Sprintf("n%d", id%4))
		}
		checkFindable(t, p)
		p.compareWrite(t, []string{"users"},
			"DELETE users FROM users JOIN user_name_idx ON user_name_idx.user_id = users.id WHERE user_name_idx.name = ?",
			"DELETE FROM users WHERE name = ?", "n1")
		checkFindable(t, p)
		p.compareWrite(t, []string{"users"},
			"UPDATE users SET name = 'moved' WHERE id > 2 ORDER BY id DESC LIMIT 3",
			"UPDATE users SET name = 'moved' WHERE id IN (SELECT id FROM (SELECT id FROM users WHERE id > 2 ORDER BY id DESC LIMIT 3) AS d)")
		checkFindable(t, p)
		p.compareWrite(t, []string{"users"},
			"UPDATE users JOIN user_email_idx ON user_email_idx.email = users.email SET users.name = user_email_idx.email WHERE users.id < 8",
			"UPDATE users SET name = email WHERE id < 8")
		checkFindable(t, p)
		p.compareWrite(t, []string{"users"},
			"UPDATE users JOIN user_name_idx ON user_name_idx.user_id = users.id SET users.email = ? WHERE user_name_idx.name = 'n3' AND users.id = 3",
			"UPDATE users SET email = ? WHERE name = 'n3' AND id = 3", "three@x")
		checkFindable(t, p)
		p.compareWrite(t, []string{"users"}, "DELETE FROM users ORDER BY email LIMIT 2",
			"DELETE FROM users WHERE id IN (SELECT id FROM (SELECT id FROM users ORDER BY email LIMIT 2) AS d)")
		checkFindable(t, p)
	})
}
