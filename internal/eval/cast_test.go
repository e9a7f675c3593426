package eval

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Results as PostgreSQL 15 and SQLite 3.53 return them for the same casts
// over literals.
func TestCastAndNullIfFollowTheEngine(t *testing.T) {
	tests := []struct {
		name string
		eng  Engine
		e    Expr
		want any
	}{
		{"sqlite integer to real", SQLite, Cast(Lit(7), CastReal), 7.0},
		{"sqlite text to real by prefix", SQLite, Cast(Lit("2.5kg"), CastReal), 2.5},
		{"sqlite real to integer truncates", SQLite, Cast(Lit(-2.7), CastInteger), int64(-2)},
		{"sqlite exact division", SQLite, Div(Cast(Lit(7), CastReal), Lit(2)), 3.5},
		{"sqlite NULL stays NULL", SQLite, Cast(Lit(nil), CastReal), nil},
		{"pg float to numeric with 15 digits", PostgreSQL, Cast(Lit(0.1), CastNumeric), "0.1"},
		{"pg large float to numeric", PostgreSQL, Cast(Lit(1e20), CastNumeric), "100000000000000000000"},
		{"pg small float to numeric", PostgreSQL, Cast(Lit(1.23456789012345678e-7), CastNumeric), "0.000000123456789012346"},
		{"pg float to integer rounds half even", PostgreSQL, Cast(Lit(2.5), CastInteger), int64(2)},
		{"pg float to integer rounds up", PostgreSQL, Cast(Lit(3.5), CastInteger), int64(4)},
		{"pg numeric to integer rounds half away", PostgreSQL, Cast(NumericLit("-2.5"), CastInteger), int64(-3)},
		{"pg boolean to integer", PostgreSQL, Cast(Gt(Lit(2), Lit(1)), CastInteger), int64(1)},
		{"pg exact division", PostgreSQL, Div(Cast(Lit(7), CastNumeric), NullIf(Lit(2), Lit(0))), "3.5000000000000000"},
		{"pg division scale", PostgreSQL, Div(Cast(Lit(1), CastNumeric), NullIf(Lit(3), Lit(0))), "0.33333333333333333333"},
		{"pg division by NULLIF zero is NULL", PostgreSQL, Div(Cast(Lit(7), CastNumeric), NullIf(Lit(0), Lit(0))), nil},
		{"NULLIF of NULL", SQLite, NullIf(Lit(nil), Lit(0)), nil},
		{"NULLIF against NULL keeps the value", SQLite, NullIf(Lit(3), Lit(nil)), int64(3)},
		{"NULLIF of a different value", PostgreSQL, NullIf(Lit(3), Lit(0)), int64(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalExpr(t, tt.eng, nil, nil, tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCastToIntegerOutOfRangeFailsOnPostgreSQL(t *testing.T) {
	if _, err := evalExpr(t, PostgreSQL, nil, nil, Cast(Lit(int64(1)<<40), CastInteger)); err == nil {
		t.Fatal("CAST(2^40 AS integer) succeeded, want integer out of range")
	}
}

// PostgreSQL resolves COALESCE and CASE to the common type of their
// branches: an integer branch next to a numeric or float8 one yields
// that type.
func TestCoalesceAndCaseTakeTheCommonTypeOnPostgreSQL(t *testing.T) {
	cols := []Column{{Name: "s", DatabaseType: "NUMERIC"}, {Name: "f", DatabaseType: "FLOAT8"}, {Name: "i", DatabaseType: "INT8"}}
	row := Row{nil, nil, int64(4)}
	tests := []struct {
		name string
		eng  Engine
		e    Expr
		want any
	}{
		{"numeric and integer", PostgreSQL, Coalesce(Col(0), Lit(0)), "0"},
		{"float8 and integer", PostgreSQL, Coalesce(Col(1), Lit(-1)), 0.0 - 1},
		{"integers stay integers", PostgreSQL, Coalesce(Col(2), Lit(0)), int64(4)},
		{"case of float8 and integer", PostgreSQL, Case([]When{{Cond: IsNull(Col(1)), Then: Lit(1)}}, Col(1)), 1.0},
		{"case of integer and numeric", PostgreSQL, Case([]When{{Cond: IsNull(Col(0)), Then: Col(2)}, {Cond: Lit(true), Then: Lit(nil)}}, Col(0)), "4"},
		{"SQLite keeps each value's type", SQLite, Coalesce(Col(1), Lit(-1)), int64(-1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalExpr(t, tt.eng, cols, row, tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// PostgreSQL reads a string compared with a timestamp as a timestamp;
// SQLite compares the text modernc stored.
func TestTimestampAgainstStringLiteral(t *testing.T) {
	cols := []Column{{Name: "made", DatabaseType: "TIMESTAMP"}}
	row := Row{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		eng  Engine
		e    Expr
		want any
	}{
		{PostgreSQL, Eq(Col(0), Lit("2024-01-01 00:00:00")), true},
		{PostgreSQL, Le(Col(0), Lit("2024-01-01")), true},
		{PostgreSQL, Gt(Lit("2024-01-01T00:00:01+02"), Col(0)), true},
		{SQLite, Eq(Col(0), Lit("2024-01-01 00:00:00")), int64(1)},
		{SQLite, Gt(Col(0), Lit("2024-01-01")), int64(1)},
	}
	for _, tt := range tests {
		got, err := evalExpr(t, tt.eng, cols, row, tt.e)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%v %+v = %v, want %v", tt.eng, tt.e, got, tt.want)
		}
	}
}
