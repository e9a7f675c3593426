package eval

import "testing"

func dec(t *testing.T, s string) *decimal {
	t.Helper()
	d := new(decimal)
	if !d.setText(s) {
		t.Fatalf("setText(%q) failed", s)
	}
	return d
}

func TestDecimalTextRoundTrips(t *testing.T) {
	for _, s := range []string{"0", "12.50", "-0.001", "NaN", "Infinity", "-Infinity",
		"123456789012345678901234567890.000000000000000001", "0.00000000000000000000"} {
		if got := dec(t, s).String(); got != s {
			t.Errorf("%q renders as %q", s, got)
		}
	}
	for _, s := range []string{"", "-", "1.2.3", "abc", "1e5"} {
		if new(decimal).setText(s) {
			t.Errorf("setText(%q) accepted", s)
		}
	}
}

// Quotients as PostgreSQL 15 computes a::numeric / b::numeric.
func TestDecimalDivMatchesPostgreSQL(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"3", "2", "1.5000000000000000"},
		{"1", "3", "0.33333333333333333333"},
		{"2", "3", "0.66666666666666666667"},
		{"-2", "3", "-0.66666666666666666667"},
		{"10", "4", "2.5000000000000000"},
		{"0", "7", "0.00000000000000000000"},
		{"12.50", "3", "4.1666666666666667"},
		{"1", "10000", "0.000100000000000000000000"},
		{"1", "9999", "0.00010001000100010001"},
		{"99999", "7", "14285.571428571429"},
		{"123456789012345678901234567890", "7", "17636684144620811271604938270"},
		{"-5", "2", "-2.5000000000000000"},
		{"5", "-2", "-2.5000000000000000"},
		{"0.0001", "3", "0.000033333333333333333333"},
		{"0.00012", "7", "0.000017142857142857142857"},
		{"1.000000000000000000001", "3", "0.333333333333333333334"},
		{"9223372036854775807", "1", "9223372036854775807"},
		{"9223372036854775807", "2", "4611686018427387904"},
		{"-9223372036854775808", "3", "-3074457345618258603"},
		{"20000", "3", "6666.6666666666666667"},
		{"10000", "3", "3333.3333333333333333"},
		{"9999", "10000", "0.99990000000000000000"},
		{"1", "1", "1.00000000000000000000"},
		{"7.5", "2", "3.7500000000000000"},
		{"0.5", "2", "0.25000000000000000000"},
		{"1", "100000000", "0.0000000100000000000000000000"},
		{"1.5", "0.03", "50.0000000000000000"},
		{"NaN", "2", "NaN"},
	}
	for _, tt := range tests {
		q, err := decimalDiv(dec(t, tt.a), dec(t, tt.b))
		if err != nil {
			t.Errorf("%s / %s: %v", tt.a, tt.b, err)
			continue
		}
		if got := q.String(); got != tt.want {
			t.Errorf("%s / %s = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
	if _, err := decimalDiv(dec(t, "1"), dec(t, "0.00")); err != ErrDivisionByZero {
		t.Errorf("1 / 0: %v, want %v", err, ErrDivisionByZero)
	}
}

func TestDecimalArithmeticMatchesPostgreSQL(t *testing.T) {
	add := dec(t, "Infinity")
	add.add(dec(t, "1"))
	sum := dec(t, "12.5")
	sum.add(dec(t, "-0.125"))
	mod, _ := decimalMod(dec(t, "-5.5"), dec(t, "2"))
	mod2, _ := decimalMod(dec(t, "5.5"), dec(t, "2"))
	for _, tt := range []struct{ got, want string }{
		{add.String(), "Infinity"},
		{sum.String(), "12.375"},
		{decimalMul(dec(t, "1.25"), dec(t, "3.1")).String(), "3.875"},
		{mod.String(), "-1.5"},
		{mod2.String(), "1.5"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}
