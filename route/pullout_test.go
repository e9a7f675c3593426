package route

import (
	"strconv"
	"testing"

	"github.com/xwb1989/sqlparser"
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
			arg := func(bool) sqlparser.Expr {
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
