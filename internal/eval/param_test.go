package eval

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// pgCols are result columns as pgx reports them: bigint, numeric, double
// precision, varchar, timestamp, text, real.
var pgCols = []Column{
	{DatabaseType: "INT8"}, {DatabaseType: "NUMERIC"}, {DatabaseType: "FLOAT8"},
	{DatabaseType: "VARCHAR"}, {DatabaseType: "TIMESTAMP"}, {DatabaseType: "TEXT"}, {DatabaseType: "FLOAT4"},
}

var pgRow = Row{int64(10), "2.50", 0.5, "abc", time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), "xyz", 0.25}

// Results as PostgreSQL 16 with pgx v5 returned them for SELECT 10::bigint
// + $1 and the like, with the argument bound as the Go value.
func TestParamTakesTheTypeBesideIt(t *testing.T) {
	at := time.Date(2024, 2, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		e       Expr
		want    any
		wantErr bool
	}{
		{"float beside bigint truncates", Add(Col(0), Param(1.5)), int64(11), false},
		{"negative float beside bigint truncates toward zero", Add(Col(0), Param(-2.5)), int64(8), false},
		{"float beyond int64 beside bigint fails", Add(Col(0), Param(1e20)), nil, true},
		{"float beside numeric is its shortest decimal", Add(Col(1), Param(0.1)), "2.60", false},
		{"tiny float beside numeric", Add(Col(1), Param(1e-7)), "2.5000001", false},
		{"float beside double", Mul(Col(2), Param(0.1)), 0.05, false},
		{"float beside real rounds to float32", Add(Col(6), Param(0.1)), 0.25 + float64(float32(0.1)), false},
		{"text beside bigint is parsed", Add(Col(0), Param(" 7 ")), int64(17), false},
		{"text with a point beside bigint fails", Add(Col(0), Param("5.5")), nil, true},
		{"text beside numeric is parsed", Add(Col(1), Param("1.25")), "3.75", false},
		{"int beside text fails", Eq(Col(3), Param(int64(1))), nil, true},
		{"comparison truncates too", Eq(Col(0), Param(10.9)), true, false},
		{"parameter first", Sub(Param(20.7), Col(0)), int64(10), false},
		{"text beside timestamp is a timestamp", Gt(Col(4), Param("2024-02-02 10:00")), true, false},
		{"time beside timestamp", Lt(Col(4), Param(at)), false, false},
		{"bad text beside timestamp fails", Gt(Col(4), Param("soon")), nil, true},
		{"two unknowns in arithmetic fail", Add(Param(1.5), Param(2.5)), nil, true},
		{"unary minus of an unknown fails", Neg(Param(1.5)), nil, true},
		{"under CAST numeric", Cast(Param(2.5), CastNumeric), "2.5", false},
		{"beside NULLIF's integer", NullIf(Param(2.5), Lit(0)), int64(2), false},
		{"NULL stays NULL", Add(Col(0), Param(nil)), nil, false},
		{"IN list of bigint types the float as bigint", In(Col(0), Param(10.5), Lit(3)), true, false},
		{"IN list with a numeric types the float as numeric", In(Col(0), Param(10.5), NumericLit("2.5")), false, false},
		{"IN list of text and a number fails", In(Col(3), Col(0)), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkPostgreSQL(t, tt.e, tt.want, tt.wantErr) })
	}
}

// checkPostgreSQL evaluates e over pgRow and compares the value, or
// requires PostgreSQL's type or parameter error.
func checkPostgreSQL(t *testing.T, e Expr, want any, wantErr bool) {
	t.Helper()
	ev := NewEvaluator(PostgreSQL, pgCols)
	err := ev.Check(&e)
	var got any
	if err == nil {
		got, err = ev.Value(&e, pgRow)
	}
	if wantErr {
		var te *TypeError
		var pe *ParamError
		if !errors.As(err, &te) && !errors.As(err, &pe) {
			t.Fatalf("got %v, %v, want a type or parameter error", got, err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// On SQLite a Param is the value as bound: 10 + 1.5 is 11.5.
func TestParamOnSQLiteIsTheValue(t *testing.T) {
	got, err := evalExpr(t, SQLite, []Column{{DatabaseType: "INTEGER"}}, Row{int64(10)}, Add(Col(0), Param(1.5)))
	if err != nil || got != 11.5 {
		t.Errorf("got %v, %v, want 11.5", got, err)
	}
}

// COALESCE and CASE resolve one type as PostgreSQL's parser does: the
// first known type, promoted within its category; unknown-typed values
// take it; types of different categories are an error.
func TestCoalesceResolvesOneTypeOnPostgreSQL(t *testing.T) {
	tests := []struct {
		name    string
		e       Expr
		want    any
		wantErr bool
	}{
		{"unknown literal beside timestamp", Coalesce(Lit(nil), Col(4), Param("2024-01-01")), pgRow[4], false},
		{"unknowns alone are text", Coalesce(Lit(nil), Param("2024-01-01")), "2024-01-01", false},
		{"timestamp and text fail", Coalesce(Col(4), Col(5)), nil, true},
		{"text and timestamp fail", Coalesce(Col(3), Col(4)), nil, true},
		{"varchar and text are text", Coalesce(Lit(nil), Col(3), Col(5)), "abc", false},
		{"bigint and numeric are numeric", Coalesce(Lit(nil), Col(0), Col(1)), "10", false},
		{"bad literal beside bigint fails", Coalesce(Col(0), Param("x")), nil, true},
		{"CASE of timestamp and unknown", Case([]When{{Cond: Lit(false), Then: Col(4)}}, Param("2023-05-05")), time.Date(2023, 5, 5, 0, 0, 0, 0, time.UTC), false},
		{"CASE of text and timestamp fails", Case([]When{{Cond: Lit(true), Then: Col(5)}}, Col(4)), nil, true},
		{"CASE of unknowns is text", Case([]When{{Cond: Lit(true), Then: Param("a")}}, Param("b")), "a", false},
		{"CASE of integer and unknown float truncates", Case([]When{{Cond: Lit(true), Then: Param(2.5)}}, Lit(1)), int64(2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkPostgreSQL(t, tt.e, tt.want, tt.wantErr) })
	}
}

// CAST(x AS TEXT) prints values as each engine does.
func TestCastTextPrintsAsTheEngine(t *testing.T) {
	at := time.Date(2024, 3, 1, 10, 0, 0, 500000000, time.UTC)
	tests := []struct {
		eng  Engine
		v    any
		want string
	}{
		{SQLite, int64(7), "7"},
		{SQLite, 4.0, "4.0"},
		{SQLite, at, "2024-03-01 10:00:00.5"},
		{PostgreSQL, 4.0, "4"},
		{PostgreSQL, 0.1, "0.1"},
		{PostgreSQL, 1e20, "1e+20"},
		{PostgreSQL, 123456789012345.0, "123456789012345"},
		{PostgreSQL, 1234567890123456.0, "1.234567890123456e+15"},
		{PostgreSQL, 0.00001, "1e-05"},
		{PostgreSQL, true, "true"},
		{PostgreSQL, at, "2024-03-01 10:00:00.5"},
	}
	for _, tt := range tests {
		got, err := evalExpr(t, tt.eng, nil, nil, Cast(Lit(tt.v), CastText))
		if err != nil || got != tt.want {
			t.Errorf("%v CAST(%v AS TEXT) = %v, %v, want %q", tt.eng, tt.v, got, err, tt.want)
		}
	}
}
