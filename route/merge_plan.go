package route

import (
	"github.com/xwb1989/sqlparser"
)

// planMerge decides how the rows of several shards combine into the rows
// the statement returns over one database, and the statement each shard
// runs for it. A nil merger concatenates the shards' rows.
func planMerge(sel sqlparser.SelectStatement) (merger, sqlparser.SelectStatement, error) {
	s, ok := sel.(*sqlparser.Select)
	if !ok {
		return nil, nil, unsupportedf("UNION over several shards")
	}
	if len(s.OrderBy) > 0 || s.Limit != nil || len(s.GroupBy) > 0 || s.Having != nil || s.Distinct != "" || hasAggregate(s.SelectExprs) {
		return nil, nil, unsupportedf("ORDER BY, LIMIT, GROUP BY, DISTINCT and aggregates over several shards")
	}
	return nil, sel, nil
}
