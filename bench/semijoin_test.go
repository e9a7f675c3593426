package bench

import "testing"

// BenchmarkCorrelatedMarkAcrossShards: a correlated EXISTS under OR, over
// other shards than its 1,000 outer rows, runs as a semi-join marking
// each outer row: the outer rows (the other condition of WHERE on the
// shards) in batches of join_batch, each batch binding the inner
// statement's IN list, which routes it by b's vindex; the router
// evaluates the OR over the marks.
func BenchmarkCorrelatedMarkAcrossShards(b *testing.B) {
	crossShard(b, "SELECT COUNT(*) FROM items a WHERE a.k <= 1000 AND (EXISTS (SELECT 1 FROM items b WHERE b.id = a.k AND b.qty > 50) OR a.qty < 10)", 1)
}

// BenchmarkCorrelatedPerOuterTuple: the latest item per small row (ORDER
// BY … LIMIT 1 of its own) runs once per distinct outer value, bound as
// an argument: 400 inner statements, each on every shard (k is no
// vindex column), the cost of a correlation the key batches cannot run.
func BenchmarkCorrelatedPerOuterTuple(b *testing.B) {
	crossShard(b, "SELECT COUNT(*), SUM((SELECT b.qty FROM items b WHERE b.k = s.id ORDER BY b.id DESC LIMIT 1)) FROM small s", 1)
}
