package route

import (
	"errors"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/shard"
)

// A keyspace mid-migration has SQLite and PostgreSQL shards: a merge that
// needs value semantics over both is unsupported, one that only
// concatenates is not, and shards of one backend merge by its rules.
func TestMergeOverMixedBackendsNeedsOneEngine(t *testing.T) {
	lite := &shard.Shard{Keyspace: "app", Name: "-80", Backend: &shard.Backend{Dialect: dialect.SQLite}}
	pg := &shard.Shard{Keyspace: "app", Name: "80-", Backend: &shard.Backend{Dialect: dialect.PostgreSQL}}
	pg2 := &shard.Shard{Keyspace: "app", Name: "c0-", Backend: &shard.Backend{Dialect: dialect.PostgreSQL}}
	tests := []struct {
		name    string
		m       *mergePlan
		qs      []ShardQuery
		want    eval.Engine
		wantErr string
	}{
		{"ordered over both", &mergePlan{order: []orderKey{{col: 0}}}, []ShardQuery{{Shard: lite}, {Shard: pg}}, 0, "merging the rows of app/-80 (SQLite) and app/80- (PostgreSQL)"},
		{"aggregate over both", &mergePlan{agg: &aggPlan{}}, []ShardQuery{{Shard: pg}, {Shard: lite}}, 0, "merging the rows of app/80- (PostgreSQL) and app/-80 (SQLite)"},
		{"distinct over both", &mergePlan{distinct: true}, []ShardQuery{{Shard: lite}, {Shard: pg}}, 0, "unsupported"},
		{"limit without order over both", &mergePlan{}, []ShardQuery{{Shard: lite}, {Shard: pg}}, eval.SQLite, ""},
		{"ordered over PostgreSQL", &mergePlan{order: []orderKey{{col: 0}}}, []ShardQuery{{Shard: pg}, {Shard: pg2}}, eval.PostgreSQL, ""},
	}
	for _, tt := range tests {
		got, err := tt.m.engine(tt.qs)
		if tt.wantErr != "" {
			var ue *UnsupportedError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want an UnsupportedError containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: engine = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}
