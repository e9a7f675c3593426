package merge

import (
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// GROUP_CONCAT from the shards' texts with their row counts, sorted by
// the group key then the value: each text repeats as many times as rows
// had it (the count column becomes the number of texts), NULLs are
// skipped, a group of NULLs is NULL, and the DISTINCT form keeps one of
// equal texts.
func TestAggregateGroupConcatRepeatsAndSkips(t *testing.T) {
	const c = "k:TEXT v:TEXT n:INT8"
	for _, tt := range []struct {
		agg  Aggregate
		want []string
	}{
		{Aggregate{Func: AggGroupConcat, Col: 1, CountCol: 2, Separator: "-"}, []string{"a|x-x-x-y-z|5", "b|NULL|0", "c|q|1"}},
		{Aggregate{Func: AggGroupConcatDistinct, Col: 1, Separator: ","}, []string{"a|x,y,z|5", "b|NULL|1", "c|q|1"}},
	} {
		s0 := lit(t, c, "a|x|2", "a|z|1", "b|NULL|1")
		s1 := lit(t, c, "a|x|1", "a|y|1", "c|q|1")
		ordered := NewOrdered(sources(s0, s1), []eval.SortKey{{Col: 0}, {Col: 1}}, eval.PostgreSQL)
		aggs := []Aggregate{tt.agg}
		if tt.agg.Func == AggGroupConcatDistinct {
			aggs = append(aggs, Aggregate{Func: AggCount, Col: 2})
		}
		wantRows(t, NewAggregate(ordered, []int{0}, aggs, eval.PostgreSQL), tt.want...)
	}
}

// A GROUP_CONCAT with an Order sorts its group's values by its own terms
// when the input is sorted by something else (a second GROUP_CONCAT's
// terms, a DISTINCT aggregate's argument), beside one that streams.
func TestAggregateGroupConcatSortsByItsOrder(t *testing.T) {
	// k; a, which streams in input order; b, held and ordered by ob; the
	// row count of each (one column each aggregate: it becomes the number
	// of texts; a DISTINCT one's keeps the group's first row's value, as
	// does ob).
	const c = "k:TEXT a:TEXT b:TEXT na:INT8 nb:INT8 ob:INT8"
	for _, tt := range []struct {
		name string
		b    Aggregate
		want []string
	}{
		{"ascending", Aggregate{Func: AggGroupConcat, Col: 2, CountCol: 4, Separator: "+", Order: []eval.SortKey{{Col: 5, Nulls: eval.NullsFirst}}},
			[]string{"g|p,p,q,q,r|10+10+10+20+30|5|5|30", "h|r,s,s,s|5+5+5|4|3|NULL"}},
		{"descending", Aggregate{Func: AggGroupConcat, Col: 2, CountCol: 4, Separator: "+", Order: []eval.SortKey{{Col: 5, Desc: true, Nulls: eval.NullsLast}}},
			[]string{"g|p,p,q,q,r|30+20+10+10+10|5|5|30", "h|r,s,s,s|5+5+5|4|3|NULL"}},
		{"distinct", Aggregate{Func: AggGroupConcatDistinct, Col: 2, Separator: "+", Order: []eval.SortKey{{Col: 5, Nulls: eval.NullsFirst}}},
			[]string{"g|p,p,q,q,r|10+20+30|5|1|30", "h|r,s,s,s|5|4|1|NULL"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s0 := lit(t, c, "g|p|30|1|1|30", "g|q|10|2|2|10", "h|r|NULL|1|1|NULL")
			s1 := lit(t, c, "g|p|20|1|1|20", "g|r|10|1|1|10", "h|s|5|3|3|5")
			ordered := NewOrdered(sources(s0, s1), []eval.SortKey{{Col: 0}, {Col: 1}}, eval.PostgreSQL)
			aggs := []Aggregate{{Func: AggGroupConcat, Col: 1, CountCol: 3, Separator: ","}, tt.b}
			wantRows(t, NewAggregate(ordered, []int{0}, aggs, eval.PostgreSQL), tt.want...)
		})
	}
}
