package vitessdo_test

import "testing"

// Binary literals in expressions the merge computes mean what they mean
// on one database: on SQLite a blob whose bytes read as text in
// arithmetic (x'35' is 5, x'41' is 0) and compare bytewise, on PostgreSQL
// a bytea with no arithmetic and no common type with a number (the
// server's errors).
func TestMergeBinaryLiteralsFollowTheBackend(t *testing.T) {
	cases := []outcomeCase{
		{query: "SELECT grp, SUM(qty) + x'35' AS s FROM items GROUP BY grp"},
		{query: "SELECT grp, SUM(qty) + 0x41 AS s FROM items GROUP BY grp"},
		{query: "SELECT grp, COUNT(*) * b'110101' AS s FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(SUM(qty), x'3132') AS s FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(name), x'41') AS s FROM items GROUP BY grp"},
		{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING MAX(name) > x'61'"},
		{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) > x'35'"},
		{query: "SELECT grp, CASE WHEN COUNT(*) > 9 THEN x'41' ELSE x'42' END AS s FROM items GROUP BY grp"},
	}
	compareOutcomes(t, cases)
}
