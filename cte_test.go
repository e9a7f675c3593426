package vitessdo_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cteCase is a statement with common table expressions and the same
// statement written with derived tables.
type cteCase struct {
	with, derived string
	args          []any
	// dargs are the derived form's arguments when they differ (a CTE
	// read twice writes its placeholders twice).
	dargs   []any
	ordered bool
	// native: SQLite runs the WITH statement itself with the same
	// meaning (a CTE that reads a table of its own name is recursive to
	// SQLite).
	native bool
}

var cteCases = []cteCase{
	// Over a sharded table, the CTE's own GROUP BY merged.
	{with: "WITH g AS (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) SELECT * FROM g WHERE n > 1",
		derived: "SELECT * FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) AS g WHERE n > 1", native: true},
	{with: "WITH c AS (SELECT id, name, qty FROM items) SELECT c.name FROM c WHERE c.qty > 3",
		derived: "SELECT c.name FROM (SELECT id, name, qty FROM items) AS c WHERE c.qty > 3", native: true},
	// Two CTEs joined, the second over the first.
	{with: "WITH a AS (SELECT id, grp FROM items WHERE qty > 2), b AS (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) SELECT a.grp, SUM(b.n) AS s FROM a JOIN b ON b.item_id = a.id GROUP BY a.grp",
		derived: "SELECT a.grp, SUM(b.n) AS s FROM (SELECT id, grp FROM items WHERE qty > 2) AS a JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) AS b ON b.item_id = a.id GROUP BY a.grp", native: true},
	{with: "WITH a AS (SELECT id, grp, qty FROM items WHERE qty > ?), b AS (SELECT grp, SUM(qty) AS s, COUNT(*) AS n FROM a GROUP BY grp) SELECT * FROM b WHERE n > ?",
		derived: "SELECT * FROM (SELECT grp, SUM(qty) AS s, COUNT(*) AS n FROM (SELECT id, grp, qty FROM items WHERE qty > ?) AS a GROUP BY grp) AS b WHERE n > ?",
		args:    []any{1, 1}, native: true},
	// A CTE read twice, with placeholders: both copies read the same
	// arguments.
	{with: "WITH c AS (SELECT id, qty FROM items WHERE qty > ?) SELECT COUNT(*) AS n FROM c WHERE id IN (SELECT id FROM c WHERE qty < ?)",
		derived: "SELECT COUNT(*) AS n FROM (SELECT id, qty FROM items WHERE qty > ?) AS c WHERE id IN (SELECT id FROM (SELECT id, qty FROM items WHERE qty > ?) AS c WHERE qty < ?)",
		args:    []any{2, 6}, dargs: []any{2, 2, 6}, native: true},
	{with: "WITH g AS (SELECT grp, COUNT(*) AS n FROM items WHERE qty <> ? GROUP BY grp) SELECT x.grp, x.n, (SELECT MAX(n) FROM g) AS top FROM g AS x WHERE x.n >= ?",
		derived: "SELECT x.grp, x.n, (SELECT MAX(n) FROM (SELECT grp, COUNT(*) AS n FROM items WHERE qty <> ? GROUP BY grp) AS g) AS top FROM (SELECT grp, COUNT(*) AS n FROM items WHERE qty <> ? GROUP BY grp) AS x WHERE x.n >= ?",
		args:    []any{3, 3}, dargs: []any{3, 3, 3}},
	// Inside subqueries.
	{with: "WITH t AS (SELECT item_id FROM item_tags WHERE weight > 0) SELECT id, name FROM items WHERE id IN (SELECT item_id FROM t)",
		derived: "SELECT id, name FROM items WHERE id IN (SELECT item_id FROM (SELECT item_id FROM item_tags WHERE weight > 0) AS t)", native: true},
	{with: "WITH t AS (SELECT item_id, tag FROM item_tags) SELECT i.id FROM items i WHERE EXISTS (SELECT 1 FROM t WHERE t.item_id = i.id AND t.tag LIKE 't1%')",
		derived: "SELECT i.id FROM items i WHERE EXISTS (SELECT 1 FROM (SELECT item_id, tag FROM item_tags) AS t WHERE t.item_id = i.id AND t.tag LIKE 't1%')", native: true},
	// A column list.
	{with: "WITH c(g, total) AS (SELECT grp, SUM(qty) FROM items GROUP BY grp) SELECT g, total FROM c ORDER BY g",
		derived: "SELECT g, total FROM (SELECT grp AS g, SUM(qty) AS total FROM items GROUP BY grp) AS c ORDER BY g", ordered: true, native: true},
	{with: "WITH c (k, n) AS (SELECT kind AS x, COUNT(*) FROM items GROUP BY kind) SELECT * FROM c",
		derived: "SELECT * FROM (SELECT kind AS k, COUNT(*) AS n FROM items GROUP BY kind) AS c", native: true},
	// Over a UNION, and a UNION of CTEs.
	{with: "WITH u AS (SELECT grp AS v FROM items UNION SELECT tag FROM item_tags) SELECT COUNT(*) AS n FROM u",
		derived: "SELECT COUNT(*) AS n FROM (SELECT grp AS v FROM items UNION SELECT tag FROM item_tags) AS u", native: true},
	{with: "WITH u(v) AS (SELECT grp FROM items UNION ALL SELECT tag FROM item_tags) SELECT v, COUNT(*) AS n FROM u GROUP BY v",
		derived: "SELECT v, COUNT(*) AS n FROM (SELECT grp AS v FROM items UNION ALL SELECT tag FROM item_tags) AS u GROUP BY v", native: true},
	{with: "WITH c AS (SELECT id, grp FROM items WHERE qty > 4) SELECT grp FROM c UNION SELECT tag FROM item_tags WHERE item_id IN (SELECT id FROM c)",
		derived: "SELECT grp FROM (SELECT id, grp FROM items WHERE qty > 4) AS c UNION SELECT tag FROM item_tags WHERE item_id IN (SELECT id FROM (SELECT id, grp FROM items WHERE qty > 4) AS c)", native: true},
	// Placeholders before, in and after the CTEs' bodies.
	{with: "WITH c AS (SELECT id, name FROM items WHERE qty >= ?) SELECT name FROM c WHERE id > ? ORDER BY name, id LIMIT ?",
		derived: "SELECT name FROM (SELECT id, name FROM items WHERE qty >= ?) AS c WHERE id > ? ORDER BY name, id LIMIT ?",
		args:    []any{2, 3, 5}, ordered: true, native: true},
	// Filtered to one shard.
	{with: "WITH c AS (SELECT id, name FROM items WHERE id = 7) SELECT * FROM c",
		derived: "SELECT * FROM (SELECT id, name FROM items WHERE id = 7) AS c", native: true},
	{with: "WITH t AS (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) SELECT * FROM t WHERE t.item_id = ?",
		derived: "SELECT * FROM (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) AS t WHERE t.item_id = ?",
		args:    []any{5}, native: true},
	// A CTE over the reference table, joined.
	{with: "WITH k AS (SELECT code, label FROM kinds) SELECT i.id, k.label FROM items i JOIN k ON k.code = i.kind",
		derived: "SELECT i.id, k.label FROM items i JOIN (SELECT code, label FROM kinds) AS k ON k.code = i.kind", native: true},
	// The CTE hides the table of its name; its own body reads the table.
	{with: "WITH items AS (SELECT id, grp FROM items WHERE qty > 3) SELECT grp, COUNT(*) AS n FROM items GROUP BY grp",
		derived: "SELECT grp, COUNT(*) AS n FROM (SELECT id, grp FROM items WHERE qty > 3) AS items GROUP BY grp"},
	// WITH inside parentheses: a derived table, an IN subquery, a CTE's
	// body, with placeholders before, inside and after.
	{with: "SELECT d.grp, d.n FROM (WITH g AS (SELECT grp, COUNT(*) AS n FROM items WHERE qty > ? GROUP BY grp) SELECT grp, n FROM g WHERE n > ?) AS d WHERE d.grp <> ?",
		derived: "SELECT d.grp, d.n FROM (SELECT grp, n FROM (SELECT grp, COUNT(*) AS n FROM items WHERE qty > ? GROUP BY grp) AS g WHERE n > ?) AS d WHERE d.grp <> ?",
		args:    []any{0, 1, "g1"}, native: true},
	{with: "SELECT id, name FROM items WHERE qty < ? AND id IN (WITH t AS (SELECT item_id FROM item_tags WHERE weight > ?) SELECT item_id FROM t)",
		derived: "SELECT id, name FROM items WHERE qty < ? AND id IN (SELECT item_id FROM (SELECT item_id FROM item_tags WHERE weight > ?) AS t)",
		args:    []any{5, 0}, native: true},
	{with: "WITH a AS (WITH b AS (SELECT id, grp FROM items WHERE qty > ?) SELECT grp, COUNT(*) AS n FROM b GROUP BY grp) SELECT * FROM a WHERE n > ?",
		derived: "SELECT * FROM (SELECT grp, COUNT(*) AS n FROM (SELECT id, grp FROM items WHERE qty > ?) AS b GROUP BY grp) AS a WHERE n > ?",
		args:    []any{1, 1}, native: true},
	// Comments, strings holding the CTE syntax, backquoted names.
	{with: "WITH /* x AS ( */ `my c` AS (SELECT id, 'WITH y AS (' AS s FROM items -- ) comment\n WHERE name <> ')') SELECT COUNT(*), MIN(s) FROM `my c`",
		derived: "SELECT COUNT(*), MIN(s) FROM (SELECT id, 'WITH y AS (' AS s FROM items WHERE name <> ')') AS `my c`", native: true},
}

// A statement with common table expressions answers as the same statement
// written with derived tables on one database, and as the WITH statement
// on one database.
func TestCTEsEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range cteCases {
					p.compare(t, c.ordered, c.with, c.args...)
					compareWithDerived(t, p, c)
				}
			})
		}
	})
}

// compareWithDerived requires the sharded database's rows of a WITH
// statement to be one database's rows of its derived-table form.
func compareWithDerived(t *testing.T, p *pair, c cteCase) {
	t.Helper()
	got, err := queryAll(p.sharded, c.with, c.args...)
	if err != nil {
		t.Fatalf("sharded: %s: %v", c.with, err)
	}
	dargs := c.args
	if c.dargs != nil {
		dargs = c.dargs
	}
	want, err := queryAll(p.oracle, c.derived, dargs...)
	if err != nil {
		t.Fatalf("oracle: %s: %v", c.derived, err)
	}
	if !c.ordered {
		sortRows(got.Rows)
		sortRows(want.Rows)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s %v: sharded differs from one database's %s (-oracle +sharded):\n%s", c.with, c.args, c.derived, diff)
	}
}

// SQLite runs WITH itself: its rows of each statement are the sharded
// database's (the values compared as text, which the driver's types do
// not change).
func TestCTEsEqualSQLiteItself(t *testing.T) {
	var oracleFile string
	e := engine{name: "sqlite", url: func(t testing.TB, ks, shard string) string {
		u := sqliteURL(t, ks, shard)
		if shard == "0" {
			oracleFile = strings.TrimPrefix(u, "sqlite:")
		}
		return u
	}}
	p := newMergePair(t, e, mergeLayouts()[0].items)
	raw, err := sql.Open("sqlite", oracleFile)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	text := func(res result) [][]string {
		var out [][]string
		for _, r := range res.Rows {
			var row []string
			for _, v := range r {
				row = append(row, fmt.Sprint(v))
			}
			out = append(out, row)
		}
		return out
	}
	n := 0
	for _, c := range cteCases {
		if !c.native {
			continue
		}
		n++
		got, err := queryAll(p.sharded, c.with, c.args...)
		if err != nil {
			t.Fatalf("sharded: %s: %v", c.with, err)
		}
		want, err := queryAll(raw, c.with, c.args...)
		if err != nil {
			t.Fatalf("SQLite: %s: %v", c.with, err)
		}
		if !c.ordered {
			sortRows(got.Rows)
			sortRows(want.Rows)
		}
		if diff := cmp.Diff(text(want), text(got)); diff != "" {
			t.Errorf("%s %v: sharded differs from SQLite's own WITH (-sqlite +sharded):\n%s", c.with, c.args, diff)
		}
	}
	t.Logf("%d WITH statements compared with SQLite's own", n)
}

// A CTE filtered to one shard is one statement on that shard, as its
// derived table is; VEXPLAIN shows the substituted statement.
func TestCTEOnOneShardIsOneRoute(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	for _, tt := range []struct {
		query  string
		args   []any
		shards int
		sent   string
	}{
		{query: "WITH c AS (SELECT id, name FROM items WHERE id = 7) SELECT * FROM c", shards: 1, sent: "from (select `id`, `name` from `items` where `id` = 7) as `c`"},
		{query: "WITH t AS (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) SELECT * FROM t WHERE t.item_id = ?", args: []any{5}, shards: 1, sent: "where `item_id` = 5 group by"},
		{query: "WITH c AS (SELECT id FROM items WHERE qty > 0) SELECT COUNT(*) FROM c", shards: 4, sent: "from (select `id` from `items` where `qty` > 0) as `c`"},
	} {
		var n int
		for _, s := range explain(t, p.sharded, tt.query, tt.args...) {
			if strings.HasPrefix(s, "shop/") {
				n++
			}
		}
		if n != tt.shards {
			t.Errorf("%s: reaches %d shards, want %d", tt.query, n, tt.shards)
		}
		qs := strings.ToLower(fmt.Sprint(explainQueries(t, p.sharded, tt.query, tt.args...)))
		if !strings.Contains(qs, tt.sent) {
			t.Errorf("%s: the shards get %s, want %s", tt.query, qs, tt.sent)
		}
	}
}

// What the router does not run with WITH is refused saying why, and a
// malformed WITH is an error naming the CTE.
func TestCTERefusals(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeLayouts()[0].items)
	for _, tt := range []struct {
		query, want string
		args        []any
		unsupported bool
	}{
		{query: "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3 LIMIT 2) SELECT * FROM c", want: "unsupported: WITH RECURSIVE c: ORDER BY, LIMIT", unsupported: true},
		{query: "WITH c AS (SELECT id, qty FROM items) UPDATE c SET qty = 0", want: "writes the common table expression c", unsupported: true},
		{query: "WITH c AS (SELECT id FROM items) DELETE FROM c WHERE id = 1", want: "writes the common table expression c", unsupported: true},
		{query: "WITH c AS (SELECT id FROM items) INSERT INTO items (id) VALUES (1000)", want: "WITH before INSERT … VALUES", unsupported: true},
		{query: "INSERT INTO items (id) WITH c AS (SELECT id FROM items) SELECT id + 1000 FROM c ON DUPLICATE KEY UPDATE qty = 0", want: "ON DUPLICATE KEY UPDATE", unsupported: true},
		{query: "SELECT * FROM (WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3) SELECT n FROM c) d", want: "WITH RECURSIVE inside parentheses", unsupported: true},
		{query: "WITH c AS (SELECT id FROM items WHERE qty > ?) SELECT COUNT(*) FROM items", args: []any{1}, want: "WITH c: the common table expression holds ? placeholders", unsupported: true},
		{query: "WITH shop.c AS (SELECT id FROM items) SELECT * FROM c", want: "takes no qualifier", unsupported: true},
		{query: "WITH c(a) AS (SELECT id, name FROM items) SELECT * FROM c", want: "WITH c (a): the column list names 1 columns but the body selects 2"},
		{query: "WITH c AS (SELECT 1 AS x), c AS (SELECT 2 AS x) SELECT * FROM c", want: "the common table expression name c is used twice"},
		{query: "WITH c AS (SELECT id FROM items WHERE) SELECT * FROM c", want: "syntax error"},
	} {
		_, err := queryAll(p.sharded, tt.query, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || isUnsupported(err) != tt.unsupported {
			t.Errorf("%s: got %v, want an error saying %q (unsupported: %v)", tt.query, err, tt.want, tt.unsupported)
		}
	}
	// Nothing was written.
	res, err := queryAll(p.sharded, "SELECT COUNT(*) FROM items WHERE qty = 0 OR id = 1000")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := queryAll(p.oracle, "SELECT COUNT(*) FROM items WHERE qty = 0 OR id = 1000")
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("refused writes changed rows:\n%s", diff)
	}
}

// INSERT … SELECT reads CTEs written before the INSERT (as PostgreSQL and
// SQLite write them) or before its SELECT (as MySQL does): the rows
// written are those one database writes for the derived-table form, and
// a CTE named like the table inserted into is read in the SELECT only.
func TestCTEInsertSelectEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range []cteCase{
			{with: "WITH c AS (SELECT id, grp FROM items WHERE qty > ?) INSERT INTO items (id, grp, name) SELECT id + 1000, grp, 'copy' FROM c",
				derived: "INSERT INTO items (id, grp, name) SELECT id + 1000, grp, 'copy' FROM (SELECT id, grp FROM items WHERE qty > ?) AS c", args: []any{3}},
			{with: "INSERT INTO item_tags (item_id, tag, weight) WITH c AS (SELECT id, grp FROM items WHERE grp IS NOT NULL AND id < ?), w AS (SELECT item_id, MAX(weight) AS m FROM item_tags GROUP BY item_id) SELECT c.id, c.grp, w.m FROM c LEFT JOIN w ON w.item_id = c.id",
				derived: "INSERT INTO item_tags (item_id, tag, weight) SELECT c.id, c.grp, w.m FROM (SELECT id, grp FROM items WHERE grp IS NOT NULL AND id < ?) AS c LEFT JOIN (SELECT item_id, MAX(weight) AS m FROM item_tags GROUP BY item_id) AS w ON w.item_id = c.id", args: []any{40}},
			{with: "WITH items AS (SELECT id FROM items WHERE id <= ?) INSERT INTO items (id, name) SELECT id + 2000, 'shadow' FROM items",
				derived: "INSERT INTO items (id, name) SELECT id + 2000, 'shadow' FROM (SELECT id FROM items WHERE id <= ?) AS items", args: []any{5}},
		} {
			got, err := p.sharded.Exec(c.with, c.args...)
			if err != nil {
				t.Fatalf("sharded: %s: %v", c.with, err)
			}
			want, err := p.oracle.Exec(c.derived, c.args...)
			if err != nil {
				t.Fatalf("oracle: %s: %v", c.derived, err)
			}
			gn, _ := got.RowsAffected()
			wn, _ := want.RowsAffected()
			if gn != wn || gn == 0 {
				t.Errorf("%s: %d rows written, one database %d", c.with, gn, wn)
			}
			p.compareRows(t, "SELECT * FROM items")
			p.compareRows(t, "SELECT * FROM item_tags")
		}
	})
}
