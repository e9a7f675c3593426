package vitessdo_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// SELECT … FOR UPDATE and LOCK IN SHARE MODE over a join across shards
// return, in a transaction, the rows one database returns (SQLite drops
// the clause, as it does on one shard).
func TestJoinForUpdateEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.id FOR UPDATE",
			"SELECT a.id, b.id AS bid FROM items a JOIN items b ON b.qty = a.qty WHERE a.id < 20 FOR UPDATE",
			"SELECT t.note, i.name, k.label FROM tokens t JOIN items i ON i.id = t.item_id JOIN kinds k ON k.code = i.kind LOCK IN SHARE MODE",
			"SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.id ORDER BY a.id, t.note LIMIT 5 FOR UPDATE",
		} {
			got, gerr := queryInTx(p.sharded, q)
			want, werr := queryInTx(p.oracle, q)
			sameRows(t, q, got, want, gerr, werr)
		}
	})
}

// A lock over a join that one PostgreSQL database refuses (on the
// nullable side of an outer join, over grouped rows) is refused with its
// words; SQLite, which drops the clause, runs it.
func TestJoinForUpdateRefusedWhereOneDatabaseRefuses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, c := range []struct{ query, want string }{
			{"SELECT a.id, t.note FROM items a LEFT JOIN tokens t ON t.item_id = a.id FOR UPDATE", "nullable side of an outer join"},
			{"SELECT a.id, t.note FROM tokens t RIGHT JOIN items a ON t.item_id = a.id LOCK IN SHARE MODE", "nullable side of an outer join"},
			{"SELECT a.id, t.note FROM items a LEFT JOIN (tokens t JOIN items b ON b.id = t.item_id) ON t.item_id = a.id FOR UPDATE", "nullable side of an outer join"},
			{"SELECT a.grp, COUNT(*) AS n FROM items a JOIN tokens t ON t.item_id = a.id GROUP BY a.grp FOR UPDATE", "GROUP BY"},
			{"SELECT DISTINCT t.note FROM items a JOIN tokens t ON t.item_id = a.id FOR UPDATE", "DISTINCT"},
		} {
			got, gerr := queryInTx(p.sharded, c.query)
			want, werr := queryInTx(p.oracle, c.query)
			if e.name == "sqlite" {
				sameRows(t, c.query, got, want, gerr, werr)
				continue
			}
			if werr == nil || !strings.Contains(werr.Error(), c.want) {
				t.Fatalf("%s: one database gave %v, want an error naming %q", c.query, werr, c.want)
			}
			if gerr == nil || isUnsupported(gerr) || !strings.Contains(gerr.Error(), c.want) {
				t.Errorf("%s: sharded gave %v, want an error naming %q", c.query, gerr, c.want)
			}
		}
	})
}

// On PostgreSQL every leaf of the join locks the rows it reads in the
// session's transaction: another connection's UPDATE of an outer row
// and of an inner row waits until the transaction ends.
func TestJoinForUpdateLocksTheRowsOfEachLeaf(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		if e.name != "postgres" {
			t.Skip("SQLite has no row locks")
		}
		p := newMergePair(t, e, mergeLayouts()[0].items)
		id := mergeLayouts()[0].items[0].id
		tx, err := p.sharded.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		res, err := queryAll(tx, "SELECT a.id, t.note FROM items a JOIN tokens t ON t.item_id = a.id WHERE a.id = ? FOR UPDATE", id)
		if err != nil || len(res.Rows) == 0 {
			t.Fatalf("locking join: %v, %d rows", err, len(res.Rows))
		}
		for _, u := range []string{"UPDATE items SET qty = qty WHERE id = ?", "UPDATE tokens SET note = note WHERE item_id = ?"} {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			_, err := p.sharded.ExecContext(ctx, u, id)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) && (err == nil || !strings.Contains(err.Error(), "cancel")) {
				t.Errorf("%s while the join holds its locks: %v, want it to wait", u, err)
			}
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if _, err := p.sharded.Exec("UPDATE tokens SET note = note WHERE item_id = ?", id); err != nil {
			t.Errorf("after the transaction: %v", err)
		}
	})
}

// queryInTx runs a query in a transaction of its own, rolled back after.
func queryInTx(db *sql.DB, q string) (result, error) {
	tx, err := db.Begin()
	if err != nil {
		return result{}, err
	}
	defer tx.Rollback()
	return queryAll(tx, q)
}

// sameRows requires two answers to a query without errors and with the
// same columns and rows, in any order.
func sameRows(t *testing.T, q string, got, want result, gerr, werr error) {
	t.Helper()
	if gerr != nil || werr != nil {
		t.Fatalf("%s: sharded %v, one database %v", q, gerr, werr)
	}
	sortRows(got.Rows)
	sortRows(want.Rows)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: sharded differs from one database (-oracle +sharded):\n%s", q, diff)
	}
}
