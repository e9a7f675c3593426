package vindex

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*Hash)(nil)
	_ Reversible   = (*Hash)(nil)
	_ Hashing      = (*Hash)(nil)
	_ Hashing8     = (*Hash)(nil)
)

// Hash is Vitess's "hash" vindex: the keyspace id of an integer is the DES
// encryption, under an all-zero 8-byte key, of the integer as 8 big-endian
// bytes. DES is a permutation of 64-bit blocks, so the mapping is unique,
// reversible (ReverseMap decrypts) and spreads sequential ids evenly.
//
// Values: a signed integer is cast to uint64 keeping its bits (-1 maps like
// 18446744073709551615); an unsigned integer is itself; a string or []byte
// holding an unsigned decimal number maps like the number ("1" like 1),
// any other string maps to key.DestinationNone, as do NULL and a negative
// number written as a string ("-1"), all as in Vitess. bool is 1 or 0. A
// float64 holding an integer maps like the integer, where Vitess maps no
// float: SQLite and PostgreSQL find the row id 1 for "id = 1.0", so
// routing 1.0 elsewhere would lose it; other floats map to
// DestinationNone. Other Go types (time.Time) are an error.
//
// Cost 1, unique, NULL not allowed (DestinationNone).
type Hash struct {
	name string
}

func newHash(name string, _ paramSet, _ Env) (Vindex, error) {
	return &Hash{name: name}, nil
}

// HashUint64 returns the keyspace id the hash vindex gives the number n:
// n as 8 big-endian bytes, DES-encrypted under the all-zero key.
// lookup_hash stores n, not the keyspace id, in its "to" column.
func HashUint64(n uint64) []byte {
	id := make([]byte, 8)
	putHash(id, n)
	return id
}

// UnhashKeyspaceID returns the number whose hash keyspace id is ksid: the
// inverse of HashUint64. It fails unless ksid is 8 bytes.
func UnhashKeyspaceID(ksid []byte) (uint64, error) {
	if len(ksid) != 8 {
		return 0, fmt.Errorf("invalid keyspace id: %s (a hash keyspace id is 8 bytes)", hex.EncodeToString(ksid))
	}
	// DES under the all-zero key is its own inverse (hash_des.go).
	return desZero(binary.BigEndian.Uint64(ksid)), nil
}

// putHash writes the keyspace id of n into dst, 8 bytes.
func putHash(dst []byte, n uint64) {
	binary.BigEndian.PutUint64(dst, desZero(n))
}

// String returns the vindex's name.
func (h *Hash) String() string { return h.name }

// Cost returns 1.
func (*Hash) Cost() int { return 1 }

// IsUnique returns true.
func (*Hash) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*Hash) NeedsCursor() bool { return false }

// Hash returns the keyspace id of v, or an error where Map gives
// DestinationNone.
func (h *Hash) Hash(v any) ([]byte, error) {
	n, kind, err := toUint64(v, true)
	if err != nil {
		return nil, wrapError(h.name, "hash", err)
	}
	if kind != isNumber {
		return nil, newError(h.name, "hash", "%s is not an integer", describe(v))
	}
	return HashUint64(n), nil
}

// Map returns the keyspace id of each integer value, DestinationNone for
// the others.
func (h *Hash) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	out, ids := destinations(len(values), 8)
	for i, v := range values {
		id := ids[8*i : 8*i+8 : 8*i+8]
		ok, err := h.hashInto(id, v)
		if err != nil {
			return nil, err
		}
		if !ok {
			out[i] = key.DestinationNone{}
			continue
		}
		out[i] = key.DestinationKeyspaceID(id)
	}
	return out, nil
}

// KeyspaceID8 returns the keyspace id of an integer value; ok is false for
// the others.
func (h *Hash) KeyspaceID8(v any) (ksid [8]byte, ok bool, err error) {
	ok, err = h.hashInto(ksid[:], v)
	return ksid, ok, err
}

// hashInto writes the keyspace id of an integer value into dst, 8 bytes;
// ok is false for the other values.
func (h *Hash) hashInto(dst []byte, v any) (ok bool, err error) {
	n, kind, err := toUint64(v, true)
	if err != nil {
		return false, wrapError(h.name, "hash", err)
	}
	if kind != isNumber {
		return false, nil
	}
	putHash(dst, n)
	return true, nil
}

// Verify reports whether each value hashes to its keyspace id; a value
// that is not an integer is an error.
func (h *Hash) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(h, h.name, "hash", values, ksids)
}

// ReverseMap returns the uint64 whose keyspace id is each ksid (the
// bits of a negative id come back unsigned, as in Vitess).
func (h *Hash) ReverseMap(_ Cursor, ksids [][]byte) ([]any, error) {
	out := make([]any, len(ksids))
	for i, id := range ksids {
		n, err := UnhashKeyspaceID(id)
		if err != nil {
			return nil, wrapError(h.name, "hash", err)
		}
		out[i] = n
	}
	return out, nil
}
