package vindex

import (
	"math"
	"testing"
	"time"
)

func TestToUint64ReadsValuesAsVitessDoes(t *testing.T) {
	tests := []struct {
		v            any
		castNegative bool
		want         uint64
		kind         numberKind
		err          bool
	}{
		{int64(5), false, 5, isNumber, false},
		{int64(-1), false, 0, notNumber, false},
		{int64(-1), true, math.MaxUint64, isNumber, false},
		{int32(-2), true, math.MaxUint64 - 1, isNumber, false},
		{uint8(7), false, 7, isNumber, false},
		{true, false, 1, isNumber, false},
		{"18446744073709551615", false, math.MaxUint64, isNumber, false},
		{"+3", false, 3, isNumber, false},
		{"-3", true, 0, notNumber, false},
		{" 3", false, 0, notNumber, false},
		{"3.0", false, 0, notNumber, false},
		{[]byte("42"), false, 42, isNumber, false},
		{2.0, false, 2, isNumber, false},
		{-2.0, true, math.MaxUint64 - 1, isNumber, false},
		{-2.0, false, 0, notNumber, false},
		{2.5, true, 0, notNumber, false},
		{math.NaN(), true, 0, notNumber, false},
		{1e20, false, 0, notNumber, false},
		{nil, true, 0, notNumber, false},
		{time.Time{}, true, 0, notNumber, true},
		{[]int{1}, true, 0, notNumber, true},
	}
	for _, tt := range tests {
		got, kind, err := toUint64(tt.v, tt.castNegative)
		if got != tt.want || kind != tt.kind || (err != nil) != tt.err {
			t.Errorf("toUint64(%#v, %v) = %d, %v, %v; want %d, %v, error %v", tt.v, tt.castNegative, got, kind, err, tt.want, tt.kind, tt.err)
		}
	}
}

func TestAppendSQLTextWritesMySQLText(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, ""},
		{int64(-12), "-12"},
		{uint64(math.MaxUint64), "18446744073709551615"},
		{true, "1"},
		{false, "0"},
		{1.5, "1.5"},
		{2.0, "2"},
		{"héllo", "héllo"},
		{[]byte{0, 1}, "\x00\x01"},
		{time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), "2024-05-06 07:08:09"},
		{time.Date(2024, 5, 6, 7, 8, 9, 120000000, time.UTC), "2024-05-06 07:08:09.12"},
	}
	for _, tt := range tests {
		got, err := appendSQLText(nil, tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("appendSQLText(%#v) = %q, %v; want %q", tt.v, got, err, tt.want)
		}
	}
}

func TestSameValueComparesLikeNullSafeEquals(t *testing.T) {
	tests := []struct {
		a, b any
		want bool
	}{
		{nil, nil, true},
		{nil, int64(0), false},
		{int64(1), uint64(1), true},
		{int64(1), "1", true},
		{int64(1), 1.0, true},
		{int64(1000000000000000000), 1e18, true},
		{int64(1), 1.5, false},
		{"a", []byte("a"), true},
		{"a", "A", false},
	}
	for _, tt := range tests {
		if got := sameValue(tt.a, tt.b); got != tt.want {
			t.Errorf("sameValue(%#v, %#v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
