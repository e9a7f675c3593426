package key

import (
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseKeyRange(t *testing.T) {
	tests := []struct {
		name       string
		start, end string
		err        string
	}{
		{name: "-80", end: "80"},
		{name: "80-", start: "80"},
		{name: "40-80", start: "40", end: "80"},
		{name: "0"},
		{name: "-"},
		{name: "4000-8000", start: "40", end: "80"},
		{name: "80", err: `shard name "80" is not a key range (want START-END in hex, such as -80 or 40-80, or 0 for the full range)`},
		{name: "8-", err: `shard name "8-": start "8" is not hexadecimal with an even number of digits`},
		{name: "-zz", err: `shard name "-zz": end "zz" is not hexadecimal with an even number of digits`},
		{name: "-8A", err: `shard name "-8A": end "8A" must be lower-case hexadecimal`},
		{name: "80-40", err: `shard name "80-40": start is not below end`},
		{name: "80-80", err: `shard name "80-80": start is not below end`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr, err := ParseKeyRange(tt.name)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("ParseKeyRange(%q) error = %v, want %q", tt.name, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(kr.Start); got != tt.start {
				t.Errorf("start = %q, want %q", got, tt.start)
			}
			if got := hex.EncodeToString(kr.End); got != tt.end {
				t.Errorf("end = %q, want %q", got, tt.end)
			}
		})
	}
}

func TestKeyRangeContainsIgnoresTrailingZeros(t *testing.T) {
	lo, _ := ParseKeyRange("-80")
	hi, _ := ParseKeyRange("80-")
	mid, _ := ParseKeyRange("40-80")
	tests := []struct {
		id          string
		lo, hi, mid bool
	}{
		{id: "00", lo: true},
		{id: "166b40b44aba4bd6", lo: true},
		{id: "7fffffffffffffff", lo: true, mid: true},
		{id: "80", hi: true},
		{id: "8000000000000000", hi: true},
		{id: "80000000000000000000000000000000", hi: true},
		{id: "8ca64de9c1b123a7", hi: true},
		{id: "40", lo: true, mid: true},
		{id: "ffffffffffffffff", hi: true},
		{id: "", lo: true},
	}
	for _, tt := range tests {
		id, _ := hex.DecodeString(tt.id)
		got := []bool{lo.Contains(id), hi.Contains(id), mid.Contains(id)}
		want := []bool{tt.lo, tt.hi, tt.mid}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Contains(%s) -lo,hi,mid want +got:\n%s", tt.id, diff)
		}
	}
}

func TestKeyRangeIntersects(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"-80", "80-", false},
		{"-80", "40-c0", true},
		{"-", "40-80", true},
		{"40-80", "80-c0", false},
		{"40-80", "7f-", true},
	}
	for _, tt := range tests {
		a, _ := ParseKeyRange(tt.a)
		b, _ := ParseKeyRange(tt.b)
		if got := a.Intersects(b); got != tt.want {
			t.Errorf("%s.Intersects(%s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := b.Intersects(a); got != tt.want {
			t.Errorf("%s.Intersects(%s) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestPartition(t *testing.T) {
	tests := []struct {
		names []string
		want  []string
		err   string
	}{
		{names: []string{"80-", "-80"}, want: []string{"-80", "80-"}},
		{names: []string{"0"}, want: []string{"0"}},
		{names: []string{"-"}, want: []string{"-"}},
		{names: []string{"c0-", "-40", "80-c0", "40-80"}, want: []string{"-40", "40-80", "80-c0", "c0-"}},
		{names: []string{"-4000", "40-"}, want: []string{"-4000", "40-"}},
		{names: nil, err: "no shards"},
		{names: []string{"-80"}, err: `gap: no shard covers keyspace ids from 80 up (last shard is "-80")`},
		{names: []string{"80-"}, err: `gap: no shard covers keyspace ids below 80 (first shard is "80-")`},
		{names: []string{"-40", "80-"}, err: `gap: no shard covers keyspace ids from 40 to 80 (between "-40" and "80-")`},
		{names: []string{"-80", "40-"}, err: `overlap: shards "-80" and "40-"`},
		{names: []string{"-80", "-80"}, err: `shard "-80" is listed twice`},
		{names: []string{"0", "80-"}, err: `shard "0" covers the whole range but the keyspace has 2 shards`},
		{names: []string{"-80", "80-", "x"}, err: `shard name "x" is not a key range (want START-END in hex, such as -80 or 40-80, or 0 for the full range)`},
	}
	for _, tt := range tests {
		got, _, err := Partition(tt.names)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Partition(%q) error = %v, want %q", tt.names, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Partition(%q): %v", tt.names, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Partition(%q) -want +got:\n%s", tt.names, diff)
		}
	}
}
