package eval

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// evalExpr evaluates e over one row of the given columns.
func evalExpr(t *testing.T, eng Engine, c []Column, row Row, e Expr) (any, error) {
	t.Helper()
	ev := NewEvaluator(eng, c)
	if err := ev.Check(&e); err != nil {
		// PostgreSQL's type errors come when it parses the statement.
		return nil, err
	}
	return ev.Value(&e, row)
}

// Results as sqlite3 (modernc.org/sqlite 3.53) returned them for
// SELECT 7/2, 7/0, … over literals.
func TestExprSQLiteArithmetic(t *testing.T) {
	tests := []struct {
		name string
		e    Expr
		want any
	}{
		{"integer division truncates", Div(Lit(7), Lit(2)), int64(3)},
		{"division by zero is NULL", Div(Lit(7), Lit(0)), nil},
		{"float division by zero is NULL", Div(Lit(1), Lit(0.0)), nil},
		{"remainder by zero is NULL", Mod(Lit(7), Lit(0)), nil},
		{"remainder has the dividend's sign", Mod(Lit(-7), Lit(3)), int64(-1)},
		{"float remainder on integer parts", Mod(Lit(7.5), Lit(2)), 1.0},
		{"negative float remainder", Mod(Lit(-7.5), Lit(2)), -1.0},
		{"integer remainder by a float is exact", Mod(Lit(int64(4611686014132420609)), Lit(2.5)), 1.0},
		{"overflow continues in float", Add(Lit(int64(math.MaxInt64)), Lit(1)), 9.223372036854776e+18},
		{"MinInt64 / -1 in float", Div(Lit(int64(math.MinInt64)), Lit(-1)), 9.223372036854776e+18},
		{"negating MinInt64", Neg(Lit(int64(math.MinInt64))), 9.223372036854776e+18},
		{"multiplication overflow", Mul(Lit(3000000000), Lit(4000000000)), 1.2e19},
		{"float division", Div(Lit(5.0), Lit(2)), 2.5},
		{"text converts by numeric prefix", Add(Lit("3abc"), Lit(1)), int64(4)},
		{"text without digits is 0", Add(Lit("abc"), Lit(1)), int64(1)},
		{"text with a point is float", Add(Lit("3.0abc"), Lit(1)), 4.0},
		{"spaces around text", Add(Lit(" 12 "), Lit(0)), int64(12)},
		{"text beyond int64 is float", Add(Lit("99999999999999999999"), Lit(0)), 1e20},
		{"NULL propagates", Add(Lit(1), Lit(nil)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalExpr(t, SQLite, nil, nil, tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestExprSQLiteLogic(t *testing.T) {
	tests := []struct {
		name string
		e    Expr
		want any
	}{
		{"text above numbers", Gt(Lit("a"), Lit(1)), int64(1)},
		{"2 = 2.0", Eq(Lit(2), Lit(2.0)), int64(1)},
		{"NULL = NULL is NULL", Eq(Lit(nil), Lit(nil)), nil},
		{"NULL AND 0", And(Lit(nil), Lit(0)), int64(0)},
		{"NULL AND 1", And(Lit(nil), Lit(1)), nil},
		{"NULL OR 1", Or(Lit(nil), Lit(1)), int64(1)},
		{"NULL OR 0", Or(Lit(nil), Lit(0)), nil},
		{"NOT NULL", Not(Lit(nil)), nil},
		{"NOT 0", Not(Lit(0)), int64(1)},
		{"IS NULL", IsNull(Lit(nil)), int64(1)},
		{"IS NOT NULL", IsNotNull(Lit(0)), int64(1)},
		{"COALESCE", Coalesce(Lit(nil), Lit(2), Div(Lit(1), Lit(0))), int64(2)},
		{"CASE falls to ELSE past NULL", Case([]When{{Lit(0), Lit(1)}, {Lit(nil), Lit(2)}}, Lit(3)), int64(3)},
		{"CASE without ELSE", Case([]When{{Lit(0), Lit(1)}}, Expr{}), nil},
		{"CASE picks first true", Case([]When{{Lit(0), Lit(1)}, {Lit(2), Lit("two")}}, Lit(3)), "two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalExpr(t, SQLite, nil, nil, tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Results and errors as PostgreSQL 15 returned them.
func TestExprPostgreSQL(t *testing.T) {
	c := cols("n:NUMERIC i:INT8 f:FLOAT8 s:TEXT")
	row := Row{"1.50", int64(7), 2.5, "x"}
	tests := []struct {
		name string
		e    Expr
		want any
		err  error
	}{
		{"integer division", Div(Lit(7), Lit(2)), int64(3), nil},
		{"integer division by zero", Div(Col(1), Lit(0)), nil, ErrDivisionByZero},
		{"remainder", Mod(Lit(-7), Lit(3)), int64(-1), nil},
		{"MinInt64 % -1", Mod(Lit(int64(math.MinInt64)), Lit(-1)), int64(0), nil},
		{"bigint overflow", Add(Lit(int64(math.MaxInt64)), Lit(1)), nil, ErrBigintOutOfRange},
		{"numeric division scale", Div(NumericLit("5.0"), Lit(2)), "2.5000000000000000", nil},
		{"numeric / 3", Div(NumericLit("10"), Lit(3)), "3.3333333333333333", nil},
		{"numeric remainder", Mod(NumericLit("7.5"), Lit(2)), "1.5", nil},
		{"numeric by zero", Div(NumericLit("7.0"), Lit(0)), nil, ErrDivisionByZero},
		{"numeric column times int keeps scale", Mul(Col(0), Lit(2)), "3.00", nil},
		{"numeric minus", Sub(NumericLit("10"), NumericLit("0.25")), "9.75", nil},
		{"negated numeric", Neg(Col(0)), "-1.50", nil},
		{"float by zero", Div(Col(2), Lit(0)), nil, ErrDivisionByZero},
		{"float overflow", Mul(Lit(1e308), Lit(10)), nil, ErrFloatOverflow},
		{"numeric equality by value", Eq(Col(0), NumericLit("1.5")), true, nil},
		{"int against numeric", Gt(Lit(3), NumericLit("2.5")), true, nil},
		{"numeric column against float", Lt(Col(0), Col(2)), true, nil},
		{"NULL comparison", Ne(Lit(nil), Col(1)), nil, nil},
		{"AND with NULL", And(Lit(true), Lit(nil)), nil, nil},
		{"OR short of NULL", Or(Lit(nil), Gt(Col(1), Lit(5))), true, nil},
		{"plain column untouched", Col(0), "1.50", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalExpr(t, PostgreSQL, c, row, tt.e)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := evalExpr(t, PostgreSQL, c, row, Mod(Col(2), Lit(2))); err == nil {
		t.Error("float8 % int accepted; PostgreSQL has no such operator")
	}
	if _, err := evalExpr(t, PostgreSQL, c, row, Add(Col(3), Lit(1))); err == nil {
		t.Error("text + int accepted")
	}
}

func TestExprCheckRejectsColumnOutOfRange(t *testing.T) {
	ev := NewEvaluator(SQLite, cols("a b"))
	e := Add(Col(0), Coalesce(Col(2)))
	if err := ev.Check(&e); err == nil {
		t.Fatal("no error")
	}
}
