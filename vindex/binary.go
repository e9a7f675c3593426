package vindex

import (
	"bytes"
	"context"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*Binary)(nil)
	_ Reversible   = (*Binary)(nil)
	_ Hashing      = (*Binary)(nil)
)

// Binary is Vitess's "binary" vindex, the identity: the keyspace id of a
// value is the bytes of its SQL text (a []byte or string as is, an integer
// as its decimal digits, NULL as no bytes). NULL and "" give the empty
// keyspace id, which lies in the first shard, as in Vitess. ReverseMap
// returns the keyspace id as []byte.
//
// Cost 0, unique, reversible.
type Binary struct {
	name string
}

func newBinary(name string, _ paramSet, _ Env) (Vindex, error) {
	return &Binary{name: name}, nil
}

// String returns the vindex's name.
func (b *Binary) String() string { return b.name }

// Cost returns 0.
func (*Binary) Cost() int { return 0 }

// IsUnique returns true.
func (*Binary) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*Binary) NeedsCursor() bool { return false }

// Hash returns a copy of v's bytes.
func (b *Binary) Hash(v any) ([]byte, error) {
	id, err := appendSQLText([]byte{}, v)
	if err != nil {
		return nil, wrapError(b.name, "binary", err)
	}
	return id, nil
}

// Map returns each value's bytes as its keyspace id.
func (b *Binary) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	out := make([]key.Destination, len(values))
	for i, v := range values {
		id, err := b.Hash(v)
		if err != nil {
			return nil, err
		}
		out[i] = key.DestinationKeyspaceID(id)
	}
	return out, nil
}

// Verify reports whether each value's bytes are its keyspace id.
func (b *Binary) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(b, b.name, "binary", values, ksids)
}

// ReverseMap returns each keyspace id as a []byte value.
func (b *Binary) ReverseMap(_ Cursor, ksids [][]byte) ([]any, error) {
	out := make([]any, len(ksids))
	for i, id := range ksids {
		out[i] = bytes.Clone(id)
	}
	return out, nil
}
