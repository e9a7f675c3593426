package vitessdo_test

import (
	"strings"
	"testing"
)

// An uncorrelated scalar subquery over several shards with several rows:
// SQLite takes the first row, which the merged streams need not share
// with one database, so the answer stands only when that row is decided
// (the subquery orders its rows, runs on one shard, or all its rows hold
// one value) and is refused otherwise; PostgreSQL fails as one database
// does.
func TestUncorrelatedScalarSubqueryWithSeveralRowsEqualsOneDatabaseOrIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newReferencePair(t, e)
		for _, c := range []struct {
			query string
			// several: the subquery has several different values; rows:
			// several rows of one value.
			several, rows bool
		}{
			{query: "SELECT (SELECT name FROM items WHERE grp = 'a')", several: true},
			{query: "SELECT (SELECT grp FROM items WHERE id IN (1, 2, 3, 4, 5))", several: true},
			{query: "SELECT id FROM items WHERE name = (SELECT name FROM items WHERE grp = 'a')", several: true},
			{query: "SELECT code FROM kinds WHERE code = (SELECT kind FROM items WHERE kind IS NOT NULL)", several: true},
			{query: "SELECT (SELECT kind FROM items WHERE kind = 'x')", rows: true},
			{query: "SELECT id FROM items WHERE kind = (SELECT kind FROM items WHERE kind = 'y')", rows: true},
			{query: "SELECT (SELECT name FROM items WHERE grp = 'a' ORDER BY id)", rows: true},
			{query: "SELECT (SELECT name FROM items WHERE grp = 'a' ORDER BY id DESC LIMIT 1)"},
			{query: "SELECT id FROM items WHERE name = (SELECT name FROM items WHERE grp = 'a' ORDER BY name, id LIMIT 1)"},
			{query: "SELECT (SELECT name FROM items WHERE id = 7)"},
			{query: "SELECT (SELECT COUNT(*) FROM items WHERE grp = 'a')"},
			{query: "SELECT (SELECT name FROM items WHERE id = 100000)"},
		} {
			_, gerr := queryAll(p.sharded, c.query)
			_, werr := queryAll(p.oracle, c.query)
			switch {
			case !c.several && !(c.rows && e.name == "postgres"):
				p.compareRows(t, c.query)
			case e.name == "postgres":
				if gerr == nil || werr == nil || !strings.Contains(gerr.Error(), "more than one row") {
					t.Errorf("%s: got %v, one database %v: want both to fail with more than one row", c.query, gerr, werr)
				}
			default:
				if werr != nil {
					t.Fatalf("oracle: %s: %v", c.query, werr)
				}
				if !isUnsupported(gerr) || !strings.Contains(gerr.Error(), "several different values") {
					t.Errorf("%s: got %v, want an UnsupportedError about several different values", c.query, gerr)
				}
			}
		}
	})
}

// On PostgreSQL a scalar subquery of several rows fails only where the
// statement evaluates it, as one database does, in the select list or
// in WHERE; SQLite, whose first row the shards do not decide, is
// refused.
func TestScalarSubqueryWithSeveralRowsFailsOnlyWhereEvaluated(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newReferencePair(t, e)
		for _, q := range []string{
			"SELECT (SELECT name FROM items WHERE grp = 'a') AS n LIMIT 0",
			"SELECT CASE WHEN (SELECT COUNT(*) FROM items) > 1000 THEN (SELECT name FROM items) ELSE 'few' END AS c",
			"SELECT (SELECT name FROM items) AS n FROM dual WHERE 'q' IN (SELECT kind FROM items)",
			"SELECT CASE WHEN (SELECT COUNT(*) FROM items) > 10 THEN (SELECT name FROM items) ELSE 'few' END AS c",
			"SELECT id FROM items WHERE id = 100000 AND name = (SELECT name FROM items WHERE grp = 'a')",
			"SELECT id FROM items WHERE qty > 1000 AND qty < (SELECT qty FROM items WHERE grp = 'a')",
			"SELECT id FROM items WHERE qty < (SELECT qty FROM items WHERE grp = 'a')",
			"SELECT code FROM kinds WHERE code = 'q' AND code = (SELECT kind FROM items)",
			"SELECT code FROM kinds WHERE code = (SELECT kind FROM items)",
		} {
			if e.name == "postgres" {
				compareOrderedOrError(t, p, q)
				continue
			}
			if _, err := queryAll(p.sharded, q); !isUnsupported(err) {
				t.Errorf("%s: got %v, want an UnsupportedError", q, err)
			}
		}
	})
}
