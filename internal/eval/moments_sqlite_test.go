package eval

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
)

// ratSqrt rounds as math.Sqrt, which is correctly rounded, over float64
// values, and RealMoments gives the exact statistic however its values
// are split into states.
func TestRealMomentsAreExactInAnyOrder(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		f := math.Ldexp(r.Float64()+0.5, r.Intn(400)-200)
		if got, want := ratSqrt(new(big.Rat).SetFloat64(f)), math.Sqrt(f); got != want {
			t.Fatalf("sqrt(%v): got %v, want %v", f, got, want)
		}
	}
	for _, tt := range []struct {
		values []any
		want   [4]any // VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP
	}{
		{[]any{int64(1), int64(2), int64(3), int64(4)}, [4]any{1.25, 5.0 / 3, math.Sqrt(1.25), math.Sqrt(5.0 / 3)}},
		{[]any{int64(5)}, [4]any{0.0, nil, 0.0, nil}},
		{[]any{0.1, 0.1, 0.1, nil}, [4]any{0.0, 0.0, 0.0, 0.0}},
		{[]any{"12abc", int64(10)}, [4]any{1.0, 2.0, 1.0, math.Sqrt2}},
		{[]any{math.Inf(1), int64(1)}, [4]any{nil, nil, nil, nil}},
		{nil, [4]any{nil, nil, nil, nil}},
	} {
		var whole RealMoments
		for _, v := range tt.values {
			whole.AddValue(v, 1)
		}
		// Every value in a state of its own, added in reverse.
		var parts RealMoments
		for i := len(tt.values) - 1; i >= 0; i-- {
			var one RealMoments
			one.AddValue(tt.values[i], 1)
			if err := parts.AddState(one.State()); err != nil {
				t.Fatal(err)
			}
		}
		for i, s := range []Spread{VarPop, VarSamp, StddevPop, StddevSamp} {
			if got := whole.Result(s); got != tt.want[i] {
				t.Errorf("%v spread %d: got %v, want %v", tt.values, s, got, tt.want[i])
			}
			if got := parts.Result(s); got != tt.want[i] {
				t.Errorf("%v spread %d in parts: got %v, want %v", tt.values, s, got, tt.want[i])
			}
		}
	}
}
