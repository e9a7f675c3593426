package vitessdo_test

import (
	"strings"
	"testing"
)

// A derived table selecting * (or t.*) joined across shards has the
// columns of its own tables: unqualified names and * over the join read
// them as one database does.
func TestDerivedStarJoinEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range derivedStarJoinCases {
			p.compare(t, c.ordered, c.query, c.args...)
		}
	})
}

var derivedStarJoinCases = []mergeCase{
	{query: "SELECT id, tag FROM (SELECT * FROM items ORDER BY id LIMIT 5) d JOIN item_tags t ON t.item_id = d.id"},
	{query: "SELECT name, note FROM (SELECT * FROM items WHERE qty > 0) d JOIN tokens t ON item_id = id"},
	{query: "SELECT * FROM (SELECT * FROM kinds) k JOIN items i ON i.kind = k.code WHERE i.id < 20"},
	{query: "SELECT d.*, i.name FROM (SELECT * FROM tokens ORDER BY item_id LIMIT 6) d LEFT JOIN items i ON i.id = d.item_id"},
	{query: "SELECT label, name FROM (SELECT k.*, 1 AS one FROM kinds k) d JOIN items i ON i.kind = code"},
	{query: "SELECT tag, n FROM (SELECT *, 7 AS n FROM item_tags WHERE weight > 0) d JOIN items i ON i.id = item_id WHERE n = 7"},
	{query: "SELECT note, grp FROM (SELECT * FROM (SELECT * FROM items WHERE id < 30) x) d JOIN tokens t ON t.item_id = d.id"},
}

// A derived table whose * reads tables sharing a column name, or merges
// columns by USING, is refused: its columns are not one name each.
func TestDerivedStarJoinRefusesSharedNames(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	for _, c := range []struct{ query, want string }{
		{"SELECT tag FROM (SELECT * FROM item_tags g JOIN tokens t ON t.item_id = g.item_id) d JOIN items i ON i.id = d.weight", "two columns named item_id"},
		{"SELECT tag FROM (SELECT * FROM item_tags g JOIN tokens t USING (item_id)) d JOIN items i ON i.id = d.weight", "USING"},
	} {
		_, err := queryAll(p.sharded, c.query)
		if !isUnsupported(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want unsupported naming %q", c.query, err, c.want)
		}
	}
}
