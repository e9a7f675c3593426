package eval

import (
	"math"
	"strconv"
	"time"
)

// sqliteSum is SQLite's SumCtx: the state of sum() and avg(). Integers add
// exactly until one overflows or a non-integer arrives; from then on the
// sum is approximate, kept with Kahan-Babushka-Neumaier compensation. The
// code follows sumStep, sumFinalize and avgFinalize of SQLite 3.53 (as
// modernc.org/sqlite ships it), so that adding the shards' partial sums
// gives what SQLite gives adding the rows, whenever the partials are exact.
type sqliteSum struct {
	iSum   int64
	rSum   float64
	rErr   float64
	approx bool
	ovrfl  bool
	cnt    int64
}

// bigIntBound is 2^52: integers beyond it are added in two parts so the
// compensation keeps their low bits.
const bigIntBound = 4503599627370496

func (s *sqliteSum) reset() { *s = sqliteSum{} }

// add adds one non-NULL value with sum()'s numeric conversion.
func (s *sqliteSum) add(v any) {
	n := sqliteNumber(v)
	s.cnt++
	i, isInt := n.(int64)
	if !s.approx {
		if !isInt {
			s.kbnInit(s.iSum)
			s.approx = true
			s.kbnStep(n.(float64))
			return
		}
		x, ok := addInt64(s.iSum, i)
		if ok {
			s.iSum = x
			return
		}
		s.ovrfl = true
		s.kbnInit(s.iSum)
		s.approx = true
		s.kbnStepInt64(i)
		return
	}
	if isInt {
		s.kbnStepInt64(i)
		return
	}
	s.ovrfl = false
	s.kbnStep(n.(float64))
}

func (s *sqliteSum) kbnInit(v int64) {
	if v <= -bigIntBound || v >= bigIntBound {
		sm := v % 16384
		s.rSum = float64(v - sm)
		s.rErr = float64(sm)
		return
	}
	s.rSum = float64(v)
	s.rErr = 0
}

func (s *sqliteSum) kbnStep(r float64) {
	t := s.rSum + r
	if math.Abs(s.rSum) > math.Abs(r) {
		s.rErr += (s.rSum - t) + r
	} else {
		s.rErr += (r - t) + s.rSum
	}
	s.rSum = t
}

func (s *sqliteSum) kbnStepInt64(v int64) {
	if v <= -bigIntBound || v >= bigIntBound {
		sm := v % 16384
		s.kbnStep(float64(v - sm))
		s.kbnStep(float64(sm))
		return
	}
	s.kbnStep(float64(v))
}

// sum is sum()'s result: NULL over no values, an int64 while exact, a
// float64 once approximate, the "integer overflow" error when integers
// overflowed and no float followed.
func (s *sqliteSum) sum() (any, error) {
	if s.cnt == 0 {
		return nil, nil
	}
	if !s.approx {
		return s.iSum, nil
	}
	if s.ovrfl {
		return nil, ErrIntegerOverflow
	}
	return s.float(), nil
}

// float is the sum as the double avg() divides.
func (s *sqliteSum) float() float64 {
	if !s.approx {
		return float64(s.iSum)
	}
	if math.IsInf(s.rErr, 0) || math.IsNaN(s.rErr) {
		return s.rSum
	}
	return s.rSum + s.rErr
}

func addInt64(a, b int64) (int64, bool) {
	c := a + b
	if (c > a) != (b > 0) {
		return c, false
	}
	return c, true
}

func subInt64(a, b int64) (int64, bool) {
	c := a - b
	if (c < a) != (b > 0) {
		return c, false
	}
	return c, true
}

func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return c, false
	}
	return c, true
}

// sqliteNumber converts a value to the int64 or float64 SQLite arithmetic
// uses: text that is an integer becomes that integer, other text the
// longest numeric prefix as a float (0 if none), as sqlite3_value_numeric_type
// and sqlite3AtoF do.
func sqliteNumber(v any) any {
	switch x := v.(type) {
	case int64, float64:
		return x
	case bool:
		return boolInt(x)
	case string:
		return sqliteTextNumber(x)
	case []byte:
		return sqliteTextNumber(string(x))
	case time.Time:
		return sqliteTextNumber(textOf(x))
	}
	return int64(0)
}

func sqliteTextNumber(s string) any {
	t := trimSpace(s)
	if i, err := strconv.ParseInt(t, 10, 64); err == nil {
		return i
	}
	p, _ := numericPrefix(t)
	f, _ := strconv.ParseFloat(p, 64)
	return f
}

// sqliteArithNumber converts a value for SQLite arithmetic
// (computeNumericType): text whose numeric prefix has no decimal point or
// exponent is an integer ('3abc' + 1 is 4, 'abc' + 1 is 1), else a float.
// A time.Time is the text a shard holds for it ('2024-01-02 03:04:05' + 1
// is 2025).
func sqliteArithNumber(v any) any {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	case time.Time:
		s = textOf(x)
	default:
		return sqliteNumber(v)
	}
	p, isInt := numericPrefix(trimSpace(s))
	if isInt {
		if p == "" || p == "+" || p == "-" {
			return int64(0)
		}
		if i, err := strconv.ParseInt(p, 10, 64); err == nil {
			return i
		}
	}
	f, _ := strconv.ParseFloat(p, 64)
	return f
}

// numericPrefix returns the longest prefix of t of the form
// [+-]digits[.digits][e[+-]digits] ("" if it has no digits), and whether
// it is an integer (no point, no exponent).
func numericPrefix(t string) (string, bool) {
	n := 0
	if n < len(t) && (t[n] == '+' || t[n] == '-') {
		n++
	}
	digits := 0
	for n < len(t) && isDigit(t[n]) {
		n++
		digits++
	}
	isInt := true
	if n < len(t) && t[n] == '.' {
		isInt = false
		n++
		for n < len(t) && isDigit(t[n]) {
			n++
			digits++
		}
	}
	if digits == 0 {
		return "", true
	}
	if n < len(t) && (t[n] == 'e' || t[n] == 'E') {
		m := n + 1
		if m < len(t) && (t[m] == '+' || t[m] == '-') {
			m++
		}
		if m < len(t) && isDigit(t[m]) {
			for m < len(t) && isDigit(t[m]) {
				m++
			}
			n = m
			isInt = false
		}
	}
	return t[:n], isInt
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// trimSpace drops the white space both engines skip around a number:
// space, tab, newline, vertical tab, form feed and carriage return.
func trimSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
