package bench

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// The shard-count benchmarks: the same table over 4, 16, 64 and 256
// SQLite shards (or the counts -bench.scale.shards names) against one
// SQLite database. A point statement should cost the same at every
// count; a scatter's cost grows with the count.

var scaleShards = flag.String("bench.scale.shards", "4,16,64,256", "shard counts of the shard-count benchmarks, powers of two up to 256, comma-separated")

// shardCounts returns the shard counts -bench.scale.shards names.
func shardCounts(b *testing.B) []int {
	var counts []int
	for _, f := range strings.Split(*scaleShards, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 || n&(n-1) != 0 {
			b.Fatalf("-bench.scale.shards: %q is no power of two up to 256", f)
		}
		counts = append(counts, n)
	}
	return counts
}

func eachShardCount(b *testing.B, run func(b *testing.B, f *fixture)) {
	for _, n := range shardCounts(b) {
		b.Run(fmt.Sprintf("shards=%d", n), func(b *testing.B) { run(b, sqliteFixture(b, n, *scaleRows)) })
	}
}

func BenchmarkScalePointSelect(b *testing.B) {
	eachShardCount(b, func(b *testing.B, f *fixture) {
		// Warm every shard: its connection and prepared statement.
		pair(b, pairConfig{warm: 8 * f.shards}, pointSelect(bg, f))
		reportHeld(b, f)
	})
}

// BenchmarkScaleEmptyScatter reports, besides the ratio, vt-µs/shard
// (vitessdo's time per shard) and fanout-µs/shard (its time beyond the
// single database's, per shard).
func BenchmarkScaleEmptyScatter(b *testing.B) {
	eachShardCount(b, func(b *testing.B, f *fixture) {
		r := pair(b, pairConfig{round: 20, warm: 20}, emptyScatter(bg, f))
		reportHeld(b, f)
		vt, one := r.perOp(b, 0), r.perOp(b, 1)
		b.ReportMetric(float64(vt.Nanoseconds())/1e3/float64(f.shards), "vt-µs/shard")
		b.ReportMetric(float64((vt-one).Nanoseconds())/1e3/float64(f.shards), "fanout-µs/shard")
	})
}

func BenchmarkScaleInsert100(b *testing.B) {
	eachShardCount(b, func(b *testing.B, f *fixture) {
		pair(b, pairConfig{round: 10, warm: 5}, insertMany(b, bg, f))
		reportHeld(b, f)
	})
}

// BenchmarkScaleConcurrentScatters runs 32 scatters at once, half a
// COUNT over the small table (quick on every shard), half every row of
// it in id order (each shard's rows outlast a batch, so its connection
// is held while the merge reads), and reports the descriptors the shard
// pools hold at the peak and after.
func BenchmarkScaleConcurrentScatters(b *testing.B) {
	eachShardCount(b, func(b *testing.B, f *fixture) {
		count, ordered := scatterCount(bg, f), orderedScatter(bg, f)
		w := watchFDs(f)
		pair(b, pairConfig{par: 32, round: 64, warm: 32}, func(side, i int) (any, error) {
			if i%2 == 0 {
				return count(side, i)
			}
			return ordered(side, i)
		})
		w.report(b)
	})
}

// orderedScatter reads every row of the small table in id order.
func orderedScatter(ctx context.Context, f *fixture) op {
	return func(side, i int) (any, error) {
		return readRange(f.db(side).QueryContext(ctx, "SELECT id, id, qty FROM small ORDER BY id"))
	}
}

// The PostgreSQL benchmarks: 4 shards, one schema each, against one
// schema on the same server.

func pg4(b *testing.B) *fixture { return postgresFixture(b, *scaleRows) }

func BenchmarkPostgresPointSelect(b *testing.B) {
	f := pg4(b)
	pair(b, pairConfig{}, pointSelectOn(bg, f))
}

func BenchmarkPostgresInsert(b *testing.B) { f := pg4(b); pair(b, pairConfig{}, insertOne(b, bg, f)) }

func BenchmarkPostgresUpdate(b *testing.B) { f := pg4(b); pair(b, pairConfig{}, update(bg, f)) }

func BenchmarkPostgresScatterCount(b *testing.B) {
	f := pg4(b)
	pair(b, pairConfig{}, scatterCount(bg, f))
}

func BenchmarkPostgresPointSelect4(b *testing.B) {
	f := pg4(b)
	pair(b, pairConfig{par: 4, round: 400}, pointSelectOn(bg, f))
}

func BenchmarkPostgresPreparedPointSelect(b *testing.B) {
	f := pg4(b)
	pair(b, pairConfig{}, preparedPointSelect(b, bg, f))
}

func BenchmarkPostgresTxUpdate(b *testing.B) { f := pg4(b); pair(b, pairConfig{}, txUpdate(bg, f)) }

func BenchmarkPostgresInsert100(b *testing.B) {
	f := pg4(b)
	pair(b, pairConfig{round: 10, warm: 5}, insertMany(b, bg, f))
}

func BenchmarkPostgresRangeScatter(b *testing.B) {
	f := pg4(b)
	pair(b, pairConfig{}, rangeScatter(bg, f))
}
