package merge

import (
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// A LEFT join whose match condition holds x IN (SELECT v … WHERE w = y)
// decides each candidate pair by the subquery's three-valued truth: a
// pair whose mark is NULL or 0 does not match, and an outer row no pair
// matches is NULL-extended. Joined rows are (k, x, k2, y), then the
// mark's slot, then y gathered for the subquery.
func TestJoinMarksDecidePairsWithThreeValuedLogic(t *testing.T) {
	inner, _, _ := innerOf(t, "k2:BIGINT y:BIGINT", "1|10", "1|20", "2|20", "3|30")
	open, runs := rowInner(t, "w:BIGINT v:BIGINT", 5, "10|1", "10|NULL", "20|2")
	post := eval.Col(4)
	marks := &JoinMarks{
		Subs:   []Correlated{{Kind: SemiIn, Mark: true, Into: 4, Args: []int{5}, Left: 1, Value: 1, OpenRow: open}},
		Gather: []int{3},
		Post:   &post,
	}
	j, err := NewJoinWith(lit(t, "k:BIGINT x:BIGINT", "1|1", "1|2", "2|NULL", "3|5"), inner,
		JoinOptions{Keys: []JoinKey{{Outer: 0, Inner: 0}}, Left: true, Batch: 10, MaxRows: 100, Eng: eval.SQLite, Marks: marks})
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, j, "1|1|1|10", "1|2|1|20", "2|NULL|NULL|NULL", "3|5|NULL|NULL")
	if *runs == 0 {
		t.Error("the subquery never ran")
	}
}

// A gathered copy with a Value holds that expression's value over the
// joined row: x + 1 IN (SELECT v … WHERE w = y) compares x + 1 of each
// pair. Joined rows are (k, x, k2, y), the mark's slot, then y and
// x + 1 gathered.
func TestJoinMarksGatherComputedValues(t *testing.T) {
	inner, _, _ := innerOf(t, "k2:BIGINT y:BIGINT", "1|10", "1|20", "2|20", "3|30")
	open, _ := rowInner(t, "w:BIGINT v:BIGINT", 5, "10|2", "10|NULL", "20|3")
	post := eval.Col(4)
	plus := eval.Add(eval.Col(1), eval.Lit(int64(1)))
	marks := &JoinMarks{
		Subs:   []Correlated{{Kind: SemiIn, Mark: true, Into: 4, Args: []int{5}, Left: 6, Value: 1, OpenRow: open}},
		Gather: []int{3, 0},
		Values: []*eval.Expr{nil, &plus},
		Post:   &post,
	}
	j, err := NewJoinWith(lit(t, "k:BIGINT x:BIGINT", "1|1", "1|2", "2|NULL", "3|5"), inner,
		JoinOptions{Keys: []JoinKey{{Outer: 0, Inner: 0}}, Left: true, Batch: 10, MaxRows: 100, Eng: eval.SQLite, Marks: marks})
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, j, "1|1|1|10", "1|2|1|20", "2|NULL|NULL|NULL", "3|5|NULL|NULL")
}

// The candidate pairs of a batch are bounded by MaxRows.
func TestJoinMarksBoundPairs(t *testing.T) {
	inner, _, _ := innerOf(t, "k2:BIGINT y:BIGINT", "1|10", "1|20", "1|30")
	open, _ := rowInner(t, "w:BIGINT v:BIGINT", 5, "10|1")
	post := eval.Col(4)
	marks := &JoinMarks{Subs: []Correlated{{Kind: SemiExists, Mark: true, Into: 4, Args: []int{5}, OpenRow: open}}, Gather: []int{3}, Post: &post}
	_, err := NewJoinWith(lit(t, "k:BIGINT x:BIGINT", "1|1", "1|2"), inner,
		JoinOptions{Keys: []JoinKey{{Outer: 0, Inner: 0}}, Left: true, Batch: 10, MaxRows: 5, Eng: eval.SQLite, Marks: marks})
	if _, ok := err.(*MemoryRowsError); !ok {
		t.Errorf("6 pairs over MaxRows 5: got %v, want a MemoryRowsError", err)
	}
}
