package vitessdo_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// vindexRow is a row of a vindex queried as a table.
type vindexRow struct {
	ID         string
	KeyspaceID []byte
	HexID      sql.NullString
	Shard      string
}

func queryVindex(t *testing.T, db *sql.DB, q string, args ...any) []vindexRow {
	t.Helper()
	rs, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	var out []vindexRow
	for rs.Next() {
		var r vindexRow
		if err := rs.Scan(&r.ID, &r.KeyspaceID, &r.HexID, &r.Shard); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// shardHolding returns the shard of app on which a query finds a row.
func shardHolding(t *testing.T, db *sql.DB, shards []string, q string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	for _, sh := range shards {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "USE `app:"+sh+"`"); err != nil {
			t.Fatal(err)
		}
		var n int
		err = conn.QueryRowContext(ctx, q, args...).Scan(&n)
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return sh
		}
	}
	return ""
}

func TestVindexAsATableNamesTheShardOfEachValue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newLookupPair(t, e)
		for i := 1; i <= 12; i++ {
			p.exec(t, "INSERT INTO users (id, email, name) VALUES (?, ?, ?)", i, fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("name-%d", i%5))
		}
		db := p.sharded
		shards := []string{"-80", "80-"}
		for i := 1; i <= 12; i++ {
			got := queryVindex(t, db, "SELECT id, keyspace_id, hex_keyspace_id, shard FROM hash WHERE id = ?", i)
			if len(got) != 1 {
				t.Fatalf("hash of %d: %d rows", i, len(got))
			}
			r := got[0]
			if want := shardHolding(t, db, shards, "SELECT COUNT(*) FROM users WHERE id = ?", i); r.Shard != want || r.ID != fmt.Sprint(i) {
				t.Errorf("hash of %d: row %+v, the row is on shard %s", i, r, want)
			}
			if r.HexID.String != hex.EncodeToString(r.KeyspaceID) || len(r.KeyspaceID) != 8 {
				t.Errorf("hash of %d: hex_keyspace_id %q of keyspace_id %x", i, r.HexID.String, r.KeyspaceID)
			}
			// The lookup vindex maps the user's email to the same
			// keyspace id.
			byEmail := queryVindex(t, db, "SELECT id, keyspace_id, hex_keyspace_id, shard FROM email_idx WHERE id = ?", fmt.Sprintf("u%d@example.com", i))
			if d := cmp.Diff([]vindexRow{{ID: fmt.Sprintf("u%d@example.com", i), KeyspaceID: r.KeyspaceID, HexID: r.HexID, Shard: r.Shard}}, byEmail); d != "" {
				t.Errorf("email_idx of user %d (-want +got):\n%s", i, d)
			}
		}
		// IN lists: one row per value, none for a value without a
		// lookup row; a non-unique lookup gives one row per keyspace id.
		if got := queryVindex(t, db, "SELECT id, keyspace_id, hex_keyspace_id, shard FROM app.hash WHERE id IN (1, 2, 3)"); len(got) != 3 {
			t.Errorf("hash IN (1, 2, 3): %d rows", len(got))
		}
		if got := queryVindex(t, db, "SELECT id, keyspace_id, hex_keyspace_id, shard FROM email_idx WHERE id IN ('u1@example.com', 'nobody@example.com')"); len(got) != 1 || got[0].ID != "u1@example.com" {
			t.Errorf("email_idx IN with a missing value: %+v", got)
		}
		if got := queryVindex(t, db, "SELECT id, keyspace_id, hex_keyspace_id, shard FROM name_idx WHERE id = 'name-1'"); len(got) != 3 {
			t.Errorf("name_idx of name-1 (users 1, 6, 11): %d rows %+v", len(got), got)
		}
		// Every column, by *.
		rs, err := db.Query("SELECT * FROM hash WHERE id = 1")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		rs.Close()
		if strings.Join(cols, ",") != "id,keyspace_id,range_start,range_end,hex_keyspace_id,shard" {
			t.Errorf("columns of SELECT *: %v", cols)
		}
		// A statement the vindex table does not answer says so.
		for _, q := range []string{
			"SELECT id, shard FROM hash",
			"SELECT id, shard FROM hash WHERE id = 1 ORDER BY shard",
			"SELECT name FROM hash WHERE id = 1",
		} {
			if _, err := db.Query(q); err == nil || !strings.Contains(err.Error(), "unsupported") {
				t.Errorf("%s: %v, want unsupported", q, err)
			}
		}
	})
}

func TestConsistentHashVindexAsATableNamesItsShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, `{"keyspaces": {"app": {"sharded": true, "shards": ["-40", "40-80", "80-c0", "c0-"],
			"vindexes": {"ch": {"type": "consistent_hash"}},
			"tables": {"items": {"column_vindexes": [{"column": "id", "name": "ch"}]}}}}}`)
		if _, err := db.Exec("CREATE TABLE items (id BIGINT PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		shards := []string{"-40", "40-80", "80-c0", "c0-"}
		for i := 1; i <= 20; i++ {
			if _, err := db.Exec("INSERT INTO items (id) VALUES (?)", i); err != nil {
				t.Fatal(err)
			}
			var id int64
			var ksid []byte
			var shard string
			if err := db.QueryRow("SELECT id, keyspace_id, shard FROM ch WHERE id = ?", i).Scan(&id, &ksid, &shard); err != nil {
				t.Fatal(err)
			}
			if want := shardHolding(t, db, shards, "SELECT COUNT(*) FROM items WHERE id = ?", i); shard != want || ksid != nil || id != int64(i) {
				t.Errorf("ch of %d: id %d, keyspace_id %x, shard %s; the row is on %s", i, id, ksid, shard, want)
			}
		}
	})
}
