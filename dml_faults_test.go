package vitessdo_test

import (
	"database/sql"
	"testing"
)

// newTaggedItems opens vitessdo over fault-injecting shards of the merge
// VSchema holding 40 items, each with one tag 't' of weight id%3.
func newTaggedItems(t *testing.T, e engine) (*txEnv, *sql.DB) {
	t.Helper()
	env := newTxEnv(t, e, mergeVSchema)
	db, _ := env.open(t, "")
	for _, ddl := range mergeDDL {
		mustExec(t, db, ddl)
	}
	for id := int64(1); id <= 40; id++ {
		mustExec(t, db, "INSERT INTO items (id, qty) VALUES (?, ?)", id, id%5)
		mustExec(t, db, "INSERT INTO item_tags (item_id, tag, weight) VALUES (?, 't', ?)", id, id%3)
	}
	return env, db
}

// execFailingOnLastShard runs write with the last shard of keyspace shop
// failing the statements that start with failing, and returns how many
// statements starting with watch each shard ran before the write gave up
// (the failing shard's own attempt included). The write must fail; the
// faults are reset afterwards, their counts kept.
func execFailingOnLastShard(t *testing.T, env *txEnv, db *sql.DB, write, watch, failing string) (shards []string, ran map[string]int) {
	t.Helper()
	shards = env.shards("shop")
	env.faults.watchFor(watch)
	env.faults.add(&faultRule{shard: shards[len(shards)-1], op: "exec", sql: failing, err: errInjected})
	if _, err := db.Exec(write); err == nil {
		t.Fatalf("%s succeeded with a failing shard", write)
	}
	ran = map[string]int{}
	for _, sh := range shards {
		ran[sh] = env.faults.count(sh + " exec " + watch)
	}
	env.faults.reset()
	return shards, ran
}

// ranBeforeLast sums the statements the shards other than the last ran.
func ranBeforeLast(shards []string, ran map[string]int) int {
	n := 0
	for _, sh := range shards[:len(shards)-1] {
		n += ran[sh]
	}
	return n
}

// execRolledBack runs write in a transaction of the sharded side, reads
// count there, rolls the transaction back and requires every table of
// the merge VSchema to equal the oracle's again. It returns the rows the
// write affected and the count read after it.
func execRolledBack(t *testing.T, p *pair, write, count string) (affected, counted int64) {
	t.Helper()
	tx, err := p.sharded.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	res, err := tx.Exec(write)
	if err != nil {
		t.Fatalf("%s: %v", write, err)
	}
	affected, _ = res.RowsAffected()
	if err := tx.QueryRow(count).Scan(&counted); err != nil {
		t.Fatalf("%s: %v", count, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	for _, tb := range mergeTables {
		p.compareRows(t, "SELECT * FROM "+tb)
	}
	return affected, counted
}
