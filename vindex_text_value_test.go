package vitessdo_test

import "testing"

// TestIntegerTextVindexValuesEqualOneDatabase compares statements whose
// hash vindex column is compared with text the backend reads as an
// integer beside it (white space, a sign; on SQLite a real that is an
// integer): they route to the shard of that integer, and on PostgreSQL
// text that is no integer fails as one database fails.
func TestIntegerTextVindexValuesEqualOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		p.exec(t, "INSERT INTO items (id, name) VALUES (-7, 'minus seven')")
		for _, c := range []mergeCase{
			{query: "SELECT id, name FROM items WHERE id = ?", args: []any{" 8"}},
			{query: "SELECT id, name FROM items WHERE id = ?", args: []any{"8 "}},
			{query: "SELECT id, name FROM items WHERE id = ?", args: []any{"+8"}},
			{query: "SELECT id, name FROM items WHERE id = ?", args: []any{" -7"}},
			{query: "SELECT id, name FROM items WHERE id IN ('-7', -8)"},
			{query: "SELECT id, name FROM items WHERE id IN (?, ' 3 ')", args: []any{"\t12\n"}},
			{query: "SELECT t.item_id, t.tag FROM item_tags t WHERE t.item_id = ' 12'"},
			{query: "SELECT a.id, b.note FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.id = ?", args: []any{" 12"}},
			{query: "SELECT id FROM items WHERE id = '8.0'", only: "sqlite"},
			{query: "SELECT id FROM items WHERE id IN ('8e0', 3)", only: "sqlite"},
		} {
			if c.only == "" || c.only == e.name {
				p.compare(t, false, c.query, c.args...)
			}
		}
		if e.name != "postgres" {
			return
		}
		for _, q := range []string{"SELECT id FROM items WHERE id = '8.0'", "SELECT id FROM items WHERE id IN ('9x', 3)"} {
			_, gerr := queryAll(p.sharded, q)
			_, werr := queryAll(p.oracle, q)
			if werr == nil || gerr == nil || isUnsupported(gerr) {
				t.Errorf("%s: sharded error %v, one database error %v; want both invalid input", q, gerr, werr)
			}
		}
	})
}
