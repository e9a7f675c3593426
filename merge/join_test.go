package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// innerOf returns a JoinOpen over literal inner rows, recording the
// batches it was opened for and the literals it opened.
func innerOf(t *testing.T, colSpec string, rows ...string) (JoinOpen, *[][]Row, *[]*literal) {
	var batches [][]Row
	var opened []*literal
	open := func(batch []Row) (Iterator, error) {
		batches = append(batches, append([]Row(nil), batch...))
		l := lit(t, colSpec, rows...)
		opened = append(opened, l)
		return l, nil
	}
	return open, &batches, &opened
}

func TestJoinPairsRowsInOuterOrder(t *testing.T) {
	tests := []struct {
		name  string
		left  bool
		batch int
		outer []string
		inner []string
		want  []string
	}{
		{name: "inner", batch: 2, outer: []string{"1|'a'", "2|'b'", "3|'c'"}, inner: []string{"3|'z'", "1|'x'", "1|'y'"},
			want: []string{"1|'a'|1|'x'", "1|'a'|1|'y'", "3|'c'|3|'z'"}},
		{name: "left extends unmatched and NULL keys", left: true, batch: 256, outer: []string{"1|'a'", "NULL|'n'", "2|'b'"}, inner: []string{"1|'x'", "NULL|'q'"},
			want: []string{"1|'a'|1|'x'", "NULL|'n'|NULL|NULL", "2|'b'|NULL|NULL"}},
		{name: "duplicates on both sides", batch: 1, outer: []string{"1|'a'", "1|'b'"}, inner: []string{"1|'x'", "1|'y'"},
			want: []string{"1|'a'|1|'x'", "1|'a'|1|'y'", "1|'b'|1|'x'", "1|'b'|1|'y'"}},
		{name: "empty outer", batch: 4, inner: []string{"1|'x'"}},
		{name: "empty inner, left", left: true, batch: 4, outer: []string{"1|'a'"}, want: []string{"1|'a'|NULL|NULL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outer := lit(t, "k:BIGINT v:TEXT", tt.outer...)
			open, batches, opened := innerOf(t, "ik:BIGINT iv:TEXT", tt.inner...)
			j, err := NewJoin(outer, open, []JoinKey{{Outer: 0, Inner: 0}}, tt.left, tt.batch, 100, eval.SQLite)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(j.Columns()); got != 4 {
				t.Fatalf("%d columns, want 4", got)
			}
			wantRows(t, j, tt.want...)
			for _, b := range *batches {
				if len(b) > tt.batch {
					t.Errorf("batch of %d rows, want at most %d", len(b), tt.batch)
				}
			}
			for i, l := range *opened {
				if l.closes == 0 {
					t.Errorf("inner side %d not closed", i)
				}
			}
			if outer.closes == 0 {
				t.Error("outer side not closed")
			}
		})
	}
}

func TestJoinBoundsTheInnerRowsAndRefusesMixedKeys(t *testing.T) {
	outer := lit(t, "k:BIGINT", "1")
	open, _, _ := innerOf(t, "ik:BIGINT", "1", "1", "1")
	// The first batch is read by NewJoin.
	_, err := NewJoin(outer, open, []JoinKey{{Outer: 0, Inner: 0}}, false, 8, 2, eval.SQLite)
	var me *MemoryRowsError
	if !errors.As(err, &me) {
		t.Errorf("got %v, want a MemoryRowsError", err)
	}
	if outer.closes == 0 {
		t.Error("outer side not closed after the error")
	}

	outer = lit(t, "k:BIGINT", "1")
	open, _, _ = innerOf(t, "ik:TEXT", "'1'")
	j, err := NewJoin(outer, open, []JoinKey{{Outer: 0, Inner: 0}}, false, 8, 100, eval.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	var ke *JoinKeyTypeError
	if _, err := drain(t, j); !errors.As(err, &ke) {
		t.Errorf("got %v, want a JoinKeyTypeError", err)
	}
	j.Close()
}

// A residual condition is part of the match: an inner join keeps the
// pairs it accepts, a LEFT join NULL-extends an outer row that no inner
// row matches on keys and residual, and a join without keys is a nested
// loop over every pair.
func TestJoinResidualIsPartOfTheMatch(t *testing.T) {
	// outer k, v; inner ik, iv: residual v < iv (columns 1 and 3).
	lt := eval.Lt(eval.Col(1), eval.Col(3))
	tests := []struct {
		name  string
		keys  []JoinKey
		left  bool
		once  bool
		outer []string
		inner []string
		want  []string
	}{
		{name: "inner keys and residual", keys: []JoinKey{{Outer: 0, Inner: 0}},
			outer: []string{"1|5", "2|1", "3|9"}, inner: []string{"1|4", "1|6", "2|2", "3|NULL"},
			want: []string{"1|5|1|6", "2|1|2|2"}},
		{name: "left extends rows the residual rejects", keys: []JoinKey{{Outer: 0, Inner: 0}}, left: true,
			outer: []string{"1|5", "2|1", "3|9", "NULL|0"}, inner: []string{"1|4", "1|6", "2|0", "3|NULL"},
			want: []string{"1|5|1|6", "2|1|NULL|NULL", "3|9|NULL|NULL", "NULL|0|NULL|NULL"}},
		{name: "no keys", outer: []string{"1|5", "2|1"}, inner: []string{"7|3", "8|6"},
			want: []string{"1|5|8|6", "2|1|7|3", "2|1|8|6"}},
		{name: "no keys, left, read once", left: true, once: true, outer: []string{"1|5", "2|9", "3|1"}, inner: []string{"7|3", "8|6"},
			want: []string{"1|5|8|6", "2|9|NULL|NULL", "3|1|7|3", "3|1|8|6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outer := lit(t, "k:BIGINT v:BIGINT", tt.outer...)
			open, batches, _ := innerOf(t, "ik:BIGINT iv:BIGINT", tt.inner...)
			j, err := NewJoinWith(outer, open, JoinOptions{Keys: tt.keys, Left: tt.left, Batch: 1, MaxRows: 100, Eng: eval.SQLite, Residual: &lt, Once: tt.once})
			if err != nil {
				t.Fatal(err)
			}
			wantRows(t, j, tt.want...)
			if tt.once && len(*batches) != 1 {
				t.Errorf("inner side opened %d times, want once", len(*batches))
			}
			if !tt.once && len(*batches) != len(tt.outer) {
				t.Errorf("inner side opened %d times, want once per batch (%d)", len(*batches), len(tt.outer))
			}
		})
	}
}

// The inner rows read once are bounded by max_memory_rows too.
func TestJoinReadOnceBoundsTheInnerRows(t *testing.T) {
	outer := lit(t, "k:BIGINT", "1")
	open, _, _ := innerOf(t, "ik:BIGINT", "1", "2", "3")
	_, err := NewJoinWith(outer, open, JoinOptions{Batch: 4, MaxRows: 2, Eng: eval.SQLite, Once: true})
	var me *MemoryRowsError
	if !errors.As(err, &me) {
		t.Errorf("got %v, want a MemoryRowsError", err)
	}
}
