package shard

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// A write that reaches several shards runs their statements at once
// (ExecAll), and a transaction joining several shards begins their
// backend transactions at once. On a backend served over the network
// (PostgreSQL) each statement mostly waits for the server, so every one
// gets a goroutine. An SQLite statement is work of this process's CPU:
// more goroutines than cores only add hand-offs, so statements on such
// backends run on one goroutine per core, the caller's among them, each
// taking the next statement when it is done with one.

// InProcess is implemented by backends whose statements run in this
// process, on its cores (SQLite through modernc.org/sqlite): running
// more of them at once than there are cores gains nothing.
type InProcess interface {
	// InProcess marks the capability; it does nothing.
	InProcess()
}

// inProcess reports a backend whose statements are this process's CPU.
func inProcess(b *Backend) bool {
	_, ok := b.Capabilities().(InProcess)
	return ok
}

// Workers returns how many of n statements on the shards to run at once:
// one per core when every shard's backend is InProcess, else n.
func Workers(shards []*Shard) int {
	for _, s := range shards {
		if !inProcess(s.Backend) {
			return len(shards)
		}
	}
	return min(len(shards), runtime.GOMAXPROCS(0))
}

// Each calls fn(i) for every i in [0, n), at most workers calls at a
// time: the caller's goroutine takes part, and workers-1 more goroutines
// take indexes as they finish; Each returns when every call has
// returned. fn(0) runs on the caller's goroutine, first.
func Each(n, workers int, fn func(i int)) {
	if n <= 0 {
		return
	}
	workers = max(1, min(workers, n))
	if workers == 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	r := &eachRun{n: n, fn: fn}
	r.wg.Add(workers - 1)
	for range workers - 1 {
		go r.work()
	}
	fn(0)
	r.take()
	r.wg.Wait()
}

// eachRun is one call of Each: its state in one allocation, which its
// goroutines share.
type eachRun struct {
	next atomic.Int64
	n    int
	fn   func(i int)
	wg   sync.WaitGroup
}

// take calls fn for the next index not taken yet, until none is left.
func (r *eachRun) take() {
	for {
		i := int(r.next.Add(1))
		if i >= r.n {
			return
		}
		r.fn(i)
	}
}

// work is take on a goroutine of Each's.
func (r *eachRun) work() {
	defer r.wg.Done()
	r.take()
}
