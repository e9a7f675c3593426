package vitessdo_test

import (
	"testing"
)

// A GROUP BY or DISTINCT the shards may run alone must make each group
// or row live on one shard: a primary vindex column of a table no outer
// join fills with NULLs (a NULL of the nullable side is on every shard).
func TestVindexGroupingOnTheNullableSideIsMerged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		for _, layout := range mergeLayouts() {
			t.Run(layout.name, func(t *testing.T) {
				p := newMergePair(t, e, layout.items)
				p.compareRows(t, "SELECT t.item_id, COUNT(*) FROM items i LEFT JOIN item_tags t ON t.item_id = i.id GROUP BY t.item_id")
				p.compareRows(t, "SELECT t.item_id, COUNT(*) AS n FROM item_tags t RIGHT JOIN items i ON t.item_id = i.id GROUP BY t.item_id")
				p.compareRows(t, "SELECT DISTINCT t.item_id FROM items i LEFT JOIN item_tags t ON t.item_id = i.id")
			})
		}
	})
}
