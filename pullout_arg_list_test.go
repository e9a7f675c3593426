package vitessdo_test

import "testing"

// TestArgumentInListEqualsOneDatabase compares `? IN (SELECT …)` whose
// subquery runs on its own over several shards: the values bound in its
// place, and the NULL when it returns only NULLs, keep the column's
// type, so PostgreSQL types the argument beside them as one database
// does, a list of one value included (planned apart from the stand-in
// value the statement is first planned with).
func TestArgumentInListEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, c := range []mergeCase{
			{query: "SELECT ? IN (SELECT qty FROM items WHERE qty IS NULL) AS c0 FROM dual", args: []any{int64(-8)}},
			{query: "SELECT ? NOT IN (SELECT qty FROM items WHERE id IN (9, 14)) AS c0", args: []any{int64(4)}},
			{query: "SELECT id FROM items WHERE ? IN (SELECT qty FROM items WHERE qty IS NULL) OR id = 3", args: []any{int64(2)}},
			{query: "SELECT ? IN (SELECT weight FROM item_tags WHERE weight IS NULL) AS c0, ? AS c1", args: []any{int64(0), "x"}},
			{query: "SELECT id FROM items WHERE ? IN (SELECT qty FROM items WHERE id < 5)", args: []any{int64(2)}},
			{query: "SELECT id FROM items WHERE ? + 1 NOT IN (SELECT qty FROM items WHERE id < 5)", args: []any{int64(2)}},
			{query: "SELECT id FROM items WHERE ? IN (SELECT price FROM items WHERE id < 9) OR id = 3", args: []any{"-17.25"}},
			{query: "SELECT id FROM items WHERE ? NOT IN (SELECT qty FROM items WHERE qty > 10)", args: []any{int64(-3)}},
			{query: "SELECT id FROM items WHERE kind = 'x' OR ? IN (SELECT qty FROM items WHERE qty > 10)", args: []any{int64(11)}},
			{query: "SELECT d.k FROM (SELECT id AS k FROM items WHERE kind = 'x' OR ? NOT IN (SELECT qty FROM items WHERE qty > 10)) d", args: []any{int64(-3)}},
			// At the router: HAVING over merged groups, an OR over joined rows.
			{query: "SELECT grp FROM items GROUP BY grp HAVING ? IN (SELECT qty FROM items WHERE id < 5)", args: []any{int64(2)}},
			{query: "SELECT grp FROM items GROUP BY grp HAVING ? IN (SELECT qty FROM items WHERE qty IS NULL) OR COUNT(*) > 3", args: []any{int64(3)}},
			{query: "SELECT grp FROM items GROUP BY grp HAVING COUNT(*) IN (SELECT qty FROM items WHERE qty IS NULL) OR MAX(id) > 70"},
			{query: "SELECT a.id FROM items a JOIN tokens b ON b.item_id = a.id WHERE ? IN (SELECT qty FROM items WHERE id < 5) OR b.note = a.name", args: []any{int64(2)}},
		} {
			p.compare(t, false, c.query, c.args...)
		}
	})
}
