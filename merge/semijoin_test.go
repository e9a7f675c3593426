package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// Outer rows are (key, x); inner rows (key, y).
func TestSemiJoinKeepsRowsBySQLNullRules(t *testing.T) {
	outer := []string{"1|1", "1|NULL", "2|5", "2|NULL", "3|7", "NULL|1", "4|4", "4|NULL"}
	// Key 1: y = 1; key 2: y = 5 and NULL; key 3: y = NULL only;
	// key 4 and NULL: no inner rows.
	inner := []string{"1|1", "2|5", "2|NULL", "3|NULL", "NULL|1"}
	tests := []struct {
		kind CorrelatedKind
		want []string
	}{
		{SemiExists, []string{"1|1", "1|NULL", "2|5", "2|NULL", "3|7"}},
		{SemiNotExists, []string{"NULL|1", "4|4", "4|NULL"}},
		{SemiIn, []string{"1|1", "2|5"}},
		// NOT IN: true over no rows (NULL x included); NULL when x is
		// NULL over some rows, or when a y is NULL and none equals x.
		{SemiNotIn, []string{"NULL|1", "4|4", "4|NULL"}},
	}
	for _, tt := range tests {
		for _, batch := range []int{1, 3, 256} {
			t.Run(tt.kind.String(), func(t *testing.T) {
				open, _, opened := innerOf(t, "ik:BIGINT y:BIGINT", inner...)
				sub := Correlated{Kind: tt.kind, Keys: []JoinKey{{Outer: 0, Inner: 0}}, Left: 1, Value: 1, Open: open}
				s, err := NewSemiJoin(lit(t, "k:BIGINT x:BIGINT", outer...), []Correlated{sub}, batch, 100, eval.SQLite)
				if err != nil {
					t.Fatal(err)
				}
				wantRows(t, s, tt.want...)
				for i, l := range *opened {
					if l.closes == 0 {
						t.Errorf("inner %d not closed", i)
					}
				}
			})
		}
	}
	t.Run("NOT IN with x matching and a NULL y", func(t *testing.T) {
		open, _, _ := innerOf(t, "ik:BIGINT y:BIGINT", "1|1", "1|NULL", "1|2")
		sub := Correlated{Kind: SemiNotIn, Keys: []JoinKey{{Outer: 0, Inner: 0}}, Left: 1, Value: 1, Open: open}
		s, err := NewSemiJoin(lit(t, "k:BIGINT x:BIGINT", "1|1", "1|3", "1|2"), []Correlated{sub}, 2, 100, eval.SQLite)
		if err != nil {
			t.Fatal(err)
		}
		wantRows(t, s)
	})
}

func TestSemiJoinPutsScalarValuesIntoTheirColumn(t *testing.T) {
	open, _, _ := innerOf(t, "ik:BIGINT n:BIGINT", "1|3", "2|5")
	sub := Correlated{Kind: SemiValue, Keys: []JoinKey{{Outer: 0, Inner: 0}}, Value: 1, Into: 1, Default: int64(0), Open: open}
	s, err := NewSemiJoin(lit(t, "k:BIGINT n:TEXT", "1|NULL", "2|NULL", "3|NULL", "NULL|NULL"), []Correlated{sub}, 2, 100, eval.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Columns()[1]; c.Name != "n" || c.DatabaseType != "BIGINT" {
		t.Errorf("value column %+v, want named n, typed as the inner value", c)
	}
	wantRows(t, s, "1|3", "2|5", "3|0", "NULL|0")
}

func TestSemiJoinScalarWithSeveralRows(t *testing.T) {
	for _, tt := range []struct {
		eng   eval.Engine
		inner []string
		want  error
	}{
		{eval.PostgreSQL, []string{"1|3", "1|3"}, ErrSubqueryRows},
		{eval.SQLite, []string{"1|3", "1|4"}, ErrSubqueryRowOrder},
		{eval.SQLite, []string{"1|3", "1|3"}, nil},
	} {
		open, _, _ := innerOf(t, "ik:BIGINT n:BIGINT", tt.inner...)
		sub := Correlated{Kind: SemiValue, Keys: []JoinKey{{Outer: 0, Inner: 0}}, Value: 1, Into: 1, Open: open}
		s, err := NewSemiJoin(lit(t, "k:BIGINT n:BIGINT", "1|NULL"), []Correlated{sub}, 2, 100, tt.eng)
		if !errors.Is(err, tt.want) {
			t.Errorf("%v %v: %v, want %v", tt.eng, tt.inner, err, tt.want)
		}
		if err == nil {
			wantRows(t, s, "1|3")
		}
	}
}

func TestSemiJoinRefusesKeysOfDifferentKinds(t *testing.T) {
	open, _, _ := innerOf(t, "ik:TEXT", "'1'")
	sub := Correlated{Kind: SemiExists, Keys: []JoinKey{{Outer: 0, Inner: 0}}, Open: open}
	_, err := NewSemiJoin(lit(t, "k:BIGINT", "1"), []Correlated{sub}, 2, 100, eval.SQLite)
	var ke *JoinKeyTypeError
	if !errors.As(err, &ke) {
		t.Errorf("got %v, want a JoinKeyTypeError", err)
	}
}
