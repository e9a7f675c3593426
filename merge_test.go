package vitessdo_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/vindex"
)

// mergeVSchema shards items and item_tags by the hash of the item id over
// four shards, tokens by the md5 of a binary key, with a reference table
// of kinds.
const mergeVSchema = `{
  "keyspaces": {
    "shop": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}, "md5": {"type": "binary_md5"}},
      "tables": {
        "items": {"column_vindexes": [{"column": "id", "name": "hash"}]},
        "item_tags": {"column_vindexes": [{"column": "item_id", "name": "hash"}]},
        "tokens": {"column_vindexes": [{"column": "tok", "name": "md5"}]},
        "kinds": {"type": "reference"}
      }
    }
  }
}`

var mergeDDL = []string{
	"CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, grp VARCHAR(16), name VARCHAR(64), qty INT, price DECIMAL(10,2), ratio DOUBLE, kind VARCHAR(8), made DATETIME)",
	"CREATE TABLE item_tags (item_id BIGINT NOT NULL, tag VARCHAR(16) NOT NULL, weight INT, PRIMARY KEY (item_id, tag))",
	"CREATE TABLE kinds (code VARCHAR(8) NOT NULL PRIMARY KEY, label VARCHAR(32))",
	"CREATE TABLE tokens (tok VARBINARY(8) NOT NULL PRIMARY KEY, item_id BIGINT, note VARCHAR(8))",
}

// tokenOf is the binary key of the i-th item's token.
func tokenOf(i int) []byte { return []byte{byte(i), byte(i * 7)} }

// shardOfID returns the index, among the four equal shards of
// mergeVSchema, of the shard that holds an item id.
func shardOfID(id int64) int {
	return int(vindex.HashUint64(uint64(id))[0] >> 6)
}

// idsOnShard returns the first n positive ids that live on shard i.
func idsOnShard(i, n int) []int64 {
	var out []int64
	for id := int64(1); len(out) < n; id++ {
		if shardOfID(id) == i {
			out = append(out, id)
		}
	}
	return out
}

// sameShardIDs returns n ids of the first test layout that live on one
// shard, as arguments.
func sameShardIDs(n int) []any {
	var out []any
	for _, id := range idsOnShard(1, 60) {
		if id <= 60 && len(out) < n {
			out = append(out, id)
		}
	}
	return out
}

// item is one row of items.
type item struct {
	id    int64
	grp   any
	name  any
	qty   any
	price any
	ratio any
	kind  any
	made  any
}

// Values that break naive merges: NULLs, mixed case, non-ASCII text that
// sorts differently by bytes than by any locale, negative numbers.
var (
	mergeGroups = []any{"a", "B", "b", "é", "Z", "ä", nil, "a b", "ß"}
	mergeNames  = []any{"apple", "Apple", "äpfel", "Zebra", "zebra", "éclair", "eclair", nil, "", "日本", "A", "ab"}
	mergeKinds  = []any{"x", "y", "z", nil}
)

// mergeItems returns n items whose groups are split across shards and
// whose values repeat across shards.
func mergeItems(ids []int64) []item {
	out := make([]item, len(ids))
	for i, id := range ids {
		it := item{id: id}
		it.grp = mergeGroups[i%len(mergeGroups)]
		it.name = mergeNames[(i*7)%len(mergeNames)]
		if i%5 != 3 {
			it.qty = int64((i*37)%23 - 11)
		}
		if i%6 != 1 {
			it.price = fmt.Sprintf("%d.%02d", (i*13)%41-20, (i*3)%4*25)
		}
		if i%4 != 2 {
			it.ratio = float64((i*11)%17-8) / 4
		}
		it.kind = mergeKinds[i%len(mergeKinds)]
		if i%7 != 4 {
			it.made = time.Date(2024, time.Month(1+i%12), 1+(i*5)%28, (i*7)%24, 0, 0, 0, time.UTC)
		}
		out[i] = it
	}
	return out
}

// newMergePair loads the merge schema with the given items into a sharded
// database and its oracle.
func newMergePair(t testing.TB, e engine, items []item) *pair {
	t.Helper()
	p := newPair(t, e, mergeVSchema)
	loadMergeItems(t, p, items)
	return p
}

// loadMergeItems creates the merge schema in a pair and loads the items,
// their tokens and tags, and the kinds.
func loadMergeItems(t testing.TB, p *pair, items []item) {
	t.Helper()
	for _, ddl := range mergeDDL {
		p.exec(t, ddl)
	}
	p.exec(t, "INSERT INTO kinds (code, label) VALUES ('x', 'Ex'), ('y', 'Why'), ('w', 'Double')")
	for i, it := range items {
		p.exec(t, "INSERT INTO items (id, grp, name, qty, price, ratio, kind, made) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			it.id, it.grp, it.name, it.qty, it.price, it.ratio, it.kind, it.made)
		if i%5 != 2 {
			p.exec(t, "INSERT INTO tokens (tok, item_id, note) VALUES (?, ?, ?)", tokenOf(i), it.id, mergeKinds[i%len(mergeKinds)])
		}
		for j := 0; j < i%3; j++ {
			p.exec(t, "INSERT INTO item_tags (item_id, tag, weight) VALUES (?, ?, ?)", it.id, fmt.Sprintf("t%d-%v", j, mergeGroups[(i+j)%len(mergeGroups)]), nullableInt(i*j%4, i%4 == 0))
		}
	}
}

func nullableInt(v int, null bool) any {
	if null {
		return nil
	}
	return int64(v)
}

// mergeLayouts are the data sets every merge case runs on.
func mergeLayouts() []struct {
	name  string
	items []item
} {
	var spread []int64
	for id := int64(1); id <= 60; id++ {
		spread = append(spread, id)
	}
	return []struct {
		name  string
		items []item
	}{
		{"spread", mergeItems(spread)},
		{"one-shard", mergeItems(idsOnShard(2, 25))},
		{"empty", nil},
	}
}

// mergeCase is a SELECT compared between the sharded database and the
// oracle.
type mergeCase struct {
	query   string
	args    []any
	ordered bool
	// only names the one engine the statement is valid on, if any.
	only string
}

var mergeCases = []mergeCase{
	// Concatenation and ORDER BY.
	{query: "SELECT id, grp, name FROM items"},
	{query: "SELECT id, name FROM items ORDER BY name, id", ordered: true},
	{query: "SELECT id, name FROM items ORDER BY name DESC, id DESC", ordered: true},
	{query: "SELECT id, grp FROM items ORDER BY grp, id", ordered: true},
	{query: "SELECT id, grp FROM items ORDER BY grp DESC, id", ordered: true},
	{query: "SELECT id, qty FROM items ORDER BY qty, id", ordered: true},
	{query: "SELECT id, qty FROM items ORDER BY qty DESC, id DESC", ordered: true},
	{query: "SELECT id, price FROM items ORDER BY price, id", ordered: true},
	{query: "SELECT id, price FROM items ORDER BY price DESC, id", ordered: true},
	{query: "SELECT id, ratio FROM items ORDER BY ratio DESC, id", ordered: true},
	{query: "SELECT id FROM items ORDER BY name, id", ordered: true},
	{query: "SELECT name AS n, id FROM items ORDER BY n, id", ordered: true},
	{query: "SELECT id, name FROM items ORDER BY 2, 1", ordered: true},
	{query: "SELECT id, qty * 2 AS q2 FROM items ORDER BY q2, id", ordered: true},
	{query: "SELECT id, qty FROM items ORDER BY qty * -1, id", ordered: true},
	{query: "SELECT * FROM items ORDER BY id", ordered: true},
	{query: "SELECT i.id, i.name FROM items i ORDER BY i.name, i.id", ordered: true},
	// LIMIT and OFFSET.
	{query: "SELECT id, name FROM items ORDER BY name, id LIMIT 5", ordered: true},
	{query: "SELECT id, name FROM items ORDER BY name, id LIMIT 5 OFFSET 3", ordered: true},
	{query: "SELECT id, name FROM items ORDER BY name, id LIMIT 3, 4", ordered: true},
	{query: "SELECT id, name FROM items ORDER BY name, id LIMIT 1000", ordered: true},
	{query: "SELECT id, name FROM items ORDER BY name, id LIMIT 10 OFFSET 1000", ordered: true},
	{query: "SELECT id, name FROM items ORDER BY name, id LIMIT 0", ordered: true},
	{query: "SELECT id, name FROM items ORDER BY name DESC, id LIMIT ? OFFSET ?", args: []any{4, 2}, ordered: true},
	{query: "SELECT id, name FROM items ORDER BY id LIMIT ?, ?", args: []any{3, 5}, ordered: true},
	{query: "SELECT id FROM items WHERE qty > ? ORDER BY id LIMIT ?", args: []any{0, 7}, ordered: true},
	// Scalar aggregates.
	{query: "SELECT COUNT(*) FROM items"},
	{query: "SELECT COUNT(*), COUNT(qty), COUNT(price), COUNT(grp) FROM items"},
	{query: "SELECT SUM(qty), MIN(qty), MAX(qty) FROM items"},
	{query: "SELECT SUM(price), MIN(price), MAX(price) FROM items"},
	{query: "SELECT SUM(ratio), MIN(ratio), MAX(ratio) FROM items"},
	{query: "SELECT AVG(qty) FROM items"},
	{query: "SELECT AVG(price) FROM items"},
	{query: "SELECT AVG(ratio) FROM items"},
	{query: "SELECT MIN(name), MAX(name), MIN(grp), MAX(grp) FROM items"},
	{query: "SELECT COUNT(DISTINCT grp) FROM items"},
	{query: "SELECT COUNT(DISTINCT qty), SUM(DISTINCT qty) FROM items"},
	{query: "SELECT SUM(DISTINCT price) FROM items"},
	{query: "SELECT COUNT(*) FROM items WHERE qty > 1000"},
	{query: "SELECT SUM(qty), AVG(qty), MIN(name) FROM items WHERE qty > 1000"},
	{query: "SELECT COUNT(*) AS n, SUM(qty) AS total FROM items WHERE grp = 'a'"},
	// Expressions over aggregates.
	{query: "SELECT COUNT(*) + 1 FROM items"},
	{query: "SELECT SUM(qty) / COUNT(*) FROM items"},
	{query: "SELECT SUM(price) / COUNT(price) FROM items"},
	{query: "SELECT COALESCE(SUM(qty), 0) FROM items WHERE qty > 1000"},
	{query: "SELECT IFNULL(MAX(name), 'none') FROM items WHERE qty > 1000"},
	{query: "SELECT CASE WHEN COUNT(*) > 10 THEN 'many' ELSE 'few' END FROM items"},
	{query: "SELECT MAX(qty) - MIN(qty) AS spread FROM items"},
	// GROUP BY.
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp"},
	{query: "SELECT grp, COUNT(*), SUM(qty), MIN(name), MAX(price) FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp ORDER BY grp DESC", ordered: true},
	{query: "SELECT grp, AVG(qty), AVG(price) FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT grp, kind, COUNT(*) FROM items GROUP BY grp, kind ORDER BY grp, kind", ordered: true},
	{query: "SELECT grp, kind, COUNT(*) FROM items GROUP BY grp, kind ORDER BY kind DESC, grp", ordered: true},
	{query: "SELECT COUNT(*) FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT grp, COUNT(*) AS n FROM items GROUP BY grp ORDER BY n DESC, grp", ordered: true},
	{query: "SELECT grp, COUNT(*) AS n FROM items GROUP BY grp ORDER BY COUNT(*), grp", ordered: true},
	{query: "SELECT grp, SUM(qty) FROM items GROUP BY grp ORDER BY SUM(qty) DESC, grp LIMIT 3", ordered: true},
	{query: "SELECT grp FROM items GROUP BY grp ORDER BY MAX(qty), grp", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp ORDER BY grp LIMIT 2 OFFSET 1", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp ORDER BY grp LIMIT ? OFFSET ?", args: []any{3, 2}, ordered: true},
	{query: "SELECT grp, COUNT(DISTINCT kind) FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT grp, COUNT(DISTINCT qty), SUM(DISTINCT qty), COUNT(*) FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT grp, SUM(qty) / COUNT(*) AS mean, COUNT(*) + 1 FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT qty, COUNT(*) FROM items GROUP BY qty ORDER BY qty", ordered: true},
	{query: "SELECT price, COUNT(*) FROM items GROUP BY price ORDER BY price DESC", ordered: true},
	{query: "SELECT kind, MIN(id), MAX(id) FROM items GROUP BY kind ORDER BY kind", ordered: true},
	{query: "SELECT id, COUNT(*) FROM items GROUP BY id ORDER BY id", ordered: true},
	{query: "SELECT id, name FROM items GROUP BY id, name ORDER BY id LIMIT 5", ordered: true},
	{query: "SELECT grp FROM items GROUP BY grp ORDER BY grp DESC", ordered: true},
	{query: "SELECT grp, kind FROM items GROUP BY grp, kind"},
	{query: "SELECT COUNT(*), MAX(qty), AVG(price) FROM items WHERE id IN (?, ?)", args: []any{nil, nil}},
	{query: "SELECT grp, COUNT(*) FROM items WHERE id IN (?, ?) GROUP BY grp", args: []any{nil, nil}},
	{query: "SELECT id, name FROM items ORDER BY name, id LIMIT ? OFFSET ?", args: []any{"4", "3"}, ordered: true},
	// HAVING.
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) > 6 ORDER BY grp", ordered: true},
	{query: "SELECT grp, SUM(qty) AS s FROM items GROUP BY grp HAVING s < 0 ORDER BY grp", ordered: true},
	{query: "SELECT grp FROM items GROUP BY grp HAVING MAX(qty) > 5 AND MIN(qty) < 0 ORDER BY grp", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING grp > 'a' ORDER BY grp", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING COUNT(*) > ? ORDER BY grp", args: []any{6}, ordered: true},
	{query: "SELECT COUNT(*) FROM items HAVING COUNT(*) > 0"},
	// Comparisons convert as the engine does: SQLite by column affinity,
	// PostgreSQL giving a string literal the other side's type.
	{query: "SELECT qty, COUNT(*) FROM items GROUP BY qty HAVING qty > '5' ORDER BY qty", ordered: true},
	{query: "SELECT qty, COUNT(*) FROM items GROUP BY qty HAVING qty = ? ORDER BY qty", args: []any{"3"}, ordered: true},
	{query: "SELECT grp, MAX(qty) FROM items GROUP BY grp HAVING MAX(qty) > '5' ORDER BY grp", ordered: true},
	{query: "SELECT price, COUNT(*) FROM items GROUP BY price HAVING price >= '3.5' ORDER BY price", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING grp > 5 ORDER BY grp", ordered: true, only: "sqlite"},
	{query: "SELECT qty, COUNT(*) FROM items GROUP BY qty HAVING qty > ' 5 ' ORDER BY qty", ordered: true, only: "sqlite"},
	{query: "SELECT id, COUNT(*) FROM items GROUP BY id HAVING COUNT(*) = 1 ORDER BY id", ordered: true},
	// DISTINCT.
	{query: "SELECT DISTINCT grp FROM items"},
	{query: "SELECT DISTINCT grp FROM items ORDER BY grp", ordered: true},
	{query: "SELECT DISTINCT grp, kind FROM items ORDER BY kind DESC, grp", ordered: true},
	{query: "SELECT DISTINCT name FROM items ORDER BY name LIMIT 4", ordered: true},
	{query: "SELECT DISTINCT qty FROM items ORDER BY qty DESC LIMIT 3 OFFSET 2", ordered: true},
	// Date-times.
	{query: "SELECT id, made FROM items ORDER BY made, id", ordered: true},
	{query: "SELECT id FROM items ORDER BY made DESC, id LIMIT 5 OFFSET 2", ordered: true},
	{query: "SELECT MIN(made), MAX(made), COUNT(made) FROM items"},
	{query: "SELECT kind, MIN(made), MAX(made) FROM items GROUP BY kind ORDER BY kind", ordered: true},
	{query: "SELECT made, COUNT(*) FROM items GROUP BY made ORDER BY made DESC", ordered: true},
	{query: "SELECT DISTINCT made FROM items ORDER BY made", ordered: true},
	{query: "SELECT kind, COUNT(*) FROM items GROUP BY kind HAVING MIN(made) = '2024-01-01 00:00:00' ORDER BY kind", ordered: true},
	{query: "SELECT kind, COUNT(*) FROM items GROUP BY kind HAVING MIN(made) <= '2024-01-01' ORDER BY kind", ordered: true},
	{query: "SELECT kind, CASE WHEN MAX(made) > ? THEN 'late' END FROM items GROUP BY kind ORDER BY kind", args: []any{"2024-12-25 21:00:00"}, ordered: true},
	// Derived columns: sort and group terms that are not selected.
	{query: "SELECT id FROM items i ORDER BY i.name DESC, i.id", ordered: true},
	{query: "SELECT id FROM items ORDER BY LENGTH(name), id LIMIT 7", ordered: true},
	{query: "SELECT * FROM items ORDER BY name, id LIMIT 9", ordered: true},
	{query: "SELECT *, qty AS q FROM items ORDER BY q DESC, id", ordered: true},
	{query: "SELECT id AS name FROM items ORDER BY name DESC", ordered: true},
	{query: "SELECT COUNT(*) FROM items GROUP BY kind ORDER BY kind DESC", ordered: true},
	{query: "SELECT qty % 3 AS m, COUNT(*) FROM items GROUP BY m ORDER BY m", ordered: true},
	{query: "SELECT qty % 3, COUNT(*) FROM items GROUP BY qty % 3 ORDER BY qty % 3", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY 1 ORDER BY 1 DESC", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING SUM(price) > 0 ORDER BY grp", ordered: true},
	{query: "SELECT grp, COUNT(DISTINCT qty), AVG(qty), SUM(price) FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT MIN(DISTINCT qty), MAX(DISTINCT name), COUNT(DISTINCT name) FROM items"},
	{query: "SELECT COUNT(*), COUNT(*), AVG(qty), AVG(qty) + 1, AVG(qty) * 2 FROM items"},
	{query: "SELECT SUM(qty > 0), SUM(CASE WHEN grp = 'a' THEN 1 ELSE 0 END) FROM items"},
	{query: "SELECT COUNT(*) FROM items ORDER BY 1"},
	{query: "SELECT COUNT(*) FROM items HAVING COUNT(*) > 1000"},
	{query: "SELECT COUNT(*) FROM items LIMIT 1 OFFSET 1"},
	{query: "SELECT COUNT(*) > 3, MAX(qty) = MIN(qty) FROM items"},
	{query: "SELECT grp, SUM(qty) % 4, SUM(qty) / 0, SUM(price) / 3 FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT grp, IF(COUNT(*) > 7, 'big', 'small'), CASE COUNT(*) WHEN 7 THEN 'seven' END FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT grp, -SUM(qty), NOT COUNT(*) > 7 FROM items GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT DISTINCT qty % 3 FROM items"},
	{query: "SELECT DISTINCT kind, grp FROM items ORDER BY grp DESC, kind LIMIT 5 OFFSET 2", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8) GROUP BY grp ORDER BY grp", ordered: true},
	{query: "SELECT grp, COUNT(*), AVG(price) FROM items WHERE id IN (?, ?, ?) GROUP BY grp ORDER BY 2 DESC, grp LIMIT 1, 2", args: sameShardIDs(3), ordered: true},
	{query: "SELECT COUNT(*), SUM(qty) FROM items WHERE id IN (?, ?) AND qty > 1000", args: sameShardIDs(2)},
	{query: "SELECT grp, SUM(qty), COUNT(*) FROM items GROUP BY grp ORDER BY SUM(qty) / COUNT(*) DESC, grp", ordered: true},
	{query: "SELECT grp FROM items GROUP BY grp ORDER BY COALESCE(MAX(price), 0) - MIN(qty), grp LIMIT 4", ordered: true},
	{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp ORDER BY LOWER(grp), grp", ordered: true},
	{query: "SELECT qty % 3, COUNT(*) FROM items GROUP BY qty % 3 ORDER BY (qty % 3) * -1", ordered: true},
	{query: "SELECT COUNT(*) + 1 AS n, grp FROM items GROUP BY grp HAVING n > 7 ORDER BY n, grp", ordered: true},
	{query: "SELECT DISTINCT COUNT(*) FROM items GROUP BY grp"},
	{query: "SELECT DISTINCT COUNT(*) AS n FROM items GROUP BY grp ORDER BY n DESC", ordered: true},
	{query: "SELECT DISTINCT kind, COUNT(*) > 6 FROM items GROUP BY grp, kind ORDER BY 1, 2 LIMIT 3 OFFSET 1", ordered: true},
	{query: "SELECT DISTINCT MAX(qty) FROM items"},
	{query: "SELECT AVG(DISTINCT qty), COUNT(DISTINCT qty) FROM items"},
	{query: "SELECT grp, AVG(DISTINCT price) FROM items GROUP BY grp ORDER BY grp", ordered: true},
	// Expressions over aggregates written in any case and order: the
	// merge finds each aggregate by what it is, not by its text, which
	// the name given to an unnamed item may repeat.
	{query: "select 1+count(*) from items"},
	{query: "SELECT 1+COUNT(*) FROM items"},
	{query: "select count(*) + 1, count(*) from items"},
	{query: "select 2 * sum(qty) - count(*), min(qty) from items"},
	{query: "select avg(id)+count(name)+qty from items group by qty"},
	{query: "SELECT AVG(id)+COUNT(name)+qty FROM items GROUP BY qty"},
	{query: "select grp, count(*) from items group by grp having 1+count(*) > 10 order by grp", ordered: true},
	{query: "select grp from items group by grp order by 1+count(*), grp", ordered: true},
	{query: "select grp, -count(*) from items group by grp order by -count(*), grp", ordered: true},
	// A name that is both a select alias and a column means what one
	// database makes of it: in GROUP BY the column, in ORDER BY the alias,
	// in HAVING the alias of an aggregate.
	{query: "SELECT COUNT(*) qty FROM items GROUP BY qty"},
	{query: "SELECT COUNT(*) AS grp, grp FROM items GROUP BY grp ORDER BY 2", ordered: true},
	{query: "SELECT LOWER(grp) AS grp, COUNT(*) FROM items GROUP BY grp"},
	{query: "SELECT qty AS grp, COUNT(*) FROM items GROUP BY qty, grp"},
	{query: "SELECT id AS grp, qty AS id FROM items ORDER BY id, grp", ordered: true},
	{query: "SELECT id AS qty, qty AS id FROM items ORDER BY qty DESC", ordered: true},
	{query: "SELECT id AS foo, qty AS id FROM items ORDER BY id DESC, foo LIMIT 7", ordered: true},
	{query: "SELECT grp, SUM(qty) AS qty FROM items GROUP BY grp ORDER BY qty, grp", ordered: true},
	{query: "SELECT grp, COUNT(*) AS kind FROM items GROUP BY grp HAVING kind > 9 ORDER BY grp", ordered: true, only: "postgres"},
	{query: "SELECT grp, COUNT(*) AS n FROM items GROUP BY grp HAVING n > 9 ORDER BY n, grp", ordered: true},
	// A subquery without tables is on every shard.
	{query: "SELECT id FROM items WHERE name = (SELECT 'zebra') ORDER BY id", ordered: true},
	{query: "SELECT id FROM items WHERE name IN (SELECT 'zebra' FROM dual) ORDER BY id", ordered: true},
	{query: "SELECT i.id, k.label FROM items i LEFT JOIN kinds k ON k.code = i.kind WHERE i.qty > 3 ORDER BY i.id", ordered: true},
	// Groups on the primary vindex: each is on one shard.
	{query: "SELECT id, COUNT(*) AS c FROM items GROUP BY id ORDER BY c DESC, id LIMIT 4", ordered: true},
	{query: "SELECT id, SUM(qty) FROM items GROUP BY id HAVING SUM(qty) > 3 ORDER BY SUM(qty), id", ordered: true},
	{query: "SELECT id FROM items GROUP BY id ORDER BY MAX(name), id LIMIT 6", ordered: true},
	{query: "SELECT t.item_id, COUNT(*) FROM item_tags t GROUP BY t.item_id ORDER BY 2 DESC, 1 LIMIT 5", ordered: true},
	// Joins inside one shard and with a reference table.
	{query: "SELECT i.id, t.tag FROM items i JOIN item_tags t ON t.item_id = i.id ORDER BY i.id, t.tag", ordered: true},
	{query: "SELECT t.tag, COUNT(*), SUM(t.weight) FROM items i JOIN item_tags t ON t.item_id = i.id GROUP BY t.tag ORDER BY t.tag", ordered: true},
	{query: "SELECT k.label, COUNT(*) FROM items i JOIN kinds k ON k.code = i.kind GROUP BY k.label ORDER BY k.label", ordered: true},
	{query: "SELECT i.kind, k.label FROM items i LEFT JOIN kinds k ON k.code = i.kind ORDER BY i.id", ordered: true},
	{query: "SELECT COUNT(*), SUM(t.weight), AVG(t.weight) FROM items i JOIN item_tags t ON t.item_id = i.id"},
	{query: "SELECT i.grp, COUNT(t.tag) FROM items i LEFT JOIN item_tags t ON t.item_id = i.id GROUP BY i.grp ORDER BY i.grp", ordered: true},
}

func TestScatterSelectMergesLikeOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				for _, c := range mergeCases {
					if c.only == "" || c.only == e.name {
						p.compare(t, c.ordered, c.query, c.args...)
					}
				}
			})
		}
	})
}

func isUnsupported(err error) bool {
	var ue *vitessdo.UnsupportedError
	return errors.As(err, &ue) && strings.Contains(err.Error(), "unsupported:")
}

// explainQueries returns the statements VEXPLAIN PLAN says a statement
// sends, one per shard.
func explainQueries(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	res, err := queryAll(db, "VEXPLAIN PLAN "+query, args...)
	if err != nil {
		t.Fatalf("VEXPLAIN PLAN %s: %v", query, err)
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, fmt.Sprint(r[2]))
	}
	return out
}

// The shard statements document the rewrites: LIMIT count+offset without
// OFFSET, AVG as SUM and COUNT, HAVING and LIMIT kept at the merge,
// DISTINCT aggregates as grouping, and statements on one shard or
// grouped by the unique primary vindex sent whole.
func TestScatterSelectShardStatementsShowTheRewrite(t *testing.T) {
	tests := []struct {
		query string
		args  []any
		// want is the SQLite shard statement sent to every shard, or to
		// the one shard when one is true.
		want string
		one  bool
	}{
		{query: "SELECT id, name FROM items ORDER BY name, id LIMIT 5 OFFSET 3",
			want: "SELECT `id`, `name` FROM `items` ORDER BY `name` ASC, `id` ASC LIMIT 8"},
		{query: "SELECT id, name FROM items ORDER BY name LIMIT ?, ?", args: []any{10, 4},
			want: "SELECT `id`, `name` FROM `items` ORDER BY `name` ASC LIMIT 14"},
		{query: "SELECT id FROM items ORDER BY name DESC",
			want: "SELECT `id`, `name` AS `__vt_h0` FROM `items` ORDER BY `name` DESC"},
		{query: "SELECT AVG(qty) FROM items",
			want: "SELECT sum(`qty`) AS `AVG(qty)`, count(`qty`) AS `__vt_h0` FROM `items`"},
		{query: "SELECT grp, AVG(price) AS p FROM items GROUP BY grp ORDER BY p DESC LIMIT 2",
			want: "SELECT `grp`, sum(`price`) AS `p`, count(`price`) AS `__vt_h0` FROM `items` GROUP BY `grp` ORDER BY 1 ASC"},
		{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp ORDER BY grp DESC LIMIT 2 OFFSET 1",
			want: "SELECT `grp`, count(*) AS `COUNT(*)` FROM `items` GROUP BY `grp` ORDER BY 1 DESC LIMIT 3"},
		{query: "SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING SUM(qty) > 0",
			want: "SELECT `grp`, count(*) AS `COUNT(*)`, sum(`qty`) AS `__vt_h0` FROM `items` GROUP BY `grp` ORDER BY 1 ASC"},
		{query: "SELECT COUNT(DISTINCT kind), COUNT(*) FROM items",
			want: "SELECT `kind` AS `COUNT(DISTINCT kind)`, count(*) AS `COUNT(*)` FROM `items` GROUP BY `kind` ORDER BY 1 ASC"},
		{query: "SELECT DISTINCT grp, kind FROM items",
			want: "SELECT DISTINCT `grp`, `kind` FROM `items` ORDER BY 1 ASC, 2 ASC"},
		{query: "SELECT id, COUNT(*) FROM items GROUP BY id HAVING COUNT(*) > 0 ORDER BY id LIMIT 2",
			want: "SELECT `id`, count(*) AS `COUNT(*)` FROM `items` GROUP BY `id` HAVING count(*) > 0 ORDER BY `id` ASC LIMIT 2"},
		{query: "SELECT name, COUNT(*) FROM items WHERE id = 7 GROUP BY name ORDER BY 2 DESC LIMIT 1 OFFSET 1", one: true,
			want: "SELECT `name`, count(*) AS `COUNT(*)` FROM `items` WHERE `id` = 7 GROUP BY `name` ORDER BY 2 DESC LIMIT 1 OFFSET 1"},
	}
	// An IN list whose values all live on one shard reaches that shard
	// only, with the statement as written.
	same := idsOnShard(1, 2)
	tests = append(tests, struct {
		query string
		args  []any
		want  string
		one   bool
	}{query: "SELECT grp, AVG(qty) FROM items WHERE id IN (?, ?) GROUP BY grp ORDER BY 2 DESC LIMIT 1, 2", args: []any{same[0], same[1]}, one: true,
		want: fmt.Sprintf("SELECT `grp`, avg(`qty`) AS `AVG(qty)` FROM `items` WHERE `id` IN (%d, %d) GROUP BY `grp` ORDER BY 2 DESC LIMIT 2 OFFSET 1", same[0], same[1])})
	db := openSharded(t, engine{name: "sqlite", url: sqliteURL}, mergeVSchema)
	for _, ddl := range mergeDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		got := explainQueries(t, db, tt.query, tt.args...)
		n := 4
		if tt.one {
			n = 1
		}
		if len(got) != n {
			t.Errorf("%s: sent to %d shards, want %d: %v", tt.query, len(got), n, got)
			continue
		}
		for _, q := range got {
			if q != tt.want {
				t.Errorf("%s: shard statement\n got %s\nwant %s", tt.query, q, tt.want)
				break
			}
		}
	}
}

// Columns are the user's, with the user's names and aliases, whatever the
// merge added to the shard statements, and their types are the ones one
// database reports: the shards' for plain columns, the aggregate's or
// expression's for what the merge computes.
func TestScatterSelectColumnsAreTheUsersColumns(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 8)))
		for _, q := range []string{
			"SELECT id, name AS Label FROM items ORDER BY qty, id",
			"SELECT * FROM items ORDER BY name, id",
			"SELECT grp AS g, AVG(qty) AS mean, COUNT(*) FROM items GROUP BY grp HAVING SUM(price) > 0 ORDER BY MAX(id)",
			"SELECT DISTINCT kind FROM items ORDER BY kind",
			"SELECT COUNT(*), SUM(qty), SUM(id), SUM(price), SUM(ratio), AVG(qty), AVG(price), AVG(ratio), MIN(name), MAX(made) FROM items",
			"SELECT grp, COUNT(*) + 1, SUM(qty) / COUNT(*), COALESCE(SUM(price), 0), COUNT(*) > 3, CASE WHEN COUNT(*) > 1 THEN 'x' END FROM items GROUP BY grp",
			"SELECT COUNT(DISTINCT qty), SUM(DISTINCT qty), AVG(DISTINCT qty) FROM items",
		} {
			got, err := p.sharded.Query(q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			want, err := p.oracle.Query(q)
			if err != nil {
				t.Fatalf("oracle: %s: %v", q, err)
			}
			gc, _ := got.ColumnTypes()
			wc, _ := want.ColumnTypes()
			got.Close()
			want.Close()
			if len(gc) != len(wc) {
				t.Errorf("%s: %d columns, one database %d", q, len(gc), len(wc))
				continue
			}
			for i := range gc {
				if gc[i].Name() != wc[i].Name() {
					t.Errorf("%s: column %d named %q, one database %q", q, i, gc[i].Name(), wc[i].Name())
				}
				// modernc derives an SQLite column's scan type from the
				// first row's value (none for NULL or no row), so only
				// PostgreSQL's are the same whatever the row order.
				sameScan := e.name == "sqlite" || gc[i].ScanType() == wc[i].ScanType()
				if gc[i].DatabaseTypeName() != wc[i].DatabaseTypeName() || !sameScan {
					t.Errorf("%s: column %s has type %s/%v, one database %s/%v", q, gc[i].Name(),
						gc[i].DatabaseTypeName(), gc[i].ScanType(), wc[i].DatabaseTypeName(), wc[i].ScanType())
				}
			}
		}
	})
}

// Statements whose rows the merge cannot compute correctly are refused
// with an UnsupportedError saying why, never answered wrongly.
func TestScatterSelectRefusesWhatCannotMerge(t *testing.T) {
	db := openSharded(t, engine{name: "sqlite", url: sqliteURL}, mergeVSchema)
	for _, ddl := range mergeDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ query, want string }{
		{"SELECT GROUP_CONCAT(name) FROM items", "GROUP_CONCAT"},
		{"SELECT COUNT(DISTINCT qty), COUNT(DISTINCT name) FROM items", "DISTINCT aggregates over different expressions"},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp ORDER BY name", "ORDER BY name"},
		{"SELECT DISTINCT grp FROM items GROUP BY grp ORDER BY COUNT(*)", "not selected"},
		{"SELECT DISTINCT grp FROM items ORDER BY name", "SELECT DISTINCT ordered by name"},
		{"SELECT grp, GROUP_CONCAT(name) FROM items GROUP BY grp", "GROUP_CONCAT"},
		{"SELECT COUNT(*) + qty FROM items GROUP BY grp", "column qty"},
		{"SELECT grp, COUNT(*) FROM items GROUP BY grp HAVING MAX(name) > kind", "column kind"},
		{"SELECT grp, json_group_array(qty) FROM items GROUP BY grp", "JSON_GROUP_ARRAY"},
		{"SELECT id FROM items LIMIT 1 + 1", "LIMIT"},
		// On SQLite, qty is the column: a value of an arbitrary row.
		{"SELECT COUNT(*) AS qty FROM items HAVING qty > 10", "column qty"},
		// Errors name the problem: SQL the parser does not read, not a
		// syntax error. (Subqueries over a reference table's rows and
		// correlated without an equality run as a semi-join, see
		// TestCorrelatedSubqueriesOverReferenceRowsMatchOneDatabase.)
		{"WITH RECURSIVE t AS (SELECT id FROM items UNION ALL SELECT id + 1 FROM t ORDER BY id LIMIT 3) SELECT * FROM t", "WITH RECURSIVE"},
	}
	for _, tt := range tests {
		_, err := db.Query(tt.query)
		if !isUnsupported(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an UnsupportedError mentioning %q", tt.query, err, tt.want)
		}
	}
}

// loadItems inserts n items with ids 1…n into db, many rows a statement.
func loadItems(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	const batch = 200
	for start := 1; start <= n; start += batch {
		var b strings.Builder
		b.WriteString("INSERT INTO items (id, grp, name, qty) VALUES ")
		for id := start; id < start+batch && id <= n; id++ {
			if id > start {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%d, 'g%d', 'name-%05d', %d)", id, id%10, id, id%100)
		}
		if _, err := db.Exec(b.String()); err != nil {
			t.Fatal(err)
		}
	}
}

// settledGoroutines waits until the number of goroutines drops to at most
// want and returns the last count seen.
func settledGoroutines(want int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Closing rows early, a LIMIT that is complete, and a cancelled context
// each stop every shard query: no goroutine is left behind.
func TestScatterSelectStopsShardQueriesAndLeavesNoGoroutine(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, mergeVSchema)
		for _, ddl := range mergeDDL {
			if _, err := db.Exec(ddl); err != nil {
				t.Fatal(err)
			}
		}
		loadItems(t, db, 5000)
		// Warm the pools: connections opened now are not leaks later.
		for range 3 {
			if _, err := queryAll(db, "SELECT COUNT(*) FROM items"); err != nil {
				t.Fatal(err)
			}
		}
		t.Run("early close", func(t *testing.T) {
			base := runtime.NumGoroutine()
			for _, q := range []string{"SELECT id, name FROM items ORDER BY name", "SELECT id FROM items", "SELECT grp, COUNT(*) FROM items GROUP BY grp"} {
				rows, err := db.Query(q)
				if err != nil {
					t.Fatal(err)
				}
				rows.Next()
				rows.Next()
				if err := rows.Close(); err != nil {
					t.Fatalf("%s: Close: %v", q, err)
				}
				if n := settledGoroutines(base); n > base {
					t.Errorf("%s: %d goroutines after Close, %d before the query", q, n, base)
				}
			}
		})

		t.Run("limit reached", func(t *testing.T) {
			base := runtime.NumGoroutine()
			// HAVING keeps the LIMIT from the shards: they would stream
			// every group but for the merge closing them.
			for _, q := range []string{
				"SELECT id, name FROM items ORDER BY name DESC LIMIT 3 OFFSET 2",
				"SELECT COUNT(*), name FROM items GROUP BY name HAVING COUNT(*) > 0 ORDER BY name DESC LIMIT 3 OFFSET 2",
			} {
				rows, err := db.Query(q)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for range 3 {
					if !rows.Next() {
						t.Fatalf("LIMIT 3 gave fewer rows: %v", rows.Err())
					}
					var x any
					var name string
					if err := rows.Scan(&x, &name); err != nil {
						t.Fatal(err)
					}
					names = append(names, name)
				}
				// The window is full: the shard streams are closed
				// before the application closes the rows.
				if n := settledGoroutines(base); n > base {
					t.Errorf("%s: %d goroutines once the LIMIT is reached, %d before the query", q, n, base)
				}
				if rows.Next() {
					t.Errorf("%s: LIMIT 3 gave a fourth row", q)
				}
				rows.Close()
				if diff := cmp.Diff([]string{"name-04998", "name-04997", "name-04996"}, names); diff != "" {
					t.Errorf("%s: rows (-want +got):\n%s", q, diff)
				}
			}
		})

		t.Run("context cancelled mid-stream", func(t *testing.T) {
			base := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			rows, err := db.QueryContext(ctx, "SELECT id, name FROM items ORDER BY name")
			if err != nil {
				t.Fatal(err)
			}
			for range 10 {
				if !rows.Next() {
					t.Fatalf("stream ended early: %v", rows.Err())
				}
			}
			cancel()
			n := 10
			for rows.Next() {
				n++
			}
			if n == 5000 {
				t.Error("cancelling the context did not stop the stream")
			}
			if err := rows.Err(); !errors.Is(err, context.Canceled) {
				t.Errorf("rows.Err() = %v, want context.Canceled", err)
			}
			rows.Close()
			if n := settledGoroutines(base); n > base {
				t.Errorf("%d goroutines after cancel, %d before the query", n, base)
			}
		})
	})
}

// With scatter_concurrency 1 an ordered merge, which needs a row of every
// shard before it returns one, still completes: a stream waiting for the
// merge to take its rows holds no slot.
func TestScatterConcurrencyOneStillMergesEveryShard(t *testing.T) {
	cfg := &vitessdo.Config{VSchemaJSON: []byte(mergeVSchema), Shards: map[string]string{}, ScatterConcurrency: 1}
	for _, sh := range []string{"-40", "40-80", "80-c0", "c0-"} {
		cfg.Shards["shop/"+sh] = sqliteURL(t, "shop", sh)
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	for _, ddl := range mergeDDL {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	loadItems(t, db, 3000)
	res, err := queryAll(db, "SELECT id FROM items ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 3000 {
		t.Fatalf("got %d rows, want 3000", len(res.Rows))
	}
	for i, r := range res.Rows {
		if r[0] != int64(i+1) {
			t.Fatalf("row %d is %v, want %d", i, r[0], i+1)
		}
	}
}

// SUM of integers stays exact across shards: int64 on SQLite (an integer
// sum that fits), the exact NUMERIC of SUM(bigint) on PostgreSQL, with
// partial sums near 2^62 that a float would round.
func TestScatterSumOfIntegersStaysExact(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, mergeVSchema)
		for _, ddl := range mergeDDL {
			p.exec(t, ddl)
		}
		for i := int64(1); i <= 40; i++ {
			p.exec(t, "INSERT INTO items (id, qty) VALUES (?, ?)", (1<<56)+i*977, i%3)
		}
		got := p.compareRows(t, "SELECT SUM(id), SUM(qty), SUM(id) - 40 * 72057594037927936, MIN(id), MAX(id) FROM items")
		if e.name == "sqlite" {
			for i, v := range got.Rows[0] {
				if _, ok := v.(int64); !ok {
					t.Errorf("column %s is %T, want int64", got.Columns[i], v)
				}
			}
		}
		p.compareOrdered(t, "SELECT qty, SUM(id) FROM items GROUP BY qty ORDER BY qty")
	})
}
