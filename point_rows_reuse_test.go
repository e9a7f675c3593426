package vitessdo_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/dot-do/vitessdo"
)

// hotConn returns a connection of vitessdo over hotVSchema's shards
// holding t's rows 1..40, closed when t ends.
func hotConn(t *testing.T, e engine) *sql.Conn {
	t.Helper()
	p := newPair(t, e, hotVSchema)
	loadHot(t, p, 40)
	conn, err := p.sharded.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// readIDV reads rows of (id, v) to the end as "id v" texts and closes
// them.
func readIDV(t *testing.T, rows *sql.Rows) []string {
	t.Helper()
	var got []string
	for rows.Next() {
		var id, v int
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(id, v))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	return got
}

// A point select's rows are the connection's next point select's once
// database/sql has closed them; rows still open are never reused, so
// rows read side by side keep their own values.
func TestPointSelectReusesClosedRows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		conn := hotConn(t, e)
		last := func() any {
			var pr any
			if err := conn.Raw(func(dc any) error {
				pr = vitessdo.LastPointRows(dc)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return pr
		}
		read := func(rows *sql.Rows) string { return fmt.Sprint(readIDV(t, rows)) }
		const q = "SELECT id, v FROM t WHERE id = ?"
		var v int
		if err := conn.QueryRowContext(ctx, q, 1).Scan(new(int), &v); err != nil {
			t.Fatal(err)
		}
		first := last()
		if first == nil {
			t.Skip("the point select's rows are not a connection's own on this engine")
		}
		for id := 2; id <= 5; id++ {
			var got, gotV int
			if err := conn.QueryRowContext(ctx, q, id).Scan(&got, &gotV); err != nil {
				t.Fatal(err)
			}
			if got != id || gotV != id%5 {
				t.Fatalf("id %d: row %d %d, want %d %d", id, got, gotV, id, id%5)
			}
			if pr := last(); pr != first {
				t.Fatalf("id %d: the closed rows were not reused", id)
			}
		}
		a, err := conn.QueryContext(ctx, q, 6)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		open := last()
		b, err := conn.QueryContext(ctx, q, 7)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if last() == open {
			t.Fatal("rows still open were reused")
		}
		if got := read(b); got != "[7 2]" {
			t.Errorf("id 7: rows %s, want [7 2]", got)
		}
		if got := read(a); got != "[6 1]" {
			t.Errorf("id 6: rows %s, want [6 1]", got)
		}
		if a.Next() {
			t.Error("closed rows read a row after the next point select")
		}
	})
}

// A write's arguments are the connection's buffer again when it
// returns: statements after it, and rows opened before it, read their
// own.
func TestWritesBetweenStatementsKeepEachOnesArguments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		conn := hotConn(t, e)
		upd, err := conn.PrepareContext(ctx, "UPDATE t SET v = ? WHERE id = ?")
		if err != nil {
			t.Fatal(err)
		}
		defer upd.Close()
		scatter, err := conn.QueryContext(ctx, "SELECT id FROM t WHERE id BETWEEN ? AND ? ORDER BY id", 3, 30)
		if err != nil {
			t.Fatal(err)
		}
		defer scatter.Close()
		for id := 1; id <= 10; id++ {
			if id%2 == 0 {
				_, err = upd.ExecContext(ctx, 100+id, id)
			} else {
				_, err = conn.ExecContext(ctx, "UPDATE t SET v = ? WHERE id = ?", 100+id, id)
			}
			if err != nil {
				t.Fatal(err)
			}
			var v int
			if err := conn.QueryRowContext(ctx, "SELECT v FROM t WHERE id = ?", id).Scan(&v); err != nil {
				t.Fatal(err)
			}
			if v != 100+id {
				t.Fatalf("id %d: v = %d after the update, want %d", id, v, 100+id)
			}
		}
		var ids []int
		for scatter.Next() {
			var id int
			if err := scatter.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := scatter.Err(); err != nil {
			t.Fatal(err)
		}
		if len(ids) != 28 || ids[0] != 3 || ids[27] != 30 {
			t.Fatalf("rows opened before the writes: %v, want 3..30", ids)
		}
	})
}
