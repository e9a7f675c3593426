package route

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
)

func TestReadWindowsWritesCallsTheParserReads(t *testing.T) {
	for _, tt := range []struct{ sql, want string }{
		{"select id, row_number() over (partition by grp order by qty desc, id) as rn from items where qty > ? order by rn limit 3",
			"select id, vitessdo_window('row_number|0|1|da|', grp, qty, id) as rn from items where qty > ? order by rn limit 3"},
		{"select sum(qty) over w, lag(name, 2, 'x') over (w order by id rows between 2 preceding and current row) from items window w as (partition by grp)",
			"select vitessdo_window('sum|1|1||', qty, grp), vitessdo_window('lag|3|1|a|rows:p2:c', name, 2, 'x', grp, id) from items "},
		{"SELECT COUNT(*) OVER () FROM t", "SELECT vitessdo_window('count|0|0||') FROM t"},
		{"SELECT MAX(x) OVER (ORDER BY y RANGE 3 PRECEDING) /* over (x) */ FROM t", "SELECT vitessdo_window('max|1|0|a|range:p3:c', x, y) /* over (x) */ FROM t"},
		{"SELECT AVG(x) OVER(ORDER BY (y + 1) DESC ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t",
			"SELECT vitessdo_window('avg|1|0|d|rows:c:uf', x, (y + 1)) FROM t"},
		// NULLS FIRST and LAST (the default ones written as the
		// default), GROUPS, EXCLUDE.
		{"SELECT rank() OVER (ORDER BY a NULLS LAST, b DESC NULLS FIRST, c ASC NULLS FIRST, d DESC NULLS LAST) FROM t",
			"SELECT vitessdo_window('rank|0|0|ADad|', a, b, c, d) FROM t"},
		{"SELECT sum(x) OVER (ORDER BY y GROUPS BETWEEN 1 PRECEDING AND 2 FOLLOWING EXCLUDE TIES), count(*) OVER (ROWS 2 PRECEDING EXCLUDE CURRENT ROW), min(x) OVER (ORDER BY y RANGE CURRENT ROW EXCLUDE GROUP), max(x) OVER (ORDER BY y, z GROUPS 1 PRECEDING EXCLUDE NO OTHERS) FROM t",
			"SELECT vitessdo_window('sum|1|0|a|groups:p1:f2:xt', x, y), vitessdo_window('count|0|0||rows:p2:c:xc'), vitessdo_window('min|1|0|a|range:c:c:xg', x, y), vitessdo_window('max|1|0|aa|groups:p1:c', x, y, z) FROM t"},
		{"SELECT rank() OVER (ORDER BY nulls NULLS FIRST) FROM t", "SELECT vitessdo_window('rank|0|0|a|', nulls) FROM t"},
		// A WINDOW clause in each query block: a derived table's, a
		// common table expression's, a UNION member's.
		{"with c as (select rank() over w from t window w as (order by a)) select rank() over w from (select a from c window w as (order by b)) d window w as (partition by x)",
			"with c as (select vitessdo_window('rank|0|0|a|', a) from t ) select vitessdo_window('rank|0|1||', x) from (select a from c ) d "},
		{"select sum(a) over w from t window w as (order by a) union all select sum(b) over w from u window w as (order by b)",
			"select vitessdo_window('sum|1|0|a|', a, a) from t  union all select vitessdo_window('sum|1|0|a|', b, b) from u "},
		// Not windows: OVER in a string, a column named over, a call
		// aliased over.
		{"SELECT 'f(x) over (y)' AS over FROM t", "SELECT 'f(x) over (y)' AS over FROM t"},
		{"SELECT f(x) over, y FROM t", "SELECT f(x) over, y FROM t"},
	} {
		got, _, err := readWindows(tt.sql)
		if err != nil || got != tt.want {
			t.Errorf("readWindows(%q) = %q, %v; want %q", tt.sql, got, err, tt.want)
		}
	}
}

func TestReadWindowsNamesWhatIsWrong(t *testing.T) {
	for _, tt := range []struct {
		sql, want   string
		unsupported bool
	}{
		{"SELECT rank() OVER w FROM t", "window w is not defined", false},
		{"SELECT sum(rank() OVER (ORDER BY a)) OVER () FROM t", "do not nest", false},
		{"SELECT sum(a) OVER (ORDER BY a ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM t", "cannot end at 1 PRECEDING", false},
		{"SELECT sum(a) OVER (ORDER BY a ROWS UNBOUNDED FOLLOWING) FROM t", "cannot start at UNBOUNDED FOLLOWING", false},
		{"SELECT sum(a) OVER (ORDER BY a, b RANGE 1 PRECEDING) FROM t", "exactly one ORDER BY term", false},
		{"SELECT sum(a) OVER (PARTITION a) FROM t", "want BY after PARTITION", false},
		{"SELECT lag() OVER (ORDER BY a) FROM t", "LAG takes 1 to 3 arguments", false},
		{"SELECT a FROM t WINDOW w AS (ORDER BY a), w AS (ORDER BY b)", "defined twice", false},
		{"SELECT sum(a) OVER (w ORDER BY b) FROM t WINDOW w AS (ORDER BY a)", "takes no ORDER BY of its own", false},
		{"SELECT sum(a) OVER (ORDER BY a ROWS ? PRECEDING) FROM t", "frame offset given as ?", true},
		{"SELECT sum(a) OVER (ORDER BY a ROWS 1 PRECEDING EXCLUDE OTHERS) FROM t", "want EXCLUDE CURRENT ROW, GROUP, TIES or NO OTHERS", false},
		{"SELECT rank() OVER w FROM (SELECT a FROM t WINDOW w AS (ORDER BY a)) d", "window w is not defined", false},
		{"SELECT a FROM t WINDOW w AS (ORDER BY a) WINDOW v AS (ORDER BY b)", "a second WINDOW clause", false},
		{"SELECT rank() OVER w FROM t WINDOW w AS (ORDER BY a) UNION SELECT rank() OVER w FROM u", "window w is not defined", false},
		{"SELECT median(a) OVER () FROM t", "window function MEDIAN", true},
		{"SELECT count(DISTINCT a) OVER () FROM t", "DISTINCT", true},
		{"SELECT sum(a) OVER w FROM t WINDOW w AS (PARTITION BY a + ?)", "placeholder", true},
	} {
		_, _, err := readWindows(tt.sql)
		var ue *UnsupportedError
		var se *SyntaxError
		switch {
		case err == nil || !strings.Contains(err.Error(), tt.want):
			t.Errorf("readWindows(%q): %v, want an error mentioning %q", tt.sql, err, tt.want)
		case tt.unsupported && !errors.As(err, &ue):
			t.Errorf("readWindows(%q): %v, want an UnsupportedError", tt.sql, err)
		case !tt.unsupported && !errors.As(err, &se):
			t.Errorf("readWindows(%q): %v, want a SyntaxError", tt.sql, err)
		}
	}
}

// Any text is read for windows and planned without a panic.
func FuzzWindows(f *testing.F) {
	for _, s := range []string{
		"SELECT id, ROW_NUMBER() OVER (PARTITION BY name ORDER BY id DESC) AS rn FROM user ORDER BY rn LIMIT ?",
		"SELECT SUM(id) OVER w, LAG(name, 2, 'x') OVER (w ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM user WINDOW w AS (PARTITION BY name)",
		"SELECT COUNT(*) OVER (ORDER BY id RANGE BETWEEN UNBOUNDED PRECEDING AND 3 FOLLOWING) FROM user WHERE id = 1",
		"SELECT * FROM (SELECT *, RANK() OVER (ORDER BY id) AS r FROM user) d WHERE r < 3",
		"SELECT name, COUNT(*), SUM(COUNT(*)) OVER () FROM user GROUP BY name",
		"SELECT f(x) over, 'over (' FROM user",
		"SELECT vitessdo_window('ntile|1|0||', 2) FROM user",
	} {
		f.Add(s)
	}
	p := newTestPlanner(f, dialect.SQLite)
	f.Fuzz(func(t *testing.T, sql string) {
		_, _, _ = readWindows(sql)
		vc := &explainCursor{}
		pl, err := p.Plan(sql, &vc.s)
		if err != nil {
			return
		}
		args := make([]any, pl.NumArgs())
		for i := range args {
			args[i] = int64(i)
		}
		pl.Explain(context.Background(), vc, args)
	})
}
