package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// A Mark keeps every outer row and writes the condition's truth: outer
// rows are (key, x, mark), inner rows (key, y).
func TestSemiJoinMarkWritesThreeValuedTruth(t *testing.T) {
	outer := []string{"1|1|NULL", "1|NULL|NULL", "2|5|NULL", "2|4|NULL", "2|NULL|NULL", "3|7|NULL", "NULL|1|NULL", "4|NULL|NULL"}
	inner := []string{"1|1", "2|5", "2|NULL", "3|NULL", "NULL|1"}
	tests := []struct {
		kind CorrelatedKind
		eng  eval.Engine
		want []string
	}{
		{SemiExists, eval.SQLite, []string{"1|1|1", "1|NULL|1", "2|5|1", "2|4|1", "2|NULL|1", "3|7|1", "NULL|1|0", "4|NULL|0"}},
		{SemiNotExists, eval.SQLite, []string{"1|1|0", "1|NULL|0", "2|5|0", "2|4|0", "2|NULL|0", "3|7|0", "NULL|1|1", "4|NULL|1"}},
		// IN: TRUE on an equal y; NULL over rows when x or a y is NULL;
		// FALSE over no rows, NULL x included.
		{SemiIn, eval.SQLite, []string{"1|1|1", "1|NULL|NULL", "2|5|1", "2|4|NULL", "2|NULL|NULL", "3|7|NULL", "NULL|1|0", "4|NULL|0"}},
		{SemiNotIn, eval.SQLite, []string{"1|1|0", "1|NULL|NULL", "2|5|0", "2|4|NULL", "2|NULL|NULL", "3|7|NULL", "NULL|1|1", "4|NULL|1"}},
		{SemiIn, eval.PostgreSQL, []string{"1|1|1", "1|NULL|NULL", "2|5|1", "2|4|NULL", "2|NULL|NULL", "3|7|NULL", "NULL|1|0", "4|NULL|0"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			open, _, _ := innerOf(t, "ik:BIGINT y:BIGINT", inner...)
			sub := Correlated{Kind: tt.kind, Mark: true, Into: 2, Keys: []JoinKey{{Outer: 0, Inner: 0}}, Left: 1, Value: 1, Open: open}
			s, err := NewSemiJoin(lit(t, "k:BIGINT x:BIGINT m:BIGINT", outer...), []Correlated{sub}, 3, 100, tt.eng)
			if err != nil {
				t.Fatal(err)
			}
			if c := s.Columns()[2]; c.Name != "m" {
				t.Errorf("mark column named %q, want m", c.Name)
			}
			got, err := drain(t, s)
			if err != nil {
				t.Fatal(err)
			}
			want := parseRows(t, s.Columns(), tt.want...)
			if len(got) != len(want) {
				t.Fatalf("got %d rows %v, want %v", len(got), got, want)
			}
			for i := range got {
				if !sameValue(got[i][2], want[i][2]) {
					t.Errorf("row %v: mark %v, want %v", got[i], got[i][2], want[i][2])
				}
			}
		})
	}
}

// rowInner returns an OpenRow whose inner rows for an outer row are
// those of rows whose first column equals the outer column at, and a
// count of the statements run.
func rowInner(t *testing.T, colSpec string, at int, rows ...string) (func(Row) (Iterator, error), *int) {
	n := 0
	all := parseRows(t, cols(colSpec), rows...)
	return func(o Row) (Iterator, error) {
		n++
		var out []Row
		for _, r := range all {
			if o[at] != nil && r[0] != nil && sameValue(r[0], o[at]) {
				out = append(out, r)
			}
		}
		return NewStatic(cols(colSpec), out), nil
	}, &n
}

// A subquery with OpenRow runs once per distinct tuple of outer values
// and decides each row over its own inner rows.
func TestSemiJoinOpenRowRunsOncePerDistinctTuple(t *testing.T) {
	open, runs := rowInner(t, "ik:BIGINT y:BIGINT", 0, "1|1", "2|5", "2|NULL")
	sub := Correlated{Kind: SemiIn, Args: []int{0}, Left: 1, Value: 1, OpenRow: open}
	s, err := NewSemiJoin(lit(t, "k:BIGINT x:BIGINT", "1|1", "1|1", "2|5", "2|5", "2|4", "3|3"), []Correlated{sub}, 2, 100, eval.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, s, "1|1", "1|1", "2|5", "2|5")
	// Once each for (1,1), (2,5), (2,4), (3,3).
	if *runs != 4 {
		t.Errorf("inner ran %d times, want 4", *runs)
	}
}

// A scalar subquery with OpenRow takes its one row's value; several
// rows are PostgreSQL's error, SQLite's refusal unless ORDER BY decides.
func TestSemiJoinOpenRowScalar(t *testing.T) {
	for _, tt := range []struct {
		eng     eval.Engine
		ordered bool
		want    error
	}{
		{eval.PostgreSQL, true, ErrSubqueryRows},
		{eval.SQLite, false, ErrSubqueryRowOrder},
		{eval.SQLite, true, nil},
	} {
		open, _ := rowInner(t, "ik:BIGINT y:BIGINT", 0, "1|3", "2|5", "2|4")
		sub := Correlated{Kind: SemiValue, Args: []int{0}, Value: 1, Into: 1, Default: int64(0), Ordered: tt.ordered, OpenRow: open}
		s, err := NewSemiJoin(lit(t, "k:BIGINT n:BIGINT", "1|NULL", "3|NULL", "2|NULL"), []Correlated{sub}, 2, 100, tt.eng)
		if err != nil {
			t.Fatal(err)
		}
		got, err := drain(t, s)
		if !errors.Is(err, tt.want) {
			t.Errorf("%v ordered %v: %v, want %v", tt.eng, tt.ordered, err, tt.want)
		}
		if err == nil && (len(got) != 3 || got[0][1] != int64(3) || got[1][1] != int64(0) || got[2][1] != int64(5)) {
			t.Errorf("rows %v, want values 3, 0 (the default), 5", got)
		}
	}
}

// An unordered LIMIT taken off a subquery (Cut) refuses only when the
// rows past it hold other values than those it keeps.
func TestSemiJoinCutRefusesAnArbitraryLimit(t *testing.T) {
	for _, tt := range []struct {
		name  string
		kind  CorrelatedKind
		inner []string
		want  error
	}{
		{"scalar over one value", SemiValue, []string{"1|3", "1|3"}, nil},
		{"scalar over two values", SemiValue, []string{"1|3", "1|4"}, ErrSubqueryLimitOrder},
		{"IN within the limit", SemiIn, []string{"1|3", "1|4"}, nil},
		{"IN past the limit", SemiIn, []string{"1|3", "1|4", "1|5"}, ErrSubqueryLimitOrder},
	} {
		t.Run(tt.name, func(t *testing.T) {
			open, _ := rowInner(t, "ik:BIGINT y:BIGINT", 0, tt.inner...)
			cut := 1
			if tt.kind == SemiIn {
				cut = 2
			}
			sub := Correlated{Kind: tt.kind, Args: []int{0}, Left: 1, Value: 1, Into: 1, Cut: cut, OpenRow: open}
			for _, eng := range []eval.Engine{eval.SQLite, eval.PostgreSQL} {
				s, err := NewSemiJoin(lit(t, "k:BIGINT x:BIGINT", "1|3"), []Correlated{sub}, 2, 100, eng)
				if err == nil {
					_, err = drain(t, s)
				}
				if !errors.Is(err, tt.want) {
					t.Errorf("%v: %v, want %v", eng, err, tt.want)
				}
			}
		})
	}
}

// The inner rows of a bound IN subquery for one tuple are bounded by
// maxRows.
func TestSemiJoinOpenRowRespectsMaxRows(t *testing.T) {
	open, _ := rowInner(t, "ik:BIGINT y:BIGINT", 0, "1|1", "1|2", "1|3")
	sub := Correlated{Kind: SemiIn, Args: []int{0}, Left: 1, Value: 1, OpenRow: open}
	_, err := NewSemiJoin(lit(t, "k:BIGINT x:BIGINT", "1|3"), []Correlated{sub}, 2, 2, eval.SQLite)
	var me *MemoryRowsError
	if !errors.As(err, &me) {
		t.Errorf("got %v, want a MemoryRowsError", err)
	}
}

// An integer x IN a PostgreSQL NUMERIC column (a SUM of integers)
// compares as NUMERIC, exactly.
func TestSemiJoinInComparesIntegersWithNumeric(t *testing.T) {
	open, _, _ := innerOf(t, "ik:BIGINT y:NUMERIC", "1|3.0", "2|4.5")
	sub := Correlated{Kind: SemiIn, Keys: []JoinKey{{Outer: 0, Inner: 0}}, Left: 1, Value: 1, Open: open}
	s, err := NewSemiJoin(lit(t, "k:BIGINT x:BIGINT", "1|3", "2|4", "1|4"), []Correlated{sub}, 4, 100, eval.PostgreSQL)
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, s, "1|3")
}

// Keep cuts the sorted rows of a subquery with OpenRow; a tie across the
// cut between different values is refused. Inner rows are (key, value,
// order term).
func TestSemiJoinKeepRefusesATieAcrossTheCut(t *testing.T) {
	for _, tt := range []struct {
		name  string
		inner []string
		want  error
		value int64
	}{
		{"no tie", []string{"1|3|1", "1|4|2", "1|5|2"}, nil, 3},
		{"tie of one value", []string{"1|3|1", "1|3|1", "1|5|2"}, nil, 3},
		{"tie of two values", []string{"1|3|1", "1|4|1", "1|5|2"}, ErrSubqueryOrderTie, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			open, _ := rowInner(t, "ik:BIGINT y:BIGINT o:BIGINT", 0, tt.inner...)
			sub := Correlated{Kind: SemiValue, Args: []int{0}, Value: 1, Into: 1, Keep: 1, OrderCols: []int{2}, Ordered: true, OpenRow: open}
			s, err := NewSemiJoin(lit(t, "k:BIGINT n:BIGINT", "1|NULL"), []Correlated{sub}, 2, 100, eval.PostgreSQL)
			var got []Row
			if err == nil {
				got, err = drain(t, s)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("%v, want %v", err, tt.want)
			}
			if err == nil && (len(got) != 1 || got[0][1] != tt.value) {
				t.Errorf("rows %v, want the value %d", got, tt.value)
			}
		})
	}
}

// Over no outer rows a subquery with OpenRow still describes its value
// column, from one run binding NULLs.
func TestSemiJoinOpenRowOverNoRowsDescribesItsColumn(t *testing.T) {
	open, runs := rowInner(t, "ik:BIGINT y:TEXT", 0, "1|'a'")
	sub := Correlated{Kind: SemiValue, Args: []int{0}, Value: 1, Into: 1, OpenRow: open}
	s, err := NewSemiJoin(lit(t, "k:BIGINT n:BIGINT"), []Correlated{sub}, 2, 100, eval.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Columns()[1]; c.Name != "n" || c.DatabaseType != "TEXT" {
		t.Errorf("value column %+v, want n typed TEXT", c)
	}
	wantRows(t, s)
	if *runs != 1 {
		t.Errorf("inner ran %d times, want 1", *runs)
	}
}
