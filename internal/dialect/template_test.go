package dialect

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xwb1989/sqlparser"
)

func mustRender(tb testing.TB, d Dialect, sql string) *Template {
	tb.Helper()
	stmt, err := sqlparser.Parse(sql)
	if err != nil {
		tb.Fatal(err)
	}
	tpl, err := Render(d, stmt, schemaT)
	if err != nil {
		tb.Fatal(err)
	}
	return tpl
}

func TestBindReportsMissingVariable(t *testing.T) {
	tpl := mustRender(t, PostgreSQL, "select a from t where a = ? and b in ::bs")
	_, _, err := tpl.Bind(map[string]any{"v1": 1})
	if err == nil || !strings.Contains(err.Error(), `"bs"`) {
		t.Errorf("got %v, want an error naming bs", err)
	}
	_, _, err = tpl.Bind(map[string]any{"bs": []any{1}})
	if err == nil || !strings.Contains(err.Error(), `"v1"`) {
		t.Errorf("got %v, want an error naming v1", err)
	}
	for _, bad := range []any{[]any{}, "x", []int{1}} {
		if _, _, err := tpl.Bind(map[string]any{"v1": 1, "bs": bad}); err == nil {
			t.Errorf("list %#v bound, want an error", bad)
		}
	}
}

func TestBindNumbersListPlaceholdersOnPostgreSQL(t *testing.T) {
	tpl := mustRender(t, PostgreSQL, "select a from t where a in ::xs and b = ? and c in ::ys")
	if got, want := tpl.String(), `SELECT "a" FROM "t" WHERE "a" IN (::xs) AND "b" = $1 AND "c" IN (::ys)`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	q, args, err := tpl.Bind(map[string]any{"xs": []any{1, 2, 3}, "v1": "b", "ys": []any{true}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `SELECT "a" FROM "t" WHERE "a" IN ($1, $2, $3) AND "b" = $4 AND "c" IN ($5)`; q != want {
		t.Errorf("query %s, want %s", q, want)
	}
	if diff := cmp.Diff([]any{1, 2, 3, "b", int64(1)}, args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
}

func TestTemplateWithoutPlaceholders(t *testing.T) {
	tpl := mustRender(t, SQLite, "select 1 from dual")
	q, args, err := tpl.Bind(nil)
	if err != nil || q != "SELECT 1" || args != nil {
		t.Errorf("Bind = %q, %v, %v", q, args, err)
	}
	if tpl.Dialect() != SQLite {
		t.Errorf("Dialect() = %v", tpl.Dialect())
	}
}

func TestTemplateIsSafeForConcurrentUse(t *testing.T) {
	tpl := mustRender(t, PostgreSQL, "select a from t where a in ::xs and b = ?")
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func(i int) {
			var err error
			for j := 0; j < 200 && err == nil; j++ {
				var q string
				q, _, err = tpl.Bind(map[string]any{"xs": make([]any, 1+i), "v1": j})
				if err == nil && strings.Count(q, "$") != i+2 {
					err = errorf("query %s", q)
				}
			}
			done <- err
		}(i)
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkTemplateBind(b *testing.B) {
	for _, d := range []Dialect{SQLite, PostgreSQL} {
		b.Run("point select/"+d.String(), func(b *testing.B) {
			tpl := mustRender(b, d, "select id, name, email from users where id = ?")
			vars := map[string]any{"v1": int64(42)}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := tpl.Bind(vars); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("in list/postgresql", func(b *testing.B) {
		tpl := mustRender(b, PostgreSQL, "select id from users where id in ::ids and state = ?")
		vars := map[string]any{"ids": []any{int64(1), int64(2), int64(3), int64(4)}, "v1": "active"}
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := tpl.Bind(vars); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRender(b *testing.B) {
	stmt, err := sqlparser.Parse("select id, name, email from users where id = ? and state in ('a', 'b') order by name limit 10")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(PostgreSQL, stmt, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRenderHandlesTypedNilNodes(t *testing.T) {
	sel := &sqlparser.Select{
		SelectExprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: sqlparser.NewIntVal([]byte("1"))}},
		From:        sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: sqlparser.TableName{Name: sqlparser.NewTableIdent("t")}}},
		Where:       (*sqlparser.Where)(nil),
		Having:      &sqlparser.Where{},
		Limit:       (*sqlparser.Limit)(nil),
	}
	tpl, err := Render(SQLite, sel, nil)
	if err != nil || tpl.String() != "SELECT 1 FROM `t`" {
		t.Fatalf("got %v, %v", tpl, err)
	}
	sel.Where = &sqlparser.Where{Type: sqlparser.WhereStr, Expr: &sqlparser.ExistsExpr{Subquery: (*sqlparser.Subquery)(nil)}}
	if _, err := Render(SQLite, sel, nil); err == nil {
		t.Error("a nil subquery rendered")
	}
}

func TestBindArgsBindsAsTheNamedVariables(t *testing.T) {
	for _, tc := range []struct {
		d     Dialect
		sql   string
		args  []any
		extra map[string]any
	}{
		{SQLite, "select a from t where a = ? and b = ?", []any{1, "x"}, nil},
		{PostgreSQL, "select a from t where a = ? and b = ?", []any{true, 2.5}, nil},
		{PostgreSQL, "select a from t where a in ::xs and b = ? and c in ::ys", []any{"b"}, map[string]any{"xs": []any{1, 2}, "ys": []any{3}}},
		{SQLite, "select a from t where a = ? and b in ::bs", []any{7}, map[string]any{"bs": []any{1}, "v1": 9}},
		// Arguments in placeholder order: bound as given unless converted.
		{SQLite, "select a from t where a = ? and b = ?", []any{int64(1), time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}, nil},
		{SQLite, "select a from t where a = ?", []any{int64(1), "more than the placeholders"}, nil},
		{PostgreSQL, "select a from t where a = ? and b = ?", []any{int64(3), "s"}, nil},
		{PostgreSQL, "select a from t where a = ? and b = ?", []any{int64(3), false}, nil},
		{PostgreSQL, "select concat(a, ?) from t where b = ?", []any{int64(3), nil}, nil},
	} {
		tpl := mustRender(t, tc.d, tc.sql)
		named := map[string]any{}
		for i, a := range tc.args {
			named["v"+strconv.Itoa(i+1)] = a
		}
		for k, v := range tc.extra {
			named[k] = v
		}
		wq, wargs, werr := tpl.Bind(named)
		q, args, err := tpl.BindArgs(tc.args, tc.extra)
		if (err == nil) != (werr == nil) || q != wq {
			t.Errorf("%s: BindArgs = %q, %v; Bind = %q, %v", tc.sql, q, err, wq, werr)
		}
		if diff := cmp.Diff(wargs, args); diff != "" {
			t.Errorf("%s: args (-Bind +BindArgs):\n%s", tc.sql, diff)
		}
	}
	tpl := mustRender(t, SQLite, "select a from t where a = ? and b = ?")
	if _, _, err := tpl.BindArgs([]any{1}, nil); err == nil || !strings.Contains(err.Error(), `"v2"`) {
		t.Errorf("one argument for two placeholders: %v, want an error naming v2", err)
	}
}
