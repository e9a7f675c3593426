package vitessdo_test

import (
	"database/sql"
	"fmt"
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
			// The NULL in the list makes NOT IN false without its values,
			// which still hold their places among the arguments.
			{query: "SELECT code FROM kinds WHERE code NOT IN (SELECT kind FROM items) OR EXISTS (SELECT id FROM items WHERE qty > ?)", args: []any{5}},
			{query: "SELECT code FROM kinds WHERE code NOT IN (SELECT kind FROM items) AND LENGTH(code) < (SELECT COUNT(*) FROM items)"},
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
			{query: "SELECT code FROM kinds k WHERE (SELECT COUNT(*) FROM items i WHERE i.kind = k.code) > 5"},
			// Subqueries as select items.
			{query: "SELECT code, (SELECT COUNT(*) FROM items) AS n FROM kinds"},
			{query: "SELECT code, (SELECT COUNT(*) FROM items i WHERE i.kind = k.code) AS n FROM kinds k"},
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

// An UPDATE or DELETE of a reference table whose uncorrelated subqueries
// read sharded tables runs them once, binds their values and changes
// every copy alike: the rows one database changes, inside a transaction
// or not.
func TestReferenceWriteOverShardedSubqueriesEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newReferencePair(t, e)
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "UPDATE kinds SET label = 'used' WHERE code IN (SELECT kind FROM items)"},
			{query: "UPDATE kinds SET label = 'unused' WHERE code NOT IN (SELECT kind FROM items WHERE kind IS NOT NULL)"},
			{query: "UPDATE kinds SET label = 'none' WHERE code NOT IN (SELECT kind FROM items)"},
			{query: "UPDATE kinds SET label = ? WHERE code IN (SELECT kind FROM items WHERE qty > ?)", args: []any{"big", 5}},
			{query: "UPDATE kinds SET label = (SELECT MAX(name) FROM items WHERE kind = 'x') WHERE code = 'x'"},
			{query: "UPDATE kinds SET label = (SELECT MIN(grp) FROM items) WHERE code IN (SELECT kind FROM items WHERE id = ?)", args: []any{3}},
			{query: "UPDATE kinds SET label = 'empty' WHERE code IN (SELECT kind FROM items WHERE id = 1000)"},
			{query: "UPDATE kinds SET label = 'any' WHERE EXISTS (SELECT 1 FROM items WHERE qty > 5)"},
			{query: "DELETE FROM kinds WHERE code IN (SELECT kind FROM items)"},
			{query: "DELETE FROM kinds WHERE code NOT IN (SELECT kind FROM items WHERE kind IS NOT NULL)"},
			{query: "DELETE FROM kinds WHERE LENGTH(code) < (SELECT COUNT(*) FROM items WHERE grp = ?)", args: []any{"a"}},
			{query: "DELETE FROM kinds WHERE NOT EXISTS (SELECT 1 FROM items WHERE qty > 100)"},
		} {
			for _, inTx := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/tx=%v", c.query, inTx), func(t *testing.T) {
					p.exec(t, "DELETE FROM kinds")
					p.exec(t, "INSERT INTO kinds (code, label) VALUES ('x', 'Ex'), ('y', 'Why'), ('z', NULL), ('w', 'Double')")
					got := execIn(t, p.sharded, inTx, c.query, c.args...)
					want := execIn(t, p.oracle, inTx, c.query, c.args...)
					if got != want {
						t.Errorf("%s: %d rows affected, one database %d", c.query, got, want)
					}
					p.compareRows(t, "SELECT code, label FROM kinds")
					kindsCopies(t, p.sharded)
				})
			}
		}
	})
}

// execIn runs a write, in a transaction when inTx, and returns the rows
// it affected.
func execIn(t *testing.T, db *sql.DB, inTx bool, query string, args ...any) int64 {
	t.Helper()
	var res sql.Result
	var err error
	if inTx {
		tx, terr := db.Begin()
		if terr != nil {
			t.Fatal(terr)
		}
		if res, err = tx.Exec(query, args...); err != nil {
			tx.Rollback()
			t.Fatalf("%s: %v", query, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	} else if res, err = db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		t.Fatal(err)
	}
	return n
}
