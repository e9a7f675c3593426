package vitessdo_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/merge"
)

// Joins of three and more tables, INNER and LEFT mixed, comma joins with
// their conditions in WHERE, and join conditions that are not equalities
// of columns return the rows one database returns.
func TestJoinTreeEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range joinTreeCases {
					p.compare(t, c.ordered, c.query, c.args...)
				}
			})
		}
	})
}

var joinTreeCases = []mergeCase{
	// items and item_tags are co-located: one leaf, tokens another.
	{query: "SELECT i.name, g.tag, t.note FROM items i JOIN item_tags g ON g.item_id = i.id JOIN tokens t ON t.item_id = i.id"},
	{query: "SELECT i.name, g.tag, t.note FROM tokens t JOIN items i ON i.id = t.item_id JOIN item_tags g ON g.item_id = i.id"},
	{query: "SELECT t.note, i.name, k.label FROM tokens t JOIN items i ON i.id = t.item_id JOIN kinds k ON k.code = i.kind"},
	{query: "SELECT t.note, i.name, k.label FROM tokens t JOIN items i ON i.id = t.item_id LEFT JOIN kinds k ON k.code = i.kind"},
	{query: "SELECT t.note, k.label, i.id FROM tokens t JOIN kinds k ON k.code = t.note JOIN items i ON i.id = t.item_id WHERE i.qty > 0"},
	// two leaves that no vindex relates, a third bound by its vindex
	{query: "SELECT a.id, b.id AS bid, g.tag FROM items a JOIN items b ON b.qty = a.qty JOIN item_tags g ON g.item_id = b.id WHERE a.id < 20"},
	{query: "SELECT a.id, t.note, b.name FROM items a JOIN tokens t ON t.item_id = a.id JOIN items b ON b.id = t.item_id + 1"},
	// mixed INNER and LEFT
	{query: "SELECT i.id, t.note, g.tag FROM items i LEFT JOIN tokens t ON t.item_id = i.id LEFT JOIN item_tags g ON g.item_id = t.item_id"},
	{query: "SELECT i.id, t.note, g.tag FROM items i JOIN tokens t ON t.item_id = i.id LEFT JOIN item_tags g ON g.item_id = i.id AND g.weight > 1"},
	{query: "SELECT i.id, t.note, g.tag FROM items i LEFT JOIN tokens t ON t.item_id = i.id JOIN item_tags g ON g.item_id = i.id"},
	{query: "SELECT i.id, t.note, b.id AS bid FROM items i LEFT JOIN tokens t ON t.item_id = i.id JOIN items b ON b.id = t.item_id"},
	{query: "SELECT i.id, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id WHERE t.note IS NULL"},
	{query: "SELECT i.id, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id WHERE t.note = 'x' OR i.qty > 5"},
	{query: "SELECT i.id, t.note FROM items i LEFT JOIN tokens t ON t.item_id = i.id AND i.qty > 0"},
	{query: "SELECT i.id, t.note, k.label FROM items i LEFT JOIN tokens t ON t.item_id = i.id LEFT JOIN kinds k ON k.code = t.note"},
	// comma joins with conditions in WHERE
	{query: "SELECT i.id, g.tag, t.note FROM items i, item_tags g, tokens t WHERE g.item_id = i.id AND t.item_id = g.item_id AND i.qty <> 3"},
	{query: "SELECT t.note, i.name, k.code FROM tokens t, items i, kinds k WHERE i.id = t.item_id AND k.code = i.kind AND k.label <> ?", args: []any{"Why"}},
	{query: "SELECT a.id, b.id AS bid FROM items a, items b WHERE b.id = a.qty + 10 AND a.id = ?", args: []any{int64(7)}},
	// conditions that are not equalities of columns
	{query: "SELECT a.id, b.id AS bid FROM items a JOIN items b ON a.qty < b.qty WHERE a.id < 8 AND b.id < 8"},
	{query: "SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.id = a.qty + 1"},
	{query: "SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.id OR t.note = a.kind"},
	{query: "SELECT a.id, b.id AS bid FROM items a LEFT JOIN items b ON a.qty < b.qty AND b.id < 5 WHERE a.id < 12"},
	{query: "SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note <> a.kind"},
	{query: "SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.id = a.id AND a.name < b.grp"},
	{query: "SELECT a.id, t.note FROM items a, tokens t WHERE a.id < 4 AND t.item_id < 4"},
	{query: "SELECT a.id, t.note FROM items a JOIN tokens t ON 1 = 1 WHERE a.id < 6 AND t.item_id > 50"},
	{query: "SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.id WHERE a.qty + t.item_id > ?", args: []any{int64(20)}},
	{query: "SELECT a.id, b.name FROM items a LEFT JOIN items b ON b.id = a.id + 1 AND b.name LIKE 'a%'"},
	// a reference table preserved by a LEFT JOIN of sharded rows: a join,
	// not one statement per shard, whose rows would repeat
	{query: "SELECT k.code, i.id FROM kinds k LEFT JOIN items i ON i.kind = k.code"},
	{query: "SELECT k.code FROM items i RIGHT JOIN kinds k ON i.kind = k.code"},
	{query: "SELECT k.code, i.id, g.tag FROM kinds k LEFT JOIN items i ON i.kind = k.code LEFT JOIN item_tags g ON g.item_id = i.id"},
	// expressions of a nullable side are computed over the joined rows
	{query: "SELECT i.id, COALESCE(t.note, 'none') AS n FROM items i LEFT JOIN tokens t ON t.item_id = i.id"},
	{query: "SELECT i.id, t.item_id + ? AS x, CASE WHEN t.note IS NULL THEN 1 ELSE 0 END AS m FROM items i LEFT JOIN tokens t ON t.item_id = i.id", args: []any{int64(3)}},
	{query: "SELECT i.id, COALESCE(t.item_id, ?) AS n, COALESCE(b.price, 2.5) AS p FROM items i LEFT JOIN tokens t ON t.item_id = i.id LEFT JOIN items b ON b.id = i.qty", args: []any{int64(-7)}},
	// horizons over three tables
	{query: "SELECT i.grp, COUNT(*) AS n FROM items i JOIN item_tags g ON g.item_id = i.id JOIN tokens t ON t.item_id = i.id GROUP BY i.grp"},
	{query: "SELECT DISTINCT t.note, k.label FROM tokens t JOIN items i ON i.id = t.item_id LEFT JOIN kinds k ON k.code = i.kind"},
	{query: "SELECT i.id, t.note, g.tag FROM items i LEFT JOIN tokens t ON t.item_id = i.id LEFT JOIN item_tags g ON g.item_id = i.id ORDER BY i.id, t.note, g.tag LIMIT 7", ordered: true},
	{query: "SELECT COUNT(*) FROM items a JOIN items b ON a.qty < b.qty"},
}

// A join chain shows in VEXPLAIN PLAN as nested joins over each leaf's
// statement; co-located tables share one leaf.
func TestJoinTreeShowsInTheVexplainPlan(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	res, err := queryAll(p.sharded, "VEXPLAIN PLAN SELECT i.name, g.tag, t.note FROM tokens t JOIN items i ON i.id = t.item_id JOIN item_tags g ON g.item_id = i.id WHERE t.note < i.name")
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range res.Rows {
		text = append(text, fmt.Sprint(r[2]))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"Project name, tag, note", "Join INNER on outer", "AND t.note < i.name", "JOIN `item_tags` AS `g` ON `g`.`item_id` = `i`.`id`"} {
		if !strings.Contains(all, want) {
			t.Errorf("VEXPLAIN PLAN lacks %q:\n%s", want, all)
		}
	}
}

// Unqualified columns, *, t.*, USING, NATURAL JOIN and RIGHT JOIN over
// tables on different shards read as one database reads them.
func TestJoinColumnsEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range joinColumnCases {
					p.compare(t, c.ordered, c.query, c.args...)
				}
			})
		}
	})
}

var joinColumnCases = []mergeCase{
	{query: "SELECT name, note FROM items i JOIN tokens t ON item_id = id"},
	{query: "SELECT name, note, label FROM items i JOIN tokens t ON item_id = id LEFT JOIN kinds ON code = kind WHERE qty > 0"},
	{query: "SELECT * FROM tokens t JOIN items i ON i.id = t.item_id"},
	{query: "SELECT t.*, i.name FROM tokens t JOIN items i ON i.id = t.item_id WHERE i.qty < 3"},
	{query: "SELECT i.id, g.*, t.* FROM items i JOIN item_tags g ON g.item_id = i.id LEFT JOIN tokens t ON t.item_id = g.item_id"},
	{query: "SELECT * FROM item_tags g JOIN tokens t USING (item_id)"},
	{query: "SELECT item_id, tag, note FROM item_tags LEFT JOIN tokens USING (item_id)"},
	{query: "SELECT * FROM item_tags g LEFT JOIN tokens t USING (item_id) WHERE weight IS NOT NULL"},
	{query: "SELECT * FROM item_tags NATURAL JOIN tokens"},
	{query: "SELECT item_id, note FROM tokens NATURAL LEFT JOIN item_tags"},
	{query: "SELECT i.id, t.note FROM tokens t RIGHT JOIN items i ON i.id = t.item_id"},
	{query: "SELECT * FROM tokens t RIGHT JOIN items i ON i.id = t.item_id AND t.note <> 'x'"},
	{query: "SELECT * FROM tokens RIGHT JOIN item_tags USING (item_id)"},
	{query: "SELECT item_id, note, tag FROM tokens RIGHT JOIN item_tags USING (item_id)"},
	{query: "SELECT t.note, i.name, g.tag FROM tokens t RIGHT JOIN items i ON i.id = t.item_id JOIN item_tags g ON g.item_id = i.id"},
	{query: "SELECT note, COUNT(*) AS n FROM items i JOIN tokens t ON item_id = id GROUP BY note"},
	{query: "SELECT DISTINCT * FROM item_tags g JOIN tokens t USING (item_id)"},
}

// An unqualified name that more than one table has, or none, fails as
// one database fails.
func TestJoinColumnsAmbiguousOrUnknown(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range []struct{ query, want string }{
			{"SELECT item_id FROM item_tags g JOIN tokens t ON t.item_id = g.item_id", "ambiguous"},
			{"SELECT g.tag FROM item_tags g JOIN tokens t ON t.item_id = item_id", "ambiguous"},
			{"SELECT nope FROM item_tags g JOIN tokens t ON t.item_id = g.item_id", "nope"},
		} {
			_, oerr := queryAll(p.oracle, c.query)
			_, serr := queryAll(p.sharded, c.query)
			if oerr == nil || serr == nil || isUnsupported(serr) || !strings.Contains(serr.Error(), c.want) {
				t.Errorf("%s: sharded %v, one database %v; want both to fail, the sharded naming %q", c.query, serr, oerr, c.want)
			}
		}
	})
}

// A join without an equality reads its inner side once and holds it,
// bounded by max_memory_rows.
func TestJoinWithoutKeysBoundsTheInnerRows(t *testing.T) {
	db := openMemoryBounded(t)
	for i := int64(1); i <= 60; i++ {
		if _, err := db.Exec("INSERT INTO items (id, qty) VALUES (?, ?)", i, i%7); err != nil {
			t.Fatal(err)
		}
	}
	_, err := queryAll(db, "SELECT a.id, b.id AS bid FROM items a JOIN items b ON a.qty < b.qty")
	var me *merge.MemoryRowsError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "max_memory_rows = 20") {
		t.Errorf("got %v, want an error naming max_memory_rows = 20", err)
	}
	res, err := queryAll(db, "SELECT a.id, b.id AS bid FROM items a JOIN items b ON a.qty < b.qty WHERE b.id < 10")
	if err != nil || len(res.Rows) == 0 {
		t.Errorf("inner side of 9 rows: %v, %d rows", err, len(res.Rows))
	}
}

// A float argument in an expression the router computes follows the
// backend: SQLite does not type arguments, PostgreSQL types it by the
// column beside it (a bigint column drops its fraction).
func TestFloatArgumentAtTheMergeFollowsTheBackend(t *testing.T) {
	const query = "SELECT i.id, COALESCE(t.item_id, ?) AS n FROM items i LEFT JOIN tokens t ON t.item_id = i.id"
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		p.compare(t, false, query, 9.5)
		p.compare(t, false, query, int64(9))
		p.compare(t, false, strings.Replace(query, "?", "9.5", 1))
	})
}

// Tables each pinned to a shard by their own conditions, joined to a
// third that neither is co-located with, are joined apart when their
// shards differ.
func TestJoinTreeRunsPinnedTablesApart(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		a, b := idsOnShard(0, 1)[0], idsOnShard(3, 1)[0]
		p.compare(t, false, "SELECT x.id, y.id AS yid, t.note FROM items x JOIN items y ON y.qty <> x.qty JOIN tokens t ON t.item_id = x.id WHERE x.id = ? AND y.id = ?", a, b)
		p.compare(t, false, "SELECT x.id, y.id AS yid, t.note FROM items x JOIN items y ON y.qty <> x.qty JOIN tokens t ON t.item_id = x.id WHERE x.id = ? AND y.id = ?", a, a+0)
	})
}

// Two tables each pinned to a shard by their own values run as one
// statement when the values share a shard, and as a join when not.
func TestJoinOfPinnedTablesOnDifferentShards(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		a, b, c := idsOnShard(0, 2)[0], idsOnShard(0, 2)[1], idsOnShard(3, 1)[0]
		q := "SELECT x.id, x.name, t.item_id, t.note FROM items x JOIN tokens t ON t.note = x.kind WHERE x.id = ? AND t.tok = ?"
		for _, args := range [][]any{{a, tokenOf(int(b) - 1)}, {a, tokenOf(int(c) - 1)}, {c, tokenOf(int(a) - 1)}} {
			p.compare(t, false, q, args...)
		}
		q = "SELECT x.id, y.id AS yid FROM items x, items y WHERE x.id = ? AND y.id = ? AND y.qty <> x.qty"
		for _, args := range [][]any{{a, b}, {a, c}} {
			p.compare(t, false, q, args...)
		}
		for _, tt := range []struct {
			args []any
			join bool
		}{{[]any{a, b}, false}, {[]any{a, c}, true}} {
			res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+q, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(fmt.Sprint(res.Rows), "Join INNER"); got != tt.join {
				t.Errorf("%v: VEXPLAIN PLAN shows a join: %v, want %v:\n%v", tt.args, got, tt.join, res.Rows)
			}
		}
	})
}
