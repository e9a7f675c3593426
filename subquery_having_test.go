package vitessdo_test

import "testing"

// Uncorrelated subqueries in HAVING over aggregates merged at the router
// run once and bind their values, which the merge evaluates as the
// backend would: IN and NOT IN with SQL's NULL rules, scalars compared
// directly or inside arithmetic (on PostgreSQL cast to their column's
// type, a NUMERIC as the exact number), EXISTS under AND and OR.
func TestHavingSubqueriesOverMergedAggregatesMatchOneDatabase(t *testing.T) {
	compareEachQuery(t, mergeItems(consecutiveIDs(40)), []string{
		"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) IN (SELECT qty FROM items WHERE qty > 0)",
		"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) NOT IN (SELECT qty FROM items)",
		"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) NOT IN (SELECT qty FROM items WHERE qty > 0)",
		"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING MAX(qty) IN (SELECT qty FROM items WHERE id < 10)",
		"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING MAX(qty) > (SELECT AVG(qty) FROM items)",
		"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING MAX(qty) > (SELECT MIN(qty) FROM items) + 10",
		"SELECT grp, SUM(qty) FROM items GROUP BY grp HAVING SUM(qty) > (SELECT MAX(qty) FROM items)",
		"SELECT grp, AVG(qty) FROM items GROUP BY grp HAVING AVG(qty) < (SELECT AVG(qty) FROM items)",
		"SELECT grp FROM items GROUP BY grp HAVING (SELECT COUNT(*) FROM tokens) > COUNT(*)",
		"SELECT grp FROM items GROUP BY grp HAVING COUNT(*) > 1 AND EXISTS (SELECT 1 FROM tokens WHERE note = 'x')",
		"SELECT grp FROM items GROUP BY grp HAVING COUNT(*) > 1 OR EXISTS (SELECT 1 FROM tokens WHERE note = 'zz')",
		"SELECT grp FROM items GROUP BY grp HAVING NOT (MIN(qty) IN (SELECT qty FROM items WHERE qty < 0))",
		"SELECT grp FROM items GROUP BY grp HAVING MIN(price) = (SELECT MIN(price) FROM items)",
		"SELECT grp FROM items GROUP BY grp HAVING MIN(ratio) <= (SELECT AVG(ratio) FROM items)",
		"SELECT grp FROM items GROUP BY grp HAVING MAX(name) > (SELECT MIN(name) FROM items)",
		"SELECT grp FROM items GROUP BY grp HAVING MAX(kind) IN (SELECT note FROM tokens)",
		"SELECT COUNT(*) FROM items HAVING COUNT(*) > (SELECT COUNT(*) FROM tokens)",
		"SELECT grp FROM items GROUP BY grp HAVING COUNT(*) = (SELECT COUNT(*) FROM tokens WHERE note = 'nope')",
		"SELECT grp FROM items GROUP BY grp HAVING grp IN (SELECT grp FROM items WHERE qty > 5)",
		"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) + 1 IN (SELECT qty FROM items WHERE qty > 0) ORDER BY grp",
		"SELECT grp FROM items GROUP BY grp HAVING SUM(qty) > 2 * (SELECT AVG(qty) FROM items) - 1",
		"SELECT grp FROM items GROUP BY grp HAVING MIN(ratio) < -(SELECT MAX(ratio) FROM items) / 2",
		"SELECT grp FROM items GROUP BY grp HAVING MAX(price) >= (SELECT AVG(price) FROM items) + (SELECT MIN(qty) FROM items)",
		"SELECT grp FROM items GROUP BY grp HAVING COUNT(*) > (SELECT MAX(qty) FROM items WHERE qty > 100) + 1",
		"SELECT grp FROM items GROUP BY grp HAVING COUNT(*) IN (SELECT qty FROM items WHERE qty > 100)",
		"SELECT grp FROM items GROUP BY grp HAVING NOT (COUNT(*) NOT IN (SELECT qty FROM items))",
		"SELECT id FROM items WHERE qty > (SELECT AVG(ratio) FROM items) * 2",
		"SELECT id FROM items WHERE price < (SELECT MAX(price) FROM items) - 5",
		// The subquery's table aliased: its backend is still the table's.
		"SELECT a.id FROM items a WHERE a.qty > (SELECT AVG(c.qty) FROM items c)",
		"SELECT a.grp FROM items a GROUP BY a.grp HAVING MAX(a.qty) <> (SELECT AVG(c.qty) FROM items c)",
	})
}
