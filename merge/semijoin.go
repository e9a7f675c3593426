package merge

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*SemiJoin)(nil)

// CorrelatedKind says what a correlated subquery of a SemiJoin does with
// each outer row.
type CorrelatedKind int8

const (
	// SemiExists keeps the outer rows with at least one inner row
	// (EXISTS).
	SemiExists CorrelatedKind = iota
	// SemiNotExists keeps the outer rows without an inner row (NOT
	// EXISTS).
	SemiNotExists
	// SemiIn keeps the outer rows whose Left value equals the Value of
	// one of their inner rows (x IN (SELECT y …) true).
	SemiIn
	// SemiNotIn keeps the outer rows for which x NOT IN (SELECT y …) is
	// true: no inner row, or a non-NULL x that equals no y and no y NULL.
	SemiNotIn
	// SemiValue writes the Value of the outer row's one inner row into
	// column Into (a scalar subquery in the select list); Default when it
	// has none.
	SemiValue
)

// String names the kind as VEXPLAIN shows it.
func (k CorrelatedKind) String() string {
	switch k {
	case SemiExists:
		return "EXISTS"
	case SemiNotExists:
		return "NOT EXISTS"
	case SemiIn:
		return "IN"
	case SemiNotIn:
		return "NOT IN"
	}
	return "VALUE"
}

// Correlated is one correlated subquery of a SemiJoin: Open runs it for a
// batch of outer rows (binding their key values, so it returns the
// candidate inner rows of the batch), and an inner row belongs to an
// outer row when every key is equal (NULL equals nothing).
type Correlated struct {
	Kind CorrelatedKind
	Keys []JoinKey
	// Left is the outer column of x in x [NOT] IN (SELECT y …); Value the
	// inner column of y, or of a scalar subquery's value. Numeric says
	// the backend compares x and y as numbers (SQLite's NUMERIC affinity
	// of a number column beside a text one): text that is a well-formed
	// number is that number, and other text equals no number.
	Left, Value int
	Numeric     bool
	// Into is the outer column a SemiValue replaces; Default is its value
	// for an outer row without inner rows (0 for COUNT, else NULL).
	Into    int
	Default any
	// Residual, when set, is a further condition an inner row meets for an
	// outer row (o.amount > u.floor): it reads the outer columns From,
	// Width of them, followed by the inner row's columns, and counts only
	// when true.
	Residual    *eval.Expr
	From, Width int
	Open        JoinOpen
	// Mark, for EXISTS, NOT EXISTS, IN and NOT IN, keeps every outer row
	// and writes the condition's truth into column Into instead (1, 0 or
	// NULL, as the statement's dialect has a condition's value), for the
	// router to evaluate the expression it is in.
	Mark bool
	// OpenRow, when set instead of Open and Keys, runs the subquery for
	// one outer row with its outer columns Args bound (see
	// SemiJoin): for a correlation that is not an equality of an inner
	// and an outer value, or an inner statement with a horizon of its
	// own. Ordered marks a scalar subquery whose ORDER BY decides which
	// of several rows is its value.
	OpenRow func(Row) (Iterator, error)
	Args    []int
	Ordered bool
	// Cut is the LIMIT of an IN or scalar subquery without ORDER BY,
	// taken off its statement: over more rows than Cut that do not all
	// hold one value, which rows the limit keeps is arbitrary, and the
	// subquery fails with ErrSubqueryLimitOrder. 0 is none.
	Cut int
	// Keep, with OrderCols, is the number of rows an ORDER BY keeps of a
	// subquery with OpenRow that reads one row more, and the inner
	// columns of its terms: the rows past Keep are dropped, and a row
	// past it tied with the last kept one on every term but holding
	// another value fails with ErrSubqueryOrderTie.
	Keep      int
	OrderCols []int
}

// ErrSubqueryRowOrder reports a scalar subquery with several different
// values for one outer row on SQLite, which takes the first in an order
// the shards do not share.
var ErrSubqueryRowOrder = errors.New("a scalar subquery returns several different values for one row, and SQLite takes the first in an order the shards do not share")

// ErrSubqueryLimitOrder reports an IN or scalar subquery whose LIMIT,
// without an ORDER BY, keeps some of several rows of different values:
// which ones is arbitrary, on one database as on the shards.
var ErrSubqueryLimitOrder = errors.New("a subquery's LIMIT without ORDER BY keeps some of several rows holding different values, and which ones is arbitrary")

// ErrSubqueryOrderTie reports a subquery whose ORDER BY ties rows of
// different values across its LIMIT (or, on SQLite, across the first row
// of a scalar subquery): which of them it keeps is arbitrary.
var ErrSubqueryOrderTie = errors.New("a subquery's ORDER BY ties rows holding different values where its LIMIT cuts them, and which ones it keeps is arbitrary")

// SemiJoin evaluates correlated subqueries over the rows of an outer
// side (Vitess's SemiJoin, and the projection of a correlated scalar
// subquery): semi-joins (EXISTS, IN) and anti-joins (NOT EXISTS, NOT IN)
// keep or drop each outer row, a scalar subquery puts its value into a
// column of it. Outer rows pass in order; columns are the outer's, a
// SemiValue's column described as the inner value column (named as the
// outer's).
//
// A subquery with OpenRow runs once per distinct tuple of its Args
// values (and Left, for IN) among the kept rows, each outer value bound
// as an argument, so the backend evaluates any correlation and horizon
// of the inner statement itself; its decisions are remembered for up to
// maxRows tuples (4096 when unbounded), so a value repeated across the
// outer rows runs once. It costs one inner statement per distinct tuple.
//
// Algorithm: read a batch of outer rows; for each subquery in turn open
// its inner side for the rows still kept, read every inner row (at most
// maxRows), and decide each kept row over the inner rows whose keys equal
// its keys under the engine's comparison (and that meet the Residual
// condition, when there is one), with SQL's NULL rules: x IN S
// is true only when a y equals x; x NOT IN S is true when S is empty, or
// when x is not NULL and no y is NULL or equals x. The first batch is read
// when the SemiJoin is made, so the columns are known.
type SemiJoin struct {
	outer   Iterator
	subs    []Correlated
	batch   int
	maxRows int64
	eng     eval.Engine
	cols    []Column
	inner   [][]Column
	// evs evaluate the residual conditions; scratch holds one pair row.
	evs     []*eval.Evaluator
	scratch Row
	// memo holds the decisions of OpenRow subqueries by tuple.
	memo []map[string]rowDecision

	rows   []Row
	next   int
	eof    bool
	closed bool
}

// NewSemiJoin returns the outer rows the subqueries keep, with their
// values, reading batch outer rows at a time.
func NewSemiJoin(outer Iterator, subs []Correlated, batch int, maxRows int64, eng eval.Engine) (*SemiJoin, error) {
	if batch < 1 {
		batch = 1
	}
	s := &SemiJoin{outer: outer, subs: subs, batch: batch, maxRows: maxRows, eng: eng, inner: make([][]Column, len(subs)), evs: make([]*eval.Evaluator, len(subs)), memo: make([]map[string]rowDecision, len(subs))}
	s.cols = append([]Column(nil), outer.Columns()...)
	if err := s.fill(); err != nil {
		outer.Close()
		return nil, err
	}
	for i, sq := range subs {
		if sq.Mark {
			if sq.Into < 0 || sq.Into >= len(s.cols) {
				outer.Close()
				return nil, fmt.Errorf("vitessdo: merge: mark column %d out of range", sq.Into)
			}
			s.cols[sq.Into] = markColumn(s.cols[sq.Into].Name, eng)
			continue
		}
		if sq.Kind != SemiValue {
			continue
		}
		if sq.Into < 0 || sq.Into >= len(s.cols) || sq.Value < 0 || sq.Value >= len(s.inner[i]) {
			outer.Close()
			return nil, fmt.Errorf("vitessdo: merge: scalar subquery column %d into %d out of range", sq.Value, sq.Into)
		}
		c := s.inner[i][sq.Value]
		c.Name = s.cols[sq.Into].Name
		s.cols[sq.Into] = c
	}
	return s, nil
}

// fill reads the next batch of outer rows and keeps those the subqueries
// keep. A subquery is opened even for an empty batch the first time, so
// its columns are known.
func (s *SemiJoin) fill() error {
	s.rows, s.next = s.rows[:0], 0
	for !s.eof && len(s.rows) < s.batch {
		row, err := s.outer.Next()
		if err == io.EOF {
			s.eof = true
			break
		}
		if err != nil {
			return err
		}
		s.rows = append(s.rows, row)
	}
	for i := range s.subs {
		if len(s.rows) == 0 && s.inner[i] != nil {
			continue
		}
		if err := s.apply(i); err != nil {
			return err
		}
	}
	return nil
}

// apply runs subquery i for the kept rows of the batch and keeps, or
// fills in, each of them.
func (s *SemiJoin) apply(i int) error {
	sq := &s.subs[i]
	if sq.OpenRow != nil {
		return s.applyRows(i)
	}
	it, err := sq.Open(s.rows)
	if err != nil {
		return err
	}
	defer it.Close()
	if s.inner[i] == nil {
		s.inner[i] = append([]Column{}, it.Columns()...)
		if sq.Residual != nil {
			if sq.From < 0 || sq.From+sq.Width > len(s.cols) {
				return fmt.Errorf("vitessdo: merge: residual columns %d..%d out of range", sq.From, sq.From+sq.Width)
			}
			cols := append(append([]Column{}, s.cols[sq.From:sq.From+sq.Width]...), s.inner[i]...)
			ev := eval.NewEvaluator(s.eng, cols)
			if err := ev.Check(sq.Residual); err != nil {
				return err
			}
			s.evs[i] = ev
		}
	}
	if len(s.rows) == 0 {
		return nil
	}
	inners, err := ReadAll(NewBound(it, s.maxRows, "the inner side of a semi-join"))
	if err != nil {
		return err
	}
	kept := s.rows[:0]
	for _, o := range s.rows {
		keep, err := s.decide(i, o, inners)
		if err != nil {
			return err
		}
		if keep {
			kept = append(kept, o)
		}
	}
	s.rows = kept
	return nil
}

// decide evaluates subquery i for outer row o over the batch's inner
// rows; a SemiValue or a Mark writes its value into o.
func (s *SemiJoin) decide(i int, o Row, inners []Row) (bool, error) {
	sq := &s.subs[i]
	cols := s.inner[i]
	found, null, equal, differ := false, false, false, false
	var value, first any
	var values, rows int
	for _, in := range inners {
		ok, err := s.matches(sq.Keys, cols, o, in)
		if err == nil && ok && sq.Residual != nil {
			s.scratch = append(append(s.scratch[:0], o[sq.From:sq.From+sq.Width]...), in...)
			ok, err = s.evs[i].Truth(sq.Residual, s.scratch)
		}
		if err != nil {
			return false, err
		}
		if !ok {
			continue
		}
		found = true
		if sq.Kind == SemiExists || sq.Kind == SemiNotExists {
			break
		}
		rows++
		if rows == 1 {
			first = in[sq.Value]
		} else if !sameValue(first, in[sq.Value]) {
			differ = true
		}
		if sq.Cut > 0 && rows > sq.Cut && differ {
			return false, ErrSubqueryLimitOrder
		}
		if sq.Kind == SemiValue {
			y := in[sq.Value]
			values++
			switch {
			case values == 1:
				value = y
			case sq.Cut > 0 && values > sq.Cut:
			case s.eng == eval.PostgreSQL:
				return false, ErrSubqueryRows
			case sq.Ordered:
			case !sameValue(value, y):
				return false, ErrSubqueryRowOrder
			}
			continue
		}
		if equal {
			continue
		}
		x, y := o[sq.Left], in[sq.Value]
		if y == nil {
			null = true
			continue
		}
		if x == nil {
			continue
		}
		if sq.Numeric {
			x, y = eval.ToNumber(x), eval.ToNumber(y)
		}
		x = s.asNumeric(x, y, cols[sq.Value])
		if valueClass(x) != valueClass(y) {
			if sq.Numeric {
				continue
			}
			return false, &JoinKeyTypeError{Outer: x, Inner: y}
		}
		if s.eng.Compare(x, y, cols[sq.Value]) == 0 {
			equal = true
			if sq.Cut == 0 {
				break
			}
		}
	}
	if sq.Kind == SemiValue {
		if !found {
			value = sq.Default
		}
		o[sq.Into] = value
		return true, nil
	}
	unknown := null
	if sq.Kind == SemiIn || sq.Kind == SemiNotIn {
		unknown = unknown || found && o[sq.Left] == nil
	}
	t := conditionTruth(sq.Kind, found, equal, unknown)
	if sq.Mark {
		o[sq.Into] = markValue(t)
		return true, nil
	}
	return t == truthTrue, nil
}

// asNumeric returns an integer x compared with y of a PostgreSQL
// NUMERIC column (a SUM of integers) as NUMERIC text, as the backend
// compares them exactly; x itself otherwise.
func (s *SemiJoin) asNumeric(x, y any, col Column) any {
	if i, ok := x.(int64); ok && s.eng.IsNumeric(col) {
		if _, ok := y.(string); ok {
			return strconv.FormatInt(i, 10)
		}
	}
	return x
}

// sameValue reports two values of one column that are the same value.
func sameValue(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && string(ab) == string(bb)
	}
	return fmt.Sprintf("%T %v", a, a) == fmt.Sprintf("%T %v", b, b)
}

// matches reports whether every key of outer row o equals inner row in's.
func (s *SemiJoin) matches(keys []JoinKey, cols []Column, o, in Row) (bool, error) {
	for _, k := range keys {
		a, b := o[k.Outer], in[k.Inner]
		if a == nil || b == nil {
			return false, nil
		}
		if valueClass(a) != valueClass(b) {
			return false, &JoinKeyTypeError{Outer: a, Inner: b}
		}
		if s.eng.Compare(a, b, cols[k.Inner]) != 0 {
			return false, nil
		}
	}
	return true, nil
}

// Columns describes the outer columns.
func (s *SemiJoin) Columns() []Column { return s.cols }

// Next returns the next outer row the subqueries keep.
func (s *SemiJoin) Next() (Row, error) {
	for {
		if s.closed {
			return nil, io.EOF
		}
		if s.next < len(s.rows) {
			row := s.rows[s.next]
			s.next++
			return row, nil
		}
		if s.eof {
			return nil, io.EOF
		}
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
}

// Close stops the outer side; each inner side is closed once read.
func (s *SemiJoin) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.rows = nil
	return s.outer.Close()
}
