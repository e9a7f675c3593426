package vitessdo_test

import "testing"

// * over a derived table evaluated by the router names a column computed
// without an alias as the backend names it (SQLite by the item's text,
// PostgreSQL by the function or ?column?), as one database does.
func TestDerivedStarNamesUnnamedColumnsAsTheBackend(t *testing.T) {
	queries := []string{
		"SELECT * FROM (SELECT grp, COUNT(*) FROM items GROUP BY grp) d",
		"SELECT d.* FROM (SELECT grp, MAX(qty) FROM items GROUP BY grp) AS d",
		"SELECT * FROM (SELECT grp, COUNT(*), SUM(qty) * 2, MIN(name) FROM items GROUP BY grp) d WHERE d.grp IS NOT NULL",
		"SELECT * FROM (SELECT kind, COUNT(*) FROM items GROUP BY kind HAVING COUNT(*) > 2) d",
		"SELECT * FROM (SELECT DISTINCT qty + 1 FROM items) d",
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range queries {
			p.compareRows(t, q)
		}
		p.compareOrdered(t, "SELECT * FROM (SELECT grp, COUNT(*) FROM items GROUP BY grp) d ORDER BY grp LIMIT 3")
	})
}
