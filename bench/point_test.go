package bench

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"
)

// BenchmarkPointSelect: a SELECT by the primary vindex column, which the
// router sends to one shard. Each iteration looks up the same random-ish
// id through vitessdo over the 4 shards and on the single database, each
// side with a prepared statement, and reports the median latency of each
// and their ratio: the cost of routing (plan cache hit, hash vindex, shard
// lookup, binding, the shard stream) over a plain SQLite point query.
func BenchmarkPointSelect(b *testing.B) {
	d := data(b)
	ctx := context.Background()
	const q = "SELECT name, qty FROM items WHERE id = ?"
	stmts := make([]*sql.Stmt, 2)
	for i, db := range []*sql.DB{d.sharded, d.single} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		stmts[i] = st
	}
	lookup := func(st *sql.Stmt, id int64) {
		var name string
		var qty int64
		if err := st.QueryRowContext(ctx, id).Scan(&name, &qty); err != nil {
			b.Fatalf("id %d: %v", id, err)
		}
	}
	// Warm both sides: the plan cache, the connection pools, the pages.
	for id := int64(1); id <= 1000; id++ {
		lookup(stmts[0], id)
		lookup(stmts[1], id)
	}
	sharded := make([]time.Duration, 0, b.N)
	single := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		id := int64(i)*7919%int64(d.rows) + 1
		start := time.Now()
		lookup(stmts[0], id)
		mid := time.Now()
		lookup(stmts[1], id)
		sharded = append(sharded, mid.Sub(start))
		single = append(single, time.Since(mid))
	}
	b.StopTimer()
	slices.Sort(sharded)
	slices.Sort(single)
	med := func(ds []time.Duration) float64 { return float64(ds[len(ds)/2]) }
	b.ReportMetric(med(sharded)/1e3, "sharded-µs")
	b.ReportMetric(med(single)/1e3, "single-µs")
	b.ReportMetric(med(sharded)/med(single), "ratio")
}
