package merge

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

func TestSortOrdersAllRows(t *testing.T) {
	tests := []struct {
		name string
		eng  eval.Engine
		keys []eval.SortKey
		rows []string
		want []string
	}{
		{"SQLite DESC with NULLs, ties stable", eval.SQLite, []eval.SortKey{{Col: 1, Desc: true}},
			[]string{"a|2", "b|NULL", "c|10", "d|2", "e|2.5"},
			[]string{"c|10", "e|2.5", "a|2", "d|2", "b|NULL"}},
		{"PostgreSQL NUMERIC aggregate, NULLs last", eval.PostgreSQL, []eval.SortKey{{Col: 1}},
			[]string{"a|10.5", "b|NULL", "c|9.25", "d|-1"},
			[]string{"d|-1", "c|9.25", "a|10.5", "b|NULL"}},
		{"empty", eval.SQLite, []eval.SortKey{{Col: 0}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := "k:TEXT v:"
			if tt.eng == eval.PostgreSQL {
				c = "k:TEXT v:NUMERIC"
			}
			src := lit(t, c, tt.rows...)
			wantRows(t, NewSort(src, tt.keys, tt.eng), tt.want...)
			checkClosedOnce(t, src)
		})
	}
}

// TopN keeps exactly the rows a full stable sort puts first, including
// which of several tied rows survive.
func TestTopNEqualsSortThenLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		var rows []string
		for i := range rng.IntN(30) {
			v := strconv.Itoa(rng.IntN(6) - 3)
			if rng.IntN(5) == 0 {
				v = "NULL"
			}
			rows = append(rows, v+"|"+strconv.Itoa(i))
		}
		keys := []eval.SortKey{{Col: 0, Desc: trial%2 == 0}}
		eng := eval.Engine(trial % 3 / 2)
		n := int64(rng.IntN(12))
		full, err := drain(t, NewLimit(NewSort(lit(t, "v:INT8 seq:INT8", rows...), keys, eng), 0, n))
		if err != nil {
			t.Fatal(err)
		}
		src := lit(t, "v:INT8 seq:INT8", rows...)
		top, err := drain(t, NewTopN(src, keys, eng, n))
		if err != nil {
			t.Fatal(err)
		}
		if diffRows(t, full, top) {
			t.Fatalf("trial %d: %v n=%d %v: TopN differs from Sort+Limit", trial, eng, n, keys)
		}
		if src.closes != 1 {
			t.Fatalf("source closed %d times after loading", src.closes)
		}
	}
}

func TestTopNZeroReadsNothing(t *testing.T) {
	src := lit(t, "v:INT8", "1")
	wantRows(t, NewTopN(src, []eval.SortKey{{Col: 0}}, eval.SQLite, 0))
	if src.reads != 0 {
		t.Fatalf("read %d rows", src.reads)
	}
	checkClosedOnce(t, src)
}

func TestSortPropagatesError(t *testing.T) {
	boom := errors.New("boom")
	src := lit(t, "v:INT8", "1")
	src.err = boom
	s := NewSort(src, []eval.SortKey{{Col: 0}}, eval.SQLite)
	for range 2 {
		if _, err := s.Next(); !errors.Is(err, boom) {
			t.Fatalf("Next: %v", err)
		}
	}
	s.Close()
	checkClosedOnce(t, src)
}
