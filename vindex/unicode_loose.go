package vindex

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn = (*UnicodeLooseMD5)(nil)
	_ Hashing      = (*UnicodeLooseMD5)(nil)
	_ SingleColumn = (*UnicodeLooseXXHash)(nil)
	_ Hashing      = (*UnicodeLooseXXHash)(nil)
)

// UnicodeLooseMD5 is Vitess's "unicode_loose_md5" vindex: strings that a
// case- and accent-insensitive collation holds equal share a keyspace id.
// The value's SQL text (see XXHash; NULL is empty) must be valid UTF-8; its
// trailing spaces are removed (MySQL's PAD SPACE comparison ignores them);
// the rest becomes its collation key under golang.org/x/text/collate for
// English at the Loose strength (UCA level 1: base letters only, so "Test",
// "TEST", "Tést", "Te\u0301st" and "Test " give one key, while " Test" and
// "Test\t" do not); the keyspace id is the 16-byte MD5 digest of that key.
// Invalid UTF-8 is an error.
//
// Cost 1, unique, not reversible.
type UnicodeLooseMD5 struct {
	name  string
	loose looseCollator
}

// UnicodeLooseXXHash is Vitess's "unicode_loose_xxhash" vindex: the
// collation key of UnicodeLooseMD5, hashed with XXH64 and written as 8
// little-endian bytes, as Vitess writes it.
//
// Cost 1, unique, not reversible.
type UnicodeLooseXXHash struct {
	name  string
	loose looseCollator
}

func newUnicodeLooseMD5(name string, _ paramSet, _ Env) (Vindex, error) {
	return &UnicodeLooseMD5{name: name}, nil
}

func newUnicodeLooseXXHash(name string, _ paramSet, _ Env) (Vindex, error) {
	return &UnicodeLooseXXHash{name: name}, nil
}

// String returns the vindex's name.
func (u *UnicodeLooseMD5) String() string { return u.name }

// Cost returns 1.
func (*UnicodeLooseMD5) Cost() int { return 1 }

// IsUnique returns true.
func (*UnicodeLooseMD5) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*UnicodeLooseMD5) NeedsCursor() bool { return false }

// Hash returns the MD5 digest of v's loose collation key.
func (u *UnicodeLooseMD5) Hash(v any) ([]byte, error) {
	cb := u.loose.get()
	defer u.loose.put(cb)
	k, err := cb.key(v)
	if err != nil {
		return nil, wrapError(u.name, "unicode_loose_md5", err)
	}
	sum := md5.Sum(k)
	return sum[:], nil
}

// Map returns the keyspace id of each value.
func (u *UnicodeLooseMD5) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	cb := u.loose.get()
	defer u.loose.put(cb)
	out, ids := destinations(len(values), md5.Size)
	for i, v := range values {
		k, err := cb.key(v)
		if err != nil {
			return nil, wrapError(u.name, "unicode_loose_md5", err)
		}
		sum := md5.Sum(k)
		id := ids[md5.Size*i : md5.Size*(i+1) : md5.Size*(i+1)]
		copy(id, sum[:])
		out[i] = key.DestinationKeyspaceID(id)
	}
	return out, nil
}

// Verify reports whether each value maps to its keyspace id.
func (u *UnicodeLooseMD5) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(u, u.name, "unicode_loose_md5", values, ksids)
}

// String returns the vindex's name.
func (u *UnicodeLooseXXHash) String() string { return u.name }

// Cost returns 1.
func (*UnicodeLooseXXHash) Cost() int { return 1 }

// IsUnique returns true.
func (*UnicodeLooseXXHash) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*UnicodeLooseXXHash) NeedsCursor() bool { return false }

// Hash returns the XXH64 of v's loose collation key.
func (u *UnicodeLooseXXHash) Hash(v any) ([]byte, error) {
	cb := u.loose.get()
	defer u.loose.put(cb)
	k, err := cb.key(v)
	if err != nil {
		return nil, wrapError(u.name, "unicode_loose_xxhash", err)
	}
	return binary.LittleEndian.AppendUint64(make([]byte, 0, 8), xxhash.Sum64(k)), nil
}

// Map returns the keyspace id of each value.
func (u *UnicodeLooseXXHash) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	cb := u.loose.get()
	defer u.loose.put(cb)
	out, ids := destinations(len(values), 8)
	for i, v := range values {
		k, err := cb.key(v)
		if err != nil {
			return nil, wrapError(u.name, "unicode_loose_xxhash", err)
		}
		id := ids[8*i : 8*i+8 : 8*i+8]
		binary.LittleEndian.PutUint64(id, xxhash.Sum64(k))
		out[i] = key.DestinationKeyspaceID(id)
	}
	return out, nil
}

// Verify reports whether each value maps to its keyspace id.
func (u *UnicodeLooseXXHash) Verify(_ context.Context, _ Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return verifyByHash(u, u.name, "unicode_loose_xxhash", values, ksids)
}

// looseCollator computes loose collation keys. A collate.Collator and its
// Buffer cannot be used concurrently, so each caller borrows a pair from a
// pool; the zero value is ready to use.
type looseCollator struct {
	pool sync.Pool
}

func (l *looseCollator) get() *collatorBuffer {
	if cb, ok := l.pool.Get().(*collatorBuffer); ok {
		return cb
	}
	return &collatorBuffer{col: collate.New(language.English, collate.Loose)}
}

func (l *looseCollator) put(cb *collatorBuffer) { l.pool.Put(cb) }

// collatorBuffer is a collator with the buffers it reuses.
type collatorBuffer struct {
	col  *collate.Collator
	buf  collate.Buffer
	text []byte
}

// key returns the loose collation key of v's SQL text minus trailing
// spaces. The key is valid until the next call.
func (cb *collatorBuffer) key(v any) ([]byte, error) {
	text, err := sqlText(cb.text, v)
	if err != nil {
		return nil, err
	}
	if _, isBytes := v.([]byte); !isBytes {
		cb.text = text[:0]
	}
	// The collator may loop on invalid UTF-8: refuse it, as Vitess does.
	if !utf8.Valid(text) {
		return nil, fmt.Errorf("cannot normalize string containing invalid UTF-8: %q", text)
	}
	text = bytes.TrimRight(text, " ")
	cb.buf.Reset()
	return cb.col.Key(&cb.buf, text), nil
}
