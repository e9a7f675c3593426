// Package vindex holds the vindexes: the functions from a column value to
// the shard(s) that hold its rows, one type per file, each computing the
// keyspace ids Vitess computes so that rows can move to a Vitess cluster.
//
// # Where it sits
//
// The planner (route/) finds the vindex columns of a statement; at bind
// time it hands their values to Map, which answers a key.Destination per
// value: a keyspace id, several (a non-unique lookup), a key range (a
// multicol prefix, a write-only lookup), a shard named directly
// (consistent_hash, range) or none. The topology (shard/) turns
// destinations into shards. This package knows no backend and no SQL
// parser: lookup vindexes send their statements, in MySQL dialect with ?
// placeholders, through the Cursor the router gives them.
//
// # Building vindexes
//
// New builds a vindex from its VSchema entry: its name, its Vitess type and
// its params (JSON strings as the string, other JSON as its raw text), with
// the keyspace's Env (name, shards in key-range order, the VSchema file's
// directory). Every error names the vindex, the type and the param, and is
// a *Error:
//
//	v, err := vindex.New("user_idx", "hash", nil, env)
//	dests, err := v.(vindex.SingleColumn).Map(ctx, nil, []any{int64(1)})
//	// dests[0] is key.DestinationKeyspaceID(166b40b44aba4bd6)
//
// A vindex answers the interfaces of what it can do: SingleColumn or
// MultiColumn (Map, Verify), Hashing (the keyspace id of one value, the
// fast path for INSERT), Reversible (hash, numeric, reverse_bits, binary:
// a keyspace id back to its value), Lookup (Create, Delete, Update of an
// owned lookup table) and WantOwnerInfo (consistent lookups, which must
// know their owner table's columns).
//
// # Types
//
// Functional, as in Vitess: hash (DES of the 64-bit integer), xxhash,
// unicode_loose_md5 and unicode_loose_xxhash (case- and accent-insensitive
// strings), binary (identity), binary_md5, numeric (identity on integers),
// reverse_bits, null (everything in the first shard), numeric_static_map
// (a fixed JSON table, then a fallback) and multicol (several columns, a
// few bytes each).
//
// Lookup, as in Vitess: lookup and lookup_unique (a table from value to
// keyspace id), lookup_hash and lookup_hash_unique (the same, storing the
// hash vindex's number), consistent_lookup and consistent_lookup_unique
// (kept consistent with their owner table without two-phase commit by
// writing in the session's pre- and post-commit transactions; see
// SessionCursor).
//
// Not in Vitess: consistent_hash (jump consistent hashing over the
// keyspace's shards, so adding a shard moves 1/n of the rows) and range
// (explicit value ranges per shard).
//
// # Values
//
// Map takes nil (SQL NULL), Go integers, float64, bool, string, []byte and
// time.Time, and reads each as the MySQL value Vitess would see: see each
// type's documentation for NULL and for values it cannot place, which map
// to key.DestinationNone where Vitess places them nowhere. Values of other
// Go types are an error.
package vindex
