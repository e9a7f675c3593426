package vitessdo_test

import "testing"

// tokenVSchema shards tokens by the md5 of a binary key over four shards.
const tokenVSchema = `{
  "keyspaces": {
    "vault": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"md5": {"type": "binary_md5"}},
      "tables": {
        "tokens": {"column_vindexes": [{"column": "tok", "name": "md5"}]}
      }
    }
  }
}`

// Hexadecimal and bit literals are binary strings: the shards receive
// them as blobs, so the router maps them through the vindex as those
// bytes, in INSERT and in SELECT, and finds the row where one database
// finds it.
func TestBinaryLiteralsRouteAsTheBytesTheBackendCompares(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, tokenVSchema)
		p.exec(t, "CREATE TABLE tokens (tok VARBINARY(16) NOT NULL PRIMARY KEY, label VARCHAR(16))")
		p.exec(t, "INSERT INTO tokens (tok, label) VALUES (X'04', 'four'), (0x0102, 'one-two'), (b'1010', 'ten'), (?, 'arg')", []byte{0xff, 0})
		for i := 0; i < 24; i++ {
			p.exec(t, "INSERT INTO tokens (tok, label) VALUES (?, ?)", []byte{byte(0x10 + i), byte(i)}, "n")
		}
		for _, c := range []struct {
			query string
			args  []any
		}{
			{query: "SELECT label FROM tokens WHERE tok = 0x04"},
			{query: "SELECT label FROM tokens WHERE tok = 0x4"},
			{query: "SELECT label FROM tokens WHERE tok = X'04'"},
			{query: "SELECT label FROM tokens WHERE tok = b'100'"},
			{query: "SELECT label FROM tokens WHERE tok = x'0102'"},
			{query: "SELECT label FROM tokens WHERE tok = 0x0102"},
			{query: "SELECT label FROM tokens WHERE tok = b'1010'"},
			{query: "SELECT label FROM tokens WHERE tok = 0x0A"},
			{query: "SELECT label FROM tokens WHERE tok = 0xff00"},
			{query: "SELECT label FROM tokens WHERE tok = ?", args: []any{[]byte{4}}},
			{query: "SELECT label FROM tokens WHERE tok = ?", args: []any{[]byte{0xff, 0}}},
			{query: "SELECT label FROM tokens WHERE tok IN (0x04, X'0A', b'100000010', ?)", args: []any{[]byte{0x11, 1}}},
			{query: "SELECT label FROM tokens WHERE tok = 0x04 OR tok = 0x0102"},
			{query: "SELECT COUNT(*) FROM tokens WHERE tok > 0x10"},
			{query: "SELECT label, COUNT(*) FROM tokens WHERE tok < 0x1208 GROUP BY label"},
		} {
			p.compareRows(t, c.query, c.args...)
		}
		// Writes find their rows the same way.
		p.exec(t, "UPDATE tokens SET label = 'four!' WHERE tok = 0x04")
		p.exec(t, "DELETE FROM tokens WHERE tok = b'1010' OR tok = X'0102'")
		p.compareRows(t, "SELECT tok, label FROM tokens")
		got := p.compareRows(t, "SELECT label FROM tokens WHERE tok = 0x04")
		if len(got.Rows) != 1 || got.Rows[0][0] != "four!" {
			t.Errorf("WHERE tok = 0x04 found %v, want the updated row", got.Rows)
		}
		if got := p.compareRows(t, "SELECT COUNT(*) FROM tokens"); got.Rows[0][0] != int64(26) {
			t.Errorf("%v tokens after the DELETE, want 26", got.Rows)
		}
		// One shard each: the literal is a point on the vindex.
		for _, q := range []string{"SELECT label FROM tokens WHERE tok = 0x04", "SELECT label FROM tokens WHERE tok = b'1010'"} {
			if shards := explain(t, p.sharded, q); len(shards) != 1 {
				t.Errorf("%s reaches %v, want one shard", q, shards)
			}
		}
	})
}

// A binary literal compared with an integer column is a blob on SQLite,
// which no integer equals, on the shard of the bytes as on one database.
func TestBinaryLiteralAgainstAnIntegerVindexColumnOnSQLite(t *testing.T) {
	p := newMergePair(t, engine{name: "sqlite", url: sqliteURL}, mergeItems(idsOnShard(0, 10)))
	for _, q := range []string{
		"SELECT id FROM items WHERE id = 0x04",
		"SELECT id FROM items WHERE id = X'04'",
		"SELECT id FROM items WHERE id IN (0x04, b'100', 4)",
		"SELECT 0x41, X'42', b'1000011'",
	} {
		p.compareRows(t, q)
	}
}
