package eval

import "math/big"

// Spread names one of PostgreSQL's variance and standard deviation
// aggregates.
type Spread int8

const (
	// VarPop is var_pop: the population variance.
	VarPop Spread = iota + 1
	// VarSamp is var_samp (variance): the sample variance.
	VarSamp
	// StddevPop is stddev_pop: the population standard deviation.
	StddevPop
	// StddevSamp is stddev_samp (stddev): the sample standard deviation.
	StddevSamp
)

// Moments holds, exactly, the count, sum and sum of squares of integer or
// NUMERIC values, from which PostgreSQL computes var_pop, var_samp,
// stddev_pop and stddev_samp of them (numeric_stddev_internal): the sums
// are exact whatever order their parts are added in, so partial moments
// of several shards give the value one database gives. The zero Moments
// is empty.
type Moments struct {
	n       int64
	sum     decimal
	squares decimal
	sc      decScratch
	tmp     decimal
}

// MomentsColumn is the result column of a variance or standard deviation
// whose shards' partial (or whose values themselves) are in column sum.
// On SQLite it is a float (the partial is RealMoments' state). On
// PostgreSQL the partial is the SUM of the values, and the result NUMERIC
// over integers and NUMERIC; exact is
// false over floats, whose variance PostgreSQL computes in float8 in the
// order it reads the rows (Youngs-Cramer), which no merge of partial
// results reproduces; err reports any other type.
func (e Engine) MomentsColumn(sum Column) (col Column, exact bool, err error) {
	if e != PostgreSQL {
		return Column{Name: sum.Name, ScanType: scanFloat64}, true, nil
	}
	switch sum.DatabaseType {
	case "INT2", "INT4", "INT8", "NUMERIC":
		return numericColumn(sum.Name), true, nil
	case "FLOAT4", "FLOAT8":
		return sum, false, nil
	}
	return sum, false, &specError{"variance over PostgreSQL type " + sum.DatabaseType + " unsupported"}
}

// Count is how many values were added.
func (m *Moments) Count() int64 { return m.n }

// Reset empties m.
func (m *Moments) Reset() {
	m.n = 0
	m.sum = decimal{}
	m.squares = decimal{}
}

// Add adds one part's moments: how many non-NULL values it had, their SUM
// (int8 or NUMERIC text, NULL for none) and the SUM of their squares
// (NUMERIC text).
func (m *Moments) Add(count int64, sum, squares any) error {
	if count == 0 {
		return nil
	}
	m.n += count
	for _, p := range []struct {
		to *decimal
		v  any
	}{{&m.sum, sum}, {&m.squares, squares}} {
		switch x := p.v.(type) {
		case int64:
			m.tmp.setInt64(x)
		case string:
			if !m.tmp.setText(x) {
				return valueError("numeric", p.v)
			}
		default:
			return valueError("numeric", p.v)
		}
		p.to.add(&m.tmp)
	}
	return nil
}

// AddValue adds one value (int8 or NUMERIC text; NULL adds nothing).
func (m *Moments) AddValue(v any) error {
	if v == nil {
		return nil
	}
	switch x := v.(type) {
	case int64:
		m.tmp.setInt64(x)
	case string:
		if !m.tmp.setText(x) {
			return valueError("numeric", v)
		}
	default:
		return valueError("numeric", v)
	}
	m.n++
	m.sum.add(&m.tmp)
	m.squares.add(decimalMul(&m.tmp, &m.tmp))
	return nil
}

// Result is the statistic over the values added, as PostgreSQL's
// numeric_stddev_internal computes it: NULL without values (or with one,
// for a sample), NaN beside a NaN or an infinity, else
// (n·Σx² − (Σx)²) / (n·n) or / (n·(n−1)) divided at select_div_scale's
// scale and rounded half away from zero, its square root rounded at that
// scale again for a standard deviation; 0 when the numerator is not
// positive. The value is NUMERIC text.
func (m *Moments) Result(s Spread) (any, error) {
	sample := s == VarSamp || s == StddevSamp
	if m.n == 0 || sample && m.n <= 1 {
		return nil, nil
	}
	if m.sum.special != decFinite || m.squares.special != decFinite {
		return "NaN", nil
	}
	// The numerator at twice the sum's display scale, as the server
	// multiplies it.
	scale := 2 * m.sum.scale
	var n decimal
	n.setInt64(m.n)
	num := decimalMul(&n, &m.squares)
	num.rescale(scale)
	sq := decimalMul(&m.sum, &m.sum)
	sq.rescale(num.scale)
	num.rescale(sq.scale)
	num.coef.Sub(&num.coef, &sq.coef)
	if num.coef.Sign() <= 0 {
		return "0", nil
	}
	var den decimal
	if sample {
		den.setInt64(m.n - 1)
	} else {
		den.setInt64(m.n)
	}
	den.coef.Mul(&den.coef, &n.coef)
	var v decimal
	if err := v.quo(num, &den, &m.sc); err != nil {
		return nil, err
	}
	if s == StddevPop || s == StddevSamp {
		v.sqrt()
	}
	return v.text(&m.sc), nil
}

// sqrt sets d, finite and not negative, to its square root rounded half
// away from zero at d's scale, as the server's sqrt_var rounds it: with
// d = c·10^-s, √d·10^s = √(c·10^s).
func (d *decimal) sqrt() {
	var m, r, t big.Int
	m.Mul(&d.coef, pow10(d.scale))
	r.Sqrt(&m)
	// Round up when √m ≥ r + ½, that is m > r² + r.
	t.Mul(&r, &r)
	t.Add(&t, &r)
	if m.Cmp(&t) > 0 {
		r.Add(&r, big.NewInt(1))
	}
	d.coef.Set(&r)
}
