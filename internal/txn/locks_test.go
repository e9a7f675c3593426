package txn

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dot-do/vitessdo/shard"
)

func lockShards(n int) []*shard.Shard {
	out := make([]*shard.Shard, n)
	for i := range out {
		out[i] = &shard.Shard{Keyspace: "ks", Name: string(rune('a' + i)), Backend: &shard.Backend{}}
	}
	return out
}

func TestWriteLocksRefuseAWaitForALockTheTransactionHolds(t *testing.T) {
	var w writeLocks
	s := lockShards(1)
	a := &Transaction{}
	if err := w.wait(context.Background(), a, s[0]); err != nil {
		t.Fatal(err)
	}
	err := w.wait(context.Background(), a, s[0])
	if !errors.Is(err, ErrDeadlock) {
		t.Fatalf("second wait of the holder: %v, want ErrDeadlock", err)
	}
}

func TestWriteLocksRefuseAWaitThatClosesACycle(t *testing.T) {
	var w writeLocks
	s := lockShards(2)
	a, b := &Transaction{}, &Transaction{}
	ctx := context.Background()
	if err := w.wait(ctx, a, s[0]); err != nil {
		t.Fatal(err)
	}
	if err := w.wait(ctx, b, s[1]); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.wait(ctx, a, s[1]) }()
	// b's wait for a's shard closes the cycle once a is waiting.
	deadline := time.Now().Add(10 * time.Second)
	for {
		w.mu.Lock()
		_, waiting := w.waiting[a]
		w.mu.Unlock()
		if waiting || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := w.wait(ctx, b, s[0]); !errors.Is(err, ErrDeadlock) {
		t.Fatalf("wait closing a cycle: %v, want ErrDeadlock", err)
	}
	w.release(b, s[1].Backend)
	if err := <-done; err != nil {
		t.Fatalf("a's wait after b released: %v", err)
	}
}

func TestWriteLocksWaitEndsWithTheContext(t *testing.T) {
	var w writeLocks
	s := lockShards(1)
	a, b := &Transaction{}, &Transaction{}
	if err := w.wait(context.Background(), a, s[0]); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.wait(ctx, b, s[0]); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait under a cancelled context: %v, want context.Canceled", err)
	}
}
