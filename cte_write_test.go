package vitessdo_test

import "testing"

// UPDATE and DELETE after WITH change the rows one database changes:
// the CTE read in a subquery as the same subquery written inline, a
// recursive one evaluated first (at the router over shards, whole on
// one database).
func TestWithBeforeUpdateAndDeleteChangesWhatOneDatabaseChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, treeVSchema)
		loadTree(t, p)
		tables := []string{"nodes", "edges", "levels"}
		for _, w := range []struct {
			query string
			args  []any
		}{
			{query: "WITH l AS (SELECT n FROM levels WHERE n < ?) UPDATE nodes SET name = 'light' WHERE weight IN (SELECT n FROM l)", args: []any{3}},
			{query: "WITH c AS (SELECT src FROM edges WHERE cost = 0) UPDATE levels SET label = 'zero' WHERE n IN (SELECT src FROM c) AND n > ?", args: []any{3}},
			{query: "WITH RECURSIVE sub AS (SELECT id FROM nodes WHERE id = ? UNION ALL SELECT n.id FROM sub JOIN nodes n ON n.parent = sub.id) UPDATE nodes SET name = 'moved' WHERE id IN (SELECT id FROM sub)", args: []any{4}},
			{query: "WITH RECURSIVE reach (node) AS (SELECT CAST(5 AS SIGNED) UNION SELECT e.dst FROM reach r JOIN edges e ON e.src = r.node) DELETE FROM edges WHERE src IN (SELECT node FROM reach) AND cost = 2"},
			{query: "WITH RECURSIVE sub AS (SELECT id FROM nodes WHERE id = 101 UNION ALL SELECT n.id FROM sub JOIN nodes n ON n.parent = sub.id) DELETE FROM nodes WHERE id IN (SELECT id FROM sub) AND weight = ?", args: []any{3}},
			{query: "WITH RECURSIVE chain (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM chain WHERE n < 4) UPDATE levels SET label = 'low' WHERE n IN (SELECT n FROM chain)"},
			{query: "INSERT INTO levels (n, label, up) WITH RECURSIVE c (n) AS (SELECT 20 UNION ALL SELECT n + 1 FROM c WHERE n < ?) SELECT n, 'new', n + 1 FROM c", args: []any{25}},
			{query: "WITH RECURSIVE sub AS (SELECT id, parent, weight FROM nodes WHERE id = 5 UNION ALL SELECT n.id, n.parent, n.weight FROM sub JOIN nodes n ON n.parent = sub.id) INSERT INTO nodes (id, parent, name, weight) SELECT id + 1000, parent + 1000, 'copy', weight FROM sub"},
			{query: "WITH old AS (SELECT n FROM levels WHERE n > 8) DELETE FROM levels WHERE n IN (SELECT n FROM old)"},
		} {
			p.compareWrite(t, tables, w.query, w.query, w.args...)
		}
	})
}
