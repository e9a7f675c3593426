package vitessdo_test

import (
	"strings"
	"testing"
)

// Subqueries whose tables are pinned by their own conditions to another
// shard than the statement's (a token by its key, an item by its id) run
// with the statement when both land on one shard and apart when not:
// pulled out and bound when uncorrelated, as a semi-join when correlated,
// at any depth of nesting. Either way the rows are one database's.
func TestSubqueriesPinnedToOtherShardsMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(consecutiveIDs(40)))
		for _, q := range []string{
			// One level: the statement pinned, its subquery pinned elsewhere.
			"SELECT note FROM tokens WHERE tok = ? AND note IN (SELECT kind FROM items WHERE id = ?)",
			"SELECT note FROM tokens WHERE tok = ? AND note NOT IN (SELECT kind FROM items WHERE id = ?)",
			"SELECT note FROM tokens WHERE tok = ? AND EXISTS (SELECT 1 FROM items WHERE id = ? AND kind = tokens.note)",
			"SELECT note, (SELECT qty FROM items WHERE id = ?) FROM tokens WHERE tok = ?",
			// Nested: the middle subquery pinned, the inner one elsewhere.
			"SELECT id FROM items a WHERE EXISTS (SELECT 1 FROM tokens t WHERE t.item_id = a.id AND t.tok = ? AND t.note IN (SELECT kind FROM items b WHERE b.id = ?))",
			"SELECT id FROM items a WHERE EXISTS (SELECT 1 FROM tokens t WHERE t.item_id = a.id AND t.tok = ? AND EXISTS (SELECT 1 FROM items b WHERE b.id = ? AND b.kind = t.note))",
			"SELECT id FROM items a WHERE NOT EXISTS (SELECT 1 FROM tokens t WHERE t.note = a.kind AND t.tok = ? AND t.item_id NOT IN (SELECT b.id FROM items b WHERE b.id = ?))",
			"SELECT id FROM items a WHERE a.kind IN (SELECT t.note FROM tokens t WHERE t.tok = ? AND t.item_id IN (SELECT b.id FROM items b WHERE b.id = ?))",
			"SELECT id FROM items a WHERE a.kind IN (SELECT t.note FROM tokens t WHERE t.tok = ? AND t.note IN (SELECT b.kind FROM items b WHERE b.id = ?))",
			"SELECT id, (SELECT COUNT(*) FROM tokens t WHERE t.item_id = a.id AND t.tok = ? AND t.note IN (SELECT kind FROM items b WHERE b.id = ?)) FROM items a",
			"SELECT id FROM items a WHERE a.id = 7 AND EXISTS (SELECT 1 FROM tokens t WHERE t.tok = ? AND t.note = a.kind AND t.note IN (SELECT kind FROM items b WHERE b.id = ?))",
			"SELECT grp, COUNT(*) FROM items a WHERE EXISTS (SELECT 1 FROM tokens t WHERE t.note = a.kind AND t.tok = ? AND t.note IN (SELECT kind FROM items b WHERE b.id = ?)) GROUP BY grp",
		} {
			for _, args := range [][2]int{{1, 2}, {3, 3}, {4, 9}, {6, 1}, {8, 13}, {0, 4}} {
				tok, id := any(tokenOf(args[0])), any(int64(args[1]))
				if strings.HasPrefix(q, "SELECT note, (") {
					tok, id = id, tok
				}
				p.compareRows(t, q, tok, id)
			}
		}
	})
}

// Subqueries nested three and four deep across shards, the innermost
// correlated with the middle or with the outermost table, in WHERE, the
// select list, HAVING and an outer join's ON, return one database's rows.
func TestNestedSubqueriesAcrossShardsMatchOneDatabase(t *testing.T) {
	compareEachQuery(t, genData(), []string{
		"SELECT a.id FROM items a WHERE EXISTS (SELECT 1 FROM tokens b WHERE b.item_id = a.id AND EXISTS (SELECT 1 FROM items c WHERE c.kind = a.kind AND c.qty > 3))",
		"SELECT a.id FROM items a WHERE EXISTS (SELECT 1 FROM tokens b WHERE b.note = a.kind AND b.item_id IN (SELECT c.id FROM items c WHERE c.grp = a.grp))",
		"SELECT a.id FROM items a WHERE a.qty > (SELECT COUNT(*) FROM tokens b WHERE b.note = a.kind AND EXISTS (SELECT 1 FROM item_tags c WHERE c.item_id = b.item_id))",
		"SELECT a.id, (SELECT MAX(b.item_id) FROM tokens b WHERE b.note = a.kind AND b.item_id NOT IN (SELECT c.qty FROM items c WHERE c.qty IS NOT NULL)) FROM items a",
		"SELECT a.grp FROM items a GROUP BY a.grp HAVING COUNT(*) > (SELECT COUNT(*) FROM tokens b WHERE b.note IN (SELECT c.kind FROM items c WHERE c.qty > 5))",
		"SELECT a.id FROM items a WHERE a.id IN (SELECT b.item_id FROM tokens b WHERE b.note IN (SELECT c.kind FROM items c WHERE c.id IN (SELECT d.item_id FROM item_tags d WHERE d.weight > 1)))",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.id IN (SELECT c.item_id FROM tokens c WHERE c.note = 'x'))",
	})
}

// consecutiveIDs returns the ids 1 to n.
func consecutiveIDs(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}
