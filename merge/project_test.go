package merge

import (
	"reflect"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/google/go-cmp/cmp"
)

func TestProjectSelectsRenamesAndDropsHelpers(t *testing.T) {
	// Merged rows: k, SUM(v) as NUMERIC, hidden count, hidden sort column.
	src := lit(t, "k:TEXT s:NUMERIC c:INT8 hidden:TEXT", "a|12.50|4|z", "b|NULL|0|y")
	p := NewProject(src, []ProjectColumn{
		{Name: "total", Expr: eval.Col(1)},
		{Name: "key", Expr: eval.Col(0)},
		{Name: "per", Expr: eval.Div(eval.Col(1), eval.Col(2))},
		{Name: "n_plus_1", Expr: eval.Add(eval.Col(2), eval.Lit(1))},
		{Name: "many", Expr: eval.Gt(eval.Col(2), eval.Lit(1))},
	}, eval.PostgreSQL)
	want := []Column{
		{Name: "total", DatabaseType: "NUMERIC"},
		{Name: "key", DatabaseType: "TEXT"},
		{Name: "per", DatabaseType: "NUMERIC", ScanType: reflect.TypeOf(0.0)},
		{Name: "n_plus_1", DatabaseType: "INT8", ScanType: reflect.TypeOf(int64(0))},
		{Name: "many", DatabaseType: "BOOL", ScanType: reflect.TypeOf(false)},
	}
	if diff := cmp.Diff(want, p.Columns(), cmp.Comparer(func(a, b reflect.Type) bool { return a == b })); diff != "" {
		t.Errorf("Columns (-want +got):\n%s", diff)
	}
	wantRows(t, p, "12.50|a|3.1250000000000000|5|true", "NULL|b|NULL|1|false")
	checkClosedOnce(t, src)
}

func TestProjectWiderThanInput(t *testing.T) {
	p := NewProject(lit(t, "a:", "1", "2"), []ProjectColumn{
		{Name: "a", Expr: eval.Col(0)}, {Name: "b", Expr: eval.Mul(eval.Col(0), eval.Lit(10))}, {Name: "c", Expr: eval.Lit("x")},
	}, eval.SQLite)
	wantRows(t, p, "1|10|'x'", "2|20|'x'")
}

func TestProjectRejectsColumnOutOfRange(t *testing.T) {
	src := lit(t, "a:", "1")
	p := NewProject(src, []ProjectColumn{{Name: "a", Expr: eval.Col(1)}}, eval.SQLite)
	if _, err := p.Next(); err == nil {
		t.Fatal("no error")
	}
	p.Close()
	checkClosedOnce(t, src)
}
