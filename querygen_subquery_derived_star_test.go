package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// subqueryDerivedStarQuery is a SELECT of * (or a.*) over a derived
// table a holding an outer table's columns (or all of them, SELECT *),
// under DISTINCT, ordered by the columns named without their table, or
// ordered by the table's unique columns with a LIMIT, whose WHERE holds
// correlated subqueries over other shards: the select list runs after
// the semi-join, * naming the derived table's columns.
func (g *queryGen) subqueryDerivedStarQuery() genQuery {
	sg, _ := g.subqueryOuter()
	names := make([]string, len(sg.outer.cols))
	for i, c := range sg.outer.cols {
		names[i] = c.expr
	}
	inner := "SELECT " + strings.Join(names, ", ") + " FROM " + sg.outer.from
	whole := g.chance(0.3)
	if whole {
		// SELECT * FROM the table: the derived table has all its columns.
		inner = "SELECT * FROM " + sg.outer.from
	}
	if g.chance(0.4) {
		inner += " WHERE " + names[g.r.Intn(len(names))] + " IS NOT NULL"
	}
	from := " FROM (" + inner + ") AS a"
	var cond string
	if g.chance(0.5) {
		cond = sg.anyCondition()
	} else {
		cond = sg.markCondition()
	}
	var sb strings.Builder
	switch g.r.Intn(4) {
	case 3:
		// DISTINCT * ordered by the columns named bare: a total order
		// of the distinct rows when they are all the columns.
		by := make([]string, len(names))
		for i, j := range g.r.Perm(len(names)) {
			by[i] = names[j] + direction(g.r)
		}
		fmt.Fprintf(&sb, "SELECT DISTINCT *%s WHERE %s ORDER BY %s", from, cond, strings.Join(by, ", "))
		return genQuery{sql: sb.String(), args: g.args, ordered: !whole}
	case 0:
		fmt.Fprintf(&sb, "SELECT DISTINCT *%s WHERE %s", from, cond)
	case 1:
		fmt.Fprintf(&sb, "SELECT DISTINCT a.*%s WHERE %s", from, cond)
	default:
		fmt.Fprintf(&sb, "SELECT *%s WHERE %s", from, cond)
		return sg.orderedByUnique(&sb)
	}
	return genQuery{sql: sb.String(), args: g.args}
}

// Generated statements of * over a derived table whose select list runs
// after a semi-join return the rows one database returns.
func TestQueryGenCorrelatedSubqueriesStarOverDerivedTableEqualOneDatabase(t *testing.T) {
	compareSubqueryGen(t, func(g *queryGen) genQuery { return g.subqueryDerivedStarQuery() })
}
