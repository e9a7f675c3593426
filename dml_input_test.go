package vitessdo_test

import (
	"database/sql"
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
