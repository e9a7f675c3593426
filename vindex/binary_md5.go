package vindex

import (
	"context"
	"crypto/md5"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*BinaryMD5)(nil)
	_ Hashing      = (*BinaryMD5)(nil)
)

// BinaryMD5 is Vitess's "binary_md5" vindex: the keyspace id of a value is
// the 16-byte MD5 digest of the bytes of its SQL text, compared byte for
// byte (no case folding: "Test" and "TEST" differ). NULL is no bytes, so it
// maps to md5("") = d41d8cd98f00b204e9800998ecf8427e, as in Vitess.
//
// Cost 1, unique, not reversible.
type BinaryMD5 struct {
	name string
}

func newBinaryMD5(name string, _ paramSet, _ Env) (Vindex, error) {
	return &BinaryMD5{name: name}, nil
}

// String returns the vindex's name.
func (b *BinaryMD5) String() string { return b.name }

// Cost returns 1.
func (*BinaryMD5) Cost() int { return 1 }

// IsUnique returns true.
func (*BinaryMD5) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*BinaryMD5) NeedsCursor() bool { return false }

// Hash returns the MD5 digest of v's SQL text.
func (b *BinaryMD5) Hash(v any) ([]byte, error) {
	text, err := sqlText(nil, v)
	if err != nil {
		return nil, wrapError(b.name, "binary_md5", err)
	}
	sum := md5.Sum(text)
	return sum[:], nil
}

// Map returns the keyspace id of each value.
func (b *BinaryMD5) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	out, ids := destinations(len(values), md5.Size)
	var scratch []byte
	for i, v := range values {
		text, err := sqlText(scratch, v)
		if err != nil {
			return nil, wrapError(b.name, "binary_md5", err)
		}
		if _, isBytes := v.([]byte); !isBytes {
			scratch = text
		}
		sum := md5.Sum(text)
		id := ids[md5.Size*i : md5.Size*(i+1) : md5.Size*(i+1)]
		copy(id, sum[:])
		out[i] = key.DestinationKeyspaceID(id)
	}
	return out, nil
}

// Verify reports whether each value hashes to its keyspace id.
func (b *BinaryMD5) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(b, b.name, "binary_md5", values, ksids)
}
