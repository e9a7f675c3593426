package vindex

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

// Keyspace ids Vitess computes, taken from Vitess's own vindex tests and
// documentation (go/vt/vtgate/vindexes/*_test.go, the Vindexes reference),
// plus the values this package must match by its contract. A vitessdo
// keyspace must put every row where Vitess would.
func TestMapMatchesVitessKeyspaceIDs(t *testing.T) {
	none := key.DestinationNone{}
	tests := []struct {
		typ   string
		value any
		want  key.Destination
	}{
		// hash: DES of the big-endian uint64 under the all-zero key.
		{"hash", int64(1), ksid("166b40b44aba4bd6")},
		{"hash", int64(2), ksid("06e7ea22ce92708f")},
		{"hash", int64(3), ksid("4eb190c9a2fa169c")},
		{"hash", int64(4), ksid("d2fd8867d50d2dfe")},
		{"hash", int64(5), ksid("70bb023c810ca87a")},
		{"hash", int64(6), ksid("f098480ac4c4be71")},
		{"hash", int64(0), ksid("8ca64de9c1b123a7")},
		{"hash", int64(11), ksid("aefc44491cfe474c")},
		{"hash", int64(-1), ksid("355550b2150e2451")},
		{"hash", uint64(18446744073709551615), ksid("355550b2150e2451")},
		{"hash", int64(9223372036854775807), ksid("f77d48aadda1f1bb")},
		{"hash", uint64(9223372036854775807), ksid("f77d48aadda1f1bb")},
		{"hash", int64(-9223372036854775808), ksid("95f8a5e5dd31d900")},
		{"hash", uint64(0x100000000000000), ksid("0d9f279ba5d87260")},
		{"hash", uint64(0x800000000000000), ksid("20b9e767b2fb1456")},
		{"hash", int64(29999), ksid("fcd63e56d3374d88")},
		{"hash", int64(397), ksid("5584fa738baaf516")},
		{"hash", "1", ksid("166b40b44aba4bd6")},
		{"hash", []byte("1"), ksid("166b40b44aba4bd6")},
		{"hash", 1.0, ksid("166b40b44aba4bd6")},
		{"hash", true, ksid("166b40b44aba4bd6")},
		{"hash", nil, none},
		{"hash", "aa", none},
		{"hash", "-1", none},
		{"hash", 1.5, none},
		// xxhash: XXH64 of the value's SQL text, little-endian.
		{"xxhash", "test1", ksid("d01ab7e4d6978f0b")},
		{"xxhash", "test2", ksid("87eb11714c0a0e89")},
		{"xxhash", "testaverylongvaluetomakesurethisworks", ksid("81d8c38e0d850e6a")},
		{"xxhash", int64(1), ksid("d46405367612b4b7")},
		{"xxhash", "1", ksid("d46405367612b4b7")},
		{"xxhash", nil, ksid("99e9d85137db46ef")},
		{"xxhash", int64(-1), ksid("d8e2a6a7c8c7623d")},
		{"xxhash", uint64(18446744073709551615), ksid("477cfa8d6d8f1f8d")},
		{"xxhash", int64(9223372036854775807), ksid("b37eb01f7bffafd8")},
		{"xxhash", uint64(9223372036854775807), ksid("b37eb01f7bffafd8")},
		{"xxhash", int64(-9223372036854775808), ksid("102c27ddb26a609e")},
		// binary_md5: MD5 of the bytes.
		{"binary_md5", "abc", ksid("900150983cd24fb0d6963f7d28e17f72")},
		{"binary_md5", "Test", ksid("0cbc6611f5540bd0809a388dc95a615b")},
		{"binary_md5", "TEST", ksid("033bd94b1168d7e4f0d644c3c95e35bf")},
		{"binary_md5", "heythere", ksid("d9e62c0ad204fe91658ecc758049e515")},
		{"binary_md5", nil, ksid("d41d8cd98f00b204e9800998ecf8427e")},
		// binary: the bytes themselves.
		{"binary", []byte("\x01\x02"), ksid("0102")},
		{"binary", "abc", ksid("616263")},
		{"binary", int64(12), ksid("3132")},
		{"binary", nil, key.DestinationKeyspaceID{}},
		// numeric: the big-endian uint64.
		{"numeric", int64(1), ksid("0000000000000001")},
		{"numeric", uint64(0xff00000000000000), ksid("ff00000000000000")},
		{"numeric", "256", ksid("0000000000000100")},
		{"numeric", int64(-1), none},
		{"numeric", nil, none},
		// reverse_bits: the bits reversed.
		{"reverse_bits", int64(1), ksid("8000000000000000")},
		{"reverse_bits", int64(2), ksid("4000000000000000")},
		{"reverse_bits", int64(3), ksid("c000000000000000")},
		{"reverse_bits", int64(4), ksid("2000000000000000")},
		{"reverse_bits", int64(5), ksid("a000000000000000")},
		{"reverse_bits", int64(6), ksid("6000000000000000")},
		{"reverse_bits", nil, none},
		// null: always 0x00.
		{"null", int64(7), ksid("00")},
		{"null", nil, ksid("00")},
		// unicode_loose_md5 and unicode_loose_xxhash.
		{"unicode_loose_md5", "Test", ksid("0b5edbb401fd7524393690491d64f1f5")},
		{"unicode_loose_md5", "TEST", ksid("0b5edbb401fd7524393690491d64f1f5")},
		{"unicode_loose_md5", "Te\u0301st", ksid("0b5edbb401fd7524393690491d64f1f5")},
		{"unicode_loose_md5", "Tést", ksid("0b5edbb401fd7524393690491d64f1f5")},
		{"unicode_loose_md5", "Test ", ksid("0b5edbb401fd7524393690491d64f1f5")},
		{"unicode_loose_md5", "Bést", ksid("c2b2332e4f73d00741026249706f2fb6")},
		{"unicode_loose_md5", " Test", ksid("a2e3515c7e8df1ffd2ccfc11c6b19dd1")},
		{"unicode_loose_md5", "Test\t", ksid("82456dd87a9c7a02b1c2056b5abaa272")},
		{"unicode_loose_md5", "TéstLooong", ksid("9683e12b80430cd453f5dfdfba81c9a5")},
		{"unicode_loose_md5", "T", ksid("ac0f9179f51db87fe8ecc0cf40cab97a")},
		{"unicode_loose_xxhash", "Test", ksid("42d21361087a4c07")},
		{"unicode_loose_xxhash", "TEst", ksid("42d21361087a4c07")},
		{"unicode_loose_xxhash", "Te\u0301st", ksid("42d21361087a4c07")},
		{"unicode_loose_xxhash", "Tést", ksid("42d21361087a4c07")},
		{"unicode_loose_xxhash", "Bést", ksid("926975b9ce2ec316")},
		{"unicode_loose_xxhash", "Test ", ksid("42d21361087a4c07")},
		{"unicode_loose_xxhash", " Test", ksid("4fcb8be34ec05775")},
		{"unicode_loose_xxhash", "Test\t", ksid("20af87fc36e3fd51")},
		{"unicode_loose_xxhash", "TéstLooong", ksid("d3ea873942b484a7")},
		{"unicode_loose_xxhash", "T", ksid("f81c3be2d501fe18")},
		{"unicode_loose_xxhash", nil, ksid("99e9d85137db46ef")},
	}
	for _, tt := range tests {
		v := mustNew(t, tt.typ, nil, Env{})
		got := mapValues(t, v, nil, tt.value)
		if diff := cmp.Diff([]key.Destination{tt.want}, got); diff != "" {
			t.Errorf("%s(%#v) (-want +got):\n%s", tt.typ, tt.value, diff)
		}
	}
}

// The contract's routing examples: with shards -80 and 80-, hash(1) and
// hash(1000) belong to -80; hash(0), hash(4) and hash(100) to 80-.
func TestHashRoutesToVitessShards(t *testing.T) {
	lo, _ := key.ParseKeyRange("-80")
	hi, _ := key.ParseKeyRange("80-")
	h := mustNew(t, "hash", nil, Env{})
	for _, tt := range []struct {
		id   int64
		want key.KeyRange
	}{{1, lo}, {1000, lo}, {0, hi}, {4, hi}, {100, hi}} {
		id := mapValues(t, h, nil, tt.id)[0].(key.DestinationKeyspaceID)
		if !tt.want.Contains(id) {
			t.Errorf("hash(%d) = %x, not in %s", tt.id, []byte(id), tt.want)
		}
	}
}

func TestHashReverseMapInvertsMap(t *testing.T) {
	h := mustNew(t, "hash", nil, Env{}).(Reversible)
	got, err := h.ReverseMap(nil, [][]byte{unhex("166b40b44aba4bd6"), unhex("355550b2150e2451"), unhex("95f8a5e5dd31d900")})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{uint64(1), uint64(18446744073709551615), uint64(9223372036854775808)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReverseMap (-want +got):\n%s", diff)
	}
	_, err = h.ReverseMap(nil, [][]byte{unhex("166b40b44aba4bd6166b40b44aba4bd6")})
	if want := `vindex "hash_vdx": hash: invalid keyspace id: 166b40b44aba4bd6166b40b44aba4bd6 (a hash keyspace id is 8 bytes)`; err == nil || err.Error() != want {
		t.Errorf("ReverseMap(16 bytes) error = %v, want %s", err, want)
	}
}

func TestReversibleVindexesRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		typ   string
		value any
		want  any
	}{
		{"hash", int64(42), uint64(42)},
		{"numeric", int64(42), uint64(42)},
		{"reverse_bits", int64(42), uint64(42)},
		{"binary", []byte("abc"), []byte("abc")},
	} {
		v := mustNew(t, tt.typ, nil, Env{}).(Reversible)
		id := mapValues(t, v, nil, tt.value)[0].(key.DestinationKeyspaceID)
		got, err := v.ReverseMap(nil, [][]byte{id})
		if err != nil {
			t.Fatalf("%s.ReverseMap: %v", tt.typ, err)
		}
		if diff := cmp.Diff([]any{tt.want}, got); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", tt.typ, diff)
		}
	}
}

func TestHashUint64AndUnhashKeyspaceIDInvertEachOther(t *testing.T) {
	for _, n := range []uint64{0, 1, 42, 1 << 63, 18446744073709551615} {
		back, err := UnhashKeyspaceID(HashUint64(n))
		if err != nil || back != n {
			t.Errorf("UnhashKeyspaceID(HashUint64(%d)) = %d, %v", n, back, err)
		}
	}
}

func TestVerifyAgreesWithMap(t *testing.T) {
	ctx := t.Context()
	for _, typ := range []string{"hash", "xxhash", "binary", "binary_md5", "numeric", "reverse_bits", "unicode_loose_md5", "unicode_loose_xxhash", "null"} {
		v := mustNew(t, typ, nil, Env{}).(SingleColumn)
		got, err := v.Verify(ctx, nil, []any{int64(7), int64(8)}, [][]byte{
			[]byte(mapValues(t, v, nil, int64(7))[0].(key.DestinationKeyspaceID)),
			unhex("0102030405060708"),
		})
		if err != nil {
			t.Fatalf("%s.Verify: %v", typ, err)
		}
		want := []bool{true, false}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s.Verify (-want +got):\n%s", typ, diff)
		}
	}
	_, err := mustNew(t, "hash", nil, Env{}).(SingleColumn).Verify(ctx, nil, []any{"aa"}, [][]byte{nil})
	if want := `vindex "hash_vdx": hash: "aa" is not an integer`; err == nil || err.Error() != want {
		t.Errorf("hash.Verify(aa) error = %v, want %s", err, want)
	}
}

func TestMapRejectsValuesOfNoSQLType(t *testing.T) {
	for _, typ := range []string{"hash", "xxhash", "binary", "binary_md5", "numeric", "reverse_bits", "unicode_loose_md5", "unicode_loose_xxhash"} {
		v := mustNew(t, typ, nil, Env{}).(SingleColumn)
		_, err := v.Map(t.Context(), nil, []any{struct{}{}})
		want := `vindex "` + typ + `_vdx": ` + typ + `: cannot map a value of Go type struct {}`
		if err == nil || err.Error() != want {
			t.Errorf("%s.Map(struct{}) error = %v, want %s", typ, err, want)
		}
	}
	// A DATETIME has no number, so hash refuses it; xxhash hashes its text.
	if _, err := mustNew(t, "hash", nil, Env{}).(SingleColumn).Map(t.Context(), nil, []any{time.Unix(0, 0)}); err == nil {
		t.Error("hash.Map(time.Time) gave no error")
	}
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	got := mapValues(t, mustNew(t, "xxhash", nil, Env{}), nil, ts, "2024-01-02 03:04:05")
	if diff := cmp.Diff(got[1], got[0]); diff != "" {
		t.Errorf("xxhash(time) differs from xxhash of its DATETIME text:\n%s", diff)
	}
}

func TestUnicodeLooseRefusesInvalidUTF8(t *testing.T) {
	v := mustNew(t, "unicode_loose_md5", nil, Env{}).(SingleColumn)
	_, err := v.Map(t.Context(), nil, []any{"\x99\xeb\x9d\x18"})
	want := `vindex "unicode_loose_md5_vdx": unicode_loose_md5: cannot normalize string containing invalid UTF-8: "\x99\xeb\x9d\x18"`
	if err == nil || err.Error() != want {
		t.Errorf("Map(invalid UTF-8) error = %v, want %s", err, want)
	}
}
