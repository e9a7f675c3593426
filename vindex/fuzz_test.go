package vindex

import (
	"strings"
	"testing"
)

// FuzzNew builds vindexes of any type from arbitrary params and maps a few
// values through those that build: nothing may panic.
func FuzzNew(f *testing.F) {
	f.Add("hash", "", "", "", "")
	f.Add("lookup", "table", "t", "from", "a,b")
	f.Add("range", "ranges", `[{"from": 0, "to": 10, "shard": "-80"}, {"from": 10, "shard": "80-"}]`, "", "")
	f.Add("range", "ranges", `[{"from": "a", "shard": "-80"}]`, "x", "y")
	f.Add("multicol", "column_count", "3", "column_bytes", "1,,4")
	f.Add("multicol", "column_count", "2", "column_vindex", "xxhash,unicode_loose_md5")
	f.Add("numeric_static_map", "json", `{"1": 2}`, "fallback_type", "xxhash")
	f.Add("consistent_lookup_unique", "table", "ks.t", "read_lock", "shared")
	f.Add("consistent_hash", "", "", "", "")
	f.Fuzz(func(t *testing.T, typ, k1, v1, k2, v2 string) {
		if k1 == "json_path" || k2 == "json_path" {
			t.Skip("json_path reads files")
		}
		params := map[string]string{}
		if k1 != "" {
			params[k1] = v1
		}
		if k2 != "" {
			params[k2] = v2
		}
		if strings.HasPrefix(typ, "lookup") || strings.HasPrefix(typ, "consistent_lookup") {
			for k, v := range map[string]string{"table": "t", "from": "f", "to": "k"} {
				if _, ok := params[k]; !ok {
					params[k] = v
				}
			}
		}
		env := Env{Keyspace: "ks", Shards: []string{"-80", "80-"}}
		v, err := New("fuzz", typ, params, env)
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error")
			}
			return
		}
		values := []any{nil, int64(-1), uint64(1 << 63), "a", []byte(v1), 1.5, true, v2}
		c := &sessionCursor{fakeCursor: fakeCursor{replies: []reply{{rows: [][]any{{v1, []byte(v2)}, {"a", nil}, {int64(1)}}}}}}
		switch v := v.(type) {
		case SingleColumn:
			_, _ = v.Map(t.Context(), c, values)
			_, _ = v.Verify(t.Context(), c, values[:1], [][]byte{[]byte(v2)})
		case MultiColumn:
			_, _ = v.Map(t.Context(), c, [][]any{values[:1], values[1:3], values[3:4]})
		}
		if l, ok := v.(Lookup); ok {
			_ = l.Create(t.Context(), c, [][]any{{v1}}, [][]byte{[]byte(v2)}, false)
		}
	})
}
