package vindex

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/dot-do/vitessdo/key"
)

// evenShards splits the keyspace-id range into n equal key ranges, as a
// keyspace of n shards named like -40, 40-80, 80-c0, c0- does.
func evenShards(n int) []key.KeyRange {
	out := make([]key.KeyRange, n)
	step := math.MaxUint64/uint64(n) + 1
	for i := range n {
		var start, end []byte
		if i > 0 {
			start = binary.BigEndian.AppendUint64(nil, uint64(i)*step)
		}
		if i < n-1 {
			end = binary.BigEndian.AppendUint64(nil, uint64(i+1)*step)
		}
		out[i] = key.KeyRange{Start: start, End: end}
	}
	return out
}

// shardCounts maps ids 1..count through v and counts the rows of each shard.
func shardCounts(t *testing.T, v SingleColumn, shards int, count int) []int {
	t.Helper()
	values := make([]any, count)
	for i := range values {
		values[i] = int64(i + 1)
	}
	dests, err := v.Map(t.Context(), nil, values)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	ranges := evenShards(shards)
	for i, r := range ranges {
		names[r.String()] = i
	}
	counts := make([]int, shards)
	for _, d := range dests {
		switch d := d.(type) {
		case key.DestinationKeyspaceID:
			for i, r := range ranges {
				if r.Contains(d) {
					counts[i]++
					break
				}
			}
		case key.DestinationShard:
			counts[names[string(d)]]++
		default:
			t.Fatalf("unexpected destination %v", d)
		}
	}
	return counts
}

// 100,000 sequential ids spread evenly: every shard holds its even share to
// within 3%, or to within 4 binomial standard deviations when that is
// wider. A share of 6,250 rows (16 shards) has a standard deviation of
// 1.2%, one of 1,562 rows (64 shards) 2.5%: a uniformly random hash
// exceeds 3% on some shard of 64 nearly always, so 3% would test luck;
// 4.9% and 10% still catch a biased hash.
func TestSequentialIDsSpreadEvenly(t *testing.T) {
	const count = 100_000
	for _, typ := range []string{"hash", "xxhash", "unicode_loose_md5", "unicode_loose_xxhash", "consistent_hash"} {
		for _, shards := range []int{4, 16, 64} {
			t.Run(fmt.Sprintf("%s/%d", typ, shards), func(t *testing.T) {
				names := make([]string, shards)
				for i, r := range evenShards(shards) {
					names[i] = r.String()
				}
				v := mustNew(t, typ, nil, Env{Keyspace: "ks", Shards: names}).(SingleColumn)
				counts := shardCounts(t, v, shards, count)
				even := float64(count) / float64(shards)
				bound := 0.03
				if sigma := math.Sqrt(even*(1-1/float64(shards))) / even; 4*sigma > bound {
					bound = 4 * sigma
				}
				worst := 0.0
				for _, c := range counts {
					worst = max(worst, math.Abs(float64(c)-even)/even)
				}
				t.Logf("worst shard off by %.2f%% (bound %.2f%%)", 100*worst, 100*bound)
				if worst > bound {
					t.Errorf("shard counts %v: worst off even (%.0f) by %.2f%%, bound %.2f%%", counts, even, 100*worst, 100*bound)
				}
			})
		}
	}
}
