package vindex

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

// Strings a case- and accent-insensitive collation holds equal land
// together; strings it tells apart do not.
func TestUnicodeLooseGroupsCollationEqualStrings(t *testing.T) {
	groups := [][]any{
		{"Test", "TEST", "test", "Tést", "TÉST", "Te\u0301st", "Test ", "Test   ", []byte("tEsT")},
		{"Straße", "STRASSE", "strasse"},
		{"café", "CAFE", "Cafe"},
		{"Ångström", "angstrom"},
	}
	for _, typ := range []string{"unicode_loose_md5", "unicode_loose_xxhash"} {
		v := mustNew(t, typ, nil, Env{})
		var firsts []key.Destination
		for _, g := range groups {
			got := mapValues(t, v, nil, g...)
			for i := range got {
				if diff := cmp.Diff(got[0], got[i]); diff != "" {
					t.Errorf("%s: %q and %q land apart:\n%s", typ, g[0], g[i], diff)
				}
			}
			firsts = append(firsts, got[0])
		}
		for i := range firsts {
			for j := i + 1; j < len(firsts); j++ {
				if cmp.Equal(firsts[i], firsts[j]) {
					t.Errorf("%s: %q and %q land together", typ, groups[i][0], groups[j][0])
				}
			}
		}
		apart := mapValues(t, v, nil, "Test", " Test", "Test\t", "Tests")
		for i := 1; i < len(apart); i++ {
			if cmp.Equal(apart[0], apart[i]) {
				t.Errorf("%s: \"Test\" and value %d land together", typ, i)
			}
		}
	}
}

// Vitess keeps golden keyspace ids of Wikipedia paragraphs in many scripts
// (go/vt/vtgate/vindexes/testdata/unicode_hash_golden.json); a few of them
// pin the collation keys of golang.org/x/text to Vitess's.
func TestUnicodeLooseMatchesVitessGoldenHashes(t *testing.T) {
	data, err := os.ReadFile("testdata/unicode_hash_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden []struct{ Input, XXHash, MD5 []byte }
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	md5v := mustNew(t, "unicode_loose_md5", nil, Env{}).(Hashing)
	xxv := mustNew(t, "unicode_loose_xxhash", nil, Env{}).(Hashing)
	for i, g := range golden {
		gotMD5, err := md5v.Hash(string(g.Input))
		if err != nil {
			t.Fatal(err)
		}
		gotXX, err := xxv.Hash(g.Input)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(g.MD5, gotMD5); diff != "" {
			t.Errorf("golden %d: unicode_loose_md5 (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(g.XXHash, gotXX); diff != "" {
			t.Errorf("golden %d: unicode_loose_xxhash (-want +got):\n%s", i, diff)
		}
	}
}

func TestUnicodeLooseIsSafeForConcurrentUse(t *testing.T) {
	v := mustNew(t, "unicode_loose_md5", nil, Env{}).(Hashing)
	want, _ := v.Hash("Concurrent Ünïcode")
	done := make(chan []byte)
	for range 8 {
		go func() {
			var last []byte
			for range 200 {
				last, _ = v.Hash("concurrent unicode")
			}
			done <- last
		}()
	}
	for range 8 {
		if got := <-done; !cmp.Equal(want, got) {
			t.Errorf("concurrent Hash = %x, want %x", got, want)
		}
	}
}
