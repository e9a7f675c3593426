package merge

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/internal/eval"
)

// edgesStep is a recursive step over a graph: the rows of a round are the
// targets of the edges from the previous round's nodes (column 0), with
// the hop count (column 1) plus one.
func edgesStep(edges map[int64][]int64) RecursiveStep {
	return func(work []Row) (Iterator, error) {
		var rows []Row
		for _, r := range work {
			src, _ := r[0].(int64)
			for _, dst := range edges[src] {
				rows = append(rows, Row{dst, r[1].(int64) + 1})
			}
		}
		return NewStatic(cols("node:INTEGER hops:INTEGER"), rows), nil
	}
}

// Recursive adds each round's rows until a round adds none: UNION ALL
// keeps every row, UNION drops a row already held (so a cycle ends),
// and more rows than the bound fail, naming it.
func TestRecursiveRoundsUntilNoRowIsNew(t *testing.T) {
	chain := map[int64][]int64{1: {2}, 2: {3}, 3: {4}}
	// hops differ, so UNION keeps the rows; the node only repeats them.
	nodesOnly := func(edges map[int64][]int64) RecursiveStep {
		return func(work []Row) (Iterator, error) {
			var rows []Row
			for _, r := range work {
				for _, dst := range edges[r[0].(int64)] {
					rows = append(rows, Row{dst, int64(0)})
				}
			}
			return NewStatic(cols("node:INTEGER hops:INTEGER"), rows), nil
		}
	}
	cycle := map[int64][]int64{1: {2, 3}, 2: {3}, 3: {1}}
	for _, tt := range []struct {
		name     string
		anchor   []string
		step     RecursiveStep
		distinct bool
		max      int64
		want     []string
		err      bool
	}{
		{name: "chain", anchor: []string{"1|0"}, step: edgesStep(chain), want: []string{"1|0", "2|1", "3|2", "4|3"}},
		{name: "two anchors", anchor: []string{"1|0", "3|0"}, step: edgesStep(chain), want: []string{"1|0", "3|0", "2|1", "4|1", "3|2", "4|3"}},
		{name: "empty anchor", step: edgesStep(chain)},
		{name: "cycle with UNION", anchor: []string{"1|0", "1|0"}, step: nodesOnly(cycle), distinct: true, want: []string{"1|0", "2|0", "3|0"}},
		{name: "cycle with UNION ALL", anchor: []string{"1|0"}, step: nodesOnly(cycle), max: 10, err: true},
		{name: "NULL equals NULL under UNION", anchor: []string{"NULL|0", "NULL|0"}, step: edgesStep(nil), distinct: true, want: []string{"NULL|0"}},
		{name: "within the bound", anchor: []string{"1|0"}, step: edgesStep(chain), max: 4, want: []string{"1|0", "2|1", "3|2", "4|3"}},
		{name: "past the bound", anchor: []string{"1|0"}, step: edgesStep(chain), max: 3, err: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			anchor := lit(t, "node:INTEGER hops:INTEGER", tt.anchor...)
			_, rows, err := Recursive(anchor, tt.step, tt.distinct, eval.SQLite, tt.max, "WITH RECURSIVE r")
			if tt.err {
				var me *MemoryRowsError
				if !errors.As(err, &me) || me.Limit != tt.max {
					t.Fatalf("got %v, want a MemoryRowsError of %d", err, tt.max)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := parseRows(t, cols("node:INTEGER hops:INTEGER"), tt.want...)
			if len(want) == 0 {
				want = nil
			}
			if diff := cmp.Diff(want, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if anchor.closes == 0 {
				t.Error("the anchor was not closed")
			}
		})
	}
}

// Under UNION, rows equal by the engine's rules are one row: SQLite's 1
// and 1.0, but not 1 and '1'.
func TestRecursiveUnionEqualityIsTheEngines(t *testing.T) {
	anchor := &literal{cols: cols("v:"), rows: []Row{{int64(1)}, {1.0}, {"1"}, {[]byte("1")}}}
	_, rows, err := Recursive(anchor, func([]Row) (Iterator, error) { return Empty(cols("v:")), nil }, true, eval.SQLite, 0, "WITH RECURSIVE r")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Row{{int64(1)}, {"1"}, {[]byte("1")}}, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
