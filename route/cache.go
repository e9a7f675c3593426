package route

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// planCache is a least-recently-used cache of plans by SQL text (and
// session target), shared by every connection of a connector. In front
// of it, the entry found last answers a statement run again at once
// (the same text, usually the same string) without a lock or a hash of
// the text; it is not moved to the front of the LRU list then.
type planCache struct {
	mu    sync.Mutex
	size  int
	ll    *list.List
	items map[planKey]*list.Element
	// last is the entry found or put last; entries never change, so it
	// is read without the lock.
	last atomic.Pointer[cacheEntry]
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
	if last := c.last.Load(); last != nil && last.key == key {
		return last.plan, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(e)
	ent := e.Value.(*cacheEntry)
	c.last.Store(ent)
	return ent.plan, true
}

func (c *planCache) put(key planKey, p Plan) {
	if c.size <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ent := &cacheEntry{key: key, plan: p}
	c.last.Store(ent)
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		e.Value = ent
		return
	}
	c.items[key] = c.ll.PushFront(ent)
	for c.ll.Len() > c.size {
		back := c.ll.Back()
		c.ll.Remove(back)
		old := back.Value.(*cacheEntry)
		delete(c.items, old.key)
		c.last.CompareAndSwap(old, nil)
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
	c.last.Store(nil)
}
