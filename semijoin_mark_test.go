package vitessdo_test

import (
	"strings"
	"testing"
)

// mustCompare compares a statement's rows with one database's, failing
// on a refusal or an error.
func (p *pair) mustCompare(t *testing.T, ordered bool, q string) {
	t.Helper()
	if _, err := queryAll(p.sharded, q); err != nil {
		t.Errorf("%s: %v", q, err)
		return
	}
	p.compare(t, ordered, q)
}

// EXISTS, IN and NOT IN subqueries over other shards under OR or NOT,
// inside an expression and in the select list run as a semi-join that
// marks each outer row with the condition's truth (TRUE, FALSE or NULL,
// as one database has it); the router evaluates the expression over the
// mark, and the other conditions of WHERE go to the shards.
func TestCorrelatedMarkSubqueriesMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range markQueries {
			p.mustCompare(t, false, q)
		}
		for _, q := range []string{
			"SELECT id FROM users u ORDER BY EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref), id",
			"SELECT id, u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) AS m FROM users u ORDER BY id DESC LIMIT 5",
		} {
			p.mustCompare(t, true, q)
		}
	})
}

// markQueries hold correlated EXISTS and IN subqueries that are not
// conditions of WHERE joined by AND.
var markQueries = []string{
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) OR u.email = 'b'",
	"SELECT id FROM users u WHERE NOT (EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) AND u.ref > 2)",
	"SELECT id FROM users u WHERE u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) OR u.ref IS NULL",
	"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) OR u.id = 1",
	"SELECT id FROM users u WHERE (u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref)) IS NULL",
	"SELECT id FROM users u WHERE NOT (u.id IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) OR u.email = 'a')",
	"SELECT id FROM users u WHERE u.id > 2 AND (EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) OR u.ref = 9)",
	"SELECT COUNT(*) FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) OR u.ref IS NULL",
	"SELECT id, EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) AS has_orders FROM users u",
	"SELECT id, NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) AS m FROM users u WHERE u.id <> 4",
	"SELECT id, u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) AS m FROM users u",
	"SELECT id, u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) AS m FROM users u",
	"SELECT id, CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) THEN 'y' ELSE 'n' END AS m FROM users u",
	"SELECT DISTINCT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) AS m FROM users u",
	"SELECT u.email, EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref) AS m FROM users u",
	"SELECT id, EXISTS (SELECT 1 FROM orders WHERE amount > 6) AS m FROM users u",
	"SELECT id FROM users u WHERE CASE WHEN u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) THEN 1 ELSE 0 END = 0",
	"SELECT id FROM users u WHERE COALESCE(u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref), 2) = 2",
	"SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.amount IN (SELECT f.v FROM flags_app f WHERE f.id <= u.id)) AS n FROM users u",
	// A mark over grouped outer columns in a grouped SELECT.
	"SELECT u.ref, EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) AS m, COUNT(*) AS n FROM users u GROUP BY u.ref",
	// Outer rows of a join across shards and of a derived table.
	"SELECT u.id, o.id AS oid FROM users u JOIN orders o ON o.amount = u.id WHERE EXISTS (SELECT 1 FROM flags_app f WHERE f.v = u.ref) OR o.id = 12",
	"SELECT u.id, o.id AS oid, o.amount IN (SELECT f.v FROM flags_app f WHERE f.id = u.ref) AS m FROM users u JOIN orders o ON o.amount = u.id",
	"SELECT d.id, EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref) AS m FROM (SELECT id, ref FROM users WHERE id > 1) AS d",
	"SELECT d.id FROM (SELECT id, ref FROM users WHERE id > 1) AS d WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref) OR d.ref IS NULL",
	// Uncorrelated ones beside correlated ones.
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) OR u.ref IN (SELECT amount FROM orders)",
}

// A correlated subquery of HAVING over grouped outer columns runs per
// row of each group (the same value for every row of a group) and the
// router evaluates HAVING over the groups.
func TestCorrelatedSubqueryInHavingMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT u.ref, COUNT(*) AS n FROM users u GROUP BY u.ref HAVING EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref)",
			"SELECT u.ref, COUNT(*) AS n FROM users u GROUP BY u.ref HAVING COUNT(*) >= (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref)",
			"SELECT u.ref FROM users u GROUP BY u.ref HAVING u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) OR COUNT(*) > 1",
			"SELECT u.ref AS r, MAX(u.id) AS m FROM users u WHERE u.id > 1 GROUP BY r HAVING NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref)",
			"SELECT u.ref, COUNT(*) AS n FROM users u GROUP BY u.ref HAVING EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) AND EXISTS (SELECT 1 FROM orders WHERE amount > 6)",
		} {
			p.mustCompare(t, false, q)
		}
		p.mustCompare(t, true, "SELECT u.ref AS r, COUNT(*) AS n FROM users u GROUP BY u.ref ORDER BY EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref), r")
	})
}

// GROUP BY, HAVING, LIMIT, ORDER BY and aggregates inside EXISTS and IN
// subqueries, and correlations without an equality of an inner and an
// outer value, run the inner statement once per distinct tuple of the
// outer values it names, bound as arguments.
func TestCorrelatedBoundSubqueriesMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range boundQueries {
			p.mustCompare(t, false, q)
		}
	})
}

// boundQueries run their subqueries per tuple of outer values.
var boundQueries = []string{
	"SELECT id FROM users u WHERE u.id IN (SELECT o.user_id FROM orders o GROUP BY o.user_id HAVING COUNT(*) > 1)",
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref LIMIT 1)",
	"SELECT id FROM users u WHERE EXISTS (SELECT o.user_id FROM orders o WHERE o.amount > u.ref GROUP BY o.user_id HAVING COUNT(*) > 1)",
	"SELECT id FROM users u WHERE EXISTS (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref)",
	"SELECT id FROM users u WHERE NOT EXISTS (SELECT o.user_id FROM orders o WHERE o.user_id = u.ref GROUP BY o.user_id HAVING COUNT(*) > 1)",
	"SELECT id FROM users u WHERE u.ref IN (SELECT MAX(o.amount) FROM orders o WHERE o.user_id = u.ref)",
	"SELECT id FROM users u WHERE u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref ORDER BY o.id DESC LIMIT 1)",
	"SELECT id FROM users u WHERE u.id NOT IN (SELECT o.user_id FROM orders o WHERE o.amount >= u.ref GROUP BY o.user_id)",
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref)",
	"SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref)",
	"SELECT id FROM users u WHERE u.id IN (SELECT o.user_id FROM orders o WHERE o.amount < u.ref)",
	"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.id > u.id + 10)",
	"SELECT id FROM users u WHERE u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.amount IS NOT NULL AND o.id > u.id + 10)",
	"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref AND o.amount > u.ref LIMIT 1 OFFSET 1)",
	"SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.amount > u.ref) AS n FROM users u",
	// A SUM of integers is NUMERIC on PostgreSQL, compared exactly.
	"SELECT id FROM users u WHERE u.id NOT IN (SELECT SUM(o.amount) FROM orders o WHERE o.user_id = u.ref)",
	"SELECT id, u.id IN (SELECT SUM(o.amount) - 2 FROM orders o WHERE o.amount >= u.ref) AS m FROM users u",
	"SELECT id FROM users u WHERE (SELECT COUNT(*) FROM orders o WHERE o.amount > u.ref) > 2",
}

// Correlated scalar subqueries with a horizon of their own: an
// expression over an aggregate, conditions beside the correlation of an
// aggregate, DISTINCT, ORDER BY … LIMIT 1 (the latest order per user),
// beside *, and in a grouped SELECT over grouped outer columns.
func TestCorrelatedScalarSubqueryShapesMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT id, (SELECT COUNT(*) + 1 FROM orders o WHERE o.user_id = u.ref) AS n FROM users u",
			"SELECT id, (SELECT SUM(o.amount) FROM orders o WHERE o.user_id = u.ref AND o.amount > 2) AS n FROM users u",
			"SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref AND o.amount <> u.ref) AS n FROM users u",
			"SELECT id, (SELECT o.amount FROM orders o WHERE o.user_id = u.ref ORDER BY o.id DESC LIMIT 1) AS latest FROM users u",
			"SELECT id, (SELECT o.amount FROM orders o WHERE o.user_id = u.ref ORDER BY o.id LIMIT 1) AS first FROM users u WHERE u.id < 7",
			"SELECT id, (SELECT DISTINCT o.user_id FROM orders o WHERE o.user_id = u.ref) AS d FROM users u",
			"SELECT u.ref, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref) AS n, COUNT(*) AS c FROM users u GROUP BY u.ref",
			"SELECT *, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref) AS n FROM users u",
			"SELECT (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.ref) AS n, u.* FROM users u",
			"SELECT u.id, (SELECT MAX(o.amount) * 2 FROM orders o WHERE o.user_id = u.ref) + u.id AS n FROM users u",
		} {
			p.mustCompare(t, false, q)
		}
		p.mustCompare(t, true, "SELECT id, (SELECT o.amount FROM orders o WHERE o.user_id = u.ref ORDER BY o.id DESC LIMIT 1) AS latest FROM users u ORDER BY id LIMIT 4")
	})
}

// A bound subquery binds the statement's own arguments before the outer
// values, names outer columns anywhere in its statement, and nests.
func TestCorrelatedBoundSubqueriesBindArgumentsAndNest(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{sql: "SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref AND o.id > ?) AND u.id < ?", args: []any{12, 8}},
			{sql: "SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.amount >= u.ref AND o.id <> ?) AS n FROM users u", args: []any{14}},
			{sql: "SELECT id, (SELECT COUNT(*) + u.id FROM orders o WHERE o.user_id = u.ref) AS n FROM users u"},
			{sql: "SELECT id, (SELECT MAX(o.amount) - u.id FROM orders o WHERE o.amount < u.ref) AS n FROM users u"},
			{sql: "SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref AND EXISTS (SELECT 1 FROM flags_app f WHERE f.v = o.amount AND f.id < u.id))"},
			{sql: "SELECT id FROM users u WHERE u.ref IN (SELECT o.amount FROM orders o WHERE o.id > u.id + 9 UNION SELECT f.v FROM flags_app f WHERE f.id = u.id)"},
			{sql: "SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref) OR u.ref IN (SELECT o.amount FROM orders o WHERE o.id > u.id + 9)"},
		} {
			if _, err := queryAll(p.sharded, q.sql, q.args...); err != nil {
				t.Errorf("%s: %v", q.sql, err)
				continue
			}
			p.compareRows(t, q.sql, q.args...)
		}
	})
}

// A * select list keeps its horizon on the shards: the conditions over
// marks and values run as a filter after the semi-join, and marks of
// the select list fill their columns after the *.
func TestCorrelatedMarksBesideStarMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) OR u.email = 'b'",
			"SELECT *, EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) AS m FROM users u",
			"SELECT u.*, u.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) AS m FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref) OR u.id < 3",
			"SELECT * FROM users u WHERE u.id > (SELECT COUNT(*) FROM orders o WHERE o.amount > u.ref) OR u.ref IS NULL",
			"SELECT *, NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) AS m FROM users u WHERE u.email <> 'a' AND (u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref)) IS NULL",
		} {
			p.mustCompare(t, false, q)
		}
		// A horizon after the semi-join expands * into the FROM tables'
		// columns.
		for _, q := range []string{
			"SELECT *, CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) THEN 'y' ELSE 'n' END AS m FROM users u",
			"SELECT DISTINCT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) OR u.email = 'b'",
			"SELECT u.*, o.* FROM users u JOIN orders o ON o.amount = u.id WHERE EXISTS (SELECT 1 FROM flags_app f WHERE f.v = u.ref) OR o.id = 12",
			"SELECT *, (SELECT COUNT(*) FROM orders o WHERE o.amount = u.id) + 1 AS n FROM users u",
			"SELECT * FROM users WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = users.id) OR users.email = 'b'",
		} {
			p.mustCompare(t, false, q)
		}
		p.mustCompare(t, true, "SELECT * FROM users u ORDER BY EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref), id")
		p.mustCompare(t, true, "SELECT *, (SELECT COUNT(*) FROM orders o WHERE o.amount > u.ref) AS n FROM users u ORDER BY n, 1")
		p.mustCompare(t, true, "SELECT * FROM users u WHERE u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) OR u.ref IS NULL ORDER BY id LIMIT 3")
		p.mustCompare(t, true, "SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref) OR u.id = 2 ORDER BY email DESC LIMIT 2 OFFSET 1")
	})
}

// A horizon after the semi-join expands * over a derived table into
// the derived table's columns: its items' aliases or column names, its
// and a column computed without an alias as the backend names it.
func TestCorrelatedSubqueryStarOverDerivedTableMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT * FROM (SELECT id, email FROM users WHERE id > 2) d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = d.id) ORDER BY id",
			"SELECT DISTINCT * FROM (SELECT ref, email AS e FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref) ORDER BY d.ref, d.e",
			"SELECT d.*, u.email AS ue FROM (SELECT id, ref FROM users WHERE id < 7) AS d JOIN users u ON u.id = d.ref WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.amount = d.id) OR u.id = 3 ORDER BY d.id",
		} {
			p.mustCompare(t, true, q)
		}
		for _, q := range []string{
			"SELECT DISTINCT * FROM (SELECT id, email FROM users WHERE id > 2) d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = d.id)",
			"SELECT DISTINCT * FROM (SELECT ref, COUNT(*) AS n FROM users GROUP BY ref) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref)",
			"SELECT DISTINCT * FROM (SELECT id, ref + 1 FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = d.id)",
			"SELECT DISTINCT d.* FROM (SELECT id, ref FROM users) AS d JOIN orders o2 ON o2.user_id = d.id WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref)",
			"SELECT DISTINCT * FROM (SELECT ref FROM users) AS d WHERE d.ref NOT IN (SELECT o.amount FROM orders o WHERE o.user_id = d.ref) OR d.ref IS NULL",
		} {
			p.mustCompare(t, false, q)
		}
		// Two columns of one name are not one name each.
		if _, err := queryAll(p.sharded, "SELECT DISTINCT * FROM (SELECT id, ref AS id FROM users) AS d WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > d.ref)"); !isUnsupported(err) {
			t.Errorf("* over a derived table with two columns id: %v, want unsupported", err)
		}
	})
}

// Marks inside aggregates count per row; a bound subquery runs inside
// the session's transaction.
func TestCorrelatedMarksInAggregatesAndTransactions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSemiPair(t, e)
		for _, q := range []string{
			"SELECT COUNT(*) AS n, COUNT(CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref) THEN 1 END) AS m FROM users u",
			"SELECT u.email, MAX(CASE WHEN u.ref IN (SELECT o.amount FROM orders o WHERE o.user_id = u.ref) THEN 1 ELSE 0 END) AS m FROM users u GROUP BY u.email",
		} {
			p.mustCompare(t, false, q)
		}
		tx, err := p.sharded.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec("INSERT INTO orders (id, user_id, amount) VALUES (20, 8, 100)"); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := tx.QueryRow("SELECT COUNT(*) FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref + 50)").Scan(&n); err != nil {
			t.Fatal(err)
		}
		// Every user with a ref sees the uncommitted amount 100.
		if n != 6 {
			t.Errorf("bound subquery in a transaction counts %d users, want 6", n)
		}
	})
}

// VEXPLAIN shows a mark's column and a bound subquery's outer values.
func TestCorrelatedMarkAndBoundExplain(t *testing.T) {
	p := newSemiPair(t, engines(t)[0])
	for q, want := range map[string]string{
		"SELECT id, EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.ref) AS m FROM users u":               "SemiJoin EXISTS MARK into 2 on outer hidden 1 = inner 1",
		"SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > u.ref)":                "SemiJoin EXISTS (inner per distinct outer hidden 1 bound)",
		"SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) OR u.email = 'b'": "Filter exists",
	} {
		res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+q)
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, r := range res.Rows {
			text = append(text, strings.TrimSpace(r[len(r)-1].(string)))
		}
		if all := strings.Join(text, "\n"); !strings.Contains(all, want) {
			t.Errorf("VEXPLAIN %s lacks %q:\n%s", q, want, all)
		}
	}
}

// The inner rows a bound IN subquery reads for one outer tuple are
// bounded by max_memory_rows.
func TestCorrelatedBoundSubqueryRespectsMaxMemoryRows(t *testing.T) {
	db := openMemoryBounded(t)
	loadItems(t, db, 100)
	_, err := queryAll(db, "SELECT a.id FROM items a WHERE a.qty IN (SELECT b.id FROM items b WHERE b.id > a.qty)")
	if err == nil || !strings.Contains(err.Error(), "max_memory_rows = 20") {
		t.Errorf("got %v, want an error naming max_memory_rows = 20", err)
	}
	if _, err := queryAll(db, "SELECT a.id FROM items a WHERE a.qty IN (SELECT b.id FROM items b WHERE b.id > a.qty + 85)"); err != nil {
		t.Errorf("within the bound: %v", err)
	}
}

// The conditions of WHERE beside a mark go to the shards and route the
// outer statement: a vindex equality reaches one shard.
func TestCorrelatedMarkKeepsOuterRouting(t *testing.T) {
	p := newSemiPair(t, engines(t)[0])
	q := "SELECT id FROM users u WHERE u.id = 3 AND (EXISTS (SELECT 1 FROM orders o WHERE o.amount = u.id) OR u.ref = 9)"
	res, err := queryAll(p.sharded, "VEXPLAIN PLAN "+q)
	if err != nil {
		t.Fatal(err)
	}
	outer := 0
	for _, r := range res.Rows {
		if text := r[len(r)-1].(string); strings.Contains(text, "FROM `users`") {
			outer++
			if !strings.Contains(text, "`u`.`id` = 3") {
				t.Errorf("outer statement %s lacks the condition u.id = 3", text)
			}
		}
	}
	if outer != 1 {
		t.Errorf("the outer statement goes to %d shards, want 1:\n%v", outer, res.Rows)
	}
	p.compareRows(t, q)
}

// Subqueries over a reference table's rows (read from one shard) and
// correlated without an equality run as a semi-join, once refused.
func TestCorrelatedSubqueriesOverReferenceRowsMatchOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		qs := []string{
			"SELECT code, EXISTS(SELECT 1 FROM items WHERE kind = 'x') AS m FROM kinds",
			"SELECT code, EXISTS(SELECT 1 FROM items i WHERE i.kind = k.code) AS m FROM kinds k",
			"SELECT id FROM items a WHERE id > (SELECT AVG(b.id) FROM items b WHERE b.grp > a.grp)",
		}
		if e.name != "postgres" {
			// PostgreSQL compares no bigint with text.
			qs = append(qs, "SELECT code FROM kinds k WHERE code IN (SELECT kind FROM items i WHERE i.id > k.code)")
		}
		for _, q := range qs {
			p.mustCompare(t, false, q)
		}
	})
}
