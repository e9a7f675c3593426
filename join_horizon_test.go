package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// DISTINCT, GROUP BY, aggregates, HAVING, ORDER BY, LIMIT and expressions
// over both tables of a join across shards are evaluated at the merge
// over the joined rows: the rows one database returns.
func TestJoinHorizonEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range joinHorizonCases {
					p.compare(t, c.ordered, c.query, c.args...)
				}
			})
		}
	})
}

var joinHorizonCases = []struct {
	query   string
	args    []any
	ordered bool
}{
	{query: "SELECT COUNT(*) FROM tokens t JOIN items i ON i.id = t.item_id"},
	{query: "SELECT COALESCE(t.note, '-') AS n, COUNT(*) FROM items i LEFT JOIN tokens t ON t.item_id = i.id GROUP BY COALESCE(t.note, '-')"},
	{query: "SELECT COALESCE(t.note, i.kind), COUNT(*), SUM(i.qty) FROM tokens t JOIN items i ON i.id = t.item_id GROUP BY COALESCE(t.note, i.kind) HAVING COUNT(*) > 0 ORDER BY COALESCE(t.note, i.kind)", ordered: true},
	{query: "SELECT CASE WHEN i.qty > 2 THEN 'big' ELSE t.note END AS k, MAX(i.id) FROM tokens t JOIN items i ON i.id = t.item_id GROUP BY CASE WHEN i.qty > 2 THEN 'big' ELSE t.note END"},
	{query: "SELECT COALESCE(t.note, '-') AS n, COUNT(*) FROM items i LEFT JOIN tokens t ON t.item_id = i.id GROUP BY n"},
	{query: "SELECT COUNT(*), SUM(i.qty), MIN(t.note), MAX(i.name) FROM tokens t JOIN items i ON i.id = t.item_id"},
	{query: "SELECT i.grp, COUNT(*) AS n, SUM(i.qty) AS s FROM tokens t JOIN items i ON i.id = t.item_id GROUP BY i.grp"},
	{query: "SELECT t.note, COUNT(i.qty) AS n FROM items i LEFT JOIN tokens t ON t.item_id = i.id GROUP BY t.note"},
	{query: "SELECT i.grp, COUNT(*) AS n FROM tokens t JOIN items i ON i.id = t.item_id GROUP BY i.grp HAVING COUNT(*) > 1"},
	{query: "SELECT DISTINCT t.note FROM tokens t JOIN items i ON i.id = t.item_id"},
	{query: "SELECT DISTINCT i.grp, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id"},
	{query: "SELECT t.note, i.id FROM tokens t JOIN items i ON i.id = t.item_id ORDER BY i.id, t.note", ordered: true},
	{query: "SELECT t.tok, i.id FROM tokens t JOIN items i ON i.id = t.item_id ORDER BY i.id DESC, t.tok LIMIT 5", ordered: true},
	{query: "SELECT t.tok, i.id FROM tokens t JOIN items i ON i.id = t.item_id ORDER BY t.tok LIMIT 3 OFFSET 2", ordered: true},
	{query: "SELECT t.tok, i.qty + t.item_id AS x FROM tokens t JOIN items i ON i.id = t.item_id"},
	{query: "SELECT COUNT(DISTINCT t.note) FROM tokens t JOIN items i ON i.id = t.item_id"},
	{query: "SELECT i.id, COUNT(t.tok) AS n FROM items i LEFT JOIN tokens t ON t.item_id = i.id GROUP BY i.id ORDER BY n DESC, i.id LIMIT 4", ordered: true},
}

// The horizon of a join across shards shows in VEXPLAIN PLAN above the join.
func TestJoinHorizonShowsInTheVexplainPlan(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	res, err := queryAll(p.sharded, "VEXPLAIN PLAN SELECT i.grp, COUNT(*) FROM tokens t JOIN items i ON i.id = t.item_id GROUP BY i.grp")
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(res.Rows)
	if !strings.Contains(text, "Evaluate (join)") || !strings.Contains(text, "Join INNER") {
		t.Errorf("VEXPLAIN PLAN shows no evaluation over the join:\n%s", text)
	}
}
