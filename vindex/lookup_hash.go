package vindex

import (
	"context"
	"math"

	"github.com/dot-do/vitessdo/key"
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
	*lookupTable
}

// LookupHashUnique is Vitess's "lookup_hash_unique" vindex: LookupHash for
// unique values, as LookupUnique is to LookupNonUnique.
//
// Cost 10, unique.
type LookupHashUnique struct {
	*lookupTable
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
	return &LookupHash{l}, nil
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
	return &LookupHashUnique{l}, nil
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

// Map returns the keyspace ids of the numbers the table holds for each value.
func (v *LookupHash) Map(ctx context.Context, c Cursor, values []any) ([]key.Destination, error) {
	if v.scatter(values) {
		return fullRange(values), nil
	}
	ids, err := v.lookup(ctx, c, values)
	if err != nil {
		return nil, err
	}
	return mapNonUnique(ids), nil
}

// Verify reports whether the table maps each value to its keyspace id.
func (v *LookupHash) Verify(ctx context.Context, c Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return v.verify(ctx, c, values, ksids)
}

// Create inserts the lookup rows of new owner rows.
func (v *LookupHash) Create(ctx context.Context, c Cursor, rows [][]any, ksids [][]byte, ignoreMode bool) error {
	return v.create(ctx, c, rows, ksids, ignoreMode, v.writeOrder())
}

// Delete removes the lookup rows of deleted owner rows.
func (v *LookupHash) Delete(ctx context.Context, c Cursor, rows [][]any, ksid []byte) error {
	if v.autocommit {
		return nil
	}
	return v.remove(ctx, c, rows, ksid, CommitNormal)
}

// Update moves an owner row's lookup row from oldValues to newValues.
func (v *LookupHash) Update(ctx context.Context, c Cursor, oldValues []any, ksid []byte, newValues []any) error {
	if err := v.Delete(ctx, c, [][]any{oldValues}, ksid); err != nil {
		return err
	}
	return v.Create(ctx, c, [][]any{newValues}, [][]byte{ksid}, false)
}

// Cost returns 10.
func (*LookupHashUnique) Cost() int { return 10 }

// IsUnique returns true.
func (*LookupHashUnique) IsUnique() bool { return true }

// Map returns the keyspace id of the number the table holds for each value.
func (v *LookupHashUnique) Map(ctx context.Context, c Cursor, values []any) ([]key.Destination, error) {
	if v.scatter(values) {
		return fullRange(values), nil
	}
	ids, err := v.lookup(ctx, c, values)
	if err != nil {
		return nil, err
	}
	return v.mapUnique(values, ids)
}

// Verify reports whether the table maps each value to its keyspace id.
func (v *LookupHashUnique) Verify(ctx context.Context, c Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return v.verify(ctx, c, values, ksids)
}

// Create inserts the lookup rows of new owner rows.
func (v *LookupHashUnique) Create(ctx context.Context, c Cursor, rows [][]any, ksids [][]byte, ignoreMode bool) error {
	return v.create(ctx, c, rows, ksids, ignoreMode, v.writeOrder())
}

// Delete removes the lookup rows of deleted owner rows.
func (v *LookupHashUnique) Delete(ctx context.Context, c Cursor, rows [][]any, ksid []byte) error {
	if v.autocommit {
		return nil
	}
	return v.remove(ctx, c, rows, ksid, CommitNormal)
}

// Update moves an owner row's lookup row from oldValues to newValues.
func (v *LookupHashUnique) Update(ctx context.Context, c Cursor, oldValues []any, ksid []byte, newValues []any) error {
	if err := v.Delete(ctx, c, [][]any{oldValues}, ksid); err != nil {
		return err
	}
	return v.Create(ctx, c, [][]any{newValues}, [][]byte{ksid}, false)
}
