package vindex

import (
	"math"
)

var (
	_ SingleColumn = (*LookupHash)(nil)
	_ Lookup       = (*LookupHash)(nil)
	_ SingleColumn = (*LookupHashUnique)(nil)
	_ Lookup       = (*LookupHashUnique)(nil)
)

// LookupHash is Vitess's "lookup_hash" vindex (legacy in Vitess, kept for
// data written by it): LookupNonUnique whose "to" column holds not the
// keyspace id but the number the hash vindex turns into it, the owner's
// sharding key. Create and Delete store UnhashKeyspaceID(ksid) (an int64
// when it fits, else a uint64) and Map turns each stored number n back into
// HashUint64(n); so the keyspace's primary vindex must be hash and its
// keyspace ids 8 bytes. A stored value that is not an unsigned number is
// skipped, as in Vitess; a value with no usable rows maps to
// key.DestinationNone. Params and sessions are those of LookupNonUnique.
//
// Cost 20, not unique.
type LookupHash struct {
	ownedLookup
}

// LookupHashUnique is Vitess's "lookup_hash_unique" vindex: LookupHash for
// unique values, as LookupUnique is to LookupNonUnique.
//
// Cost 10, unique.
type LookupHashUnique struct {
	ownedLookup
}

func newLookupHash(name string, p paramSet, _ Env) (Vindex, error) {
	l, err := newLookupTable(name, p)
	if err != nil {
		return nil, err
	}
	if err := l.readWriteParams(p, false); err != nil {
		return nil, err
	}
	l.hashedTo()
	return &LookupHash{ownedLookup{l, false}}, nil
}

func newLookupHashUnique(name string, p paramSet, _ Env) (Vindex, error) {
	l, err := newLookupTable(name, p)
	if err != nil {
		return nil, err
	}
	if err := l.readWriteParams(p, true); err != nil {
		return nil, err
	}
	l.hashedTo()
	return &LookupHashUnique{ownedLookup{l, true}}, nil
}

// hashedTo makes the "to" column hold hash numbers instead of keyspace ids.
func (l *lookupTable) hashedTo() {
	l.toValue = func(ksid []byte) (any, error) {
		n, err := UnhashKeyspaceID(ksid)
		if err != nil {
			return nil, err
		}
		if n <= math.MaxInt64 {
			return int64(n), nil
		}
		return n, nil
	}
	l.toKeyspaceID = func(v any) ([]byte, bool, error) {
		n, kind, err := toUint64(v, false)
		if err != nil || kind != isNumber {
			return nil, false, nil
		}
		return HashUint64(n), true, nil
	}
}

// Cost returns 20.
func (*LookupHash) Cost() int { return 20 }

// IsUnique returns false.
func (*LookupHash) IsUnique() bool { return false }

// Cost returns 10.
func (*LookupHashUnique) Cost() int { return 10 }

// IsUnique returns true.
func (*LookupHashUnique) IsUnique() bool { return true }
