package vitessdo_test

import (
	"strings"
	"testing"
)

// nestedWindowCases are statements whose window functions lie in a
// common table expression, a derived table joined with other tables, a
// subquery or the members of a UNION, compared as windowCases are.
var nestedWindowCases = []struct {
	query string
	args  []any
}{
	// The first rows of each partition, through a CTE.
	{query: "WITH ranked AS (SELECT id, grp, qty, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id) AS rn FROM items) SELECT * FROM ranked WHERE rn <= 3"},
	{query: "WITH ranked AS (SELECT id, grp, qty, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id) AS rn FROM items) SELECT id, grp, rn FROM ranked WHERE rn <= ? ORDER BY grp, rn LIMIT 7", args: []any{2}},
	{query: "WITH r AS (SELECT id, kind, RANK() OVER (PARTITION BY kind ORDER BY price) AS r FROM items) SELECT kind, COUNT(*) AS n FROM r WHERE r = 1 GROUP BY kind"},
	{query: "WITH r AS (SELECT id, SUM(qty) OVER (PARTITION BY id) AS s FROM items) SELECT * FROM r WHERE s > ?", args: []any{3}},
	{query: "WITH r AS (SELECT id, COUNT(*) OVER () AS n FROM items WHERE id = ?) SELECT * FROM r", args: []any{5}},
	{query: "WITH r AS (SELECT id, grp, LAG(qty) OVER w AS l, SUM(qty) OVER (w ROWS 1 PRECEDING) AS s FROM items WINDOW w AS (PARTITION BY grp ORDER BY id)) SELECT * FROM r WHERE l IS NOT NULL"},
	{query: "WITH a AS (SELECT id, grp, DENSE_RANK() OVER (ORDER BY grp) AS d FROM items), b AS (SELECT * FROM a WHERE d <= 2) SELECT grp, COUNT(*) AS n, MAX(d) AS m FROM b GROUP BY grp"},
	{query: "WITH a AS (SELECT id, ROW_NUMBER() OVER (ORDER BY qty, id) AS rn FROM items) SELECT id, rn, SUM(rn) OVER (ORDER BY id) AS s FROM a"},
	{query: "WITH a AS (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) SELECT grp, n, RANK() OVER (ORDER BY n DESC) AS r FROM a"},
	{query: "WITH a AS (SELECT id, NTILE(3) OVER (ORDER BY id) AS t FROM items) SELECT t, COUNT(*) AS n FROM a GROUP BY t ORDER BY t"},
	// The derived-table form, with a WINDOW clause inside, ORDER BY and LIMIT.
	{query: "SELECT * FROM (SELECT id, kind, RANK() OVER w AS r FROM items WINDOW w AS (PARTITION BY kind ORDER BY qty)) d WHERE r = 1"},
	{query: "SELECT d.id, d.r FROM (SELECT id, RANK() OVER (ORDER BY price DESC) AS r FROM items) d WHERE d.r <= 5 ORDER BY d.r, d.id LIMIT 4"},
	{query: "SELECT * FROM (SELECT * FROM (SELECT id, grp, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY id) AS rn FROM items) d1 WHERE rn < 4) d2 WHERE rn > 1"},
	// Joined with other tables.
	{query: "WITH ranked AS (SELECT id, grp, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id) AS rn FROM items) SELECT r.id, r.rn, t.tag FROM ranked r JOIN item_tags t ON t.item_id = r.id WHERE r.rn <= 2"},
	{query: "SELECT i.id, i.name, d.rn FROM items i JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY qty, id) AS rn FROM items) d ON d.id = i.id WHERE d.rn <= 10"},
	{query: "SELECT i.id, d.n FROM items i LEFT JOIN (SELECT item_id, COUNT(*) OVER (PARTITION BY item_id) AS n FROM item_tags) d ON d.item_id = i.id"},
	{query: "SELECT k.label, d.id, d.r FROM kinds k JOIN (SELECT id, kind, RANK() OVER (PARTITION BY kind ORDER BY price, id) AS r FROM items) d ON d.kind = k.code WHERE d.r = 1"},
	{query: "WITH a AS (SELECT id, grp, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY id) AS rn FROM items), b AS (SELECT item_id, tag, RANK() OVER (ORDER BY weight) AS r FROM item_tags) SELECT a.id, a.rn, b.tag, b.r FROM a JOIN b ON b.item_id = a.id"},
	{query: "SELECT i.id FROM items i JOIN (SELECT id, RANK() OVER (ORDER BY id) AS r FROM items) d ON d.id = i.id"},
	{query: "SELECT i.id, d.s FROM items i JOIN (SELECT id, SUM(qty) OVER (PARTITION BY id) AS s FROM items) d ON d.id = i.id"},
	// Read by subqueries: uncorrelated, or correlated outside the
	// windowed derived table.
	{query: "SELECT (SELECT MAX(id) OVER () FROM items LIMIT 1) AS m FROM items"},
	{query: "SELECT id FROM items WHERE id IN (SELECT RANK() OVER (ORDER BY id) FROM items)"},
	{query: "SELECT id FROM items WHERE id NOT IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY qty DESC, id) AS rn FROM items) d WHERE rn <= 50)"},
	{query: "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS x FROM items WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY qty DESC, id) AS rn FROM items) d WHERE rn <= ?)", args: []any{5}},
	{query: "SELECT grp, COUNT(*) AS n FROM items GROUP BY grp HAVING COUNT(*) > (SELECT MIN(rn) FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY qty DESC, id) AS rn FROM items) d)"},
	{query: "SELECT i.id, t.tag FROM items i LEFT JOIN item_tags t ON t.item_id = i.id AND i.id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY qty DESC, id) AS rn FROM items) d WHERE rn <= 9)"},
	{query: "SELECT id FROM items WHERE id = 7 AND 54 = (SELECT rn FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS rn FROM items) d WHERE id = 7)"},
	{query: "SELECT id FROM items i WHERE NOT EXISTS (SELECT 1 FROM (SELECT item_id, ROW_NUMBER() OVER (ORDER BY weight, tag, item_id) AS rn FROM item_tags) d WHERE d.item_id = i.id AND rn < 20)"},
	{query: "WITH r AS (SELECT id, grp, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY qty DESC, id) AS rn FROM items) SELECT i.id, i.name FROM items i WHERE EXISTS (SELECT 1 FROM r WHERE r.id = i.id AND r.rn <= 2)"},
	{query: "SELECT i.id, (SELECT MAX(d.rn) FROM (SELECT item_id, ROW_NUMBER() OVER (ORDER BY weight, tag, item_id) AS rn FROM item_tags) d WHERE d.item_id = i.id) AS m FROM items i"},
	{query: "SELECT i.id FROM items i WHERE i.qty < (SELECT COUNT(*) FROM (SELECT id, grp, RANK() OVER (ORDER BY qty) AS r FROM items) d WHERE d.grp = i.grp AND d.r < 30)"},
	// Pushed down or routed by the outer conditions, the windows still
	// see every row of theirs.
	{query: "SELECT id, rn FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) d WHERE id = 5"},
	{query: "WITH d AS (SELECT id, COUNT(*) OVER () AS n FROM items) SELECT * FROM d WHERE id IN (3, 4)"},
	{query: "SELECT * FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) d JOIN (SELECT id, RANK() OVER (ORDER BY qty) AS r FROM items) e ON e.id = d.id WHERE d.id = 4"},
	{query: "SELECT i.id, d.rn FROM items i JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) d ON d.id = i.id WHERE i.id = 9"},
	{query: "WITH a AS (SELECT id, grp, ROW_NUMBER() OVER (ORDER BY qty, id) AS rn FROM items) SELECT t.tag, COUNT(*) AS n, MAX(a.rn) AS m FROM a JOIN item_tags t ON t.item_id = a.id GROUP BY t.tag"},
	{query: "SELECT * FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items ORDER BY id DESC LIMIT 5) d ORDER BY id"},
	{query: "SELECT COUNT(*) AS n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) d WHERE d.id = ? AND rn = 3", args: []any{3}},
	// Names, placeholders, a CTE read twice, named windows at each level.
	{query: "WITH d AS (SELECT id, qty FROM items WHERE id < 20) SELECT id, ROW_NUMBER() OVER (ORDER BY qty DESC, id), LAG(qty) OVER (ORDER BY id) FROM d"},
	{query: "WITH r AS (SELECT id, ROW_NUMBER() OVER (ORDER BY qty, id) AS rn, LAG(qty, ?) OVER (ORDER BY id) AS l FROM items WHERE qty > ?) SELECT * FROM r WHERE rn < ?", args: []any{3, 4, 5}},
	{query: "WITH r AS (SELECT id, ROW_NUMBER() OVER (ORDER BY qty, id) AS rn FROM items WHERE id > ?) SELECT a.id, a.rn, b.rn AS brn FROM r a JOIN r b ON b.id = a.id + 1", args: []any{3}},
	{query: "WITH r AS (SELECT id, ROW_NUMBER() OVER (ORDER BY qty, id) AS rn FROM items WHERE id > ?) SELECT a.id, a.rn FROM r a WHERE a.id IN (SELECT id FROM r WHERE rn < 10)", args: []any{3}},
	{query: "WITH r AS (SELECT id, grp, ROW_NUMBER() OVER w AS rn FROM items WINDOW w AS (PARTITION BY grp ORDER BY id)) SELECT grp, rn, COUNT(*) OVER w AS c FROM r WINDOW w AS (PARTITION BY rn)"},
	{query: "SELECT * FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) AS d, kinds k WHERE k.code = 'x' AND d.rn < 4"},
	{query: "SELECT DISTINCT rn FROM (SELECT id, DENSE_RANK() OVER (ORDER BY grp) AS rn FROM items) d"},
	{query: "WITH r AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items) SELECT i.id, r.rn FROM r RIGHT JOIN items i ON r.id = i.id AND r.rn < 5"},
	// Over a recursive CTE's rows, in its anchor, beside it.
	{query: "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n, ROW_NUMBER() OVER (ORDER BY n DESC) AS rn FROM r"},
	{query: "WITH RECURSIVE r (id, depth) AS (SELECT id, 0 FROM items WHERE id < 4 UNION ALL SELECT i.id, r.depth + 1 FROM r JOIN items i ON i.id = r.id * 2 WHERE r.depth < 4) SELECT id, depth, RANK() OVER (PARTITION BY depth ORDER BY id) AS rk, COUNT(*) OVER () AS n FROM r"},
	{query: "WITH RECURSIVE r (id, depth) AS (SELECT id, 0 FROM items WHERE id < 4 UNION ALL SELECT i.id, r.depth + 1 FROM r JOIN items i ON i.id = r.id * 2 WHERE r.depth < 4) SELECT * FROM (SELECT id, depth, ROW_NUMBER() OVER (PARTITION BY id ORDER BY depth) AS rn FROM r) d WHERE rn = 1"},
	{query: "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT i.id, r.n, SUM(r.n) OVER (ORDER BY i.id) AS s FROM r JOIN items i ON i.id = r.n"},
	{query: "WITH RECURSIVE r (id, rn) AS (SELECT id, ROW_NUMBER() OVER (ORDER BY qty, id) FROM items WHERE id < 10 UNION ALL SELECT r.id + 10, r.rn FROM r WHERE r.id < 30) SELECT * FROM r"},
	{query: "WITH RECURSIVE w AS (SELECT id, ROW_NUMBER() OVER (ORDER BY qty, id) AS rn FROM items), r (id, d) AS (SELECT id, 0 FROM w WHERE rn <= 3 UNION ALL SELECT i.id, r.d + 1 FROM r JOIN items i ON i.id = r.id + 1 WHERE r.d < 3) SELECT * FROM r"},
	{query: "WITH RECURSIVE r (id, d) AS (SELECT id, 0 FROM items WHERE id = ? UNION ALL SELECT id, d + 1 FROM r WHERE d < 3) SELECT id, d, ROW_NUMBER() OVER (ORDER BY d) AS rn FROM r", args: []any{5}},
	// UNION members.
	{query: "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items WHERE grp = 'a' UNION ALL SELECT id, RANK() OVER (ORDER BY qty) FROM items WHERE grp = 'b'"},
	{query: "SELECT id, COUNT(*) OVER (PARTITION BY grp) AS n FROM items UNION SELECT item_id, COUNT(*) OVER () FROM item_tags"},
	{query: "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items UNION ALL SELECT id, 0 FROM items WHERE id < ? ORDER BY rn, id LIMIT 6", args: []any{5}},
	{query: "WITH u AS (SELECT id, grp, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY id) AS rn FROM items UNION ALL SELECT item_id, tag, ROW_NUMBER() OVER (ORDER BY item_id, tag) FROM item_tags) SELECT * FROM u WHERE rn <= 2"},
	{query: "SELECT * FROM (SELECT id, SUM(qty) OVER w AS s FROM items WINDOW w AS (ORDER BY id) UNION ALL SELECT id, MAX(qty) OVER w FROM items WINDOW w AS (PARTITION BY grp)) d"},
}

// An INSERT … SELECT with window functions inserts the rows one
// database inserts: the SELECT's windows (its own, its derived table's,
// its common table expression's) see all the rows they read.
func TestInsertSelectWithWindowsMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, tc := range []struct{ stmt, check string }{
			{"INSERT INTO app.dst_b (id, k, v) SELECT id, k, v FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY id DESC) AS rn FROM app.src_a) d WHERE rn = 1", "SELECT id, k, v FROM app.dst_b"},
			{"INSERT INTO main.totals (k, n, total) SELECT id, ROW_NUMBER() OVER (ORDER BY v, id), SUM(id) OVER (PARTITION BY k) FROM app.src_a", "SELECT k, n, total FROM main.totals"},
			{"INSERT INTO main.totals (k, n, total) WITH r AS (SELECT id, k, RANK() OVER (ORDER BY k) AS r FROM app.src_a) SELECT id, k, r FROM r WHERE r > 5", "SELECT k, n, total FROM main.totals"},
			{"INSERT INTO main.totals (k, n, total) SELECT k, ROW_NUMBER() OVER (ORDER BY k DESC), COUNT(*) OVER () FROM main.plain", "SELECT k, n, total FROM main.totals"},
			{"INSERT INTO app.src_a (id, k, v) SELECT id + 100, COUNT(*) OVER (PARTITION BY id), v FROM app.src_a WHERE id < 20", "SELECT id, k, v FROM app.src_a"},
			{"INSERT INTO app.dst_b (k, v) SELECT k, v FROM (SELECT k, v, DENSE_RANK() OVER (ORDER BY k) AS d FROM main.plain) d WHERE d < 10 ORDER BY k", "SELECT id, k, v FROM app.dst_b"},
		} {
			t.Run(tc.stmt, func(t *testing.T) {
				p := newInsertSelectPair(t, e)
				p.execBoth(t, strings.Contains(tc.stmt, "dst_b"), tc.stmt)
				p.compareRows(t, tc.check)
			})
		}
	})
}

// A correlated subquery's own windows are computed over that outer
// row's rows: sent whole with the statement where they lie on its
// shard, else run once per distinct tuple of the outer values it reads,
// never over a batch of outer rows at once.
func TestCorrelatedSubqueriesWindowsMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"SELECT i.id FROM items i WHERE EXISTS (SELECT ROW_NUMBER() OVER (ORDER BY t.tag) FROM item_tags t WHERE t.item_id = i.id)",
			"SELECT i.id FROM items i WHERE i.qty IN (SELECT COUNT(*) OVER (PARTITION BY t.tag) FROM item_tags t WHERE t.weight >= i.qty)",
			"SELECT i.id FROM items i WHERE i.qty > (SELECT SUM(t.weight) OVER () FROM item_tags t WHERE t.item_id = i.id ORDER BY t.tag LIMIT 1)",
			"SELECT i.id, (SELECT COUNT(*) OVER () FROM items x WHERE x.grp = i.grp LIMIT 1) AS c FROM items i",
			"SELECT i.id FROM items i WHERE i.qty < (SELECT COUNT(*) OVER () FROM items x WHERE x.grp = i.grp LIMIT 1)",
			"SELECT i.id FROM items i WHERE i.qty IN (SELECT DENSE_RANK() OVER (ORDER BY x.qty NULLS LAST) FROM items x WHERE x.grp = i.grp)",
			"SELECT i.grp, COUNT(*) AS n FROM items i GROUP BY i.grp HAVING COUNT(*) > (SELECT MAX(x.qty) OVER () FROM items x WHERE x.grp = i.grp LIMIT 1)",
			"SELECT i.id, t.tag FROM items i JOIN item_tags t ON t.weight = i.qty WHERE 2 <= (SELECT COUNT(*) OVER (ORDER BY x.id) FROM items x WHERE x.grp = i.grp ORDER BY x.id DESC LIMIT 1)",
			"SELECT i.id FROM items i WHERE i.id = 5 AND EXISTS (SELECT ROW_NUMBER() OVER (ORDER BY x.id) FROM items x WHERE x.grp = i.grp)",
			"SELECT i.id, (SELECT LAG(x.id) OVER (ORDER BY x.id) FROM items x WHERE x.kind = i.kind ORDER BY x.id DESC LIMIT 1) AS l FROM items i WHERE i.id IN (3, 4, 5)",
			"SELECT i.id FROM items i ORDER BY (SELECT COUNT(*) OVER () FROM items x WHERE x.grp = i.grp LIMIT 1), i.id",
			"SELECT id FROM items i WHERE NOT EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND t.weight > (SELECT MIN(t2.weight) OVER () FROM item_tags t2 WHERE t2.item_id = t.item_id LIMIT 1))",
			"WITH c AS (SELECT id, grp, COUNT(*) OVER (PARTITION BY grp) AS n FROM items) SELECT c.id, (SELECT MAX(x.qty) OVER () FROM items x WHERE x.grp = c.grp LIMIT 1) AS m FROM c",
			"SELECT i.id, k.label FROM items i LEFT JOIN kinds k ON k.code = i.kind AND EXISTS (SELECT RANK() OVER (ORDER BY x.id) FROM items x WHERE x.kind = k.code AND x.id > i.id)",
			"SELECT k.code, (SELECT SUM(x.qty) OVER (ORDER BY x.qty GROUPS 1 PRECEDING EXCLUDE CURRENT ROW) FROM items x WHERE x.kind = k.code ORDER BY x.id LIMIT 1) AS s FROM kinds k",
		} {
			ordered := strings.HasSuffix(q, "i.id")
			p.compare(t, ordered, q)
		}
	})
}

// A windowed derived table inside a correlated subquery that reads the
// outer columns is computed over that outer row's rows: the subquery
// runs once per distinct tuple of the outer values it reads (or whole on
// the outer row's shard), so the derived table, bound to one tuple, is a
// SELECT of its own whose windows see all its rows.
func TestCorrelatedWindowedDerivedTablesMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"SELECT i.id FROM items i WHERE 2 < (SELECT MAX(d.rn) FROM (SELECT item_id, ROW_NUMBER() OVER (ORDER BY tag) AS rn FROM item_tags t WHERE t.item_id = i.id) d)",
			"SELECT i.id FROM items i WHERE 1 < (SELECT MAX(d.rn) FROM (SELECT ROW_NUMBER() OVER (ORDER BY id) AS rn FROM items j WHERE j.grp = i.grp) d)",
			"SELECT i.id, (SELECT MAX(d.s) FROM (SELECT SUM(qty) OVER (ORDER BY id) AS s FROM items j WHERE j.kind = i.kind) d) AS m FROM items i",
			"SELECT i.id FROM items i WHERE i.id IN (SELECT d.item_id FROM (SELECT item_id, RANK() OVER (ORDER BY weight) AS r FROM item_tags t WHERE t.weight > i.qty) d WHERE d.r = 1)",
			"SELECT i.id FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT x.id, ROW_NUMBER() OVER (PARTITION BY x.id ORDER BY x.qty) AS rn FROM items x WHERE x.id = i.id) d WHERE d.rn = 1)",
			"SELECT i.id FROM items i WHERE i.id = 7 AND 1 <= (SELECT COUNT(*) FROM (SELECT LAG(x.id) OVER (ORDER BY x.id) AS l FROM items x WHERE x.grp = i.grp) d WHERE d.l IS NOT NULL)",
			"SELECT i.grp, COUNT(*) AS n FROM items i GROUP BY i.grp HAVING COUNT(*) >= (SELECT MAX(d.r) FROM (SELECT DENSE_RANK() OVER (ORDER BY x.kind) AS r FROM items x WHERE x.grp = i.grp) d)",
			"SELECT i.id, k.label FROM items i LEFT JOIN kinds k ON k.code = i.kind AND 1 < (SELECT MAX(d.n) FROM (SELECT COUNT(*) OVER () AS n FROM items x WHERE x.kind = k.code) d)",
			"SELECT i.id FROM items i ORDER BY (SELECT MIN(d.f) FROM (SELECT FIRST_VALUE(x.id) OVER (ORDER BY x.qty DESC, x.id) AS f FROM items x WHERE x.grp = i.grp) d), i.id",
		} {
			ordered := strings.HasSuffix(q, "i.id")
			p.compare(t, ordered, q)
		}
	})
}
