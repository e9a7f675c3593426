package vindex

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/key"
)

func mustNew(t testing.TB, typ string, params map[string]string, env Env) Vindex {
	t.Helper()
	v, err := New(typ+"_vdx", typ, params, env)
	if err != nil {
		t.Fatalf("New(%s): %v", typ, err)
	}
	return v
}

// mapValues maps values through a single-column vindex.
func mapValues(t testing.TB, v Vindex, c Cursor, values ...any) []key.Destination {
	t.Helper()
	sc, ok := v.(SingleColumn)
	if !ok {
		t.Fatalf("%s is not a SingleColumn vindex", v)
	}
	out, err := sc.Map(context.Background(), c, values)
	if err != nil {
		t.Fatalf("%s.Map(%v): %v", v, values, err)
	}
	return out
}

// ksid is a keyspace id destination from hex.
func ksid(h string) key.DestinationKeyspaceID {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	return key.DestinationKeyspaceID(b)
}

func unhex(h string) []byte {
	return []byte(ksid(h))
}

func asError(err error, target **Error) bool {
	return errors.As(err, target)
}
