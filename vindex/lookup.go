package vindex

import (
	"context"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*LookupNonUnique)(nil)
	_ Lookup       = (*LookupNonUnique)(nil)
	_ SingleColumn = (*LookupUnique)(nil)
	_ Lookup       = (*LookupUnique)(nil)
)

// LookupNonUnique is Vitess's "lookup" vindex: a lookup table maps a value
// to the keyspace ids of the rows holding it, so a query on a column that
// is not the sharding key reaches only those rows' shards. The table
// (param "table", optionally keyspace-qualified) has the "from" columns
// (param "from", comma-separated; the first is the looked-up value, the
// others identify the owner row) and the "to" column (param "to") holding
// the keyspace id as bytes.
//
// Map reads `select from, to from table where from in (?, ...)`: one query
// for all values when the first is an integer or "batch_lookup" is true
// (rows are matched back to values by their text), one query per value
// otherwise. A value without rows maps to key.DestinationNone, the others
// to key.DestinationKeyspaceIDs. With "write_only" the table is still
// being filled: Map answers every shard (the full key range) and Verify
// accepts. With "ignore_nulls", owner rows with a NULL value get no lookup
// row, and Map of a lone NULL answers every shard. With "no_verify",
// Verify accepts without reading. Inside a writing transaction (see
// SessionCursor) Map locks the rows it reads as "read_lock" says
// (exclusive: FOR UPDATE, the default; shared: LOCK IN SHARE MODE; none).
//
// When owned (param "owner"), the router calls Create, Delete and Update
// as it writes the owner's rows: an INSERT of the lookup rows sorted by
// value (INSERT IGNORE in ignore mode), a DELETE per row, and for Update
// both. With "autocommit" (or Vitess's "multi_shard_autocommit") the
// inserts run through ExecAutocommit and overwrite existing rows (ON
// DUPLICATE KEY UPDATE), and deletes are skipped, as in Vitess: a value
// that is never reassigned (an auto-increment id) needs no transaction.
//
// Cost 20, not unique.
type LookupNonUnique struct {
	ownedLookup
}

// LookupUnique is Vitess's "lookup_unique" vindex: LookupNonUnique for a
// column whose values are unique, so a value maps to one keyspace id
// (key.DestinationKeyspaceID) and a value with several rows is an error.
// With "autocommit", inserts do not overwrite: a duplicate is an error.
//
// Cost 10, unique.
type LookupUnique struct {
	ownedLookup
}

func newLookup(name string, p paramSet, _ Env) (Vindex, error) {
	l, err := newLookupTable(name, p)
	if err != nil {
		return nil, err
	}
	if err := l.readWriteParams(p, false); err != nil {
		return nil, err
	}
	return &LookupNonUnique{ownedLookup{l, false}}, nil
}

func newLookupUnique(name string, p paramSet, _ Env) (Vindex, error) {
	l, err := newLookupTable(name, p)
	if err != nil {
		return nil, err
	}
	if err := l.readWriteParams(p, true); err != nil {
		return nil, err
	}
	return &LookupUnique{ownedLookup{l, true}}, nil
}

// Cost returns 20.
func (*LookupNonUnique) Cost() int { return 20 }

// IsUnique returns false.
func (*LookupNonUnique) IsUnique() bool { return false }

// Cost returns 10.
func (*LookupUnique) Cost() int { return 10 }

// IsUnique returns true.
func (*LookupUnique) IsUnique() bool { return true }

// ownedLookup is what the lookup, lookup_unique, lookup_hash and
// lookup_hash_unique vindexes share: Map through the lookup table, and the
// owned-vindex maintenance the router calls.
type ownedLookup struct {
	*lookupTable
	unique bool
}

// Map returns the keyspace ids the lookup table holds for each value: one
// per value for a unique lookup, a set for a non-unique one.
func (v ownedLookup) Map(ctx context.Context, c Cursor, values []any) ([]key.Destination, error) {
	if v.scatter(values) {
		return fullRange(values), nil
	}
	ids, err := v.lookup(ctx, c, values)
	if err != nil {
		return nil, err
	}
	if v.unique {
		return v.mapUnique(values, ids)
	}
	return mapNonUnique(ids), nil
}

// Verify reports whether the table maps each value to its keyspace id.
func (v ownedLookup) Verify(ctx context.Context, c Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return v.verify(ctx, c, values, ksids)
}

// Create inserts the lookup rows of new owner rows.
func (v ownedLookup) Create(ctx context.Context, c Cursor, rows [][]any, ksids [][]byte, ignoreMode bool) error {
	return v.create(ctx, c, rows, ksids, ignoreMode, v.writeOrder())
}

// Delete removes the lookup rows of deleted owner rows.
func (v ownedLookup) Delete(ctx context.Context, c Cursor, rows [][]any, ksid []byte) error {
	if v.autocommit {
		return nil
	}
	return v.remove(ctx, c, rows, ksid, CommitNormal)
}

// Update moves an owner row's lookup row from oldValues to newValues.
func (v ownedLookup) Update(ctx context.Context, c Cursor, oldValues []any, ksid []byte, newValues []any) error {
	if err := v.Delete(ctx, c, [][]any{oldValues}, ksid); err != nil {
		return err
	}
	return v.Create(ctx, c, [][]any{newValues}, [][]byte{ksid}, false)
}
