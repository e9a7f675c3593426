package route

import (
	"container/list"
	"sync"
)

// planCache is a least-recently-used cache of plans by SQL text (and
// session target), shared by every connection of a connector.
type planCache struct {
	mu    sync.Mutex
	size  int
	ll    *list.List
	items map[planKey]*list.Element
}

// planKey is what a plan depends on: the SQL text and the session's
// target (its default keyspace resolves unqualified tables; a shard or key
// range target changes the plan's kind).
type planKey struct {
	keyspace, shard, keyRange string
	sql                       string
}

type cacheEntry struct {
	key  planKey
	plan Plan
}

func newPlanCache(size int) *planCache {
	return &planCache{size: size, ll: list.New(), items: map[planKey]*list.Element{}}
}

func (c *planCache) get(key planKey) (Plan, bool) {
	if c.size <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*cacheEntry).plan, true
}

func (c *planCache) put(key planKey, p Plan) {
	if c.size <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		e.Value.(*cacheEntry).plan = p
		return
	}
	c.items[key] = c.ll.PushFront(&cacheEntry{key: key, plan: p})
	for c.ll.Len() > c.size {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}

func (c *planCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// clear drops every plan, as DDL does: a plan may depend on the schema.
func (c *planCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	c.items = map[planKey]*list.Element{}
}
