package vitessdo_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/shard/sqlite"
)

// layoutVSchema is a keyspace ks over shards, its table t placed by a
// vindex of type typ on id.
func layoutVSchema(shards []string, typ string) string {
	return fmt.Sprintf(`{"keyspaces": {"ks": {"sharded": true, "shards": [%s],
		"vindexes": {"v": {"type": %q}},
		"tables": {"t": {"column_vindexes": [{"column": "id", "name": "v"}]}}}}}`,
		`"`+strings.Join(shards, `","`)+`"`, typ)
}

// layoutFixture opens the keyspace over backends chosen by url, fills t
// with n rows, and closes it.
type layoutFixture struct {
	urls map[string]string // shard → backend URL
	e    engine
}

func newLayoutFixture(e engine) *layoutFixture {
	return &layoutFixture{urls: map[string]string{}, e: e}
}

func (f *layoutFixture) config(t *testing.T, shards []string, typ string) *vitessdo.Config {
	t.Helper()
	cfg := &vitessdo.Config{VSchemaJSON: []byte(layoutVSchema(shards, typ)), Shards: map[string]string{}}
	for _, sh := range shards {
		if f.urls[sh] == "" {
			f.urls[sh] = f.e.url(t, "ks", sh)
		}
		cfg.Shards["ks/"+sh] = f.urls[sh]
	}
	return cfg
}

func (f *layoutFixture) open(t *testing.T, shards []string, typ string) (*sql.DB, error) {
	t.Helper()
	c, err := vitessdo.NewConnector(f.config(t, shards, typ))
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db, nil
}

func (f *layoutFixture) fill(t *testing.T, shards []string, typ string, n int) {
	t.Helper()
	db, err := f.open(t, shards, typ)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(20))"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if _, err := db.Exec("INSERT INTO t (id, v) VALUES (?, ?)", i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// wantLayoutError checks that err is a LayoutError naming shard (any
// shard when "") and the reshard command.
func wantLayoutError(t *testing.T, err error, shardName, problem string) *vitessdo.LayoutError {
	t.Helper()
	var le *vitessdo.LayoutError
	if !errors.As(err, &le) {
		t.Fatalf("open: got %v, want a *LayoutError", err)
	}
	if le.Keyspace != "ks" || (shardName != "" && le.Shard != shardName) {
		t.Errorf("LayoutError names %s/%s, want ks/%s: %v", le.Keyspace, le.Shard, shardName, le)
	}
	if !strings.Contains(le.Error(), "vitessdo reshard") || !strings.Contains(le.Error(), problem) {
		t.Errorf("LayoutError %q does not say %q and to run vitessdo reshard", le, problem)
	}
	return le
}

var (
	fourShards = []string{"-40", "40-80", "80-c0", "c0-"}
	fiveShards = []string{"-40", "40-80", "80-c0", "c0-e0", "e0-"}
	splitFirst = []string{"-20", "20-40", "40-80", "80-c0", "c0-"}
)

func TestLayoutSplitShardWithoutReshardIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		f := newLayoutFixture(e)
		f.fill(t, fourShards, "hash", 40)
		// -20 and 20-40 are new, empty backends: the rows of -40 never
		// moved to them.
		_, err := f.open(t, splitFirst, "hash")
		wantLayoutError(t, err, "-20", "data was never moved")
	})
}

func TestLayoutShardOnBackendOfAnotherKeyRangeIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		f := newLayoutFixture(e)
		f.fill(t, fourShards, "hash", 40)
		// -20 is given the backend that holds -40.
		f.urls["-20"] = f.urls["-40"]
		_, err := f.open(t, splitFirst, "hash")
		wantLayoutError(t, err, "-20", "holds shard -40")
	})
}

func TestLayoutConsistentHashFourToFiveShardsIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		f := newLayoutFixture(e)
		f.fill(t, fourShards, "consistent_hash", 400)
		f.urls["c0-e0"] = f.urls["c0-"]
		_, err := f.open(t, fiveShards, "consistent_hash")
		wantLayoutError(t, err, "-40", "placed over the shards -40,40-80,80-c0,c0-")
	})
}

func TestLayoutEmptyKeyspaceOpensUnderANewShardList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		f := newLayoutFixture(e)
		db, err := f.open(t, fourShards, "consistent_hash")
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if _, err := f.open(t, fiveShards, "consistent_hash"); err != nil {
			t.Fatalf("empty keyspace under five shards: %v", err)
		}
		f.fill(t, fiveShards, "consistent_hash", 10)
		db, err = f.open(t, fiveShards, "consistent_hash")
		if err != nil {
			t.Fatalf("reopening the same layout: %v", err)
		}
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 10 {
			t.Fatalf("count: %d, %v", n, err)
		}
	})
}

// backendAt opens a backend URL apart from the driver, as a workflow does.
func backendAt(t *testing.T, url string) *shard.Backend {
	t.Helper()
	cfg := &vitessdo.Config{VSchemaJSON: []byte(`{"keyspaces": {"x": {"sharded": false}}}`), Shards: map[string]string{"x/0": url}, SkipLayoutCheck: true}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.Topology().Shards("x")[0].Backend
}

// reshardByHand does what a reshard of -40 into -20 and 20-40 leaves
// behind: before it switches (finish false), the rows copied through the
// driver's new layout and the new shards recorded as reshard targets;
// when it has switched, the new shards serving and -40 retired.
func reshardByHand(t *testing.T, f *layoutFixture, finish bool) {
	t.Helper()
	ctx := context.Background()
	if !finish {
		copyByHand(t, f)
	}
	for _, sh := range []string{"-20", "20-40"} {
		b := backendAt(t, f.urls[sh])
		kr, _ := key.ParseKeyRange(sh)
		state := shard.StateServing
		if !finish {
			state = shard.StateResharding
		}
		if err := shard.WriteRecord(ctx, b, shard.Record{Keyspace: "ks", Shard: sh, KeyRange: kr, State: state, Detail: strings.Join(splitFirst, ",")}); err != nil {
			t.Fatal(err)
		}
	}
	if finish {
		if err := shard.MarkRetired(ctx, backendAt(t, f.urls["-40"]), "ks", "-40"); err != nil {
			t.Fatal(err)
		}
	}
}

// copyByHand copies the rows of -40 into the split layout.
func copyByHand(t *testing.T, f *layoutFixture) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.open(t, splitFirst, "hash"); err == nil {
		t.Fatal("split layout opened before the copy")
	}
	cfg := f.config(t, splitFirst, "hash")
	cfg.SkipLayoutCheck = true
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE IF NOT EXISTS t (id BIGINT PRIMARY KEY, v VARCHAR(20))"); err != nil {
		t.Fatal(err)
	}
	rs, err := backendAt(t, f.urls["-40"]).DB.QueryContext(ctx, "SELECT id, v FROM t")
	if err != nil {
		t.Fatal(err)
	}
	var rows [][2]any
	for rs.Next() {
		var id int64
		var v string
		if err := rs.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, [2]any{id, v})
	}
	rs.Close()
	for _, r := range rows {
		if _, err := db.Exec("INSERT INTO t (id, v) VALUES (?, ?)", r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLayoutAFinishedReshardOpensAndAHalfDoneOneIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		f := newLayoutFixture(e)
		f.fill(t, fourShards, "hash", 40)
		reshardByHand(t, f, false)
		_, err := f.open(t, splitFirst, "hash")
		if le := wantLayoutError(t, err, "-20", "has not switched"); !le.HalfDoneReshard {
			t.Errorf("%v: HalfDoneReshard is false", le)
		}
		// The layout before the reshard still reads every row.
		db, err := f.open(t, fourShards, "hash")
		if err != nil {
			t.Fatalf("old layout during the reshard: %v", err)
		}
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 40 {
			t.Fatalf("old layout count: %d, %v", n, err)
		}
		db.Close()
		reshardByHand(t, f, true)
		db, err = f.open(t, splitFirst, "hash")
		if err != nil {
			t.Fatalf("layout of a finished reshard: %v", err)
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 40 {
			t.Fatalf("new layout count: %d, %v", n, err)
		}
		// Going back to the retired shard is refused.
		_, err = f.open(t, fourShards, "hash")
		wantLayoutError(t, err, "-40", "retired")
	})
}

// writeLayoutVSchema writes a VSchema file for the dir= tests.
func writeLayoutVSchema(t *testing.T, path string, shards []string, typ string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(layoutVSchema(shards, typ)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLayoutUnlistedShardFileWithRowsIsRefused(t *testing.T) {
	dir := t.TempDir()
	vs := filepath.Join(dir, "app.vschema.json")
	dsn := "vschema=" + vs + "&dir=" + filepath.Join(dir, "data")
	writeLayoutVSchema(t, vs, fourShards, "hash")
	db, err := sql.Open("vitessdo", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(20))"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 40; i++ {
		if _, err := db.Exec("INSERT INTO t (id, v) VALUES (?, ?)", i, "x"); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// The split of -40 by editing the list alone: -20.db and 20-40.db
	// are new and empty, -40.db keeps its rows.
	writeLayoutVSchema(t, vs, splitFirst, "hash")
	if _, err := sql.Open("vitessdo", dsn); err == nil {
		t.Fatal("split by editing the vschema opened")
	} else if !strings.Contains(err.Error(), "-40.db holds rows") && !strings.Contains(err.Error(), "never moved") {
		t.Fatalf("split by editing the vschema: %v", err)
	}
	for _, sh := range []string{"-20", "20-40"} {
		os.Remove(filepath.Join(dir, "data", "ks", sh+".db"))
	}
	// -40 is dropped from the list and its range given to 40-80's
	// neighbour by renaming: -80 is a new file, -40.db keeps its rows.
	writeLayoutVSchema(t, vs, []string{"-80", "80-c0", "c0-"}, "hash")
	c, err := (&vitessdo.Driver{}).OpenConnector(dsn)
	if err == nil {
		c.(*vitessdo.Connector).Close()
	}
	var le *vitessdo.LayoutError
	if !errors.As(err, &le) {
		t.Fatalf("open: %v, want a LayoutError", err)
	}
	// Every problem is listed when the check is skipped.
	cfg, _ := vitessdo.ParseDSN(dsn)
	cfg.SkipLayoutCheck = true
	conn, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var got []string
	for _, p := range conn.LayoutProblems(context.Background()) {
		got = append(got, p.Shard)
	}
	if strings.Join(got, " ") != "-80 -40 40-80" {
		t.Errorf("problems on shards %v, want -80 (empty while siblings hold rows), -40 and 40-80 (unlisted files with rows)", got)
	}
	// A retired file no longer counts.
	for _, sh := range []string{"-40", "40-80"} {
		b, err := sqlite.Open("sqlite:"+filepath.Join(dir, "data", "ks", sh+".db"), shard.PoolOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := shard.MarkRetired(context.Background(), b, "ks", sh); err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
	got = nil
	for _, p := range conn.LayoutProblems(context.Background()) {
		got = append(got, p.Shard)
	}
	if strings.Join(got, " ") != "-80" {
		t.Errorf("problems after retiring -40 and 40-80: %v, want -80 only", got)
	}
}
