package vitessdo_test

import (
	"flag"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The random query generator: seeded SELECTs over the merge schema
// (items and item_tags sharded by item id, kinds a reference table), each
// run on the sharded database and on the oracle and compared. A seed
// names one statement: -querygen.seed=S -querygen.n=1 replays it.
var (
	queryGenN    = flag.Int("querygen.n", 0, "random queries per engine (default 2000, 100 with -short)")
	queryGenSeed = flag.Int64("querygen.seed", 1, "seed of the first random query")
)

// genQuery is one generated statement.
type genQuery struct {
	sql  string
	args []any
	// ordered is set when the ORDER BY is a total order of the result,
	// so the rows are compared in order; otherwise as a multiset.
	ordered bool
	// oracle, when set, is the statement one database runs instead: the
	// same statement written another way, with oracleArgs when they
	// differ.
	oracle     string
	oracleArgs []any
	// byValue compares numbers by their value: the statement's groups,
	// DISTINCT rows or MIN and MAX may stand for equal values of
	// different types (0 and 0.0, -0.0), any of which one database may
	// return.
	byValue bool
}

// column is a column the generator may use.
type genColumn struct {
	expr string // qualified as the FROM clause needs
	kind genKind
}

type genKind int8

const (
	kindInt genKind = iota
	kindDecimal
	kindFloat
	kindText
	kindTime
	kindBlob
)

func (k genKind) numeric() bool { return k != kindText && k != kindTime && k != kindBlob }

// genFrom is a FROM clause with its columns and a unique key of its rows.
type genFrom struct {
	from   string
	cols   []genColumn
	unique []string
	// vindex is the primary vindex column of the sharded rows, of kind
	// vindexKind.
	vindex     string
	vindexKind genKind
}

func genFroms() []genFrom {
	itemCols := func(q string) []genColumn {
		return []genColumn{
			{q + "id", kindInt}, {q + "grp", kindText}, {q + "name", kindText}, {q + "qty", kindInt},
			{q + "price", kindDecimal}, {q + "ratio", kindFloat}, {q + "kind", kindText}, {q + "made", kindTime},
		}
	}
	return []genFrom{
		{from: "items", cols: itemCols(""), unique: []string{"id"}, vindex: "id"},
		{from: "items i", cols: itemCols("i."), unique: []string{"i.id"}, vindex: "i.id"},
		{from: "items i JOIN item_tags t ON t.item_id = i.id",
			cols:   append(itemCols("i."), genColumn{"t.tag", kindText}, genColumn{"t.weight", kindInt}),
			unique: []string{"i.id", "t.tag"}, vindex: "i.id"},
		{from: "items i LEFT JOIN kinds k ON k.code = i.kind",
			cols:   append(itemCols("i."), genColumn{"k.label", kindText}),
			unique: []string{"i.id"}, vindex: "i.id"},
		{from: "item_tags t", cols: []genColumn{{"t.item_id", kindInt}, {"t.tag", kindText}, {"t.weight", kindInt}},
			unique: []string{"t.item_id", "t.tag"}, vindex: "t.item_id"},
		{from: "tokens", cols: []genColumn{{"tok", kindBlob}, {"item_id", kindInt}, {"note", kindText}},
			unique: []string{"tok"}, vindex: "tok", vindexKind: kindBlob},
	}
}

// queryGen builds one statement from a seeded source.
type queryGen struct {
	r    *rand.Rand
	f    genFrom
	args []any
	// distinct is set while generating a SELECT DISTINCT over groups.
	distinct bool
	// joinsKinds is set when the statement joins kinds besides its
	// tables, so no column of kinds may go unqualified.
	joinsKinds bool
	// nestsKinds is set when the nullable side of an outer join is a
	// join with kinds, likewise.
	nestsKinds bool
}

// generateQuery returns the statement of a seed.
func generateQuery(seed int64) genQuery {
	g := &queryGen{r: rand.New(rand.NewSource(seed))}
	froms := genFroms()
	g.f = froms[g.pickWeighted(5, 3, 3, 2, 2, 2)]
	switch g.pickWeighted(4, 2, 5, 1, 1, 1, 1) {
	case 0:
		return g.rowQuery()
	case 1:
		return g.distinctQuery()
	case 2:
		return g.groupQuery()
	case 3:
		return g.vindexGroupQuery()
	case 4:
		return g.tablelessQuery()
	case 5:
		return g.unionQuery()
	default:
		return g.clashQuery()
	}
}

// clashQuery names a select item after a column of the FROM tables and
// uses the name in GROUP BY, HAVING or ORDER BY, where each backend
// decides whether it means the alias or the column.
func (g *queryGen) clashQuery() genQuery {
	var q genQuery
	key := g.column(func(c genColumn) bool { return c.expr != g.f.vindex && c.kind != kindBlob })
	name := unqualified(key.expr)
	other := g.column(func(c genColumn) bool {
		return unqualified(c.expr) != name && c.expr != g.f.vindex && c.kind != kindBlob
	})
	var sql string
	switch g.r.Intn(5) {
	case 0:
		// GROUP BY the column, not the aggregate's alias.
		sql = "SELECT COUNT(*) " + name + " FROM " + g.f.from + g.where() + " GROUP BY " + key.expr
	case 1:
		// GROUP BY the column, the item computed from it per group.
		e := "LOWER(" + key.expr + ")"
		if key.kind != kindText {
			e = key.expr + " IS NULL"
		}
		sql = "SELECT " + e + " AS " + name + ", COUNT(*) FROM " + g.f.from + g.where() + " GROUP BY " + key.expr
	case 2:
		// HAVING the alias of an aggregate (PostgreSQL) or the column of
		// an arbitrary row (SQLite, refused).
		other := unqualified(other.expr)
		sql = "SELECT " + key.expr + ", COUNT(*) AS " + other + " FROM " + g.f.from + g.where() + " GROUP BY " + key.expr + " HAVING " + other + " > " + fmt.Sprint(g.r.Intn(4))
	case 3:
		// ORDER BY the alias, which swaps two columns' names.
		q.ordered = true
		v := unqualified(g.f.vindex)
		sql = "SELECT " + g.f.vindex + " AS " + name + ", " + key.expr + " AS " + v + " FROM " + g.f.from + g.where() + " ORDER BY " + v + direction(g.r) + ", " + name + direction(g.r)
		if len(g.f.unique) > 1 {
			sql += ", " + strings.Join(g.f.unique, ", ")
		}
		var sb strings.Builder
		g.limit(&q, &sb)
		sql += sb.String()
	default:
		// ORDER BY the alias of an aggregate named after a column.
		q.ordered = true
		sql = "SELECT " + key.expr + ", SUM(" + g.column(numericCol).expr + ") AS " + name + "x, MAX(" + other.expr + ") AS " + unqualified(other.expr) +
			" FROM " + g.f.from + g.where() + " GROUP BY " + key.expr + " ORDER BY " + unqualified(other.expr) + direction(g.r) + ", " + key.expr
	}
	q.sql, q.args = sql, g.args
	return q
}

func (g *queryGen) pickWeighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.Intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *queryGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *queryGen) column(pred func(genColumn) bool) genColumn {
	var cs []genColumn
	for _, c := range g.f.cols {
		if pred == nil || pred(c) {
			cs = append(cs, c)
		}
	}
	return cs[g.r.Intn(len(cs))]
}

func numericCol(c genColumn) bool { return c.kind.numeric() }
func notBlob(c genColumn) bool    { return c.kind != kindBlob }
func intCol(c genColumn) bool     { return c.kind == kindInt }

// number returns a literal or, sometimes, a ? argument.
func (g *queryGen) number(k genKind) string {
	var v any
	switch k {
	case kindInt:
		v = int64(g.r.Intn(25) - 12)
	default:
		v = float64(g.r.Intn(81)-40) / 4
	}
	if g.chance(0.3) {
		// Now and then a float argument beside an integer: PostgreSQL
		// types it by the column (a bigint drops the fraction).
		if k == kindInt && g.chance(0.15) {
			v = float64(g.r.Intn(49)-24) / 4
		}
		g.args = append(g.args, v)
		return "?"
	}
	if f, ok := v.(float64); ok {
		return fmt.Sprintf("%.2f", f)
	}
	return fmt.Sprint(v)
}

var genTexts = []string{"a", "B", "b", "é", "Z", "apple", "Apple", "zebra", "ä", "", "x", "y", "t0-a", "t1-B"}

func (g *queryGen) text() string {
	s := genTexts[g.r.Intn(len(genTexts))]
	if g.chance(0.3) {
		g.args = append(g.args, s)
		return "?"
	}
	return "'" + s + "'"
}

var genTimes = []string{"2024-03-06 14:00:00", "2024-07-01", "2024-11-21 07:00:00", "2023-12-31", "2024-01-01 00:00:00", "2024-01-01"}

// blob is a binary literal written as MySQL writes them (0x…, X'…', b'…')
// or a []byte argument: a token key, or a value no token has.
func (g *queryGen) blob() string {
	b := tokenOf(g.r.Intn(100))
	if g.chance(0.2) {
		b = b[:1]
	}
	switch g.r.Intn(5) {
	case 0:
		return fmt.Sprintf("0x%x", b)
	case 1:
		return fmt.Sprintf("X'%X'", b)
	case 2:
		return fmt.Sprintf("x'%x'", b)
	case 3:
		var bits strings.Builder
		for _, c := range b {
			fmt.Fprintf(&bits, "%08b", c)
		}
		return "b'" + bits.String() + "'"
	}
	g.args = append(g.args, b)
	return "?"
}

// vindexValue is a value of the primary vindex column.
func (g *queryGen) vindexValue() string {
	switch g.f.vindexKind {
	case kindBlob:
		return g.blob()
	case kindText:
		return g.text()
	}
	n := g.r.Intn(80) + 1
	if g.chance(0.1) {
		// An integer as text both backends read as that integer beside
		// the integer column: white space, a sign, leading zeros.
		s := []string{" %d", "%d ", "+%d", "0%d", "\t%d\n"}[g.r.Intn(5)]
		g.args = append(g.args, fmt.Sprintf(s, n))
		return "?"
	}
	return fmt.Sprint(n)
}

func (g *queryGen) literal(k genKind) string {
	switch k {
	case kindBlob:
		return g.blob()
	case kindText:
		return g.text()
	case kindTime:
		s := genTimes[g.r.Intn(len(genTimes))]
		if g.chance(0.3) {
			g.args = append(g.args, s)
			return "?"
		}
		return "'" + s + "'"
	}
	return g.number(k)
}

// predicate is a WHERE condition over row columns.
func (g *queryGen) predicate(depth int) string {
	if depth < 2 && g.chance(0.3) {
		op := " AND "
		if g.chance(0.4) {
			op = " OR "
		}
		return "(" + g.predicate(depth+1) + op + g.predicate(depth+1) + ")"
	}
	c := g.column(nil)
	switch g.pickWeighted(5, 2, 1, 1, 1, 1) {
	case 0:
		ops := []string{"=", "<>", "<", "<=", ">", ">="}
		op := ops[g.r.Intn(len(ops))]
		if c.kind.numeric() && g.chance(0.15) {
			return c.expr + " " + op + " " + g.scalarSubquery()
		}
		return c.expr + " " + op + " " + g.literal(c.kind)
	case 1:
		if g.chance(0.5) {
			return c.expr + " IS NULL"
		}
		return c.expr + " IS NOT NULL"
	case 2:
		return c.expr + " BETWEEN " + g.literal(c.kind) + " AND " + g.literal(c.kind)
	case 3:
		if c.kind == kindText {
			return c.expr + " IN (" + g.text() + ", " + g.text() + ")"
		}
		// id IN (…) routes to the shards of the listed ids.
		// The first value is drawn alone: a value may be an argument.
		var first string
		if g.f.vindexKind == kindInt {
			first = g.number(kindInt)
		} else {
			first = g.vindexValue()
		}
		return g.f.vindex + " IN (" + first + ", " + g.vindexValue() + ", " + g.vindexValue() + ")"
	case 4:
		// A point condition: the statement goes to one shard whole.
		return g.f.vindex + " = " + g.vindexValue()
	default:
		return g.semiSubquery(c)
	}
}

// semiSubquery is an uncorrelated IN, NOT IN, EXISTS or NOT EXISTS
// subquery, over tables on other shards than the row: its list (NULLs,
// duplicates and empty lists included) or its boolean is bound into the
// outer statement.
func (g *queryGen) semiSubquery(c genColumn) string {
	op := " IN "
	if g.chance(0.5) {
		op = " NOT IN "
	}
	switch {
	case g.chance(0.2):
		not := ""
		if g.chance(0.5) {
			not = "NOT "
		}
		return not + "EXISTS (SELECT 1 FROM item_tags WHERE weight > " + g.number(kindInt) + ")"
	case g.f.vindexKind == kindInt && g.chance(0.4):
		// On the vindex column the list routes the outer statement.
		// Each alternative draws its literals only when chosen: a literal
		// may be a bind argument.
		lists := []func() string{
			func() string { return "SELECT qty FROM items WHERE grp = " + g.text() },
			func() string { return "SELECT weight FROM item_tags" },
			func() string { return "SELECT item_id FROM item_tags WHERE weight > " + g.number(kindInt) },
		}
		return g.f.vindex + op + "(" + lists[g.r.Intn(len(lists))]() + ")"
	case c.kind == kindInt:
		lists := []func() string{
			func() string { return "SELECT weight FROM item_tags WHERE tag = " + g.text() },
			func() string { return "SELECT qty FROM items WHERE qty > " + g.number(kindInt) },
			func() string { return "SELECT weight FROM item_tags WHERE weight IS NULL" },
		}
		left := c.expr
		if g.chance(0.2) {
			// An argument, which only the list's column types.
			g.args = append(g.args, int64(g.r.Intn(9)-4))
			left = "?"
		}
		return left + op + "(" + lists[g.r.Intn(len(lists))]() + ")"
	case c.kind == kindText:
		lists := []func() string{
			func() string { return "SELECT tag FROM item_tags WHERE weight > " + g.number(kindInt) },
			func() string { return "SELECT grp FROM items WHERE qty < " + g.number(kindInt) },
		}
		return c.expr + op + "(" + lists[g.r.Intn(len(lists))]() + ")"
	default:
		return c.expr + " IS NOT NULL"
	}
}

// scalarSubquery is an uncorrelated subquery of one numeric value (NULL
// when it finds no row), over tables on other shards than the row: it
// runs once and its value is bound into the outer statement.
func (g *queryGen) scalarSubquery() string {
	switch g.r.Intn(5) {
	case 0:
		return "(SELECT MAX(weight) FROM item_tags)"
	case 1:
		return "(SELECT MIN(qty) FROM items WHERE grp = " + g.text() + ")"
	case 2:
		return "(SELECT COUNT(*) FROM item_tags WHERE weight > " + g.number(kindInt) + ")"
	case 3:
		return "(SELECT AVG(qty) FROM items)"
	default:
		return "(SELECT SUM(weight) FROM item_tags WHERE tag = " + g.text() + ")"
	}
}

func (g *queryGen) where() string {
	if !g.chance(0.55) {
		return ""
	}
	return " WHERE " + g.predicate(0)
}

// rowExpr is a row-level select expression of a kind.
func (g *queryGen) rowExpr() (string, genKind) {
	c := g.column(nil)
	if !c.kind.numeric() || g.chance(0.6) {
		if c.kind == kindText && g.chance(0.15) {
			return "LOWER(" + c.expr + ")", kindText
		}
		return c.expr, c.kind
	}
	switch g.r.Intn(4) {
	case 0:
		return c.expr + " + " + g.number(kindInt), c.kind
	case 1:
		return c.expr + " * 2", c.kind
	case 2:
		return "-" + c.expr, c.kind
	default:
		// A default of the column's type: equal values of different
		// types (SQLite's 0 and 0.0, PostgreSQL's 0 and 0.00) are one
		// under DISTINCT, and which one represents them is unspecified.
		if c.kind == kindInt {
			return "COALESCE(" + c.expr + ", 0)", c.kind
		}
		return "COALESCE(" + c.expr + ", 0.25)", c.kind
	}
}

func (g *queryGen) limit(q *genQuery, sb *strings.Builder) {
	if !q.ordered || !g.chance(0.5) {
		return
	}
	count, offset := g.r.Intn(12), g.r.Intn(8)
	switch g.r.Intn(5) {
	case 0:
		fmt.Fprintf(sb, " LIMIT %d", count)
	case 1:
		fmt.Fprintf(sb, " LIMIT %d OFFSET %d", count, offset)
	case 2:
		fmt.Fprintf(sb, " LIMIT %d, %d", offset, count)
	case 3:
		sb.WriteString(" LIMIT ? OFFSET ?")
		g.args = append(g.args, int64(count), int64(offset))
	default:
		// Beyond the row count.
		fmt.Fprintf(sb, " LIMIT %d OFFSET %d", 1000, offset)
	}
}

func direction(r *rand.Rand) string {
	switch r.Intn(3) {
	case 0:
		return " DESC"
	case 1:
		return " ASC"
	}
	return ""
}

// rowQuery selects row-level expressions, sorted by a total order (some
// terms not selected) or compared as a multiset.
func (g *queryGen) rowQuery() genQuery {
	var q genQuery
	var sb strings.Builder
	n := 1 + g.r.Intn(4)
	var items []string
	if g.chance(0.08) && g.f.from == "items" {
		items = append(items, "*")
	} else {
		for i := 0; i < n; i++ {
			e, _ := g.rowExpr()
			items = append(items, e)
		}
		taken := g.outputNames(items)
		for i := range items {
			if g.chance(0.3) {
				items[i] += " AS " + g.alias(i, "c", taken, true)
			}
		}
	}
	sb.WriteString("SELECT " + strings.Join(items, ", ") + " FROM " + g.f.from)
	sb.WriteString(g.where())
	if g.chance(0.75) {
		q.ordered = true
		var terms []string
		for i := g.r.Intn(3); i > 0; i-- {
			switch {
			case items[0] != "*" && g.chance(0.3):
				terms = append(terms, fmt.Sprint(1+g.r.Intn(len(items)))+direction(g.r))
			case items[0] != "*" && g.chance(0.2) && strings.Contains(items[len(items)-1], " AS "):
				_, alias, _ := strings.Cut(items[len(items)-1], " AS ")
				terms = append(terms, alias+direction(g.r))
			default:
				e, _ := g.rowExpr()
				terms = append(terms, e+direction(g.r))
			}
		}
		for _, u := range g.f.unique {
			terms = append(terms, u+direction(g.r))
		}
		sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
		g.limit(&q, &sb)
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// distinctQuery selects DISTINCT columns (or *); ordered by all of them
// (by the unique columns, for *) the order is total.
func (g *queryGen) distinctQuery() genQuery {
	var q genQuery
	var sb strings.Builder
	if len(g.f.unique) > 0 && g.chance(0.15) {
		// DISTINCT *: the rows of the FROM tables' columns, ordered by
		// their unique columns the order is total.
		sb.WriteString("SELECT DISTINCT * FROM " + g.f.from + g.where())
		if g.chance(0.7) {
			q.ordered = true
			var terms []string
			for _, u := range g.f.unique {
				terms = append(terms, u+direction(g.r))
			}
			sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
			g.limit(&q, &sb)
		}
		q.sql, q.args = sb.String(), g.args
		return q
	}
	n := 1 + g.r.Intn(3)
	var items []string
	seen := map[string]bool{}
	for len(items) < n {
		e, _ := g.rowExpr()
		if !seen[e] {
			seen[e] = true
			items = append(items, e)
		}
	}
	sb.WriteString("SELECT DISTINCT " + strings.Join(items, ", ") + " FROM " + g.f.from)
	sb.WriteString(g.where())
	if g.chance(0.7) {
		q.ordered = true
		var terms []string
		for _, i := range g.r.Perm(len(items)) {
			// An item holding a ? is named by position: repeating its
			// text would need its argument twice.
			if g.chance(0.3) || strings.Contains(items[i], "?") {
				terms = append(terms, fmt.Sprint(i+1)+direction(g.r))
			} else {
				terms = append(terms, items[i]+direction(g.r))
			}
		}
		sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
		g.limit(&q, &sb)
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// aggregate returns an aggregate call and the kind of its value, written
// in capitals or, sometimes, in lower case (the merge must know count(*)
// as COUNT(*)).
func (g *queryGen) aggregate(distinctArg *string) (string, genKind) {
	a, kind := g.aggregateCall(distinctArg)
	if g.chance(0.25) {
		a = strings.ToLower(a)
	}
	return a, kind
}

func (g *queryGen) aggregateCall(distinctArg *string) (string, genKind) {
	switch g.pickWeighted(3, 2, 3, 2, 2, 2, 1, 1) {
	case 0:
		return "COUNT(*)", kindInt
	case 1:
		return "COUNT(" + g.column(nil).expr + ")", kindInt
	case 2:
		return "SUM(" + g.aggArg() + ")", kindDecimal
	case 3:
		// PostgreSQL has no MIN or MAX of bytea.
		c := g.column(notBlob)
		return "MIN(" + c.expr + ")", c.kind
	case 4:
		c := g.column(notBlob)
		return "MAX(" + c.expr + ")", c.kind
	case 5:
		return "AVG(" + g.aggArg() + ")", kindDecimal
	case 6:
		// Distinct aggregates share one argument (several are refused).
		if *distinctArg == "" || g.chance(0.03) {
			*distinctArg = g.column(nil).expr
		}
		return "COUNT(DISTINCT " + *distinctArg + ")", kindInt
	default:
		if *distinctArg == "" || g.chance(0.03) {
			*distinctArg = g.column(numericCol).expr
		}
		for _, c := range g.f.cols {
			if c.expr == *distinctArg && !c.kind.numeric() {
				return "COUNT(DISTINCT " + *distinctArg + ")", kindInt
			}
		}
		if g.chance(0.3) {
			return "AVG(DISTINCT " + *distinctArg + ")", kindDecimal
		}
		return "SUM(DISTINCT " + *distinctArg + ")", kindDecimal
	}
}

// aggArg is a numeric argument of SUM or AVG. Float arguments are
// multiples of 1/4 and sums of them are exact, so the order of additions
// does not matter (see the documented float difference).
func (g *queryGen) aggArg() string {
	c := g.column(numericCol)
	switch g.r.Intn(6) {
	case 0:
		return c.expr + " * 2"
	case 1:
		return c.expr + " + 1"
	case 2:
		return "CASE WHEN " + c.expr + " > 0 THEN 1 ELSE 0 END"
	}
	return c.expr
}

// aggExpr is a select item over aggregates: an aggregate, or an
// expression the merge computes from several.
func (g *queryGen) aggExpr(distinctArg *string) string {
	a, kind := g.aggregate(distinctArg)
	if g.chance(0.6) {
		return a
	}
	if !kind.numeric() {
		switch {
		case kind == kindText && g.chance(0.5):
			return "COALESCE(" + a + ", " + g.text() + ")"
		case kind == kindTime && g.chance(0.5):
			return "CASE WHEN " + a + " > " + g.literal(kindTime) + " THEN 'late' ELSE 'early' END"
		default:
			return "CASE WHEN " + a + " IS NULL THEN 'none' ELSE 'some' END"
		}
	}
	b, bKind := g.aggregate(distinctArg)
	if !bKind.numeric() {
		b = "COUNT(*)"
	}
	n := 10
	if g.distinct {
		// No integer defaults for sums that may be float or numeric (see
		// rowExpr).
		n = 4
	}
	switch g.r.Intn(n) {
	case 0:
		return a + " + " + b
	case 1:
		return a + " - " + b
	case 2:
		return a + " * 2"
	case 3:
		return a + " / " + b
	case 4:
		return "COALESCE(" + a + ", 0)"
	case 5:
		return "CASE WHEN " + a + " > " + g.number(kindInt) + " THEN 'big' ELSE 'small' END"
	case 6:
		return "IFNULL(" + a + ", -1) + 1"
	case 7:
		// A literal before the aggregate.
		return g.number(kindInt) + " + " + a
	case 8:
		return "1+" + a + "*2"
	default:
		if strings.HasPrefix(a, "COUNT(") {
			return a + " % 3"
		}
		return a + " + 1"
	}
}

// having is a HAVING condition over aggregates and group keys.
func (g *queryGen) having(keys []string, distinctArg *string) string {
	var parts []string
	for i := 1 + g.r.Intn(2); i > 0; i-- {
		if len(keys) > 0 && g.chance(0.25) {
			k := keys[g.r.Intn(len(keys))]
			switch {
			case g.chance(0.4):
				parts = append(parts, k+" IS NOT NULL")
			case g.chance(0.3) && g.keyKind(k).numeric():
				// A number written as a string: both engines compare
				// it as a number (SQLite by the column's affinity).
				parts = append(parts, k+" > '"+fmt.Sprint(g.r.Intn(9)-4)+"'")
			default:
				parts = append(parts, k+" <> "+g.keyLiteral(k))
			}
			continue
		}
		a, kind := g.aggregate(distinctArg)
		ops := []string{"=", "<>", "<", ">", ">="}
		switch {
		case kind.numeric() && g.chance(0.2):
			parts = append(parts, "1 + "+a+" "+ops[g.r.Intn(len(ops))]+" "+g.number(kindInt))
		case kind == kindBlob:
			parts = append(parts, a+" IS NOT NULL")
		case kind.numeric():
			parts = append(parts, a+" "+ops[g.r.Intn(len(ops))]+" "+g.number(kindInt))
		case kind == kindTime:
			parts = append(parts, a+" "+ops[g.r.Intn(len(ops))]+" "+g.literal(kindTime))
		default:
			parts = append(parts, a+" > "+g.text())
		}
	}
	op := " AND "
	if g.chance(0.3) {
		op = " OR "
	}
	return strings.Join(parts, op)
}

func (g *queryGen) keyKind(key string) genKind {
	for _, c := range g.f.cols {
		if c.expr == key {
			return c.kind
		}
	}
	return kindInt
}

func (g *queryGen) keyLiteral(key string) string {
	for _, c := range g.f.cols {
		if c.expr == key {
			return g.literal(c.kind)
		}
	}
	return g.number(kindInt)
}

// groupKey is a GROUP BY term: a column or an expression over one.
func (g *queryGen) groupKey() string {
	c := g.column(func(c genColumn) bool { return c.expr != g.f.vindex })
	if c.kind == kindInt && g.chance(0.25) {
		return c.expr + " % 3"
	}
	return c.expr
}

// unqualified is a column's name without its table.
func unqualified(expr string) string {
	if _, name, ok := strings.Cut(expr, "."); ok {
		return name
	}
	return expr
}

// outputNames returns the names a select list's bare columns have, and
// the names of the FROM's unique key and vindex columns: an alias
// spelling one of them would make ORDER BY ambiguous or change what a
// total order sorts by.
func (g *queryGen) outputNames(items []string) map[string]bool {
	taken := map[string]bool{unqualified(g.f.vindex): true}
	for _, u := range g.f.unique {
		taken[unqualified(u)] = true
	}
	for _, it := range items {
		for _, c := range g.f.cols {
			if c.expr == it {
				taken[unqualified(it)] = true
			}
		}
	}
	return taken
}

// alias names select item i: prefix and its position, or sometimes the
// name of another column of the FROM tables, which GROUP BY, HAVING and
// ORDER BY must then resolve as the backend does.
func (g *queryGen) alias(i int, prefix string, taken map[string]bool, collide bool) string {
	if collide && g.chance(0.4) {
		var free []string
		for _, c := range g.f.cols {
			if n := unqualified(c.expr); !taken[n] {
				free = append(free, n)
			}
		}
		if len(free) > 0 {
			n := free[g.r.Intn(len(free))]
			taken[n] = true
			return n
		}
	}
	n := fmt.Sprintf("%s%d", prefix, i)
	taken[n] = true
	return n
}

// genItem is a select item with the arguments its text holds.
type genItem struct {
	text, alias string
	args        []any
}

// item generates one select item with fn, capturing its arguments.
func (g *queryGen) item(fn func() string) genItem {
	saved := g.args
	g.args = nil
	it := genItem{text: fn(), args: g.args}
	g.args = saved
	return it
}

// keyExpr is a select item over a group key: the key itself, or an
// expression with one value per group.
func (g *queryGen) keyExpr(key string) string {
	if g.chance(0.85) {
		return key
	}
	for _, c := range g.f.cols {
		switch {
		case c.expr == key && c.kind == kindText:
			return "LOWER(" + key + ")"
		case c.expr == key && c.kind == kindTime:
			return key
		}
	}
	return key + " * -1"
}

// groupQuery aggregates, with GROUP BY (or scalar), HAVING, ORDER BY
// group keys or aggregates with the keys after them (a total order),
// DISTINCT over the groups, and LIMIT.
func (g *queryGen) groupQuery() genQuery {
	var q genQuery
	var sb strings.Builder
	var keys []string
	for i := g.r.Intn(3); i > 0; i-- {
		k := g.groupKey()
		if !contains(keys, k) {
			keys = append(keys, k)
		}
	}
	distinct := g.chance(0.1)
	g.distinct = distinct
	var distinctArg string
	var items []genItem
	for _, k := range keys {
		if distinct || g.chance(0.85) {
			items = append(items, g.item(func() string { return g.keyExpr(k) }))
		}
	}
	// The PostgreSQL renderer writes an aggregate alias's expression for
	// its name in HAVING, even inside an aggregate there (MAX(price) with
	// price an alias is MAX(COUNT(*)), which PostgreSQL refuses): aliases
	// spell columns only without HAVING.
	withHaving := g.chance(0.3)
	taken := g.outputNames(keys)
	for i := 1 + g.r.Intn(3); i > 0; i-- {
		it := g.item(func() string {
			if g.chance(0.05) {
				a, _ := g.aggregate(&distinctArg)
				if u := strings.ToUpper(a); strings.HasPrefix(u, "COUNT") || strings.HasPrefix(u, "SUM") {
					return a + " > " + g.number(kindInt)
				}
			}
			return g.aggExpr(&distinctArg)
		})
		if g.chance(0.3) {
			it.alias = g.alias(i, "a", taken, !withHaving)
		}
		items = append(items, it)
	}
	g.r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	var texts []string
	for _, it := range items {
		g.args = append(g.args, it.args...)
		if it.alias != "" {
			texts = append(texts, it.text+" AS "+it.alias)
		} else {
			texts = append(texts, it.text)
		}
	}
	// position names a select item in ORDER BY: its ordinal, its alias,
	// or its text (when it holds no argument).
	position := func(i int) string {
		it := items[i]
		switch {
		case it.alias != "" && g.chance(0.5):
			return it.alias
		case strings.Contains(it.text, "?") || g.chance(0.4):
			return fmt.Sprint(i + 1)
		}
		return it.text
	}
	sb.WriteString("SELECT ")
	if distinct {
		sb.WriteString("DISTINCT ")
	}
	sb.WriteString(strings.Join(texts, ", ") + " FROM " + g.f.from)
	sb.WriteString(g.where())
	if len(keys) > 0 {
		sb.WriteString(" GROUP BY " + strings.Join(keys, ", "))
	}
	if withHaving {
		h := g.having(keys, &distinctArg)
		for _, it := range items {
			if it.alias != "" && g.chance(0.3) && !strings.Contains(it.text, "?") && !strings.Contains(it.text, "'") {
				h = "(" + h + ") OR " + it.alias + " IS NULL"
				break
			}
		}
		sb.WriteString(" HAVING " + h)
	}
	switch {
	case len(keys) == 0:
		// One row (or none, after HAVING).
		q.ordered = true
		if g.chance(0.15) {
			fmt.Fprintf(&sb, " LIMIT 1 OFFSET %d", g.r.Intn(2))
		}
	case distinct:
		// Distinct rows ordered by every selected item: a total order.
		if g.chance(0.7) {
			q.ordered = true
			var terms []string
			for _, i := range g.r.Perm(len(items)) {
				terms = append(terms, position(i)+direction(g.r))
			}
			sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
			g.limit(&q, &sb)
		}
	case g.chance(0.8):
		q.ordered = true
		var terms []string
		if g.chance(0.4) {
			// An aggregate or an expression first: the merge sorts
			// after grouping.
			switch g.r.Intn(5) {
			case 4:
				a, kind := g.aggregate(&distinctArg)
				if kind.numeric() {
					a = "1 + " + a
				}
				terms = append(terms, a+direction(g.r))
			case 0:
				a, _ := g.aggregate(&distinctArg)
				terms = append(terms, a+direction(g.r))
			case 1:
				a, kind := g.aggregate(&distinctArg)
				if kind.numeric() {
					a = a + " * 2 - COUNT(*)"
				}
				terms = append(terms, a+direction(g.r))
			case 2:
				terms = append(terms, g.keyExpr(keys[g.r.Intn(len(keys))])+direction(g.r))
			default:
				terms = append(terms, position(g.r.Intn(len(items)))+direction(g.r))
			}
		}
		for _, i := range g.r.Perm(len(keys)) {
			terms = append(terms, keys[i]+direction(g.r))
		}
		sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
		g.limit(&q, &sb)
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// vindexGroupQuery groups by the primary vindex column: each group is on
// one shard, and the statement is sent whole (HAVING included) with the
// rows merged like a row query.
func (g *queryGen) vindexGroupQuery() genQuery {
	var q genQuery
	var sb strings.Builder
	var distinctArg string
	items := []string{g.f.vindex}
	for i := 1 + g.r.Intn(2); i > 0; i-- {
		items = append(items, g.aggExpr(&distinctArg))
	}
	sb.WriteString("SELECT " + strings.Join(items, ", ") + " FROM " + g.f.from)
	sb.WriteString(g.where())
	sb.WriteString(" GROUP BY " + g.f.vindex)
	if g.chance(0.4) {
		sb.WriteString(" HAVING " + g.having([]string{g.f.vindex}, &distinctArg))
	}
	if g.chance(0.8) {
		q.ordered = true
		var terms []string
		if g.chance(0.5) {
			terms = append(terms, fmt.Sprint(2+g.r.Intn(len(items)-1))+direction(g.r))
		}
		terms = append(terms, g.f.vindex+direction(g.r))
		sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
		g.limit(&q, &sb)
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// tablelessQuery is a SELECT without tables over subqueries: each
// subquery runs over the shards it needs, or the statement goes whole to
// the one shard that has its rows.
func (g *queryGen) tablelessQuery() genQuery {
	q := genQuery{ordered: true} // one row, or none
	froms := genFroms()
	sub := func() string {
		g.f = froms[g.r.Intn(len(froms))]
		switch g.r.Intn(4) {
		case 0:
			return "(SELECT COUNT(*) FROM " + g.f.from + g.where() + ")"
		case 1:
			var da string
			a, _ := g.aggregate(&da)
			return "(SELECT " + a + " FROM " + g.f.from + g.where() + ")"
		case 2:
			if len(g.f.unique) == 1 {
				// A point: one row or none, on one shard.
				c := g.column(nil)
				return "(SELECT " + c.expr + " FROM " + g.f.from + " WHERE " + g.f.vindex + " = " + g.vindexValue() + ")"
			}
		}
		return "(SELECT SUM(" + g.aggArg() + ") FROM " + g.f.from + g.where() + ")"
	}
	exists := func() string {
		g.f = froms[g.r.Intn(len(froms))]
		return "EXISTS (SELECT 1 FROM " + g.f.from + " WHERE " + g.predicate(0) + ")"
	}
	var sql string
	switch g.r.Intn(7) {
	case 0:
		sql = "SELECT " + sub()
	case 1:
		sql = "SELECT " + exists()
	case 2:
		g.f = froms[g.r.Intn(len(froms))]
		sql = "SELECT (SELECT COUNT(*) FROM " + g.f.from + ") + (SELECT SUM(" + g.aggArg() + ") FROM " + g.f.from + g.where() + ") AS n"
	case 3:
		not := ""
		if g.chance(0.4) {
			not = "NOT "
		}
		sql = "SELECT 1 FROM dual WHERE " + not + exists()
	case 4:
		sql = "SELECT COALESCE((SELECT MAX(qty) FROM items" + g.whereOn(froms[0]) + "), -1), " + exists() + " AS e"
	case 5:
		sql = "SELECT CASE WHEN (SELECT COUNT(*) FROM " + g.f.from + g.where() + ") > " + g.number(kindInt) + " THEN 'many' ELSE 'few' END"
	default:
		sql = "SELECT NOT " + exists() + ", " + sub()
	}
	q.sql, q.args = sql, g.args
	return q
}

// whereOn is where over another FROM.
func (g *queryGen) whereOn(f genFrom) string {
	g.f = f
	return g.where()
}

// unionQuery is a UNION [ALL|DISTINCT] of SELECTs of columns of one kind
// per position, from any tables: sent whole when one shard has every
// SELECT's rows, else a union of the SELECTs.
func (g *queryGen) unionQuery() genQuery {
	var q genQuery
	froms := append(genFroms(), genFrom{from: "kinds k", cols: []genColumn{{"k.code", kindText}, {"k.label", kindText}}, unique: []string{"k.code"}, vindex: "k.code", vindexKind: kindText})
	kinds := []genKind{kindText}
	if g.chance(0.5) {
		kinds[0] = kindInt
	}
	if g.chance(0.4) {
		kinds = append(kinds, []genKind{kindText, kindInt}[g.r.Intn(2)])
	}
	var sides []string
	for n := 2 + g.r.Intn(2); len(sides) < n; {
		g.f = froms[g.r.Intn(len(froms))]
		var cols []string
		for _, k := range kinds {
			var cs []string
			for _, c := range g.f.cols {
				if c.kind == k {
					cs = append(cs, c.expr)
				}
			}
			if len(cs) == 0 {
				break
			}
			cols = append(cols, cs[g.r.Intn(len(cs))])
		}
		if len(cols) != len(kinds) {
			continue
		}
		side := "SELECT " + strings.Join(cols, ", ") + " FROM " + g.f.from + g.where()
		if len(sides) > 0 {
			side = []string{" UNION ", " UNION ALL ", " UNION DISTINCT ", " UNION ALL "}[g.r.Intn(4)] + side
		}
		sides = append(sides, side)
	}
	var sb strings.Builder
	sb.WriteString(strings.Join(sides, ""))
	if g.chance(0.6) {
		// Every column: rows equal on all of them are the same row.
		q.ordered = true
		var terms []string
		for _, i := range g.r.Perm(len(kinds)) {
			terms = append(terms, fmt.Sprint(i+1)+direction(g.r))
		}
		sb.WriteString(" ORDER BY " + strings.Join(terms, ", "))
		g.limit(&q, &sb)
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// genData is the data every generated statement runs on: groups split
// across shards, NULLs, duplicates, mixed case and non-ASCII text.
func genData() []item {
	ids := make([]int64, 0, 90)
	for id := int64(1); id <= 80; id++ {
		ids = append(ids, id)
	}
	// A few more on one shard, so one shard is much larger than others.
	ids = append(ids, idsOnShard(1, 90)[80:]...)
	return mergeItems(ids)
}

// genStats counts the outcomes of generated statements.
type genStats struct {
	run, unsupported, mismatches, ordered int
	reasons                               map[string]int
}

// runGenQuery runs one generated statement on both databases and reports
// a mismatch (with its seed) as a test error. A statement vitessdo
// refuses as unsupported is counted, not failed; one the oracle rejects
// is a fault of the generator.
func runGenQuery(t testing.TB, p *pair, seed int64, st *genStats) {
	t.Helper()
	compareGenQuery(t, p, seed, generateQuery(seed), st)
}

// compareGenQuery runs a generated statement on both databases (see
// runGenQuery).
func compareGenQuery(t testing.TB, p *pair, seed int64, q genQuery, st *genStats) {
	t.Helper()
	st.run++
	got, gerr := queryAll(p.sharded, q.sql, q.args...)
	oracle, oargs := q.sql, q.args
	if q.oracle != "" {
		oracle = q.oracle
		if q.oracleArgs != nil {
			oargs = q.oracleArgs
		}
	}
	want, werr := queryAll(p.oracle, oracle, oargs...)
	switch {
	case werr != nil:
		t.Errorf("seed %d: the oracle rejects the generated statement: %v\n%s %v", seed, werr, oracle, q.args)
		return
	case gerr != nil && isUnsupported(gerr):
		st.unsupported++
		msg := gerr.Error()
		if i := strings.Index(msg, ":"); i >= 0 {
			msg = msg[strings.Index(msg, "unsupported:")+len("unsupported:"):]
		}
		if len(msg) > 60 {
			msg = msg[:60]
		}
		st.reasons[strings.TrimSpace(msg)]++
		return
	case gerr != nil:
		st.mismatches++
		t.Errorf("seed %d: sharded fails where one database answers: %v\n%s %v", seed, gerr, q.sql, q.args)
		return
	}
	if q.ordered {
		st.ordered++
	}
	if !sameGenRows(t, seed, q, got, want) {
		st.mismatches++
	}
}

// sameGenRows compares a generated statement's rows on both databases,
// as a multiset unless its ORDER BY is a total order, and reports a
// difference (with its seed) as a test error.
func sameGenRows(t testing.TB, seed int64, q genQuery, got, want result) bool {
	t.Helper()
	if q.byValue {
		numbersByValue(got.Rows)
		numbersByValue(want.Rows)
	}
	if !q.ordered {
		sortRows(got.Rows)
		sortRows(want.Rows)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seed %d: sharded differs from one database (-oracle +sharded):\n%s %v\n%s%s", seed, q.sql, q.args, oracleText(q), diff)
		return false
	}
	return true
}

// numbersByValue gives every integer of rows as a float, and -0 as 0.
func numbersByValue(rows [][]any) {
	for _, r := range rows {
		for i, v := range r {
			switch x := v.(type) {
			case int64:
				r[i] = float64(x)
			case float64:
				if x == 0 {
					r[i] = 0.0
				}
			}
		}
	}
}

// oracleText names the statement one database ran, when it is written
// otherwise.
func oracleText(q genQuery) string {
	if q.oracle == "" {
		return ""
	}
	return "one database ran: " + q.oracle + "\n"
}

// logTally logs the counts of a tally of messages, most frequent first.
func logTally(t testing.TB, what string, tally map[string]int) {
	t.Helper()
	type reason struct {
		msg string
		n   int
	}
	var rs []reason
	for m, n := range tally {
		rs = append(rs, reason{m, n})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].n > rs[j].n || rs[i].n == rs[j].n && rs[i].msg < rs[j].msg })
	for _, r := range rs {
		t.Logf("  %s %4d× %s", what, r.n, r.msg)
	}
}

func (st *genStats) report(t testing.TB, engine string) {
	t.Helper()
	ratio := 0.0
	if st.run > 0 {
		ratio = float64(st.unsupported) / float64(st.run)
	}
	t.Logf("%s: %d generated statements, %d compared in order, %d unsupported (%.1f%%), %d mismatches",
		engine, st.run, st.ordered, st.unsupported, 100*ratio, st.mismatches)
	logTally(t, "unsupported", st.reasons)
}

func TestQueryGenShardedEqualsOneDatabase(t *testing.T) {
	n := *queryGenN
	if n == 0 {
		n = 2000
		if testing.Short() {
			n = 100
		}
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		st := &genStats{reasons: map[string]int{}}
		for i := 0; i < n; i++ {
			runGenQuery(t, p, *queryGenSeed+int64(i), st)
			if st.mismatches >= 20 {
				t.Fatalf("stopping after %d mismatches", st.mismatches)
			}
		}
		st.report(t, e.name)
		if st.unsupported*10 > st.run {
			t.Errorf("%d of %d generated statements are unsupported: keep the generator within the supported surface", st.unsupported, st.run)
		}
	})
}

// FuzzQueryGen compares the generated statement of each seed on every
// engine. go test -fuzz=FuzzQueryGen explores seeds.
func FuzzQueryGen(f *testing.F) {
	for _, s := range []int64{1, 2, 3, 42, 1000} {
		f.Add(s)
	}
	type target struct {
		name string
		p    *pair
	}
	var targets []target
	for _, e := range engines(f) {
		targets = append(targets, target{e.name, newMergePair(f, e, genData())})
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		for _, tg := range targets {
			st := &genStats{reasons: map[string]int{}}
			runGenQuery(t, tg.p, seed, st)
		}
	})
}
