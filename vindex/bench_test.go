package vindex

import (
	"fmt"
	"testing"
)

// BenchmarkMap measures Map of one value and of a batch of 100 per call,
// for each vindex that needs no cursor. ns/value and allocs/value are per
// mapped value.
func BenchmarkMap(b *testing.B) {
	env := Env{Keyspace: "ks", Shards: []string{"-40", "40-80", "80-c0", "c0-"}}
	tests := []struct {
		typ    string
		params map[string]string
		value  func(i int) any
	}{
		{"hash", nil, intValue},
		{"xxhash", nil, intValue},
		{"xxhash", nil, stringValue},
		{"numeric", nil, intValue},
		{"reverse_bits", nil, intValue},
		{"binary", nil, stringValue},
		{"binary_md5", nil, stringValue},
		{"unicode_loose_md5", nil, stringValue},
		{"unicode_loose_xxhash", nil, stringValue},
		{"null", nil, intValue},
		{"numeric_static_map", map[string]string{"json": `{"1": 2}`, "fallback_type": "hash"}, intValue},
		{"consistent_hash", nil, intValue},
		{"range", map[string]string{"ranges": `[{"to": 1000, "shard": "-40"}, {"from": 1000, "to": 1000000, "shard": "40-80"}, {"from": 1000000, "shard": "80-c0"}]`}, intValue},
	}
	for _, tt := range tests {
		v := mustNew(b, tt.typ, tt.params, env).(SingleColumn)
		for _, batch := range []int{1, 100} {
			name := fmt.Sprintf("%s/%s/batch=%d", tt.typ, kindName(tt.value(0)), batch)
			b.Run(name, func(b *testing.B) {
				values := make([]any, batch)
				for i := range values {
					values[i] = tt.value(i + 12345)
				}
				ctx := b.Context()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := v.Map(ctx, nil, values); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/value")
			})
		}
	}
	multi := mustNew(b, "multicol", map[string]string{"column_count": "2", "column_vindex": "hash,xxhash"}, env).(MultiColumn)
	b.Run("multicol/int,int/batch=1", func(b *testing.B) {
		rows := [][]any{{int64(7), int64(12345)}}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := multi.Map(b.Context(), nil, rows); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHash measures Hashing.Hash, the path for one INSERT value.
func BenchmarkHash(b *testing.B) {
	for _, typ := range []string{"hash", "xxhash", "unicode_loose_md5"} {
		h := mustNew(b, typ, nil, Env{}).(Hashing)
		b.Run(typ, func(b *testing.B) {
			v := any(int64(123456))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := h.Hash(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func intValue(i int) any    { return int64(i) }
func stringValue(i int) any { return fmt.Sprintf("user-%d@example.com", i) }

func kindName(v any) string {
	if _, ok := v.(string); ok {
		return "string"
	}
	return "int"
}
