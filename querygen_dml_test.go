package vitessdo_test

import (
	"flag"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

var dmlGenN = flag.Int("dmlgen.n", 0, "random joined or limited writes per engine (default 60, 20 with -short)")

// genWrite is a generated write and its equivalent on one database: the
// oracle form names the rows by the target's primary key with EXISTS or
// IN over the same join, which one database runs as it is.
type genWrite struct {
	sharded, oracle string
	args            []any
}

// dmlGenTable is a table of the merge schema a generated write changes or
// joins: its primary key and the columns a SET may change, by type.
type dmlGenTable struct {
	name  string
	pk    []string
	ints  []string // integer columns a SET may change
	strs  []string // text columns a SET may change
	conds []string // predicates over the table, aliased x
}

var dmlGenTables = map[string]dmlGenTable{
	"items": {name: "items", pk: []string{"id"}, ints: []string{"qty"}, strs: []string{"name", "grp", "kind"},
		conds: []string{"x.qty > ?", "x.qty IS NULL", "x.grp = 'a'", "x.kind = 'x'", "x.id % 3 = 1", "x.name < 'b'", "x.ratio >= 0", "x.id IN (101, 105, 106)", "x.id = 103"}},
	"item_tags": {name: "item_tags", pk: []string{"item_id", "tag"}, ints: []string{"weight"},
		conds: []string{"x.weight > ?", "x.weight IS NULL", "x.tag LIKE 't1%'", "x.item_id < 30", "x.item_id IN (102, 103, 109)"}},
	"tokens": {name: "tokens", pk: []string{"tok"}, ints: []string{"item_id"}, strs: []string{"note"},
		conds: []string{"x.note = 'y'", "x.note IS NULL", "x.item_id > ?"}},
	"kinds": {name: "kinds", pk: []string{"code"}, strs: []string{"label"},
		conds: []string{"x.label <> 'Ex'", "x.code = 'y'"}},
}

// dmlGenJoins are join conditions between the target t and the other table
// o: on the shared vindex, across shards, with a reference table.
var dmlGenJoins = []struct{ t, o, on string }{
	{"items", "item_tags", "o.item_id = t.id"},
	{"items", "tokens", "o.item_id = t.id"},
	{"items", "kinds", "o.code = t.kind"},
	{"items", "item_tags", "o.weight = t.qty"},
	{"items", "tokens", "o.note = t.kind"},
	{"item_tags", "items", "o.id = t.item_id"},
	{"item_tags", "tokens", "o.item_id = t.item_id"},
	{"tokens", "items", "o.id = t.item_id"},
	{"tokens", "kinds", "o.code = t.note"},
	{"kinds", "items", "o.kind = t.code"},
}

type dmlGen struct{ r *rand.Rand }

func (g *dmlGen) pick(xs []string) string { return xs[g.r.Intn(len(xs))] }

// cond returns a predicate over the table aliased alias, with its
// argument when it has one.
func (g *dmlGen) cond(tb dmlGenTable, alias string, args *[]any) string {
	c := strings.ReplaceAll(g.pick(tb.conds), "x.", alias+".")
	if strings.Contains(c, "?") {
		*args = append(*args, int64(g.r.Intn(9)-3))
	}
	return c
}

// where returns a WHERE over the target and, in a join, the other table.
func (g *dmlGen) where(t, o *dmlGenTable, args *[]any) string {
	var parts []string
	for i := 0; i < 1+g.r.Intn(2); i++ {
		if o != nil && g.r.Intn(2) == 0 {
			parts = append(parts, g.cond(*o, "o", args))
		} else {
			parts = append(parts, g.cond(*t, "t", args))
		}
	}
	op := " AND "
	if g.r.Intn(4) == 0 {
		op = " OR "
	}
	return "(" + strings.Join(parts, op) + ")"
}

// pkMatch is the condition naming the target row of a one-database
// statement of table name by the alias t.
func pkMatch(tb dmlGenTable) string {
	var parts []string
	for _, c := range tb.pk {
		parts = append(parts, "t."+c+" = "+tb.name+"."+c)
	}
	return strings.Join(parts, " AND ")
}

func generateWrite(seed int64) genWrite {
	g := &dmlGen{r: rand.New(rand.NewSource(seed))}
	if g.r.Intn(3) == 0 {
		return g.limited()
	}
	j := dmlGenJoins[g.r.Intn(len(dmlGenJoins))]
	t, o := dmlGenTables[j.t], dmlGenTables[j.o]
	var w genWrite
	from := fmt.Sprintf("%s AS t JOIN %s AS o ON %s", t.name, o.name, j.on)
	if g.r.Intn(3) == 0 {
		from = fmt.Sprintf("%s AS t, %s AS o", t.name, o.name)
		w.sharded = j.on + " AND "
	}
	var setArgs, whereArgs []any
	where := g.where(&t, &o, &whereArgs)
	exists := fmt.Sprintf("EXISTS (SELECT 1 FROM %s AS t JOIN %s AS o ON %s WHERE %s AND %s)", t.name, o.name, j.on, where, pkMatch(t))
	if g.r.Intn(2) == 0 {
		w.sharded = fmt.Sprintf("DELETE t FROM %s WHERE %s%s", from, w.sharded, where)
		w.oracle = fmt.Sprintf("DELETE FROM %s WHERE %s", t.name, exists)
		w.args = whereArgs
		return w
	}
	col, val := g.setValue(t, o, &setArgs)
	w.sharded = fmt.Sprintf("UPDATE %s SET t.%s = %s WHERE %s%s", from, col, val, w.sharded, where)
	// One database reads the value from the same join: the sharded write
	// is refused when the join gives a row several values.
	value := fmt.Sprintf("(SELECT %s FROM %s AS t JOIN %s AS o ON %s WHERE %s AND %s LIMIT 1)", val, t.name, o.name, j.on, where, pkMatch(t))
	if !strings.Contains(val, "t.") && !strings.Contains(val, "o.") {
		// A literal or an argument is set as it is.
		w.oracle = fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s", t.name, col, val, exists)
		w.args = append(append([]any(nil), setArgs...), whereArgs...)
		return w
	}
	w.oracle = fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s", t.name, col, value, exists)
	// The oracle binds the WHERE's arguments twice (in the value and in
	// the EXISTS); the sharded statement once.
	w.args = append(append([]any(nil), whereArgs...), whereArgs...)
	return w
}

// setValue returns a column of the target and a value of the matching
// type: a literal, an argument, the target's own column or the other
// table's.
func (g *dmlGen) setValue(t, o dmlGenTable, args *[]any) (string, string) {
	if len(t.ints) > 0 && (len(t.strs) == 0 || g.r.Intn(2) == 0) {
		col := g.pick(t.ints)
		switch g.r.Intn(4) {
		case 0:
			return col, fmt.Sprint(g.r.Intn(50))
		case 1:
			*args = append(*args, int64(g.r.Intn(50)))
			return col, "?"
		case 2:
			return col, "t." + col + " + 1"
		}
		if len(o.ints) > 0 {
			return col, "o." + g.pick(o.ints)
		}
		return col, "t." + col + " * 2"
	}
	col := g.pick(t.strs)
	switch g.r.Intn(3) {
	case 0:
		return col, "'v'"
	case 1:
		if len(o.strs) > 0 {
			return col, "o." + g.pick(o.strs)
		}
	}
	return col, "CONCAT(t." + col + ", '+')"
}

// limited returns a single-table write with ORDER BY … LIMIT over every
// shard.
func (g *dmlGen) limited() genWrite {
	t := dmlGenTables[g.pick([]string{"items", "item_tags", "tokens"})]
	var args []any
	where := g.where(&t, nil, &args)
	orders := map[string][]string{
		"items":     {"id", "qty DESC, id", "grp, id DESC", "name, qty, id", "qty"},
		"item_tags": {"item_id, tag", "weight DESC, item_id, tag", "tag DESC, item_id"},
		"tokens":    {"tok", "note, item_id, tok", "item_id DESC"},
	}[t.name]
	order := g.pick(orders)
	n := 1 + g.r.Intn(5)
	pk := strings.Join(t.pk, ", ")
	sub := fmt.Sprintf("(SELECT %s FROM (SELECT %s FROM %s AS t WHERE %s ORDER BY %s LIMIT %d) AS d)", pk, pk, t.name, where, order, n)
	target := pk
	if len(t.pk) > 1 {
		target = "(" + pk + ")"
	}
	var sharded, oracle string
	own := strings.ReplaceAll(where, "t.", "")
	if g.r.Intn(2) == 0 {
		sharded = fmt.Sprintf("DELETE FROM %s WHERE %s ORDER BY %s LIMIT %d", t.name, own, order, n)
		oracle = fmt.Sprintf("DELETE FROM %s WHERE %s IN %s", t.name, target, sub)
	} else {
		var setArgs []any
		col, val := g.setValue(t, t, &setArgs)
		val = strings.ReplaceAll(val, "o.", "t.")
		val = strings.ReplaceAll(val, "t.", "")
		sharded = fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s ORDER BY %s LIMIT %d", t.name, col, val, own, order, n)
		oracle = fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s IN %s", t.name, col, val, target, sub)
		args = append(setArgs, args...)
	}
	return genWrite{sharded: sharded, oracle: oracle, args: args}
}

// Random joined and limited writes change what one database changes, or
// are refused and change nothing.
func TestWriteGenShardedEqualsOneDatabase(t *testing.T) {
	n := *dmlGenN
	if n == 0 {
		n = 60
		if testing.Short() {
			n = 20
		}
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		var p *pair
		ran, refused := 0, map[string]int{}
		for i := 0; i < n; i++ {
			if i%20 == 0 {
				if p != nil {
					// Fresh rows; the old pair's connections go now.
					p.sharded.Close()
					p.oracle.Close()
				}
				p = newMergePair(t, e, mergeItems(idsOnShard(0, 6)))
				loadMoreItems(t, p)
			}
			seed := *queryGenSeed + int64(i)
			w := generateWrite(seed)
			got, gerr := execAffected(p.sharded, w.sharded, w.args[:countPlaceholders(w.sharded)]...)
			if gerr != nil {
				if !isUnsupported(gerr) {
					t.Fatalf("seed %d: %s %v: %v", seed, w.sharded, w.args, gerr)
				}
				refused[refusalReason(gerr.Error())]++
			} else {
				want, werr := execAffected(p.oracle, w.oracle, w.args...)
				if werr != nil {
					t.Fatalf("seed %d: oracle %s %v: %v", seed, w.oracle, w.args, werr)
				}
				if got != want {
					t.Errorf("seed %d: %s %v: RowsAffected %d, one database %d", seed, w.sharded, w.args, got, want)
				}
				if testing.Verbose() && i < 12 {
					t.Logf("%d rows: %s %v", got, w.sharded, w.args)
				}
				ran++
			}
			for _, tb := range mergeTables {
				if r := p.compareRows(t, "SELECT * FROM "+tb); t.Failed() {
					t.Fatalf("seed %d: %s %v: %s differs (%d rows)", seed, w.sharded, w.args, tb, len(r.Rows))
				}
			}
		}
		t.Logf("%s: %d generated writes, %d ran, %d refused", e.name, n, ran, n-ran)
		logTally(t, "refused", refused)
		if ran*2 < n {
			t.Errorf("only %d of %d generated writes ran: keep the generator within the supported surface", ran, n)
		}
	})
}

func countPlaceholders(q string) int { return strings.Count(q, "?") }

// refusalReason shortens an unsupported error to the kind of refusal.
func refusalReason(msg string) string {
	for _, k := range []string{"several different values", "tie on the ORDER BY", "cross-shard join", "primary vindex", "which the statement sets too"} {
		if strings.Contains(msg, k) {
			return k
		}
	}
	if len(msg) > 100 {
		msg = msg[:100]
	}
	return msg
}

var dmlTargetsGenN = flag.Int("dmlgen.targets", 0, "random writes of several tables per engine (default 60, 20 with -short)")

// generateSeveralTargets returns a write of both tables of a generated join, and
// how one database runs it (see keyedWrite).
func generateSeveralTargets(seed int64) keyedWrite {
	g := &dmlGen{r: rand.New(rand.NewSource(seed))}
	j := dmlGenJoins[g.r.Intn(len(dmlGenJoins))]
	t, o := dmlGenTables[j.t], dmlGenTables[j.o]
	join := "JOIN"
	if g.r.Intn(4) == 0 {
		join = "LEFT JOIN"
	}
	w := keyedWrite{from: fmt.Sprintf("%s AS t %s %s AS o ON %s", t.name, join, o.name, j.on)}
	w.where = g.where(&t, &o, &w.whereArgs)
	tt := keyedTarget{table: t.name, alias: "t", pk: t.pk}
	ot := keyedTarget{table: o.name, alias: "o", pk: o.pk}
	if g.r.Intn(2) == 0 {
		w.delete = true
		w.targets = []keyedTarget{tt, ot}
		if g.r.Intn(2) == 0 {
			w.targets = []keyedTarget{ot, tt}
		}
		w.sharded = fmt.Sprintf("DELETE %s, %s FROM %s WHERE %s", w.targets[0].alias, w.targets[1].alias, w.from, w.where)
		return w
	}
	var targs, oargs []any
	tcol, tval := g.setValue(t, o, &targs)
	if g.r.Intn(3) == 0 {
		// A value of the other table, which several of its rows may give.
		if slices.Contains(t.ints, tcol) && len(o.ints) > 0 {
			tval, targs = "o."+g.pick(o.ints), nil
		} else if slices.Contains(t.strs, tcol) && len(o.strs) > 0 {
			tval, targs = "o."+g.pick(o.strs), nil
		}
	}
	// The other table's SET, reading no column the first one sets, and
	// setting none the first one reads: MySQL gives the two no order.
	ocol, oval := "", ""
	for try := 0; try < 8; try++ {
		oargs = nil
		c, v := g.setValue(o, t, &oargs)
		v = strings.NewReplacer("t.", "o.", "o.", "t.").Replace(v)
		if !strings.Contains(v, "t."+tcol) && !strings.Contains(tval, "o."+c) {
			ocol, oval = c, v
			break
		}
	}
	if ocol == "" {
		ocol, oval, oargs = o.pickLiteral(g)
		if strings.Contains(tval, "o."+ocol) {
			tval, targs = "'v'", nil
			if slices.Contains(t.ints, tcol) {
				tval = fmt.Sprint(g.r.Intn(50))
			}
		}
	}
	tt.sets = []keyedSet{{col: tcol, expr: tval, args: targs}}
	ot.sets = []keyedSet{{col: ocol, expr: oval, args: oargs}}
	w.targets = []keyedTarget{tt, ot}
	w.sharded = fmt.Sprintf("UPDATE %s SET t.%s = %s, o.%s = %s WHERE %s", w.from, tcol, tval, ocol, oval, w.where)
	return w
}

// pickLiteral returns a column of the table and a literal of its type.
func (tb dmlGenTable) pickLiteral(g *dmlGen) (string, string, []any) {
	if len(tb.ints) > 0 {
		return g.pick(tb.ints), fmt.Sprint(g.r.Intn(50)), nil
	}
	return g.pick(tb.strs), "'v'", nil
}

// Random writes of several tables at once change what one database
// changes, or are refused and change nothing.
func TestWriteGenSeveralTablesShardedEqualsOneDatabase(t *testing.T) {
	n := *dmlTargetsGenN
	if n == 0 {
		n = 60
		if testing.Short() {
			n = 20
		}
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		var p *pair
		ran, refused := 0, map[string]int{}
		for i := 0; i < n; i++ {
			if i%20 == 0 {
				if p != nil {
					p.sharded.Close()
					p.oracle.Close()
				}
				p = newMergePair(t, e, mergeItems(idsOnShard(0, 6)))
				loadMoreItems(t, p)
			}
			seed := *queryGenSeed + int64(i)
			w := generateSeveralTargets(seed)
			got, gerr := execAffected(p.sharded, w.sharded, w.args()...)
			if gerr != nil {
				if !isUnsupported(gerr) {
					t.Fatalf("seed %d: %s %v: %v", seed, w.sharded, w.args(), gerr)
				}
				refused[refusalReason(gerr.Error())]++
			} else {
				if want := w.runOnOne(t, p.oracle); got != want {
					t.Errorf("seed %d: %s %v: RowsAffected %d, one database %d", seed, w.sharded, w.args(), got, want)
				}
				if testing.Verbose() && i < 12 {
					t.Logf("%d rows: %s %v", got, w.sharded, w.args())
				}
				ran++
			}
			for _, tb := range mergeTables {
				if r := p.compareRows(t, "SELECT * FROM "+tb); t.Failed() {
					t.Fatalf("seed %d: %s %v: %s differs (%d rows)", seed, w.sharded, w.args(), tb, len(r.Rows))
				}
			}
		}
		t.Logf("%s: %d generated writes of several tables, %d ran, %d refused", e.name, n, ran, n-ran)
		logTally(t, "refused", refused)
		if ran*2 < n {
			t.Errorf("only %d of %d generated writes ran: keep the generator within the supported surface", ran, n)
		}
	})
}
