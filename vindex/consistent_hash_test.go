package vindex

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

func TestConsistentHashPicksAShardOfTheKeyspace(t *testing.T) {
	v := mustNew(t, "consistent_hash", nil, Env{Keyspace: "ks", Shards: []string{"-80", "80-"}})
	got := mapValues(t, v, nil, int64(1), "1", nil)
	if got[0] != got[1] {
		t.Errorf("1 and \"1\" land apart: %v", got)
	}
	if s, ok := got[0].(key.DestinationShard); !ok || (s != "-80" && s != "80-") {
		t.Errorf("Map(1) = %v, want a shard of the keyspace", got[0])
	}
	if diff := cmp.Diff(key.Destination(key.DestinationNone{}), got[2]); diff != "" {
		t.Errorf("Map(NULL) (-want +got):\n%s", diff)
	}
	if _, err := New("ch", "consistent_hash", nil, Env{Keyspace: "ks"}); err == nil || err.Error() != `vindex "ch": consistent_hash: the keyspace has no shards to hash over` {
		t.Errorf("New without shards: %v", err)
	}
	if _, err := v.(SingleColumn).Verify(t.Context(), nil, []any{int64(1)}, [][]byte{nil}); err == nil {
		t.Error("Verify of a shard-picking vindex gave no error")
	}
}

// Appending a shard moves a key only to the new shard, and moves about
// 1/n of the keys when the new shard is the n-th.
func TestConsistentHashMovesOnlyKeysOfTheNewShard(t *testing.T) {
	const count = 100_000
	values := make([]any, count)
	for i := range values {
		values[i] = int64(i + 1)
	}
	var shards []string
	var before []key.Destination
	for n := 1; n <= 17; n++ {
		shards = append(shards, fmt.Sprintf("s%02d", n))
		v := mustNew(t, "consistent_hash", nil, Env{Keyspace: "ks", Shards: shards})
		after := mapValues(t, v, nil, values...)
		if before != nil {
			moved := 0
			for i := range after {
				if after[i] == before[i] {
					continue
				}
				moved++
				if after[i] != key.DestinationShard(shards[n-1]) {
					t.Fatalf("adding shard %s moved value %d from %v to %v", shards[n-1], i+1, before[i], after[i])
				}
			}
			share := float64(moved) / count
			want := 1 / float64(n)
			sigma := math.Sqrt(want * (1 - want) / count)
			if math.Abs(share-want) > 5*sigma {
				t.Errorf("adding shard %d moved %.4f of the keys, want %.4f ± %.4f", n, share, want, 5*sigma)
			}
		}
		before = after
	}
}
