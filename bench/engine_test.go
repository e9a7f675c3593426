package bench

import "testing"

// BenchmarkUnionAllOfTwoScatters: each SELECT of the UNION ALL runs over
// the four shards, one after the other, and their rows are concatenated.
func BenchmarkUnionAllOfTwoScatters(b *testing.B) {
	compare(b, "SELECT id, qty FROM items WHERE qty < 2 UNION ALL SELECT id, qty FROM items WHERE qty > 97", -1)
}

// BenchmarkUnionDistinct: the union's rows are sorted and deduplicated at
// the merge (the single database does the same in its own sort).
func BenchmarkUnionDistinct(b *testing.B) {
	compare(b, "SELECT grp FROM items WHERE qty < 50 UNION SELECT grp FROM items WHERE qty >= 50", 100)
}

// BenchmarkTablelessCountSubquery: a SELECT without tables whose subquery
// is a scalar aggregate over every shard, computed once.
func BenchmarkTablelessCountSubquery(b *testing.B) {
	compare(b, "SELECT (SELECT COUNT(*) FROM items WHERE qty < 50) + 1", 1)
}
