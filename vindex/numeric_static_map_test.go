package vindex

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

func TestNumericStaticMapLooksUpThenFallsBack(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "map.json"), []byte(`{"1": 2, "3": 4, "5": 6, "7": 8, "9": 10}`), 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile := mustNew(t, "numeric_static_map", map[string]string{"json_path": "map.json"}, Env{Dir: dir})
	got := mapValues(t, fromFile, nil, int64(1), int64(2), "3", int64(-1), nil, "x")
	want := []key.Destination{
		ksid("0000000000000002"),
		ksid("0000000000000002"), // not in the table: numeric
		ksid("0000000000000004"),
		key.DestinationNone{},
		key.DestinationNone{},
		key.DestinationNone{},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("json_path Map (-want +got):\n%s", diff)
	}

	withFallback := mustNew(t, "numeric_static_map", map[string]string{"json": `{"1": 2}`, "fallback_type": "hash"}, Env{})
	got = mapValues(t, withFallback, nil, int64(1), int64(2))
	want = []key.Destination{ksid("0000000000000002"), ksid("06e7ea22ce92708f")} // hash(2)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fallback Map (-want +got):\n%s", diff)
	}

	abs := mustNew(t, "numeric_static_map", map[string]string{"json_path": filepath.Join(dir, "map.json")}, Env{Dir: "/nonexistent"})
	if diff := cmp.Diff([]key.Destination{ksid("000000000000000a")}, mapValues(t, abs, nil, uint64(9))); diff != "" {
		t.Errorf("absolute json_path Map (-want +got):\n%s", diff)
	}
}
