// Package key holds the vocabulary shared by the vindexes and the topology:
// keyspace ids, key ranges (Vitess shard names such as "-80", "80-",
// "40-80", "0" and "-") and destinations, the answer a vindex gives for a
// value.
//
// A keyspace id is a byte string. Two keyspace ids compare as bytes with
// trailing zero bytes ignored, so an 8-byte id (hash, xxhash) and a 16-byte
// id (binary_md5, unicode_loose_md5) order against the same key ranges, and
// a shard boundary written "80" equals one written "8000".
//
// A destination is where a value's rows live: one keyspace id, several
// keyspace ids (a non-unique lookup), a key range, a named shard (vindexes
// such as consistent_hash and range that pick a shard directly), every
// shard, or no shard at all. The topology turns a destination into shard
// names; the router never needs to know which kind it holds.
package key
