package route

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// testVSchema has a sharded keyspace of four shards with a hash-sharded
// user table, a co-located music table, a multicol-sharded table, a
// reference table and a pinned table, and an unsharded keyspace.
const testVSchema = `{"keyspaces": {
	"main": {"tables": {"seq": {"type": "sequence"}, "plain": {}}},
	"user": {
		"sharded": true,
		"shards": ["-40", "40-80", "80-c0", "c0-"],
		"vindexes": {
			"hash": {"type": "hash"},
			"xx": {"type": "xxhash"},
			"mc": {"type": "multicol", "params": {"column_count": "2"}}
		},
		"tables": {
			"user": {"column_vindexes": [{"column": "id", "name": "hash"}, {"column": "email", "name": "xx"}], "auto_increment": {"column": "id", "sequence": "seq"}},
			"music": {"column_vindexes": [{"column": "user_id", "name": "hash"}]},
			"pair": {"column_vindexes": [{"columns": ["a", "b"], "name": "mc"}]},
			"ref": {"type": "reference"},
			"pin": {"pinned": "90"}
		}
	}
}}`

// newTestPlanner returns a planner over testVSchema whose shards have
// backends of the dialect but no database: enough to plan and render.
func newTestPlanner(t testing.TB, d dialect.Dialect) *Planner {
	t.Helper()
	vs, err := vschema.Load(vschema.Source{Data: []byte(testVSchema)})
	if err != nil {
		t.Fatal(err)
	}
	shards := map[string][]*shard.Shard{}
	for _, ks := range vs.KeyspaceNames() {
		k := vs.Keyspace(ks)
		b := &shard.Backend{Dialect: d}
		for i, name := range k.Shards {
			shards[ks] = append(shards[ks], &shard.Shard{Keyspace: ks, Name: name, KeyRange: k.KeyRanges[i], Backend: b})
		}
	}
	return NewPlanner(vs, shard.NewTopology(shards), 100)
}

// explainCursor is a Cursor for plans that need no database.
type explainCursor struct{ s Session }

func (c *explainCursor) Query(ctx context.Context, q string, args ...any) ([][]any, error) {
	return nil, errors.New("no database")
}
func (c *explainCursor) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return 0, errors.New("no database")
}
func (c *explainCursor) ExecAutocommit(ctx context.Context, q string, args ...any) (int64, error) {
	return 0, errors.New("no database")
}
func (c *explainCursor) StreamShards(ctx context.Context, qs []ShardQuery) ([]merge.Iterator, error) {
	return nil, errors.New("no database")
}
func (c *explainCursor) ExecShards(ctx context.Context, qs []ShardQuery) ([]shard.Result, error) {
	return nil, errors.New("no database")
}
func (c *explainCursor) Atomic(ctx context.Context, fn func(context.Context) error) error {
	return fn(ctx)
}
func (c *explainCursor) Autonomous(ctx context.Context, s *shard.Shard, fn func(context.Context, shard.Querier, bool) error) error {
	return errors.New("no database")
}
func (c *explainCursor) Session() *Session { return &c.s }

func TestRoutingVariants(t *testing.T) {
	tests := []struct {
		sql    string
		args   []any
		opcode Opcode
		shards []string
	}{
		{sql: "select * from user where id = 1", opcode: EqualUnique, shards: []string{"-40"}},
		{sql: "select * from user where id = ?", args: []any{int64(4)}, opcode: EqualUnique, shards: []string{"c0-"}},
		{sql: "select * from user where 1 = id and name = 'x'", opcode: EqualUnique, shards: []string{"-40"}},
		{sql: "select * from user where email = 'a@b'", opcode: EqualUnique},
		{sql: "select * from user where id in (1, 4, 100)", opcode: IN, shards: []string{"-40", "80-c0", "c0-"}},
		{sql: "select * from user where id = 1 or id = 4", opcode: IN, shards: []string{"-40", "c0-"}},
		{sql: "select * from user where id in (?, ?)", args: []any{int64(4), int64(1000)}, opcode: IN, shards: []string{"-40", "c0-"}},
		{sql: "select * from pair where a = 1 and b = 2", opcode: MultiEqual},
		{sql: "select * from pair where (a, b) in ((1, 2), (3, 4))", opcode: MultiEqual},
		{sql: "select * from user where name = 'x'", opcode: Scatter, shards: []string{"-40", "40-80", "80-c0", "c0-"}},
		{sql: "select * from user where id > 5", opcode: Scatter, shards: []string{"-40", "40-80", "80-c0", "c0-"}},
		{sql: "select * from plain", opcode: Unsharded, shards: []string{"0"}},
		{sql: "select * from ref", opcode: Reference, shards: []string{"-40"}},
		{sql: "select * from user where id = 1 and id = 2", opcode: None, shards: []string{"-40"}},
		{sql: "select * from user where id = null", opcode: None, shards: []string{"-40"}},
		{sql: "select * from user where 1 = 0", opcode: None, shards: []string{"-40"}},
		{sql: "select * from pin", opcode: EqualUnique, shards: []string{"80-c0"}},
		{sql: "select u.id, m.id from user u join music m on m.user_id = u.id where u.id = 4", opcode: EqualUnique, shards: []string{"c0-"}},
		{sql: "select u.id, m.id from user u join music m on m.user_id = u.id", opcode: Scatter, shards: []string{"-40", "40-80", "80-c0", "c0-"}},
		{sql: "select u.id, r.x from user u join ref r on r.id = u.ref_id where u.id = 4", opcode: EqualUnique, shards: []string{"c0-"}},
		{sql: "select u.id from user u left join music m on m.user_id = u.id and m.user_id = 4", opcode: Scatter, shards: []string{"-40", "40-80", "80-c0", "c0-"}},
		{sql: "select * from user u where u.id in (select m.user_id from music m where m.x = 1)", opcode: Scatter, shards: []string{"-40", "40-80", "80-c0", "c0-"}},
		{sql: "select * from user u where exists (select 1 from music m where m.user_id = u.id) and u.id = 1", opcode: EqualUnique, shards: []string{"-40"}},
		{sql: "select u.id, m.id from user u, music m where u.id = 1 and m.user_id = 1", opcode: EqualUnique, shards: []string{"-40"}},
		{sql: "select * from user where id = 1 for update", opcode: EqualUnique, shards: []string{"-40"}},
		{sql: "select * from user.user where id = 1", opcode: EqualUnique, shards: []string{"-40"}},
	}
	p := newTestPlanner(t, dialect.SQLite)
	for _, tt := range tests {
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
			if sp.routing.opcode != tt.opcode {
				t.Errorf("opcode = %v, want %v", sp.routing.opcode, tt.opcode)
			}
			if tt.shards == nil {
				return
			}
			rows, err := pl.Explain(context.Background(), vc, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Shard)
			}
			if diff := cmp.Diff(tt.shards, got); diff != "" {
				t.Errorf("shards (-want +got):\n%s", diff)
			}
		})
	}
}

func TestINSendsEachShardOnlyItsValues(t *testing.T) {
	p := newTestPlanner(t, dialect.PostgreSQL)
	vc := &explainCursor{}
	pl, err := p.Plan("select id from user where id in (1, 4, 100, 1000)", &vc.s)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pl.Explain(context.Background(), vc, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Shard] = r.Query
	}
	want := map[string]string{
		"-40":   `SELECT "id" FROM "user" WHERE "id" IN (1, 1000)`,
		"80-c0": `SELECT "id" FROM "user" WHERE "id" IN (100)`,
		"c0-":   `SELECT "id" FROM "user" WHERE "id" IN (4)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shard statements (-want +got):\n%s", diff)
	}
}

func TestUnsupportedPlans(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"select * from user u join music m on m.x = u.name", "cross-shard join"},
		{"select u.id from user u join music m using (id)", "cross-shard join"},
		{"select * from user u join plain p on p.id = u.id", "cross-keyspace"},
		{"update user set id = 2 where id = 1", "UPDATE of primary vindex column id"},
		{"delete u1, u2 from user u1 join user u2 on u2.id = u1.id", "under two names"},
		{"update user join music on music.user_id = user.id set user.x = music.x, music.x = 1", "which the statement sets too"},
		{"select * from user where id in (select user_id from music where music.id = user.id limit 1 offset 1)", "without ORDER BY"},
		{"select id from user union select id from plain order by lower(id)", "ORDER BY lower(id) of a UNION over several shards"},
		{"select group_concat(name) from user", "GROUP_CONCAT"},
		{"insert into music (user_id) values (1 + 1)", "must be a literal"},
		{"replace into user (id) values (1)", "REPLACE"},
	}
	p := newTestPlanner(t, dialect.SQLite)
	for _, tt := range tests {
		_, err := p.Plan(tt.sql, &Session{})
		var ue *UnsupportedError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want unsupported mentioning %q", tt.sql, err, tt.want)
		}
	}
}

func TestPlanCacheHoldsPlansPerSessionTarget(t *testing.T) {
	p := newTestPlanner(t, dialect.SQLite)
	s := &Session{}
	a, _ := p.Plan("select * from plain", s)
	b, _ := p.Plan("select * from plain", s)
	if a != b {
		t.Error("the same SQL planned twice")
	}
	c, _ := p.Plan("select * from plain", &Session{Keyspace: "main", Shard: "0"})
	if c == a {
		t.Error("a shard-targeted session shares the plan of an untargeted one")
	}
	small := NewPlanner(p.vs, p.topo, 2)
	for _, q := range []string{"select 1 from plain", "select 2 from plain", "select 3 from plain"} {
		small.Plan(q, s)
	}
	if n := small.CacheLen(); n != 2 {
		t.Errorf("cache holds %d plans, want its size 2", n)
	}
}

func FuzzPlan(f *testing.F) {
	for _, s := range []string{
		"select * from user where id = 1",
		"select count(*), name from user group by name having count(*) > 1 order by 2 desc limit 3",
		"select u.id, m.id from user u join music m on m.user_id = u.id where u.id in (1, 2)",
		"insert into user (id, name) values (1, 'a'), (null, 'b') on duplicate key update name = values(name)",
		"update user set name = 'x' where id = ?",
		"delete from music where user_id = 3",
		"create table t (id bigint primary key, key k (id))",
		"vexplain plan select * from ref",
		"use `user:-40`",
		"select /*!*/ 1", "select * from user where id in ()", "set transaction_mode = 'twopc'",
		"select id from user union select user_id from music order by 1 limit 2",
		"select (select count(*) from user) + 1, exists (select 1 from music where id = ?)",
		"select count(*) name from user group by name having name > 1 order by name",
		"select id as name, count(*) from user group by name",
		"select 1+count(*) from user where id = 0x04",
		"with x as (select 1) select * from x",
	} {
		f.Add(s)
	}
	p := newTestPlanner(f, dialect.PostgreSQL)
	f.Fuzz(func(t *testing.T, sql string) {
		vc := &explainCursor{}
		pl, err := p.Plan(sql, &vc.s)
		if err != nil {
			return
		}
		args := make([]any, pl.NumArgs())
		for i := range args {
			args[i] = int64(i)
		}
		pl.Explain(context.Background(), vc, args)
	})
}
