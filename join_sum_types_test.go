package vitessdo_test

import "testing"

// SUM over integer expressions the router computes (over a join across
// shards) has the type one database gives it: on PostgreSQL an integer
// literal is an integer, integer arithmetic keeps the wider operand's
// type, and SUM of integer or smallint is bigint, not numeric.
func TestRouterSumOfIntegerExpressionsHasTheBackendsType(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, mergeLayouts()[0].items)
		for _, q := range []string{
			"SELECT SUM(CASE WHEN t.note = 'x' THEN 1 ELSE 0 END) FROM items a JOIN tokens t ON t.item_id = a.qty",
			"SELECT SUM(CASE WHEN t.note = 'x' THEN 1 ELSE 0.5 END) FROM items a JOIN tokens t ON t.item_id = a.qty",
			"SELECT SUM(a.qty + 1), SUM(1), SUM(a.id), SUM(a.qty * 2), SUM(a.qty + a.id), SUM(-a.qty) FROM items a JOIN tokens t ON t.item_id = a.qty",
			"SELECT a.grp, SUM(COALESCE(t.item_id, 0)), SUM(COALESCE(a.qty, 0)) FROM items a LEFT JOIN tokens t ON t.item_id = a.qty GROUP BY a.grp",
			"SELECT SUM(CASE WHEN kind = 'x' THEN 1 ELSE 0 END) FROM items",
		} {
			p.compareRows(t, q)
		}
	})
}
