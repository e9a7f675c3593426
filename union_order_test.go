package vitessdo_test

import (
	"regexp"
	"testing"
)

// A UNION over several shards ordered by a term other than a position
// or a first SELECT's column name: SQLite orders by the column whose alias
// or expression the term is (in any SELECT, the first from the left), and
// both backends refuse other expressions with the error one database
// gives.
func TestUnionOrderedByExpressionEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newShopAndMainPair(t, e)
		for _, q := range []string{
			"SELECT id + qty FROM items UNION SELECT weight FROM item_tags ORDER BY id + qty",
			"SELECT id + qty AS s FROM items UNION SELECT weight FROM item_tags ORDER BY id + qty DESC",
			"SELECT weight FROM item_tags UNION SELECT id + qty FROM items ORDER BY id + qty",
			"SELECT LOWER(name) FROM items UNION SELECT tag FROM item_tags ORDER BY LOWER(name)",
			"SELECT LOWER(name) FROM items UNION SELECT tag FROM item_tags ORDER BY lower(name) DESC LIMIT 4",
			"SELECT name FROM items UNION SELECT tag FROM item_tags ORDER BY LOWER(name)",
			"SELECT name, qty FROM items UNION SELECT tag, weight FROM item_tags ORDER BY qty, LOWER(name)",
			"SELECT name FROM items UNION SELECT tag FROM item_tags ORDER BY tag",
			"SELECT name AS n FROM items UNION SELECT tag AS m FROM item_tags ORDER BY m",
			"SELECT items.name FROM items UNION SELECT tag FROM item_tags ORDER BY items.name",
			"SELECT qty + 1 FROM items UNION ALL SELECT weight FROM item_tags ORDER BY qty + 1 LIMIT 3",
			"SELECT qty + 1 FROM items UNION ALL SELECT weight FROM item_tags ORDER BY qty + 2",
			"SELECT grp FROM items UNION SELECT body FROM notes ORDER BY LOWER(grp)",
			"SELECT id FROM items UNION SELECT item_id FROM item_tags ORDER BY 2",
		} {
			compareOrderedOrError(t, p, q)
		}
	})
}

// shardPrefix is the shard an error names, which differs between the
// sharded database and one database.
var shardPrefix = regexp.MustCompile(`shard [a-z]+/[-0-9a-f]+: `)

// compareOrderedOrError requires the rows in order when one database
// answers, and the same error when it fails.
func compareOrderedOrError(t *testing.T, p *pair, query string, args ...any) {
	t.Helper()
	_, werr := queryAll(p.oracle, query, args...)
	if werr == nil {
		p.compareOrdered(t, query, args...)
		return
	}
	_, gerr := queryAll(p.sharded, query, args...)
	if gerr == nil {
		t.Errorf("%s: answered, one database fails with %v", query, werr)
		return
	}
	if g, w := shardPrefix.ReplaceAllString(gerr.Error(), ""), shardPrefix.ReplaceAllString(werr.Error(), ""); g != w {
		t.Errorf("%s: error %q, one database %q", query, g, w)
	}
}
