package eval

import (
	"math/big"
	"strconv"
)

// decimal is a PostgreSQL NUMERIC value: coef × 10^-scale, where scale is
// the display scale (the digits after the point PostgreSQL prints), or one
// of the special values NaN, Infinity, -Infinity. It computes what the
// server's numeric arithmetic computes, exactly, and renders the text pgx
// hands out.
type decimal struct {
	coef    big.Int
	scale   int32
	special decSpecial
}

type decSpecial int8

const (
	decFinite decSpecial = iota
	decNaN
	decPosInf
	decNegInf
)

// maxDisplayScale is NUMERIC_MAX_DISPLAY_SCALE.
const maxDisplayScale = 1000

var bigTen = big.NewInt(10)

// smallPow10 holds 10^0 … 10^63, read-only once built.
var smallPow10 = func() [64]big.Int {
	var t [64]big.Int
	t[0].SetInt64(1)
	for i := 1; i < len(t); i++ {
		t[i].Mul(&t[i-1], bigTen)
	}
	return t
}()

// digits returns the decimal digits of |x| in sc.buf, valid until the
// next use of sc; without allocating when |x| fits a uint64.
func (sc *decScratch) digits(x *big.Int) []byte {
	sc.abs.Abs(x)
	if sc.abs.IsUint64() {
		sc.buf = strconv.AppendUint(sc.buf[:0], sc.abs.Uint64(), 10)
	} else {
		sc.buf = sc.abs.Append(sc.buf[:0], 10)
	}
	return sc.buf
}

// pow10 returns 10^n; the result must not be modified.
func pow10(n int32) *big.Int {
	if n >= 0 && int(n) < len(smallPow10) {
		return &smallPow10[n]
	}
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// decScratch is reusable working storage for decimal division and
// rendering, so that a merge dividing once per group does not allocate
// more than the result.
type decScratch struct {
	num, den, rem, abs big.Int
	buf                []byte
}

// setText parses NUMERIC text as PostgreSQL prints it ("-12.50", "3",
// "NaN", "Infinity"); it reports false for anything else.
func (d *decimal) setText(s string) bool {
	switch s {
	case "NaN":
		d.special = decNaN
		return true
	case "Infinity":
		d.special = decPosInf
		return true
	case "-Infinity":
		d.special = decNegInf
		return true
	}
	d.special = decFinite
	neg := false
	body := s
	if body != "" && (body[0] == '-' || body[0] == '+') {
		neg = body[0] == '-'
		body = body[1:]
	}
	if body == "" {
		return false
	}
	var small uint64
	ndigits, scale, dot := 0, int32(0), false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '.' && !dot:
			dot = true
		case c >= '0' && c <= '9':
			if ndigits < 19 {
				small = small*10 + uint64(c-'0')
			}
			ndigits++
			if dot {
				scale++
			}
		default:
			return false
		}
	}
	if ndigits == 0 {
		return false
	}
	d.scale = scale
	if ndigits <= 19 {
		d.coef.SetUint64(small)
	} else {
		digits := make([]byte, 0, ndigits)
		for i := 0; i < len(body); i++ {
			if body[i] != '.' {
				digits = append(digits, body[i])
			}
		}
		d.coef.SetString(string(digits), 10)
	}
	if neg {
		d.coef.Neg(&d.coef)
	}
	return true
}

func (d *decimal) setInt64(v int64) {
	d.special = decFinite
	d.scale = 0
	d.coef.SetInt64(v)
}

func (d *decimal) set(x *decimal) {
	d.special = x.special
	d.scale = x.scale
	d.coef.Set(&x.coef)
}

// sign returns -1, 0 or +1; NaN counts as 0.
func (d *decimal) sign() int {
	switch d.special {
	case decPosInf:
		return 1
	case decNegInf:
		return -1
	case decNaN:
		return 0
	}
	return d.coef.Sign()
}

// rescale raises d's scale to s (s >= d.scale) without changing its value.
func (d *decimal) rescale(s int32) {
	if s > d.scale {
		d.coef.Mul(&d.coef, pow10(s-d.scale))
		d.scale = s
	}
}

// add sets d = d + x as numeric_add does: the result's scale is the larger.
func (d *decimal) add(x *decimal) {
	if d.special != decFinite || x.special != decFinite {
		d.special = addSpecial(d.special, x.special)
		return
	}
	if x.scale == d.scale {
		d.coef.Add(&d.coef, &x.coef)
		return
	}
	if x.scale < d.scale {
		var t big.Int
		t.Mul(&x.coef, pow10(d.scale-x.scale))
		d.coef.Add(&d.coef, &t)
		return
	}
	d.rescale(x.scale)
	d.coef.Add(&d.coef, &x.coef)
}

func addSpecial(a, b decSpecial) decSpecial {
	switch {
	case a == decNaN || b == decNaN:
		return decNaN
	case a == decFinite:
		return b
	case b == decFinite:
		return a
	case a == b:
		return a
	}
	return decNaN // Infinity + -Infinity
}

func (d *decimal) neg() {
	switch d.special {
	case decPosInf:
		d.special = decNegInf
	case decNegInf:
		d.special = decPosInf
	case decFinite:
		d.coef.Neg(&d.coef)
	}
}

// mul returns x × y as numeric_mul does: the result's scale is the sum.
func decimalMul(x, y *decimal) *decimal {
	r := new(decimal)
	if x.special != decFinite || y.special != decFinite {
		s := x.sign() * y.sign()
		switch {
		case x.special == decNaN || y.special == decNaN || s == 0:
			r.special = decNaN
		case s > 0:
			r.special = decPosInf
		default:
			r.special = decNegInf
		}
		return r
	}
	r.coef.Mul(&x.coef, &y.coef)
	r.scale = x.scale + y.scale
	return r
}

// decimalDiv returns x / y as numeric_div does: rounded half away from
// zero at the scale select_div_scale chooses.
func decimalDiv(x, y *decimal) (*decimal, error) {
	r := new(decimal)
	if err := r.quo(x, y, new(decScratch)); err != nil {
		return nil, err
	}
	return r, nil
}

// quo sets r = x / y; see decimalDiv.
func (r *decimal) quo(x, y *decimal, sc *decScratch) error {
	r.special = decFinite
	r.scale = 0
	r.coef.SetInt64(0)
	if x.special == decNaN || y.special == decNaN {
		r.special = decNaN
		return nil
	}
	if y.special == decFinite && y.coef.Sign() == 0 {
		return ErrDivisionByZero
	}
	if x.special != decFinite {
		if y.special != decFinite {
			r.special = decNaN
		} else if x.sign()*y.sign() > 0 {
			r.special = decPosInf
		} else {
			r.special = decNegInf
		}
		return nil
	}
	if y.special != decFinite {
		return nil // finite / ±Infinity is 0
	}
	rscale := selectDivScale(x, y, sc)
	// x/y × 10^rscale = x.coef × 10^(y.scale+rscale) / (y.coef × 10^x.scale)
	sc.num.Mul(&x.coef, pow10(y.scale+rscale))
	sc.den.Mul(&y.coef, pow10(x.scale))
	roundQuo(&r.coef, &sc.num, &sc.den, &sc.rem)
	r.scale = rscale
	return nil
}

// roundQuo sets q = num/den rounded half away from zero.
func roundQuo(q, num, den, rem *big.Int) {
	q.QuoRem(num, den, rem)
	rem.Abs(rem)
	rem.Lsh(rem, 1)
	if rem.CmpAbs(den) >= 0 {
		if num.Sign()*den.Sign() < 0 {
			q.Sub(q, &smallPow10[0])
		} else {
			q.Add(q, &smallPow10[0])
		}
	}
}

// decimalMod returns x % y as numeric_mod does: x - y × trunc(x/y), with
// the larger scale.
func decimalMod(x, y *decimal) (*decimal, error) {
	r := new(decimal)
	if x.special == decNaN || y.special == decNaN {
		r.special = decNaN
		return r, nil
	}
	if y.special == decFinite && y.coef.Sign() == 0 {
		return nil, ErrDivisionByZero
	}
	if x.special != decFinite {
		r.special = decNaN
		return r, nil
	}
	if y.special != decFinite {
		r.set(x)
		return r, nil
	}
	s := max(x.scale, y.scale)
	var a, b big.Int
	a.Mul(&x.coef, pow10(s-x.scale))
	b.Mul(&y.coef, pow10(s-y.scale))
	r.coef.Rem(&a, &b) // truncated division: the sign of the dividend
	r.scale = s
	return r, nil
}

// selectDivScale is PostgreSQL's select_div_scale: enough digits for 16
// significant digits in the quotient, and no fewer than either input's
// display scale.
func selectDivScale(x, y *decimal, sc *decScratch) int32 {
	w1, f1 := x.nbaseLead(sc)
	w2, f2 := y.nbaseLead(sc)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := 16 - qweight*4
	rscale = max(rscale, x.scale, y.scale, 0)
	return min(rscale, maxDisplayScale)
}

// nbaseLead returns the weight and value of the first non-zero base-10000
// digit of d as PostgreSQL stores it (digit groups aligned at the decimal
// point): 123.45 → (0, 123), 12345 → (1, 1), 0.00012 → (-1, 1). Zero is (0, 0).
func (d *decimal) nbaseLead(sc *decScratch) (weight, first int32) {
	if d.coef.Sign() == 0 {
		return 0, 0
	}
	digits := sc.digits(&d.coef)
	p := int32(len(digits)) - 1 - d.scale // power of ten of the leading digit
	weight = p / 4
	if p < 0 && p%4 != 0 {
		weight--
	}
	k := int(p - 4*weight + 1) // decimal digits of the leading group that are present
	for i := 0; i < k; i++ {
		first *= 10
		if i < len(digits) {
			first += int32(digits[i] - '0')
		}
	}
	return weight, first
}

// appendText renders d as PostgreSQL prints a NUMERIC: exactly scale digits
// after the point, no exponent.
func (d *decimal) appendText(buf []byte, sc *decScratch) []byte {
	switch d.special {
	case decNaN:
		return append(buf, "NaN"...)
	case decPosInf:
		return append(buf, "Infinity"...)
	case decNegInf:
		return append(buf, "-Infinity"...)
	}
	if d.coef.Sign() < 0 {
		buf = append(buf, '-')
	}
	digits := sc.digits(&d.coef)
	s := int(d.scale)
	if len(digits) <= s {
		buf = append(buf, '0')
	} else {
		buf = append(buf, digits[:len(digits)-s]...)
	}
	if s > 0 {
		buf = append(buf, '.')
		for i := len(digits); i < s; i++ {
			buf = append(buf, '0')
		}
		if len(digits) >= s {
			buf = append(buf, digits[len(digits)-s:]...)
		} else {
			buf = append(buf, digits...)
		}
	}
	return buf
}

func (d *decimal) String() string { return string(d.appendText(nil, new(decScratch))) }

// text renders d as a string using scratch storage: one allocation.
func (d *decimal) text(sc *decScratch) string {
	var b [48]byte
	return string(d.appendText(b[:0], sc))
}

// float64 converts d as PostgreSQL's numeric → float8 cast does.
func (d *decimal) float64() float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}
