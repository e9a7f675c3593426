package vitessdo_test

import (
	"strings"
	"testing"
)

// GROUP_CONCAT over several shards concatenates a group's values in the
// order of its ORDER BY, with its separator and DISTINCT, as the text
// one database makes of each value (numbers, decimals, floats, times),
// beside the other aggregates.
func TestGroupConcatOverShardsEqualsOneDatabase(t *testing.T) {
	queries := []string{
		"SELECT grp, GROUP_CONCAT(name ORDER BY name) AS names FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(name ORDER BY name DESC SEPARATOR '|') AS names FROM items GROUP BY grp",
		"SELECT GROUP_CONCAT(qty ORDER BY qty) AS qs FROM items",
		"SELECT GROUP_CONCAT(qty ORDER BY qty DESC SEPARATOR '; ') AS qs FROM items WHERE qty > 0",
		"SELECT grp, COUNT(*) AS n, SUM(qty) AS s, AVG(qty) AS a, GROUP_CONCAT(kind ORDER BY kind SEPARATOR '') AS ks FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(DISTINCT kind ORDER BY kind) AS ks FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(ratio ORDER BY ratio) AS rs FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(price ORDER BY price) AS ps FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(made ORDER BY made) AS ms FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(name, kind ORDER BY name, kind) AS nk FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(name ORDER BY qty, name) AS names FROM items GROUP BY grp",
		"SELECT kind, GROUP_CONCAT(qty ORDER BY qty SEPARATOR '+') AS qs, MAX(name) AS m FROM items GROUP BY kind HAVING COUNT(*) > 3",
		"SELECT i.grp, GROUP_CONCAT(t.tag ORDER BY t.tag) AS tags FROM items i JOIN item_tags t ON t.item_id = i.id GROUP BY i.grp",
		"SELECT GROUP_CONCAT(name ORDER BY name) AS names FROM items WHERE id < 0",
		"SELECT grp, GROUP_CONCAT(name ORDER BY name) AS names FROM items WHERE id < 0 GROUP BY grp",
	}
	ordered := []string{
		"SELECT grp, GROUP_CONCAT(name ORDER BY name) AS names FROM items GROUP BY grp ORDER BY grp",
		"SELECT grp, GROUP_CONCAT(qty ORDER BY qty) AS qs FROM items GROUP BY grp ORDER BY qs DESC, grp LIMIT 4",
		"SELECT kind, COUNT(*) AS n, GROUP_CONCAT(DISTINCT grp ORDER BY grp DESC) AS gs FROM items GROUP BY kind ORDER BY n, kind",
	}
	forEachEngine(t, func(t *testing.T, e engine) { compareOnLayouts(t, e, queries, ordered) })
}

// GROUP_CONCAT over several shards in an expression, in HAVING and in
// ORDER BY, two of them in one SELECT (each in its own order), and beside
// a DISTINCT aggregate: the shards group by every GROUP_CONCAT's terms
// and the DISTINCT argument, and a GROUP_CONCAT whose order the shards'
// rows do not follow sorts its values at the merge.
func TestGroupConcatShapesOverShardsEqualOneDatabase(t *testing.T) {
	queries := []string{
		"SELECT grp, GROUP_CONCAT(name ORDER BY name) AS a, GROUP_CONCAT(kind ORDER BY kind DESC SEPARATOR '|') AS b FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(qty ORDER BY qty) AS a, GROUP_CONCAT(qty ORDER BY qty DESC) AS b, GROUP_CONCAT(DISTINCT kind ORDER BY kind) AS c FROM items GROUP BY grp",
		"SELECT GROUP_CONCAT(name ORDER BY name) AS a, GROUP_CONCAT(price ORDER BY price DESC) AS b FROM items",
		"SELECT kind, GROUP_CONCAT(name ORDER BY qty, name) AS a, GROUP_CONCAT(made ORDER BY made) AS b, SUM(qty) AS s FROM items GROUP BY kind",
		"SELECT grp, COUNT(DISTINCT kind) AS n, GROUP_CONCAT(name ORDER BY name) AS a FROM items GROUP BY grp",
		"SELECT grp, SUM(DISTINCT qty) AS s, AVG(DISTINCT qty) AS v, GROUP_CONCAT(kind ORDER BY kind DESC) AS a, GROUP_CONCAT(DISTINCT qty ORDER BY qty) AS b, COUNT(*) AS c FROM items GROUP BY grp",
		"SELECT COUNT(DISTINCT qty) AS n, GROUP_CONCAT(DISTINCT name ORDER BY name DESC) AS a FROM items",
		"SELECT grp, COALESCE(GROUP_CONCAT(name ORDER BY name), 'none') AS a FROM items GROUP BY grp",
		"SELECT grp, CASE WHEN COUNT(*) > 3 THEN GROUP_CONCAT(qty ORDER BY qty) ELSE '-' END AS a FROM items GROUP BY grp",
		"SELECT grp, GROUP_CONCAT(kind ORDER BY kind) IS NULL AS a, GROUP_CONCAT(kind ORDER BY kind) = 'a,b' AS b FROM items GROUP BY grp",
		"SELECT grp, COUNT(*) AS n FROM items GROUP BY grp HAVING GROUP_CONCAT(name ORDER BY name) LIKE '%a%'",
		"SELECT kind, GROUP_CONCAT(name ORDER BY name) AS a FROM items GROUP BY kind HAVING GROUP_CONCAT(name ORDER BY name) > 'b' OR COUNT(*) > 4",
		"SELECT grp, COUNT(*) AS n FROM items GROUP BY grp HAVING GROUP_CONCAT(DISTINCT kind ORDER BY kind) IS NOT NULL",
		"SELECT grp, MAX(qty) AS m FROM items WHERE id < 0 GROUP BY grp HAVING GROUP_CONCAT(name ORDER BY name) IS NULL",
	}
	ordered := []string{
		"SELECT grp, COUNT(*) AS n FROM items GROUP BY grp ORDER BY GROUP_CONCAT(name ORDER BY name), grp",
		"SELECT grp, GROUP_CONCAT(qty ORDER BY qty) AS a FROM items GROUP BY grp ORDER BY GROUP_CONCAT(kind ORDER BY kind DESC) DESC, grp LIMIT 3",
		"SELECT kind, COUNT(DISTINCT grp) AS n FROM items GROUP BY kind ORDER BY GROUP_CONCAT(DISTINCT grp ORDER BY grp), kind",
		"SELECT grp, GROUP_CONCAT(name ORDER BY name) AS a FROM items GROUP BY grp ORDER BY COALESCE(GROUP_CONCAT(name ORDER BY name), ''), grp",
	}
	forEachEngine(t, func(t *testing.T, e engine) { compareOnLayouts(t, e, queries, ordered) })
}

// compareOnLayouts compares statements on every layout of the items over
// shards with one database: queries as multisets of rows, ordered in order.
func compareOnLayouts(t *testing.T, e engine, queries, ordered []string) {
	t.Helper()
	for _, l := range mergeLayouts() {
		p := newMergePair(t, e, l.items)
		for _, q := range queries {
			p.compareRows(t, q)
		}
		for _, q := range ordered {
			p.compareOrdered(t, q)
		}
	}
}

// GROUP_CONCAT is refused over several shards where one database's
// answer depends on its scan order: without an ORDER BY, or ordered by
// terms on which rows with different values tie.
func TestGroupConcatWithoutATotalOrderIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range []struct{ query, want string }{
			{"SELECT grp, GROUP_CONCAT(name) FROM items GROUP BY grp", "scan order"},
			{"SELECT grp, GROUP_CONCAT(name ORDER BY qty) FROM items GROUP BY grp", "scan order"},
			{"SELECT grp, GROUP_CONCAT(name ORDER BY name), GROUP_CONCAT(kind ORDER BY qty) FROM items GROUP BY grp", "scan order"},
			{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING GROUP_CONCAT(name) > 'a'", "scan order"},
			{"SELECT grp, COUNT(*) FROM items GROUP BY grp ORDER BY GROUP_CONCAT(kind ORDER BY grp)", "scan order"},
			{"SELECT grp, GROUP_CONCAT('x' ORDER BY 'x') FROM items GROUP BY grp", "order it by what it reads"},
		} {
			_, err := queryAll(p.sharded, c.query)
			if !isUnsupported(err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %v, want unsupported naming %q", c.query, err, c.want)
			}
		}
	})
}
