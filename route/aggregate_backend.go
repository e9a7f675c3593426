package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
)

// backendOnlyAggregates are the aggregates the merge computes that only one
// backend has: TOTAL is SQLite's, BIT_AND, BIT_OR and BIT_XOR are
// PostgreSQL's. Over a shard statement's partials the shards' own errors
// say when the backend lacks one; over rows the router holds (a join across
// shards, a derived table, a recursive CTE) no shard statement calls it, so
// the plan must fail where one database would.
var backendOnlyAggregates = map[string]eval.Engine{
	"total":   eval.SQLite,
	"bit_and": eval.PostgreSQL,
	"bit_or":  eval.PostgreSQL,
	"bit_xor": eval.PostgreSQL,
}

// checkAggregateOn returns the error one database of engine eng gives for
// the aggregate f when eng has no such function, and nil otherwise.
func checkAggregateOn(eng eval.Engine, f *sqlparser.FuncExpr) error {
	name := f.Name.Lowered()
	has, ok := backendOnlyAggregates[name]
	if !ok || has == eng {
		return nil
	}
	if eng == eval.PostgreSQL {
		return planErrorf("function %s does not exist on PostgreSQL (it is SQLite's), as one PostgreSQL database fails", name)
	}
	return planErrorf("no such function: %s on SQLite (it is PostgreSQL's), as one SQLite database fails", strings.ToUpper(name))
}
