package vindex

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewReportsEachParamErrorByName(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"1": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := Env{Keyspace: "ks", Shards: []string{"-80", "80-"}, Dir: dir}
	tests := []struct {
		name, typ string
		params    map[string]string
		want      string
	}{
		{"user_idx", "hsh", nil, `vindex "user_idx": unknown type "hsh"`},
		{"user_idx", "", nil, `vindex "user_idx": unknown type ""`},
		{"h", "hash", map[string]string{"Table": "t"}, `vindex "h": hash: unknown param "Table"`},
		{"h", "xxhash", map[string]string{"b": "1", "a": "2"}, `vindex "h": xxhash: unknown params "a", "b"`},
		{"n", "null", map[string]string{"owner": "t"}, `vindex "n": null: unknown param "owner"`},
		{"m", "numeric_static_map", nil, `vindex "m": numeric_static_map: missing param "json_path" (or "json")`},
		{"m", "numeric_static_map", map[string]string{"json": "{}", "json_path": "x.json"}, `vindex "m": numeric_static_map: params "json_path" and "json" exclude each other`},
		{"m", "numeric_static_map", map[string]string{"json_path": ""}, `vindex "m": numeric_static_map: param "json_path" is empty`},
		{"m", "numeric_static_map", map[string]string{"json_path": "missing.json"}, `vindex "m": numeric_static_map: param "json_path": open ` + filepath.Join(dir, "missing.json") + `: no such file or directory`},
		{"m", "numeric_static_map", map[string]string{"json_path": "bad.json"}, `vindex "m": numeric_static_map: the table must be a JSON object from decimal value to unsigned number: json: cannot unmarshal string into Go value of type uint64`},
		{"m", "numeric_static_map", map[string]string{"json": `{"x": 1}`}, `vindex "m": numeric_static_map: table key "x" is not an unsigned decimal number`},
		{"m", "numeric_static_map", map[string]string{"json": `{}`, "fallback_type": "hsh"}, `vindex "m": numeric_static_map: param "fallback_type": vindex "m_fallback": unknown type "hsh"`},
		{"m", "numeric_static_map", map[string]string{"json": `{}`, "fallback_type": "null"}, `vindex "m": numeric_static_map: param "fallback_type": "null" is not a functional vindex type`},
		{"mc", "multicol", nil, `vindex "mc": multicol: missing param "column_count"`},
		{"mc", "multicol", map[string]string{"column_count": "9"}, `vindex "mc": multicol: param "column_count" must be a number from 1 to 8, not "9"`},
		{"mc", "multicol", map[string]string{"column_count": "two"}, `vindex "mc": multicol: param "column_count" must be a number from 1 to 8, not "two"`},
		{"mc", "multicol", map[string]string{"column_count": "2", "column_bytes": "1,2,3"}, `vindex "mc": multicol: param "column_bytes" gives 3 widths for 2 columns`},
		{"mc", "multicol", map[string]string{"column_count": "2", "column_bytes": "x"}, `vindex "mc": multicol: param "column_bytes": "x" is not a byte count from 1 to 8`},
		{"mc", "multicol", map[string]string{"column_count": "3", "column_bytes": "4,4"}, `vindex "mc": multicol: param "column_bytes": the columns need more than the 8 bytes of a keyspace id`},
		{"mc", "multicol", map[string]string{"column_count": "2", "column_vindex": "hash,hash,hash"}, `vindex "mc": multicol: param "column_vindex" names 3 vindexes for 2 columns`},
		{"mc", "multicol", map[string]string{"column_count": "2", "column_vindex": "hash,null"}, `vindex "mc": multicol: param "column_vindex": "null" is not a functional unique vindex type`},
		{"mc", "multicol", map[string]string{"column_count": "2", "column_vindex": "hash,lookup"}, `vindex "mc": multicol: param "column_vindex": vindex "lookup": lookup: missing param "table"`},
	}
	for _, tt := range tests {
		_, err := New(tt.name, tt.typ, tt.params, env)
		if err == nil {
			t.Errorf("New(%q, %q, %v) succeeded, want %s", tt.name, tt.typ, tt.params, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("New(%q, %q, %v) error:\n got %s\nwant %s", tt.name, tt.typ, tt.params, err, tt.want)
		}
	}
}

func TestNewErrorsAreTypedByVindex(t *testing.T) {
	_, err := New("h", "hash", map[string]string{"x": "1"}, Env{})
	var ve *Error
	if !asError(err, &ve) || ve.Vindex != "h" || ve.Type != "hash" {
		t.Errorf("New error = %#v, want a *vindex.Error for h (hash)", err)
	}
}

func TestTypesListsEveryRegisteredType(t *testing.T) {
	want := []string{
		"binary", "binary_md5", "consistent_hash", "consistent_lookup",
		"consistent_lookup_unique", "hash", "lookup", "lookup_hash",
		"lookup_hash_unique", "lookup_unique", "multicol", "null", "numeric",
		"numeric_static_map", "range", "reverse_bits", "unicode_loose_md5",
		"unicode_loose_xxhash", "xxhash",
	}
	if diff := cmp.Diff(want, Types()); diff != "" {
		t.Errorf("Types() (-want +got):\n%s", diff)
	}
	for _, typ := range Types() {
		if _, ok := kindOf(typ); !ok {
			t.Errorf("Types() lists %q, which New does not know", typ)
		}
	}
}

// Vitess's costs, uniqueness and cursor needs, which the planner relies on.
func TestVindexPropertiesMatchVitess(t *testing.T) {
	env := Env{Keyspace: "ks", Shards: []string{"-80", "80-"}}
	lookupParams := map[string]string{"table": "t", "from": "f", "to": "k"}
	tests := []struct {
		typ         string
		params      map[string]string
		cost        int
		unique      bool
		needsCursor bool
	}{
		{"binary", nil, 0, true, false},
		{"binary_md5", nil, 1, true, false},
		{"hash", nil, 1, true, false},
		{"xxhash", nil, 1, true, false},
		{"numeric", nil, 0, true, false},
		{"reverse_bits", nil, 1, true, false},
		{"null", nil, 100, true, false},
		{"unicode_loose_md5", nil, 1, true, false},
		{"unicode_loose_xxhash", nil, 1, true, false},
		{"numeric_static_map", map[string]string{"json": "{}"}, 1, true, false},
		{"multicol", map[string]string{"column_count": "3"}, 3, true, false},
		{"multicol", map[string]string{"column_count": "2", "column_vindex": "numeric,xxhash"}, 1, true, false},
		{"lookup", lookupParams, 20, false, true},
		{"lookup_unique", lookupParams, 10, true, true},
		{"lookup_hash", lookupParams, 20, false, true},
		{"lookup_hash_unique", lookupParams, 10, true, true},
		{"consistent_lookup", lookupParams, 20, false, true},
		{"consistent_lookup_unique", lookupParams, 10, true, true},
		{"consistent_hash", nil, 1, true, false},
		{"range", map[string]string{"ranges": `[{"shard": "-80"}]`}, 1, true, false},
	}
	for _, tt := range tests {
		v := mustNew(t, tt.typ, tt.params, env)
		if v.String() != tt.typ+"_vdx" || v.Cost() != tt.cost || v.IsUnique() != tt.unique || v.NeedsCursor() != tt.needsCursor {
			t.Errorf("%s: String %q Cost %d IsUnique %v NeedsCursor %v, want %q %d %v %v", tt.typ,
				v.String(), v.Cost(), v.IsUnique(), v.NeedsCursor(), tt.typ+"_vdx", tt.cost, tt.unique, tt.needsCursor)
		}
	}
}
