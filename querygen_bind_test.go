package vitessdo_test

import (
	"database/sql"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bindFrom is a FROM clause of sharded rows whose columns the statements
// below select from a subquery.
func bindFroms() []genFrom {
	return []genFrom{
		{from: "items", cols: []genColumn{{"id", kindInt}, {"grp", kindText}, {"name", kindText}, {"qty", kindInt}, {"kind", kindText}}, unique: []string{"id"}, vindex: "id"},
		{from: "item_tags", cols: []genColumn{{"item_id", kindInt}, {"tag", kindText}, {"weight", kindInt}}, unique: []string{"item_id", "tag"}, vindex: "item_id"},
	}
}

// bindSubquery is an uncorrelated subquery over sharded rows selecting
// one column of kind k (its WHERE may be empty, or keep no row, or name
// vindex values of no shard).
func (g *queryGen) bindSubquery(k genKind) string {
	fs := bindFroms()
	g.f = fs[g.r.Intn(len(fs))]
	c := g.column(func(c genColumn) bool { return c.kind == k })
	if c.expr == "" {
		g.f = fs[0]
		c = g.column(func(c genColumn) bool { return c.kind == k })
	}
	if g.chance(0.1) {
		// Only NULLs: the list binds no value that types it.
		return "SELECT " + c.expr + " FROM " + g.f.from + " WHERE " + c.expr + " IS NULL"
	}
	if g.chance(0.05) {
		return "SELECT " + c.expr + " FROM " + g.f.from + g.noShard()
	}
	return "SELECT " + c.expr + " FROM " + g.f.from + g.where()
}

// noShard is a WHERE of vindex conditions of no shard over g.f: the
// subquery has no row, and the statement around it still has its own.
func (g *queryGen) noShard() string {
	v := g.f.vindex
	return " WHERE " + []string{v + " = NULL", v + " = 1 AND " + v + " = 2"}[g.r.Intn(2)]
}

// bindScalar is an uncorrelated scalar subquery over sharded rows: an
// aggregate (one row), or a point (one row or none).
func (g *queryGen) bindScalar(k genKind) string {
	sub := g.bindSubquery(k)
	col, rest := sub[len("SELECT "):], ""
	for i := range col {
		if col[i] == ' ' {
			col, rest = col[:i], col[i:]
			break
		}
	}
	agg := []string{"MAX", "MIN", "COUNT"}[g.r.Intn(3)]
	if agg == "COUNT" && k == kindText {
		agg = "MAX"
	}
	return "(SELECT " + agg + "(" + col + ")" + rest + ")"
}

// referenceQuery reads the reference table kinds with the sharded tables
// only in subqueries: uncorrelated IN, NOT IN, EXISTS (over no shard
// too) and scalar ones
// (run once, bound into a read of one copy) and correlated EXISTS / IN
// on an equality with the reference row (a semi-join over one copy).
func (g *queryGen) referenceQuery() genQuery {
	var conds []string
	for n := 1 + g.r.Intn(2); len(conds) < n; {
		switch g.r.Intn(6) {
		case 5:
			// The subquery alone routes the statement, to no shard.
			g.f = bindFroms()[g.r.Intn(2)]
			conds = append(conds, []string{"", "NOT "}[g.r.Intn(2)]+"EXISTS (SELECT 1 FROM "+g.f.from+g.noShard()+")")
		case 0:
			conds = append(conds, "k.code"+[]string{" IN ", " NOT IN "}[g.r.Intn(2)]+"("+g.bindSubquery(kindText)+")")
		case 1:
			conds = append(conds, []string{"", "NOT "}[g.r.Intn(2)]+"EXISTS ("+g.bindSubquery(kindInt)+")")
		case 2:
			conds = append(conds, "k.code "+[]string{"=", "<", ">="}[g.r.Intn(3)]+" "+g.bindScalar(kindText))
		case 3:
			conds = append(conds, []string{"", "NOT "}[g.r.Intn(2)]+"EXISTS (SELECT 1 FROM items i WHERE i.kind = k.code"+g.andOn(bindFroms()[0], "i.")+")")
		default:
			conds = append(conds, "k.code IN (SELECT i.kind FROM items i WHERE i.kind = k.code"+g.andOn(bindFroms()[0], "i.")+")")
		}
	}
	q := genQuery{sql: "SELECT k.code, k.label FROM kinds k WHERE " + strings.Join(conds, " AND ")}
	if g.chance(0.4) {
		var sb strings.Builder
		sb.WriteString(" ORDER BY k.code" + direction(g.r))
		q.ordered = true
		g.limit(&q, &sb)
		q.sql += sb.String()
	}
	q.args = g.args
	return q
}

// andOn is " AND " a predicate on the columns of f qualified by q, or
// nothing.
func (g *queryGen) andOn(f genFrom, q string) string {
	if !g.chance(0.5) {
		return ""
	}
	c := f.cols[g.r.Intn(len(f.cols))]
	return " AND " + q + c.expr + " IS NOT NULL"
}

// tablelessBoundQuery is a SELECT without tables over subqueries on
// several shards that the router cannot compute alone: IN lists (of a
// number given as text too), the
// backend's functions, GROUP BY, HAVING, ORDER BY, LIMIT and DISTINCT.
func (g *queryGen) tablelessBoundQuery() genQuery {
	var items []string
	for n := 1 + g.r.Intn(2); len(items) < n; {
		var e string
		switch g.r.Intn(8) {
		case 7:
			// A number given as text: one database compares it as the
			// column's number (SQLite's affinity, PostgreSQL's type),
			// text that is no number as text.
			g.args = append(g.args, []string{"7", " 7", "07", "-3", "7x", "1e0"}[g.r.Intn(6)])
			e = "?" + []string{" IN ", " NOT IN "}[g.r.Intn(2)] + "(" + g.bindSubquery(kindInt) + ")"
		case 6:
			// A scalar subquery that may have several rows: SQLite's
			// first row is decided by its ORDER BY, or by one value.
			e = "(" + g.bindSubquery(kindText)
			if g.chance(0.5) {
				e += " ORDER BY 1 DESC LIMIT 1"
			}
			e += ")"
		case 0:
			e = g.number(kindInt) + []string{" IN ", " NOT IN "}[g.r.Intn(2)] + "(" + g.bindSubquery(kindInt) + ")"
		case 1:
			e = g.text() + []string{" IN ", " NOT IN "}[g.r.Intn(2)] + "(" + g.bindSubquery(kindText) + ")"
		case 2:
			e = []string{"UPPER", "LOWER", "LENGTH"}[g.r.Intn(3)] + "(" + g.bindScalar(kindText) + ")"
		case 3:
			e = "ABS(" + g.bindScalar(kindInt) + ") + " + g.number(kindInt)
		case 4:
			e = g.bindScalar(kindInt) + " IN (" + g.bindSubquery(kindInt) + ")"
		default:
			e = "COALESCE(" + g.bindScalar(kindInt) + ", -1)"
		}
		items = append(items, fmt.Sprintf("%s AS c%d", e, len(items)))
	}
	sql := "SELECT "
	if g.chance(0.2) {
		sql += "DISTINCT "
	}
	sql += strings.Join(items, ", ")
	switch g.r.Intn(4) {
	case 0:
		sql += " FROM dual WHERE " + g.text() + " IN (" + g.bindSubquery(kindText) + ")"
	case 1:
		sql += " ORDER BY c0"
	case 2:
		sql += " GROUP BY c0"
	}
	if g.chance(0.3) {
		sql += fmt.Sprintf(" LIMIT %d", g.r.Intn(2))
	}
	return genQuery{sql: sql, args: g.args, ordered: true}
}

// boundItemQuery is a SELECT over sharded rows whose select list holds
// `x [NOT] IN (SELECT …)` with x an argument (a number, or a number
// given as text), a literal or arithmetic over them, and an
// uncorrelated subquery over several shards: one truth for every row,
// run once and bound.
func (g *queryGen) boundItemQuery() genQuery {
	items := []string{"id"}
	for n := 1 + g.r.Intn(2); len(items) <= n; {
		in := []string{" IN ", " NOT IN "}[g.r.Intn(2)]
		var e string
		switch g.r.Intn(5) {
		case 0:
			g.args = append(g.args, int64(g.r.Intn(13)-3))
			e = "?" + in + "(" + g.bindSubquery(kindInt) + ")"
		case 1:
			g.args = append(g.args, []string{"7", " 7", "07", "-3", "7x", "1e0"}[g.r.Intn(6)])
			e = "?" + in + "(" + g.bindSubquery(kindInt) + ")"
		case 2:
			g.args = append(g.args, int64(g.r.Intn(9)))
			e = "? + 1" + in + "(" + g.bindSubquery(kindInt) + ")"
		case 3:
			e = g.text() + in + "(" + g.bindSubquery(kindText) + ")"
		default:
			g.args = append(g.args, int64(g.r.Intn(13)-3))
			e = "CASE WHEN ?" + in + "(" + g.bindSubquery(kindInt) + ") THEN 'y' ELSE 'n' END"
		}
		items = append(items, fmt.Sprintf("%s AS c%d", e, len(items)))
	}
	g.f = bindFroms()[0]
	q := genQuery{}
	var sb strings.Builder
	sb.WriteString("SELECT " + strings.Join(items, ", ") + " FROM items" + g.where())
	if g.chance(0.4) {
		sb.WriteString(" ORDER BY id" + direction(g.r))
		q.ordered = true
		g.limit(&q, &sb)
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// unionOrderQuery is a UNION over several shards ordered by an
// expression: SQLite orders by the column the term is, PostgreSQL (and
// SQLite for a term no column is) fails as one database does.
func (g *queryGen) unionOrderQuery() genQuery {
	exprs := []struct{ first, second, order string }{
		{"qty + 1", "weight", "qty + 1"},
		{"LOWER(name)", "tag", "LOWER(name)"},
		{"name", "tag", "LOWER(name)"},
		{"id + qty", "item_id", "id + qty"},
		{"grp", "tag", "tag"},
		{"qty * 2", "weight", "qty * 3"},
	}
	x := exprs[g.r.Intn(len(exprs))]
	g.f = bindFroms()[0]
	sql := "SELECT " + x.first + " FROM items" + g.where()
	g.f = bindFroms()[1]
	sql += []string{" UNION ", " UNION ALL "}[g.r.Intn(2)] + "SELECT " + x.second + " FROM item_tags" + g.where()
	q := genQuery{ordered: true}
	var sb strings.Builder
	sb.WriteString(sql + " ORDER BY " + x.order + direction(g.r))
	g.limit(&q, &sb)
	q.sql, q.args = sb.String(), g.args
	return q
}

// unionLiteralQuery is a UNION over several shards with SELECTs without
// tables, which the router answers (its BIGINT columns and the shards'
// INT8 and INT4 are one type, as are its VARCHAR and their TEXT): the
// rows one database returns.
func (g *queryGen) unionLiteralQuery() genQuery {
	shapes := []struct{ items, tags, lit string }{
		{"id, qty", "item_id, weight", "%d, %d"},
		{"id", "item_id", "%d"},
		{"qty", "weight", "%d"},
		{"id, name", "item_id, tag", "%d, 'n%d'"},
	}
	x := shapes[g.r.Intn(len(shapes))]
	union := func() string { return []string{" UNION ", " UNION ALL "}[g.r.Intn(2)] }
	lit := func() string {
		a, b := g.r.Intn(40)-5, g.r.Intn(9)
		if strings.Count(x.lit, "%") == 1 {
			return fmt.Sprintf(x.lit, a)
		}
		return fmt.Sprintf(x.lit, a, b)
	}
	g.f = bindFroms()[0]
	parts := []string{"SELECT " + x.items + " FROM items" + g.where(), "SELECT " + lit()}
	if g.chance(0.5) {
		parts[0], parts[1] = parts[1], parts[0]
	}
	if g.chance(0.4) {
		g.f = bindFroms()[1]
		parts = append(parts, "SELECT "+x.tags+" FROM item_tags"+g.where())
	}
	sql := parts[0]
	for _, p := range parts[1:] {
		sql += union() + p
	}
	return genQuery{sql: sql, args: g.args}
}

// derivedInnerQuery joins items with a derived table on the derived
// table's key: grouped by its table's primary vindex column or selecting
// it plainly (read in batches bound and routed by the outer keys), or
// grouped by another column (read once).
func (g *queryGen) derivedInnerQuery() genQuery {
	inners := []func() (string, string){
		func() (string, string) {
			g.f = bindFroms()[1]
			return "SELECT item_id AS k, COUNT(*) AS n FROM item_tags" + g.where() + " GROUP BY item_id", kindIntKey
		},
		func() (string, string) {
			g.f = bindFroms()[1]
			return "SELECT item_id AS k, MAX(weight) AS n FROM item_tags" + g.where() + " GROUP BY item_id", kindIntKey
		},
		func() (string, string) {
			g.f = bindFroms()[0]
			return "SELECT id AS k, qty AS n FROM items" + g.where(), kindIntKey
		},
		func() (string, string) {
			g.f = bindFroms()[0]
			return "SELECT grp AS k, COUNT(*) AS n FROM items" + g.where() + " GROUP BY grp", kindTextKey
		},
	}
	inner, key := inners[g.r.Intn(len(inners))]()
	outer := "i.qty"
	switch {
	case key == kindTextKey:
		outer = []string{"i.grp", "i.kind", "i.name"}[g.r.Intn(3)]
	case g.chance(0.5):
		outer = "i.id"
	}
	join := []string{" JOIN ", " LEFT JOIN "}[g.r.Intn(2)]
	g.f = genFrom{from: "items i", cols: []genColumn{{"i.id", kindInt}, {"i.grp", kindText}, {"i.qty", kindInt}, {"i.name", kindText}}, unique: []string{"i.id"}, vindex: "i.id"}
	sql := "SELECT i.id, d.k, d.n FROM items i" + join + "(" + inner + ") d ON d.k = " + outer + g.where()
	return genQuery{sql: sql, args: g.args}
}

// The kinds of a derived table's key column.
const (
	kindIntKey  = "int"
	kindTextKey = "text"
)

// compareBindQuery compares a generated statement as compareGenQuery
// does, except that one the oracle rejects must fail alike.
func compareBindQuery(t *testing.T, p *pair, seed int64, q genQuery, st *genStats, failed *int) {
	t.Helper()
	if _, werr := queryAll(p.oracle, q.sql, q.args...); werr != nil {
		st.run++
		*failed++
		_, gerr := queryAll(p.sharded, q.sql, q.args...)
		if gerr == nil || !sameFailure(gerr, werr) {
			st.mismatches++
			t.Errorf("seed %d: %s %v: got %v, one database fails with %v", seed, q.sql, q.args, gerr, werr)
		}
		return
	}
	compareGenQuery(t, p, seed, q, st)
}

// Generated statements whose subqueries are bound into them (a reference
// table over sharded subqueries, SELECTs without tables, select items
// `? IN (SELECT …)` over sharded rows), UNIONs ordered
// by expressions and joins with an inner derived table return what one
// database returns, or fail as it does.
func TestQueryGenBoundSubqueriesEqualOneDatabase(t *testing.T) {
	compareBindGens(t, 75, (*queryGen).referenceQuery, (*queryGen).tablelessBoundQuery, (*queryGen).unionOrderQuery, (*queryGen).derivedInnerQuery, (*queryGen).boundItemQuery)
}

// Generated UNIONs of SELECTs over shards and SELECTs without tables
// return what one database returns.
func TestQueryGenUnionLiteralsEqualOneDatabase(t *testing.T) {
	compareBindGens(t, 200, (*queryGen).unionLiteralQuery)
}

// compareBindGens runs n statements of each generator per engine (two
// fifths of them with -short) and requires what one database returns.
func compareBindGens(t *testing.T, n int, gens ...func(*queryGen) genQuery) {
	if *queryGenN != 0 {
		n = *queryGenN
	} else if testing.Short() {
		n = n * 2 / 5
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		st := &genStats{reasons: map[string]int{}}
		failed := 0
		for i := 0; i < n; i++ {
			for j, gen := range gens {
				seed := *queryGenSeed + int64(i)
				g := &queryGen{r: rand.New(rand.NewSource(seed*int64(len(gens)) + int64(j)))}
				compareBindQuery(t, p, seed, gen(g), st, &failed)
			}
			if st.mismatches >= 20 {
				t.Fatalf("stopping after %d mismatches", st.mismatches)
			}
		}
		st.report(t, e.name)
		t.Logf("%s: %d statements fail alike on both", e.name, failed)
		if st.unsupported*10 > st.run {
			t.Errorf("%d of %d generated statements are unsupported: %v", st.unsupported, st.run, st.reasons)
		}
	})
}

// referenceWriteQuery is an UPDATE or DELETE of the reference table
// kinds with uncorrelated subqueries over sharded rows.
func (g *queryGen) referenceWriteQuery() genQuery {
	// The SET value first: its arguments come before the WHERE's.
	var sql string
	switch g.r.Intn(3) {
	case 0:
		sql = "DELETE FROM kinds WHERE "
	case 1:
		sql = "UPDATE kinds SET label = " + g.bindScalar(kindText) + " WHERE "
	default:
		sql = "UPDATE kinds SET label = " + g.text() + " WHERE "
	}
	var cond string
	switch g.r.Intn(3) {
	case 0:
		cond = "code" + []string{" IN ", " NOT IN "}[g.r.Intn(2)] + "(" + g.bindSubquery(kindText) + ")"
	case 1:
		cond = []string{"", "NOT "}[g.r.Intn(2)] + "EXISTS (" + g.bindSubquery(kindInt) + ")"
	default:
		cond = "code >= " + g.bindScalar(kindText)
	}
	return genQuery{sql: sql + cond, args: g.args}
}

// Generated UPDATEs and DELETEs of a reference table over sharded
// subqueries change what one database changes, in a transaction rolled
// back after each, and leave every copy alike.
func TestQueryGenReferenceWritesEqualOneDatabase(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 20
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			q := (&queryGen{r: rand.New(rand.NewSource(seed))}).referenceWriteQuery()
			got, gerr := writeAndRead(p.sharded, q)
			want, werr := writeAndRead(p.oracle, q)
			if werr != nil {
				t.Errorf("seed %d: the oracle rejects %s %v: %v", seed, q.sql, q.args, werr)
				continue
			}
			if gerr != nil {
				t.Errorf("seed %d: %s %v: %v", seed, q.sql, q.args, gerr)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("seed %d: %s %v: sharded differs (-oracle +sharded):\n%s", seed, q.sql, q.args, diff)
			}
		}
		kindsCopies(t, p.sharded)
	})
}

// writeAndRead runs a write in a transaction, reads kinds in it and
// rolls back: the rows affected, then the rows.
func writeAndRead(db *sql.DB, q genQuery) ([][]any, error) {
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	res, err := tx.Exec(q.sql, q.args...)
	if err != nil {
		return nil, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query("SELECT code, label FROM kinds ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := [][]any{{n}}
	for rows.Next() {
		var code string
		var label sql.NullString
		if err := rows.Scan(&code, &label); err != nil {
			return nil, err
		}
		out = append(out, []any{code, label})
	}
	return out, rows.Err()
}

// sameFailure reports whether two errors are the same failure: the same
// message but for the shard named, or PostgreSQL's scalar subquery of
// several rows, which the router reports itself.
func sameFailure(got, want error) bool {
	const rows = "more than one row returned by a subquery used as an expression"
	if strings.Contains(got.Error(), rows) && strings.Contains(want.Error(), rows) {
		return true
	}
	return shardPrefix.ReplaceAllString(got.Error(), "") == shardPrefix.ReplaceAllString(want.Error(), "")
}
