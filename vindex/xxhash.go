package vindex

import (
	"context"
	"encoding/binary"

	"github.com/cespare/xxhash/v2"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*XXHash)(nil)
	_ Hashing      = (*XXHash)(nil)
	_ Hashing8     = (*XXHash)(nil)
)

// XXHash is Vitess's "xxhash" vindex: the keyspace id of a value is the
// 64-bit xxHash (XXH64, seed 0) of the bytes of its SQL text, written as
// 8 little-endian bytes (Vitess's byte order). The SQL text is what MySQL
// sends for the value: an integer is its decimal digits (1 hashes the
// bytes "1", exactly like the string "1"), a string or []byte is itself,
// bool is "1" or "0", a float64 its shortest decimal form, a time.Time a
// DATETIME "2006-01-02 15:04:05.999999", and NULL is empty: xxhash maps
// NULL to the keyspace id of no bytes, 99e9d85137db46ef, as Vitess does.
// Other Go types are an error.
//
// Cost 1, unique, not reversible.
type XXHash struct {
	name string
}

func newXXHash(name string, _ paramSet, _ Env) (Vindex, error) {
	return &XXHash{name: name}, nil
}

// String returns the vindex's name.
func (x *XXHash) String() string { return x.name }

// Cost returns 1.
func (*XXHash) Cost() int { return 1 }

// IsUnique returns true.
func (*XXHash) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*XXHash) NeedsCursor() bool { return false }

// Hash returns the keyspace id of v.
func (x *XXHash) Hash(v any) ([]byte, error) {
	sum, err := xxhashOf(v)
	if err != nil {
		return nil, wrapError(x.name, "xxhash", err)
	}
	id := make([]byte, 8)
	binary.LittleEndian.PutUint64(id, sum)
	return id, nil
}

// Map returns the keyspace id of each value.
func (x *XXHash) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	return map8(x, values)
}

// KeyspaceID8 returns the keyspace id of a value.
func (x *XXHash) KeyspaceID8(v any) (ksid [8]byte, ok bool, err error) {
	sum, err := xxhashOf(v)
	if err != nil {
		return ksid, false, wrapError(x.name, "xxhash", err)
	}
	binary.LittleEndian.PutUint64(ksid[:], sum)
	return ksid, true, nil
}

// Verify reports whether each value hashes to its keyspace id.
func (x *XXHash) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(x, x.name, "xxhash", values, ksids)
}

// xxhashOf is XXH64 of v's SQL text.
func xxhashOf(v any) (uint64, error) {
	switch s := v.(type) {
	case string:
		return xxhash.Sum64String(s), nil
	case []byte:
		return xxhash.Sum64(s), nil
	}
	var buf [32]byte
	text, err := appendSQLText(buf[:0], v)
	if err != nil {
		return 0, err
	}
	return xxhash.Sum64(text), nil
}
