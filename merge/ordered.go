package merge

import (
	"io"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*Ordered)(nil)

// Ordered merges sources that are each sorted by the same keys into one
// stream sorted by those keys: the merge of a scatter SELECT … ORDER BY,
// and the input of a grouped merge (shards ordered by the group keys).
//
// Algorithm: a k-way merge with a binary min-heap holding one head row per
// source. Next returns the smallest head and refills that source lazily, on
// the following call, so a row is handed out without waiting on the shard
// that produced it and a Limit above stops reading as soon as it is done.
// Rows that tie on every key come out in source order (source index breaks
// the tie), so the result is deterministic. A source is closed as soon as it
// is exhausted. Memory: one row per source.
//
// The sources must be sorted exactly as the keys say, with the engine's
// order (the shards' ORDER BY renders the same keys); Ordered does not
// check it.
type Ordered struct {
	srcs    sourceSet
	spec    []eval.SortKey
	eng     eval.Engine
	keys    []eval.KeyOrder
	heads   []Row
	heap    []int // source indexes, heap-ordered by their head rows
	pending int   // source whose head was returned last, refilled on the next call
	started bool
	err     error
}

// NewOrdered returns the merge of sources, each sorted by keys under eng's
// order.
func NewOrdered(sources []Iterator, keys []eval.SortKey, eng eval.Engine) *Ordered {
	return &Ordered{srcs: newSourceSet(sources), spec: keys, eng: eng, pending: -1}
}

// Columns returns the first source's columns.
func (o *Ordered) Columns() []Column { return o.srcs.columns() }

// Next returns the smallest row not returned yet.
func (o *Ordered) Next() (Row, error) {
	if o.err != nil {
		return nil, o.err
	}
	if !o.started {
		if err := o.start(); err != nil {
			o.err = err
			return nil, err
		}
	} else if o.pending >= 0 {
		if err := o.refill(o.pending); err != nil {
			o.err = err
			return nil, err
		}
	}
	if len(o.heap) == 0 {
		o.err = io.EOF
		return nil, io.EOF
	}
	i := o.heap[0]
	row := o.heads[i]
	o.heads[i] = nil
	o.pending = i
	return row, nil
}

func (o *Ordered) start() error {
	o.started = true
	keys, err := o.eng.ResolveKeys(o.spec, o.Columns())
	if err != nil {
		return err
	}
	o.keys = keys
	n := len(o.srcs.its)
	o.heads = make([]Row, n)
	o.heap = make([]int, 0, n)
	for i := range n {
		row, err := o.srcs.its[i].Next()
		if err == io.EOF {
			if err := o.srcs.close(i); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		o.heads[i] = row
		o.heap = append(o.heap, i)
		o.up(len(o.heap) - 1)
	}
	return nil
}

// refill replaces the heap root, source i, with that source's next row, or
// drops it from the heap when it is exhausted.
func (o *Ordered) refill(i int) error {
	o.pending = -1
	row, err := o.srcs.its[i].Next()
	switch {
	case err == io.EOF:
		if err := o.srcs.close(i); err != nil {
			return err
		}
		last := len(o.heap) - 1
		o.heap[0] = o.heap[last]
		o.heap = o.heap[:last]
	case err != nil:
		return err
	default:
		o.heads[i] = row
	}
	o.down(0)
	return nil
}

func (o *Ordered) less(a, b int) bool {
	if c := eval.CompareRows(o.keys, o.heads[a], o.heads[b]); c != 0 {
		return c < 0
	}
	return a < b
}

func (o *Ordered) up(j int) {
	h := o.heap
	for j > 0 {
		p := (j - 1) / 2
		if !o.less(h[j], h[p]) {
			break
		}
		h[j], h[p] = h[p], h[j]
		j = p
	}
}

func (o *Ordered) down(j int) {
	h := o.heap
	n := len(h)
	for {
		l := 2*j + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && o.less(h[r], h[l]) {
			m = r
		}
		if !o.less(h[m], h[j]) {
			return
		}
		h[j], h[m] = h[m], h[j]
		j = m
	}
}

// Close closes every source not closed yet.
func (o *Ordered) Close() error {
	if o.err == nil {
		o.err = io.EOF
	}
	return o.srcs.closeAll()
}
