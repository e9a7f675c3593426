package eval

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// PostgreSQL's int2 and int4 operators fail where their result leaves the
// operands' type, as the server answered SELECT 32767::int2 + 1::int2 …;
// bigint operands, and SQLite, compute in int64.
func TestNarrowIntegerArithmeticOverflowsAsPostgreSQL(t *testing.T) {
	cols := []Column{
		{DatabaseType: "INT2", ScanType: scanInt64},
		{DatabaseType: "INT4", ScanType: scanInt64},
		{DatabaseType: "INT8", ScanType: scanInt64},
	}
	row := Row{int64(32767), int64(math.MaxInt32), int64(math.MaxInt32)}
	minRow := Row{int64(math.MinInt16), int64(math.MinInt32), int64(0)}
	tests := []struct {
		name string
		e    Expr
		row  Row
		want any
		err  error
	}{
		{"smallint + smallint", Add(Col(0), Col(0)), row, nil, ErrSmallintOutOfRange},
		{"smallint + integer literal is integer", Add(Col(0), Lit(1)), row, int64(32768), nil},
		{"integer + 1", Add(Col(1), Lit(1)), row, nil, ErrIntegerOutOfRange},
		{"integer * 2", Mul(Col(1), Lit(2)), row, nil, ErrIntegerOutOfRange},
		{"integer - smallint", Sub(Col(1), Neg(Col(0))), row, nil, ErrIntegerOutOfRange},
		{"integer + bigint is bigint", Add(Col(1), Col(2)), row, int64(2 * math.MaxInt32), nil},
		{"integer + bigint literal", Add(Col(1), Lit(int64(1)<<32)), row, int64(math.MaxInt32) + 1<<32, nil},
		{"integer + numeric", Add(Col(1), NumericLit("1")), row, "2147483648", nil},
		{"integer + float", Add(Col(1), Lit(1.0)), row, 2147483648.0, nil},
		{"minus smallint minimum", Neg(Col(0)), minRow, nil, ErrSmallintOutOfRange},
		{"minus integer minimum", Neg(Col(1)), minRow, nil, ErrIntegerOutOfRange},
		{"integer minimum / -1", Div(Col(1), Lit(-1)), minRow, nil, ErrIntegerOutOfRange},
		{"integer minimum % -1", Mod(Col(1), Lit(-1)), minRow, int64(0), nil},
		{"smallint minimum % -1", Mod(Col(0), Lit(-1)), minRow, int64(0), nil},
		{"typed argument beside integer", Add(Col(1), Param(int64(1))), row, nil, ErrIntegerOutOfRange},
		{"in range", Sub(Col(1), Lit(1)), row, int64(math.MaxInt32 - 1), nil},
		// PostgreSQL folds the minus into the literal: -2147483648 is an
		// integer (SELECT pg_typeof(-2147483648) answers integer).
		{"negated literal integer minimum is integer", Mul(Neg(Lit(int64(2147483648))), Lit(2)), row, nil, ErrIntegerOutOfRange},
		{"negated literal integer minimum", Sub(Neg(Lit(int64(2147483648))), Lit(0)), row, int64(math.MinInt32), nil},
		{"negated bigint literal stays bigint", Mul(Neg(Lit(int64(2147483649))), Lit(2)), row, int64(-4294967298), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalExpr(t, PostgreSQL, cols, tt.row, tt.e)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if _, err := evalExpr(t, SQLite, cols, tt.row, tt.e); err != nil {
				t.Errorf("SQLite: %v", err)
			}
		})
	}
}

// PostgreSQL reads a literal with an exponent as numeric, printed as
// SELECT 1.50e1, 1e3, … printed them.
func TestNumericLiteralWithAnExponent(t *testing.T) {
	for in, want := range map[string]string{
		"2.5e0": "2.5", "1e3": "1000", "1.50e1": "15.0", "25e-1": "2.5", "0.5e-2": "0.005",
		"1E20": "100000000000000000000", "12.345e1": "123.45", "100.125": "100.125", "007e1": "70",
	} {
		if got := numericInput(in); got != want {
			t.Errorf("numericInput(%q) = %q, want %q", in, got, want)
		}
	}
}

// PostgreSQL's planner computes arithmetic over constants alone, so its
// error fails the statement before any row is read (the server answered
// SELECT COALESCE(i, 1 + 2147483647) FROM an empty table so), except
// where it drops the expression: COALESCE after a constant, a CASE
// result under a constant false condition or after a constant true one.
func TestConstantArithmeticFailsWhenCheckedOnPostgreSQL(t *testing.T) {
	cols := []Column{{DatabaseType: "INT4", ScanType: scanInt64}}
	overflow := Add(Lit(1), Lit(int64(math.MaxInt32)))
	tests := []struct {
		name string
		e    Expr
		err  error
	}{
		{"1 + 2147483647", Add(Lit(1), Lit(int64(math.MaxInt32))), ErrIntegerOutOfRange},
		{"under a column's arithmetic", Add(Col(0), Mul(Param(int64(2)), Lit(int64(math.MaxInt32)))), ErrIntegerOutOfRange},
		{"bigint", Add(Lit(int64(math.MaxInt64)), Lit(1)), ErrBigintOutOfRange},
		{"in range", Add(Lit(1), Lit(2)), nil},
		{"with a column", Add(Col(0), Lit(int64(math.MaxInt32))), nil},
		{"under COALESCE", Coalesce(Col(0), Add(Lit(1), Lit(int64(math.MaxInt32)))), ErrIntegerOutOfRange},
		{"after a constant in COALESCE", Coalesce(Lit(2), Add(Lit(1), Lit(int64(math.MaxInt32)))), nil},
		{"after NULL in COALESCE", Coalesce(Lit(nil), Add(Lit(1), Lit(int64(math.MaxInt32)))), ErrIntegerOutOfRange},
		{"a CASE result", Case([]When{{Gt(Col(0), Lit(0)), overflow}}, Lit(1)), ErrIntegerOutOfRange},
		{"a CASE result under false", Case([]When{{Lit(false), overflow}}, Lit(1)), nil},
		{"an ELSE after true", Case([]When{{Lit(true), Lit(1)}}, overflow), nil},
		{"an ELSE", Case([]When{{Gt(Col(0), Lit(0)), Lit(1)}}, overflow), ErrIntegerOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			if err := NewEvaluator(PostgreSQL, cols).Check(&e); !errors.Is(err, tt.err) {
				t.Errorf("PostgreSQL: Check: %v, want %v", err, tt.err)
			}
			e = tt.e
			if err := NewEvaluator(SQLite, cols).Check(&e); err != nil {
				t.Errorf("SQLite: Check: %v", err)
			}
		})
	}
}

// PostgreSQL's planner folds a strict operator with a constant NULL
// operand to NULL, so its other operand is never computed: NULL * (i *
// 2147483647) is NULL for every row, not "integer out of range".
func TestConstantNullOperandIsNotComputedOnPostgreSQL(t *testing.T) {
	cols := []Column{{DatabaseType: "INT4", ScanType: scanInt64}}
	overflow := Mul(Col(0), Lit(int64(math.MaxInt32)))
	for _, e := range []Expr{
		Mul(Lit(nil), overflow),
		Add(overflow, Div(Cast(Lit(0), CastNumeric), NullIf(Param(int64(0)), Lit(0)))),
		Gt(Neg(Add(Lit(nil), overflow)), overflow),
	} {
		got, err := evalExpr(t, PostgreSQL, cols, Row{int64(2)}, e)
		if err != nil || got != nil {
			t.Errorf("got %v, %v, want NULL", got, err)
		}
	}
	if _, err := evalExpr(t, PostgreSQL, cols, Row{int64(2)}, Mul(Lit(1), overflow)); !errors.Is(err, ErrIntegerOutOfRange) {
		t.Errorf("1 * (i * 2147483647): %v, want integer out of range", err)
	}
}
