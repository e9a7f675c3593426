package route

import (
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/merge"
)

// VEXPLAIN PLAN of a plan with operators over shard statements shows the
// operator tree: one row per operator, with empty keyspace and shard and
// the operator in the query column, indented two spaces a level, followed
// by the rows of its inputs (shard statements, which keep their keyspace
// and shard, and nested operators):
//
//	keyspace  shard  query
//	                 Limit 5
//	                   Sort 1 DESC
//	                     Union DISTINCT
//	shop      -40    SELECT `grp` FROM `items`
//	…

// operatorRow is the VEXPLAIN row of an operator.
func operatorRow(format string, args ...any) ExplainRow {
	return ExplainRow{Query: fmt.Sprintf(format, args...)}
}

// nest indents the operator rows of an input under its operator.
func nest(rows []ExplainRow) []ExplainRow {
	for i := range rows {
		if rows[i].Keyspace == "" && rows[i].Shard == "" {
			rows[i].Query = "  " + rows[i].Query
		}
	}
	return rows
}

// describeKeys renders sort keys as ORDER BY terms by position.
func describeKeys(up *unionPlan) string {
	terms := make([]string, len(up.order))
	for i, k := range up.order {
		terms[i] = fmt.Sprint(k.Col + 1)
		if k.Desc {
			terms[i] += " DESC"
		}
	}
	return strings.Join(terms, ", ")
}

// explainTree is the operator tree of a union over its inputs' rows.
func (up *unionPlan) explainTree(inputs []ExplainRow) []ExplainRow {
	kind := "ALL"
	if up.distinct {
		kind = "DISTINCT"
	}
	rows := append([]ExplainRow{operatorRow("Union %s", kind)}, nest(inputs)...)
	if len(up.order) > 0 {
		rows = append([]ExplainRow{operatorRow("Sort %s", describeKeys(up))}, nest(rows)...)
	}
	if up.count != nil || up.offset != nil {
		var lim []string
		if up.count != nil {
			lim = append(lim, up.count.String())
		}
		if up.offset != nil {
			lim = append(lim, "OFFSET "+up.offset.String())
		}
		rows = append([]ExplainRow{operatorRow("Limit %s", strings.Join(lim, " "))}, nest(rows)...)
	}
	return rows
}

// explainTree is the operator tree of a SELECT over subqueries.
func (sp *subqueryPlan) explainTree(inputs [][]ExplainRow) []ExplainRow {
	rows := []ExplainRow{operatorRow("Project %s", strings.Join(sp.names, ", "))}
	var under []ExplainRow
	if sp.where != nil {
		under = append(under, operatorRow("Filter"))
	}
	var subs []ExplainRow
	for i, sq := range sp.subs {
		kind := "scalar"
		if sq.kind == merge.ExistsSubquery {
			kind = "EXISTS"
		}
		subs = append(subs, operatorRow("Subquery %s %s", kind, sq.text))
		subs = append(subs, nest(inputs[i])...)
	}
	if sp.where != nil {
		under = append(under, nest(subs)...)
	} else {
		under = subs
	}
	return append(rows, nest(under)...)
}
