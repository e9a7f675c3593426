package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// reshardOptions returns options that put new shards on fresh backends
// of the engine: SQLite files under dir= by default, PostgreSQL schemas
// through a -backend template.
func (g *growth) reshardOptions(t *testing.T, to []string) ReshardOptions {
	t.Helper()
	opts := ReshardOptions{Keyspace: "app", To: to}
	if g.e.name == "postgres" {
		prefix := pgSchemaName("rs")
		for _, n := range to {
			postgresSchemaURL(t, prefix+"_"+backendShardName(n))
		}
		u := postgresSchemaURL(t, prefix+"_x")
		opts.Backend = strings.Replace(u, prefix+"_x", prefix+"_{shard}", 1)
	}
	return opts
}

func TestMoveTablesThenReshardKeepsAnswers(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			g := newGrowth(t, e)
			res, err := MoveTables(ctx, g.cfg, MoveTablesOptions{Source: g.source})
			if err != nil {
				t.Fatalf("MoveTables: %v (%+v)", err, res)
			}
			if len(res.Tables) != 3 {
				t.Fatalf("moved %d tables, want countries, orders, users: %+v", len(res.Tables), res.Tables)
			}
			for _, tc := range res.Tables {
				if tc.Source != tc.Target || tc.Source.Rows == 0 {
					t.Errorf("table %s: source %s, shards %s", tc.Table, tc.Source, tc.Target)
				}
			}
			g.checkPlacement(t)
			g.checkClean(t)
			want := g.answers(t)
			if !strings.Contains(want[0], "\n1200\n") {
				t.Fatalf("users after movetables: %q", want[0])
			}
			if !strings.Contains(want[len(want)-1], "\n1200\n") {
				t.Fatalf("lookup rows after movetables: %q", want[len(want)-1])
			}

			// The sequence hands out ids past the largest one copied.
			db, err := sql.Open("vitessdo", g.dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("INSERT INTO users (name, email) VALUES ('new', 'new@example.com')"); err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := db.QueryRow("SELECT id FROM users WHERE email = 'new@example.com'").Scan(&id); err != nil {
				t.Fatal(err)
			}
			if id <= fixtureUsers {
				t.Errorf("new user got id %d, not above the %d copied", id, fixtureUsers)
			}
			if _, err := db.Exec("DELETE FROM users WHERE id = ?", id); err != nil {
				t.Fatal(err)
			}
			db.Close()

			// 2 -> 4.
			four := []string{"-40", "40-80", "80-c0", "c0-"}
			rr, err := Reshard(ctx, g.cfg, g.reshardOptions(t, four))
			if err != nil {
				t.Fatalf("Reshard 2->4: %v (%+v)", err, rr)
			}
			if !rr.Switched || len(rr.Copied) != 4 || len(rr.Retired) != 2 {
				t.Fatalf("Reshard 2->4: %+v", rr)
			}
			for _, d := range rr.Diffs {
				if !d.OK() {
					t.Errorf("diff: %+v", d)
				}
			}
			if _, err := os.Stat(rr.VSchemaBackup); err != nil {
				t.Errorf("old vschema not kept: %v", err)
			}
			g.sameAnswers(t, want)
			g.checkPlacement(t)
			g.checkClean(t)

			// 4 -> 2, interrupted in the middle of the copy.
			two := []string{"-80", "80-"}
			before, err := os.ReadFile(g.vschema)
			if err != nil {
				t.Fatal(err)
			}
			cctx, cancel := context.WithCancel(ctx)
			opts := g.reshardOptions(t, two)
			var batches atomic.Int64
			var phases []string
			opts.afterBatch = func() {
				if batches.Add(1) == 3 {
					cancel()
				}
			}
			opts.Progress = func(p Progress) { phases = append(phases, p.Phase) }
			if _, err := Reshard(cctx, g.cfg, opts); !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted Reshard: %v, want context.Canceled", err)
			}
			cancel()
			if batches.Load() < 3 || slices.Contains(phases, "verify") {
				t.Fatalf("the reshard was not interrupted in the copy: %d batches, phases %v", batches.Load(), phases)
			}
			after, err := os.ReadFile(g.vschema)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(before) {
				t.Fatalf("an interrupted reshard changed the vschema:\n%s", after)
			}
			g.sameAnswers(t, want)
			g.checkPlacement(t)
			g.checkClean(t)
			if e.name == "sqlite" {
				g.refusesHalfDone(t, two)
			}

			// The re-run completes.
			opts.Progress, opts.afterBatch = nil, nil
			opts.Cleanup = true
			rr, err = Reshard(ctx, g.cfg, opts)
			if err != nil {
				t.Fatalf("Reshard 4->2 re-run: %v (%+v)", err, rr)
			}
			if !rr.Switched || len(rr.Removed) != 4 {
				t.Fatalf("Reshard 4->2: %+v", rr)
			}
			g.sameAnswers(t, want)
			g.checkPlacement(t)
			g.checkClean(t)
		})
	}
}

// refusesHalfDone opens the driver on a VSchema that lists the shards of
// an unfinished reshard and expects a refusal that says so.
func (g *growth) refusesHalfDone(t *testing.T, shards []string) {
	t.Helper()
	data, err := os.ReadFile(g.vschema)
	if err != nil {
		t.Fatal(err)
	}
	var vs map[string]map[string]map[string]any
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	vs["keyspaces"]["app"]["shards"] = shards
	edited, err := json.Marshal(vs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(g.dir, "edited.vschema.json")
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	var n int
	db, err := sql.Open("vitessdo", "vschema="+url.QueryEscape(path)+"&dir="+url.QueryEscape(filepath.Join(g.dir, "data")))
	if err == nil {
		defer db.Close()
		err = db.QueryRow("SELECT COUNT(*) FROM users").Scan(&n)
	}
	if err == nil || !strings.Contains(err.Error(), "reshard") {
		t.Fatalf("the driver on the shards of a half-done reshard: %v (%d users), want a refusal naming the reshard", err, n)
	}
}

func TestMoveTablesInterruptedThenRerunSkipsWhatItCopied(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			g := newGrowth(t, e)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var done []string
			opts := MoveTablesOptions{Source: g.source, afterTable: func(table string) {
				done = append(done, table)
				if len(done) == 2 {
					cancel()
				}
			}}
			if _, err := MoveTables(ctx, g.cfg, opts); !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted MoveTables: %v, want context.Canceled", err)
			}
			if len(done) != 2 {
				t.Fatalf("tables committed before the interruption: %v", done)
			}
			opts.afterTable = nil
			res, err := MoveTables(context.Background(), g.cfg, opts)
			if err != nil {
				t.Fatalf("MoveTables re-run: %v", err)
			}
			var skipped []string
			for _, tc := range res.Tables {
				if tc.Skipped {
					skipped = append(skipped, tc.Table)
				}
				if tc.Source != tc.Target {
					t.Errorf("table %s: source %s, shards %s", tc.Table, tc.Source, tc.Target)
				}
			}
			if !slices.Equal(skipped, done) {
				t.Errorf("re-run skipped %v, want the tables copied before: %v", skipped, done)
			}
			if len(res.Sequences) != 2 {
				t.Errorf("sequences advanced: %+v", res.Sequences)
			}
			g.checkPlacement(t)
			g.checkClean(t)
		})
	}
}

func TestReshardRefusesToSwitchAfterAWriteDuringTheCopy(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			g := newGrowth(t, e)
			if _, err := MoveTables(ctx, g.cfg, MoveTablesOptions{Source: g.source}); err != nil {
				t.Fatal(err)
			}
			want := g.answers(t)
			before, err := os.ReadFile(g.vschema)
			if err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("vitessdo", g.dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			opts := g.reshardOptions(t, []string{"-40", "40-80", "80-"})
			wrote := false
			opts.Progress = func(p Progress) {
				if p.Phase == "copy" && p.Rows == p.Total && !wrote {
					wrote = true
					if _, err := db.Exec("UPDATE users SET name = 'changed' WHERE id = 5"); err != nil {
						t.Error(err)
					}
				}
			}
			res, err := Reshard(ctx, g.cfg, opts)
			if !errors.Is(err, ErrWritesDuringCopy) {
				t.Fatalf("Reshard with a write during the copy: %v (%+v), want ErrWritesDuringCopy", err, res)
			}
			if res.Switched {
				t.Fatal("switched after a write during the copy")
			}
			after, _ := os.ReadFile(g.vschema)
			if string(after) != string(before) {
				t.Fatal("the vschema changed")
			}
			got := g.answers(t)
			if got[2] == want[2] || !strings.Contains(got[2], "changed") {
				t.Errorf("the write is not read back through the old layout")
			}
		})
	}
}

func TestReshardRejectsAShardListWithAGap(t *testing.T) {
	g := newGrowth(t, engine{"sqlite", engines(t)[0].url})
	_, err := Reshard(context.Background(), g.cfg, ReshardOptions{Keyspace: "app", To: []string{"-40", "80-"}})
	if err == nil || !strings.Contains(err.Error(), "gap") {
		t.Fatalf("Reshard with a gap: %v", err)
	}
}
