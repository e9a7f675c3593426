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
	})
}
