package dialect

import (
	"testing"

	"github.com/xwb1989/sqlparser"
)

// A NativeCast prints as a call that parses again, and renders as a cast
// to the backend's own type name; text types collate as text columns do
// on PostgreSQL.
func TestRenderNativeCast(t *testing.T) {
	sql := func(typ string) string {
		return "select " + sqlparser.String(NativeCast(sqlparser.NewValArg([]byte(":v1")), typ)) + " from dual"
	}
	runRenderCases(t, []renderCase{
		{name: "integer", sql: sql("INT8"), sqlite: "SELECT CAST(? AS INT8)", pg: "SELECT CAST($1 AS INT8)", args: []any{int64(1)}},
		{name: "text", sql: sql("VARCHAR"), sqlite: "SELECT CAST(? AS VARCHAR)", pg: `SELECT CAST($1 AS VARCHAR) COLLATE "C"`, args: []any{int64(1)}},
		{name: "not a plain name", sql: sql("INT8) OR (1"), sqlite: "error: plain type name", pg: "error: plain type name"},
		{name: "no type", sql: "select vitessdo_cast(:v1) from dual", sqlite: "error: plain type name", pg: "error: plain type name"},
	})
}
