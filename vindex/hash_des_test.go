package vindex

import (
	"crypto/des"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// TestDESZeroIsCryptoDES compares the hash vindex's DES with crypto/des
// under the all-zero key, encrypting and decrypting: the edges, every
// single bit, and random blocks.
func TestDESZeroIsCryptoDES(t *testing.T) {
	c, err := des.NewCipher(make([]byte, 8))
	if err != nil {
		t.Fatal(err)
	}
	blocks := []uint64{0, 1, 2, 3, 100, 1 << 63, math.MaxUint64, math.MaxInt64, 0x0123456789abcdef}
	for i := range 64 {
		blocks = append(blocks, 1<<i, ^uint64(1<<i))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		blocks = append(blocks, rng.Uint64())
	}
	var in, want, back [8]byte
	for _, b := range blocks {
		binary.BigEndian.PutUint64(in[:], b)
		c.Encrypt(want[:], in[:])
		if got := desZero(b); got != binary.BigEndian.Uint64(want[:]) {
			t.Fatalf("desZero(%#x) = %#x, crypto/des %x", b, got, want)
		}
		c.Decrypt(back[:], in[:])
		if got := desZero(b); got != binary.BigEndian.Uint64(back[:]) {
			t.Fatalf("decrypting %#x: desZero %#x, crypto/des %x", b, got, back)
		}
	}
}

var desSink uint64

func BenchmarkDESZero(b *testing.B) {
	for i := range b.N {
		desSink ^= desZero(uint64(i))
	}
}

func BenchmarkCryptoDES(b *testing.B) {
	c, _ := des.NewCipher(make([]byte, 8))
	var buf [8]byte
	for i := range b.N {
		binary.BigEndian.PutUint64(buf[:], uint64(i))
		c.Encrypt(buf[:], buf[:])
	}
}

// The hash vindex's keyspace id of a value costs no allocation: the
// block no longer escapes through crypto/des's cipher.Block.
func TestHashKeyspaceID8AllocatesNothing(t *testing.T) {
	h := &Hash{name: "hash"}
	var v any = int64(12345)
	var id [8]byte
	allocs := testing.AllocsPerRun(100, func() {
		id, _, _ = h.KeyspaceID8(v)
	})
	if allocs != 0 {
		t.Errorf("KeyspaceID8 allocates %v times", allocs)
	}
	if want := HashUint64(12345); string(id[:]) != string(want) {
		t.Errorf("KeyspaceID8 %x, HashUint64 %x", id, want)
	}
}
