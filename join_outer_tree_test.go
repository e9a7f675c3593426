package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// A LEFT JOIN whose nullable side is itself a join, and a RIGHT JOIN
// whose preserved side is one table and whose other side is a join, return
// the rows one database returns: the ON filters only the nullable join's
// rows, and an outer row none of them matches is NULL-extended once.
func TestLeftJoinOfAJoinEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range leftJoinOfJoinCases {
					p.compare(t, c.ordered, c.query, c.args...)
				}
			})
		}
	})
}

var leftJoinOfJoinCases = []mergeCase{
	{query: "SELECT a.id, t.note, b.name FROM items a LEFT JOIN (tokens t JOIN items b ON b.qty = t.item_id) ON t.item_id = a.id"},
	{query: "SELECT a.id, t.note, b.id AS bid FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON b.qty = a.qty"},
	{query: "SELECT a.id, t.note, g.tag FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id AND g.weight > 1) ON t.item_id = a.id AND t.note <> 'x'"},
	{query: "SELECT a.id, t.note, g.tag FROM items a LEFT JOIN (tokens t LEFT JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id WHERE a.id < 30"},
	{query: "SELECT a.id, g.tag, t.note FROM items a LEFT JOIN (item_tags g JOIN tokens t ON t.item_id = g.item_id) ON g.item_id = a.id AND a.qty > 0"},
	{query: "SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON t.item_id = a.id WHERE t.note IS NULL"},
	{query: "SELECT a.id, t.note, k.label FROM items a LEFT JOIN (tokens t JOIN kinds k ON k.code = t.note) ON t.item_id = a.id"},
	{query: "SELECT * FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON t.item_id = a.id WHERE a.id < 20"},
	{query: "SELECT a.id, COALESCE(t.note, 'none') AS n, b.qty + 1 AS q FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON t.item_id = a.id"},
	{query: "SELECT a.id, t.note, b.name FROM items a LEFT JOIN (tokens t JOIN items b ON b.qty = t.item_id) ON t.item_id = a.id AND b.id < ?", args: []any{int64(25)}},
	// a join after the LEFT JOIN of a join, and two of them
	{query: "SELECT a.id, t.note, b.id AS bid, g.tag FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON t.item_id = a.id JOIN item_tags g ON g.item_id = a.id"},
	{query: "SELECT a.id, t.note, g.tag FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON t.item_id = a.id LEFT JOIN (item_tags g JOIN kinds k ON k.code = g.tag) ON g.item_id = b.id"},
	// a nullable join inside the nullable join
	{query: "SELECT a.id, t.note, b.id AS bid, g.tag FROM items a LEFT JOIN (tokens t LEFT JOIN (items b JOIN item_tags g ON g.item_id = b.qty) ON b.id = t.item_id) ON t.item_id = a.id WHERE a.id < 40"},
	// RIGHT JOIN whose left side is a join
	{query: "SELECT a.id, t.note, b.id AS bid FROM tokens t JOIN items a ON a.id = t.item_id RIGHT JOIN items b ON b.qty = t.item_id"},
	{query: "SELECT * FROM tokens t JOIN items a ON a.id = t.item_id RIGHT JOIN kinds k ON k.code = a.kind"},
	// a horizon over it
	{query: "SELECT a.grp, COUNT(t.note) AS n FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON t.item_id = a.id GROUP BY a.grp"},
	{query: "SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON t.item_id = a.id ORDER BY a.id, t.note LIMIT 9", ordered: true},
	// columns of a join in parentheses that share a name (SQLite names
	// them as a subquery's: note, note:1)
	{query: "SELECT * FROM items a LEFT JOIN (tokens b JOIN tokens c ON c.item_id = b.item_id) ON c.item_id = a.id WHERE a.id < 30"},
	{query: "SELECT c.item_id, b.item_id, c.note FROM items a LEFT JOIN (tokens b JOIN tokens c ON c.item_id = b.item_id) ON c.item_id = a.id"},
	{query: "SELECT c.*, b.* FROM items a JOIN (tokens b JOIN tokens c ON c.item_id = b.item_id) ON c.item_id = a.id"},
	{query: "SELECT * FROM items a LEFT JOIN (tokens b JOIN (tokens c JOIN tokens x ON x.tok = c.tok) ON c.item_id = b.item_id) ON c.item_id = a.id WHERE a.id < 30"},
	// a derived table in the nullable join, and one selecting *
	{query: "SELECT a.id, d.n, t.note FROM items a LEFT JOIN ((SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) d JOIN tokens t ON t.item_id = d.item_id) ON d.item_id = a.id"},
	{query: "SELECT a.id, d.tag, t.note FROM items a LEFT JOIN ((SELECT * FROM item_tags WHERE weight > 0) d JOIN tokens t ON t.item_id = d.item_id) ON d.item_id = a.id"},
	// a join in parentheses that is the whole FROM names its columns as written
	{query: "SELECT * FROM (tokens b JOIN tokens c ON c.item_id = b.item_id) WHERE b.item_id < 30"},
	// a nested LEFT JOIN chain
	{query: "SELECT a.id, t.note, b.name FROM items a LEFT JOIN tokens t ON t.item_id = a.id LEFT JOIN items b ON b.qty = t.item_id"},
}

// A join across shards of tables whose shards are on SQLite and
// PostgreSQL at once is refused, an integer equality with nothing
// computed at the merge as well: the merge would match, NULL-extend and
// return values by one backend's rules, and no one database answers as
// the two together.
func TestJoinOverTwoBackendsIsRefused(t *testing.T) {
	db := openMixedItems(t)
	for _, q := range []string{
		"SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.name = a.name",
		"SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.id = a.id + 1",
		"SELECT a.id, b.id AS bid FROM items a LEFT JOIN (items b JOIN items c ON c.id = b.id) ON b.id = a.id + 1",
	} {
		_, err := queryAll(db, q)
		if !isUnsupported(err) || !strings.Contains(err.Error(), "different rules") {
			t.Errorf("%s: got %v, want unsupported: backends that compare values by different rules", q, err)
		}
	}
}

// A subquery in the ON condition of an inner join is a condition on the
// whole result, planned as one in WHERE is.
func TestInnerJoinConditionSubqueryEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT code FROM kinds)",
			"SELECT a.id, t.note, k.label FROM items a JOIN tokens t ON t.item_id = a.id LEFT JOIN kinds k ON k.code = t.note WHERE a.qty > (SELECT MIN(weight) FROM item_tags)",
			"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id JOIN item_tags g ON g.item_id = a.id AND g.tag NOT IN (SELECT code FROM kinds)",
			"SELECT a.id FROM items a JOIN items b ON b.id = a.id AND b.qty IN (SELECT weight FROM item_tags) WHERE a.id < 40",
		} {
			p.compare(t, false, q)
		}
	})
}

// The nullable join of a LEFT JOIN runs per batch of outer rows, bound
// by their key values: VEXPLAIN PLAN shows it under the LEFT join,
// narrowed by the batch's IN list.
func TestLeftJoinOfAJoinShowsInTheVexplainPlan(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	res, err := queryAll(p.sharded, "VEXPLAIN PLAN SELECT a.id, t.note, g.tag FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id")
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(res.Rows)
	for _, want := range []string{"Join LEFT on outer", "(inner bound by batches of 256)", "Evaluate (derived table vjn0)", "`t`.`item_id` IN (::join_batch)"} {
		if !strings.Contains(text, want) {
			t.Errorf("VEXPLAIN PLAN lacks %q:\n%s", want, text)
		}
	}
}

// The rows of the nullable join read for a batch of outer rows are held
// within max_memory_rows.
func TestLeftJoinOfAJoinBoundsItsRows(t *testing.T) {
	db := openMemoryBounded(t)
	for i := int64(1); i <= 60; i++ {
		if _, err := db.Exec("INSERT INTO items (id, qty) VALUES (?, ?)", i, i%7); err != nil {
			t.Fatal(err)
		}
	}
	wantMemoryRowsError(t, db, "SELECT a.id, b.id AS bid FROM items a LEFT JOIN (items b JOIN items c ON c.qty = b.qty) ON b.id = a.id")
	if res, err := queryAll(db, "SELECT a.id, c.id AS cid FROM items a LEFT JOIN (items b JOIN items c ON c.qty = b.qty) ON b.id = a.id WHERE a.id < 2"); err != nil || len(res.Rows) == 0 {
		t.Errorf("one outer row: %v, %d rows", err, len(res.Rows))
	}
}

// A join with USING in parentheses beside other tables runs on
// PostgreSQL; SQLite orders and names its columns as a subquery's, which
// the join does not follow: refused there.
func TestJoinWithUsingInParentheses(t *testing.T) {
	const q = "SELECT * FROM items a LEFT JOIN (tokens t JOIN item_tags g USING (item_id)) ON t.item_id = a.id WHERE a.id < 20"
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		if e.name == "postgres" {
			p.compare(t, false, q)
			return
		}
		if _, err := queryAll(p.sharded, q); !isUnsupported(err) || !strings.Contains(err.Error(), "USING or NATURAL in parentheses") {
			t.Errorf("%s: got %v, want unsupported naming USING in parentheses", q, err)
		}
	})
}
