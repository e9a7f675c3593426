package vindex

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*NumericStaticMap)(nil)
	_ Hashing      = (*NumericStaticMap)(nil)
)

// NumericStaticMap is Vitess's "numeric_static_map" vindex: numeric, but
// first looked up in a fixed table. The table is a JSON object from
// decimal value to number, {"1": 2, "3": 4}, read once by New from the file
// named by the "json_path" param (relative paths resolve against Env.Dir,
// the VSchema file's directory) or given inline by the "json" param; the
// two are exclusive. A value found in the table has the keyspace id of
// its mapped number as 8 big-endian bytes; a value not found has the
// keyspace id of the vindex named by "fallback_type" (any functional type,
// such as hash or xxhash) when that param is set, and otherwise its own 8
// big-endian bytes, as numeric gives it.
//
// Values are read as for numeric: negative integers, NULL, non-numeric
// strings and non-integral floats map to key.DestinationNone.
//
// Cost 1, unique, not reversible.
type NumericStaticMap struct {
	name     string
	table    map[uint64]uint64
	fallback Hashing
}

func newNumericStaticMap(name string, p paramSet, env Env) (Vindex, error) {
	path, hasPath := p.get("json_path")
	inline, hasInline := p.get("json")
	var data []byte
	switch {
	case hasPath && hasInline:
		return nil, p.errorf("params \"json_path\" and \"json\" exclude each other")
	case hasPath:
		if path == "" {
			return nil, p.errorf("param \"json_path\" is empty")
		}
		if !filepath.IsAbs(path) && env.Dir != "" {
			path = filepath.Join(env.Dir, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, p.errorf("param \"json_path\": %v", err)
		}
		data = b
	case hasInline:
		data = []byte(inline)
	default:
		return nil, p.errorf("missing param \"json_path\" (or \"json\")")
	}
	var raw map[string]uint64
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, p.errorf("the table must be a JSON object from decimal value to unsigned number: %v", err)
	}
	table := make(map[uint64]uint64, len(raw))
	for k, v := range raw {
		n, err := strconv.ParseUint(k, 10, 64)
		if err != nil {
			return nil, p.errorf("table key %q is not an unsigned decimal number", k)
		}
		table[n] = v
	}
	m := &NumericStaticMap{name: name, table: table}
	if typ, ok := p.get("fallback_type"); ok {
		v, err := New(name+"_fallback", typ, nil, env)
		if err != nil {
			return nil, p.errorf("param \"fallback_type\": %v", err)
		}
		h, ok := v.(Hashing)
		if !ok {
			return nil, p.errorf("param \"fallback_type\": %q is not a functional vindex type", typ)
		}
		m.fallback = h
	}
	return m, nil
}

// String returns the vindex's name.
func (m *NumericStaticMap) String() string { return m.name }

// Cost returns 1.
func (*NumericStaticMap) Cost() int { return 1 }

// IsUnique returns true.
func (*NumericStaticMap) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*NumericStaticMap) NeedsCursor() bool { return false }

// Hash returns the keyspace id of v.
func (m *NumericStaticMap) Hash(v any) ([]byte, error) {
	num, err := unsignedOf(m.name, "numeric_static_map", v)
	if err != nil {
		return nil, err
	}
	if mapped, ok := m.table[num]; ok {
		num = mapped
	} else if m.fallback != nil {
		return m.fallback.Hash(v)
	}
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), num), nil
}

// Map returns the keyspace id of each value.
func (m *NumericStaticMap) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	for _, v := range values {
		if _, _, err := toUint64(v, false); err != nil {
			return nil, wrapError(m.name, "numeric_static_map", err)
		}
	}
	return mapByHash(m, values), nil
}

// Verify reports whether each value maps to its keyspace id.
func (m *NumericStaticMap) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(m, m.name, "numeric_static_map", values, ksids)
}
