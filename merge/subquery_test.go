package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

func opener(l *literal) func() (Iterator, error) {
	return func() (Iterator, error) { return l, nil }
}

func TestSubqueryRowHoldsEachSubqueryValue(t *testing.T) {
	tests := []struct {
		name string
		eng  eval.Engine
		subs func() ([]Subquery, []*literal)
		want []string
		err  error
	}{
		{name: "scalar and exists on SQLite", eng: eval.SQLite, subs: func() ([]Subquery, []*literal) {
			a, b, c := lit(t, "n:INTEGER", "40"), lit(t, "x:INTEGER", "1", "1"), lit(t, "x:INTEGER")
			return []Subquery{{Name: "a", Open: opener(a)}, {Name: "b", Kind: ExistsSubquery, Open: opener(b)}, {Name: "c", Kind: ExistsSubquery, Open: opener(c)}}, []*literal{a, b, c}
		}, want: []string{"40|1|0"}},
		{name: "no row is NULL", eng: eval.SQLite, subs: func() ([]Subquery, []*literal) {
			a := lit(t, "n:TEXT")
			return []Subquery{{Name: "a", Open: opener(a)}}, []*literal{a}
		}, want: []string{"NULL"}},
		{name: "SQLite takes the first of several rows when it is decided", eng: eval.SQLite, subs: func() ([]Subquery, []*literal) {
			a := lit(t, "n:INTEGER", "7", "8")
			return []Subquery{{Name: "a", FirstDecided: true, Open: opener(a)}}, []*literal{a}
		}, want: []string{"7"}},
		{name: "SQLite takes the one value of several rows", eng: eval.SQLite, subs: func() ([]Subquery, []*literal) {
			a := lit(t, "n:INTEGER", "7", "7", "7")
			return []Subquery{{Name: "a", Open: opener(a)}}, []*literal{a}
		}, want: []string{"7"}},
		{name: "SQLite refuses several values of an undecided first row", eng: eval.SQLite, subs: func() ([]Subquery, []*literal) {
			a := lit(t, "n:INTEGER", "7", "7", "8")
			return []Subquery{{Name: "a", Open: opener(a)}}, []*literal{a}
		}, err: ErrSubqueryRowOrder},
		{name: "PostgreSQL refuses several rows", eng: eval.PostgreSQL, subs: func() ([]Subquery, []*literal) {
			a := lit(t, "n:INT8", "7", "8")
			return []Subquery{{Name: "a", Open: opener(a)}}, []*literal{a}
		}, err: ErrSubqueryRows},
		{name: "exists on PostgreSQL is a bool", eng: eval.PostgreSQL, subs: func() ([]Subquery, []*literal) {
			a := lit(t, "n:INT8", "7")
			return []Subquery{{Name: "a", Kind: ExistsSubquery, Open: opener(a)}}, []*literal{a}
		}, want: []string{"true"}},
		{name: "two columns", eng: eval.SQLite, subs: func() ([]Subquery, []*literal) {
			a := lit(t, "n:INTEGER m:INTEGER", "7|8")
			return []Subquery{{Name: "a", Open: opener(a)}}, []*literal{a}
		}, err: ErrSubqueryColumns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subs, ls := tt.subs()
			it, err := SubqueryRow(subs, tt.eng)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			for _, l := range ls {
				if l.closes == 0 {
					t.Errorf("subquery %v not closed", l.cols)
				}
			}
			if err != nil {
				return
			}
			if it.Columns()[0].Name != subs[0].Name {
				t.Errorf("column named %q, want %q", it.Columns()[0].Name, subs[0].Name)
			}
			wantRows(t, it, tt.want...)
		})
	}
}
