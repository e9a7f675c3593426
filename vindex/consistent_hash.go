package vindex

import (
	"context"
	"slices"

	jump "github.com/dgryski/go-jump"

	"github.com/dot-do/vitessdo/key"
)

var _ SingleColumn = (*ConsistentHash)(nil)

// ConsistentHash is the "consistent_hash" vindex, which Vitess does not
// have: it picks a shard directly (key.DestinationShard) instead of
// computing a keyspace id. The value's 64-bit hash, XXH64 of its SQL text
// as the xxhash vindex computes it (so 1 and "1" land together), is placed
// among the keyspace's shards (Env.Shards, in their order) by jump
// consistent hashing (Lamping and Veach, 2014). Jump hashing is balanced
// and minimal: when a shard is appended to the list, a key moves only if it
// moves to the new shard, so about 1/n of the keys move when the n-th shard
// is added and none moves between old shards. Shard names play no part:
// only their number and order do, so shards are appended, never inserted
// or removed. NULL maps to key.DestinationNone.
//
// Cost 1, unique, not reversible. Its rows cannot move to a Vitess
// cluster as they are, since no Vitess vindex computes the same shards.
type ConsistentHash struct {
	name   string
	shards []string
}

func newConsistentHash(name string, p paramSet, env Env) (Vindex, error) {
	if len(env.Shards) == 0 {
		return nil, p.errorf("the keyspace has no shards to hash over")
	}
	return &ConsistentHash{name: name, shards: slices.Clone(env.Shards)}, nil
}

// String returns the vindex's name.
func (h *ConsistentHash) String() string { return h.name }

// Cost returns 1.
func (*ConsistentHash) Cost() int { return 1 }

// IsUnique returns true.
func (*ConsistentHash) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*ConsistentHash) NeedsCursor() bool { return false }

// Shard returns the shard of v, or false for NULL.
func (h *ConsistentHash) Shard(v any) (string, bool, error) {
	if v == nil {
		return "", false, nil
	}
	sum, err := xxhashOf(v)
	if err != nil {
		return "", false, wrapError(h.name, "consistent_hash", err)
	}
	return h.shards[jump.Hash(sum, len(h.shards))], true, nil
}

// Map returns the shard of each value.
func (h *ConsistentHash) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	return mapShards(values, h.Shard)
}

// mapShards maps values through a vindex that picks shards: one
// DestinationShard per value, or DestinationNone where it picks none.
func mapShards(values []any, shardOf func(any) (string, bool, error)) ([]key.Destination, error) {
	out := make([]key.Destination, len(values))
	for i, v := range values {
		shard, ok, err := shardOf(v)
		if err != nil {
			return nil, err
		}
		if !ok {
			out[i] = key.DestinationNone{}
			continue
		}
		out[i] = key.DestinationShard(shard)
	}
	return out, nil
}

// Verify is an error: consistent_hash gives shards, not keyspace ids, so
// it can be a table's primary vindex but not a secondary one.
func (h *ConsistentHash) Verify(_ context.Context, _ Cursor, _ []any, _ [][]byte) ([]bool, error) {
	return nil, newError(h.name, "consistent_hash", "verify: the vindex maps values to shards, not keyspace ids, so it can only be a primary vindex")
}
