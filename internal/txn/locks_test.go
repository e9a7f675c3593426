package txn

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/shard"
)

func lockShards(n int) []*shard.Shard {
	out := make([]*shard.Shard, n)
	for i := range out {
		out[i] = &shard.Shard{Keyspace: "ks", Name: string(rune('a' + i)), Backend: &shard.Backend{}}
	}
	return out
}

func TestWriteLocksRefuseAWaitForALockTheOuterTransactionHolds(t *testing.T) {
	var w writeLocks
	s := lockShards(1)
	a := &Transaction{}
	if err := w.wait(context.Background(), a, s[0]); err != nil {
		t.Fatal(err)
	}
	if err := w.wait(context.Background(), a, s[0]); err != nil {
		t.Fatalf("the holder asking again: %v, want the lock it holds", err)
	}
	beside := &Transaction{outer: a}
	err := w.wait(context.Background(), beside, s[0])
	if !errors.Is(err, ErrDeadlock) {
		t.Fatalf("wait of a transaction beside the holder: %v, want ErrDeadlock", err)
	}
}

// TestWriteLocksGrantAStatementsLocksTogether: a request for two locks
// holds neither while one is taken, so a single-lock request for the
// free one that comes later is not held up by it.
func TestWriteLocksGrantAStatementsLocksTogether(t *testing.T) {
	var w writeLocks
	s := lockShards(2)
	a, multi, single := &Transaction{}, &Transaction{}, &Transaction{}
	ctx := context.Background()
	if err := w.wait(ctx, a, s[1]); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.acquire(ctx, multi, []*shard.Shard{s[1], s[0]}) }()
	queued(t, &w, multi)
	if w.holds(multi, s[0].Backend) {
		t.Fatal("the two-lock request holds one lock while it waits for the other")
	}
	// s[0] is free and unclaimed: a later request may have it now.
	if err := w.wait(ctx, single, s[0]); err != nil {
		t.Fatal(err)
	}
	w.release(a, s[1].Backend)
	// Now multi has claimed both: s[1] waits for it while single holds s[0].
	late := &Transaction{}
	lateCtx, cancel := context.WithTimeout(ctx, time.Millisecond)
	if err := w.wait(lateCtx, late, s[1]); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a later request for a lock an earlier one claimed: %v, want it to wait", err)
	}
	cancel()
	w.release(single, s[0].Backend)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !w.holds(multi, s[0].Backend) || !w.holds(multi, s[1].Backend) {
		t.Error("the two-lock request returned without both locks")
	}
}

// TestWriteLocksDetectACycleThroughAClaim: b waits behind c's claim on a
// free lock, c waits for a lock a holds, and a asks for one b holds.
func TestWriteLocksDetectACycleThroughAClaim(t *testing.T) {
	var w writeLocks
	s := lockShards(3)
	a, b, c, d := &Transaction{}, &Transaction{}, &Transaction{}, &Transaction{}
	ctx := context.Background()
	mustTake := func(tx *Transaction, sh *shard.Shard) {
		t.Helper()
		if err := w.wait(ctx, tx, sh); err != nil {
			t.Fatal(err)
		}
	}
	mustTake(a, s[0])
	mustTake(b, s[1])
	mustTake(d, s[2])
	// c wants s[0] (held by a) and s[2] (held by d): it claims both.
	cDone := make(chan error, 1)
	go func() { cDone <- w.acquire(ctx, c, []*shard.Shard{s[0], s[2]}) }()
	queued(t, &w, c)
	w.release(d, s[2].Backend) // s[2] is free, and claimed by c
	// b waits for s[2] behind c's claim.
	bDone := make(chan error, 1)
	go func() { bDone <- w.wait(ctx, b, s[2]) }()
	queued(t, &w, b)
	// a asks for s[1], which b holds: a → b → c → a.
	if err := w.wait(ctx, a, s[1]); !errors.Is(err, ErrDeadlock) {
		t.Fatalf("wait closing a cycle through a claim: %v, want ErrDeadlock", err)
	}
	w.release(a, s[0].Backend)
	if err := <-cDone; err != nil {
		t.Fatal(err)
	}
	w.release(c, s[0].Backend)
	w.release(c, s[2].Backend)
	if err := <-bDone; err != nil {
		t.Fatal(err)
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
		if w.isWaiting(a) || time.Now().After(deadline) {
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

// isWaiting reports whether tx has a request in the queue.
func (w *writeLocks) isWaiting(tx *Transaction) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.queue {
		if r.t == tx {
			return true
		}
	}
	return false
}

// queued waits until t is in the queue of a lock.
func queued(t *testing.T, w *writeLocks, tx *Transaction) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if w.isWaiting(tx) {
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
	if w.locks[s[0].Backend].holder != nil || len(w.queue) != 0 {
		t.Errorf("lock after every release: %+v, %d waiting; want free with no waiter", w.locks[s[0].Backend], len(w.queue))
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
	if w.isWaiting(b) {
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
	if l.holder != nil || len(w.queue) != 0 {
		t.Errorf("after every goroutine: holder %v, %d waiting; want a free lock", l.holder, len(w.queue))
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

// TestWithWriteLocksOwnerOfOneWriteAfterAnother: a connection's
// autocommit writes hold a file's write lock under the connection's own
// owner, one write after another: each takes it, queues behind another
// connection's write, and leaves it free when it returns.
func TestWithWriteLocksOwnerOfOneWriteAfterAnother(t *testing.T) {
	s := &shard.Shard{Keyspace: "ks", Name: "a", Backend: &shard.Backend{Dialect: dialect.SQLite}}
	co := &Coordinator{}
	ctx := context.Background()
	mine, theirs := &Transaction{}, &Transaction{}
	for range 3 {
		if err := co.WithWriteLocks(ctx, mine, []*shard.Shard{s}, func() error {
			if !co.locks.holds(mine, s.Backend) {
				t.Error("the write runs without its lock")
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if co.locks.holds(mine, s.Backend) {
			t.Fatal("the lock is held after the write")
		}
	}
	// Another connection's write holds the lock: the next write waits.
	release := make(chan struct{})
	held := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- co.WithWriteLocks(ctx, theirs, []*shard.Shard{s}, func() error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	var ran atomic.Bool
	wrote := make(chan error, 1)
	go func() {
		wrote <- co.WithWriteLocks(ctx, mine, []*shard.Shard{s}, func() error {
			ran.Store(true)
			return nil
		})
	}()
	queued(t, &co.locks, mine)
	if ran.Load() {
		t.Fatal("a write ran while another held the file's lock")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil || !ran.Load() {
		t.Fatalf("the queued write: ran %v, %v", ran.Load(), err)
	}
	if co.locks.holds(mine, s.Backend) || co.locks.holds(theirs, s.Backend) {
		t.Error("a lock is held after both writes")
	}
}
