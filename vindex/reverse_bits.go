package vindex

import (
	"context"
	"encoding/binary"
	"math/bits"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*ReverseBits)(nil)
	_ Reversible   = (*ReverseBits)(nil)
	_ Hashing      = (*ReverseBits)(nil)
)

// ReverseBits is Vitess's "reverse_bits" vindex: the keyspace id of an
// unsigned 64-bit number is the number with its 64 bits in reverse order
// (bits.Reverse64), as 8 big-endian bytes. Sequential ids differ in their
// low bits, which become the high bits, so they spread over the shards;
// the mapping is its own inverse, so ReverseMap returns the uint64.
// reverse_bits(1) = 8000000000000000.
//
// Values are read as for numeric: negative integers, NULL, non-numeric
// strings and non-integral floats map to key.DestinationNone.
//
// Cost 1, unique, reversible.
type ReverseBits struct {
	name string
}

func newReverseBits(name string, _ paramSet, _ Env) (Vindex, error) {
	return &ReverseBits{name: name}, nil
}

// String returns the vindex's name.
func (r *ReverseBits) String() string { return r.name }

// Cost returns 1.
func (*ReverseBits) Cost() int { return 1 }

// IsUnique returns true.
func (*ReverseBits) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*ReverseBits) NeedsCursor() bool { return false }

// Hash returns v's bits reversed.
func (r *ReverseBits) Hash(v any) ([]byte, error) {
	num, err := unsignedOf(r.name, "reverse_bits", v)
	if err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), bits.Reverse64(num)), nil
}

// Map returns the keyspace id of each value.
func (r *ReverseBits) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	out, ids := destinations(len(values), 8)
	for i, v := range values {
		num, kind, err := toUint64(v, false)
		if err != nil {
			return nil, wrapError(r.name, "reverse_bits", err)
		}
		if kind != isNumber {
			out[i] = key.DestinationNone{}
			continue
		}
		id := ids[8*i : 8*i+8 : 8*i+8]
		binary.BigEndian.PutUint64(id, bits.Reverse64(num))
		out[i] = key.DestinationKeyspaceID(id)
	}
	return out, nil
}

// Verify reports whether each value maps to its keyspace id.
func (r *ReverseBits) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(r, r.name, "reverse_bits", values, ksids)
}

// ReverseMap returns the uint64 of each 8-byte keyspace id.
func (r *ReverseBits) ReverseMap(_ Cursor, ksids [][]byte) ([]any, error) {
	out := make([]any, len(ksids))
	for i, id := range ksids {
		if len(id) != 8 {
			return nil, newError(r.name, "reverse_bits", "invalid keyspace id %x: a reverse_bits keyspace id is 8 bytes", id)
		}
		out[i] = bits.Reverse64(binary.BigEndian.Uint64(id))
	}
	return out, nil
}
