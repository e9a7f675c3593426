package vitessdo_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A write to a reference table runs on every shard's copy: one whose
// correlated subqueries read sharded tables would change each copy by
// that shard's rows only, and is refused; the copies stay equal.
func TestReferenceWriteOverCorrelatedShardedSubqueryIsRefusedAndCopiesStayEqual(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeItems(idsOnShard(0, 5)))
	for _, q := range []string{
		"UPDATE kinds SET label = 'z' WHERE EXISTS (SELECT 1 FROM items WHERE items.kind = kinds.code)",
		"DELETE FROM kinds WHERE code IN (SELECT kind FROM items WHERE items.name = kinds.label)",
		"UPDATE kinds SET label = (SELECT MAX(name) FROM items WHERE items.kind = kinds.code)",
	} {
		_, err := p.sharded.Exec(q)
		if !isUnsupported(err) || !strings.Contains(err.Error(), "reference table shop.kinds") {
			t.Errorf("%s: got %v, want an UnsupportedError naming the reference table", q, err)
		}
	}
	// Subqueries over the reference table itself are fine.
	p.exec(t, "UPDATE kinds SET label = 'z' WHERE code IN (SELECT code FROM kinds WHERE label = 'Ex')")
	copies := kindsCopies(t, p.sharded)
	if want := []string{"w=Double", "x=z", "y=Why"}; !cmp.Equal(copies[0], want) {
		t.Errorf("kinds = %v, want %v", copies[0], want)
	}
	// An uncorrelated one runs once, inside arithmetic too.
	p.exec(t, "UPDATE kinds SET label = 'y' WHERE (SELECT COUNT(*) FROM items) + 1 > 3")
	if got, want := kindsCopies(t, p.sharded)[0], []string{"w=y", "x=y", "y=y"}; !cmp.Equal(got, want) {
		t.Errorf("kinds = %v, want %v", got, want)
	}
}

// kindsCopies reads every shard's copy of kinds, ordered by code, and
// requires them to be equal.
func kindsCopies(t *testing.T, db *sql.DB) [][]string {
	t.Helper()
	ctx := context.Background()
	var copies [][]string
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, "USE `shop:"+sh+"`"); err != nil {
			t.Fatal(err)
		}
		rows, err := c.QueryContext(ctx, "SELECT code, label FROM kinds ORDER BY code")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var code string
			var label sql.NullString
			if err := rows.Scan(&code, &label); err != nil {
				t.Fatal(err)
			}
			got = append(got, code+"="+fmt.Sprint(label.String))
		}
		rows.Close()
		c.Close()
		copies = append(copies, got)
	}
	for i := 1; i < len(copies); i++ {
		if diff := cmp.Diff(copies[0], copies[i]); diff != "" {
			t.Errorf("copy %d of kinds differs from copy 0:\n%s", i, diff)
		}
	}
	return copies
}
