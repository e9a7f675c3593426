package vitessdo_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// windowCases are SELECTs with window functions, each compared between
// four shards and one database. The windows' ORDER BYs end in a unique
// column wherever the answer would otherwise depend on the order a
// database reads ties in.
var windowCases = []struct {
	query string
	args  []any
}{
	// Ranking.
	{query: "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items"},
	{query: "SELECT id, grp, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id) AS rn FROM items"},
	{query: "SELECT id, RANK() OVER (PARTITION BY grp ORDER BY qty) AS r, DENSE_RANK() OVER (PARTITION BY grp ORDER BY qty) AS d FROM items"},
	{query: "SELECT id, PERCENT_RANK() OVER (ORDER BY price) AS p, CUME_DIST() OVER (ORDER BY price) AS c FROM items"},
	{query: "SELECT id, NTILE(4) OVER (ORDER BY name, id) AS t, NTILE(3) OVER (PARTITION BY kind ORDER BY id) AS k FROM items"},
	// Offsets.
	{query: "SELECT id, LAG(qty) OVER (ORDER BY id) AS a, LEAD(name, 2) OVER (PARTITION BY grp ORDER BY id) AS b FROM items"},
	{query: "SELECT id, LAG(qty, 1, -100) OVER (PARTITION BY kind ORDER BY made, id) AS a, LEAD(qty, 3, 0) OVER (ORDER BY id DESC) AS b FROM items"},
	// Value functions over frames.
	{query: "SELECT id, FIRST_VALUE(name) OVER (PARTITION BY grp ORDER BY id) AS f, LAST_VALUE(name) OVER (PARTITION BY grp ORDER BY id) AS l FROM items"},
	{query: "SELECT id, LAST_VALUE(qty) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS l, NTH_VALUE(qty, 3) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n FROM items"},
	{query: "SELECT id, NTH_VALUE(name, 2) OVER (PARTITION BY kind ORDER BY id) AS n FROM items"},
	// Aggregates: the default frame (peers together), the partition, ROWS and RANGE.
	{query: "SELECT id, SUM(qty) OVER (ORDER BY qty) AS s, COUNT(*) OVER (ORDER BY qty) AS c, AVG(qty) OVER (ORDER BY qty) AS a FROM items"},
	{query: "SELECT id, SUM(qty) OVER (PARTITION BY grp) AS s, COUNT(qty) OVER (PARTITION BY grp) AS c, MIN(name) OVER (PARTITION BY grp) AS mn, MAX(made) OVER (PARTITION BY grp) AS mx FROM items"},
	{query: "SELECT id, SUM(price) OVER (PARTITION BY kind ORDER BY price) AS s, AVG(price) OVER (PARTITION BY kind) AS a FROM items"},
	{query: "SELECT id, COUNT(*) OVER () AS n, SUM(qty) OVER () AS s, MAX(ratio) OVER () AS m FROM items"},
	{query: "SELECT id, SUM(qty) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s, MIN(qty) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS m FROM items"},
	{query: "SELECT id, SUM(qty) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS s, COUNT(*) OVER (ORDER BY id ROWS 3 PRECEDING) AS c, MAX(qty) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 4 FOLLOWING) AS m FROM items"},
	{query: "SELECT id, SUM(qty) OVER (ORDER BY qty RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS s, COUNT(*) OVER (ORDER BY qty DESC RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS c FROM items"},
	{query: "SELECT id, COUNT(qty) OVER (ORDER BY qty RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS c, MAX(id) OVER (PARTITION BY grp ORDER BY qty RANGE BETWEEN UNBOUNDED PRECEDING AND 3 FOLLOWING) AS m FROM items"},
	// Named windows, one defined on another.
	{query: "SELECT id, SUM(qty) OVER w AS s, ROW_NUMBER() OVER (w ORDER BY id) AS rn FROM items WINDOW w AS (PARTITION BY grp)"},
	{query: "SELECT id, RANK() OVER w AS r, LAG(id) OVER w AS l FROM items WINDOW w AS (PARTITION BY kind ORDER BY qty, id)"},
	// Windows with the rest of the statement: WHERE with arguments,
	// expressions over windows, ORDER BY a window and LIMIT, DISTINCT.
	{query: "SELECT id, qty - SUM(qty) OVER (PARTITION BY grp) AS d FROM items WHERE id > ? AND qty IS NOT NULL", args: []any{10}},
	{query: "SELECT id, ROW_NUMBER() OVER (ORDER BY qty DESC, id) AS rn FROM items ORDER BY rn LIMIT 5"},
	{query: "SELECT id, name, RANK() OVER (ORDER BY name) AS r FROM items ORDER BY RANK() OVER (ORDER BY name) DESC, id LIMIT 7 OFFSET 2"},
	{query: "SELECT DISTINCT grp, COUNT(*) OVER (PARTITION BY grp) AS n FROM items"},
	// Over groups.
	{query: "SELECT grp, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r, SUM(SUM(qty)) OVER () AS total FROM items GROUP BY grp"},
	{query: "SELECT kind, SUM(qty) AS s, SUM(SUM(qty)) OVER (ORDER BY kind) AS running FROM items GROUP BY kind HAVING COUNT(*) > 1"},
	{query: "SELECT qty % 3 AS m, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*)) AS r FROM items WHERE id > ? GROUP BY m", args: []any{5}},
	// Joins, partitioned by the primary vindex column or not.
	{query: "SELECT i.id, t.tag, ROW_NUMBER() OVER (PARTITION BY i.id ORDER BY t.tag) AS rn FROM items i JOIN item_tags t ON t.item_id = i.id"},
	{query: "SELECT i.id, t.tag, COUNT(*) OVER (PARTITION BY i.grp) AS n FROM items i JOIN item_tags t ON t.item_id = i.id"},
	{query: "SELECT i.id, k.label, COUNT(*) OVER (PARTITION BY k.label) AS n FROM items i LEFT JOIN kinds k ON k.code = i.kind"},
	// Partitioned by the primary vindex column: pushed down.
	{query: "SELECT id, SUM(qty) OVER (PARTITION BY id) AS s, ROW_NUMBER() OVER (PARTITION BY id, grp ORDER BY name) AS rn FROM items ORDER BY id"},
	// One shard.
	{query: "SELECT id, COUNT(*) OVER () AS n FROM items WHERE id = ?", args: []any{7}},
	// Names, placeholders and clauses around the windows.
	{query: "SELECT id, qty AS grp, RANK() OVER (ORDER BY grp, id) AS r FROM items ORDER BY grp, id"},
	{query: "SELECT id FROM items ORDER BY ROW_NUMBER() OVER (ORDER BY qty DESC, id) LIMIT 3"},
	{query: "SELECT id FROM items ORDER BY SUM(qty) OVER (PARTITION BY id), id LIMIT 5"},
	{query: "SELECT id, LAG(qty, ?, ?) OVER (ORDER BY id) AS l FROM items ORDER BY id", args: []any{2, -5}},
	{query: "SELECT id, LEAD(price, 1, 0) OVER (ORDER BY id) AS l, LAG(name, 2, 'none') OVER (ORDER BY id) AS n FROM items"},
	{query: "SELECT id, COUNT(*) OVER (PARTITION BY qty > ?) AS n FROM items", args: []any{0}},
	{query: "SELECT id, SUM(qty) OVER () + ? AS s FROM items", args: []any{3}},
	{query: "SELECT SUM(COUNT(*)) OVER () AS s FROM items"},
	{query: "SELECT COUNT(*) AS n, ROW_NUMBER() OVER () AS rn FROM items WHERE id = 1000"},
	{query: "SELECT MAX(id) OVER () AS m FROM items WHERE id = 1000"},
	{query: "SELECT d.x, RANK() OVER (ORDER BY d.x) AS r FROM (SELECT grp AS x, COUNT(*) AS n FROM items GROUP BY grp) d"},
	{query: "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items WHERE id IN (SELECT item_id FROM item_tags WHERE weight > 1)"},
	{query: "SELECT DISTINCT kind, COUNT(*) OVER (PARTITION BY kind) AS n FROM items ORDER BY kind"},
	{query: "SELECT id, Row_Number() Over (Order By `id` Desc) AS rn FROM items ORDER BY rn LIMIT ?", args: []any{4}},
	{query: "SELECT id, COUNT(CASE WHEN name = 'x) over (' THEN 1 END) OVER () AS n FROM items"},
	{query: "SELECT id, ROW_NUMBER() OVER w AS rn FROM items WINDOW w AS (ORDER BY id) ORDER BY ROW_NUMBER() OVER w DESC LIMIT 3"},
	{query: "SELECT id, AVG(ratio) OVER (ORDER BY ratio RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS a, SUM(price) OVER (ORDER BY price RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS s FROM items"},
	{query: "SELECT id, ROW_NUMBER() OVER (ORDER BY id), RANK() OVER (PARTITION BY grp ORDER BY qty) FROM items"},
	{query: "SELECT i.id, COUNT(*) OVER (PARTITION BY i.id) AS n FROM items i LEFT JOIN item_tags t ON t.item_id = i.id"},
	{query: "SELECT id, SUM(ratio) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS s FROM items"},
	{query: "SELECT tok, ROW_NUMBER() OVER (PARTITION BY tok) AS r, COUNT(*) OVER (PARTITION BY note ORDER BY tok) AS c FROM tokens"},
	{query: "SELECT id, FIRST_VALUE(made) OVER (PARTITION BY kind ORDER BY id) AS f, LAG(made) OVER (ORDER BY id) AS l FROM items"},
	// Offsets and counts as each backend reads them.
	{query: "SELECT id, LAG(id, NULL) OVER (ORDER BY id) AS a, LEAD(id, NULL, 5) OVER (ORDER BY id) AS b FROM items"},
	{query: "SELECT id, NTILE(?) OVER (ORDER BY id) AS n, LAG(id, ?) OVER (ORDER BY id) AS l, NTH_VALUE(id, ?) OVER (ORDER BY id) AS v FROM items", args: []any{3, 2, 4}},
	{query: "SELECT id, NTILE(100) OVER (PARTITION BY grp ORDER BY id) AS n FROM items"},
	// A derived table's windows, its rows then read by the outer SELECT:
	// the first rows of each partition.
	{query: "SELECT d.id, d.grp, d.rn FROM (SELECT id, grp, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id) AS rn FROM items) d WHERE d.rn <= 2"},
	{query: "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY kind ORDER BY price DESC, id) AS rn FROM items) d WHERE rn <= 3"},
	{query: "SELECT grp, COUNT(*) AS n FROM (SELECT id, grp, RANK() OVER (PARTITION BY grp ORDER BY qty) AS r FROM items) d WHERE r = 1 GROUP BY grp"},
	{query: "SELECT id, rn FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY id) AS rn FROM items) d WHERE id > ? ORDER BY id LIMIT 4", args: []any{20}},
	{query: "SELECT id, rn FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items WHERE id = 5) d"},
	{query: "SELECT d.id, SUM(d.rn) OVER (ORDER BY d.id) AS s FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY qty, id) AS rn FROM items) d"},
	// Without tables, over a reference table, with long names.
	{query: "SELECT ROW_NUMBER() OVER () AS r"},
	{query: "SELECT 1 + 1 AS x, COUNT(*) OVER () AS n"},
	{query: "SELECT k.code, COUNT(*) OVER () AS n FROM kinds k"},
	{query: "SELECT i.id, k.label, ROW_NUMBER() OVER (PARTITION BY k.code ORDER BY i.id) AS r FROM items i JOIN kinds k ON k.code = i.kind"},
	{query: "SELECT id, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id, name, kind, made) FROM items"},
	{query: "SELECT id, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id, name, kind, made) FROM items WHERE id = 5"},
	// NULLS FIRST and LAST, the default written too: ranks, peers,
	// RANGE offsets and frames over NULLs where they were asked.
	{query: "SELECT id, ROW_NUMBER() OVER (ORDER BY qty NULLS LAST, id) AS rn, ROW_NUMBER() OVER (ORDER BY qty DESC NULLS FIRST, id) AS rd FROM items"},
	{query: "SELECT id, RANK() OVER (PARTITION BY grp ORDER BY qty ASC NULLS LAST) AS r, SUM(qty) OVER (ORDER BY qty DESC NULLS FIRST) AS s, COUNT(*) OVER (ORDER BY qty ASC NULLS FIRST) AS c FROM items"},
	{query: "SELECT id, SUM(qty) OVER (ORDER BY qty NULLS LAST RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS s, COUNT(qty) OVER (ORDER BY qty DESC NULLS FIRST RANGE BETWEEN CURRENT ROW AND 3 FOLLOWING) AS c FROM items"},
	{query: "SELECT id, FIRST_VALUE(qty) OVER (PARTITION BY kind ORDER BY qty DESC NULLS FIRST, id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS f, LAG(name) OVER (ORDER BY name NULLS LAST, id) AS l FROM items"},
	{query: "SELECT id, CUME_DIST() OVER w AS c, PERCENT_RANK() OVER w AS p FROM items WINDOW w AS (ORDER BY name DESC NULLS LAST)"},
	{query: "SELECT id, ROW_NUMBER() OVER (PARTITION BY id ORDER BY qty NULLS LAST) AS rn FROM items ORDER BY id"},
	{query: "SELECT d.id, d.rn FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty NULLS LAST, id) AS rn FROM items) d WHERE d.rn <= 2"},
	// GROUPS frames, and frames that exclude the row, its peers or
	// its ties, whatever the unit.
	{query: "SELECT id, SUM(qty) OVER (ORDER BY qty GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s, COUNT(*) OVER (PARTITION BY grp ORDER BY qty DESC GROUPS 2 PRECEDING) AS c FROM items"},
	{query: "SELECT id, MAX(id) OVER (ORDER BY kind, grp GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING) AS m, MIN(qty) OVER (ORDER BY qty NULLS LAST GROUPS BETWEEN 3 FOLLOWING AND UNBOUNDED FOLLOWING) AS n FROM items"},
	{query: "SELECT id, SUM(qty) OVER (ORDER BY qty, id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) AS a, COUNT(*) OVER (ORDER BY grp RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS b, SUM(qty) OVER (PARTITION BY kind ORDER BY grp GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES) AS c FROM items"},
	{query: "SELECT id, FIRST_VALUE(id) OVER (ORDER BY grp, id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW) AS f, LAST_VALUE(grp) OVER (ORDER BY grp GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING EXCLUDE TIES) AS l, NTH_VALUE(name, 2) OVER (ORDER BY grp, id RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE GROUP) AS n FROM items"},
	{query: "SELECT id, AVG(ratio) OVER (ORDER BY kind ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) AS a, SUM(price) OVER (ORDER BY grp GROUPS 1 PRECEDING EXCLUDE NO OTHERS) AS s, SUM(ratio) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) AS r FROM items"},
	{query: "SELECT id, COUNT(*) OVER (ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) AS c, SUM(qty) OVER (PARTITION BY id ORDER BY qty GROUPS 1 PRECEDING EXCLUDE CURRENT ROW) AS s FROM items ORDER BY id"},
	// * beside windows.
	{query: "SELECT *, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id) AS rn FROM items"},
	{query: "SELECT t.*, RANK() OVER (ORDER BY t.weight) AS r FROM items i JOIN item_tags t ON t.item_id = i.id"},
	{query: "SELECT RANK() OVER (ORDER BY qty) AS r, items.* FROM items WHERE id > ? ORDER BY id LIMIT 5", args: []any{10}},
}

// What the router does not evaluate is refused, saying why; what SQL
// forbids is an error.
func TestWindowShapesTheRouterRefuses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, tt := range []struct {
			query, want string
			unsupported bool
		}{
			{"SELECT *, i.*, ROW_NUMBER() OVER (ORDER BY i.id) AS r FROM items i", "two * items", true},
			{"DELETE FROM items WHERE EXISTS (SELECT 1 FROM (SELECT item_id, ROW_NUMBER() OVER (ORDER BY tag) AS rn FROM item_tags) d WHERE d.item_id = items.id AND d.rn < 3)", "a window function in DELETE outside an uncorrelated subquery", true},
			{"UPDATE items SET qty = (SELECT MAX(t.weight) OVER () FROM item_tags t WHERE t.item_id = items.id LIMIT 1)", "a window function in UPDATE outside an uncorrelated subquery", true},
			{"DELETE i FROM items i JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) d ON d.id = i.id WHERE d.rn < 3", "a window function in DELETE outside an uncorrelated subquery", true},
			{"WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT ROW_NUMBER() OVER (ORDER BY n) + n FROM r WHERE n < 5) SELECT n FROM r", "the recursive SELECT of r", true},
			{"DELETE FROM items WHERE 2 < (SELECT MAX(d.rn) FROM (SELECT ROW_NUMBER() OVER (ORDER BY tag) AS rn FROM item_tags t WHERE t.item_id = items.id) d)", "a window function in DELETE outside an uncorrelated subquery", true},
			{"SELECT id, NTILE(qty) OVER (ORDER BY id) AS n FROM items", "bucket count of NTILE", true},
			// SQLite and PostgreSQL refuse any expression there, even a
			// window a member selects.
			{"SELECT id, RANK() OVER (ORDER BY id) AS r FROM items UNION SELECT id, 2 FROM items ORDER BY ROW_NUMBER() OVER (ORDER BY id)", "the ORDER BY of a UNION", false},
			{"SELECT id, RANK() OVER (ORDER BY id) AS r FROM items UNION ALL SELECT id, 2 FROM items ORDER BY RANK() OVER (ORDER BY id)", "the ORDER BY of a UNION", false},
			{"SELECT id FROM items WHERE id = 3 UNION SELECT id FROM items WHERE id = 3 ORDER BY COUNT(*) OVER ()", "the ORDER BY of a UNION", false},
			{"SELECT rank() OVER w AS r FROM (SELECT id FROM items WINDOW w AS (ORDER BY id)) d", "window w is not defined", false},
			{"SELECT id FROM items WHERE ROW_NUMBER() OVER (ORDER BY id) > 2", "window function in WHERE", false},
			{"SELECT grp, SUM(ROW_NUMBER() OVER (ORDER BY id)) AS s FROM items GROUP BY grp", "inside the aggregate", false},
			{"SELECT id, RANK() OVER w AS r FROM items", "window w is not defined", false},
			{"SELECT qty % 3 AS m, RANK() OVER (ORDER BY qty) AS r FROM items ORDER BY m + 1", "the select alias m in ORDER BY", true},
		} {
			_, err := queryAll(p.sharded, tt.query)
			if err == nil || !strings.Contains(err.Error(), tt.want) || tt.unsupported != isUnsupported(err) {
				t.Errorf("%s: %v, want an error mentioning %q (unsupported %v)", tt.query, err, tt.want, tt.unsupported)
			}
		}
	})
}

// A grouped SELECT whose windows the router evaluates, naming a column
// neither grouped nor aggregated: PostgreSQL fails as one database does,
// with the backend's error; SQLite, which would answer with some row's
// value of the group, is refused. A column PostgreSQL accepts as
// depending on a grouped primary key is refused there too.
func TestWindowOverUngroupedColumnFailsAsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"SELECT grp, RANK() OVER (ORDER BY qty) FROM items GROUP BY grp",
			"SELECT grp, COUNT(*) AS n, SUM(qty) OVER () AS s FROM items GROUP BY grp",
			"SELECT kind, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY kind) AS r FROM items WHERE id > 3 GROUP BY kind",
			// grp is the column: qty is some row's of the group.
			"SELECT qty AS grp, COUNT(*) AS n, SUM(COUNT(*)) OVER () AS r FROM items GROUP BY grp",
			"SELECT i.grp, RANK() OVER (ORDER BY t.weight) AS r FROM items i JOIN item_tags t ON t.item_id = i.id GROUP BY i.grp",
		} {
			_, err := queryAll(p.sharded, q)
			if e.name == "sqlite" {
				if !isUnsupported(err) || !strings.Contains(err.Error(), "neither grouped nor aggregated") {
					t.Errorf("%s: %v, want unsupported: neither grouped nor aggregated", q, err)
				}
				continue
			}
			_, want := queryAll(p.oracle, q)
			if want == nil {
				t.Fatalf("oracle: %s: no error", q)
			}
			if err == nil || isUnsupported(err) || !strings.Contains(err.Error(), "must appear in the GROUP BY clause") {
				t.Errorf("%s: %v, want the backend's error, as one database's: %v", q, err, want)
			}
		}
		q := "SELECT id, name, RANK() OVER (ORDER BY qty) AS r FROM items GROUP BY id"
		if _, err := queryAll(p.sharded, q); !isUnsupported(err) {
			t.Errorf("%s: %v, want unsupported", q, err)
		}
	})
}

// Window functions return what one database returns, on both engines,
// whether the shards compute them or the router does, in the statement's
// SELECT or below it.
func TestWindowFunctionsMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, l := range mergeLayouts() {
			t.Run(l.name, func(t *testing.T) {
				p := newMergePair(t, e, l.items)
				for _, c := range append(windowCases, nestedWindowCases...) {
					ordered := strings.Contains(c.query, " LIMIT ") || strings.HasSuffix(c.query, "ORDER BY id")
					p.compare(t, ordered, c.query, c.args...)
				}
			})
		}
	})
}

// A window whose partitions each lie on one shard (PARTITION BY the
// primary vindex column, or a statement routed to one shard) runs on
// the shards, the OVER clause sent as written; any other is evaluated by
// the router over the rows of the FROM and WHERE.
func TestWindowsRunOnTheShardsWhenEachPartitionIsOnOne(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, tt := range []struct {
			query  string
			pushed bool
			shards int
		}{
			{"SELECT id, SUM(qty) OVER (PARTITION BY id) AS s FROM items", true, 4},
			{"SELECT i.id, t.tag, ROW_NUMBER() OVER (PARTITION BY t.item_id, i.id ORDER BY t.tag) AS rn FROM items i JOIN item_tags t ON t.item_id = i.id ORDER BY i.id, t.tag LIMIT 5", true, 4},
			{"SELECT id, COUNT(*) OVER (PARTITION BY grp) AS n FROM items WHERE id = 7", true, 1},
			{"SELECT id, RANK() OVER w AS r FROM items WHERE id IN (1, 2, 3) WINDOW w AS (PARTITION BY items.id ORDER BY qty)", true, 2},
			// Not on one shard: the partition is a group of any shard, a
			// LEFT JOIN's NULLs, or the whole result.
			{"SELECT id, SUM(qty) OVER (PARTITION BY grp) AS s FROM items", false, 4},
			{"SELECT i.id, COUNT(*) OVER (PARTITION BY t.item_id) AS n FROM items i LEFT JOIN item_tags t ON t.item_id = i.id", false, 4},
			{"SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items", false, 4},
			{"SELECT grp, COUNT(*) AS n, SUM(COUNT(*)) OVER (PARTITION BY grp) AS s FROM items GROUP BY grp", false, 4},
			// A CTE's, a derived table's, a UNION member's: on the
			// shards inside the statement as written, or not.
			{"WITH r AS (SELECT id, SUM(qty) OVER (PARTITION BY id) AS s FROM items) SELECT * FROM r WHERE s > 3", true, 4},
			{"WITH r AS (SELECT id, COUNT(*) OVER () AS n FROM items WHERE id = 5) SELECT * FROM r", true, 1},
			{"SELECT COUNT(*) AS n FROM (SELECT t.item_id, ROW_NUMBER() OVER (PARTITION BY t.item_id ORDER BY t.tag) AS rn FROM item_tags t) d WHERE rn = 1", true, 4},
			{"SELECT id, SUM(qty) OVER (PARTITION BY id) AS s FROM items UNION ALL SELECT item_id, COUNT(*) OVER (PARTITION BY item_id) FROM item_tags", true, 8},
			{"WITH r AS (SELECT id, SUM(qty) OVER (PARTITION BY id) AS s FROM items) SELECT * FROM r WHERE id = 7", true, 1},
			{"SELECT i.id, d.n FROM items i JOIN (SELECT id, COUNT(*) OVER (PARTITION BY id) AS n FROM items) d ON d.id = i.id WHERE i.id IN (3, 4)", true, 3},
			{"WITH r AS (SELECT id, SUM(qty) OVER (PARTITION BY grp) AS s FROM items) SELECT * FROM r WHERE s > 3", false, 4},
			{"WITH r AS (SELECT id, grp, SUM(qty) OVER (PARTITION BY grp) AS s FROM items) SELECT * FROM r WHERE grp = 'a' AND id > 3", false, 4},
			{"WITH r AS (SELECT id, COUNT(*) OVER () AS n FROM items) SELECT * FROM r WHERE id = 5", false, 4},
			{"WITH r AS (SELECT i.id, COUNT(*) OVER (PARTITION BY t.item_id) AS n FROM items i LEFT JOIN item_tags t ON t.item_id = i.id) SELECT * FROM r", false, 4},
		} {
			wantWindowsPushed(t, p, tt.query, tt.pushed, tt.shards)
		}
	})
}

// wantWindowsPushed requires a statement's windows to run on the shards
// (its shard statements holding OVER, the router evaluating none) or
// not, its plan to reach shards shard statements, and its rows to be
// one database's.
func wantWindowsPushed(t *testing.T, p *pair, query string, pushed bool, shards int) {
	t.Helper()
	res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+query)
	if err != nil {
		t.Fatalf("VEXPLAIN PLAN %s: %v", query, err)
	}
	n, over, evaluated := 0, false, false
	for _, r := range res.Rows {
		q := fmt.Sprint(r[2])
		if fmt.Sprint(r[1]) != "" {
			n++
		}
		over = over || strings.Contains(q, " OVER (")
		evaluated = evaluated || strings.Contains(q, "Evaluate (windows)")
	}
	if over != pushed || evaluated == pushed || n != shards {
		t.Errorf("%s: VEXPLAIN %v: want pushed down %v to %d shards", query, res.Rows, pushed, shards)
	}
	p.compareRows(t, query)
}

// The router holds the rows it evaluates windows over: at most
// max_memory_rows of them, past which the statement fails naming the
// limit.
func TestWindowsTheRouterEvaluatesHoldAtMostMaxMemoryRows(t *testing.T) {
	db := openMemoryBounded(t)
	loadItems(t, db, 100)
	wantMemoryRowsError(t, db, "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items")
	wantRows(t, db, "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items WHERE id <= 20", 20)
	// Pushed down, nothing is held.
	wantRows(t, db, "SELECT id, COUNT(*) OVER (PARTITION BY id) AS n FROM items", 100)
}

// What the user reads of a statement with window functions (VEXPLAIN
// rows, column names) shows each window function with its OVER clause,
// never the call the router writes it as.
func TestWindowTextsShowTheOverClause(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		// A derived table's column is named as the backend names it.
		derivedName := "count(*) OVER (PARTITION BY `grp`)"
		if e.name == "postgres" {
			derivedName = "Project id, count"
		}
		for _, tt := range []struct{ query, want string }{
			{"VEXPLAIN PLAN SELECT id, qty FROM items UNION SELECT id, RANK() OVER (ORDER BY qty) FROM items", "Project id, rank() OVER (ORDER BY qty)"},
			{"VEXPLAIN PLAN SELECT id, qty FROM items UNION ALL SELECT id, SUM(qty) OVER (PARTITION BY grp ORDER BY id DESC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM items",
				"sum(qty) OVER (PARTITION BY grp ORDER BY id DESC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)"},
			{"VEXPLAIN PLAN SELECT d.* FROM (SELECT id, COUNT(*) OVER (PARTITION BY grp) FROM items) d JOIN item_tags t ON t.item_id = d.id", derivedName},
		} {
			res, err := queryAll(p.sharded, tt.query)
			if err != nil {
				t.Fatalf("%s: %v", tt.query, err)
			}
			var texts []string
			for _, r := range res.Rows {
				texts = append(texts, fmt.Sprint(r[2]))
			}
			all := strings.Join(texts, "\n")
			if strings.Contains(all, "vitessdo_window") || !strings.Contains(all, tt.want) {
				t.Errorf("%s: rows\n%s\nwant %q and no vitessdo_window", tt.query, all, tt.want)
			}
		}
		got := p.compareRows(t, "SELECT * FROM (SELECT id, RANK() OVER (ORDER BY qty) FROM items) d")
		for _, c := range got.Columns {
			if strings.Contains(c, "vitessdo_window") {
				t.Errorf("column %q", c)
			}
		}
	})
}

// A GROUPS frame without ORDER BY makes every row a peer of every other
// on SQLite; PostgreSQL refuses it, and so does the router evaluating it
// across shards.
func TestGroupsFramesWithoutOrderByAreTheBackendsOwn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		const query = "SELECT id, SUM(qty) OVER (GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM items"
		if e.name != "postgres" {
			p.compareRows(t, query)
			return
		}
		for _, db := range []*sql.DB{p.sharded, p.oracle} {
			if _, err := queryAll(db, query); err == nil || !strings.Contains(err.Error(), "GROUPS mode requires an ORDER BY clause") {
				t.Errorf("%s: %v, want PostgreSQL's error", query, err)
			}
		}
	})
}

// An UPDATE's or DELETE's uncorrelated subqueries with windows run once
// over every shard before the write, their values bound into it: the
// write changes the rows one database changes.
func TestWindowsInWritesSubqueriesChangeWhatOneDatabaseChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "DELETE FROM items WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id) rn FROM items) t WHERE rn > 3)"},
			{query: "UPDATE items SET qty = qty + ? WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) d WHERE rn < ?)", args: []any{100, 4}},
			{query: "UPDATE items SET qty = (SELECT MAX(rn) FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) d) WHERE id > 30"},
			{query: "DELETE FROM item_tags WHERE item_id IN (SELECT id FROM (SELECT id, RANK() OVER (PARTITION BY kind ORDER BY price DESC NULLS LAST) AS r FROM items) d WHERE r = 1)"},
			{query: "UPDATE kinds SET label = 'top' WHERE code IN (SELECT kind FROM (SELECT kind, SUM(qty) OVER (PARTITION BY kind) AS s FROM items) d WHERE s > 0)"},
			{query: "DELETE FROM tokens WHERE item_id > (SELECT MIN(f) FROM (SELECT FIRST_VALUE(id) OVER (ORDER BY qty DESC NULLS FIRST, id) AS f FROM items) d) AND EXISTS (SELECT 1 FROM (SELECT id, COUNT(*) OVER (ORDER BY grp GROUPS 1 PRECEDING EXCLUDE TIES) AS n FROM items) d WHERE n > 2)"},
		} {
			p.compareWrite(t, mergeTables, c.query, c.query, c.args...)
		}
	})
}
