package vitessdo_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/merge"
)

// treeVSchema shards a tree of nodes by their own id, so a walk from a
// node to its children or its parent crosses shards, with a reference
// table of levels, beside an unsharded keyspace (which a name the
// VSchema does not list resolves to).
const treeVSchema = `{
  "keyspaces": {
    "meta": {"tables": {"notes": {}}},
    "tree": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "nodes": {"column_vindexes": [{"column": "id", "name": "hash"}]},
        "edges": {"column_vindexes": [{"column": "src", "name": "hash"}]},
        "tnodes": {"column_vindexes": [{"column": "tenant", "name": "hash"}]},
        "levels": {"type": "reference"}
      }
    }
  }
}`

var treeDDL = []string{
	"CREATE TABLE nodes (id BIGINT NOT NULL PRIMARY KEY, parent BIGINT, name VARCHAR(32), weight INT)",
	"CREATE TABLE edges (src BIGINT NOT NULL, dst BIGINT NOT NULL, cost INT, PRIMARY KEY (src, dst))",
	"CREATE TABLE levels (n INT NOT NULL PRIMARY KEY, label VARCHAR(16), up INT)",
	"CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body VARCHAR(32))",
	"CREATE TABLE tnodes (tenant BIGINT NOT NULL, id BIGINT NOT NULL, parent BIGINT, PRIMARY KEY (tenant, id))",
}

// loadTree creates the tree schema in a pair: two trees of 40 nodes (each
// node's parent is id/3, the roots 1 and 101), edges with a cycle, and a
// chain of ten levels.
func loadTree(t testing.TB, p *pair) {
	t.Helper()
	for _, ddl := range treeDDL {
		p.exec(t, ddl)
	}
	for i := int64(1); i <= 40; i++ {
		var parent any
		if i > 1 {
			parent = i / 3
			if i/3 == 0 {
				parent = int64(1)
			}
		}
		p.exec(t, "INSERT INTO nodes (id, parent, name, weight) VALUES (?, ?, ?, ?)", i, parent, fmt.Sprintf("n%02d", i), i%7)
		p.exec(t, "INSERT INTO nodes (id, parent, name, weight) VALUES (?, ?, ?, ?)", 100+i, map[bool]any{true: nil, false: 100 + i/2}[i == 1], fmt.Sprintf("m%02d", i), i%5)
	}
	for i := int64(1); i <= 20; i++ {
		p.exec(t, "INSERT INTO edges (src, dst, cost) VALUES (?, ?, ?)", i, i%20+1, i%4)
		p.exec(t, "INSERT INTO edges (src, dst, cost) VALUES (?, ?, ?)", i, (i*7+3)%20+1, i%3+1)
	}
	for i := 1; i <= 10; i++ {
		p.exec(t, "INSERT INTO levels (n, label, up) VALUES (?, ?, ?)", i, fmt.Sprintf("L%d", i), i+1)
	}
	// A tree per tenant, each on its tenant's shard.
	for tenant := int64(1); tenant <= 6; tenant++ {
		for i := int64(1); i <= 12; i++ {
			var parent any
			if i > 1 {
				parent = (i + tenant) % (i - 1)
				if parent == int64(0) {
					parent = int64(1)
				}
			}
			p.exec(t, "INSERT INTO tnodes (tenant, id, parent) VALUES (?, ?, ?)", tenant, i, parent)
		}
	}
}

// recursiveCases are recursive CTEs over the tree, each compared with one
// database running the same statement.
var recursiveCases = []struct {
	query   string
	args    []any
	ordered bool
}{
	// Number series, at the router alone.
	{query: "WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 30) SELECT n FROM c ORDER BY n", ordered: true},
	{query: "WITH RECURSIVE c AS (SELECT 1 AS n, 1 AS f UNION ALL SELECT n + 1, f * (n + 1) FROM c WHERE n < ?) SELECT SUM(n) AS s, MAX(f) AS m, COUNT(*) AS k FROM c", args: []any{10}},
	// Walking down from a root: the recursion reads the children of the
	// previous round's nodes, on every shard.
	{query: "WITH RECURSIVE sub AS (SELECT id, parent, name, 0 AS depth FROM nodes WHERE id = 1 UNION ALL SELECT n.id, n.parent, n.name, sub.depth + 1 FROM nodes n JOIN sub ON n.parent = sub.id) SELECT id, name, depth FROM sub"},
	{query: "WITH RECURSIVE sub (id, d) AS (SELECT id, 0 FROM nodes WHERE parent IS NULL UNION ALL SELECT nodes.id, sub.d + 1 FROM sub JOIN nodes ON nodes.parent = sub.id WHERE sub.d < ?) SELECT d, COUNT(*) AS n FROM sub GROUP BY d ORDER BY d", args: []any{2}, ordered: true},
	// Walking up from leaves to the root: the join key is the primary
	// vindex column, each round routed to its parents' shards.
	{query: "WITH RECURSIVE up AS (SELECT id, parent, name FROM nodes WHERE id IN (37, 38, 139) UNION SELECT n.id, n.parent, n.name FROM up JOIN nodes n ON n.id = up.parent) SELECT * FROM up"},
	{query: "WITH RECURSIVE up AS (SELECT id, parent, name FROM nodes WHERE id IN (37, 38, 139) UNION ALL SELECT n.id, n.parent, n.name FROM up JOIN nodes n ON n.id = up.parent) SELECT id, COUNT(*) AS n FROM up GROUP BY id"},
	// UNION stops a cycle; the statement joins the CTE with a table.
	{query: "WITH RECURSIVE reach (node) AS (SELECT CAST(1 AS SIGNED) UNION SELECT e.dst FROM edges e JOIN reach r ON e.src = r.node) SELECT r.node, n.name FROM reach r JOIN nodes n ON n.id = r.node"},
	{query: "WITH RECURSIVE reach (node, hops) AS (SELECT CAST(3 AS SIGNED), 0 UNION SELECT e.dst, r.hops + 1 FROM reach r JOIN edges e ON e.src = r.node WHERE r.hops < 4) SELECT node, MIN(hops) AS h FROM reach GROUP BY node ORDER BY node", ordered: true},
	// A sum along the path, a condition on the joined table.
	{query: "WITH RECURSIVE p (id, total) AS (SELECT id, weight FROM nodes WHERE id = 101 UNION ALL SELECT n.id, p.total + n.weight FROM p JOIN nodes n ON n.parent = p.id AND n.weight > 0) SELECT id, total FROM p"},
	// Read in a subquery of the statement, and by a second CTE.
	{query: "WITH RECURSIVE sub AS (SELECT id FROM nodes WHERE id = 4 UNION ALL SELECT n.id FROM sub JOIN nodes n ON n.parent = sub.id) SELECT name FROM nodes WHERE id IN (SELECT id FROM sub)"},
	{query: "WITH RECURSIVE sub AS (SELECT id, weight FROM nodes WHERE id = 2 UNION ALL SELECT n.id, n.weight FROM sub JOIN nodes n ON n.parent = sub.id), heavy AS (SELECT id FROM sub WHERE weight > 3) SELECT COUNT(*) AS n FROM heavy"},
	// Read twice, in a UNION, ordered and cut; placeholders in every piece.
	{query: "WITH RECURSIVE sub AS (SELECT id, parent FROM nodes WHERE id = ? UNION ALL SELECT n.id, n.parent FROM sub JOIN nodes n ON n.parent = sub.id) SELECT a.id, b.id AS pid FROM sub a JOIN sub b ON b.id = a.parent WHERE a.id > ?", args: []any{2, 10}},
	{query: "WITH RECURSIVE c (n) AS (SELECT CAST(1 AS SIGNED) UNION ALL SELECT n + 1 FROM c WHERE n < ?) SELECT n FROM c UNION SELECT id FROM nodes WHERE id < ? ORDER BY 1 LIMIT 8", args: []any{5, 12}, ordered: true},
	{query: "WITH RECURSIVE sub AS (SELECT id, name FROM nodes WHERE id = ? UNION ALL SELECT n.id, n.name FROM sub JOIN nodes n ON n.parent = sub.id) SELECT name FROM sub ORDER BY name DESC LIMIT ?", args: []any{3, 5}, ordered: true},
	{query: "WITH RECURSIVE sub AS (SELECT id FROM nodes WHERE id = 4 UNION ALL SELECT n.id FROM sub JOIN nodes n ON n.parent = sub.id) SELECT COUNT(*) AS n FROM nodes WHERE id NOT IN (SELECT id FROM sub)"},
	{query: "WITH RECURSIVE sub AS (SELECT id, parent FROM nodes WHERE id = 4 UNION ALL SELECT n.id, n.parent FROM sub JOIN nodes n ON n.parent = sub.id) SELECT n.id FROM nodes n WHERE EXISTS (SELECT 1 FROM sub WHERE sub.parent = n.id)"},
	{query: "WITH RECURSIVE sub AS (SELECT id, parent FROM nodes WHERE id = 1 UNION ALL SELECT n.id, n.parent FROM sub JOIN nodes n ON n.parent = sub.id) SELECT n.id, (SELECT COUNT(*) FROM sub WHERE sub.parent = n.id) AS kids FROM nodes n WHERE n.id < 12"},
	// Every table restricted to one tenant: one shard runs it whole.
	{query: "WITH RECURSIVE sub AS (SELECT id, parent, 0 AS depth FROM tnodes WHERE tenant = ? AND parent IS NULL UNION ALL SELECT t.id, t.parent, sub.depth + 1 FROM sub JOIN tnodes t ON t.parent = sub.id WHERE t.tenant = ?) SELECT id, depth FROM sub", args: []any{3, 3}},
	{query: "WITH RECURSIVE sub AS (SELECT id, parent, 0 AS depth FROM tnodes WHERE tenant = 2 AND parent IS NULL UNION ALL SELECT t.id, t.parent, sub.depth + 1 FROM sub JOIN tnodes t ON t.parent = sub.id WHERE t.tenant = 2) SELECT depth, COUNT(*) AS n FROM sub GROUP BY depth"},
	// Restricted to different tenants: at the router.
	{query: "WITH RECURSIVE sub AS (SELECT id, parent, 0 AS depth FROM tnodes WHERE tenant = 2 AND parent IS NULL UNION ALL SELECT t.id, t.parent, sub.depth + 1 FROM sub JOIN tnodes t ON t.parent = sub.id WHERE t.tenant = 5) SELECT depth, COUNT(*) AS n FROM sub GROUP BY depth"},
	// The statement reading a recursion over sharded tables aggregates
	// without GROUP BY, or orders and cuts its rows.
	{query: "WITH RECURSIVE t (n) AS (SELECT id FROM nodes WHERE id = 1 UNION ALL SELECT nodes.id FROM t JOIN nodes ON nodes.parent = t.n) SELECT COUNT(*), MAX(n) FROM t"},
	{query: "WITH RECURSIVE t (n) AS (SELECT id FROM nodes WHERE id = ? UNION ALL SELECT nodes.id FROM t JOIN nodes ON nodes.parent = t.n) SELECT COUNT(*) AS c, MIN(n), SUM(n), AVG(n) FROM t WHERE n > ?", args: []any{2, 100}},
	{query: "WITH RECURSIVE t (n) AS (SELECT id FROM nodes WHERE id = 1 UNION ALL SELECT nodes.id FROM t JOIN nodes ON nodes.parent = t.n) SELECT n FROM t ORDER BY n LIMIT 5", ordered: true},
	{query: "WITH RECURSIVE t (n, w) AS (SELECT id, weight FROM nodes WHERE id = 101 UNION ALL SELECT nodes.id, nodes.weight FROM t JOIN nodes ON nodes.parent = t.n) SELECT DISTINCT w FROM t ORDER BY w DESC LIMIT 3 OFFSET 1", ordered: true},
	// Over the reference table alone: one shard runs it whole.
	{query: "WITH RECURSIVE chain AS (SELECT n, label, up FROM levels WHERE n = 1 UNION ALL SELECT l.n, l.label, l.up FROM chain JOIN levels l ON l.n = chain.up) SELECT label FROM chain"},
}

// Recursive common table expressions over tables sharded so that the
// recursion crosses shards return the rows one database returns.
func TestRecursiveCTEsEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, treeVSchema)
		loadTree(t, p)
		for _, c := range recursiveCases {
			p.compare(t, c.ordered, c.query, c.args...)
		}
	})
}

// A recursion over reference tables goes to one shard whole; one over
// sharded tables runs at the router, round by round.
func TestRecursiveCTEOnOneShardIsSentWhole(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, treeVSchema)
		loadTree(t, p)
		q := "WITH RECURSIVE chain AS (SELECT n, label, up FROM levels WHERE n = ? UNION ALL SELECT l.n, l.label, l.up FROM chain JOIN levels l ON l.n = chain.up) SELECT label FROM chain"
		got := explainQueries(t, p.sharded, q, 3)
		if len(got) != 1 || !strings.Contains(strings.ToUpper(got[0]), "WITH RECURSIVE") {
			t.Errorf("VEXPLAIN PLAN %s: %q, want the whole statement on one shard", q, got)
		}
		for _, tt := range []struct {
			query string
			args  []any
			whole bool
		}{
			{"WITH RECURSIVE sub AS (SELECT id, parent FROM tnodes WHERE tenant = 4 AND parent IS NULL UNION ALL SELECT t.id, t.parent FROM tnodes t JOIN sub ON t.parent = sub.id WHERE t.tenant = 4) SELECT COUNT(*) FROM sub WHERE id IN (SELECT id FROM tnodes WHERE tenant = 4)", nil, true},
			// Placeholders are not known equal when planning.
			{"WITH RECURSIVE sub AS (SELECT id, parent FROM tnodes WHERE tenant = ? AND parent IS NULL UNION ALL SELECT t.id, t.parent FROM sub JOIN tnodes t ON t.parent = sub.id WHERE t.tenant = ?) SELECT COUNT(*) FROM sub WHERE id IN (SELECT id FROM tnodes WHERE tenant = ?)", []any{4, 4, 4}, false},
			{"WITH RECURSIVE sub AS (SELECT id, parent FROM tnodes WHERE tenant = ? AND parent IS NULL UNION ALL SELECT t.id, t.parent FROM sub JOIN tnodes t ON t.parent = sub.id WHERE t.tenant = ?) SELECT COUNT(*) FROM sub", []any{4, 5}, false},
			{"WITH RECURSIVE sub AS (SELECT id, parent FROM tnodes WHERE tenant = 4 AND parent IS NULL UNION ALL SELECT t.id, t.parent FROM sub JOIN tnodes t ON t.parent = sub.id) SELECT COUNT(*) FROM sub", nil, false},
		} {
			got := explainQueries(t, p.sharded, tt.query, tt.args...)
			whole := len(got) == 1 && strings.Contains(strings.ToUpper(got[0]), "WITH RECURSIVE")
			if whole != tt.whole {
				t.Errorf("VEXPLAIN PLAN %s %v: %q, want sent whole: %v", tt.query, tt.args, got, tt.whole)
			}
			p.compareRows(t, tt.query, tt.args...)
		}
		if got := explainQueries(t, p.oracle, recursiveCases[2].query); len(got) != 1 {
			t.Errorf("VEXPLAIN PLAN on one database: %q, want one statement", got)
		}
		// Over sharded tables VEXPLAIN shows the recursion's statements.
		for _, c := range recursiveCases {
			res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+c.query, c.args...)
			if err != nil || len(res.Rows) == 0 {
				t.Errorf("VEXPLAIN PLAN %s: %v %v", c.query, res.Rows, err)
			}
		}
		if _, err := queryAll(p.sharded, "VEXPLAIN QUERIES "+recursiveCases[3].query, recursiveCases[3].args...); err != nil {
			t.Errorf("VEXPLAIN QUERIES %s: %v", recursiveCases[3].query, err)
		}
		// In a transaction, and prepared once and run twice.
		tx, err := p.sharded.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec("UPDATE nodes SET weight = 100 WHERE id = 13"); err != nil {
			t.Fatal(err)
		}
		res, err := queryAll(tx, "WITH RECURSIVE sub AS (SELECT id, weight FROM nodes WHERE id = 1 UNION ALL SELECT n.id, n.weight FROM sub JOIN nodes n ON n.parent = sub.id) SELECT MAX(weight) FROM sub")
		if err != nil || fmt.Sprint(res.Rows) != "[[100]]" {
			t.Errorf("in a transaction: %v %v, want the transaction's row [[100]]", res.Rows, err)
		}
		stmt, err := p.sharded.Prepare("WITH RECURSIVE sub AS (SELECT id FROM nodes WHERE id = ? UNION ALL SELECT n.id FROM sub JOIN nodes n ON n.parent = sub.id) SELECT COUNT(*) FROM sub")
		if err != nil {
			t.Fatal(err)
		}
		defer stmt.Close()
		for _, tt := range []struct{ id, want int64 }{{13, 3}, {40, 1}} {
			var n int64
			if err := stmt.QueryRow(tt.id).Scan(&n); err != nil || n != tt.want {
				t.Errorf("prepared, id %d: %d %v, want %d", tt.id, n, err, tt.want)
			}
		}
	})
}

// A recursion that does not end within max_memory_rows fails naming the
// limit, with no partial result.
func TestRecursiveCTEBeyondMaxMemoryRowsFails(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		// The sharded keyspace is the default: a recursion without
		// tables runs at the router (in an unsharded default keyspace it
		// would go to its shard, which bounds nothing, as one database).
		db := openShardedWith(t, e, treeVSchema, func(c *vitessdo.Config) { c.Keyspace, c.MaxMemoryRows = "tree", 50 })
		for _, ddl := range treeDDL {
			if _, err := db.Exec(ddl); err != nil {
				t.Fatal(err)
			}
		}
		for i := 1; i <= 4; i++ {
			if _, err := db.Exec("INSERT INTO edges (src, dst, cost) VALUES (?, ?, 1)", i, i%4+1); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{
			"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c",
			"WITH RECURSIVE walk (node) AS (SELECT CAST(1 AS SIGNED) UNION ALL SELECT e.dst FROM walk w JOIN edges e ON e.src = w.node) SELECT COUNT(*) FROM walk",
		} {
			_, err := queryAll(db, q)
			var me *merge.MemoryRowsError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), "max_memory_rows = 50") {
				t.Errorf("%s: got %v, want an error naming max_memory_rows = 50", q, err)
			}
		}
		// Within the bound, and with UNION ending the cycle, it answers.
		res, err := queryAll(db, "WITH RECURSIVE walk (node) AS (SELECT CAST(1 AS SIGNED) UNION SELECT e.dst FROM walk w JOIN edges e ON e.src = w.node) SELECT COUNT(*) FROM walk")
		if err != nil || fmt.Sprint(res.Rows) != "[[4]]" {
			t.Errorf("UNION over a cycle: %v %v, want [[4]]", res.Rows, err)
		}
	})
}

// Recursive shapes the backends give different meanings are refused,
// saying why.
func TestRecursiveCTERefusals(t *testing.T) {
	p := newPair(t, engines(t)[0], treeVSchema)
	loadTree(t, p)
	for _, q := range []string{
		"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5 LIMIT 3) SELECT n FROM c",
		"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT MAX(n) + 1 FROM c WHERE n < 5) SELECT n FROM c",
		"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n IN (SELECT n FROM c)) SELECT n FROM c",
		"WITH RECURSIVE c (n) AS (SELECT id FROM nodes UNION ALL SELECT nodes.id FROM nodes LEFT JOIN c ON c.n = nodes.parent) SELECT n FROM c",
		"WITH RECURSIVE c (n) AS (SELECT n + 1 FROM c) SELECT n FROM c",
		"WITH RECURSIVE c AS (SELECT 1 UNION ALL SELECT 2 FROM c) SELECT * FROM c",
	} {
		_, err := queryAll(p.sharded, q)
		if !isUnsupported(err) {
			t.Errorf("%s: got %v, want unsupported", q, err)
		}
	}
}
