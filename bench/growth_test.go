package bench

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/shard/sqlite"
	"github.com/dot-do/vitessdo/workflow"
)

// growthRows is the size of the growth benchmarks' plain table; run
// with -growth.rows 1000000 for the figures in README.md.
var growthRows = flag.Int("growth.rows", 100_000, "rows of the growth benchmarks' plain table")

const growthVSchema = `{"keyspaces": {"app": {
  "sharded": true,
  "shards": ["-40", "40-80", "80-c0", "c0-"],
  "vindexes": {"hash": {"type": "hash"}},
  "tables": {"orders": {"column_vindexes": [{"column": "user_id", "name": "hash"}]}}
}}}`

const growthSourceDDL = "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, item TEXT NOT NULL, qty INTEGER, price REAL, note TEXT)"

// growthDir is a directory on a memory-backed file system when there is
// one: the benchmarks time the copy, not fsync.
func growthDir(b *testing.B) string {
	b.Helper()
	base := os.TempDir()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "vitessdo-growth-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// fillGrowthSource writes the plain database: n orders of 20,000 users.
func fillGrowthSource(b *testing.B, path string, n int) {
	b.Helper()
	be, err := sqlite.Open("sqlite:"+path, shard.PoolOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	if _, err := be.DB.Exec(growthSourceDDL); err != nil {
		b.Fatal(err)
	}
	tx, err := be.DB.Begin()
	if err != nil {
		b.Fatal(err)
	}
	const per = 200
	q := "INSERT INTO orders (id, user_id, item, qty, price, note) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", per), ", ")
	args := make([]any, 0, per*6)
	for i := 1; i <= n; i++ {
		args = append(args, int64(i), int64(i*7919%20000), fmt.Sprintf("item-%d", i%977), int64(i%10), float64(i%1000)/4, fmt.Sprintf("order %d", i))
		if len(args) == cap(args) || i == n {
			qq := q
			if len(args) != cap(args) {
				qq = "INSERT INTO orders (id, user_id, item, qty, price, note) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(args)/6), ", ")
			}
			if _, err := tx.Exec(qq, args...); err != nil {
				b.Fatal(err)
			}
			args = args[:0]
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// copyPlain copies the source's rows into one new SQLite file with
// batched multi-row INSERTs in one transaction, the floor MoveTables is
// measured against.
func copyPlain(b *testing.B, source, dest string) {
	b.Helper()
	src, err := sqlite.Open("sqlite:"+source+"?mode=ro", shard.PoolOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := sqlite.Open("sqlite:"+dest, shard.PoolOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer dst.Close()
	if _, err := dst.DB.Exec("CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, item TEXT NOT NULL, qty BIGINT, price DOUBLE, note TEXT)"); err != nil {
		b.Fatal(err)
	}
	rows, err := src.DB.Query("SELECT id, user_id, item, qty, price, note FROM orders")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	tx, err := dst.DB.Begin()
	if err != nil {
		b.Fatal(err)
	}
	const per = 500
	stmt := func(n int) string {
		return "INSERT INTO orders (id, user_id, item, qty, price, note) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", n), ", ")
	}
	full := stmt(per)
	args := make([]any, 0, per*6)
	for rows.Next() {
		var id, user, qty int64
		var item, note string
		var price float64
		if err := rows.Scan(&id, &user, &item, &qty, &price, &note); err != nil {
			b.Fatal(err)
		}
		args = append(args, id, user, item, qty, price, note)
		if len(args) == cap(args) {
			if _, err := tx.Exec(full, args...); err != nil {
				b.Fatal(err)
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if _, err := tx.Exec(stmt(len(args)/6), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// phaseTimes records how long each phase of a workflow took.
type phaseTimes map[string]time.Duration

func (p phaseTimes) record(pr workflow.Progress) { p[pr.Phase] = pr.Elapsed }

// BenchmarkGrowthMoveTables copies -growth.rows rows of a plain SQLite
// table into 4 SQLite shards with MoveTables, and the same rows into one
// SQLite file with batched INSERTs in one transaction, in the same run.
// Reported: the plain copy, MoveTables' copy and verification, their
// ratio, and Reshard 4 -> 8 of the moved rows (copy, verification,
// whole).
func BenchmarkGrowthMoveTables(b *testing.B) {
	dir := growthDir(b)
	source := filepath.Join(dir, "plain-source.db")
	fillGrowthSource(b, source, *growthRows)
	ctx := context.Background()
	var plain, copyT, verifyT, whole, rsCopy, rsVerify, rsWhole time.Duration
	for i := range b.N {
		run := filepath.Join(dir, fmt.Sprint("run", i))
		if err := os.MkdirAll(run, 0o755); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		copyPlain(b, source, filepath.Join(run, "one.db"))
		plain += time.Since(start)

		vs := filepath.Join(run, "app.vschema.json")
		if err := os.WriteFile(vs, []byte(growthVSchema), 0o644); err != nil {
			b.Fatal(err)
		}
		cfg, err := vitessdo.ParseDSN(url.Values{"vschema": {vs}, "dir": {filepath.Join(run, "data")}}.Encode())
		if err != nil {
			b.Fatal(err)
		}
		phases := phaseTimes{}
		start = time.Now()
		res, err := workflow.MoveTables(ctx, cfg, workflow.MoveTablesOptions{Source: "sqlite:" + source, Progress: phases.record})
		if err != nil {
			b.Fatal(err)
		}
		whole += time.Since(start)
		copyT += phases["copy"]
		verifyT += phases["verify"]
		if res.Tables[0].Target.Rows != int64(*growthRows) {
			b.Fatalf("moved %d rows", res.Tables[0].Target.Rows)
		}

		phases = phaseTimes{}
		start = time.Now()
		rr, err := workflow.Reshard(ctx, cfg, workflow.ReshardOptions{Keyspace: "app", To: shardNamesFor(8), Progress: phases.record})
		if err != nil {
			b.Fatal(err)
		}
		rsWhole += time.Since(start)
		rsCopy += phases["copy"]
		rsVerify += phases["verify"]
		if !rr.Switched {
			b.Fatalf("reshard did not switch: %+v", rr)
		}
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Milliseconds()) / n }
	b.ReportMetric(ms(plain), "plain-copy-ms")
	b.ReportMetric(ms(copyT), "movetables-copy-ms")
	b.ReportMetric(ms(verifyT), "movetables-verify-ms")
	b.ReportMetric(ms(whole), "movetables-ms")
	b.ReportMetric(float64(copyT)/float64(plain), "copy-ratio")
	b.ReportMetric(float64(whole)/float64(plain), "whole-ratio")
	b.ReportMetric(ms(rsCopy), "reshard-copy-ms")
	b.ReportMetric(ms(rsVerify), "reshard-verify-ms")
	b.ReportMetric(ms(rsWhole), "reshard-ms")
}
