package shard

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/dot-do/vitessdo/key"
)

// Shard is one shard of a keyspace and the backend that stores it.
type Shard struct {
	Keyspace string
	Name     string
	KeyRange key.KeyRange
	Backend  *Backend
}

// String returns keyspace/shard.
func (s *Shard) String() string { return s.Keyspace + "/" + s.Name }

// Topology is every keyspace's shards, in key-range order.
type Topology struct {
	keyspaces map[string][]*Shard
	// ends8 holds, for each keyspace whose shards' key ranges all end
	// within 8 bytes, the shards and their ends as numbers: ShardFor
	// finds the shard of an 8-byte keyspace id (hash, xxhash, numeric)
	// comparing numbers, not byte slices.
	ends8    map[string]*shardEnds8
	backends []*Backend
}

// shardEnds8 is a keyspace's shards and the ends of their key ranges as
// big-endian uint64s, zero-padded (key.Compare ignores trailing zeros);
// the last shard's end, open, is not held.
type shardEnds8 struct {
	shards []*Shard
	ends   []uint64
}

// NewTopology builds a topology. shards lists each keyspace's shards in
// key-range order, as vschema.Keyspace holds them.
func NewTopology(shards map[string][]*Shard) *Topology {
	t := &Topology{keyspaces: shards, ends8: map[string]*shardEnds8{}}
	seen := map[*Backend]bool{}
	for _, ks := range sortedNames(shards) {
		for _, s := range shards[ks] {
			if !seen[s.Backend] {
				seen[s.Backend] = true
				t.backends = append(t.backends, s.Backend)
			}
		}
		if e, ok := newShardEnds8(shards[ks]); ok {
			t.ends8[ks] = e
		}
	}
	return t
}

// newShardEnds8 returns the shards' key-range ends as numbers; ok is
// false when one needs more than 8 bytes, or a shard before the last has
// an open end.
func newShardEnds8(shards []*Shard) (*shardEnds8, bool) {
	if len(shards) == 0 {
		return nil, false
	}
	e := &shardEnds8{shards: shards, ends: make([]uint64, len(shards)-1)}
	for i, s := range shards[:len(shards)-1] {
		end := s.KeyRange.End
		for len(end) > 0 && end[len(end)-1] == 0 {
			end = end[:len(end)-1]
		}
		if len(end) == 0 || len(end) > 8 {
			return nil, false
		}
		var b [8]byte
		copy(b[:], end)
		e.ends[i] = binary.BigEndian.Uint64(b[:])
	}
	return e, true
}

// shardFor returns the shard whose key range holds the 8-byte keyspace
// id: the first whose end is above it, or the last.
func (e *shardEnds8) shardFor(id uint64) *Shard {
	lo, hi := 0, len(e.ends)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if id < e.ends[m] {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return e.shards[lo]
}

func sortedNames(m map[string][]*Shard) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Keyspaces returns the keyspace names, sorted.
func (t *Topology) Keyspaces() []string { return sortedNames(t.keyspaces) }

// Shards returns a keyspace's shards in key-range order.
func (t *Topology) Shards(keyspace string) []*Shard { return t.keyspaces[keyspace] }

// Backends returns every distinct backend once.
func (t *Topology) Backends() []*Backend { return t.backends }

// Shard returns the named shard of a keyspace, or an error naming both.
func (t *Topology) Shard(keyspace, name string) (*Shard, error) {
	shards, ok := t.keyspaces[keyspace]
	if !ok {
		return nil, fmt.Errorf("keyspace %q not found", keyspace)
	}
	for _, s := range shards {
		if s.Name == name {
			return s, nil
		}
	}
	names := make([]string, len(shards))
	for i, s := range shards {
		names[i] = s.Name
	}
	return nil, fmt.Errorf("keyspace %q has no shard %q (shards: %v)", keyspace, name, names)
}

// Resolve returns the shards that hold the rows of the destinations, in
// key-range order, each once. A keyspace id maps to the one shard whose key
// range contains it.
func (t *Topology) Resolve(keyspace string, dests ...key.Destination) ([]*Shard, error) {
	shards, ok := t.keyspaces[keyspace]
	if !ok {
		return nil, fmt.Errorf("keyspace %q not found", keyspace)
	}
	hit := make([]bool, len(shards))
	n := 0
	mark := func(i int) {
		if !hit[i] {
			hit[i] = true
			n++
		}
	}
	for _, d := range dests {
		switch d := d.(type) {
		case key.DestinationKeyspaceID:
			mark(shardFor(shards, d))
		case key.DestinationKeyspaceIDs:
			for _, id := range d {
				mark(shardFor(shards, id))
			}
		case key.DestinationKeyRange:
			for i, s := range shards {
				if s.KeyRange.Intersects(key.KeyRange(d)) {
					mark(i)
				}
			}
		case key.DestinationShard:
			found := false
			for i, s := range shards {
				if s.Name == string(d) {
					mark(i)
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("keyspace %q has no shard %q", keyspace, string(d))
			}
		case key.DestinationAllShards:
			for i := range shards {
				mark(i)
			}
		case key.DestinationNone:
		default:
			return nil, fmt.Errorf("unknown destination %v", d)
		}
	}
	if n == 1 {
		for i, h := range hit {
			if h {
				return shards[i : i+1], nil
			}
		}
	}
	out := make([]*Shard, 0, n)
	for i, h := range hit {
		if h {
			out = append(out, shards[i])
		}
	}
	return out, nil
}

// ShardFor returns the shard of a keyspace that holds a keyspace id.
func (t *Topology) ShardFor(keyspace string, id []byte) *Shard {
	if len(id) == 8 {
		if e := t.ends8[keyspace]; e != nil {
			return e.shardFor(binary.BigEndian.Uint64(id))
		}
	}
	shards := t.keyspaces[keyspace]
	if len(shards) == 0 {
		return nil
	}
	return shards[shardFor(shards, id)]
}

// IndexFor returns the index, in shards (a keyspace's, in key-range
// order, as Topology.Shards returns them), of the shard whose key range
// holds the keyspace id.
func IndexFor(shards []*Shard, id []byte) int { return shardFor(shards, id) }

// shardFor finds the shard containing id by binary search over the key
// ranges, which partition the keyspace (checked when the VSchema loads).
func shardFor(shards []*Shard, id []byte) int {
	i := sort.Search(len(shards), func(i int) bool {
		end := shards[i].KeyRange.End
		return len(end) == 0 || key.Compare(id, end) < 0
	})
	if i == len(shards) {
		i = len(shards) - 1
	}
	return i
}

// Close closes every backend.
func (t *Topology) Close() error {
	var first error
	for _, b := range t.backends {
		if err := b.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
