package vitessdo_test

import (
	"strings"
	"testing"
)

// A SELECT without tables over subqueries on several shards that the
// router cannot compute itself runs its subqueries once, binds their
// values and sends the rest to one shard of their backend: IN lists
// (empty, with NULL, under NOT), the backend's functions, GROUP BY,
// HAVING, ORDER BY, LIMIT and DISTINCT, as one database answers.
func TestTablelessSelectBindsSubqueriesLikeOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newShopAndMainPair(t, e)
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "SELECT 1 IN (SELECT qty FROM items)"},
			{query: "SELECT 1000 IN (SELECT qty FROM items) AS found"},
			{query: "SELECT 1000 NOT IN (SELECT qty FROM items) AS free"},
			{query: "SELECT 1000 NOT IN (SELECT qty FROM items WHERE qty IS NOT NULL) AS free"},
			{query: "SELECT NULL IN (SELECT qty FROM items WHERE id = 1000) AS n, NULL NOT IN (SELECT qty FROM items WHERE id = 1000) AS m"},
			{query: "SELECT 1 IN (SELECT qty FROM items WHERE id = 1000), 1 NOT IN (SELECT qty FROM items WHERE id = 1000)"},
			{query: "SELECT ? IN (SELECT name FROM items WHERE grp = ?) AS hit", args: []any{"zebra", "a"}},
			{query: "SELECT NOT (3 IN (SELECT qty FROM items)) AS miss"},
			{query: "SELECT (SELECT MAX(qty) FROM items) IN (SELECT weight FROM item_tags) AS both"},
			{query: "SELECT 'x' IN (SELECT kind FROM items) AND 'q' NOT IN (SELECT kind FROM items WHERE kind IS NOT NULL) AS k"},
			{query: "SELECT 1 FROM dual WHERE 'x' IN (SELECT kind FROM items)"},
			{query: "SELECT 1 FROM dual WHERE 'q' IN (SELECT kind FROM items)"},
			{query: "SELECT UPPER((SELECT MIN(name) FROM items)) AS u"},
			{query: "SELECT LENGTH((SELECT MAX(name) FROM items)) + 1 AS l"},
			{query: "SELECT ABS((SELECT MIN(qty) FROM items)) AS a, ROUND((SELECT AVG(qty) FROM items), 2) AS r"},
			{query: "SELECT (SELECT COUNT(*) FROM items) AS n ORDER BY n LIMIT 1"},
			{query: "SELECT (SELECT COUNT(*) FROM items) AS n LIMIT 0"},
			{query: "SELECT DISTINCT (SELECT COUNT(*) FROM items WHERE qty > ?) AS n", args: []any{2}},
			{query: "SELECT (SELECT COUNT(*) FROM items) AS n GROUP BY n HAVING n > 10"},
			{query: "SELECT (SELECT COUNT(*) FROM items) AS n GROUP BY n HAVING n > 1000"},
			{query: "SELECT (SELECT MAX(made) FROM items) AS m ORDER BY m"},
			{query: "SELECT (SELECT SUM(price) FROM items) AS s LIMIT ?", args: []any{1}},
			{query: "SELECT EXISTS (SELECT 1 FROM items WHERE qty > 5) AS e ORDER BY e"},
			{query: "SELECT COALESCE((SELECT name FROM items WHERE id = 1000), (SELECT MIN(tag) FROM item_tags)) AS c LIMIT 1"},
		} {
			// PostgreSQL reads no select alias in HAVING: both fail alike.
			compareOrderedOrError(t, p, c.query, c.args...)
		}
	})
}

// Over shards of both backends a SELECT without tables whose values
// would be compared or computed by one backend's rules is refused.
func TestTablelessSelectOverBothBackendsIsRefused(t *testing.T) {
	db := openMixedItems(t)
	for _, q := range []string{
		"SELECT 3 IN (SELECT id FROM items) AS found",
		"SELECT UPPER((SELECT MIN(name) FROM items)) AS u ORDER BY u",
	} {
		_, err := queryAll(db, q)
		if !isUnsupported(err) || !strings.Contains(err.Error(), "different rules") {
			t.Errorf("%s: got %v, want an UnsupportedError about the backends' different rules", q, err)
		}
	}
}
