package vitessdo_test

import (
	"fmt"
	"testing"
)

// Generated grouped statements with variances and standard deviations,
// alone, in expressions, in HAVING and ORDER BY, beside other aggregates,
// over the table and over rows the router holds (a derived table with a
// LIMIT):
// the sharded database returns the rows one database returns. Their
// arguments are integers and decimals, and on SQLite floats too (on
// PostgreSQL a variance of floats is refused).

// spreadNames are MySQL's variance and standard deviation aggregates.
var spreadNames = []string{"VARIANCE", "VAR_POP", "VAR_SAMP", "STD", "STDDEV", "STDDEV_POP", "STDDEV_SAMP"}

// spreadArgs are integer and decimal expressions over items.
var spreadArgs = []string{"qty", "price", "id", "qty * 2 - price", "qty / 3", "price + 1", "CASE WHEN qty > 3 THEN qty END", "id % 7", "-qty"}

// spreadFloatArgs are float expressions over items.
var spreadFloatArgs = []string{"ratio", "ratio * qty", "qty + ratio / 7", "CASE WHEN kind = 'a' THEN ratio END"}

// spreadCall is a variance or standard deviation.
func (g *queryGen) spreadCall(engine string) string {
	f := spreadNames[g.r.Intn(len(spreadNames))]
	arg := spreadArgs[g.r.Intn(len(spreadArgs))]
	if engine != "postgres" && g.chance(0.3) {
		arg = spreadFloatArgs[g.r.Intn(len(spreadFloatArgs))]
	}
	return f + "(" + arg + ")"
}

// spreadItem is a select item over a variance: alone or in an expression
// the merge computes.
func (g *queryGen) spreadItem(engine string) string {
	c := g.spreadCall(engine)
	switch g.pickWeighted(5, 1, 1, 1, 1) {
	case 1:
		return fmt.Sprintf("ROUND(%s, %d)", c, g.r.Intn(4))
	case 2:
		return c + " + " + []string{"1", "COUNT(*)", "SUM(qty)"}[g.r.Intn(3)]
	case 3:
		return "COALESCE(" + c + ", 0)"
	case 4:
		return c + " * 2"
	}
	return c
}

// spreadQuery is a grouped (or scalar) SELECT over items with variances.
func (g *queryGen) spreadQuery(engine string) genQuery {
	call := func() string { return g.spreadCall(engine) }
	from, extras := "", []string{"COUNT(*)", "SUM(price)", "COUNT(DISTINCT kind)", "GROUP_CONCAT(qty ORDER BY qty)", "MAX(made)"}
	if g.f = genFroms()[0]; g.chance(0.25) {
		// Rows the router holds: the merge adds their values (and
		// computes no GROUP_CONCAT over them).
		from = fmt.Sprintf("(SELECT * FROM items%s ORDER BY id LIMIT %d)", g.where(), 10+g.r.Intn(30))
		extras = extras[:3]
	}
	return g.groupedQuery(groupedShape{
		from:  from,
		alias: "v",
		item:  func() string { return g.spreadItem(engine) },
		extras: []func() string{func() string {
			return extras[g.r.Intn(len(extras))]
		}},
		having: func() string {
			switch g.r.Intn(3) {
			case 0:
				return fmt.Sprintf("%s > %d", call(), g.r.Intn(40))
			case 1:
				return call() + " IS NULL OR COUNT(*) > 5"
			}
			return call() + " < " + call()
		},
		order: call,
	})
}

// TestQueryGenSpreadEqualsOneDatabase compares generated statements with
// variances and standard deviations.
func TestQueryGenSpreadEqualsOneDatabase(t *testing.T) {
	compareGenerated(t, 300, "variance statements", 1, (*queryGen).spreadQuery)
}
