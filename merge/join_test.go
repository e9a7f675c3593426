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
