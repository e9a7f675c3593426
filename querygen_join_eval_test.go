package vitessdo_test

import (
	"fmt"
	"testing"
)

// Generated joins of tables on other shards whose conditions and select
// items the router computes over the joined rows: an OR or a NOT over
// both tables, an item reading both. Each of LIKE's cases is among them:
// the case of ASCII and other letters, % and _, an escaping backslash
// and ESCAPE, NULLs on either side.

// joinEvalFroms are joins whose two sides are read from different
// shards, with the text columns of each side.
var joinEvalFroms = []struct {
	from         string
	textA, textB []string
}{
	{"items a JOIN tokens b ON b.item_id = a.id", []string{"a.name", "a.grp", "a.kind"}, []string{"b.note"}},
	{"items a LEFT JOIN tokens b ON b.item_id = a.id", []string{"a.name", "a.kind"}, []string{"b.note"}},
	{"items a JOIN item_tags b ON b.item_id = a.qty", []string{"a.name", "a.grp"}, []string{"b.tag"}},
	{"item_tags a JOIN items b ON b.id = a.weight", []string{"a.tag"}, []string{"b.name", "b.grp"}},
	{"tokens a LEFT JOIN items b ON b.id = a.item_id", []string{"a.note"}, []string{"b.name", "b.kind"}},
	{"items a JOIN items b ON b.qty = a.id", []string{"a.name"}, []string{"b.name", "b.grp"}},
}

// joinEvalQuery is a join of joinEvalFroms with a condition or a select
// item over both sides.
func (g *queryGen) joinEvalQuery() genQuery {
	f := joinEvalFroms[g.r.Intn(len(joinEvalFroms))]
	x := f.textA[g.r.Intn(len(f.textA))]
	y := f.textB[g.r.Intn(len(f.textB))]
	if g.chance(0.5) {
		x, y = y, x
	}
	items := "a.*, b.*"
	var cond string
	switch g.r.Intn(5) {
	case 0:
		items += ", " + x + " LIKE " + y + " AS m"
	case 1:
		cond = "NOT (" + g.likeCond(x) + " OR " + g.likeCond(y) + ")"
	case 2:
		cond = x + " LIKE " + y + " OR " + g.likeCond(y)
	default:
		cond = g.likeCond(x) + " OR " + g.likeCond(y)
	}
	sql := fmt.Sprintf("SELECT %s FROM %s", items, f.from)
	if cond != "" {
		sql += " WHERE " + cond
	}
	return genQuery{sql: sql, args: g.args}
}

// Generated conditions and items over two joined tables return what
// one database returns.
func TestQueryGenJoinEvalEqualsOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 150, "conditions over joined rows", (*queryGen).joinEvalQuery)
}
