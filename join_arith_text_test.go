package vitessdo_test

import "testing"

// joinArithTextCases compute, over rows the router joins, arithmetic of
// a DATETIME column and of text with a number: SQLite reads the text a
// shard holds by its numeric prefix ('2024-01-02 03:04:05' + 1 is 2025,
// an integer), and its remainder by the integer prefix alone ('1e1' % 7
// is 1).
var joinArithTextCases = []string{
	"SELECT a.id, a.made + b.item_id AS x FROM items a JOIN tokens b ON b.item_id = a.id",
	"SELECT a.id, a.made - b.item_id AS x, -a.made AS y FROM items a JOIN tokens b ON b.item_id = a.id",
	"SELECT a.id, a.made * b.item_id AS x FROM items a JOIN tokens b ON b.item_id = a.id",
	"SELECT a.id, a.made % b.item_id AS x, b.note % a.id AS y FROM items a JOIN tokens b ON b.item_id = a.id",
	"SELECT a.id FROM items a JOIN tokens b ON b.item_id = a.id WHERE a.made + 0 = b.item_id + 2023 OR b.note = 'x'",
	"SELECT a.id, b.note + a.id AS x, b.note % 7 + a.id AS y FROM items a JOIN tokens b ON b.item_id = a.id",
}

// TestJoinArithmeticOverTextEqualsOneDatabase compares arithmetic over
// joined DATETIME and text values with one SQLite database.
func TestJoinArithmeticOverTextEqualsOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		if e.name != "sqlite" {
			t.Skip("PostgreSQL has no arithmetic of timestamps or text with integers")
		}
		p := newMergePair(t, e, genData())
		joinEvalSetup(t, p)
		for _, q := range joinArithTextCases {
			p.compare(t, false, q)
		}
	})
}
