package route

import (
	"context"
	"strconv"
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// BenchmarkPointSelectCacheHit is what a cached point select costs the
// router per execution: the plan cache lookup, the hash vindex, the shard
// lookup and binding the rendered template.
func BenchmarkPointSelectCacheHit(b *testing.B) {
	p := newTestPlanner(b, dialect.SQLite)
	vc := &explainCursor{}
	const sql = "select id, name from user where id = ?"
	if _, err := p.Plan(sql, &vc.s); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	args := []any{int64(0)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pl, err := p.Plan(sql, &vc.s)
		if err != nil {
			b.Fatal(err)
		}
		args[0] = int64(i)
		qs, _, err := pl.(*selectPlan).queries(ctx, vc, args)
		if err != nil || len(qs) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkPointSelectCacheMiss is the cost of planning a statement the
// cache does not hold: parsing, analysis, routing and rendering.
func BenchmarkPointSelectCacheMiss(b *testing.B) {
	p := newTestPlanner(b, dialect.SQLite)
	p.cache = newPlanCache(-1)
	vc := &explainCursor{}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pl, err := p.Plan("select id, name from user where id = "+strconv.Itoa(i), &vc.s)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := pl.(*selectPlan).queries(ctx, vc, nil); err != nil {
			b.Fatal(err)
		}
	}
}
