package bench

import (
	"database/sql"
	"testing"
)

// BenchmarkPreparedPointSelectAlone runs the prepared point select on one
// side only per sub-benchmark, not interleaved: through vitessdo over the
// 4 shards, straight on the shard file holding each id (the floor), and
// on the single database. Interleaved (PreparedPointSelect), the sides
// share modernc.org/sqlite's process-wide page cache and the CPU caches;
// alone, each has them to itself, which shows what vitessdo's own code
// costs. Compare cpu-ns/op (the process's CPU time per lookup, which
// other programs' load disturbs less than ns/op) and allocs/op across
// the sub-benchmarks of one run (-count repeats them in turn).
func BenchmarkPreparedPointSelectAlone(b *testing.B) {
	f := main4(b)
	prepare := func(b *testing.B, db *sql.DB) *sql.Stmt {
		st, err := db.Prepare(pointQuery)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	runRow := func(b *testing.B, rowFor func(id int64) *sql.Row) {
		var it item
		for i := -1000; i < 0; i++ {
			id := itemID(f, i)
			if err := rowFor(id).Scan(&it.name, &it.qty); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		c0 := cpuTime()
		for i := range b.N {
			id := itemID(f, i)
			if err := rowFor(id).Scan(&it.name, &it.qty); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	run := func(b *testing.B, stmtFor func(id int64) *sql.Stmt) {
		runRow(b, func(id int64) *sql.Row { return stmtFor(id).QueryRowContext(bg, id) })
	}
	b.Run("vitessdo", func(b *testing.B) {
		st := prepare(b, f.vt)
		run(b, func(int64) *sql.Stmt { return st })
	})
	// The same statement through vitessdo unprepared (db.QueryRowContext):
	// vitessdo runs it on the shard's prepared statement either way, so
	// the two differ by the plan cache's look-up and database/sql's.
	b.Run("vitessdo-unprepared", func(b *testing.B) {
		runRow(b, func(id int64) *sql.Row { return f.vt.QueryRowContext(bg, pointQuery, id) })
	})
	b.Run("shards", func(b *testing.B) {
		stmts := make([]*sql.Stmt, f.shards)
		for i, url := range f.shardURLs {
			sh, err := openBackend(url)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { sh.Close() })
			stmts[i] = prepare(b, plainDB(sh))
		}
		run(b, func(id int64) *sql.Stmt { return stmts[shardOf(id, f.shards)] })
	})
	b.Run("one", func(b *testing.B) {
		st := prepare(b, f.one)
		run(b, func(int64) *sql.Stmt { return st })
	})
}

// BenchmarkPostgresShardStatementFloor is ShardStatementFloor on
// PostgreSQL: the point select straight on the schema that holds each id
// (4 pools, one a schema, opened as vitessdo opens a shard), no
// vitessdo code, against the one schema. What PostgresPointSelect costs
// above 1 that this costs too is the server's, not routing's: 4 pools
// keep 4 server processes busy where one serves the single schema.
func BenchmarkPostgresShardStatementFloor(b *testing.B) {
	f := pg4(b)
	q := queries(f, pointQuery)[1]
	dbs := make([]*sql.DB, f.shards)
	for i, url := range f.shardURLs {
		sh, err := openBackend(url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { sh.Close() })
		dbs[i] = plainDB(sh)
	}
	pair(b, pairConfig{}, func(side, i int) (any, error) {
		id := itemID(f, i)
		db := f.one
		if side == 0 {
			db = dbs[shardOf(id, f.shards)]
		}
		var it item
		err := db.QueryRowContext(bg, q, id).Scan(&it.name, &it.qty)
		return it, err
	})
}
