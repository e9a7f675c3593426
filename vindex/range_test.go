package vindex

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

var rangeEnv = Env{Keyspace: "ks", Shards: []string{"-40", "40-80", "80-c0", "c0-"}}

func TestRangeMapsIntegersToTheirShard(t *testing.T) {
	v := mustNew(t, "range", map[string]string{"ranges": `[
		{"from": 1000, "to": 2000, "shard": "40-80"},
		{"to": 0, "shard": "-40"},
		{"from": 0, "to": 1000, "shard": "-40"},
		{"from": 5000, "shard": "c0-"}
	]`}, rangeEnv)
	got := mapValues(t, v, nil,
		int64(-5), int64(0), int64(999), int64(1000), uint64(1999), 1999.5, "1500", []byte("-1"),
		int64(5000), uint64(math.MaxUint64), math.Inf(1), nil, true)
	want := []key.Destination{
		key.DestinationShard("-40"), key.DestinationShard("-40"), key.DestinationShard("-40"),
		key.DestinationShard("40-80"), key.DestinationShard("40-80"), key.DestinationShard("40-80"),
		key.DestinationShard("40-80"), key.DestinationShard("-40"),
		key.DestinationShard("c0-"), key.DestinationShard("c0-"), key.DestinationShard("c0-"),
		key.DestinationNone{}, key.DestinationShard("-40"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		value any
		want  string
	}{
		{int64(2000), `vindex "range_vdx": range: value 2000 is in no range`},
		{int64(4999), `vindex "range_vdx": range: value 4999 is in no range`},
		{"abc", `vindex "range_vdx": range: "abc": not a number, and the ranges are of integers`},
	} {
		_, err := v.(SingleColumn).Map(t.Context(), nil, []any{tt.value})
		if err == nil || err.Error() != tt.want {
			t.Errorf("Map(%v) error = %v, want %s", tt.value, err, tt.want)
		}
	}
}

func TestRangeComparesStringBoundsAsBytes(t *testing.T) {
	v := mustNew(t, "range", map[string]string{"ranges": `[
		{"to": "g", "shard": "-40"},
		{"from": "g", "to": "n", "shard": "40-80"},
		{"from": "n", "shard": "80-c0"}
	]`}, rangeEnv)
	got := mapValues(t, v, nil, "apple", "g", "grape", "n", "zebra", "Zebra", int64(5))
	want := []key.Destination{
		key.DestinationShard("-40"), key.DestinationShard("40-80"), key.DestinationShard("40-80"),
		key.DestinationShard("80-c0"), key.DestinationShard("80-c0"),
		key.DestinationShard("-40"), // "Z" sorts before "g" in bytes
		key.DestinationShard("-40"), // the text "5"
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
}

func TestNewRejectsBadRanges(t *testing.T) {
	tests := []struct {
		ranges string
		want   string
	}{
		{`[{"from": 0, "to": 100, "shard": "-40"}, {"from": 50, "to": 200, "shard": "40-80"}]`,
			`vindex "r": range: ranges [0, 100) of shard "-40" and [50, 200) of shard "40-80" overlap`},
		{`[{"from": 0, "shard": "-40"}, {"from": 50, "to": 60, "shard": "40-80"}]`,
			`vindex "r": range: ranges [0, unbounded) of shard "-40" and [50, 60) of shard "40-80" overlap`},
		{`[{"to": 10, "shard": "-40"}, {"to": 5, "shard": "40-80"}]`,
			`vindex "r": range: ranges [unbounded, 10) of shard "-40" and [unbounded, 5) of shard "40-80" overlap`},
		{`[{"from": "a", "to": "m", "shard": "-40"}, {"from": "l", "shard": "40-80"}]`,
			`vindex "r": range: ranges ["a", "m") of shard "-40" and ["l", unbounded) of shard "40-80" overlap`},
		{`[{"from": 0, "to": 10, "shard": "-80"}]`,
			`vindex "r": range: range 0: shard "-80" is not a shard of keyspace "ks" (-40, 40-80, 80-c0, c0-)`},
		{`[{"from": 10, "to": 10, "shard": "-40"}]`,
			`vindex "r": range: range 0: "from" 10 is not below "to" 10`},
		{`[{"from": 0, "to": "z", "shard": "-40"}]`,
			`vindex "r": range: param "ranges" mixes integer and string bounds`},
		{`[{"from": 1.5, "shard": "-40"}]`,
			`vindex "r": range: range 0: "from": 1.5 is not a 64-bit integer or a string`},
		{`[{"from": 0}]`,
			`vindex "r": range: range 0 names no shard`},
		{`[{"shard": "-40"}] []`,
			`vindex "r": range: param "ranges" holds more than one JSON value`},
		{`[]`,
			`vindex "r": range: param "ranges" lists no range`},
		{`[{"form": 0, "shard": "-40"}]`,
			`vindex "r": range: param "ranges" must be a JSON list of {"from", "to", "shard"} objects: json: unknown field "form"`},
		{`{"from": 0}`,
			`vindex "r": range: param "ranges" must be a JSON list of {"from", "to", "shard"} objects: found a JSON object`},
		{`[{"from": 0, "shard": "-40"}`,
			`vindex "r": range: param "ranges" must be a JSON list of {"from", "to", "shard"} objects: unexpected EOF`},
	}
	for _, tt := range tests {
		_, err := New("r", "range", map[string]string{"ranges": tt.ranges}, rangeEnv)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ranges %s:\n got %v\nwant %s", tt.ranges, err, tt.want)
		}
	}
	if _, err := New("r", "range", nil, rangeEnv); err == nil || err.Error() != `vindex "r": range: missing param "ranges"` {
		t.Errorf("New without ranges: %v", err)
	}
}
