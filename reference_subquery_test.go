package vitessdo_test

import (
	"strings"
	"testing"
)

// newReferencePair is the shop schema with kinds that some items name
// and one no item names.
func newReferencePair(t *testing.T, e engine) *pair {
	t.Helper()
	p := newShopAndMainPair(t, e)
	p.exec(t, "INSERT INTO kinds (code, label) VALUES ('z', NULL), ('w', 'Double')")
	return p
}

// A reference table whose sharded tables are only in subqueries reads
// one copy of the reference table: an uncorrelated subquery runs once
// over every shard and binds its values, a correlated one runs as a
// semi-join with the reference rows as the outer side.
func TestReferenceTableOverShardedSubqueriesEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newReferencePair(t, e)
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "SELECT code FROM kinds WHERE code IN (SELECT kind FROM items)"},
			{query: "SELECT code, label FROM kinds WHERE code NOT IN (SELECT kind FROM items WHERE kind IS NOT NULL)"},
			{query: "SELECT code FROM kinds WHERE code NOT IN (SELECT kind FROM items)"},
			{query: "SELECT code FROM kinds WHERE code IN (SELECT kind FROM items WHERE qty > ?)", args: []any{5}},
			{query: "SELECT code FROM kinds WHERE code IN (SELECT kind FROM items WHERE id = 1000)"},
			{query: "SELECT code FROM kinds WHERE code NOT IN (SELECT kind FROM items WHERE id = 1000)"},
			{query: "SELECT code FROM kinds WHERE label IS NOT NULL AND code IN (SELECT kind FROM items WHERE grp = 'a')"},
			{query: "SELECT code FROM kinds WHERE EXISTS (SELECT 1 FROM items WHERE qty > 100)"},
			{query: "SELECT code FROM kinds WHERE NOT EXISTS (SELECT 1 FROM items WHERE qty > 100)"},
			{query: "SELECT code FROM kinds WHERE LENGTH(code) < (SELECT COUNT(*) FROM items)"},
			{query: "SELECT code FROM kinds WHERE code = (SELECT MAX(kind) FROM items)"},
			{query: "SELECT code FROM kinds WHERE code IN (SELECT kind FROM items) ORDER BY code DESC LIMIT 2"},
			{query: "SELECT COUNT(*) FROM kinds WHERE code IN (SELECT kind FROM items)"},
			{query: "SELECT code FROM kinds WHERE EXISTS (SELECT 1 FROM items i WHERE i.kind = kinds.code)"},
			{query: "SELECT code FROM kinds k WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.kind = k.code)"},
			{query: "SELECT code FROM kinds k WHERE EXISTS (SELECT 1 FROM items i WHERE i.kind = k.code AND i.qty > 3)"},
			{query: "SELECT code FROM kinds k WHERE k.code IN (SELECT i.kind FROM items i WHERE i.grp = k.label)"},
			{query: "SELECT label FROM kinds k WHERE EXISTS (SELECT 1 FROM item_tags t WHERE t.tag = k.code)"},
		} {
			p.compareRows(t, c.query, c.args...)
		}
	})
}

// The reference table is read from one copy, the subquery from every
// shard.
func TestReferenceTableOverShardedSubqueriesReadsOneCopy(t *testing.T) {
	p := newReferencePair(t, engine{name: "sqlite", url: sqliteURL})
	for _, q := range []string{
		"SELECT code FROM kinds WHERE code IN (SELECT kind FROM items)",
		"SELECT code FROM kinds WHERE EXISTS (SELECT 1 FROM items i WHERE i.kind = kinds.code)",
	} {
		got := strings.Join(shardsOf(explain(t, p.sharded, q)), " ")
		if strings.Count(got, "shop/-40") < 1 || strings.Count(got, "shop/c0-") != 1 {
			t.Errorf("%s reaches %v, want one copy of kinds and every shard of items", q, got)
		}
	}
}
