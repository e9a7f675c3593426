package vitessdo_test

import (
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
)

// mixedKindNotes are tokens whose notes are text that looks like a
// number, or almost: an integer column joined with the note compares
// them as SQLite's numeric affinity does.
var mixedKindNotes = []any{"04", "4", " 7", "7.0", "-3", "abc", "5x", "1e1", "+2", "", "9"}

// newMixedKindPairs are the merge schema with tokens whose notes look
// like numbers, and kinds whose codes do, one pair per join_hash mode
// over the same shards.
func newMixedKindPairs(t *testing.T, e engine) []*pair {
	t.Helper()
	modes := []string{vitessdo.JoinHashAuto, vitessdo.JoinHashAlways, vitessdo.JoinHashNever}
	dbs := openMergeShards(t, e, nil, modes...)
	p := &pair{e: e, sharded: dbs[0], oracle: openSharded(t, e, unshardedVSchema(t, mergeVSchema))}
	loadMergeItems(t, p, mergeLayouts()[0].items)
	for i, n := range mixedKindNotes {
		p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", []byte{0xf0, byte(i)}, int64(i%5+1), n)
		p.exec(t, "INSERT INTO kinds (code, label) VALUES (?, ?)", n, "n"+string(rune('a'+i)))
	}
	var out []*pair
	for _, db := range dbs {
		out = append(out, &pair{e: e, sharded: db, oracle: p.oracle})
	}
	return out
}

var mixedKindCases = []mergeCase{
	// the outer column is the number, the inner the text
	{query: "SELECT a.id, a.qty, t.note FROM items a JOIN tokens t ON t.note = a.qty"},
	{query: "SELECT a.id, t.note FROM items a JOIN tokens t ON t.note = a.id WHERE a.id < 12"},
	{query: "SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.note = a.qty WHERE a.id < 30"},
	{query: "SELECT a.id, a.price, t.note FROM items a JOIN tokens t ON t.note = a.price"},
	// the outer column is the text, the inner the number (a vindex column)
	{query: "SELECT t.note, a.id, a.name FROM tokens t JOIN items a ON a.id = t.note"},
	{query: "SELECT t.note, a.id FROM tokens t LEFT JOIN items a ON a.id = t.note"},
	{query: "SELECT t.note, g.tag FROM tokens t JOIN item_tags g ON g.weight = t.note"},
	// two keys, one of each kind
	{query: "SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.id AND t.note = a.qty"},
	// plain columns of derived tables keep their column's kind
	{query: "SELECT d.note, a.id FROM (SELECT * FROM tokens WHERE item_id > 0) d JOIN items a ON a.id = d.note"},
	{query: "SELECT a.id, d.note FROM items a JOIN (SELECT note FROM tokens ORDER BY tok LIMIT 30) d ON d.note = a.qty"},
	{query: "SELECT a.id, b.note FROM items a LEFT JOIN ((SELECT * FROM tokens WHERE item_id IS NOT NULL) b JOIN items c ON c.id = b.item_id) ON b.note = a.id"},
	// in a chain, and under a horizon
	{query: "SELECT a.id, t.note, g.tag FROM items a JOIN tokens t ON t.note = a.qty JOIN item_tags g ON g.item_id = a.id"},
	{query: "SELECT t.note, COUNT(*) AS n FROM items a JOIN tokens t ON t.note = a.qty GROUP BY t.note"},
}

// Join keys of a number column and a text column match the rows one
// database matches: on SQLite the text that is a well-formed number
// equals that number ('04' = 4); on PostgreSQL, which has no = between
// them, both fail alike.
func TestJoinKeysOfDifferentKindsEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		ps := newMixedKindPairs(t, e)
		for _, c := range mixedKindCases {
			if e.name == "sqlite" {
				for _, p := range ps {
					p.compare(t, c.ordered, c.query, c.args...)
				}
				continue
			}
			p := ps[0]
			_, werr := queryAll(p.oracle, c.query)
			_, gerr := queryAll(p.sharded, c.query)
			const want = "operator does not exist"
			if werr == nil || !strings.Contains(werr.Error(), want) {
				t.Fatalf("%s: one database gave %v, want %q", c.query, werr, want)
			}
			if gerr == nil || isUnsupported(gerr) || !strings.Contains(gerr.Error(), want) {
				t.Errorf("%s: sharded gave %v, want %q", c.query, gerr, want)
			}
		}
	})
}
