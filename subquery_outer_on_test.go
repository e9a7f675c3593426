package vitessdo_test

import (
	"strings"
	"testing"
)

// An uncorrelated subquery in the ON condition of an outer join across
// shards, or of a join on its nullable side, runs once and binds its
// values into that condition, with SQL's NULL rules for IN and NOT IN:
// the pairs it matches and the rows NULL-extended are one database's.
func TestOuterJoinOnSubqueriesMatchOneDatabase(t *testing.T) {
	compareEachQuery(t, mergeItems(consecutiveIDs(40)), []string{
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT kind FROM items WHERE qty > 3)",
		"SELECT a.id, t.note FROM tokens t RIGHT JOIN items a ON t.item_id = a.id AND t.note IN (SELECT kind FROM items WHERE qty > 3)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.kind IN (SELECT note FROM tokens WHERE item_id > 30)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.qty NOT IN (SELECT qty FROM items WHERE id < 10)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.qty NOT IN (SELECT qty FROM items WHERE id < 10 AND qty IS NOT NULL)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND (a.qty IN (SELECT qty FROM items WHERE id < 10) OR t.note = 'x')",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND NOT (a.qty IN (SELECT qty FROM items WHERE id < 10))",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items WHERE qty > 100)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND NOT EXISTS (SELECT 1 FROM items WHERE qty > 100)",
		"SELECT a.id, g.tag FROM items a LEFT JOIN item_tags g ON g.item_id = a.id AND g.weight > (SELECT MIN(qty) FROM items) + 12",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT kind FROM items WHERE qty > 3) WHERE a.id IN (SELECT item_id FROM tokens WHERE note = 'y')",
		"SELECT a.id, t.note, k.label FROM items a LEFT JOIN (tokens t JOIN kinds k ON k.code = t.note AND k.code IN (SELECT kind FROM items WHERE qty < 0)) ON t.item_id = a.id",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT code FROM kinds)",
		"SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id AND b.kind IN (SELECT code FROM kinds)) ON t.item_id = a.id",
		"SELECT a.grp, COUNT(t.note) FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT kind FROM items WHERE qty > 3) GROUP BY a.grp",
	})
}

// A subquery in the ON of an outer join across shards correlated with
// the nullable side's table only filters that table's rows: it runs as a
// derived table of them, its subquery a semi-join, matched as the ON
// says and NULL-extended where nothing matches.
func TestOuterJoinOnNullableSideSubqueriesMatchOneDatabase(t *testing.T) {
	compareEachQuery(t, genData(), []string{
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.qty > 5)",
		"SELECT a.id, t.note, t.tok FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT b.kind FROM items b WHERE b.id = t.item_id)",
		"SELECT a.id, t.note FROM tokens t RIGHT JOIN items a ON t.item_id = a.id AND NOT EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.qty > 5)",
		"SELECT a.id, g.tag FROM items a LEFT JOIN item_tags g ON g.item_id = a.id AND g.weight NOT IN (SELECT b.qty FROM items b WHERE b.kind = g.tag)",
		"SELECT * FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.qty > 5)",
		"SELECT a.id, t.* FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.qty > 5)",
		"SELECT a.grp, COUNT(t.note) FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND (t.note = 'x' OR EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.qty > 5)) GROUP BY a.grp",
		"SELECT a.id, tokens.note FROM items a LEFT JOIN tokens ON tokens.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = tokens.note)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT kind FROM items WHERE qty > 3) AND EXISTS (SELECT 1 FROM items b WHERE b.id = t.item_id AND b.qty < 0)",
		// A column its derived table has, named without the table's name.
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT kind FROM items) b WHERE kind = t.note AND b.kind = a.kind)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT kind AS k FROM items) b WHERE k = note AND b.k = kind)",
	})
}

// A correlated subquery in the ON of an outer join across shards whose
// nullable side is itself a join that reads only that join's tables, and
// one naming without the table's name a column of its derived table,
// which computes a column without an alias, are refused, saying so.
func TestOuterJoinOnCorrelatedSubqueryIsRefused(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeItems(consecutiveIDs(8)))
	for _, q := range []string{
		"SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.qty = g.weight)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT kind, qty + 1 FROM items) b WHERE kind = t.note AND b.kind = a.kind)",
	} {
		_, err := queryAll(p.sharded, q)
		if !isUnsupported(err) || !strings.Contains(err.Error(), "correlated subquery in an ON condition") {
			t.Errorf("%s: got %v, want an UnsupportedError about the ON condition", q, err)
		}
	}
}

// compareEachQuery loads items into a pair on each engine and compares
// each query's rows with one database's.
func compareEachQuery(t *testing.T, items []item, queries []string) {
	t.Helper()
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, items)
		for _, q := range queries {
			p.compareRows(t, q)
		}
	})
}
