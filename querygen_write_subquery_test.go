package vitessdo_test

import (
	"fmt"
	"testing"
)

// subqueryWriteSelect draws an uncorrelated SELECT of one column j (an
// item's id, or a number) over other shards than a write's rows: a
// derived table cut by ORDER BY j … LIMIT, groups kept by HAVING, a join
// across shards, a UNION, over a FROM of the generator's with its WHERE.
func (g *queryGen) subqueryWriteSelect() string {
	g.f = genFroms()[g.pickWeighted(4, 3, 2, 2, 3, 2)]
	id := idColumn(g.f)
	switch g.r.Intn(5) {
	case 0:
		order := []string{"", " DESC"}[g.r.Intn(2)]
		limit := fmt.Sprintf(" LIMIT %d", 1+g.r.Intn(12))
		if g.chance(0.3) {
			limit += fmt.Sprintf(" OFFSET %d", g.r.Intn(6))
		}
		return "SELECT j FROM (SELECT DISTINCT " + id + " AS j FROM " + g.f.from + g.where() + " ORDER BY j" + order + limit + ") AS d"
	case 1:
		having := fmt.Sprintf(" HAVING COUNT(*) > %d", g.r.Intn(3))
		if g.chance(0.4) {
			having = fmt.Sprintf(" HAVING SUM(%s) > %d", id, 20+g.r.Intn(60))
		}
		return "SELECT " + id + " AS j FROM " + g.f.from + g.where() + " GROUP BY " + id + having
	case 2:
		on := []string{"i.qty = t.weight", "t.weight > i.qty + 5", "t.tag = i.grp"}[g.r.Intn(3)]
		return fmt.Sprintf("SELECT t.item_id AS j FROM items i JOIN item_tags t ON %s WHERE i.id %% %d = 0", on, 2+g.r.Intn(4))
	case 3:
		first := "SELECT " + id + " AS j FROM " + g.f.from + g.where()
		g.f = genFroms()[g.pickWeighted(4, 3, 2, 2, 3, 2)]
		return first + []string{" UNION ", " UNION ALL "}[g.r.Intn(2)] + "SELECT " + idColumn(g.f) + " FROM " + g.f.from + g.where()
	default:
		return fmt.Sprintf("SELECT j FROM (SELECT %s AS j, COUNT(*) AS n FROM %s%s GROUP BY %s) AS d WHERE n >= %d", id, g.f.from, g.where(), id, 1+g.r.Intn(2))
	}
}

// subqueryWrite is a generated UPDATE or DELETE of a sharded or
// reference table whose uncorrelated subquery (subqueryWriteSelect) reads
// other shards: an IN list, a compared aggregate of it, an EXISTS.
func (g *queryGen) subqueryWrite() genQuery {
	sub := "(" + g.subqueryWriteSelect() + ")"
	switch g.r.Intn(4) {
	case 0:
		sub = "(SELECT " + []string{"MIN", "MAX", "COUNT"}[g.r.Intn(3)] + "(j) FROM " + sub + " AS s)"
		heads := []string{"UPDATE items SET qty = qty + 1 WHERE id > ", "DELETE FROM item_tags WHERE item_id <= ", "UPDATE item_tags SET weight = ", "DELETE FROM tokens WHERE item_id < "}
		h := heads[g.r.Intn(len(heads))]
		if h == "UPDATE item_tags SET weight = " {
			return genQuery{sql: h + sub + " WHERE item_id % 3 = 0", args: g.args}
		}
		return genQuery{sql: h + sub, args: g.args}
	case 1:
		heads := []string{"DELETE FROM items WHERE EXISTS ", "UPDATE kinds SET label = 'e' WHERE NOT EXISTS ", "UPDATE items SET name = 'e' WHERE id < 20 AND EXISTS "}
		return genQuery{sql: heads[g.r.Intn(len(heads))] + sub, args: g.args}
	}
	heads := []string{"DELETE FROM items WHERE id IN ", "UPDATE items SET name = 's', qty = qty * 2 WHERE id NOT IN ", "DELETE FROM item_tags WHERE item_id IN ", "UPDATE tokens SET note = 'n' WHERE item_id IN ", "DELETE FROM kinds WHERE code IN (SELECT kind FROM items WHERE id IN "}
	h := heads[g.r.Intn(len(heads))]
	if h[len(h)-3:] == "IN " && h[:17] == "DELETE FROM kinds" {
		return genQuery{sql: h + sub + ")", args: g.args}
	}
	return genQuery{sql: h + sub, args: g.args}
}

// Generated UPDATEs and DELETEs whose uncorrelated subqueries read
// other shards (derived tables with LIMIT, GROUP BY and HAVING, joins
// across shards, UNIONs) change the rows one database changes, each
// compared in a transaction and rolled back.
func TestQueryGenSubqueryWritesEqualOneDatabase(t *testing.T) {
	compareGeneratedWrites(t, 60, (*queryGen).subqueryWrite)
}
