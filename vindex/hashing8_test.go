package vindex

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

// KeyspaceID8, which routes point statements, must give what Map gives
// for every value: the same keyspace id, none where Map gives
// DestinationNone, and Map's error.
func TestKeyspaceID8AgreesWithMap(t *testing.T) {
	values := []any{
		int64(1), int64(0), int64(-1), int64(9223372036854775807), uint64(18446744073709551615),
		int(7), int32(-3), uint8(200), true, false, 2.0, 2.5, -4.0,
		"12", "-12", "abc", "", []byte("42"), []byte("x"), nil, time.Unix(0, 0),
	}
	for _, typ := range []string{"hash", "xxhash", "numeric"} {
		v := mustNew(t, typ, nil, Env{})
		h, ok := v.(Hashing8)
		if !ok {
			t.Fatalf("%s is not Hashing8", typ)
		}
		for _, val := range values {
			dests, mapErr := v.(SingleColumn).Map(context.Background(), nil, []any{val})
			id, isID, err := h.KeyspaceID8(val)
			if (err != nil) != (mapErr != nil) {
				t.Fatalf("%s %#v: KeyspaceID8 error %v, Map error %v", typ, val, err, mapErr)
			}
			if err != nil {
				if err.Error() != mapErr.Error() {
					t.Errorf("%s %#v: KeyspaceID8 error %q, Map error %q", typ, val, err, mapErr)
				}
				continue
			}
			var got key.Destination = key.DestinationNone{}
			if isID {
				got = key.DestinationKeyspaceID(id[:])
			}
			if diff := cmp.Diff(dests[0], got); diff != "" {
				t.Errorf("%s %#v: KeyspaceID8 against Map (-map +id8):\n%s", typ, val, diff)
			}
		}
	}
}
