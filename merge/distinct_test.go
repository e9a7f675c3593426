package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

func TestDistinctDropsDuplicatesAcrossShards(t *testing.T) {
	tests := []struct {
		name string
		eng  eval.Engine
		cols []int
		keys []eval.SortKey
		srcs []*literal
		want []string
	}{
		{
			name: "SQLite: NULLs, 1 = 1.0, case and accents distinct",
			eng:  eval.SQLite, keys: []eval.SortKey{{Col: 0}, {Col: 1}},
			srcs: []*literal{
				lit(t, "k: n:", "NULL|NULL", "1|'a'", "'A'|2", "'é'|-1"),
				lit(t, "k: n:", "NULL|NULL", "1.0|'a'", "'a'|2"),
				lit(t, "k: n:"),
				lit(t, "k: n:", "1|'a'", "1|'b'", "'é'|-1"),
			},
			want: []string{"NULL|NULL", "1|'a'", "1|'b'", "'A'|2", "'a'|2", "'é'|-1"},
		},
		{
			name: "PostgreSQL: NUMERIC 1.5 = 1.50, NULLs last",
			eng:  eval.PostgreSQL, keys: []eval.SortKey{{Col: 0, Desc: true}, {Col: 1}},
			srcs: []*literal{
				lit(t, "k:NUMERIC s:TEXT", "NULL|x", "1.5|x"),
				lit(t, "k:NUMERIC s:TEXT", "NULL|x", "1.50|x", "1.50|y", "-2|x"),
			},
			want: []string{"NULL|x", "1.5|x", "1.50|y", "-2|x"},
		},
		{
			name: "only the listed columns count",
			eng:  eval.PostgreSQL, cols: []int{0}, keys: []eval.SortKey{{Col: 0}},
			srcs: []*literal{
				lit(t, "k:TEXT hidden:INT8", "a|1", "b|2"),
				lit(t, "k:TEXT hidden:INT8", "a|3"),
			},
			want: []string{"a|1", "b|2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDistinct(NewOrdered(sources(tt.srcs...), tt.keys, tt.eng), tt.cols, tt.eng)
			wantRows(t, d, tt.want...)
			checkClosedOnce(t, tt.srcs...)
		})
	}
}

func TestDistinctComparesWithItsOwnCopy(t *testing.T) {
	d := NewDistinct(lit(t, "k:TEXT", "a", "a", "b"), nil, eval.SQLite)
	r, _ := d.Next()
	r[0] = "b" // the caller owns the row
	wantRows(t, d, "b")
}

func TestDistinctPropagatesError(t *testing.T) {
	boom := errors.New("boom")
	src := lit(t, "k:TEXT", "a")
	src.err = boom
	d := NewDistinct(src, []int{4}, eval.SQLite)
	if _, err := d.Next(); err == nil {
		t.Fatal("no error for a column out of range")
	}
	d2 := NewDistinct(lit(t, "k:TEXT", "a", "a"), nil, eval.SQLite)
	d2.src.it.(*literal).err = boom
	if got, err := drain(t, d2); !errors.Is(err, boom) || len(got) != 1 {
		t.Fatalf("got %d rows, %v", len(got), err)
	}
}
