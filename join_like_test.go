package vitessdo_test

import "testing"

// joinLikeCases are LIKE conditions the router evaluates over the rows
// it joins (an OR across the two tables of a join on other shards): the
// case of ASCII letters only is ignored, a backslash escapes unless
// ESCAPE names another character, % and _ match as the shards match
// them, and NULL stays NULL.
var joinLikeCases = []mergeCase{
	{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.name LIKE 'A%' OR b.note LIKE 'X%'"},
	{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.name LIKE 'Ä%' OR b.note = 'y'"},
	{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.name NOT LIKE '_PPLE' OR b.note = 'y'"},
	{query: "SELECT a.id, b.tag FROM items a JOIN item_tags b ON b.item_id = a.qty WHERE a.name LIKE 'a\\_%' OR b.tag LIKE 'T0%'"},
	{query: "SELECT a.id, b.tag FROM items a JOIN item_tags b ON b.item_id = a.qty WHERE b.tag LIKE 't_-a\\ b' OR a.name LIKE 'zeb%'"},
	{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.name LIKE 'a!%' ESCAPE '!' OR b.note LIKE 'X%'"},
	{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.name LIKE '%PP%' ESCAPE 'p' OR b.note LIKE 'z'"},
	{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.name LIKE ? OR b.note LIKE ?", args: []any{"%L%", `\y`}},
	{query: "SELECT a.id, b.note, a.name LIKE b.note AS m FROM items a JOIN tokens b ON b.item_id = a.id"},
	{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.made LIKE '2024-0%' OR b.note LIKE 'x'", only: "sqlite"},
	{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE NOT (a.name LIKE '%e%' OR b.note LIKE 'x')"},
}

// groupLikeCases are LIKE over aggregates the merge combines from
// several shards, in HAVING and in the select list; on PostgreSQL LIKE
// of a number fails, with no rows as with some.
var groupLikeCases = []mergeCase{
	{query: "SELECT grp, MAX(name) FROM items GROUP BY grp HAVING MAX(name) LIKE 'A%'"},
	{query: "SELECT grp, MIN(name) NOT LIKE '%E%' AS m FROM items GROUP BY grp"},
	{query: "SELECT kind, COUNT(*) FROM items GROUP BY kind HAVING MAX(name) LIKE 'a!%' ESCAPE '!' OR MIN(grp) LIKE 'ä'"},
	{query: "SELECT kind, MAX(name) LIKE MIN(name) AS m FROM items GROUP BY kind"},
	{query: "SELECT kind, MAX(qty) LIKE '1%' AS m FROM items GROUP BY kind", only: "sqlite"},
}

// TestJoinLikeEqualsOneDatabase compares LIKE over joined rows with one
// database on each engine.
func TestJoinLikeEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, c := range joinLikeCases {
			if c.only != "" && c.only != e.name {
				continue
			}
			p.compare(t, c.ordered, c.query, c.args...)
		}
		for _, c := range groupLikeCases {
			if c.only != "" && c.only != e.name {
				continue
			}
			p.compare(t, c.ordered, c.query, c.args...)
		}
		if e.name == "postgres" {
			for _, q := range []string{"SELECT kind, MAX(qty) LIKE '1%' AS m FROM items GROUP BY kind", "SELECT kind, MAX(qty) LIKE '1%' AS m FROM items WHERE id < 0 GROUP BY kind"} {
				_, gerr := queryAll(p.sharded, q)
				_, werr := queryAll(p.oracle, q)
				if werr == nil || gerr == nil || isUnsupported(gerr) {
					t.Errorf("%s: sharded error %v, one database error %v; want both to have no LIKE for integers", q, gerr, werr)
				}
			}
		}
	})
}
