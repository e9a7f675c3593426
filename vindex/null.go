package vindex

import (
	"bytes"
	"context"

	"github.com/dot-do/vitessdo/key"
)

var _ SingleColumn = (*Null)(nil)

// Null is Vitess's "null" vindex: every value, NULL included, maps to the
// keyspace id 0x00 (one zero byte), which lies in the first shard. It keeps
// a table whole in one shard while its keyspace is sharded, for instance
// while moving an unsharded keyspace to a sharded one.
//
// Cost 100 (Vitess's, so that any other vindex is preferred), unique, not
// reversible.
type Null struct {
	name string
}

func newNull(name string, _ paramSet, _ Env) (Vindex, error) {
	return &Null{name: name}, nil
}

// String returns the vindex's name.
func (n *Null) String() string { return n.name }

// Cost returns 100.
func (*Null) Cost() int { return 100 }

// IsUnique returns true.
func (*Null) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*Null) NeedsCursor() bool { return false }

// Map returns the keyspace id 0x00 for every value.
func (n *Null) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	out, ids := destinations(len(values), 1)
	for i := range values {
		out[i] = key.DestinationKeyspaceID(ids[i : i+1 : i+1])
	}
	return out, nil
}

// Verify reports whether each keyspace id is 0x00.
func (n *Null) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	if len(values) != len(ksids) {
		return nil, newError(n.name, "null", "verify: %d values but %d keyspace ids", len(values), len(ksids))
	}
	out := make([]bool, len(values))
	for i := range values {
		out[i] = bytes.Equal(ksids[i], []byte{0})
	}
	return out, nil
}
