package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// heldTx holds a connection of b and begins a transaction on it.
func heldTx(t *testing.T, b *Backend) (*HeldConn, BackendTx, *TxConn) {
	t.Helper()
	h := new(HeldConn)
	if err := b.Hold(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	tx, err := b.BeginHeld(context.Background(), h, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h, tx, &TxConn{Querier: tx, Held: h}
}

func TestHeldConnTransactionRunsWithoutDB(t *testing.T) {
	for _, end := range []struct {
		name string
		end  func(BackendTx) error
		want string
	}{
		{"commit", BackendTx.Commit, "-1"},
		{"rollback", BackendTx.Rollback, "10"},
	} {
		t.Run(end.name, func(t *testing.T) {
			b, s, d := cachingBackend(t, 2, 40)
			ctx := context.Background()
			readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 1)
			conns0, _, _, _ := d.counts()
			h, tx, q := heldTx(t, b)
			if _, err := Exec(ctx, s, q, "UPDATE t SET v = ? WHERE id = ?", []any{-1, 1}, false); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT "a"`); err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, s, q, "SELECT v FROM t WHERE id = ?", 1); fmt.Sprint(got) != "[-1]" {
				t.Errorf("the transaction's write not seen in it: %v", got)
			}
			// Nothing of database/sql so far: the connection is the
			// pool's, DB has none open.
			if n := b.DB.Stats().OpenConnections; n != 0 {
				t.Errorf("DB has %d connections open for the transaction's statements", n)
			}
			if n := poolInUse(b); n != 1 {
				t.Errorf("%d pool connections in use, want the transaction's", n)
			}
			// A query read through database/sql runs in the transaction,
			// on a *sql.Conn lent over the same connection.
			var v int64
			if err := tx.QueryRowContext(ctx, "SELECT v FROM t WHERE id = 1").Scan(&v); err != nil || v != -1 {
				t.Errorf("text query in the transaction: %d, %v", v, err)
			}
			if n := poolInUse(b); n != 1 {
				t.Errorf("%d pool connections in use after the text query, want the transaction's", n)
			}
			if err := end.end(tx); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); !errors.Is(err, sql.ErrTxDone) {
				t.Errorf("Commit after the end: %v, want sql.ErrTxDone", err)
			}
			h.Release()
			h.Release()
			if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id = ?", 1); fmt.Sprint(got) != "["+end.want+"]" {
				t.Errorf("after %s: %v, want %s", end.name, got, end.want)
			}
			if conns, _, _, _ := d.counts(); conns != conns0 {
				t.Errorf("%d connections opened, want the pool's one reused", conns-conns0)
			}
			if n, open := poolInUse(b), b.DB.Stats().OpenConnections; n != 0 || open != 0 {
				t.Errorf("%d pool connections in use, %d of DB open after the transaction", n, open)
			}
		})
	}
}

func TestHeldConnBrokenUnderTheTransactionIsDiscarded(t *testing.T) {
	for _, lent := range []bool{false, true} {
		t.Run(fmt.Sprint("lent=", lent), func(t *testing.T) {
			b, s, d := cachingBackend(t, 2, 5)
			ctx := context.Background()
			h, tx, q := heldTx(t, b)
			if lent {
				var n int64
				if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 5 {
					t.Fatalf("count %d, %v", n, err)
				}
			}
			_, closed0, _, _ := d.counts()
			d.mu.Lock()
			d.badConn = 1
			d.mu.Unlock()
			if _, err := Exec(ctx, s, q, "UPDATE t SET v = 0 WHERE id = ?", []any{1}, false); !errors.Is(err, driver.ErrBadConn) {
				t.Fatalf("broken connection: %v, want driver.ErrBadConn", err)
			}
			if _, err := Exec(ctx, s, q, "UPDATE t SET v = 0 WHERE id = ?", []any{2}, false); !errors.Is(err, sql.ErrConnDone) {
				t.Errorf("a statement after the connection broke: %v, want sql.ErrConnDone", err)
			}
			if err := tx.Commit(); !errors.Is(err, sql.ErrConnDone) {
				t.Errorf("Commit after the connection broke: %v, want sql.ErrConnDone", err)
			}
			h.Release()
			if _, closed, _, _ := d.counts(); closed != closed0+1 {
				t.Errorf("%d connections closed, want the broken one", closed-closed0)
			}
			if n := poolInUse(b); n != 0 {
				t.Errorf("%d pool connections in use", n)
			}
			if got := readAll(t, s, b.DB, "SELECT v FROM t WHERE id <= ? ORDER BY id", 2); fmt.Sprint(got) != "[10 20]" {
				t.Errorf("after the broken transaction: %v", got)
			}
		})
	}
}

// A transaction's scatter reads its shard on a goroutine while another
// statement of the transaction runs: one at a time on the connection.
func TestHeldConnStatementsAtOnce(t *testing.T) {
	b, s, _ := cachingBackend(t, 2, 300)
	ctx := context.Background()
	h, tx, q := heldTx(t, b)
	defer h.Release()
	defer tx.Rollback()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if _, err := Exec(ctx, s, q, "UPDATE t SET v = v + 1 WHERE id = ?", []any{g*20 + i + 1}, false); err != nil {
					errs <- err
					return
				}
				if got := readAll(t, s, q, "SELECT id FROM t WHERE id > ?", 0); len(got) != 300 {
					errs <- fmt.Errorf("%d rows", len(got))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := readAll(t, s, q, "SELECT sum(v) FROM t WHERE id <= ?", 80); fmt.Sprint(got) != fmt.Sprint([]int{80*81/2*10 + 80}) {
		t.Errorf("sum %v", got)
	}
}
