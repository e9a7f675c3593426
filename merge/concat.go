package merge

import "io"

var _ Iterator = (*Concat)(nil)

// Concat returns the rows of its sources one source after another, in
// source order. It is the merge of a scatter SELECT whose result order is
// unspecified (no ORDER BY, no grouping): the unsharded result is a
// multiset, and any interleaving of the shards' rows equals it.
//
// Algorithm: read the current source to io.EOF, close it at once (so its
// shard connection is released while later sources still stream), move
// to the next. Nothing is buffered.
type Concat struct {
	srcs sourceSet
	cur  int
	err  error
}

// NewConcat returns the concatenation of sources, which all have the same
// columns.
func NewConcat(sources []Iterator) *Concat {
	return &Concat{srcs: newSourceSet(sources)}
}

// Columns returns the first source's columns.
func (c *Concat) Columns() []Column { return c.srcs.columns() }

// Next returns the next row of the current source.
func (c *Concat) Next() (Row, error) {
	for c.err == nil {
		if c.cur >= len(c.srcs.its) {
			c.err = io.EOF
			break
		}
		row, err := c.srcs.its[c.cur].Next()
		if err == nil {
			return row, nil
		}
		if err != io.EOF {
			c.err = err
			break
		}
		if err := c.srcs.close(c.cur); err != nil {
			c.err = err
			break
		}
		c.cur++
	}
	return nil, c.err
}

// Close closes every source not closed yet.
func (c *Concat) Close() error {
	if c.err == nil {
		c.err = io.EOF
	}
	return c.srcs.closeAll()
}
