package eval

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// SQLite has no variance or standard deviation: the SQLite backend
// registers MySQL's as aggregates of its own, computed by RealMoments.
// Every value (sum()'s numeric conversion of it: an integer, or a float,
// which is a binary fraction) is added exactly, as a rational, so the
// result is the exact statistic rounded once to the nearest float64, the
// same in whatever order the rows are added. Shards over several send
// their moments as text (State) and the merge adds them (AddState): the
// result is the one database's.

// RealMoments holds exactly the count, sum and sum of squares of SQLite
// values; infinities are counted apart. The zero RealMoments is empty.
type RealMoments struct {
	n, inf       int64
	sum, squares big.Rat
	tmp          big.Rat
}

// Reset empties m.
func (m *RealMoments) Reset() {
	m.n, m.inf = 0, 0
	m.sum.SetInt64(0)
	m.squares.SetInt64(0)
}

// Count is how many values were added.
func (m *RealMoments) Count() int64 { return m.n }

// AddValue adds one row's value (NULL adds nothing), or with sign -1
// removes it (a window's row leaving its frame).
func (m *RealMoments) AddValue(v any, sign int64) {
	if v == nil {
		return
	}
	m.n += sign
	switch x := sqliteNumber(v).(type) {
	case int64:
		m.tmp.SetInt64(x)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			m.inf += sign
			return
		}
		m.tmp.SetFloat64(x)
	}
	if sign < 0 {
		m.sum.Sub(&m.sum, &m.tmp)
	} else {
		m.sum.Add(&m.sum, &m.tmp)
	}
	m.tmp.Mul(&m.tmp, &m.tmp)
	if sign < 0 {
		m.squares.Sub(&m.squares, &m.tmp)
	} else {
		m.squares.Add(&m.squares, &m.tmp)
	}
}

// State is m as text, which AddState adds to other moments: "n inf sum
// squares", the sums as exact fractions.
func (m *RealMoments) State() string {
	return strconv.FormatInt(m.n, 10) + " " + strconv.FormatInt(m.inf, 10) + " " + m.sum.RatString() + " " + m.squares.RatString()
}

// AddState adds moments State wrote (NULL adds nothing).
func (m *RealMoments) AddState(v any) error {
	if v == nil {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return valueError("moments", v)
	}
	f := strings.Fields(s)
	if len(f) != 4 {
		return valueError("moments", v)
	}
	n, err1 := strconv.ParseInt(f[0], 10, 64)
	inf, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return valueError("moments", v)
	}
	for i, to := range []*big.Rat{&m.sum, &m.squares} {
		if _, ok := m.tmp.SetString(f[2+i]); !ok {
			return valueError("moments", v)
		}
		to.Add(to, &m.tmp)
	}
	m.n += n
	m.inf += inf
	return nil
}

// Result is the statistic, as a float64: NULL without values (or with
// one, for a sample) and beside an infinity (whose variance is NaN, which
// SQLite returns as NULL), else (n·Σx² − (Σx)²) / (n·n) or / (n·(n−1))
// rounded to the nearest float64, or its square root so rounded.
func (m *RealMoments) Result(s Spread) any {
	sample := s == VarSamp || s == StddevSamp
	if m.n == 0 || sample && m.n <= 1 || m.inf > 0 {
		return nil
	}
	var num, den, x big.Rat
	num.SetInt64(m.n)
	num.Mul(&num, &m.squares)
	x.Mul(&m.sum, &m.sum)
	num.Sub(&num, &x)
	if num.Sign() <= 0 {
		return 0.0
	}
	d := m.n
	if sample {
		d = m.n - 1
	}
	den.SetInt64(d)
	den.Mul(&den, big.NewRat(m.n, 1))
	x.Quo(&num, &den)
	if s == VarPop || s == VarSamp {
		f, _ := x.Float64()
		return f
	}
	return ratSqrt(&x)
}

// ratSqrt is √x, x > 0, rounded to the nearest float64 (ties to even).
// With x = p/q and 4^k·x ≥ 2^110, r = ⌊√(4^k·x)⌋ has at least 55 bits;
// 2r+1 when the root is not exact (2r when it is) rounds to 53 bits as
// the root does, and 2^-(k+1) scales it back exactly.
func ratSqrt(x *big.Rat) float64 {
	p, q := x.Num(), x.Denom()
	k := 0
	if e := (110 - (p.BitLen() - q.BitLen())) / 2; e > 0 {
		k = e + 2
	}
	var m, r, rem big.Int
	m.Lsh(p, uint(2*k))
	scaled := new(big.Int).Set(&m)
	m.Quo(&m, q)
	r.Sqrt(&m)
	// Exact when r² = 4^k·p/q, that is r²·q = 4^k·p.
	rem.Mul(&r, &r)
	rem.Mul(&rem, q)
	t := new(big.Int).Lsh(&r, 1)
	if rem.Cmp(scaled) != 0 {
		t.SetBit(t, 0, 1)
	}
	var f big.Float
	f.SetPrec(53).SetMode(big.ToNearestEven).SetInt(t)
	f.SetMantExp(&f, -(k + 1))
	v, _ := f.Float64()
	return v
}
