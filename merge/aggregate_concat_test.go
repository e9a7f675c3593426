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
