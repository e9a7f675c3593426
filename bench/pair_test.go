package bench

import (
	"flag"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A pair benchmark runs one operation on two sides of the same data —
// vitessdo over the shards (side 0) and one plain database (side 1) — in
// interleaved rounds: a round runs the same operation indices on one side
// then on the other, the side going first alternating by round, so that
// the machine's other load falls on both sides alike. Every answer of
// side 0 is compared with side 1's for the same index.
//
// Reported per side: ns/op (total time over operations) and allocs/op
// (runtime.MemStats.Mallocs around each batch, so allocations of the
// comparison itself, outside the batches, are not counted); and ratio, the
// median over rounds of side 0's round time over side 1's; and
// cpu-ratio, the process's CPU time (getrusage) spent on side 0 over side
// 1's, which the machine's other load disturbs less than the wall clock.
// b.N is the number of operations per side.

// op runs operation i on a side and returns its answer, which must be
// comparable with ==.
type op func(side, i int) (any, error)

// pairConfig shapes a pair benchmark.
type pairConfig struct {
	// par is how many goroutines run a round's operations (default 1).
	par int
	// round is the operations per side in a round (default 100, at most
	// b.N/8 so that there are several rounds).
	round int
	// warm operations run on both sides before timing (default 50).
	warm int
}

// pairResult is what a pair benchmark measured: the total time of each
// side's operations.
type pairResult struct {
	took [2]time.Duration
}

// perOp returns a side's mean time per operation.
func (r pairResult) perOp(b *testing.B, side int) time.Duration {
	return r.took[side] / time.Duration(max(1, b.N))
}

// onlySide, when 0 or 1, makes a pair benchmark run that side alone:
// b.N operations after the warm-up, nothing compared or reported beyond
// ns/op. callgrind.sh counts each side's instructions so, apart.
var onlySide = flag.Int("bench.side", -1, "run only this side of the pair benchmarks (0: vitessdo, 1: the single database), for instruction counts")

// pair runs a pair benchmark.
func pair(b *testing.B, cfg pairConfig, run op) pairResult {
	b.Helper()
	if *onlySide == 0 || *onlySide == 1 {
		return pairSide(b, cfg, *onlySide, run)
	}
	if cfg.par <= 0 {
		cfg.par = 1
	}
	if cfg.round <= 0 {
		cfg.round = 100
	}
	cfg.round = max(1, min(cfg.round, b.N/8))
	if cfg.warm == 0 {
		cfg.warm = 50
	}
	// Warm-up indices are negative, so that writes use keys of their own.
	for i := -cfg.warm; i < 0; i++ {
		if err := compareOne(run, i); err != nil {
			b.Fatal(err)
		}
	}
	answers := [2][]any{make([]any, cfg.round), make([]any, cfg.round)}
	var took, cpu [2]time.Duration
	var allocs [2]uint64
	ratios := make([]float64, 0, b.N/cfg.round+1)
	b.ResetTimer()
	for base, r := 0, 0; base < b.N; base, r = base+cfg.round, r+1 {
		n := min(cfg.round, b.N-base)
		var round [2]time.Duration
		for k := range 2 {
			side := (k + r) % 2
			c0 := cpuTime()
			d, a, err := batch(cfg.par, side, base, n, answers[side], run)
			if err != nil {
				b.Fatal(err)
			}
			cpu[side] += cpuTime() - c0
			round[side] = d
			took[side] += d
			allocs[side] += a
		}
		for i := range n {
			if answers[0][i] != answers[1][i] {
				b.Fatalf("operation %d: vitessdo answered %v, one database %v", base+i, answers[0][i], answers[1][i])
			}
		}
		ratios = append(ratios, float64(round[0])/float64(round[1]))
	}
	b.StopTimer()
	slices.Sort(ratios)
	ops := float64(b.N)
	b.ReportMetric(float64(took[0].Nanoseconds())/ops, "vt-ns/op")
	b.ReportMetric(float64(took[1].Nanoseconds())/ops, "one-ns/op")
	b.ReportMetric(float64(allocs[0])/ops, "vt-allocs/op")
	b.ReportMetric(float64(allocs[1])/ops, "one-allocs/op")
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
	b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "cpu-ratio")
	return pairResult{took: took}
}

// pairSide runs one side of a pair benchmark alone (see onlySide).
func pairSide(b *testing.B, cfg pairConfig, side int, run op) pairResult {
	b.Helper()
	for i := -max(cfg.warm, 50); i < 0; i++ {
		if _, err := run(side, i); err != nil {
			b.Fatal(err)
		}
	}
	answers := make([]any, b.N)
	b.ResetTimer()
	d, _, err := batch(max(cfg.par, 1), side, 0, b.N, answers, run)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	var r pairResult
	r.took[side] = d
	return r
}

// cpuTime returns the CPU time the process has used, user and system:
// unlike the wall clock, it does not count the time other programs on
// the machine hold the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// compareOne runs operation i on both sides and compares the answers.
func compareOne(run op, i int) error {
	a, err := run(0, i)
	if err != nil {
		return fmt.Errorf("vitessdo, operation %d: %w", i, err)
	}
	c, err := run(1, i)
	if err != nil {
		return fmt.Errorf("one database, operation %d: %w", i, err)
	}
	if a != c {
		return fmt.Errorf("operation %d: vitessdo answered %v, one database %v", i, a, c)
	}
	return nil
}

// batch runs operations base..base+n-1 on a side with par goroutines and
// returns the time they took and the allocations they made.
func batch(par, side, base, n int, answers []any, run op) (time.Duration, uint64, error) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.Mallocs
	start := time.Now()
	var err error
	if par == 1 {
		for i := range n {
			if answers[i], err = run(side, base+i); err != nil {
				break
			}
		}
	} else {
		var wg sync.WaitGroup
		errs := make([]error, par)
		for g := range par {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g; i < n; i += par {
					a, err := run(side, base+i)
					if err != nil {
						errs[g] = err
						return
					}
					answers[i] = a
				}
			}()
		}
		wg.Wait()
		for _, e := range errs {
			if e != nil {
				err = e
			}
		}
	}
	d := time.Since(start)
	runtime.ReadMemStats(&ms)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", sideName(side), err)
	}
	return d, ms.Mallocs - before, nil
}

func sideName(side int) string {
	if side == 0 {
		return "vitessdo"
	}
	return "one database"
}
