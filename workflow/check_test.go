package workflow_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/workflow"
)

// brief is a finding without its message.
func brief(fs []workflow.Finding) []string {
	out := []string{}
	for _, f := range fs {
		if f.Kind == workflow.KindNotChecked {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s/%s %s %s %s", f.Kind, f.Keyspace, f.Shard, f.Table, f.Column, f.Key))
	}
	sort.Strings(out)
	return out
}

func TestCheckReportsEachProblem(t *testing.T) {
	otherShard := func(sh string) string {
		if sh == "-40" {
			return "40-80"
		}
		return "-40"
	}
	for _, tc := range []struct {
		name string
		// damage changes the shop and returns the problems and warnings
		// Check must report.
		damage func(t *testing.T, db *sql.DB) (problems, warnings []string)
	}{
		{"clean data", func(t *testing.T, db *sql.DB) ([]string, []string) { return nil, nil }},
		{"row moved by hand to a wrong shard", func(t *testing.T, db *sql.DB) ([]string, []string) {
			from := shardOfUser(t, db, 3)
			to := otherShard(from)
			onShard(t, db, "app:"+from, "DELETE FROM users WHERE id = 3")
			onShard(t, db, "app:"+to, "INSERT INTO users (id, email, name) VALUES (3, 'u3@example.com', 'user-003')")
			return []string{"misplaced_row app/" + to + " users  id=3"}, nil
		}},
		{"dropped lookup row", func(t *testing.T, db *sql.DB) ([]string, []string) {
			sh := shardOfUser(t, db, 5)
			mustExec(t, db, "DELETE FROM user_name_idx WHERE name = 'user-005'")
			return []string{"lookup_missing app/" + sh + " users name id=5"}, nil
		}},
		{"owner row deleted behind the lookups' back", func(t *testing.T, db *sql.DB) ([]string, []string) {
			sh := shardOfUser(t, db, 6)
			onShard(t, db, "app:"+sh, "DELETE FROM users WHERE id = 6")
			return []string{"lookup_dangling app/ user_name_idx name name=user-006"},
				[]string{"lookup_dangling app/ user_email_idx email email=u6@example.com"}
		}},
		{"column added on one shard only", func(t *testing.T, db *sql.DB) ([]string, []string) {
			onShard(t, db, "app:80-c0", "ALTER TABLE orders ADD COLUMN extra INT")
			return []string{"column_drift app/80-c0 orders extra "}, nil
		}},
		{"reference table changed on one shard", func(t *testing.T, db *sql.DB) ([]string, []string) {
			onShard(t, db, "app:c0-", "UPDATE countries SET name = 'Deutschland' WHERE code = 'de'")
			return []string{"reference_drift app/c0- countries  "}, nil
		}},
		{"table dropped on one shard", func(t *testing.T, db *sql.DB) ([]string, []string) {
			onShard(t, db, "app:40-80", "DROP TABLE orders")
			return []string{"missing_table app/40-80 orders  "}, nil
		}},
		{"sequence behind the ids", func(t *testing.T, db *sql.DB) ([]string, []string) {
			mustExec(t, db, "UPDATE main.user_seq SET next_id = 5 WHERE id = 0")
			return []string{"sequence_behind main/ user_seq next_id "}, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, e engine) {
				cfg, db := newShop(t, e, 30)
				wantProblems, wantWarnings := tc.damage(t, db)
				r, err := workflow.Check(context.Background(), cfg, workflow.CheckOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if wantProblems == nil {
					wantProblems = []string{}
				}
				if wantWarnings == nil {
					wantWarnings = []string{}
				}
				if d := cmp.Diff(wantProblems, brief(r.Problems)); d != "" {
					t.Errorf("problems (-want +got):\n%s\n%v", d, r.Problems)
				}
				if d := cmp.Diff(wantWarnings, brief(r.Warnings)); d != "" {
					t.Errorf("warnings (-want +got):\n%s\n%v", d, r.Warnings)
				}
				if r.OK() != (len(wantProblems) == 0) {
					t.Errorf("OK() = %v with problems %v", r.OK(), r.Problems)
				}
				if r.Rows == 0 || r.Shards != 5 {
					t.Errorf("read %d rows on %d shards", r.Rows, r.Shards)
				}
			})
		})
	}
}
