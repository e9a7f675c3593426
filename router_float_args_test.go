package vitessdo_test

import "testing"

// Float arguments in conditions the router evaluates on PostgreSQL (the
// residual of a join across shards, HAVING over joined rows, the filters
// and marks of a semi-join) take the type PostgreSQL's parser gives them
// beside the column they are compared with (a float beside an integer
// column is converted to it by pgx, beside a NUMERIC one it is exact), so
// the answer, or the error, is one database's; a select item that is an
// argument alone is text on PostgreSQL. On SQLite an argument has no
// type, and a bool is bound as 1 or 0.
func TestRouterFloatArgumentsTakeTheirContextsType(t *testing.T) {
	cases := []outcomeCase{
		{"SELECT a.id, w.k FROM nums a JOIN wide w ON w.id = a.id WHERE a.i > w.i + ?", []any{0.5}},
		{"SELECT a.id, w.k FROM nums a JOIN wide w ON w.id = a.id WHERE a.d > w.s * ?", []any{-1.5}},
		{"SELECT a.id, w.k FROM nums a JOIN wide w ON w.id = a.id AND a.s < w.s + ?", []any{2.5}},
		{"SELECT a.id, w.k FROM nums a LEFT JOIN wide w ON w.id = a.id AND a.f < w.s * ?", []any{0.25}},
		{"SELECT a.id, w.k FROM nums a JOIN wide w ON w.id = a.id WHERE a.b + ? < w.b", []any{1e20}},
		{"SELECT a.id, w.k FROM nums a JOIN wide w ON w.id = a.id WHERE a.s + ? < w.s", []any{40000.5}},
		{"SELECT a.g, COUNT(*) FROM nums a JOIN wide w ON w.id = a.id GROUP BY a.g HAVING SUM(w.s) > ?", []any{10.5}},
		{"SELECT a.g, COUNT(*) FROM nums a JOIN wide w ON w.id = a.id GROUP BY a.g HAVING MAX(a.d) > ?", []any{0.1}},
		{"SELECT a.g, COUNT(*) FROM nums a JOIN wide w ON w.id = a.id GROUP BY a.g HAVING MIN(w.s) < ?", []any{-0.5}},
		{"SELECT a.g, MAX(a.s) + ? FROM nums a JOIN wide w ON w.id = a.id GROUP BY a.g", []any{1.5}},
		{"SELECT a.id FROM nums a WHERE a.i IN (SELECT w.i FROM wide w WHERE w.s > ?)", []any{0.5}},
		{"SELECT a.id FROM nums a WHERE EXISTS (SELECT 1 FROM wide w WHERE w.i = a.i AND w.s > a.s + ?)", []any{0.5}},
		{"SELECT a.id FROM nums a WHERE EXISTS (SELECT 1 FROM wide w WHERE w.i = a.i AND w.b > ?)", []any{2.5}},
		{"SELECT a.id FROM nums a WHERE a.s > ? AND a.i IN (SELECT w.i FROM wide w)", []any{1.5}},
		{"SELECT a.id, a.i IN (SELECT w.i FROM wide w WHERE w.s < ?) FROM nums a", []any{100.5}},
		{"SELECT a.id, EXISTS (SELECT 1 FROM wide w WHERE w.id = a.id AND w.s * ? > a.s) FROM nums a", []any{1.5}},
		{"SELECT a.id FROM nums a WHERE a.i NOT IN (SELECT w.i FROM wide w WHERE w.i IS NOT NULL) OR a.d > ?", []any{0.5}},
		{"SELECT d.g, d.n FROM (SELECT g, SUM(s) AS n FROM nums GROUP BY g) d WHERE d.n > ?", []any{0.5}},
		{"SELECT d.x FROM (SELECT s AS x FROM nums ORDER BY id LIMIT 9) d WHERE d.x > ?", []any{0.5}},
		{"SELECT ?, w.k, w.s * a.id FROM (SELECT id FROM nums WHERE id < 5) a LEFT JOIN (SELECT k, id, s FROM wide) w ON w.id = a.id", []any{int64(9)}},
		{"SELECT ?, w.k, w.s * a.id FROM (SELECT id FROM nums WHERE id < 5) a LEFT JOIN (SELECT k, id, s FROM wide) w ON w.id = a.id", []any{1e20}},
		{"SELECT ?, w.k, w.s * a.id FROM (SELECT id FROM nums WHERE id < 5) a LEFT JOIN (SELECT k, id, s FROM wide) w ON w.id = a.id", []any{true}},
		{"SELECT ?, w.k, w.s * a.id FROM (SELECT id FROM nums WHERE id < 5) a LEFT JOIN (SELECT k, id, s FROM wide) w ON w.id = a.id", []any{2.5}},
		{"SELECT ?, w.k, w.s * a.id FROM (SELECT id FROM nums WHERE id < 5) a LEFT JOIN (SELECT k, id, s FROM wide) w ON w.id = a.id", []any{"x"}},
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newNumsPair(t, e)
		for _, q := range cases {
			p.compareOutcome(t, q.query, q.args...)
		}
	})
}
