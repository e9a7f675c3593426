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
		// Over rows the router holds (a join across shards, a derived
		// table with a LIMIT), which no shard statement aggregates: the
		// backend without the function fails there too.
		{query: "SELECT TOTAL(i.qty) AS t FROM items i JOIN items j ON j.grp = i.grp"},
		{query: "SELECT i.kind, BIT_OR(j.qty) AS o FROM items i JOIN items j ON j.grp = i.grp GROUP BY i.kind"},
		{query: "SELECT d.g, TOTAL(d.q) AS t, BIT_XOR(d.q) AS x FROM (SELECT grp AS g, qty AS q FROM items ORDER BY id LIMIT 20) d GROUP BY d.g"},
		{query: "SELECT i.grp FROM items i JOIN items j ON j.grp = i.grp GROUP BY i.grp HAVING BIT_AND(j.qty) > 0"},
		{query: "WITH RECURSIVE t(id, q) AS (SELECT id, qty FROM items WHERE id = 1 UNION ALL SELECT i.id, i.qty FROM items i JOIN t ON i.id = t.id + 1 WHERE t.id < 6) SELECT TOTAL(q) AS t FROM t"},
		{query: "WITH RECURSIVE t(id, q) AS (SELECT id, qty FROM items WHERE id = 1 UNION ALL SELECT i.id, i.qty FROM items i JOIN t ON i.id = t.id + 1 WHERE t.id < 6) SELECT BIT_OR(q) AS o FROM t"},
	}
	compareOutcomes(t, cases)
}

// MySQL's variances and standard deviations merge exactly. On PostgreSQL,
// over integers and decimals, shards send COUNT(x), SUM(x) and the NUMERIC
// SUM(x·x), and the merge computes from the exact totals what the server
// computes (its division scale, its rounding, its square root). On SQLite
// the backend's own aggregates add every value exactly and round once;
// shards send those exact moments, floats included.
func TestSpreadAggregatesMergeOverShards(t *testing.T) {
	queries := []string{
		"SELECT VARIANCE(qty) AS a, VAR_POP(qty) AS b, VAR_SAMP(qty) AS c, STD(qty) AS d, STDDEV(qty) AS e, STDDEV_POP(qty) AS f, STDDEV_SAMP(qty) AS g FROM items",
		"SELECT grp, VAR_SAMP(price) AS v, STDDEV_POP(price) AS s, COUNT(*) AS n FROM items GROUP BY grp",
		"SELECT kind, VARIANCE(id) AS v, STDDEV_SAMP(id) AS s FROM items GROUP BY kind",
		"SELECT VAR_POP(qty) AS v, STDDEV_SAMP(price) AS s FROM items WHERE id < 0",
		"SELECT grp, VAR_SAMP(qty) AS v FROM items WHERE id < 0 GROUP BY grp",
		"SELECT grp, STDDEV(qty) AS s FROM items GROUP BY grp HAVING VAR_POP(qty) > 1",
		"SELECT grp, STDDEV_SAMP(qty) + 1 AS s, ROUND(VARIANCE(price), 2) AS v FROM items GROUP BY grp",
		"SELECT grp, VAR_POP(qty * 2 + 1) AS a, VAR_SAMP(qty / 3) AS b, STDDEV_POP(price - qty) AS c FROM items GROUP BY grp",
		"SELECT name, VAR_SAMP(qty) AS v, STDDEV_SAMP(price) AS s FROM items GROUP BY name",
		"SELECT grp, COUNT(DISTINCT kind) AS n, VARIANCE(qty) AS v, GROUP_CONCAT(name ORDER BY name) AS names FROM items GROUP BY grp",
		// Over rows the router holds: a join across shards, a derived
		// table with a LIMIT.
		"SELECT VARIANCE(i.qty) AS v, STDDEV_SAMP(j.price) AS s FROM items i JOIN items j ON j.grp = i.grp",
		"SELECT i.kind, VAR_SAMP(i.qty - j.qty) AS v, STDDEV(j.id) AS s FROM items i JOIN items j ON j.grp = i.grp GROUP BY i.kind",
		"SELECT d.g, VARIANCE(d.q) AS v, STDDEV_SAMP(d.p) AS s FROM (SELECT grp AS g, qty AS q, price AS p FROM items ORDER BY id LIMIT 20) d GROUP BY d.g",
	}
	sqliteOnly := []string{
		"SELECT VARIANCE(ratio) AS a, STDDEV_SAMP(ratio) AS b, VAR_SAMP(qty / 3) AS c FROM items",
		"SELECT grp, STDDEV(ratio * qty) AS s, VAR_POP(ratio) AS v FROM items GROUP BY grp",
		"SELECT i.kind, VAR_SAMP(i.ratio + j.ratio) AS v FROM items i JOIN items j ON j.grp = i.grp GROUP BY i.kind",
	}
	ordered := []string{
		"SELECT grp, VARIANCE(qty) AS v FROM items GROUP BY grp ORDER BY VARIANCE(qty) DESC, grp LIMIT 3",
		"SELECT kind, STDDEV_SAMP(price) AS s FROM items GROUP BY kind ORDER BY s, kind",
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		qs := queries
		if e.name != "postgres" {
			qs = append(qs, sqliteOnly...)
		}
		compareOnLayouts(t, e, qs, ordered)
	})
}

// Aggregates that cannot merge exactly are refused over several shards
// (PostgreSQL's variance of floats depends on the order it adds the rows
// in), and
// so are the backends' own aggregates the merge does not know, which a
// shard would otherwise answer for its rows alone.
func TestInexactAggregatesAreRefusedOverShards(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range []struct {
			query, want string
			pgOnly      bool
		}{
			{"SELECT VARIANCE(ratio) FROM items", "order it reads the rows", true},
			{"SELECT grp, STDDEV(ratio) FROM items GROUP BY grp", "order it reads the rows", true},
			{"SELECT grp, VAR_SAMP(ratio * qty) FROM items GROUP BY grp", "order it reads the rows", true},
			{"SELECT VARIANCE(i.ratio) FROM items i JOIN items j ON j.grp = i.grp", "order it reads the rows", true},
			{"SELECT json_group_array(name) FROM items", "over several shards", false},
			{"SELECT grp, string_agg(name, ',') FROM items GROUP BY grp", "over several shards", false},
			{"SELECT bool_or(qty > 0) FROM items", "over several shards", false},
		} {
			if c.pgOnly && e.name != "postgres" {
				continue
			}
			_, err := queryAll(p.sharded, c.query)
			if !isUnsupported(err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %v, want unsupported naming %q", c.query, err, c.want)
			}
		}
	})
}
