package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// A write's pulled-out subquery decides which rows the write changes, so
// the rows a LIMIT inside it keeps must be those one database keeps. Over
// several shards the router's merge keeps rows in its own order where
// the ORDER BY leaves them tied (or there is none), and one database in
// its own: the two agree only when rows that tie at the cut hold the
// same values, which they do when the ORDER BY reads every column the
// SELECT selects. Any other LIMIT (or OFFSET) in such a subquery, at any
// depth, is refused; so is one in a SELECT selecting `*`. A LIMIT of the
// subquery of an EXISTS itself keeps a row or none whichever rows they
// are, and stands.
//
//	DELETE FROM items WHERE id IN (SELECT item_id FROM item_tags ORDER BY item_id LIMIT 5)   runs
//	DELETE FROM items WHERE id IN (SELECT item_id FROM item_tags LIMIT 5)                    refused

// writeLimitRefusal returns the refusal of a LIMIT in sel, a pulled-out
// subquery of the write verb, that the shards could cut at other rows
// than one database; exists is set for the subquery of an EXISTS.
func writeLimitRefusal(sel sqlparser.SelectStatement, exists bool, verb string) error {
	var refusal error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if refusal != nil {
			return false, nil
		}
		if exists && n == sel {
			// The EXISTS's own LIMIT; its members and subqueries still count.
			return true, nil
		}
		var limit *sqlparser.Limit
		decided := false
		switch s := n.(type) {
		case *sqlparser.Select:
			limit, decided = s.Limit, limitDecided(s.SelectExprs, s.OrderBy)
		case *sqlparser.Union:
			if first := firstSelect(s); first != nil {
				limit, decided = s.Limit, limitDecided(first.SelectExprs, s.OrderBy)
			} else {
				limit = s.Limit
			}
		}
		if limit != nil && !decided {
			refusal = unsupportedf("%s whose subquery %s, over several shards, has a LIMIT whose ORDER BY does not read every column its SELECT selects: rows tied at the cut (or unordered) would be kept as each database scans them, and one database's choice of the rows to change is its own; order by every selected column", verb, sqlparser.String(n))
		}
		return true, nil
	}, sel)
	return refusal
}

// limitDecided reports an ORDER BY naming every item of a select list
// (by its expression, or by its alias or column name): rows it ties then
// select the same values, whichever of them a LIMIT keeps.
func limitDecided(items sqlparser.SelectExprs, order sqlparser.OrderBy) bool {
	if len(order) == 0 {
		return false
	}
	for _, it := range items {
		ae, ok := it.(*sqlparser.AliasedExpr)
		if !ok {
			return false
		}
		found := false
		for _, o := range order {
			if orderReads(o.Expr, ae) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// orderReads reports an ORDER BY term that is the select item ae.
func orderReads(term sqlparser.Expr, ae *sqlparser.AliasedExpr) bool {
	if sqlparser.String(term) == sqlparser.String(ae.Expr) {
		return true
	}
	c, ok := term.(*sqlparser.ColName)
	if !ok || !c.Qualifier.IsEmpty() {
		if ok {
			ic, isCol := ae.Expr.(*sqlparser.ColName)
			return isCol && ic.Name.Equal(c.Name) && (ic.Qualifier.IsEmpty() || strings.EqualFold(ic.Qualifier.Name.String(), c.Qualifier.Name.String()))
		}
		return false
	}
	if !ae.As.IsEmpty() {
		return ae.As.Equal(c.Name)
	}
	ic, isCol := ae.Expr.(*sqlparser.ColName)
	return isCol && ic.Name.Equal(c.Name)
}

// wholeOnOneShard reports a plan that sends its SELECT whole to one
// shard, whose LIMIT then keeps the rows that shard's database keeps.
func wholeOnOneShard(pl Plan) bool {
	sp, ok := pl.(*selectPlan)
	return ok && sp.routing.single() && len(sp.sameShard) == 0 && sp.apart == nil
}
