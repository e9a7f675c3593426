package key

import (
	"fmt"
	"sort"
)

// Partition checks that the named shards cover the whole keyspace-id range
// with no gap and no overlap, and returns the names in key-range order
// together with their ranges.
func Partition(names []string) ([]string, []KeyRange, error) {
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no shards")
	}
	type entry struct {
		name string
		kr   KeyRange
	}
	entries := make([]entry, len(names))
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		if seen[n] {
			return nil, nil, fmt.Errorf("shard %q is listed twice", n)
		}
		seen[n] = true
		kr, err := ParseKeyRange(n)
		if err != nil {
			return nil, nil, err
		}
		entries[i] = entry{n, kr}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		return Compare(entries[i].kr.Start, entries[j].kr.Start) < 0
	})
	if len(entries) > 1 {
		for _, e := range entries {
			if e.kr.IsFull() {
				return nil, nil, fmt.Errorf("shard %q covers the whole range but the keyspace has %d shards", e.name, len(entries))
			}
		}
	}
	if first := entries[0]; len(trimZeros(first.kr.Start)) != 0 {
		return nil, nil, fmt.Errorf("gap: no shard covers keyspace ids below %x (first shard is %q)", trimZeros(first.kr.Start), first.name)
	}
	for i := 1; i < len(entries); i++ {
		prev, cur := entries[i-1], entries[i]
		if len(trimZeros(prev.kr.End)) == 0 {
			return nil, nil, fmt.Errorf("overlap: shards %q and %q", prev.name, cur.name)
		}
		switch c := Compare(prev.kr.End, cur.kr.Start); {
		case c < 0:
			return nil, nil, fmt.Errorf("gap: no shard covers keyspace ids from %x to %x (between %q and %q)", trimZeros(prev.kr.End), trimZeros(cur.kr.Start), prev.name, cur.name)
		case c > 0:
			return nil, nil, fmt.Errorf("overlap: shards %q and %q", prev.name, cur.name)
		}
	}
	if last := entries[len(entries)-1]; len(trimZeros(last.kr.End)) != 0 {
		return nil, nil, fmt.Errorf("gap: no shard covers keyspace ids from %x up (last shard is %q)", trimZeros(last.kr.End), last.name)
	}
	sorted := make([]string, len(entries))
	ranges := make([]KeyRange, len(entries))
	for i, e := range entries {
		sorted[i], ranges[i] = e.name, e.kr
	}
	return sorted, ranges, nil
}
