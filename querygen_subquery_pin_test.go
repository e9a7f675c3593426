package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// Generated joins of two tables not on one shard together, each side's
// primary vindex column compared with its own subquery (= with a scalar
// one, IN with a list): uncorrelated, correlated with the other side by
// its vindex column or another column, selecting the other side's
// column, or joining tables inside. Two sides equal to subqueries are on
// one shard only when the values are; the plan must not take them as
// co-located.

// pinFrom is a join of two tables and their primary vindex and other
// columns.
type pinFrom struct {
	from                   string
	va, vb, otherA, otherB string
}

var pinFroms = []pinFrom{
	{"items a JOIN items b ON b.qty = a.qty", "a.id", "b.id", "a.qty", "b.qty"},
	{"items a JOIN item_tags b ON b.weight = a.qty", "a.id", "b.item_id", "a.qty", "b.weight"},
	{"items a LEFT JOIN item_tags b ON b.tag = a.grp", "a.id", "b.item_id", "a.qty", "b.weight"},
	{"items a, items b", "a.id", "b.id", "a.qty", "b.qty"},
	{"items a JOIN items b ON b.grp = a.grp", "a.id", "b.id", "a.qty", "b.qty"},
	{"item_tags a JOIN items b ON b.qty = a.weight", "a.item_id", "b.id", "a.weight", "b.qty"},
}

// pinSubquery is a subquery for a vindex column: scalar (one row at
// most) or a list; other is a column of the other side or a number.
func (g *queryGen) pinSubquery(scalar bool, other string) string {
	n := g.r.Intn(60) + 1
	if !scalar {
		switch g.r.Intn(7) {
		case 0:
			return fmt.Sprintf("(SELECT c.item_id FROM item_tags c WHERE c.item_id < %d)", n)
		case 1:
			return fmt.Sprintf("(SELECT c.id FROM items c WHERE c.qty = %d)", g.r.Intn(10)-5)
		case 2:
			return fmt.Sprintf("(SELECT c.item_id FROM item_tags c WHERE c.weight = %d)", g.r.Intn(4))
		case 3:
			return fmt.Sprintf("(SELECT c.item_id FROM item_tags c WHERE c.item_id = %s)", other)
		case 4:
			return fmt.Sprintf("(SELECT d.id FROM items c JOIN items d ON d.id = c.id WHERE c.qty = %d)", g.r.Intn(10)-5)
		case 5:
			return fmt.Sprintf("(SELECT c.id FROM items c JOIN item_tags d ON d.weight = c.qty WHERE d.item_id < %d)", n)
		}
	}
	switch g.r.Intn(6) {
	case 0:
		return fmt.Sprintf("(SELECT c.id FROM items c WHERE c.id = %d)", n)
	case 1:
		return fmt.Sprintf("(SELECT MIN(c.id) FROM items c WHERE c.qty = %d)", g.r.Intn(10)-5)
	case 2:
		return fmt.Sprintf("(SELECT c.id FROM items c WHERE c.id = %s)", other)
	case 3:
		return fmt.Sprintf("(SELECT %s FROM kinds k WHERE k.code = 'x')", other)
	case 4:
		return fmt.Sprintf("(SELECT MAX(c.item_id) FROM item_tags c WHERE c.item_id = %s)", other)
	}
	return fmt.Sprintf("(SELECT MAX(c.id) FROM items c WHERE c.id < %d)", n)
}

// pinQuery is a pinFroms join whose two vindex columns are each
// compared with a subquery.
func (g *queryGen) pinQuery() genQuery {
	f := pinFroms[g.r.Intn(len(pinFroms))]
	cond := func(col, other string) string {
		if g.chance(0.5) {
			return col + " IN " + g.pinSubquery(false, other)
		}
		return col + " = " + g.pinSubquery(true, other)
	}
	// What each side's subquery reads of the other: its vindex column,
	// another column, or nothing.
	oa, ob := fmt.Sprint(g.r.Intn(60)+1), fmt.Sprint(g.r.Intn(60)+1)
	switch g.r.Intn(4) {
	case 0:
		oa, ob = f.vb, f.va
	case 1:
		oa, ob = f.otherB, f.otherA
	}
	if g.chance(0.2) {
		oa = ob
	}
	from, where := f.from, cond(f.va, oa)
	if strings.Contains(from, " ON ") && g.chance(0.3) {
		// The other side's condition in ON: of an outer join, it
		// restricts only the rows joined.
		from += " AND " + cond(f.vb, ob)
	} else {
		where += " AND " + cond(f.vb, ob)
	}
	return genQuery{sql: "SELECT " + f.va + ", " + f.vb + ", " + f.otherA + " FROM " + from + " WHERE " + where}
}

// Generated joins whose sides are each equal to a subquery return what
// one database returns.
func TestQueryGenSubqueryPinsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 150, "joins of sides equal to subqueries", (*queryGen).pinQuery)
}
