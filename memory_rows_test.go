package vitessdo_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/merge"
)

// An operator that must hold rows (a UNION's deduplication across shards,
// a sort of merged groups) holds at most max_memory_rows: past it the
// statement fails with an error naming the limit, never a partial result.
func TestMaxMemoryRowsBoundsOperatorsThatHoldRows(t *testing.T) {
	db := openMemoryBounded(t)
	loadItems(t, db, 100)
	for _, q := range []string{
		"SELECT name FROM items UNION SELECT tag FROM item_tags",
		"SELECT name FROM items UNION ALL SELECT tag FROM item_tags ORDER BY 1",
		"SELECT name, COUNT(*) FROM items GROUP BY name ORDER BY COUNT(*), name",
	} {
		wantMemoryRowsError(t, db, q)
	}
	// Within the bound, and where nothing is held, the answer is whole.
	for _, tt := range []struct {
		query string
		rows  int
	}{
		{"SELECT name FROM items UNION ALL SELECT tag FROM item_tags", 100},
		{"SELECT name FROM items ORDER BY name", 100},
		{"SELECT name FROM items UNION ALL SELECT tag FROM item_tags ORDER BY 1 LIMIT 5", 5},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp ORDER BY COUNT(*), grp", 10},
	} {
		wantRows(t, db, tt.query, tt.rows)
	}
}

// openMemoryBounded opens vitessdo over the merge schema on four SQLite
// shards with max_memory_rows = 20, the tables created and empty.
func openMemoryBounded(t *testing.T) *sql.DB {
	t.Helper()
	cfg := &vitessdo.Config{VSchemaJSON: []byte(mergeVSchema), Shards: map[string]string{}, MaxMemoryRows: 20}
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		cfg.Shards["shop/"+sh] = sqliteURL(t, "shop", sh)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	for _, ddl := range mergeDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// wantMemoryRowsError checks that query fails naming max_memory_rows = 20.
func wantMemoryRowsError(t *testing.T, db *sql.DB, query string) {
	t.Helper()
	_, err := queryAll(db, query)
	var me *merge.MemoryRowsError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "max_memory_rows = 20") {
		t.Errorf("%s: got %v, want an error naming max_memory_rows = 20", query, err)
	}
}

// wantRows checks that query answers with n rows.
func wantRows(t *testing.T, db *sql.DB, query string, n int) {
	t.Helper()
	res, err := queryAll(db, query)
	if err != nil {
		t.Errorf("%s: %v", query, err)
		return
	}
	if len(res.Rows) != n {
		t.Errorf("%s: %d rows, want %d", query, len(res.Rows), n)
	}
}
