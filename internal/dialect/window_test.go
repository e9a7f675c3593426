package dialect

import "testing"

func TestRenderWindowFunctions(t *testing.T) {
	runRenderCases(t, []renderCase{
		{name: "frame and order", sql: "select vitessdo_window('sum|1|1|da|rows:p2:c', x, g, o, id) as s from t",
			sqlite: "SELECT sum(`x`) OVER (PARTITION BY `g` ORDER BY `o` DESC, `id` ASC ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS `s` FROM `t`",
			pg:     `SELECT sum("x") OVER (PARTITION BY "g" ORDER BY "o" DESC NULLS LAST, "id" ASC NULLS FIRST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS "s" FROM "t"`},
		{name: "count star over everything", sql: "select vitessdo_window('count|0|0||') from t",
			sqlite: "SELECT count(*) OVER () FROM `t`", pg: `SELECT count(*) OVER () FROM "t"`},
		{name: "lag with a bound default", sql: "select vitessdo_window('lag|3|0|a|range:up:uf', x, 1, :v1, id) from t",
			sqlite: "SELECT lag(`x`, 1, ?) OVER (ORDER BY `id` ASC RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM `t`",
			pg:     `SELECT lag("x", 1, $1) OVER (ORDER BY "id" ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM "t"`,
			args:   []any{int64(1)}},
		{name: "not a window function", sql: "select vitessdo_window('pg_sleep|1|0||', 1) from t",
			sqlite: "error: malformed vitessdo_window", pg: "error: malformed vitessdo_window"},
	})
}
