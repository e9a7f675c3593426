package vitessdo_test

import (
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
)

// A correlated subquery in the ON of an outer join across shards whose
// nullable side is itself a join, reading the preserved side's columns
// and those of the join's tables, is decided per pair of rows too: the
// nested join runs as a derived table bound by the outer keys, and the
// subquery reads its columns; a subquery naming a table of its own as
// one of the join's reads its own.
func TestOuterJoinOnPairSubqueriesOverNestedJoinMatchOneDatabase(t *testing.T) {
	compareEachQuery(t, genData(), []string{
		"SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)",
		"SELECT a.id, t.note, g.tag FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.qty = g.weight AND b.grp = a.grp)",
		"SELECT a.id, g.tag FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id AND NOT EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.qty > a.qty)",
		"SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id AND g.weight NOT IN (SELECT b.qty FROM items b WHERE b.grp = a.grp)",
		"SELECT a.id, g.tag FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON g.item_id = a.id AND g.weight < (SELECT COUNT(*) FROM items b WHERE b.kind = a.kind AND b.name <> t.note)",
		"SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items t WHERE t.kind = a.kind AND t.qty = g.weight)",
		"SELECT a.grp, COUNT(g.tag) FROM items a LEFT JOIN (tokens t JOIN item_tags g ON g.item_id = t.item_id) ON t.item_id = a.id AND a.kind IN (SELECT b.kind FROM items b WHERE b.name = t.note OR b.qty = g.weight) GROUP BY a.grp",
		"SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN kinds k ON k.code = t.note) ON t.item_id = a.id AND EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = a.id)",
		"SELECT a.id, t.note FROM tokens t JOIN item_tags g ON g.item_id = t.item_id RIGHT JOIN items a ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)",
	})
}

// A correlated subquery in the ON of an outer join across shards that
// reads the preserved side's columns (with the nullable side's, or
// alone) is decided per pair of joined rows: EXISTS, NOT EXISTS, IN, NOT
// IN over NULLs and scalar comparisons match the pairs one database
// matches, and the rows no pair matches are NULL-extended.
func TestOuterJoinOnPairSubqueriesMatchOneDatabase(t *testing.T) {
	compareEachQuery(t, genData(), []string{
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND NOT EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT b.kind FROM items b WHERE b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note NOT IN (SELECT b.kind FROM items b WHERE b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND NOT (t.note IN (SELECT b.kind FROM items b WHERE b.qty > a.qty))",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.kind IN (SELECT b.kind FROM items b WHERE b.name = t.note OR b.qty = a.qty)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = a.id)",
		"SELECT a.id, t.note FROM tokens t RIGHT JOIN items a ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)",
		"SELECT a.id, g.tag FROM items a LEFT JOIN item_tags g ON g.item_id = a.qty AND g.weight < (SELECT MAX(b.qty) FROM items b WHERE b.kind = a.kind)",
		"SELECT a.id, g.tag FROM items a LEFT JOIN item_tags g ON g.item_id = a.qty AND g.weight < (SELECT COUNT(*) FROM items b WHERE b.grp = a.grp AND b.qty > g.weight)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id > a.id AND t.item_id < a.id + 3 AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND (a.qty > 0 OR EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp))",
		"SELECT a.id, t.note, k.label FROM items a JOIN kinds k ON k.code = a.kind LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.name = a.name)",
		"SELECT a.id, t.note, g.tag FROM items a LEFT JOIN tokens t ON t.item_id = a.id LEFT JOIN item_tags g ON g.item_id = a.qty AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.qty = g.weight)",
		"SELECT a.grp, COUNT(t.note) FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT b.kind FROM items b WHERE b.grp = a.grp) GROUP BY a.grp",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp) WHERE a.qty > 0",
		"SELECT a.id, t.note FROM (SELECT id, grp FROM items) a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN (SELECT item_id, note FROM tokens) t ON t.item_id = a.id AND t.note IN (SELECT b.kind FROM items b WHERE b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT b.kind FROM items b WHERE b.grp = a.grp) WHERE EXISTS (SELECT 1 FROM item_tags g WHERE g.weight = a.qty)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT b.kind FROM items b WHERE b.grp = a.grp) AND t.note IN (SELECT code FROM kinds)",
		"SELECT a.id, (SELECT COUNT(*) FROM item_tags g WHERE g.weight = a.qty) AS n, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT b.kind FROM items b WHERE b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp) ORDER BY a.id, t.note LIMIT 5",
		"SELECT * FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)",
	})
}

// The x of x [NOT] IN (SELECT …) in the ON of an outer join across
// shards may be an expression over the joined rows' columns: its value
// is computed over each candidate pair and compared as one database
// compares it.
func TestOuterJoinOnPairInOfAnExpressionMatchesOneDatabase(t *testing.T) {
	compareEachQuery(t, genData(), []string{
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.qty + 1 IN (SELECT g.weight FROM item_tags g WHERE g.tag = t.note)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.item_id * 2 NOT IN (SELECT b.qty FROM items b WHERE b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.qty + t.item_id IN (SELECT b.qty FROM items b WHERE b.kind = t.note)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND COALESCE(t.note, a.kind) IN (SELECT b.kind FROM items b WHERE b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND NOT (a.qty - 1 IN (SELECT b.qty FROM items b WHERE b.kind = t.note))",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND (a.qty % 3 IN (SELECT g.weight FROM item_tags g WHERE g.tag = t.note AND g.item_id <> a.id) OR t.note IS NULL)",
		"SELECT a.id, t.note FROM tokens t RIGHT JOIN items a ON t.item_id = a.id AND a.qty + 1 NOT IN (SELECT g.weight FROM item_tags g WHERE g.tag = t.note)",
		"SELECT a.id, g.tag FROM items a LEFT JOIN item_tags g ON g.item_id = a.id AND g.weight + a.qty IN (SELECT b.qty FROM items b WHERE b.grp = a.grp AND b.kind <> g.tag)",
		"SELECT a.grp, COUNT(t.note) AS n FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.qty * 2 IN (SELECT b.qty FROM items b WHERE b.kind = t.note) GROUP BY a.grp",
	})
}

// An unqualified column of an ON subquery whose FROM holds a derived
// table resolves in the derived table's columns as its select list
// names them, and a derived table's own columns resolve in its tables,
// then in the enclosing scopes; a derived table the join joins names
// its columns so too.
func TestOuterJoinOnSubqueryOverDerivedTableUnqualifiedMatchesOneDatabase(t *testing.T) {
	compareEachQuery(t, genData(), []string{
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT kind FROM items) b WHERE kind = t.note AND b.kind = a.kind)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT kind AS k, qty FROM items WHERE qty > 2) b WHERE k = note AND qty > a.qty)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND note IN (SELECT k FROM (SELECT kind AS k, grp AS g FROM items) b WHERE g = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND NOT EXISTS (SELECT 1 FROM (SELECT * FROM item_tags) d WHERE tag = t.note AND weight >= a.qty)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT item_id AS iid, tag FROM item_tags) d JOIN items b ON b.id = iid WHERE tag = t.note AND b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.qty < (SELECT MAX(weight) FROM (SELECT weight, tag FROM item_tags) d WHERE tag = note)",
		"SELECT a.id, t.note FROM items a LEFT JOIN (SELECT item_id, note FROM tokens) t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = note AND b.qty > item_id AND b.grp = a.grp)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT kind FROM items WHERE kind = note) b WHERE b.kind = a.kind)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT kind FROM items) d JOIN items b ON b.kind = d.kind WHERE d.kind = t.note AND b.grp = a.grp)",
	})
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		q := "SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM (SELECT kind FROM items) d, items b WHERE kind = t.note AND b.kind = a.kind)"
		_, gerr := queryAll(p.sharded, q)
		_, werr := queryAll(p.oracle, q)
		if gerr == nil || werr == nil {
			t.Errorf("%s: got %v, one database %v: want both to fail", q, gerr, werr)
		}
	})
}

// An expression's value of another kind than the subquery's values it
// meets (a number against text) is refused, as a column's is.
func TestOuterJoinOnPairInOfAnExpressionOfAnotherKindIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, q := range []string{
			"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND a.qty + 1 IN (SELECT b.kind FROM items b WHERE b.name = a.name)",
			"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND COALESCE(t.note, a.kind) NOT IN (SELECT b.qty FROM items b WHERE b.grp = a.grp)",
		} {
			if _, err := queryAll(p.sharded, q); !isUnsupported(err) {
				t.Errorf("%s: %v, want unsupported", q, err)
			}
		}
	})
}

// The unqualified columns of a subquery in the ON of an outer join
// across shards resolve as the backend resolves them: in the subquery's
// own tables first, then in the tables the join joins; a name two
// tables of one scope hold is an error on both.
func TestOuterJoinOnUnqualifiedSubqueryColumnsMatchOneDatabase(t *testing.T) {
	compareEachQuery(t, genData(), []string{
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE kind = t.note)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM kinds k WHERE code = note AND label > name)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND note IN (SELECT code FROM kinds WHERE label <> name)",
		"SELECT a.id, g.tag FROM items a LEFT JOIN item_tags g ON g.item_id = a.qty AND weight NOT IN (SELECT b.qty FROM items b WHERE b.grp = grp)",
		"SELECT a.id, t.note FROM tokens t RIGHT JOIN items a ON t.item_id = a.id AND EXISTS (SELECT 1 FROM kinds WHERE code = note AND code = kind)",
		"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND t.note IN (SELECT kind FROM items WHERE qty > 3)",
	})
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(consecutiveIDs(8)))
		for _, q := range []string{
			"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id LEFT JOIN item_tags g ON g.item_id = a.id AND EXISTS (SELECT 1 FROM kinds k WHERE k.code = t.note AND item_id > 0)",
			"SELECT a.id, b.id FROM items a LEFT JOIN items b ON b.id = a.qty AND EXISTS (SELECT 1 FROM kinds k WHERE k.code = kind)",
		} {
			_, gerr := queryAll(p.sharded, q)
			_, werr := queryAll(p.oracle, q)
			if gerr == nil || werr == nil {
				t.Errorf("%s: got %v, one database %v: want both to fail", q, gerr, werr)
			}
		}
	})
}

// The candidate pairs of a batch whose ON subqueries run per pair are
// bounded by max_memory_rows: past it the statement fails naming the
// bound, within it (smaller batches) it runs.
func TestOuterJoinOnPairSubqueriesRespectMaxMemoryRows(t *testing.T) {
	q := "SELECT a.id, k.code FROM items a LEFT JOIN kinds k ON k.code <> a.grp AND EXISTS (SELECT 1 FROM item_tags g WHERE g.weight = a.id AND g.tag <> k.code)"
	for _, tt := range []struct {
		batch int
		fails bool
	}{{50, true}, {5, false}} {
		db := openMergeShards(t, engine{name: "sqlite", url: sqliteURL}, func(c *vitessdo.Config) {
			c.MaxMemoryRows, c.JoinBatch = 20, tt.batch
		}, vitessdo.JoinHashAuto)[0]
		for _, ddl := range mergeDDL {
			if _, err := db.Exec(ddl); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec("INSERT INTO kinds (code, label) VALUES ('x', 'Ex'), ('y', 'Why'), ('w', 'Double')"); err != nil {
			t.Fatal(err)
		}
		for i := int64(1); i <= 60; i++ {
			if _, err := db.Exec("INSERT INTO items (id, grp) VALUES (?, ?)", i, []string{"x", "y", "z"}[i%3]); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("INSERT INTO item_tags (item_id, tag, weight) VALUES (?, ?, ?)", i, []string{"x", "w"}[i%2], i); err != nil {
				t.Fatal(err)
			}
		}
		res, err := queryAll(db, q)
		switch {
		case tt.fails && (err == nil || !strings.Contains(err.Error(), "max_memory_rows = 20")):
			t.Errorf("batches of %d: got %v, want an error naming max_memory_rows = 20", tt.batch, err)
		case !tt.fails && (err != nil || len(res.Rows) < 60):
			t.Errorf("batches of %d: got %v, %d rows, want at least 60", tt.batch, err, len(res.Rows))
		}
	}
}

// VEXPLAIN PLAN shows the subquery of an outer join's ON decided per
// pair of rows under the join, with its inner statement.
func TestOuterJoinOnPairSubqueryExplain(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeItems(consecutiveIDs(8)))
	res, err := queryAll(p.sharded, "VEXPLAIN PLAN SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id AND EXISTS (SELECT 1 FROM items b WHERE b.kind = t.note AND b.grp = a.grp)")
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range res.Rows {
		text = append(text, r[len(r)-1].(string))
	}
	all := strings.Join(text, "\n")
	if !strings.Contains(all, "per pair: EXISTS") || !strings.Contains(all, "FROM `items` AS `b`") {
		t.Errorf("VEXPLAIN PLAN lacks the subquery per pair:\n%s", all)
	}
}
