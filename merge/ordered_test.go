package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

func TestOrderedMergesSortedSources(t *testing.T) {
	const kv = "k: src:TEXT"
	tests := []struct {
		name string
		eng  eval.Engine
		keys []eval.SortKey
		srcs []*literal
		want []string
	}{
		{
			name: "SQLite NULLs first, ints and floats interleave, ties by source",
			eng:  eval.SQLite, keys: []eval.SortKey{{Col: 0}},
			srcs: []*literal{
				lit(t, kv, "NULL|a", "-3|a", "1|a", "2.5|a", "'B'|a", "'é'|a"),
				lit(t, kv),
				lit(t, kv, "NULL|c", "-2.5|c", "1.0|c", "2|c", "'B'|c", "'b'|c"),
			},
			want: []string{"NULL|a", "NULL|c", "-3|a", "-2.5|c", "1|a", "1.0|c", "2|c", "2.5|a", "'B'|a", "'B'|c", "'b'|c", "'é'|a"},
		},
		{
			name: "SQLite DESC puts NULLs last",
			eng:  eval.SQLite, keys: []eval.SortKey{{Col: 0, Desc: true}},
			srcs: []*literal{
				lit(t, kv, "'x'|a", "5|a", "NULL|a"),
				lit(t, kv, "'X'|b", "-1|b", "NULL|b"),
			},
			want: []string{"'x'|a", "'X'|b", "5|a", "-1|b", "NULL|a", "NULL|b"},
		},
		{
			name: "PostgreSQL NULLs last ascending",
			eng:  eval.PostgreSQL, keys: []eval.SortKey{{Col: 0}},
			srcs: []*literal{
				lit(t, "k:INT8 src:TEXT", "-7|a", "0|a", "NULL|a"),
				lit(t, "k:INT8 src:TEXT", "-7|b", "3|b", "NULL|b"),
			},
			want: []string{"-7|a", "-7|b", "0|a", "3|b", "NULL|a", "NULL|b"},
		},
		{
			name: "PostgreSQL NUMERIC keys DESC NULLS LAST",
			eng:  eval.PostgreSQL, keys: []eval.SortKey{{Col: 0, Desc: true, Nulls: eval.NullsLast}},
			srcs: []*literal{
				lit(t, "k:NUMERIC src:TEXT", "10.5|a", "9.99|a", "-1|a", "NULL|a"),
				lit(t, "k:NUMERIC src:TEXT", "NaN|b", "10.50|b", "2|b"),
			},
			want: []string{"NaN|b", "10.5|a", "10.50|b", "9.99|a", "2|b", "-1|a", "NULL|a"},
		},
		{
			name: "two keys, mixed directions, all rows in one source",
			eng:  eval.PostgreSQL, keys: []eval.SortKey{{Col: 0}, {Col: 1, Desc: true}},
			srcs: []*literal{
				lit(t, "k:TEXT n:INT8"),
				lit(t, "k:TEXT n:INT8", "A|3", "A|1", "a|9", "a|NULL", "ä|0"),
				lit(t, "k:TEXT n:INT8"),
			},
			want: []string{"A|3", "A|1", "a|9", "a|NULL", "ä|0"},
		},
		{
			name: "two keys across sources",
			eng:  eval.SQLite, keys: []eval.SortKey{{Col: 0}, {Col: 1, Desc: true}},
			srcs: []*literal{
				lit(t, "k:TEXT n:INTEGER", "a|5", "a|1", "b|NULL"),
				lit(t, "k:TEXT n:INTEGER", "a|3", "b|2"),
				lit(t, "k:TEXT n:INTEGER", "a|5", "c|0"),
			},
			want: []string{"a|5", "a|5", "a|3", "a|1", "b|2", "b|NULL", "c|0"},
		},
		{
			name: "no keys keeps source order",
			eng:  eval.SQLite,
			srcs: []*literal{lit(t, kv, "2|a", "1|a"), lit(t, kv, "0|b")},
			want: []string{"2|a", "1|a", "0|b"},
		},
		{
			name: "all empty",
			eng:  eval.SQLite, keys: []eval.SortKey{{Col: 0}},
			srcs: []*literal{lit(t, kv), lit(t, kv)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOrdered(sources(tt.srcs...), tt.keys, tt.eng)
			wantRows(t, o, tt.want...)
			checkClosedOnce(t, tt.srcs...)
		})
	}
}

func TestOrderedRefillsLazily(t *testing.T) {
	a := lit(t, "n:INTEGER", "1", "3")
	b := lit(t, "n:INTEGER", "2")
	o := NewOrdered(sources(a, b), []eval.SortKey{{Col: 0}}, eval.SQLite)
	if _, err := o.Next(); err != nil {
		t.Fatal(err)
	}
	if a.reads != 1 || b.reads != 1 {
		t.Fatalf("reads a=%d b=%d after one row, want 1 1", a.reads, b.reads)
	}
	o.Next()
	o.Next()
	if b.closes != 1 {
		t.Fatalf("exhausted source closed %d times, want 1", b.closes)
	}
	o.Close()
	o.Close()
	checkClosedOnce(t, a, b)
}

func TestOrderedPropagatesSourceError(t *testing.T) {
	boom := errors.New("shard 80-: canceled")
	a := lit(t, "n:INTEGER", "1", "3")
	b := lit(t, "n:INTEGER", "2")
	b.err = boom
	o := NewOrdered(sources(a, b), []eval.SortKey{{Col: 0}}, eval.SQLite)
	got, err := drain(t, o)
	if !errors.Is(err, boom) || len(got) != 2 {
		t.Fatalf("got %d rows, %v; want 2 rows, %v", len(got), err, boom)
	}
	if _, err := o.Next(); !errors.Is(err, boom) {
		t.Fatalf("Next after error: %v", err)
	}
	o.Close()
	checkClosedOnce(t, a, b)
}

func TestOrderedRejectsKeyOutOfRange(t *testing.T) {
	a := lit(t, "n:INTEGER", "1")
	o := NewOrdered(sources(a), []eval.SortKey{{Col: 1}}, eval.SQLite)
	if _, err := o.Next(); err == nil {
		t.Fatal("no error for a key past the last column")
	}
	o.Close()
	checkClosedOnce(t, a)
}
