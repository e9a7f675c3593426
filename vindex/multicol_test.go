package vindex

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

// The values of Vitess's TestMultiColMap: three hash columns of 3, 3 and
// 2 bytes, full rows, prefixes and unmappable values.
func TestMultiColMatchesVitess(t *testing.T) {
	v := mustNew(t, "multicol", map[string]string{"column_count": "3"}, Env{}).(MultiColumn)
	got, err := v.Map(t.Context(), nil, [][]any{
		{int64(1), int64(1), int64(1)},
		{int64(255), int64(1), int64(1)},
		{int64(256), int64(1), int64(1)},
		{int64(1)},
		{int64(1), int64(1)},
		{[]byte("abcd"), int64(256), int64(256)},
		{int64(256), int64(256), []byte("abcd")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []key.Destination{
		ksid("166b40166b40166b"),
		ksid("254e88166b40166b"),
		ksid("dd7c0b166b40166b"),
		key.DestinationKeyRange{Start: unhex("166b40"), End: unhex("166b41")},
		key.DestinationKeyRange{Start: unhex("166b40166b40"), End: unhex("166b40166b41")},
		key.DestinationNone{},
		key.DestinationNone{},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
	if !v.PartialVindex() {
		t.Error("PartialVindex() = false")
	}
}

func TestMultiColSplitsBytesAndVindexesPerColumn(t *testing.T) {
	v := mustNew(t, "multicol", map[string]string{
		"column_count":  "3",
		"column_bytes":  "1,,4",
		"column_vindex": "numeric,binary,",
	}, Env{}).(MultiColumn)
	got, err := v.Map(t.Context(), nil, [][]any{{int64(0x0102), "ab", int64(1)}, {int64(5), "a"}})
	if err != nil {
		t.Fatal(err)
	}
	// numeric(0x0102) is 0000000000000102: its first byte is 00. binary("ab")
	// gives 2 of its 3 bytes, padded with a zero; hash(1) gives 4 bytes.
	want := []key.Destination{
		ksid("00616200166b40b4"),
		key.DestinationKeyRange{Start: unhex("0061"), End: unhex("0062")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
	ok, err := v.Verify(t.Context(), nil, [][]any{{int64(0x0102), "ab", int64(1)}}, [][]byte{unhex("00616200166b40b4")})
	if err != nil || !cmp.Equal([]bool{true}, ok) {
		t.Errorf("Verify = %v, %v", ok, err)
	}
	if _, err := v.Map(t.Context(), nil, [][]any{{1, 2, 3, 4}}); err == nil {
		t.Error("Map of a row wider than column_count gave no error")
	}
}

func TestKeyRangeFromPrefixCarries(t *testing.T) {
	for _, tt := range []struct {
		prefix     string
		start, end string
	}{
		{"01", "01", "02"},
		{"01ff", "01ff", "02"},
		{"ff", "ff", ""},
	} {
		got := keyRangeFromPrefix(unhex(tt.prefix)).(key.DestinationKeyRange)
		var end []byte
		if tt.end != "" {
			end = unhex(tt.end)
		}
		if key.Compare(got.Start, unhex(tt.start)) != 0 || key.Compare(got.End, end) != 0 {
			t.Errorf("keyRangeFromPrefix(%s) = %x-%x, want %s-%s", tt.prefix, got.Start, got.End, tt.start, tt.end)
		}
	}
}
