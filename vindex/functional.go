package vindex

import (
	"bytes"
	"fmt"

	"github.com/dot-do/vitessdo/key"
)

// This file holds what the functional vindexes share.

// verifyByHash is Verify for a Hashing vindex: a value verifies when its
// keyspace id is the one given. A value with no keyspace id is an error,
// as in Vitess.
func verifyByHash(h Hashing, name, typ string, values []any, ksids [][]byte) ([]bool, error) {
	if len(values) != len(ksids) {
		return nil, newError(name, typ, "verify: %d values but %d keyspace ids", len(values), len(ksids))
	}
	out := make([]bool, len(values))
	for i, v := range values {
		id, err := h.Hash(v)
		if err != nil {
			return nil, err
		}
		out[i] = bytes.Equal(id, ksids[i])
	}
	return out, nil
}

// mapByHash is Map for a Hashing vindex whose failures are values that
// exist nowhere: it maps them to key.DestinationNone.
func mapByHash(h Hashing, values []any) []key.Destination {
	out := make([]key.Destination, len(values))
	for i, v := range values {
		id, err := h.Hash(v)
		if err != nil {
			out[i] = key.DestinationNone{}
			continue
		}
		out[i] = key.DestinationKeyspaceID(id)
	}
	return out
}

// describe renders a value for an error message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return fmt.Sprintf("%q", x)
	case []byte:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprintf("%v", v)
}

// keyRangeFromPrefix is the key range of every keyspace id that starts
// with prefix: [prefix, prefix+1), open-ended when prefix is all 0xff.
func keyRangeFromPrefix(prefix []byte) key.Destination {
	end := bytes.Clone(prefix)
	i := len(end) - 1
	for ; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			break
		}
	}
	if i < 0 {
		end = nil
	}
	return key.DestinationKeyRange{Start: bytes.Clone(prefix), End: end}
}

// destinations allocates the result of mapping n values with room for
// their keyspace ids of size bytes each. A single value, the point query,
// costs one allocation for both.
func destinations(n, size int) ([]key.Destination, []byte) {
	if n == 1 && size <= 16 {
		one := new(struct {
			out [1]key.Destination
			ids [16]byte
		})
		return one.out[:], one.ids[:size:size]
	}
	return make([]key.Destination, n), make([]byte, n*size)
}

// map8 is Map for a Hashing8 vindex: each value's keyspace id, or
// key.DestinationNone where KeyspaceID8 gives none.
func map8(h Hashing8, values []any) ([]key.Destination, error) {
	out, ids := destinations(len(values), 8)
	for i, v := range values {
		id, ok, err := h.KeyspaceID8(v)
		if err != nil {
			return nil, err
		}
		if !ok {
			out[i] = key.DestinationNone{}
			continue
		}
		dst := ids[8*i : 8*i+8 : 8*i+8]
		copy(dst, id[:])
		out[i] = key.DestinationKeyspaceID(dst)
	}
	return out, nil
}
