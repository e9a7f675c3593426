package eval

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// RoundDecimal is vitessdo's ROUND(x, d) (TRUNCATE(x, d) with truncate):
// x read as PostgreSQL reads a double into numeric (15 significant
// digits), rounded half away from zero (or cut toward zero) to d decimals,
// a negative d rounding left of the point. Every backend computes it so:
// PostgreSQL with numeric's round and trunc, SQLite with this function,
// and the merge over aggregates too.
func RoundDecimal(x float64, d int64, truncate bool) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) || x == 0 {
		return x
	}
	d = max(min(d, 400), -400)
	text := float8Numeric(math.Abs(x))
	intPart, frac, _ := strings.Cut(text, ".")
	scale := int64(len(frac))
	if d >= scale {
		v, _ := strconv.ParseFloat(text, 64)
		return math.Copysign(v, x)
	}
	n, ok := new(big.Int).SetString(intPart+frac, 10)
	if !ok {
		return x
	}
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(scale-d), nil)
	q, r := new(big.Int).QuoRem(n, unit, new(big.Int))
	if !truncate && r.Lsh(r, 1).Cmp(unit) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	out := q.String()
	switch {
	case d < 0:
		out += strings.Repeat("0", int(-d))
	case d > 0:
		for int64(len(out)) <= d {
			out = "0" + out
		}
		out = out[:int64(len(out))-d] + "." + out[int64(len(out))-d:]
	}
	v, _ := strconv.ParseFloat(out, 64)
	return math.Copysign(v, x)
}

// Round is ROUND(x, d), or TRUNCATE(x, d) with truncate, over merged
// values: a DOUBLE by RoundDecimal, NULL when x or d is.
func Round(x, d Expr, truncate bool) Expr {
	return Expr{op: opRound, val: truncate, args: []Expr{x, d}}
}

func (ev *Evaluator) round(e *Expr, row Row) (any, error) {
	x, err := ev.eval(&e.args[0], row)
	if err != nil || x == nil {
		return nil, err
	}
	d, err := ev.eval(&e.args[1], row)
	if err != nil || d == nil {
		return nil, err
	}
	xf, ok := roundOperand(x)
	if !ok {
		return nil, &specError{"ROUND of a value that is not a number"}
	}
	df, ok := roundOperand(d)
	if !ok {
		return nil, &specError{"ROUND to a number of places that is not a number"}
	}
	return RoundDecimal(xf, int64(math.Round(df)), e.val.(bool)), nil
}

func roundOperand(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case numText:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	case []byte:
		f, err := strconv.ParseFloat(strings.TrimSpace(string(x)), 64)
		return f, err == nil
	case bool:
		return floatOf(numberOf(x)), true
	}
	return 0, false
}
