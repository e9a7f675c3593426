package merge

import (
	"fmt"
	"io"
	"strings"
)

// rowDecision is what a subquery with OpenRow decided for one tuple of
// outer values: whether the row is kept, and the value it wrote.
type rowDecision struct {
	keep  bool
	value any
}

// memoTuples bounds the decisions remembered per subquery when
// max_memory_rows is unbounded.
const memoTuples = 4096

// applyRows runs subquery i once for each distinct tuple of its outer
// values among the kept rows of the batch (see SemiJoin), and keeps, or
// fills in, each of them.
func (s *SemiJoin) applyRows(i int) error {
	sq := &s.subs[i]
	if s.inner[i] == nil && len(s.rows) == 0 {
		// The columns of a first batch without rows, from a run binding
		// NULLs.
		it, err := sq.OpenRow(make(Row, len(s.cols)))
		if err != nil {
			return err
		}
		err = s.rowColumns(i, it)
		if cerr := it.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if s.memo[i] == nil {
		s.memo[i] = map[string]rowDecision{}
	}
	limit := int(s.maxRows)
	if limit <= 0 {
		limit = memoTuples
	}
	kept := s.rows[:0]
	for _, o := range s.rows {
		key := s.tupleKey(sq, o)
		d, ok := s.memo[i][key]
		if !ok {
			inners, err := s.rowInners(i, o)
			if err != nil {
				return err
			}
			if inners, err = keepOrdered(sq, inners); err != nil {
				return err
			}
			if d.keep, err = s.decide(i, o, inners); err != nil {
				return err
			}
			if sq.Mark || sq.Kind == SemiValue {
				d.value = o[sq.Into]
			}
			if len(s.memo[i]) < limit {
				s.memo[i][key] = d
			}
		} else if sq.Mark || sq.Kind == SemiValue {
			o[sq.Into] = d.value
		}
		if d.keep {
			kept = append(kept, o)
		}
	}
	s.rows = kept
	return nil
}

// tupleKey identifies the outer values a subquery with OpenRow reads
// from row o, each with its type.
func (s *SemiJoin) tupleKey(sq *Correlated, o Row) string {
	var b strings.Builder
	key := func(v any) {
		if bs, ok := v.([]byte); ok {
			v = string(bs)
		}
		fmt.Fprintf(&b, "%T:%v\x00", v, v)
	}
	for _, a := range sq.Args {
		key(o[a])
	}
	if sq.Kind == SemiIn || sq.Kind == SemiNotIn {
		key(o[sq.Left])
	}
	return b.String()
}

// rowInners runs subquery i (with OpenRow) for outer row o and reads what
// deciding needs: one row for EXISTS, two for a scalar (a second is an
// error on PostgreSQL, and on SQLite unless ORDER BY decides the
// first), every row (at most maxRows) for IN.
func (s *SemiJoin) rowInners(i int, o Row) ([]Row, error) {
	sq := &s.subs[i]
	it, err := sq.OpenRow(o)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	if s.inner[i] == nil {
		if err := s.rowColumns(i, it); err != nil {
			return nil, err
		}
	}
	want := -1
	switch sq.Kind {
	case SemiExists, SemiNotExists:
		want = 1
	case SemiValue:
		want = 2
	}
	if sq.Cut > 0 {
		want = -1
	}
	if sq.Keep > 0 {
		want = -1
	}
	var out []Row
	b := NewBound(it, s.maxRows, "the inner side of a semi-join")
	for want < 0 || len(out) < want {
		row, err := b.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, row)
		if sq.Keep > 0 && len(out) > sq.Keep && !tiedOn(sq.OrderCols, out[sq.Keep-1], row) {
			// The rows come sorted: none after this one ties the cut.
			break
		}
	}
	return out, nil
}

// rowColumns learns the inner columns of subquery i from its first run.
func (s *SemiJoin) rowColumns(i int, it Iterator) error {
	sq := &s.subs[i]
	s.inner[i] = append([]Column{}, it.Columns()...)
	if sq.Kind != SemiExists && sq.Kind != SemiNotExists && (sq.Value < 0 || sq.Value >= len(s.inner[i])) {
		return fmt.Errorf("vitessdo: merge: subquery value column %d out of range", sq.Value)
	}
	return nil
}

// tiedOn reports two rows equal on the columns cols.
func tiedOn(cols []int, a, b Row) bool {
	for _, c := range cols {
		if !sameValue(a[c], b[c]) {
			return false
		}
	}
	return true
}

// keepOrdered drops the rows of a subquery with Keep past the rows its
// ORDER BY keeps, refusing a tie across the cut: every row tied with the
// last one kept, on either side of the cut, must hold its value.
func keepOrdered(sq *Correlated, rows []Row) ([]Row, error) {
	if sq.Keep <= 0 || len(rows) <= sq.Keep {
		return rows, nil
	}
	last := rows[sq.Keep-1]
	if !tiedOn(sq.OrderCols, last, rows[sq.Keep]) {
		return rows[:sq.Keep], nil
	}
	for _, r := range rows {
		if tiedOn(sq.OrderCols, last, r) && !sameValue(last[sq.Value], r[sq.Value]) {
			return nil, ErrSubqueryOrderTie
		}
	}
	return rows[:sq.Keep], nil
}
