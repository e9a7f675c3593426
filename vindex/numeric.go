package vindex

import (
	"context"
	"encoding/binary"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*Numeric)(nil)
	_ Reversible   = (*Numeric)(nil)
	_ Hashing      = (*Numeric)(nil)
	_ Hashing8     = (*Numeric)(nil)
)

// Numeric is Vitess's "numeric" vindex, the identity on numbers: the
// keyspace id of an unsigned 64-bit number is its 8 big-endian bytes, so
// ids keep their order across shards (useful when the application chooses
// ids per shard). ReverseMap returns the uint64.
//
// Values are read as for hash, except that a negative integer maps to
// key.DestinationNone (Vitess's ToUint64 refuses it): non-negative
// integers, decimal strings and integral float64 map; NULL, other strings
// and other floats map to DestinationNone; other Go types are an error.
//
// Cost 0, unique, reversible.
type Numeric struct {
	name string
}

func newNumeric(name string, _ paramSet, _ Env) (Vindex, error) {
	return &Numeric{name: name}, nil
}

// String returns the vindex's name.
func (n *Numeric) String() string { return n.name }

// Cost returns 0.
func (*Numeric) Cost() int { return 0 }

// IsUnique returns true.
func (*Numeric) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*Numeric) NeedsCursor() bool { return false }

// Hash returns v as 8 big-endian bytes.
func (n *Numeric) Hash(v any) ([]byte, error) {
	num, err := unsignedOf(n.name, "numeric", v)
	if err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), num), nil
}

// Map returns the keyspace id of each value.
func (n *Numeric) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	return map8(n, values)
}

// KeyspaceID8 returns the keyspace id of an unsigned integer value; ok is
// false for the others.
func (n *Numeric) KeyspaceID8(v any) (ksid [8]byte, ok bool, err error) {
	num, kind, err := toUint64(v, false)
	if err != nil {
		return ksid, false, wrapError(n.name, "numeric", err)
	}
	if kind != isNumber {
		return ksid, false, nil
	}
	binary.BigEndian.PutUint64(ksid[:], num)
	return ksid, true, nil
}

// Verify reports whether each value is its keyspace id.
func (n *Numeric) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(n, n.name, "numeric", values, ksids)
}

// ReverseMap returns each 8-byte keyspace id as a uint64.
func (n *Numeric) ReverseMap(_ Cursor, ksids [][]byte) ([]any, error) {
	out := make([]any, len(ksids))
	for i, id := range ksids {
		if len(id) != 8 {
			return nil, newError(n.name, "numeric", "invalid keyspace id %x: a numeric keyspace id is 8 bytes", id)
		}
		out[i] = binary.BigEndian.Uint64(id)
	}
	return out, nil
}

// unsignedOf reads v as a non-negative integer, or says why it is none.
func unsignedOf(name, typ string, v any) (uint64, error) {
	num, kind, err := toUint64(v, false)
	if err != nil {
		return 0, wrapError(name, typ, err)
	}
	if kind != isNumber {
		return 0, newError(name, typ, "%s is not an unsigned integer", describe(v))
	}
	return num, nil
}
