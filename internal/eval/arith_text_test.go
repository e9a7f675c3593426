package eval

import (
	"math"
	"testing"
	"time"
)

// SQLite arithmetic reads a text operand's numeric prefix, and a
// time.Time as the text a shard holds for it; the expectations are
// sqlite3's.
func TestSQLiteArithmeticReadsTheTextPrefix(t *testing.T) {
	made := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		a, b any
		op   func(a, b Expr) Expr
		want any
	}{
		{made, int64(1), Add, int64(2025)},
		{made, int64(24), Sub, int64(2000)},
		{made, int64(2), Mul, int64(4048)},
		{made, int64(7), Mod, int64(1)},
		{made, 1.5, Add, 2025.5},
		{int64(1), made, Sub, int64(-2023)},
		{time.Date(2025, 1, 1, 2, 0, 0, 0, time.FixedZone("", 3600*5)), int64(0), Add, int64(2024)},
		{"\v5", int64(1), Add, int64(6)},
		{"\f5", int64(1), Add, int64(6)},
		{" 5", int64(1), Add, int64(6)},
		{"0x10", int64(1), Add, int64(1)},
		{"1e3x", int64(1), Add, 1001.0},
		{".5", int64(1), Add, 1.5},
		{"5.", int64(1), Add, 6.0},
		{"1e", int64(1), Add, int64(2)},
		{"-", int64(1), Add, int64(1)},
		{"- 5", int64(1), Add, int64(1)},
		{"+5", int64(1), Add, int64(6)},
		{"12e+", int64(1), Add, int64(13)},
		{"9223372036854775807x", int64(1), Add, 9.223372036854776e18},
		{"9223372036854775808", int64(0), Add, 9.223372036854776e18},
	}
	for _, tt := range tests {
		e := tt.op(Lit(tt.a), Lit(tt.b))
		ev := NewEvaluator(SQLite, nil)
		if err := ev.Check(&e); err != nil {
			t.Fatal(err)
		}
		got, err := ev.Value(&e, nil)
		if err != nil || got != tt.want {
			t.Errorf("%q and %v = %v (%T), %v; want %v (%T)", tt.a, tt.b, got, got, err, tt.want, tt.want)
		}
	}
}

// SQLite's remainder and CAST AS INTEGER read text by its integer
// prefix alone, where + reads an exponent too.
func TestSQLiteIntegerValueOfText(t *testing.T) {
	rem := []struct {
		a, b any
		want any
	}{
		{"1e1", int64(7), 1.0},
		{"1e1", 7.0, 1.0},
		{"2.9e1x", int64(100), 2.0},
		{int64(25), "1e1", 0.0},
		{int64(25), "2.5", 1.0},
		{"  12.7", int64(5), 2.0},
		{"9.9", 5.0, 4.0},
		{7.9, int64(5), 2.0},
		{"-3.5abc", 2.0, -1.0},
		{"99999999999999999999", int64(7), 0.0},
		{"x", 1.5, 0.0},
		{"12", int64(5), int64(2)},
	}
	for _, tt := range rem {
		e := Mod(Lit(tt.a), Lit(tt.b))
		ev := NewEvaluator(SQLite, nil)
		got, err := ev.Value(&e, nil)
		if err != nil || got != tt.want {
			t.Errorf("%q %% %v = %v (%T), %v; want %v", tt.a, tt.b, got, got, err, tt.want)
		}
	}
	casts := []struct {
		v    any
		want int64
	}{
		{"1e1", 1}, {"2.9e1x", 2}, {" 12.7", 12}, {"99999999999999999999", math.MaxInt64},
		{"-99999999999999999999", math.MinInt64}, {"1e30", 1}, {[]byte("12"), 12},
		{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), 2024},
	}
	for _, tt := range casts {
		if got := sqliteCast(CastInteger, tt.v); got != tt.want {
			t.Errorf("CAST(%q AS INTEGER) = %v, want %d", tt.v, got, tt.want)
		}
	}
}
