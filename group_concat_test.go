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
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, l := range mergeLayouts() {
			p := newMergePair(t, e, l.items)
			for _, q := range queries {
				p.compareRows(t, q)
			}
			for _, q := range ordered {
				p.compareOrdered(t, q)
			}
		}
	})
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
			{"SELECT grp, GROUP_CONCAT(name ORDER BY name), GROUP_CONCAT(kind ORDER BY kind) FROM items GROUP BY grp", "another GROUP_CONCAT"},
			{"SELECT grp, COUNT(DISTINCT kind), GROUP_CONCAT(name ORDER BY name) FROM items GROUP BY grp", "DISTINCT aggregates"},
			{"SELECT grp, CONCAT('<', GROUP_CONCAT(name ORDER BY name), '>') FROM items GROUP BY grp", "inside an expression"},
			{"SELECT grp, GROUP_CONCAT('x' ORDER BY 'x') FROM items GROUP BY grp", "order it by what it reads"},
		} {
			_, err := queryAll(p.sharded, c.query)
			if !isUnsupported(err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %v, want unsupported naming %q", c.query, err, c.want)
			}
		}
	})
}
