package vitessdo_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// keyedWrite is a multi-table write of several tables and what one
// database does for it, as MySQL defines it: every target row the join
// names is changed once, to the values the join gives it, all of them
// read before any is changed.
type keyedWrite struct {
	// sharded is the statement; from and where (with whereArgs) its join.
	sharded   string
	from      string
	where     string
	whereArgs []any
	targets   []keyedTarget
	delete    bool
}

// keyedTarget is one table a keyedWrite changes: its alias in the join,
// its primary key, and for an UPDATE its SETs as the join computes them.
type keyedTarget struct {
	table, alias string
	pk           []string
	sets         []keyedSet
}

type keyedSet struct {
	col, expr string
	args      []any
}

// args returns the statement's arguments: the SET values', then the
// WHERE's.
func (w keyedWrite) args() []any {
	var out []any
	for _, t := range w.targets {
		for _, s := range t.sets {
			out = append(out, s.args...)
		}
	}
	return append(out, w.whereArgs...)
}

// runOnOne runs the write on one database by reading each target's rows
// of the join with their new values, then changing them by primary key,
// and returns the rows changed.
func (w keyedWrite) runOnOne(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	type change struct {
		t    keyedTarget
		rows [][]any
	}
	var changes []change
	for _, tg := range w.targets {
		var cols []string
		var args []any
		for _, k := range tg.pk {
			cols = append(cols, tg.alias+"."+k)
		}
		for _, s := range tg.sets {
			cols = append(cols, s.expr)
			args = append(args, s.args...)
		}
		q := "SELECT DISTINCT " + strings.Join(cols, ", ") + " FROM " + w.from
		if w.where != "" {
			q += " WHERE " + w.where
		}
		all, err := queryRaw(db, q, append(args, w.whereArgs...)...)
		if err != nil {
			t.Fatalf("one database: %s: %v", q, err)
		}
		seen := map[string]bool{}
		var rows [][]any
		for _, r := range all {
			if r[0] == nil {
				continue // the missing side of an outer join
			}
			k := fmt.Sprint(r[:len(tg.pk)])
			if seen[k] {
				t.Fatalf("one database: %s gives row %s of %s several values", q, k, tg.table)
			}
			seen[k] = true
			rows = append(rows, r)
		}
		changes = append(changes, change{tg, rows})
	}
	var n int64
	for _, c := range changes {
		var cond []string
		for _, k := range c.t.pk {
			cond = append(cond, k+" = ?")
		}
		q := "DELETE FROM " + c.t.table + " WHERE " + strings.Join(cond, " AND ")
		if !w.delete {
			var set []string
			for _, s := range c.t.sets {
				set = append(set, s.col+" = ?")
			}
			q = "UPDATE " + c.t.table + " SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(cond, " AND ")
		}
		for _, r := range c.rows {
			pk, vals := r[:len(c.t.pk)], r[len(c.t.pk):]
			m, err := execAffected(db, q, append(append([]any(nil), vals...), pk...)...)
			if err != nil {
				t.Fatalf("one database: %s: %v", q, err)
			}
			n += m
		}
	}
	return n
}

// queryRaw returns a query's rows as the driver gives them (binary keys
// stay []byte, to be bound again).
func queryRaw(db *sql.DB, query string, args ...any) ([][]any, error) {
	rows, err := db.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// compareKeyed runs a keyedWrite on the shards and on one database and
// requires the same RowsAffected and the same contents of every table.
func (p *pair) compareKeyed(t *testing.T, tables []string, w keyedWrite) {
	t.Helper()
	got, err := execAffected(p.sharded, w.sharded, w.args()...)
	if err != nil {
		t.Fatalf("%s %v: %v", w.sharded, w.args(), err)
	}
	if want := w.runOnOne(t, p.oracle); got != want {
		t.Errorf("%s %v: RowsAffected %d, one database %d", w.sharded, w.args(), got, want)
	}
	for _, tb := range tables {
		p.compareRows(t, "SELECT * FROM "+tb)
	}
}

var (
	itemsT    = keyedTarget{table: "items", alias: "items", pk: []string{"id"}}
	itemTagsT = keyedTarget{table: "item_tags", alias: "item_tags", pk: []string{"item_id", "tag"}}
	tokensT   = keyedTarget{table: "tokens", alias: "tokens", pk: []string{"tok"}}
	kindsT    = keyedTarget{table: "kinds", alias: "kinds", pk: []string{"code"}}
)

// with returns a copy of the target with the SETs.
func (t keyedTarget) with(sets ...keyedSet) keyedTarget {
	t.sets = sets
	return t
}

// as returns a copy of the target under another alias.
func (t keyedTarget) as(alias string) keyedTarget {
	t.alias = alias
	return t
}

// severalTargetWrites are multi-table writes of several tables of the
// merge schema, co-located and across shards.
var severalTargetWrites = []keyedWrite{
	{sharded: "UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = items.qty + 1, item_tags.weight = item_tags.weight * 10 WHERE items.id > 100",
		from: "items JOIN item_tags ON item_tags.item_id = items.id", where: "items.id > 100",
		targets: []keyedTarget{itemsT.with(keyedSet{col: "qty", expr: "items.qty + 1"}), itemTagsT.with(keyedSet{col: "weight", expr: "item_tags.weight * 10"})}},
	{sharded: "UPDATE items JOIN tokens ON tokens.item_id = items.id SET items.name = CONCAT(tokens.note, ?), tokens.item_id = items.id + 1000 WHERE items.id > ?",
		from: "items JOIN tokens ON tokens.item_id = items.id", where: "items.id > ?", whereArgs: []any{103},
		targets: []keyedTarget{itemsT.with(keyedSet{col: "name", expr: "CONCAT(tokens.note, ?)", args: []any{"-"}}), tokensT.with(keyedSet{col: "item_id", expr: "items.id + 1000"})}},
	{sharded: "UPDATE kinds JOIN items ON items.kind = kinds.code SET kinds.label = 'used', items.qty = 0 WHERE items.id < 50",
		from: "kinds JOIN items ON items.kind = kinds.code", where: "items.id < 50",
		targets: []keyedTarget{kindsT.with(keyedSet{col: "label", expr: "'used'"}), itemsT.with(keyedSet{col: "qty", expr: "0"})}},
	{sharded: "DELETE items, item_tags FROM items JOIN item_tags ON item_tags.item_id = items.id WHERE item_tags.weight = ?",
		from: "items JOIN item_tags ON item_tags.item_id = items.id", where: "item_tags.weight = ?", whereArgs: []any{2},
		targets: []keyedTarget{itemsT, itemTagsT}, delete: true},
	{sharded: "DELETE i, t FROM items AS i JOIN tokens AS t ON t.item_id = i.id WHERE t.note = 'x'",
		from: "items AS i JOIN tokens AS t ON t.item_id = i.id", where: "t.note = 'x'",
		targets: []keyedTarget{itemsT.as("i"), tokensT.as("t")}, delete: true},
	{sharded: "DELETE items, item_tags FROM items LEFT JOIN item_tags ON item_tags.item_id = items.id WHERE items.qty < 0",
		from: "items LEFT JOIN item_tags ON item_tags.item_id = items.id", where: "items.qty < 0",
		targets: []keyedTarget{itemsT, itemTagsT}, delete: true},
	{sharded: "DELETE tokens, kinds FROM tokens JOIN kinds ON kinds.code = tokens.note WHERE tokens.item_id > 100",
		from: "tokens JOIN kinds ON kinds.code = tokens.note", where: "tokens.item_id > 100",
		targets: []keyedTarget{tokensT, kindsT}, delete: true},
	{sharded: "DELETE items, item_tags, tokens FROM items JOIN item_tags ON item_tags.item_id = items.id JOIN tokens ON tokens.item_id = items.id",
		from:    "items JOIN item_tags ON item_tags.item_id = items.id JOIN tokens ON tokens.item_id = items.id",
		targets: []keyedTarget{itemsT, itemTagsT, tokensT}, delete: true},
}

// A multi-table write of several tables reads their keys once and
// changes each table's rows as one database does, all in one write.
func TestJoinedWritesOfSeveralTablesChangeWhatOneDatabaseChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 6)))
		loadMoreItems(t, p)
		for _, w := range severalTargetWrites {
			p.compareKeyed(t, mergeTables, w)
		}
	})
}

// What a write of several tables cannot change as one database would is
// refused before any row changes.
func TestJoinedWritesOfSeveralTablesRefuseWhatTheyCannotChangeAlike(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 6)))
		loadMoreItems(t, p)
		for _, c := range []struct{ q, want string }{
			{"DELETE a, b FROM items AS a JOIN items AS b ON b.qty = a.qty", "under two names"},
			{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = item_tags.weight, item_tags.weight = 1", "which the statement sets too"},
			{"UPDATE items JOIN item_tags ON item_tags.item_id = items.id SET items.qty = 1, item_tags.weight = qty", "names no table"},
			// An item with several tags would take several names; the
			// refusal comes before the tags change.
			{"UPDATE item_tags JOIN items ON items.id = item_tags.item_id SET item_tags.weight = 7, items.name = item_tags.tag", "several different values"},
		} {
			_, err := p.sharded.Exec(c.q)
			if !isUnsupported(err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %v, want unsupported mentioning %q", c.q, err, c.want)
			}
		}
		for _, tb := range mergeTables {
			p.compareRows(t, "SELECT * FROM "+tb)
		}
	})
}

// postsVSchema is lookupVSchema with posts, sharded by their user's id.
var postsVSchema = strings.Replace(lookupVSchema, `"user_email_idx": {`, `"posts": {"column_vindexes": [{"column": "user_id", "name": "hash"}]},
        "user_email_idx": {`, 1)

// Owned lookup vindexes follow the rows of every table a write of
// several tables changes; a lookup table changed beside its owner is
// refused.
func TestJoinedWritesOfSeveralTablesKeepOwnedLookupsInStep(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, postsVSchema)
		for _, ddl := range lookupDDL {
			p.exec(t, ddl)
		}
		p.exec(t, "CREATE TABLE posts (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, title VARCHAR(32))")
		for id := int64(1); id <= 12; id++ {
			p.exec(t, "INSERT INTO users (id, email, name) VALUES (?, ?, ?)", id, fmt.Sprintf("u%d@x", id), fmt.Sprintf("n%d", id%4))
			for j := int64(0); j < id%3; j++ {
				p.exec(t, "INSERT INTO posts (id, user_id, title) VALUES (?, ?, ?)", id*10+j, id, fmt.Sprintf("t%d", (id+j)%3))
			}
		}
		tables := []string{"users", "posts"}
		users := keyedTarget{table: "users", alias: "users", pk: []string{"id"}}
		posts := keyedTarget{table: "posts", alias: "posts", pk: []string{"id"}}
		from := "users JOIN posts ON posts.user_id = users.id"
		for _, w := range []keyedWrite{
			{sharded: "UPDATE " + from + " SET users.email = ?, posts.title = 'moved' WHERE users.id = 4",
				from: from, where: "users.id = 4",
				targets: []keyedTarget{users.with(keyedSet{col: "email", expr: "?", args: []any{"four@x"}}), posts.with(keyedSet{col: "title", expr: "'moved'"})}},
			{sharded: "UPDATE " + from + " SET users.name = NULL, posts.title = users.email WHERE posts.title = 't1'",
				from: from, where: "posts.title = 't1'",
				targets: []keyedTarget{users.with(keyedSet{col: "name", expr: "NULL"}), posts.with(keyedSet{col: "title", expr: "users.email"})}},
			{sharded: "DELETE users, posts FROM " + from + " WHERE posts.title = ?",
				from: from, where: "posts.title = ?", whereArgs: []any{"t2"},
				targets: []keyedTarget{users, posts}, delete: true},
		} {
			p.compareKeyed(t, tables, w)
			checkFindable(t, p)
		}
		_, err := p.sharded.Exec("DELETE users, user_name_idx FROM users JOIN user_name_idx ON user_name_idx.user_id = users.id WHERE users.id = 5")
		if !isUnsupported(err) || !strings.Contains(err.Error(), "lookup vindex name_idx") {
			t.Errorf("got %v, want unsupported naming the lookup vindex whose table is changed beside its owner", err)
		}
		checkFindable(t, p)
	})
}

// A write of several tables failing in the second table's writes, after
// the first table's rows were deleted on every shard, rolls every shard
// back: the implicit transaction is all or none.
func TestJoinedWriteOfSeveralTablesFailingMidwayChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		env, db := newTaggedItems(t, e)
		q := "DELETE FROM `item_tags`"
		if e.name == "postgres" {
			q = `DELETE FROM "item_tags"`
		}
		const write = "DELETE items, item_tags FROM items JOIN item_tags ON item_tags.item_id = items.id WHERE item_tags.weight = 1"
		shards, ran := execFailingOnLastShard(t, env, db, write, "DELETE FROM", q)
		if n := ranBeforeLast(shards, ran) + ran[shards[len(shards)-1]]; n < len(shards) {
			t.Errorf("%d DELETEs ran before the failing one, want the first table's on every shard: the test shows nothing", n)
		}
		for table, want := range map[string]int64{"items": 40, "item_tags": 40} {
			var n int64
			if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil || n != want {
				t.Errorf("%s left: %d, %v; want all %d: every shard rolled back", table, n, err, want)
			}
		}
		res, err := db.Exec(write)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := res.RowsAffected(); got != 28 {
			t.Errorf("RowsAffected %d, want the 14 items of weight 1 and their 14 tags", got)
		}
	})
}

// Inside an explicit transaction a write of several tables joins it: it
// is seen there and rolls back with it.
func TestJoinedWriteOfSeveralTablesRunsInTheSessionTransaction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeItems(idsOnShard(0, 3)))
		loadMoreItems(t, p)
		n, left := execRolledBack(t, p, "DELETE items, tokens FROM items JOIN tokens ON tokens.item_id = items.id WHERE tokens.note = 'x'", "SELECT COUNT(*) FROM tokens WHERE note = 'x'")
		if n == 0 || left != 0 {
			t.Errorf("deleted %d, %d tokens of note x left in the transaction; want some deleted and none left", n, left)
		}
	})
}
