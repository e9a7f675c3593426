package route

import (
	"errors"
	"strconv"
	"testing"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
)

// listCondition follows SQL's NULL rules for a bound IN list: an empty
// list is false for IN and true for NOT IN (NULL x included); a NULL in
// the list makes NOT IN never true, and stays in the list where the
// condition is not a conjunct of WHERE.
func TestListConditionFollowsNullRules(t *testing.T) {
	in := &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: sqlparser.NewValArg([]byte(":x"))}
	notIn := &sqlparser.ComparisonExpr{Operator: sqlparser.NotInStr, Left: sqlparser.NewValArg([]byte(":x"))}
	for _, tt := range []struct {
		name   string
		kind   slotKind
		node   *sqlparser.ComparisonExpr
		top    bool
		values int
		null   bool
		want   string
	}{
		{"in empty", inSlot, in, true, 0, false, "1 = 0"},
		{"not in empty", notInSlot, notIn, true, 0, false, "1 = 1"},
		{"not in empty under not", notInSlot, notIn, false, 0, false, "1 = 1"},
		{"in only null, conjunct", inSlot, in, true, 0, true, "1 = 0"},
		{"in only null, under not", inSlot, in, false, 0, true, "(:x in (null))"},
		{"not in with null, conjunct", notInSlot, notIn, true, 2, true, "1 = 0"},
		{"not in with null, under not", notInSlot, notIn, false, 2, true, "(:x not in (:v1, :v2, null))"},
		{"in with null, conjunct", inSlot, in, true, 2, true, "(:x in (:v1, :v2))"},
		{"in with null, under or", inSlot, in, false, 1, true, "(:x in (:v1, null))"},
		{"not in", notInSlot, notIn, true, 2, false, "(:x not in (:v1, :v2))"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			arg := func(subResult) sqlparser.Expr {
				n++
				return sqlparser.NewValArg([]byte(":v" + strconv.Itoa(n)))
			}
			r := subResult{values: make([]any, tt.values), null: tt.null}
			got := sqlparser.String(listCondition(pulloutSlot{kind: tt.kind, node: tt.node, top: tt.top}, r, arg))
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// An IN subquery's list is bounded by max_memory_rows (rows read) and by
// the bind arguments one shard statement may hold (distinct values).
func TestPullListBounds(t *testing.T) {
	rows := func(n int, dup bool) func() (merge.Iterator, error) {
		return func() (merge.Iterator, error) {
			out := make([]merge.Row, n)
			for i := range out {
				v := int64(i)
				if dup {
					v = 7
				}
				out[i] = merge.Row{v}
			}
			return merge.NewStatic([]merge.Column{{Name: "v"}}, out), nil
		}
	}
	p := &Planner{maxMemoryRows: 20000}
	pp := &pulloutPlan{p: p}
	if _, err := pp.pullList(rows(20001, true)); !errors.As(err, new(*merge.MemoryRowsError)) {
		t.Errorf("20001 rows over max_memory_rows = 20000: %v, want a MemoryRowsError", err)
	}
	if r, err := pp.pullList(rows(20000, true)); err != nil || len(r.values) != 1 {
		t.Errorf("20000 equal rows: %v values, %v; want 1 value", len(r.values), err)
	}
	if _, err := pp.pullList(rows(maxListArgs+1, false)); !errors.As(err, new(*UnsupportedError)) {
		t.Errorf("%d distinct values: %v, want unsupported", maxListArgs+1, err)
	}
	if r, err := pp.pullList(rows(5, false)); err != nil || len(r.values) != 8 {
		t.Errorf("5 distinct values: %d bound, %v; want 8 (padded)", len(r.values), err)
	}
}
