package merge

import (
	"errors"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
)

// The variances and standard deviations combine the shards' COUNT(x),
// SUM(x) and SUM(x·x) into what PostgreSQL computes over all the values:
// here 1, 2 on one shard and 3, 4 on another (and 10 alone in group b).
func TestAggregateSpreadsCombineExactMoments(t *testing.T) {
	const c = "k:TEXT s:INT8 n:INT8 q:NUMERIC"
	for _, tt := range []struct {
		fn   AggFunc
		want []string
	}{
		{AggVarPop, []string{"a|1.2500000000000000|4|5", "b|0|1|100"}},
		{AggVarSamp, []string{"a|1.6666666666666667|4|5", "b|NULL|1|100"}},
		{AggStddevPop, []string{"a|1.1180339887498948|4|5", "b|0|1|100"}},
		{AggStddevSamp, []string{"a|1.2909944487358056|4|5", "b|NULL|1|100"}},
	} {
		s0 := lit(t, c, "a|3|2|5", "b|10|1|100")
		s1 := lit(t, c, "a|7|2|25")
		ordered := NewOrdered(sources(s0, s1), []eval.SortKey{{Col: 0}}, eval.PostgreSQL)
		aggs := []Aggregate{{Func: tt.fn, Col: 1, CountCol: 2, SquaresCol: 3}}
		wantRows(t, NewAggregate(ordered, []int{0}, aggs, eval.PostgreSQL), tt.want...)
	}
}

// Over floats the merge refuses: PostgreSQL's float8 variance depends on
// the order it reads the rows.
func TestAggregateSpreadOfFloatsIsUnsupported(t *testing.T) {
	s0 := lit(t, "s:FLOAT8 n:INT8 q:NUMERIC", "1.5|1|2.25")
	a := NewAggregate(s0, nil, []Aggregate{{Func: AggVarPop, Col: 0, CountCol: 1, SquaresCol: 2}}, eval.PostgreSQL)
	_, err := a.Next()
	var ue *dialect.UnsupportedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "order it reads the rows") {
		t.Fatalf("got %v, want unsupported", err)
	}
	a.Close()
}
