package vitessdo_test

import (
	"database/sql"
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// windowWrite is a generated UPDATE or DELETE whose uncorrelated
// subquery reads a windowed SELECT (drawn as windowedSelect draws it)
// as a derived table: the items or tags of the ids it keeps, by an IN
// list or a compared value.
func (g *queryGen) windowWrite() genQuery {
	ws := g.windowedSelect()
	sub := "(SELECT j FROM (" + ws.sql + ") AS d" + g.filter(ws, "d.") + ")"
	if g.chance(0.25) {
		sub = "(SELECT MIN(j) FROM (" + ws.sql + ") AS d" + g.filter(ws, "d.") + ")"
		return genQuery{sql: []string{"UPDATE items SET qty = qty + 1 WHERE id > ", "DELETE FROM item_tags WHERE item_id <= "}[g.r.Intn(2)] + sub, args: g.args}
	}
	heads := []string{"DELETE FROM items WHERE id IN ", "UPDATE items SET name = 'w', qty = qty * 2 WHERE id NOT IN ", "DELETE FROM item_tags WHERE item_id IN ", "UPDATE kinds SET label = 'k' WHERE EXISTS "}
	return genQuery{sql: heads[g.r.Intn(len(heads))] + sub, args: g.args}
}

// Generated UPDATEs and DELETEs with windows in their subqueries change
// the rows one database changes (each in a transaction, compared inside
// it and rolled back).
func TestQueryGenWindowWritesEqualOneDatabase(t *testing.T) {
	compareGeneratedWrites(t, 60, (*queryGen).windowWrite)
}

// compareGeneratedWrites draws n writes (or -querygen.n) from write, one
// seed each, on both engines over the generator's data, and compares
// each with compareWriteInTx.
func compareGeneratedWrites(t *testing.T, n int, write func(*queryGen) genQuery) {
	n = generatedCount(n)
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			compareWriteInTx(t, p, seed, write(&queryGen{r: rand.New(rand.NewSource(seed))}))
		}
	})
}

// compareWriteInTx runs a write on both databases, each in a
// transaction, requires the same RowsAffected and the same contents of
// the merge schema's tables, and rolls both back.
func compareWriteInTx(t *testing.T, p *pair, seed int64, q genQuery) {
	t.Helper()
	begin := func(db *sql.DB) *sql.Tx {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
	stx, otx := begin(p.sharded), begin(p.oracle)
	defer func() { _ = stx.Rollback(); _ = otx.Rollback() }()
	got, gerr := stx.Exec(q.sql, q.args...)
	want, werr := otx.Exec(q.sql, q.args...)
	if werr != nil {
		t.Fatalf("seed %d: oracle: %s %v: %v", seed, q.sql, q.args, werr)
	}
	if gerr != nil {
		t.Errorf("seed %d: sharded: %s %v: %v", seed, q.sql, q.args, gerr)
		return
	}
	gn, _ := got.RowsAffected()
	wn, _ := want.RowsAffected()
	if gn != wn {
		t.Errorf("seed %d: %s %v: RowsAffected %d, one database %d", seed, q.sql, q.args, gn, wn)
	}
	for _, tb := range mergeTables {
		g, err := queryAll(stx, "SELECT * FROM "+tb)
		if err != nil {
			t.Fatal(err)
		}
		w, err := queryAll(otx, "SELECT * FROM "+tb)
		if err != nil {
			t.Fatal(err)
		}
		sortRows(g.Rows)
		sortRows(w.Rows)
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("seed %d: %s %v: %s differs from one database (-oracle +sharded):\n%s", seed, q.sql, q.args, tb, diff)
		}
	}
}
