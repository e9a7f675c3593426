package dialect

import (
	"testing"

	"github.com/xwb1989/sqlparser"
)

// Window functions' calls read as the window functions they stand for.
func TestWindowTextRestoresOverClauses(t *testing.T) {
	spec := func(name string, nargs, npart int, desc []bool, f *WindowFrame) string {
		return "'" + WindowSpec(name, nargs, npart, desc, nil, f) + "'"
	}
	rows := &WindowFrame{Rows: true, Start: WindowBound{Kind: Preceding, N: 2}, End: WindowBound{Kind: CurrentRow}}
	for _, tt := range []struct{ call, want string }{
		{"vitessdo_window(" + spec("rank", 0, 0, []bool{false}, nil) + ", qty)", "rank() OVER (ORDER BY qty)"},
		{"vitessdo_window(" + spec("count", 0, 1, nil, nil) + ", grp)", "count(*) OVER (PARTITION BY grp)"},
		{"vitessdo_window(" + spec("sum", 1, 1, []bool{true, false}, rows) + ", qty + 1, grp, id, name)", "sum(qty + 1) OVER (PARTITION BY grp ORDER BY id DESC, name ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"},
		{"vitessdo_window(" + spec("lag", 2, 0, []bool{false}, nil) + ", 'a)b', 1, id)", "lag('a)b', 1) OVER (ORDER BY id)"},
		{"vitessdo_window('sum|1|0|a|groups:p1:f2:xt', a, b)", "sum(a) OVER (ORDER BY b GROUPS BETWEEN 1 PRECEDING AND 2 FOLLOWING EXCLUDE TIES)"},
		{"vitessdo_window('count|0|0||rows:up:c:xc')", "count(*) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW)"},
		{"vitessdo_window('rank|0|0|AdD|', a, b, c)", "rank() OVER (ORDER BY a NULLS LAST, b DESC, c DESC NULLS FIRST)"},
	} {
		msg := "Project id, " + tt.call + " | Limit"
		if got, want := WindowText(msg), "Project id, "+tt.want+" | Limit"; got != want {
			t.Errorf("WindowText(%q) = %q, want %q", msg, got, want)
		}
		stmt, err := sqlparser.Parse("select " + tt.call + " from t")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := WindowString(stmt), "select "+tt.want+" from t"; got != want {
			t.Errorf("WindowString = %q, want %q", got, want)
		}
	}
	for _, s := range []string{"no call", "vitessdo_window(", "vitessdo_window('x', 1)"} {
		if got := WindowText(s); got != s {
			t.Errorf("WindowText(%q) = %q, want it unchanged", s, got)
		}
	}
}
