package txn

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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

// queued waits until t is in the queue of a lock.
func queued(t *testing.T, w *writeLocks, tx *Transaction) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		w.mu.Lock()
		_, ok := w.waiting[tx]
		w.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the waiter never queued")
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func TestWriteLocksHandTheLockToWaitersInTheOrderTheyCame(t *testing.T) {
	var w writeLocks
	s := lockShards(1)
	holder := &Transaction{}
	if err := w.wait(context.Background(), holder, s[0]); err != nil {
		t.Fatal(err)
	}
	const n = 8
	waiters := make([]*Transaction, n)
	got := make(chan int, n)
	for i := range waiters {
		waiters[i] = &Transaction{}
		go func() {
			if err := w.wait(context.Background(), waiters[i], s[0]); err != nil {
				t.Error(err)
			}
			got <- i
		}()
		queued(t, &w, waiters[i])
	}
	w.release(holder, s[0].Backend)
	for want := 0; want < n; want++ {
		i := <-got
		if i != want {
			t.Fatalf("waiter %d took the lock, want waiter %d (first come, first served)", i, want)
		}
		if !w.holds(waiters[i], s[0].Backend) {
			t.Fatalf("waiter %d returned without holding the lock", i)
		}
		// A newcomer arriving while waiters queue does not overtake them.
		if want == 2 {
			late := &Transaction{}
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			if err := w.wait(ctx, late, s[0]); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("a newcomer's wait: %v, want it queued until its deadline", err)
			}
			cancel()
		}
		w.release(waiters[i], s[0].Backend)
	}
	if w.locks[s[0].Backend].holder != nil || len(w.locks[s[0].Backend].queue) != 0 {
		t.Errorf("lock after every release: %+v, want free with no waiter", w.locks[s[0].Backend])
	}
}

func TestWriteLocksCancelledWaiterLeavesTheQueue(t *testing.T) {
	var w writeLocks
	s := lockShards(1)
	a, b, c := &Transaction{}, &Transaction{}, &Transaction{}
	if err := w.wait(context.Background(), a, s[0]); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	bDone := make(chan error, 1)
	go func() { bDone <- w.wait(ctx, b, s[0]) }()
	queued(t, &w, b)
	cDone := make(chan error, 1)
	go func() { cDone <- w.wait(context.Background(), c, s[0]) }()
	queued(t, &w, c)
	cancel()
	if err := <-bDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v, want context.Canceled", err)
	}
	w.mu.Lock()
	_, stillWaiting := w.waiting[b]
	w.mu.Unlock()
	if stillWaiting {
		t.Error("the cancelled waiter is still recorded as waiting")
	}
	w.release(a, s[0].Backend)
	if err := <-cDone; err != nil {
		t.Fatal(err)
	}
	if !w.holds(c, s[0].Backend) {
		t.Error("the lock skipped the cancelled waiter but did not reach the next one")
	}
	w.release(c, s[0].Backend)
	if w.holds(b, s[0].Backend) {
		t.Error("the cancelled waiter holds the lock")
	}
}

// TestWriteLocksLoseNoHandOff has many goroutines take and release one
// lock, some giving up their waits at random moments (also at the instant
// the lock is handed to them): one holder at a time, every wait that
// succeeded holds the lock, and at the end the lock is free.
func TestWriteLocksLoseNoHandOff(t *testing.T) {
	var w writeLocks
	s := lockShards(1)
	var inside, took, gaveUp atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				tx := &Transaction{}
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if (g+i)%3 == 0 {
					ctx, cancel = context.WithTimeout(context.Background(), time.Duration((g*7+i)%50)*time.Microsecond)
				}
				err := w.wait(ctx, tx, s[0])
				cancel()
				if err != nil {
					gaveUp.Add(1)
					if w.holds(tx, s[0].Backend) {
						t.Error("a wait that failed left its transaction holding the lock")
					}
					continue
				}
				if n := inside.Add(1); n != 1 {
					t.Errorf("%d holders at once", n)
				}
				took.Add(1)
				inside.Add(-1)
				w.release(tx, s[0].Backend)
			}
		}()
	}
	wg.Wait()
	l := w.locks[s[0].Backend]
	if l.holder != nil || len(l.queue) != 0 || len(w.waiting) != 0 {
		t.Errorf("after every goroutine: holder %v, %d queued, %d waiting; want a free lock", l.holder, len(l.queue), len(w.waiting))
	}
	if took.Load()+gaveUp.Load() != 32*200 || took.Load() == 0 {
		t.Errorf("%d took the lock, %d gave up", took.Load(), gaveUp.Load())
	}
}

func TestLockOrderIsByKeyspaceThenShard(t *testing.T) {
	shards := []*shard.Shard{
		{Keyspace: "main", Name: "0"},
		{Keyspace: "app", Name: "80-"},
		{Keyspace: "app", Name: "-80"},
	}
	var got []string
	for _, i := range sortByLockOrder(shards) {
		got = append(got, shards[i].Keyspace+"/"+shards[i].Name)
	}
	want := []string{"app/-80", "app/80-", "main/0"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lock order %v, want %v", got, want)
	}
}
