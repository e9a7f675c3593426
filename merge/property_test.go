package merge

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// randomValue draws from a small domain full of ties, NULLs, mixed
// numeric types and text that differs only in case or accents.
func randomValue(rng *rand.Rand, eng eval.Engine) any {
	switch rng.IntN(8) {
	case 0:
		return nil
	case 1, 2:
		return int64(rng.IntN(7) - 3)
	case 3:
		if eng == eval.SQLite {
			return float64(rng.IntN(7)-3) / 2
		}
		return int64(rng.IntN(3))
	}
	if eng == eval.SQLite && rng.IntN(2) == 0 {
		return int64(rng.IntN(3))
	}
	return []string{"a", "A", "b", "é", "e", ""}[rng.IntN(6)]
}

// shardsOf deals rows to n shards at random and sorts each shard.
func shardsOf(rng *rand.Rand, rows []Row, n int, keys []eval.KeyOrder) [][]Row {
	shards := make([][]Row, n)
	for _, r := range rows {
		s := rng.IntN(n)
		shards[s] = append(shards[s], r)
	}
	for _, s := range shards {
		slices.SortStableFunc(s, func(a, b Row) int { return eval.CompareRows(keys, a, b) })
	}
	return shards
}

func rowsSource(c []Column, rows []Row) *literal { return &literal{cols: c, rows: rows} }

// Ordered over sorted shards equals a stable sort of the shards
// concatenated in shard order.
func TestOrderedEqualsStableSortOfConcatenation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := cols("k: v: id:")
	for trial := range 300 {
		eng := eval.Engine(trial % 2)
		keySpec := []eval.SortKey{{Col: 0, Desc: rng.IntN(2) == 0, Nulls: eval.NullOrder(rng.IntN(3))}, {Col: 1, Desc: rng.IntN(2) == 0}}
		keys, _ := eng.ResolveKeys(keySpec, c)
		var rows []Row
		for i := range rng.IntN(40) {
			rows = append(rows, Row{randomValue(rng, eng), randomValue(rng, eng), int64(i)})
		}
		shards := shardsOf(rng, rows, 1+rng.IntN(5), keys)
		var want []Row
		var its []Iterator
		for _, s := range shards {
			want = append(want, s...)
			its = append(its, rowsSource(c, s))
		}
		slices.SortStableFunc(want, func(a, b Row) int { return eval.CompareRows(keys, a, b) })
		got, err := drain(t, NewOrdered(its, keySpec, eng))
		if err != nil {
			t.Fatal(err)
		}
		if diffRows(t, want, got) {
			t.Fatalf("trial %d (%v, %+v)", trial, eng, keySpec)
		}
	}
}

// Grouping the shards' partial COUNT/SUM/MIN/MAX equals grouping all rows
// at once, each row its own partial.
func TestAggregateOfPartialsEqualsAggregateOfRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		eng := eval.Engine(trial % 2)
		c := cols("k:TEXT c:INT8 s:INT4 mn:INT8 mx:INT8")
		if eng == eval.PostgreSQL {
			c[2].DatabaseType = "INT8" // SUM(int4) partials
		}
		keys, _ := eng.ResolveKeys([]eval.SortKey{{Col: 0}}, c)
		var raw []Row
		for range rng.IntN(40) {
			k := any([]string{"a", "A", "é", "b"}[rng.IntN(4)])
			if rng.IntN(6) == 0 {
				k = nil
			}
			var v any = int64(rng.IntN(2001) - 1000)
			if rng.IntN(5) == 0 {
				v = nil
			}
			cnt := int64(1)
			raw = append(raw, Row{k, cnt, v, v, v})
		}
		aggs := []Aggregate{{Func: AggCount, Col: 1}, {Func: AggSum, Col: 2}, {Func: AggMin, Col: 3}, {Func: AggMax, Col: 4}}
		clone := func(rows []Row) []Row {
			out := make([]Row, len(rows))
			for i, r := range rows {
				out[i] = slices.Clone(r)
			}
			return out
		}
		all := clone(raw)
		slices.SortStableFunc(all, func(a, b Row) int { return eval.CompareRows(keys, a, b) })
		want, err := drain(t, NewAggregate(rowsSource(c, all), []int{0}, aggs, eng))
		if err != nil {
			t.Fatal(err)
		}
		// Each shard pre-aggregates its rows, as the shard query would.
		var its []Iterator
		for _, s := range shardsOf(rng, clone(raw), 1+rng.IntN(4), keys) {
			partial, err := drain(t, NewAggregate(rowsSource(c, s), []int{0}, aggs, eng))
			if err != nil {
				t.Fatal(err)
			}
			its = append(its, rowsSource(c, partial))
		}
		got, err := drain(t, NewAggregate(NewOrdered(its, []eval.SortKey{{Col: 0}}, eng), []int{0}, aggs, eng))
		if err != nil {
			t.Fatal(err)
		}
		if diffRows(t, want, got) {
			t.Fatalf("trial %d (%v) over %d rows", trial, eng, len(raw))
		}
	}
}
