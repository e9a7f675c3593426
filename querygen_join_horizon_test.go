package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// joinHorizonQuery is a generated two-table join (see joinQuery) with a
// horizon the router evaluates over the joined rows: DISTINCT, GROUP BY
// with aggregates, aggregates alone, or ORDER BY every output column
// with a LIMIT (a total order of the result, so the rows compare in
// order).
func (g *queryGen) joinHorizonQuery() genQuery {
	return g.horizonOver(g.joinQuery())
}

// horizonOver wraps a generated join whose select items are `expr AS
// cN` into a horizon (see joinHorizonQuery).
func (g *queryGen) horizonOver(q genQuery) genQuery {
	list, from, _ := strings.Cut(strings.TrimPrefix(q.sql, "SELECT "), " FROM ")
	var cols []string
	for _, item := range strings.Split(list, ", ") {
		expr, _, _ := strings.Cut(item, " AS ")
		cols = append(cols, expr)
	}
	var sb strings.Builder
	switch g.r.Intn(4) {
	case 0:
		fmt.Fprintf(&sb, "SELECT DISTINCT %s FROM %s", list, from)
	case 1:
		fmt.Fprintf(&sb, "SELECT %s AS k, COUNT(*) AS n", cols[0])
		if len(cols) > 1 {
			fmt.Fprintf(&sb, ", MIN(%s) AS lo, COUNT(%s) AS m", cols[1], cols[len(cols)-1])
		}
		fmt.Fprintf(&sb, " FROM %s GROUP BY %s", from, cols[0])
		if g.chance(0.3) {
			sb.WriteString(" HAVING COUNT(*) > 1")
		}
	case 2:
		fmt.Fprintf(&sb, "SELECT COUNT(*) AS n, COUNT(DISTINCT %s) AS d, MAX(%s) AS hi FROM %s", cols[0], cols[len(cols)-1], from)
	default:
		var by []string
		for i := range cols {
			by = append(by, fmt.Sprintf("c%d", i))
			if g.chance(0.3) {
				by[i] += " DESC"
			}
		}
		fmt.Fprintf(&sb, "SELECT %s FROM %s ORDER BY %s LIMIT %d", list, from, strings.Join(by, ", "), 1+g.r.Intn(12))
		return genQuery{sql: sb.String(), args: q.args, ordered: true}
	}
	return genQuery{sql: sb.String(), args: q.args}
}

// Generated two-table joins with a horizon return the rows one database
// returns.
func TestQueryGenJoinHorizonsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 150, "joins with a horizon", (*queryGen).joinHorizonQuery)
}
