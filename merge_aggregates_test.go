package vitessdo_test

import (
	"strings"
	"testing"
)

// TOTAL (SQLite) and BIT_AND, BIT_OR, BIT_XOR (PostgreSQL) merge from the
// shards' partials exactly; on the backend without them both databases
// fail alike.
func TestExactAggregatesMergeOverShards(t *testing.T) {
	cases := []outcomeCase{
		{query: "SELECT TOTAL(qty) AS t FROM items"},
		{query: "SELECT grp, TOTAL(qty) AS t, TOTAL(ratio) AS r, COUNT(*) AS n FROM items GROUP BY grp"},
		{query: "SELECT TOTAL(qty) AS t FROM items WHERE id < 0"},
		{query: "SELECT kind, TOTAL(price) AS t FROM items GROUP BY kind HAVING TOTAL(qty) > 0"},
		{query: "SELECT BIT_AND(qty) AS a, BIT_OR(qty) AS o, BIT_XOR(qty) AS x FROM items"},
		{query: "SELECT grp, BIT_AND(qty) AS a, BIT_OR(qty) AS o, BIT_XOR(qty) AS x, SUM(qty) AS s FROM items GROUP BY grp"},
		{query: "SELECT BIT_OR(qty) AS o FROM items WHERE id < 0"},
		{query: "SELECT kind, BIT_XOR(id) AS x FROM items GROUP BY kind HAVING BIT_OR(id) > 10"},
		{query: "SELECT grp, BIT_OR(qty) + 1 AS o FROM items GROUP BY grp"},
	}
	compareOutcomes(t, cases)
}

// Aggregates that cannot merge exactly are refused over several shards
// (floating-point statistics depend on the order rows are added in), and
// so are the backends' own aggregates the merge does not know, which a
// shard would otherwise answer for its rows alone.
func TestInexactAggregatesAreRefusedOverShards(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"SELECT VARIANCE(qty) FROM items",
			"SELECT grp, STDDEV(ratio) FROM items GROUP BY grp",
			"SELECT json_group_array(name) FROM items",
			"SELECT grp, string_agg(name, ',') FROM items GROUP BY grp",
			"SELECT bool_or(qty > 0) FROM items",
		} {
			_, err := queryAll(p.sharded, q)
			if !isUnsupported(err) || !strings.Contains(err.Error(), "over several shards") {
				t.Errorf("%s: got %v, want unsupported over several shards", q, err)
			}
		}
	})
}
