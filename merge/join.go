package merge

import (
	"fmt"
	"io"
	"time"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*Join)(nil)

// JoinOpen opens the inner side of a join for one batch of outer rows;
// an empty batch still returns the inner side's columns.
type JoinOpen func(batch []Row) (Iterator, error)

// JoinKey is one equality of a join: the outer row's column Outer equals
// the inner row's column Inner.
type JoinKey struct {
	Outer, Inner int
	// Numeric says the backend compares the two columns as numbers: one
	// is a column of SQLite's numeric affinity, the other is not, and
	// text of either side that is a well-formed number compares as that
	// number (eval.ToNumber); other text equals no number.
	Numeric bool
}

// Join is a nested-loop join (Vitess's ApplyJoin): it reads the outer
// side in batches, opens the inner side once per batch through a
// JoinOpen (which binds the batch's key values into the inner statement,
// so the inner side returns only candidate rows), and pairs each outer
// row, in order, with every inner row whose keys equal its keys under
// the engine's comparison (NULL equals nothing). A LEFT join emits an
// outer row without a match once, NULL-extended.
//
// A residual condition (JoinOptions.Residual) is part of the match: a
// pair of rows joins when the keys are equal and the residual, evaluated
// over the joined row, is true; a LEFT join NULL-extends an outer row no
// inner row matches so. A join without keys pairs every outer row with
// every inner row the residual accepts. With JoinOptions.Marks, the
// match condition holds correlated subqueries, run over the candidate
// pairs of each batch (see JoinMarks).
//
// Rows are outer columns followed by inner columns. It holds one batch
// of outer rows and the inner rows of that batch, at most maxRows of
// them; more fails the statement with a MemoryRowsError.
type Join struct {
	outer   Iterator
	open    JoinOpen
	keys    []JoinKey
	left    bool
	batch   int
	maxRows int64
	eng     eval.Engine
	cols    []Column
	inner   []Column
	// residual is the condition beyond the keys, nil when none; ev
	// evaluates it over scratch, the joined row being tried.
	residual *eval.Expr
	ev       *eval.Evaluator
	scratch  Row
	// marks, when not nil, decides the matches by subqueries per pair
	// of rows (see JoinMarks).
	marks *markState
	// once holds the inner rows read for the first batch for every batch.
	once bool
	read bool

	outers  []Row
	inners  []Row
	oi, ii  int
	matched bool
	eof     bool
	closed  bool
}

// NewJoin returns the join of outer with the inner side open returns,
// reading batch outer rows at a time. It reads the first batch and opens
// the inner side for it, so the columns are known.
func NewJoin(outer Iterator, open JoinOpen, keys []JoinKey, left bool, batch int, maxRows int64, eng eval.Engine) (*Join, error) {
	return NewJoinWith(outer, open, JoinOptions{Keys: keys, Left: left, Batch: batch, MaxRows: maxRows, Eng: eng})
}

// JoinOptions describe a Join.
type JoinOptions struct {
	Keys []JoinKey
	// Left NULL-extends the outer rows without a match.
	Left bool
	// Batch is the number of outer rows per opening of the inner side.
	Batch int
	// MaxRows bounds the inner rows held (0: no bound).
	MaxRows int64
	Eng     eval.Engine
	// Residual, when not nil, is a condition over the joined row (outer
	// columns, then inner) that a match must also satisfy.
	Residual *eval.Expr
	// Once says the inner side does not depend on the batch: it is
	// opened and read once, and its rows, at most MaxRows, are joined
	// with every batch.
	Once bool
	// Marks, when not nil, are correlated subqueries of the match
	// condition, evaluated per candidate pair (see JoinMarks); Residual
	// is then unused.
	Marks *JoinMarks
}

// NewJoinWith returns the join o describes of outer with the inner side
// open returns. It reads the first batch and opens the inner side for
// it, so the columns are known.
func NewJoinWith(outer Iterator, open JoinOpen, o JoinOptions) (*Join, error) {
	batch := o.Batch
	if batch < 1 {
		batch = 1
	}
	j := &Join{outer: outer, open: open, keys: o.Keys, left: o.Left, batch: batch, maxRows: o.MaxRows, eng: o.Eng, once: o.Once}
	if err := j.fill(); err != nil {
		outer.Close()
		return nil, err
	}
	j.cols = append(append([]Column(nil), outer.Columns()...), j.inner...)
	if o.Marks != nil {
		j.marks = &markState{m: *o.Marks}
		if j.marks.m.Batch < 1 {
			j.marks.m.Batch = batch
		}
		if err := j.markPairs(); err != nil {
			outer.Close()
			return nil, err
		}
		return j, nil
	}
	if o.Residual != nil {
		r := *o.Residual
		j.residual = &r
		j.ev = eval.NewEvaluator(j.eng, j.cols)
		if err := j.ev.Check(j.residual); err != nil {
			outer.Close()
			return nil, err
		}
		j.scratch = make(Row, len(j.cols))
	}
	return j, nil
}

// fill reads the next batch of outer rows and the inner rows for it.
func (j *Join) fill() error {
	if j.once && j.read {
		j.outers, j.oi, j.ii, j.matched = j.outers[:0], 0, 0, false
		return j.readOuter()
	}
	j.outers, j.inners, j.oi, j.ii, j.matched = j.outers[:0], nil, 0, 0, false
	if err := j.readOuter(); err != nil {
		return err
	}
	if len(j.outers) == 0 && j.inner != nil {
		return nil
	}
	it, err := j.open(j.outers)
	if err != nil {
		return err
	}
	defer it.Close()
	if j.inner == nil {
		j.inner = append([]Column{}, it.Columns()...)
	}
	if len(j.outers) == 0 {
		return nil
	}
	rows, err := ReadAll(NewBound(it, j.maxRows, "the inner side of a join"))
	if err != nil {
		return err
	}
	j.inners, j.read = rows, true
	return nil
}

// readOuter reads the next batch of outer rows.
func (j *Join) readOuter() error {
	for !j.eof && len(j.outers) < j.batch {
		row, err := j.outer.Next()
		if err == io.EOF {
			j.eof = true
			break
		}
		if err != nil {
			return err
		}
		j.outers = append(j.outers, row)
	}
	return nil
}

// Columns describes the outer columns followed by the inner ones.
func (j *Join) Columns() []Column { return j.cols }

// nextBatch reads the next batch of outer rows and its inner rows; it
// returns io.EOF when the outer side has no row left.
func (j *Join) nextBatch() error {
	if j.eof {
		return io.EOF
	}
	if err := j.fill(); err != nil {
		return err
	}
	if len(j.outers) == 0 {
		return io.EOF
	}
	return nil
}

// Next returns the next joined row.
func (j *Join) Next() (Row, error) {
	if j.closed {
		return nil, io.EOF
	}
	if j.marks != nil {
		return j.nextMarked()
	}
	for {
		if j.oi >= len(j.outers) {
			if err := j.nextBatch(); err != nil {
				return nil, err
			}
			continue
		}
		o := j.outers[j.oi]
		for j.ii < len(j.inners) {
			in := j.inners[j.ii]
			j.ii++
			ok, err := j.matches(o, in)
			if err != nil {
				return nil, err
			}
			if ok {
				j.matched = true
				return j.pair(o, in), nil
			}
		}
		unmatched := !j.matched
		j.oi, j.ii, j.matched = j.oi+1, 0, false
		if j.left && unmatched {
			return j.pair(o, nil), nil
		}
	}
}

func (j *Join) matches(o, in Row) (bool, error) {
	if ok, err := j.keysMatch(o, in); err != nil || !ok {
		return false, err
	}
	if j.residual == nil {
		return true, nil
	}
	copy(j.scratch, o)
	copy(j.scratch[len(o):], in)
	return j.ev.Truth(j.residual, j.scratch)
}

// keysMatch reports whether every key of outer row o equals inner row
// in's.
func (j *Join) keysMatch(o, in Row) (bool, error) {
	for _, k := range j.keys {
		a, b := o[k.Outer], in[k.Inner]
		if a == nil || b == nil {
			return false, nil
		}
		if k.Numeric {
			a, b = eval.ToNumber(a), eval.ToNumber(b)
		}
		if ca, cb := valueClass(a), valueClass(b); ca != cb {
			if k.Numeric {
				return false, nil
			}
			return false, &JoinKeyTypeError{Outer: a, Inner: b}
		}
		if j.eng.Compare(a, b, j.inner[k.Inner]) != 0 {
			return false, nil
		}
	}
	return true, nil
}

// JoinKeyTypeError reports join key values of different kinds (a number
// and a text): the backend would compare them by its conversion rules,
// which the join does not follow.
type JoinKeyTypeError struct {
	Outer, Inner any
}

func (e *JoinKeyTypeError) Error() string {
	return fmt.Sprintf("join key values %T and %T compare by the backend's conversion rules", e.Outer, e.Inner)
}

// valueClass groups values that compare without conversion.
func valueClass(v any) int {
	switch v.(type) {
	case int64, float64, bool:
		return 0
	case string:
		return 1
	case []byte:
		return 2
	case time.Time:
		return 3
	}
	return 4
}

// pair returns a new row of o followed by in (NULLs when in is nil).
func (j *Join) pair(o, in Row) Row {
	row := make(Row, 0, len(j.cols))
	row = append(row, o...)
	if in == nil {
		return append(row, make(Row, len(j.inner))...)
	}
	return append(row, in...)
}

// Close stops the outer side; the inner side of a batch is closed once read.
func (j *Join) Close() error {
	if j.closed {
		return nil
	}
	j.closed = true
	j.outers, j.inners = nil, nil
	return j.outer.Close()
}
