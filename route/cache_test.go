package route

import "testing"

// fakePlan is a plan told apart by its name.
type fakePlan struct {
	Plan
	name string
}

// TestPlanCacheLastEntry: the entry found or put last answers its key
// again, and never after it was replaced, evicted or cleared; other keys
// go to the LRU list.
func TestPlanCacheLastEntry(t *testing.T) {
	c := newPlanCache(2)
	key := func(sql string) planKey { return planKey{keyspace: "app", sql: sql} }
	get := func(sql string) string {
		t.Helper()
		p, ok := c.get(key(sql))
		if !ok {
			return ""
		}
		return p.(*fakePlan).name
	}
	a, b, d := key("a"), key("b"), key("d")
	c.put(a, &fakePlan{name: "a1"})
	if got := get("a"); got != "a1" {
		t.Fatalf("a: %q", got)
	}
	c.put(a, &fakePlan{name: "a2"})
	if got := get("a"); got != "a2" {
		t.Errorf("a after it was planned again: %q, want a2", got)
	}
	// Another session target is another key.
	if p, ok := c.get(planKey{keyspace: "other", sql: "a"}); ok {
		t.Errorf("a for another keyspace: %v", p)
	}
	c.put(b, &fakePlan{name: "b"})
	if got := get("a"); got != "a2" { // a is in front again
		t.Errorf("a: %q", got)
	}
	c.put(d, &fakePlan{name: "d"}) // evicts b, the least recently used
	if got := get("b"); got != "" {
		t.Errorf("b after its eviction: %q", got)
	}
	c.put(key("e"), &fakePlan{name: "e"}) // evicts a
	if got := get("a"); got != "" {
		t.Errorf("a after its eviction: %q", got)
	}
	if got := get("e"); got != "e" {
		t.Fatalf("e: %q", got)
	}
	c.clear()
	if got := get("e"); got != "" {
		t.Errorf("e after the cache was cleared: %q", got)
	}
}
