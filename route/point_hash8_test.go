package route

import (
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/vindex"
)

// TestPointShardOfAHashing8Vindex: a statement routed by one value of a
// unique vindex with 8-byte keyspace ids (hash, xxhash) finds its shard
// in pointShard, from the vindex asserted when the plan was made, and
// that shard is the one holding the value's keyspace id.
func TestPointShardOfAHashing8Vindex(t *testing.T) {
	p := newTestPlanner(t, dialect.SQLite)
	for _, tt := range []struct {
		sql  string
		args func(i int) []any
	}{
		{"SELECT name FROM user WHERE id = ?", func(i int) []any { return []any{int64(i)} }},
		{"SELECT name FROM user WHERE email = ?", func(i int) []any { return []any{string(rune('a'+i%26)) + "@x"} }},
		{"SELECT user_id FROM music WHERE user_id = ? AND 1 = 1", func(i int) []any { return []any{int64(i * 7919)} }},
	} {
		t.Run(tt.sql, func(t *testing.T) {
			vc := &explainCursor{}
			pl, err := p.Plan(tt.sql, &vc.s)
			if err != nil {
				t.Fatal(err)
			}
			sp, ok := pl.(*selectPlan)
			if !ok {
				t.Fatalf("plan is %T", pl)
			}
			h, isHash8 := sp.routing.vindex.Vindex.(vindex.Hashing8)
			if !isHash8 {
				t.Fatalf("vindex %T is no Hashing8", sp.routing.vindex.Vindex)
			}
			for i := range 40 {
				args := tt.args(i)
				sh, ok, err := sp.routing.pointShard(sp.p.topo, args)
				if err != nil || !ok {
					t.Fatalf("args %v: pointShard: ok %v, %v", args, ok, err)
				}
				id, _, err := h.KeyspaceID8(args[0])
				if err != nil {
					t.Fatal(err)
				}
				if want := sp.p.topo.ShardFor(sp.routing.keyspace.Name, id[:]); sh != want {
					t.Errorf("args %v: shard %s, want %s", args, sh.Name, want.Name)
				}
			}
		})
	}
}

// TestPointShardOfAWriteByAHashing8Vindex: an UPDATE by one value of the
// hash vindex finds its shard in pointShard too, the one holding the
// value's keyspace id.
func TestPointShardOfAWriteByAHashing8Vindex(t *testing.T) {
	p := newTestPlanner(t, dialect.SQLite)
	vc := &explainCursor{}
	pl, err := p.Plan("UPDATE user SET name = ? WHERE id = ?", &vc.s)
	if err != nil {
		t.Fatal(err)
	}
	dp, ok := pl.(*dmlPlan)
	if !ok {
		t.Fatalf("plan is %T", pl)
	}
	h := dp.routing.vindex.Vindex.(vindex.Hashing8)
	for i := range 40 {
		args := []any{"n", int64(i)}
		sh, ok, err := dp.pointShard(args)
		if err != nil || !ok {
			t.Fatalf("id %d: pointShard: ok %v, %v", i, ok, err)
		}
		id, _, err := h.KeyspaceID8(args[1])
		if err != nil {
			t.Fatal(err)
		}
		if want := dp.p.topo.ShardFor(dp.routing.keyspace.Name, id[:]); sh != want {
			t.Errorf("id %d: shard %s, want %s", i, sh.Name, want.Name)
		}
	}
}
