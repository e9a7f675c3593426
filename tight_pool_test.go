package vitessdo_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
)

// TestTransactionScatteringBesideAnOrderedScatterOnOneConnectionPools
// runs, over pools of one connection a shard, a transaction that holds a
// shard's connection and then reads every shard, beside an autocommit
// scatter that took the first shards' connections, in shard order, and
// waits for the transaction's: neither may wait for the other for ever.
func TestTransactionScatteringBesideAnOrderedScatterOnOneConnectionPools(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env := newAppEnv(t, e)
		shards := env.shards("app")
		db, _ := env.open(t, vitessdo.TxMulti, func(c *vitessdo.Config) { c.MaxOpenConns = 1 })
		ctx := hangGuard(t)
		// Enough rows a shard that a shard's rows outlast its stream's
		// buffer: the scatter holds each connection while it waits.
		const perShard = 600
		ids := idsByShard(t, db, perShard+1)
		for _, s := range shards {
			for from := 0; from < perShard; from += 100 {
				var tuples []string
				var args []any
				for _, id := range ids[s][from : from+100] {
					tuples = append(tuples, "(?)")
					args = append(args, id)
				}
				mustExec(t, db, "INSERT INTO users (id) VALUES "+strings.Join(tuples, ", "), args...)
			}
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		// The transaction holds the third shard's one connection.
		if _, err := tx.ExecContext(ctx, "INSERT INTO users (id) VALUES (?)", ids[shards[2]][perShard]); err != nil {
			t.Fatal(err)
		}
		// The scatter reaches the second shard, holding the first's
		// connection; it is held there until the transaction reads.
		hold := make(chan struct{})
		env.faults.add(&faultRule{shard: shards[1], op: "query", sql: "SELECT", hold: hold, times: 1})
		scatter := make(chan error, 1)
		reached := env.faults.count(shards[1]+" query") + 1
		go func() {
			rows, err := db.QueryContext(ctx, "SELECT id FROM users ORDER BY id")
			if err != nil {
				scatter <- err
				return
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				scatter <- err
				return
			}
			// It waits for the transaction's connection, so it reads
			// the committed row too.
			if n != 4*perShard+1 {
				scatter <- fmt.Errorf("scatter read %d rows, want %d", n, 4*perShard+1)
				return
			}
			scatter <- nil
		}()
		for env.faults.count(shards[1]+" query") < reached {
			select {
			case err := <-scatter:
				t.Fatalf("scatter ended before it reached the second shard: %v", err)
			default:
			}
			runtimeGosched()
		}
		close(hold)
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
			t.Fatalf("the transaction's scatter: %v", err)
		}
		if n != 4*perShard+1 {
			t.Errorf("the transaction counts %d rows, want %d", n, 4*perShard+1)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-scatter; err != nil {
			t.Errorf("autocommit scatter: %v", err)
		}
	})
}

func runtimeGosched() { runtime.Gosched() }
