package vitessdo_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// columnKinds returns a statement's column type names and scan types,
// and its rows.
func columnKinds(t *testing.T, db querier, query string, args ...any) ([]string, result) {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	cts, err := rows.ColumnTypes()
	rows.Close()
	if err != nil {
		t.Fatalf("%s: column types: %v", query, err)
	}
	var kinds []string
	for _, ct := range cts {
		kinds = append(kinds, ct.DatabaseTypeName()+" "+ct.ScanType().String())
	}
	res, err := queryAll(db, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return kinds, res
}

// A SELECT without tables of decimal and exponent literals reports the
// column types and values the backend gives them (NUMERIC text on
// PostgreSQL, REAL on SQLite), as the same select list over a table's
// row does on one database, not router-made text columns.
func TestTablelessDecimalLiteralsHaveTheBackendsTypes(t *testing.T) {
	cases := []struct {
		items string
		args  []any
	}{
		{"1.5 AS a", nil},
		{"-2.50 AS a, 1e3 AS b", nil},
		{"1.5 * 2 AS a, 7 AS b", nil},
		{"1.5 + ? AS a", []any{int64(2)}},
		{"0.125 AS a, 'x' AS b", nil},
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for _, c := range cases {
			gk, got := columnKinds(t, p.sharded, "SELECT "+c.items, c.args...)
			wk, want := columnKinds(t, p.oracle, "SELECT "+c.items+" FROM kinds WHERE code = 'x'", c.args...)
			if diff := cmp.Diff(wk, gk); diff != "" {
				t.Errorf("SELECT %s: column types differ from one database's (-one database +sharded):\n%s", c.items, diff)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("SELECT %s: rows differ from one database's (-one database +sharded):\n%s", c.items, diff)
			}
		}
	})
}
