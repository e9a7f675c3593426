package vitessdo_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/dot-do/vitessdo"
)

// txEnv is a set of shard backends that several connectors can open in
// turn (a crash test opens a second connector on the shards the first
// abandoned), with a fault plan wrapping every backend.
type txEnv struct {
	e       engine
	vschema string
	urls    map[string]string // keyspace/shard → backend URL
	faults  *faultPlan
}

// newTxEnv creates a backend for every shard of the VSchema. On
// PostgreSQL, prepared transactions the test leaves behind are resolved
// before the schemas are dropped (a prepared transaction's locks would
// block DROP SCHEMA).
func newTxEnv(t *testing.T, e engine, vschema string) *txEnv {
	t.Helper()
	var vs struct {
		Keyspaces map[string]struct {
			Shards []string `json:"shards"`
		} `json:"keyspaces"`
	}
	if err := json.Unmarshal([]byte(vschema), &vs); err != nil {
		t.Fatalf("test vschema: %v", err)
	}
	env := &txEnv{e: e, vschema: vschema, urls: map[string]string{}, faults: newFaultPlan()}
	for ks, k := range vs.Keyspaces {
		shards := k.Shards
		if len(shards) == 0 {
			shards = []string{"0"}
		}
		for _, sh := range shards {
			u := e.url(t, ks, sh)
			env.urls[ks+"/"+sh] = u
			env.faults.name(u, ks+"/"+sh)
		}
	}
	if e.name == "postgres" {
		t.Cleanup(func() { env.resolveLeftovers(t) })
	}
	return env
}

// open opens a connector on the environment's shards in a transaction
// mode; the database is closed when the test ends.
func (env *txEnv) open(t *testing.T, mode string, opts ...func(*vitessdo.Config)) (*sql.DB, *vitessdo.Connector) {
	t.Helper()
	cfg := &vitessdo.Config{VSchemaJSON: []byte(env.vschema), Shards: env.urls, TransactionMode: mode, WrapConnector: env.faults.wrap}
	for _, o := range opts {
		o(cfg)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatalf("NewConnector: %v", err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db, c
}

// shards returns the environment's shard names, sorted.
func (env *txEnv) shards(keyspace string) []string {
	var out []string
	for name := range env.urls {
		if ks, _, _ := cut(name); ks == keyspace {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func cut(name string) (string, string, bool) {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			return name[:i], name[i+1:], true
		}
	}
	return name, "", false
}

// resolveLeftovers runs a recovery on a fresh connector, then rolls back
// whatever vt2pc_ transaction of this environment is still prepared,
// failing the test if there was any.
func (env *txEnv) resolveLeftovers(t *testing.T) {
	env.faults.reset()
	cfg := &vitessdo.Config{VSchemaJSON: []byte(env.vschema), Shards: env.urls}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.RecoverTwoPC(ctx); err != nil {
		t.Errorf("cleanup: recovery: %v", err)
	}
	left := env.prepared(t)
	if len(left) == 0 {
		return
	}
	t.Errorf("prepared transactions left after the test and a recovery: %v", left)
	admin, err := sql.Open("pgx", os.Getenv(postgresEnv))
	if err != nil {
		return
	}
	defer admin.Close()
	for _, gid := range left {
		admin.ExecContext(ctx, "ROLLBACK PREPARED '"+gid+"'")
	}
}

// prepared lists the transactions the environment's backends were asked
// to PREPARE that are still prepared.
func (env *txEnv) prepared(t *testing.T) []string {
	t.Helper()
	gids := env.gids()
	if len(gids) == 0 {
		return nil
	}
	admin, err := sql.Open("pgx", os.Getenv(postgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	rows, err := admin.Query("SELECT gid FROM pg_prepared_xacts WHERE gid = ANY($1) ORDER BY gid", gids)
	if err != nil {
		t.Fatalf("listing prepared transactions: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var gid string
		rows.Scan(&gid)
		out = append(out, gid)
	}
	return out
}

// count returns a table's rows on each shard of a keyspace, read shard
// by shard through USE keyspace:shard.
func count(t *testing.T, db *sql.DB, keyspace, table string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var names []string
	rows, err := conn.QueryContext(ctx, "SHOW VITESS_SHARDS")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		if ks, _, _ := cut(s); ks == keyspace {
			names = append(names, s)
		}
	}
	rows.Close()
	out := map[string]int64{}
	for _, name := range names {
		ks, sh, _ := cut(name)
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("USE `%s:%s`", ks, sh)); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("counting %s on %s: %v", table, name, err)
		}
		out[name] = n
	}
	if _, err := conn.ExecContext(ctx, "USE `"+keyspace+"`"); err != nil {
		t.Fatal(err)
	}
	return out
}

// shardOf returns the shard VEXPLAIN routes a users row to.
func shardOf(t *testing.T, db *sql.DB, id int64) string {
	t.Helper()
	got := explain(t, db, "SELECT id FROM users WHERE id = ?", id)
	if len(got) != 1 {
		t.Fatalf("id %d reaches %v", id, got)
	}
	return got[0]
}

// idsByShard returns, for each shard of app, a few user ids it holds.
func idsByShard(t *testing.T, db *sql.DB, per int) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	for id := int64(1); ; id++ {
		s := shardOf(t, db, id)
		if len(out[s]) < per {
			out[s] = append(out[s], id)
		}
		full := len(out) == 4
		for _, ids := range out {
			full = full && len(ids) == per
		}
		if full {
			return out
		}
	}
}

// gids lists the ids of every PREPARE TRANSACTION the environment's
// backends saw.
func (env *txEnv) gids() []string {
	env.faults.mu.Lock()
	defer env.faults.mu.Unlock()
	return append([]string(nil), env.faults.prepared...)
}
