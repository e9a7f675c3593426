package shard

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dot-do/vitessdo/key"
)

// topologyOf returns a keyspace "ks" of the named shards.
func topologyOf(t *testing.T, names ...string) *Topology {
	t.Helper()
	shards := make([]*Shard, len(names))
	for i, n := range names {
		kr, err := key.ParseKeyRange(n)
		if err != nil {
			t.Fatal(err)
		}
		shards[i] = &Shard{Keyspace: "ks", Name: n, KeyRange: kr}
	}
	return NewTopology(map[string][]*Shard{"ks": shards})
}

// evenShards names n equal key ranges of one byte (n a power of two up
// to 256).
func evenShards(n int) []string {
	bound := func(i int) string {
		if i == 0 || i == n {
			return ""
		}
		return fmt.Sprintf("%02x", i*256/n)
	}
	names := make([]string, n)
	for i := range n {
		names[i] = bound(i) + "-" + bound(i+1)
	}
	return names
}

// TestShardForOf8ByteIDsIsTheGeneralSearch: an 8-byte keyspace id, found
// by comparing numbers, lands on the shard the byte-slice search finds,
// at every shard boundary (the id just below it, on it, just above it)
// and for random ids, for even and uneven key ranges, bounds of one to
// eight bytes and with trailing zero bytes; a bound longer than 8 bytes
// leaves the keyspace to the byte-slice search.
func TestShardForOf8ByteIDsIsTheGeneralSearch(t *testing.T) {
	layouts := [][]string{
		{"0"},
		{"-"},
		evenShards(2),
		evenShards(4),
		evenShards(16),
		evenShards(256),
		{"-4080", "4080-8000", "8000-c0", "c0-c0000000000001", "c0000000000001-ff", "ff-"},
		{"-0000000000000001", "0000000000000001-7fffffffffffffff", "7fffffffffffffff-"},
		{"-8000000000000000ff", "8000000000000000ff-"}, // 9 bytes
		{"-8000000000000000", "8000000000000000-"},     // 8 bytes and a zero
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, names := range layouts {
		topo := topologyOf(t, names...)
		shards := topo.Shards("ks")
		_, numeric := topo.ends8["ks"]
		if want := len(names[0]) < 19; numeric != want {
			t.Errorf("%v: searched by numbers %v, want %v", names, numeric, want)
		}
		var ids []uint64
		for _, s := range shards {
			var b [8]byte
			copy(b[:], s.KeyRange.End)
			if end := binary.BigEndian.Uint64(b[:]); len(s.KeyRange.End) > 0 {
				ids = append(ids, end-1, end, end+1)
			}
		}
		ids = append(ids, 0, ^uint64(0))
		for range 1000 {
			ids = append(ids, rng.Uint64())
		}
		for _, n := range ids {
			id := binary.BigEndian.AppendUint64(nil, n)
			want := shards[shardFor(shards, id)]
			if got := topo.ShardFor("ks", id); got != want {
				t.Errorf("%v: id %016x on shard %s, want %s", names, n, got.Name, want.Name)
			}
		}
	}
	if got := topologyOf(t, evenShards(4)...).ShardFor("other", make([]byte, 8)); got != nil {
		t.Errorf("a keyspace of no shards: %v", got)
	}
}
