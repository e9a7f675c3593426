package eval

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The variance and standard deviation of values, each added as a part of
// its own (count 1, the value, its square) or as a value, are what
// PostgreSQL 15 returns for var_pop, var_samp, stddev_pop and stddev_samp
// of them (the wants were read from the server).
func TestMomentsEqualPostgreSQL(t *testing.T) {
	for _, tt := range []struct {
		values []string
		want   [4]any // var_pop, var_samp, stddev_pop, stddev_samp
	}{
		{[]string{"1", "2", "3", "4"}, [4]any{"1.2500000000000000", "1.6666666666666667", "1.1180339887498948", "1.2909944487358056"}},
		{[]string{"5"}, [4]any{"0", nil, "0", nil}},
		{[]string{"7", "7", "7"}, [4]any{"0", "0", "0", "0"}},
		{[]string{"1.5", "2.25", "-3.125"}, [4]any{"5.6493055555555556", "8.4739583333333333", "2.3768267828252768", "2.9110064124514280"}},
		{[]string{"1", "2"}, [4]any{"0.25000000000000000000", "0.50000000000000000000", "0.50000000000000000000", "0.70710678118654752440"}},
		{[]string{"123456789012", "-98765432109", "5"}, [4]any{"8264322765837186339076", "12396484148755779508614", "90908320663", "111339499499"}},
		{[]string{"0.001", "0.002", "0.004"}, [4]any{"0.000001555555555555555556", "0.000002333333333333333333", "0.001247219128924647128706", "0.001527525231651946668754"}},
		{[]string{"1", "NaN"}, [4]any{"NaN", "NaN", "NaN", "NaN"}},
		{nil, [4]any{nil, nil, nil, nil}},
	} {
		// As partial moments, and as the values themselves.
		var parts, values Moments
		for _, v := range tt.values {
			x := dec(t, v)
			if err := parts.Add(1, v, decimalMul(x, x).String()); err != nil {
				t.Fatal(err)
			}
			if err := values.AddValue(v); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []*Moments{&parts, &values} {
			var got [4]any
			for i, s := range []Spread{VarPop, VarSamp, StddevPop, StddevSamp} {
				r, err := m.Result(s)
				if err != nil {
					t.Fatal(err)
				}
				got[i] = r
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%v (-want +got):\n%s", tt.values, diff)
			}
		}
	}
}
