package vitessdo_test

import (
	"strings"
	"testing"
)

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

// TestArgumentInListTakesTheColumnsAffinity compares `? IN (SELECT col
// …)` whose subquery runs apart with text and numbers on both sides: one
// SQLite database gives the argument the column's affinity ('7' IN a
// column of integers is 7, 7 IN a column of text is '7'), as the bound
// list standing for the column does not by itself; a union's or an
// aggregate's column has none. On PostgreSQL the argument is typed by
// the column.
func TestArgumentInListTakesTheColumnsAffinity(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		p.exec(t, "INSERT INTO items (id, grp, name, qty) VALUES (?, ?, ?, ?), (?, ?, ?, ?)", int64(201), "n", "7", int64(7), int64(202), "n", "1", int64(-7))
		for _, c := range []outcomeCase{
			{"SELECT id FROM items WHERE ? IN (SELECT qty FROM items WHERE qty > 5)", []any{"7"}},
			{"SELECT id FROM items WHERE ? IN (SELECT qty FROM items WHERE qty > 10)", []any{"011"}},
			{"SELECT id FROM items WHERE ? NOT IN (SELECT qty FROM items WHERE qty > 5)", []any{" 7 "}},
			{"SELECT id FROM items WHERE ? NOT IN (SELECT qty FROM items WHERE qty > 5)", []any{"7x"}},
			{"SELECT id FROM items WHERE ? IN (SELECT ratio FROM items WHERE id < 9)", []any{"1e0"}},
			{"SELECT id FROM items WHERE ? IN (SELECT name FROM items WHERE grp = 'n')", []any{int64(7)}},
			{"SELECT id FROM items WHERE ? IN (SELECT name FROM items WHERE grp = 'n')", []any{true}},
			{"SELECT id FROM items WHERE ? NOT IN (SELECT name FROM items WHERE grp = 'n') AND id < 5", []any{int64(7)}},
			{"SELECT id FROM items WHERE '7' IN (SELECT qty FROM items WHERE qty > 5) AND id < 5", nil},
			{"SELECT id FROM items WHERE 7 IN (SELECT name FROM items WHERE grp = 'n') AND id < 5", nil},
			{"SELECT id FROM items WHERE ? IN (SELECT CAST(qty AS CHAR) FROM items WHERE qty > 5) AND id < 5", []any{int64(7)}},
			{"SELECT id FROM items WHERE ? IN (SELECT qty FROM items WHERE qty > 5 UNION SELECT qty - 1 FROM items WHERE qty > 9) AND id < 5", []any{"7"}},
			{"SELECT id FROM items WHERE ? IN (SELECT MAX(qty) FROM items GROUP BY grp) AND id < 5", []any{"11"}},
			{"SELECT grp FROM items GROUP BY grp HAVING ? IN (SELECT qty FROM items WHERE qty > 5)", []any{"7"}},
			{"SELECT ? IN (SELECT qty FROM items WHERE qty > 5) AS c0 FROM dual", []any{"7"}},
			// An empty list: false (true for NOT IN) for every argument
			// of the column's type; PostgreSQL fails another.
			{"SELECT ? IN (SELECT qty FROM items WHERE qty > 100) AS c0, ? NOT IN (SELECT qty FROM items WHERE qty > 100) AS c1", []any{"7", int64(7)}},
			{"SELECT ? IN (SELECT qty FROM items WHERE qty > 100) AS c0", []any{"1e0"}},
			{"SELECT id FROM items WHERE kind = 'x' OR ? NOT IN (SELECT qty FROM items WHERE qty > 100)", []any{"7x"}},
			{"SELECT grp FROM items GROUP BY grp HAVING ? NOT IN (SELECT qty FROM items WHERE qty > 100) OR COUNT(*) > 30", []any{int64(3)}},
		} {
			p.compareOutcome(t, c.query, c.args...)
		}
	})
}

// TestRowInSubqueryApartIsRefused checks that a row of values IN an
// uncorrelated subquery over several shards is refused as unsupported,
// saying why, and that a correlated one, run on the outer row's shard,
// still returns one database's rows.
func TestRowInSubqueryApartIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		_, err := queryAll(p.sharded, "SELECT i.id FROM items i WHERE (i.id, i.qty) IN (SELECT item_id, weight FROM item_tags)")
		if !isUnsupported(err) || !strings.Contains(err.Error(), "a row of 2 values IN a subquery") {
			t.Errorf("got %v, want unsupported: a row of 2 values IN a subquery", err)
		}
		p.compareRows(t, "SELECT i.id FROM items i WHERE (i.id, i.qty) IN (SELECT t.item_id, t.weight FROM item_tags t WHERE t.item_id = i.id)")
	})
}

// TestTextColumnInSubqueryOfNumbersEqualsOneDatabase compares a text
// column IN an uncorrelated subquery of integers over several shards: on
// SQLite the column's text that is a number is compared as that number
// ('07' IN a list of 7), as one database compares it, for any number of
// values. On PostgreSQL text and integers do not compare, on both.
func TestTextColumnInSubqueryOfNumbersEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		p.exec(t, "INSERT INTO items (id, grp, name, qty) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)",
			int64(201), "n", "07", int64(1), int64(202), "n", "7", int64(2), int64(203), "n", " 9 ", int64(3), int64(204), "n", "2024", int64(4))
		p.exec(t, "INSERT INTO item_tags (item_id, tag, weight) VALUES (?, ?, ?), (?, ?, ?)", int64(201), "n", int64(1), int64(203), "n", int64(1))
		for _, q := range []string{
			"SELECT id FROM items WHERE name IN (SELECT qty FROM items WHERE qty > 5)",
			"SELECT i.id FROM items i WHERE i.name NOT IN (SELECT qty FROM items WHERE qty > 5)",
			"SELECT i.id FROM items i WHERE i.grp = 'n' AND (i.kind = 'x' OR i.name IN (SELECT qty FROM items WHERE qty > 5 OR qty IS NULL))",
			"SELECT i.id FROM items i WHERE i.qty IN (SELECT qty FROM items WHERE qty > 5)",
			// An expression over the column, a column named without its
			// table in a join: compared as numbers too.
			"SELECT id FROM items WHERE LOWER(name) IN (SELECT qty FROM items WHERE qty > 5)",
			"SELECT i.id FROM items i JOIN item_tags t ON t.item_id = i.id WHERE name IN (SELECT qty FROM items WHERE qty > 5)",
			"SELECT id FROM items WHERE qty + 1 IN (SELECT qty FROM items WHERE qty > 5)",
			// A scalar subquery on the left is pulled out once.
			"SELECT (SELECT COUNT(id) FROM items) IN (SELECT id FROM items WHERE name >= 'b') AS c0",
			"SELECT (SELECT COUNT(qty) FROM items WHERE id IN (7, 55, 19)) IN (SELECT weight FROM item_tags WHERE tag IS NOT NULL) AS c0",
			// A NOT IN over a NULL keeps no row on SQLite, and fails on
			// PostgreSQL whatever the values.
			"SELECT i.id FROM items i WHERE i.name NOT IN (SELECT qty FROM items WHERE qty > 5 OR qty IS NULL)",
			// More values than are compared one by one: bound as one
			// JSON array of numbers.
			"SELECT id FROM items WHERE name IN (SELECT id FROM items)",
			"SELECT i.id FROM items i WHERE i.name NOT IN (SELECT id FROM items)",
			"SELECT id FROM items WHERE LOWER(name) IN (SELECT id FROM items)",
			"SELECT i.id FROM items i JOIN item_tags t ON t.item_id = i.id WHERE name IN (SELECT id FROM items)",
			"SELECT i.id FROM items i WHERE i.grp = 'n' AND (i.kind = 'x' OR i.name IN (SELECT id + 0.5 - 0.5 FROM items))",
			"SELECT i.id, i.name IN (SELECT id FROM items) AS m FROM items i WHERE i.grp = 'n'",
		} {
			p.compareOutcome(t, q)
		}
		if e.name == "sqlite" {
			// A DATETIME column (of numeric affinity) holds times, not
			// numbers: no CAST makes 2024 of them.
			p.compareOutcome(t, "SELECT id FROM items WHERE name IN (SELECT made FROM items WHERE id < 9)")
			p.compareOutcome(t, "SELECT id FROM items WHERE LOWER(name) NOT IN (SELECT made FROM items WHERE id < 9 AND made IS NOT NULL)")
		}
	})
}

// TestArgumentInListSelectItemEqualsOneDatabase compares a select item
// `? IN (SELECT …)` (or a literal, or arithmetic over them) whose
// subquery is uncorrelated, in a SELECT over several shards: the
// subquery runs once and its values are bound, the argument typed by
// the column as one database types it, rather than carried on every
// outer row, where PostgreSQL gave a bare placeholder as text.
func TestArgumentInListSelectItemEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, c := range []outcomeCase{
			{"SELECT id, ? IN (SELECT qty FROM items) FROM items", []any{int64(3)}},
			{"SELECT id, ? IN (SELECT qty FROM items) AS m FROM items WHERE id < ?", []any{"3", int64(9)}},
			{"SELECT id, ? NOT IN (SELECT qty FROM items WHERE qty > 5) AS m FROM items", []any{int64(7)}},
			{"SELECT id, ? NOT IN (SELECT qty FROM items) AS m FROM items", []any{int64(-999)}},
			{"SELECT id, ? IN (SELECT qty FROM items WHERE qty > 100) AS m, ? + 1 IN (SELECT qty FROM items) AS n FROM items", []any{int64(1), int64(2)}},
			{"SELECT id, ? IN (SELECT qty FROM items) AS m FROM items", []any{nil}},
			{"SELECT id, ? IN (SELECT name FROM items WHERE id < 20) AS m FROM items", []any{"b"}},
			{"SELECT id, CASE WHEN ? IN (SELECT qty FROM items) THEN 'y' ELSE 'n' END AS m FROM items", []any{int64(4)}},
			{"SELECT grp, ? IN (SELECT qty FROM items) AS m FROM items GROUP BY grp", []any{int64(3)}},
			{"SELECT id, 3 IN (SELECT qty FROM items) AS m FROM items ORDER BY id LIMIT 4", nil},
		} {
			p.compareOutcome(t, c.query, c.args...)
		}
	})
}
