package eval

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sortValues sorts vs with the engine's ORDER BY for one key.
func sortValues(t *testing.T, e Engine, col Column, key SortKey, vs []any) []any {
	t.Helper()
	keys, err := e.ResolveKeys([]SortKey{key}, []Column{col})
	if err != nil {
		t.Fatal(err)
	}
	out := slices.Clone(vs)
	slices.SortStableFunc(out, func(a, b any) int { return CompareRows(keys, Row{a}, Row{b}) })
	return out
}

// The expected orders below are what sqlite3 3.40 and PostgreSQL 15
// returned for ORDER BY over the same values.
func TestCompareOrdersMixedValuesAsSQLite(t *testing.T) {
	in := []any{nil, int64(1), 1.5, int64(-2), int64(9007199254740993), 9007199254740992.0, "b", "B", "a", "é", "e",
		[]byte{0}, []byte{0xff}, "", -0.5, int64(2), "10", int64(0)}
	asc := []any{nil, int64(-2), -0.5, int64(0), int64(1), 1.5, int64(2), 9007199254740992.0, int64(9007199254740993),
		"", "10", "B", "a", "b", "e", "é", []byte{0}, []byte{0xff}}
	if diff := cmp.Diff(asc, sortValues(t, SQLite, Column{}, SortKey{}, in)); diff != "" {
		t.Errorf("ASC (-want +got):\n%s", diff)
	}
	desc := slices.Clone(asc)
	slices.Reverse(desc)
	if diff := cmp.Diff(desc, sortValues(t, SQLite, Column{}, SortKey{Desc: true}, in)); diff != "" {
		t.Errorf("DESC (-want +got):\n%s", diff)
	}
}

func TestCompareOrdersNumericTextAsPostgreSQL(t *testing.T) {
	col := Column{DatabaseType: "NUMERIC"}
	in := []any{nil, "1.50", "1.5", "-2", "0.001", "10", "9.99", "NaN", "Infinity", "-Infinity", "-0.001", "0"}
	asc := []any{"-Infinity", "-2", "-0.001", "0", "0.001", "1.50", "1.5", "9.99", "10", "Infinity", "NaN", nil}
	if diff := cmp.Diff(asc, sortValues(t, PostgreSQL, col, SortKey{}, in)); diff != "" {
		t.Errorf("ASC (-want +got):\n%s", diff)
	}
	desc := []any{nil, "NaN", "Infinity", "10", "9.99", "1.50", "1.5", "0.001", "0", "-0.001", "-2", "-Infinity"}
	if diff := cmp.Diff(desc, sortValues(t, PostgreSQL, col, SortKey{Desc: true}, in)); diff != "" {
		t.Errorf("DESC (-want +got):\n%s", diff)
	}
	// Without the NUMERIC type the same strings are text.
	text := sortValues(t, PostgreSQL, Column{DatabaseType: "TEXT"}, SortKey{}, []any{"10", "9.99", "-2"})
	if diff := cmp.Diff([]any{"-2", "10", "9.99"}, text); diff != "" {
		t.Errorf("TEXT (-want +got):\n%s", diff)
	}
}

func TestSortKeyNullPlacement(t *testing.T) {
	in := []any{int64(2), nil, int64(1)}
	tests := []struct {
		e    Engine
		key  SortKey
		want []any
	}{
		{SQLite, SortKey{}, []any{nil, int64(1), int64(2)}},
		{SQLite, SortKey{Desc: true}, []any{int64(2), int64(1), nil}},
		{SQLite, SortKey{Nulls: NullsLast}, []any{int64(1), int64(2), nil}},
		{SQLite, SortKey{Desc: true, Nulls: NullsFirst}, []any{nil, int64(2), int64(1)}},
		{PostgreSQL, SortKey{}, []any{int64(1), int64(2), nil}},
		{PostgreSQL, SortKey{Desc: true}, []any{nil, int64(2), int64(1)}},
		{PostgreSQL, SortKey{Nulls: NullsFirst}, []any{nil, int64(1), int64(2)}},
		{PostgreSQL, SortKey{Desc: true, Nulls: NullsLast}, []any{int64(2), int64(1), nil}},
	}
	for _, tt := range tests {
		got := sortValues(t, tt.e, Column{}, tt.key, in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v %+v (-want +got):\n%s", tt.e, tt.key, diff)
		}
	}
}

func TestCompareEquality(t *testing.T) {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		e    Engine
		col  Column
		a, b any
		want int
	}{
		{SQLite, Column{}, int64(1), 1.0, 0},
		{SQLite, Column{}, int64(1), "1", -1},
		{SQLite, Column{}, "a", "A", 1},
		{SQLite, Column{}, int64(math.MaxInt64), 9223372036854775807.0, -1},
		{SQLite, Column{}, int64(math.MinInt64), -9223372036854775808.0, 0},
		{SQLite, Column{}, int64(-3), -2.5, -1},
		{SQLite, Column{}, ts, ts.In(time.FixedZone("x", 3600)), 0},
		{SQLite, Column{}, ts, "2024-01-02 03:04:05", 0},
		{SQLite, Column{}, "x", []byte("x"), -1},
		{SQLite, Column{}, nil, nil, 0},
		{PostgreSQL, Column{DatabaseType: "NUMERIC"}, "1.50", "1.5", 0},
		{PostgreSQL, Column{DatabaseType: "NUMERIC"}, "-0.00", "0", 0},
		{PostgreSQL, Column{DatabaseType: "NUMERIC"}, "NaN", "NaN", 0},
		{PostgreSQL, Column{DatabaseType: "NUMERIC"}, "12", int64(12), 0},
		{PostgreSQL, Column{DatabaseType: "NUMERIC"}, "-12.5", int64(-12), -1},
		{PostgreSQL, Column{DatabaseType: "TEXT"}, "1.50", "1.5", 1},
		{PostgreSQL, Column{}, math.NaN(), math.Inf(1), 1},
		{PostgreSQL, Column{}, math.NaN(), math.NaN(), 0},
		{PostgreSQL, Column{}, false, true, -1},
		{PostgreSQL, Column{}, []byte{1, 2}, []byte{1}, 1},
	}
	for _, tt := range tests {
		if got := tt.e.Compare(tt.a, tt.b, tt.col); got != tt.want {
			t.Errorf("%v Compare(%#v, %#v) = %d, want %d", tt.e, tt.a, tt.b, got, tt.want)
		}
		if got := tt.e.Compare(tt.b, tt.a, tt.col); got != -tt.want {
			t.Errorf("%v Compare(%#v, %#v) = %d, want %d", tt.e, tt.b, tt.a, got, -tt.want)
		}
	}
}
