package bench

import (
	"fmt"
	"testing"
)

// The shard-count benchmarks: the same table over 4, 16, 64 and 256
// SQLite shards against one SQLite database. A point statement should
// cost the same at every count; a scatter's cost grows with the count.

var shardCounts = []int{4, 16, 64, 256}

func eachShardCount(b *testing.B, run func(b *testing.B, f *fixture)) {
	for _, n := range shardCounts {
		b.Run(fmt.Sprintf("shards=%d", n), func(b *testing.B) { run(b, sqliteFixture(b, n, *scaleRows)) })
	}
}

func BenchmarkScalePointSelect(b *testing.B) {
	eachShardCount(b, func(b *testing.B, f *fixture) {
		// Warm every shard: its connection and prepared statement.
		pair(b, pairConfig{warm: 8 * f.shards}, pointSelect(bg, f))
	})
}

func BenchmarkScaleEmptyScatter(b *testing.B) {
	eachShardCount(b, func(b *testing.B, f *fixture) { pair(b, pairConfig{round: 20, warm: 20}, emptyScatter(bg, f)) })
}

func BenchmarkScaleInsert100(b *testing.B) {
	eachShardCount(b, func(b *testing.B, f *fixture) { pair(b, pairConfig{round: 10, warm: 5}, insertMany(b, bg, f)) })
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
