package vitessdo_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// outcomeCase is a statement with its arguments whose answer, or error,
// must be one database's.
type outcomeCase struct {
	query string
	args  []any
}

// compareOutcome runs a statement on both databases: both fail, or both
// return the same rows (as a multiset). A refusal as unsupported fails
// the test: the statements here are ones the merge computes.
func (p *pair) compareOutcome(t *testing.T, query string, args ...any) {
	t.Helper()
	p.outcome(t, false, query, args...)
}

// compareOrderedOutcome is compareOutcome with the rows in order.
func (p *pair) compareOrderedOutcome(t *testing.T, query string, args ...any) {
	t.Helper()
	p.outcome(t, true, query, args...)
}

// outcome is compareOutcome, comparing the rows in order when ordered.
func (p *pair) outcome(t *testing.T, ordered bool, query string, args ...any) {
	t.Helper()
	got, gerr := queryAll(p.sharded, query, args...)
	want, werr := queryAll(p.oracle, query, args...)
	switch {
	case gerr != nil && isUnsupported(gerr):
		t.Errorf("%s %v: refused: %v", query, args, gerr)
	case (gerr != nil) != (werr != nil):
		t.Errorf("%s %v: sharded error %v, one database error %v", query, args, gerr, werr)
	case gerr == nil:
		if !ordered {
			sortRows(got.Rows)
			sortRows(want.Rows)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s %v: sharded differs from one database (-oracle +sharded):\n%s", query, args, diff)
		}
	}
}

// compareOutcomes runs each case over the merge data on every engine (see
// compareOutcome).
func compareOutcomes(t *testing.T, cases []outcomeCase) {
	t.Helper()
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range cases {
			p.compareOutcome(t, c.query, c.args...)
		}
	})
}

// Arguments in expressions the merge computes take the type PostgreSQL's
// parser gives them beside the merged value (a float beside a bigint
// drops its fraction, beside a NUMERIC it is exact, under '/' the
// divisor is NULLIF(?, 0) of an integer), and pgx's or the server's error
// where the argument does not convert; on SQLite they are what they are.
func TestMergeArgumentsTakeTheirContextsType(t *testing.T) {
	cases := []outcomeCase{
		{"SELECT grp, SUM(qty) + ? AS s FROM items GROUP BY grp", []any{1.5}},
		{"SELECT grp, SUM(qty) + ? AS s FROM items GROUP BY grp", []any{-2.5}},
		{"SELECT grp, SUM(qty) + ? AS s FROM items GROUP BY grp", []any{1e20}},
		{"SELECT grp, SUM(qty) + ? AS s FROM items GROUP BY grp", []any{int64(3)}},
		{"SELECT grp, SUM(qty) + ? AS s FROM items GROUP BY grp", []any{"5"}},
		{"SELECT grp, SUM(qty) + ? AS s FROM items GROUP BY grp", []any{"5.5"}},
		{"SELECT grp, MAX(qty) - ? AS s FROM items GROUP BY grp", []any{0.75}},
		{"SELECT grp, COUNT(*) * ? AS s FROM items GROUP BY grp", []any{2.5}},
		{"SELECT grp, SUM(price) + ? AS s FROM items GROUP BY grp", []any{0.1}},
		{"SELECT grp, SUM(price) * ? AS s FROM items GROUP BY grp", []any{1e-7}},
		{"SELECT grp, SUM(ratio) * ? AS s FROM items GROUP BY grp", []any{0.1}},
		{"SELECT grp, MAX(qty) / ? AS s FROM items GROUP BY grp", []any{2.5}},
		{"SELECT grp, ? / COUNT(*) AS s FROM items GROUP BY grp", []any{2.5}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING SUM(qty) > ?", []any{1.5}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING SUM(qty) > ?", []any{-0.5}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) = ?", []any{9.9}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING SUM(price) >= ?", []any{2.25}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) IN (?, ?)", []any{9.5, 10.0}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) NOT IN (?, 3)", []any{9.5}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) IN (?, 2.5)", []any{10.0}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) IN (?, 2.5)", []any{9.5}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING SUM(qty) IN (?, SUM(price))", []any{1.5}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING MAX(name) IN (?, MAX(qty))", []any{"a"}},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING MAX(name) IN (?, 'zebra')", []any{"Zebra"}},
		{"SELECT grp, COALESCE(SUM(qty), ?) AS s FROM items GROUP BY grp", []any{1.5}},
		{"SELECT grp, COALESCE(MIN(weight), ?) AS s FROM items i LEFT JOIN item_tags t ON t.item_id = i.id GROUP BY grp", []any{1.5}},
		{"SELECT grp, CASE WHEN COUNT(*) > 9 THEN ? ELSE SUM(qty) END AS s FROM items GROUP BY grp", []any{2.5}},
		{"SELECT grp, CASE WHEN COUNT(*) > ? THEN 1 ELSE 0 END AS s FROM items GROUP BY grp", []any{9.5}},
		{"SELECT grp, SUM(qty) + ? AS s FROM items GROUP BY grp", []any{true}},
		{"SELECT grp, COALESCE(MAX(name), ?) AS s FROM items GROUP BY grp", []any{int64(7)}},
		{"SELECT grp, COALESCE(MAX(name), ?) AS s FROM items GROUP BY grp", []any{"none"}},
	}
	compareOutcomes(t, cases)
}

// COALESCE and CASE computed at the merge have the type PostgreSQL
// resolves for them: an unknown literal or argument takes the other
// branches' type (a timestamp), and branches of different categories (a
// timestamp and a text) are the server's error; SQLite returns the
// first non-NULL value as it is.
func TestMergeCoalesceAndCaseResolveOneType(t *testing.T) {
	cases := []outcomeCase{
		{query: "SELECT grp, COALESCE(MAX(made), '2024-01-01') AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(made), '2024-01-01 10:30') AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(made), 'soon') AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(made), MAX(name)) AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(name), MAX(made)) AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, IFNULL(MAX(kind), MIN(made)) AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(made), ?) AS m FROM items GROUP BY grp", args: []any{"2024-02-02 10:00:00"}},
		{query: "SELECT grp, CASE WHEN COUNT(*) > 9 THEN MAX(made) ELSE 'abc' END AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, CASE WHEN COUNT(*) > 9 THEN MAX(name) ELSE MAX(made) END AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, CASE WHEN COUNT(*) > 9 THEN MAX(made) ELSE '2023-05-05' END AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, IF(COUNT(*) > 9, MIN(made), MAX(made)) AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(qty), 'x') AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(qty), '12') AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(name), 5) AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(MAX(name), 'none') AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, CASE WHEN COUNT(*) > 9 THEN 'many' ELSE 'few' END AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COALESCE(SUM(price), SUM(qty), 0) AS m FROM items GROUP BY grp"},
		{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING MAX(made) > '2024-06-01'"},
	}
	compareOutcomes(t, cases)
}

// A float argument compared with the integer vindex column routes where
// the backend finds its row: PostgreSQL truncates it (id = 5.25 finds id
// 5), SQLite finds none.
func TestFloatArgumentOnTheVindexColumnRoutesAsTheBackendCompares(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, c := range []outcomeCase{
			{"SELECT id, name FROM items WHERE id = ?", []any{5.25}},
			{"SELECT id, name FROM items WHERE id = ?", []any{-0.5}},
			{"SELECT id FROM items WHERE id IN (?, 11, ?)", []any{5.75, 61.5}},
			{"SELECT COUNT(*) FROM items WHERE id = ? OR id = ?", []any{7.5, 8.0}},
		} {
			p.compareOutcome(t, c.query, c.args...)
		}
	})
}
