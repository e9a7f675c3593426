package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// Generated grouped statements with several GROUP_CONCATs (each in an
// order of its own, DISTINCT, with separators, of several arguments),
// beside a DISTINCT aggregate, inside expressions, in HAVING and in
// ORDER BY: the sharded database returns the rows one database returns.

// concatCols are the items columns a generated GROUP_CONCAT reads.
var concatCols = []string{"name", "qty", "kind", "price", "made", "ratio", "grp"}

// concatCall is a GROUP_CONCAT whose ORDER BY names its arguments.
func (g *queryGen) concatCall() string {
	col := concatCols[g.r.Intn(len(concatCols))]
	dir := ""
	if g.chance(0.4) {
		dir = " DESC"
	}
	switch g.pickWeighted(3, 2, 1) {
	case 1:
		return "GROUP_CONCAT(DISTINCT " + col + " ORDER BY " + col + dir + ")"
	case 2:
		other := concatCols[g.r.Intn(len(concatCols))]
		return "GROUP_CONCAT(" + col + ", '/', " + other + " ORDER BY " + col + dir + ", " + other + ")"
	}
	by := col + dir
	if g.chance(0.3) {
		by = []string{"qty", "kind DESC", "made"}[g.r.Intn(3)] + ", " + by
	}
	sep := ""
	if g.chance(0.5) {
		sep = " SEPARATOR '" + []string{"|", "", ", "}[g.r.Intn(3)] + "'"
	}
	return "GROUP_CONCAT(" + col + " ORDER BY " + by + sep + ")"
}

// concatItem is a select item with a GROUP_CONCAT, alone or in an
// expression the merge computes.
func (g *queryGen) concatItem() string {
	c := g.concatCall()
	switch g.pickWeighted(5, 2, 2, 1, 1) {
	case 1:
		return "COALESCE(" + c + ", 'none')"
	case 2:
		return fmt.Sprintf("CASE WHEN COUNT(*) > %d THEN %s ELSE 'few' END", g.r.Intn(8), c)
	case 3:
		return c + " IS NULL"
	case 4:
		return "IFNULL(" + c + ", " + []string{"MAX(name)", "MIN(kind)", "''"}[g.r.Intn(3)] + ")"
	}
	return c
}

// concatCond is a HAVING condition over a GROUP_CONCAT.
func (g *queryGen) concatCond() string {
	c := g.concatCall()
	switch g.r.Intn(4) {
	case 0:
		return g.likeCond(c)
	case 1:
		return c + " > '" + []string{"a", "b", "m", "1", "2024"}[g.r.Intn(5)] + "'"
	case 2:
		return c + " IS NOT NULL"
	}
	return fmt.Sprintf("%s LIKE '%%a%%' OR COUNT(*) > %d", c, g.r.Intn(6))
}

// concatQuery is a grouped (or scalar) SELECT over items with
// GROUP_CONCATs.
func (g *queryGen) concatQuery() genQuery {
	return g.groupedQuery(groupedShape{
		alias: "c",
		item:  g.concatItem,
		extras: []func() string{
			func() string {
				// One DISTINCT argument a statement: DISTINCT aggregates
				// over different expressions are refused.
				arg := []string{"qty", "kind", "grp", "price"}[g.r.Intn(4)]
				f := "COUNT"
				if arg == "qty" || arg == "price" {
					f = []string{"COUNT", "SUM", "AVG"}[g.r.Intn(3)]
				}
				return f + "(DISTINCT " + arg + ")"
			},
			func() string { return []string{"COUNT(*)", "SUM(qty)", "MAX(name)", "MIN(made)"}[g.r.Intn(4)] },
		},
		having: g.concatCond,
		order:  g.concatCall,
	})
}

// groupedShape is what groupedQuery makes a statement of.
type groupedShape struct {
	// alias starts the aliases of the items.
	alias string
	// item is a select item; extras are aggregates each added beside the
	// items now and then.
	item   func() string
	extras []func() string
	// having is a HAVING condition, order an ORDER BY term.
	having, order func() string
	// from is what the statement reads, named items, with its WHERE:
	// the table, with one of its own, when "".
	from string
}

// groupedQuery is a SELECT over items grouped by a key (or a scalar
// aggregate) with one to three items, sometimes the extras, a WHERE,
// HAVING, and for groups an ORDER BY term then the key (which orders the
// groups totally) with a LIMIT.
func (g *queryGen) groupedQuery(sh groupedShape) genQuery {
	g.f = genFroms()[0]
	key := []string{"grp", "kind", "name", ""}[g.r.Intn(4)]
	var items []string
	if key != "" {
		items = append(items, key)
	}
	for i := 0; i < 1+g.r.Intn(3); i++ {
		items = append(items, fmt.Sprintf("%s AS %s%d", sh.item(), sh.alias, i))
	}
	for i, extra := range sh.extras {
		if g.chance(0.45) {
			items = append(items, fmt.Sprintf("%s AS x%d", extra(), i))
		}
	}
	from := "items" + g.where()
	if sh.from != "" {
		from = sh.from + " AS items"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "SELECT %s FROM %s", strings.Join(items, ", "), from)
	if key != "" {
		sb.WriteString(" GROUP BY " + key)
	}
	if g.chance(0.3) {
		sb.WriteString(" HAVING " + sh.having())
	}
	q := genQuery{}
	if key != "" && g.chance(0.4) {
		fmt.Fprintf(&sb, " ORDER BY %s%s, %s LIMIT %d", sh.order(), direction(g.r), key, 1+g.r.Intn(8))
		q.ordered = true
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// TestQueryGenGroupConcatEqualsOneDatabase compares generated statements
// with GROUP_CONCATs in every place the merge computes them.
func TestQueryGenGroupConcatEqualsOneDatabase(t *testing.T) {
	compareGenerated(t, 300, "GROUP_CONCAT statements", 1, func(g *queryGen, _ string) genQuery { return g.concatQuery() })
}
