package vschema

import "slices"

// shardPicker is a vindex that picks a shard from the keyspace's shard
// list rather than computing a keyspace id (consistent_hash, range).
type shardPicker interface {
	Shard(v any) (string, bool, error)
}

// Placement returns the keyspace's shard list when a table of the
// keyspace is placed by a primary vindex that picks shards from that list
// (consistent_hash, range), nil otherwise. Rows of such a table sit where
// that list put them: under another list, the same value names another
// shard, so the list is part of the keyspace's layout.
func (ks *Keyspace) Placement() []string {
	if !ks.Sharded {
		return nil
	}
	for _, t := range ks.Tables {
		if p := t.Primary(); p != nil && t.IsSharded() {
			if _, ok := p.Vindex.(shardPicker); ok {
				return slices.Clone(ks.Shards)
			}
		}
	}
	return nil
}
