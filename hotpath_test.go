package vitessdo_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"testing"
	"time"
)

const hotVSchema = `{"keyspaces": {"app": {
  "sharded": true,
  "shards": ["-40", "40-80", "80-c0", "c0-"],
  "vindexes": {"hash": {"type": "hash"}},
  "tables": {"t": {"column_vindexes": [{"column": "id", "name": "hash"}]}}
}}}`

// loadHot fills t with n rows on both sides of a pair.
func loadHot(t *testing.T, p *pair, n int) {
	t.Helper()
	p.exec(t, "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v INT)")
	for id := 1; id <= n; id++ {
		p.exec(t, "INSERT INTO t (id, v) VALUES (?, ?)", id, id%5)
	}
}

// quietGoroutines returns the goroutine count once it stops falling
// (goroutines of finished work may still be exiting).
func quietGoroutines() int {
	n := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(2 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m >= n {
			return m
		}
		n = m
	}
	return n
}

// statementGoroutines counts the goroutines, other than the caller's, that
// run for a statement: vitessdo's own (fetchers, watchers), database/sql's
// watcher of a Rows' context, and the SQLite driver's interrupt watcher.
// Pool housekeeping (database/sql's connection opener and cleaner, which
// come and go with a pool's idle connections) is not counted.
func statementGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := bytes.Split(buf, []byte("\n\n"))
	count := 0
	for _, st := range stacks[1:] { // the first is the caller's
		if bytes.Contains(st, []byte("github.com/dot-do/vitessdo")) ||
			bytes.Contains(st, []byte("database/sql.(*Rows).awaitDone")) ||
			bytes.Contains(st, []byte("modernc.org/sqlite")) {
			count++
		}
	}
	return count
}

// goroutinesWhileOpen runs q on db and returns the statement goroutines
// before it and while its rows are open, after reading read rows (all of
// them when read is 0). Whether a shard statement is quick is measured,
// and a machine busy elsewhere can make one run slow: it tries a few
// times while goroutines run.
func goroutinesWhileOpen(t *testing.T, ctx context.Context, db *sql.DB, q string, read int) (before, during int) {
	t.Helper()
	for range 5 {
		before = statementGoroutines()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if read > 0 {
			for range read {
				rows.Next()
			}
			during = statementGoroutines()
		} else {
			during = statementGoroutines()
			for rows.Next() {
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if during <= before {
			break
		}
	}
	return before, during
}

// TestOpenRowsOfPointAndQuickScatterHoldNoGoroutine: while the rows of a
// point select, or of a scatter whose shard statements are quick (on
// SQLite), are open, vitessdo runs no goroutine for them (no watcher of a derived
// context, no fetcher per shard): their statements ran on the caller's
// goroutine.
func TestOpenRowsOfPointAndQuickScatterHoldNoGoroutine(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, hotVSchema)
		loadHot(t, p, 40)
		ctx := context.Background()
		queries := []string{"SELECT v FROM t WHERE id = 7"}
		if e.name == "sqlite" {
			// On PostgreSQL a shard statement takes a round trip, more
			// than a goroutine costs: scatters run on goroutines there.
			queries = append(queries, "SELECT COUNT(*) FROM t", "SELECT id FROM t WHERE v = 3 ORDER BY id")
		}
		for _, q := range queries {
			p.compareOrdered(t, q) // plans it, measures the shard statements
			before, during := goroutinesWhileOpen(t, ctx, p.sharded, q, 0)
			if during > before {
				t.Errorf("%s: %d goroutines while its rows are open, %d before", q, during, before)
			}
		}
	})
}

// TestScatterRowsBeyondABatchMatchOneDatabaseAndStopOnClose: shard
// statements whose rows outlast the first batch hand the rest to a
// fetching goroutine (or, quick ones on SQLite, read it on the caller's);
// the rows equal one database's, and closing the rows early ends every
// goroutine.
func TestScatterRowsBeyondABatchMatchOneDatabaseAndStopOnClose(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, hotVSchema)
		loadHot(t, p, 400)
		for range 3 { // the first run measures; later ones are planned by it
			p.compareOrdered(t, "SELECT id, v FROM t ORDER BY v, id")
			p.compareRows(t, "SELECT id, v FROM t WHERE v < 4")
		}
		before := quietGoroutines()
		for i := range 5 {
			rows, err := p.sharded.Query(fmt.Sprintf("SELECT id FROM t WHERE id > %d", i))
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				rows.Next()
			}
			rows.Close()
		}
		if after := settledGoroutines(before); after > before {
			t.Errorf("%d goroutines after closing the rows early, %d before", after, before)
		}
	})
}

// TestQuickScatterRowsBeyondABatchHoldNoGoroutine: on SQLite, a quick
// scatter whose shards return more rows than the first batch reads the
// later batches on the caller's goroutine: while its rows are open, read
// past the first batch or not, no goroutine runs for them; the rows equal
// one database's, and closing them early gives the connections back.
func TestQuickScatterRowsBeyondABatchHoldNoGoroutine(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		if e.name != "sqlite" {
			t.Skip("PostgreSQL scatters run on goroutines")
		}
		p := newPair(t, e, hotVSchema)
		loadHot(t, p, 160) // about 40 rows a shard, batches of 16 then 32
		queries := []string{"SELECT id, v FROM t WHERE id > 0", "SELECT id, v FROM t ORDER BY v DESC, id"}
		for _, q := range queries {
			for range 3 { // the first run measures the shard statements
				p.compareRows(t, q)
				p.compareOrdered(t, "SELECT id, v FROM t ORDER BY v DESC, id")
			}
			before, during := goroutinesWhileOpen(t, context.Background(), p.sharded, q, 50)
			if during > before {
				t.Errorf("%s: %d goroutines while its rows are open, %d before", q, during, before)
			}
			p.compareRows(t, q)
		}
	})
}

// TestPointSelectRowsOpenSideBySide: the rows of a point select (one
// allocation with the shard's rows under them) stay each statement's own
// while further point selects run on the same connection, outside and
// inside a transaction, prepared and not.
func TestPointSelectRowsOpenSideBySide(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		conn := hotConn(t, e)
		st, err := conn.PrepareContext(ctx, "SELECT id, v FROM t WHERE id = ?")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		type querier interface {
			QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		}
		check := func(t *testing.T, q querier, stmt *sql.Stmt) {
			var open []*sql.Rows
			for id := 1; id <= 8; id++ {
				var rows *sql.Rows
				var err error
				if id%2 == 0 {
					rows, err = stmt.QueryContext(ctx, id)
				} else {
					rows, err = q.QueryContext(ctx, "SELECT id, v FROM t WHERE id = ?", id)
				}
				if err != nil {
					t.Fatal(err)
				}
				open = append(open, rows)
			}
			for i, rows := range open {
				want := fmt.Sprint(i+1, (i+1)%5)
				got := readIDV(t, rows)
				if len(got) != 1 || got[0] != want {
					t.Errorf("id %d: rows %v, want [%s]", i+1, got, want)
				}
			}
		}
		t.Run("autocommit", func(t *testing.T) { check(t, conn, st) })
		t.Run("transaction", func(t *testing.T) {
			if e.name != "sqlite" {
				// pgx reads one statement's rows at a time on a
				// connection ("conn busy"); SQLite's point select has
				// read its rows and freed the connection.
				t.Skip("a PostgreSQL transaction's connection reads one statement's rows at a time")
			}
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			check(t, tx, tx.StmtContext(ctx, st))
		})
	})
}

// TestScatterRowsKeepTheirArgumentsBesidePointSelects: a scatter's rows,
// open beyond their first batch, read with their own arguments while
// point selects on the same connection run with others (a point select
// hands its arguments' buffer back to the connection for the next).
func TestScatterRowsKeepTheirArgumentsBesidePointSelects(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, hotVSchema)
		loadHot(t, p, 400)
		ctx := context.Background()
		conn, err := p.sharded.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		const point, scatter = "SELECT v FROM t WHERE id = ?", "SELECT id FROM t WHERE v = ? ORDER BY id"
		var v int
		if err := conn.QueryRowContext(ctx, point, 7).Scan(&v); err != nil || v != 2 {
			t.Fatalf("point select: %d, %v", v, err)
		}
		rows, err := conn.QueryContext(ctx, scatter, 3)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []int
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
			if len(got)%10 == 1 && e.name == "sqlite" {
				// Point selects between the scatter's rows (SQLite:
				// PostgreSQL's connection here reads one result at a
				// time, so they run after).
				for id := 1; id <= 3; id++ {
					if err := conn.QueryRowContext(ctx, point, id*5).Scan(&v); err != nil || v != 0 {
						t.Fatalf("point select of %d: %d, %v", id*5, v, err)
					}
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(got) != 80 || got[0] != 3 || got[79] != 398 {
			t.Errorf("scatter: %d rows %v … %v, want the 80 ids 3, 8, … 398", len(got), got[:min(3, len(got))], got[max(0, len(got)-3):])
		}
		for i, id := range got {
			if id%5 != 3 {
				t.Fatalf("row %d: id %d has v %d", i, id, id%5)
			}
		}
	})
}
