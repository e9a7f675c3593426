package merge

import (
	"io"
	"strconv"

	"github.com/dot-do/vitessdo/internal/eval"
)

// JoinMarks are the correlated subqueries of a join's match condition
// (an EXISTS, IN or scalar subquery in the ON of a LEFT JOIN that reads
// both sides): they are evaluated once per candidate pair of rows.
//
// A candidate pair is an outer row and an inner row whose keys are equal
// and that satisfy the Pre condition (the match conditions without a
// subquery). Each candidate is laid out as an extended row: the joined
// row (outer columns, then inner), then one slot per subquery, then the
// joined row's columns Gather copies in that order (the outer values the
// subqueries read, contiguous as a SemiJoin reads its hidden columns).
// A SemiJoin over the candidates of a batch fills each slot with its
// subquery's mark (1, 0 or NULL, see Correlated.Mark) or scalar value,
// running each subquery once per batch of distinct bound values (or once
// per distinct tuple, with OpenRow); the Post condition, evaluated over
// the extended row, then decides the match with SQL's three-valued
// logic: a pair whose mark is NULL does not match, and a LEFT join
// NULL-extends an outer row no pair matches.
type JoinMarks struct {
	// Subs are the subqueries; each one's Into is its slot, and its
	// outer positions count in the extended row.
	Subs   []Correlated
	Gather []int
	// Values, when not nil, hold per gathered copy an expression over
	// the joined row whose value the copy holds instead of the column
	// Gather names (the x of `x IN (SELECT …)` computed from the pair's
	// columns); a nil entry copies the column.
	Values []*eval.Expr
	// Pre, when not nil, is the condition over the joined row a pair
	// meets before its subqueries run; Post is the condition over the
	// extended row that decides the match.
	Pre, Post *eval.Expr
	// Batch is the number of candidate pairs per run of the subqueries.
	Batch int
}

// markState is what a Join with marks holds: the evaluators of its
// conditions and the matched pairs of each outer row of the batch.
type markState struct {
	m         JoinMarks
	pre, post *eval.Evaluator
	// width is the joined row's width; pairs[i] are the extended rows
	// of outer row i of the batch that matched.
	width int
	pairs [][]Row
	// values evaluates Values over the joined row.
	values *eval.Evaluator
}

// markPairs computes, for the batch's outer rows and inner rows, the
// pairs that match, running the subqueries over the candidates. It holds
// at most maxRows candidates.
func (j *Join) markPairs() error {
	ms := j.marks
	if ms.width == 0 {
		ms.width = len(j.cols)
		if ms.m.Pre != nil {
			ms.pre = eval.NewEvaluator(j.eng, j.cols)
			if err := ms.pre.Check(ms.m.Pre); err != nil {
				return err
			}
		}
		if len(ms.m.Values) > 0 {
			ms.values = eval.NewEvaluator(j.eng, j.cols)
			for _, v := range ms.m.Values {
				if v == nil {
					continue
				}
				if err := ms.values.Check(v); err != nil {
					return err
				}
			}
		}
	}
	ms.pairs = ms.pairs[:0]
	var cands []Row
	var owner []int
	for oi, o := range j.outers {
		ms.pairs = append(ms.pairs, nil)
		for _, in := range j.inners {
			ok, err := j.keysMatch(o, in)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			row := make(Row, ms.width, ms.width+len(ms.m.Subs)+len(ms.m.Gather))
			copy(row, o)
			copy(row[len(o):], in)
			if ms.pre != nil {
				if ok, err = ms.pre.Truth(ms.m.Pre, row); err != nil || !ok {
					if err != nil {
						return err
					}
					continue
				}
			}
			row = append(row, make(Row, len(ms.m.Subs))...)
			for i, g := range ms.m.Gather {
				if i < len(ms.m.Values) && ms.m.Values[i] != nil {
					v, err := ms.values.Value(ms.m.Values[i], row[:ms.width])
					if err != nil {
						return err
					}
					row = append(row, v)
					continue
				}
				row = append(row, row[g])
			}
			if j.maxRows > 0 && int64(len(cands)) >= j.maxRows {
				return &MemoryRowsError{Limit: j.maxRows, What: "the pairs of a join with a subquery in its ON"}
			}
			cands = append(cands, row)
			owner = append(owner, oi)
		}
	}
	if ms.post != nil && len(cands) == 0 {
		return nil
	}
	sj, err := NewSemiJoin(NewStatic(j.markColumns(), cands), ms.m.Subs, ms.m.Batch, j.maxRows, j.eng)
	if err != nil {
		return err
	}
	defer sj.Close()
	if ms.post == nil {
		ms.post = eval.NewEvaluator(j.eng, sj.Columns())
		if err := ms.post.Check(ms.m.Post); err != nil {
			return err
		}
	}
	for k := 0; ; k++ {
		row, err := sj.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		ok, err := ms.post.Truth(ms.m.Post, row)
		if err != nil {
			return err
		}
		if ok {
			ms.pairs[owner[k]] = append(ms.pairs[owner[k]], row[:ms.width:ms.width])
		}
	}
	return nil
}

// markColumns describes an extended row: the joined row, the slots, the
// gathered copies.
func (j *Join) markColumns() []Column {
	ms := j.marks
	cols := append([]Column{}, j.cols...)
	for i := range ms.m.Subs {
		cols = append(cols, Column{Name: "vjm_" + strconv.Itoa(i)})
	}
	for i, g := range ms.m.Gather {
		if i < len(ms.m.Values) && ms.m.Values[i] != nil {
			// A computed value has no column's type.
			cols = append(cols, Column{Name: "vjm_value_" + strconv.Itoa(i)})
			continue
		}
		cols = append(cols, j.cols[g])
	}
	return cols
}

// nextMarked returns the next joined row of a Join with marks.
func (j *Join) nextMarked() (Row, error) {
	for {
		if j.oi >= len(j.outers) {
			if err := j.nextBatch(); err != nil {
				return nil, err
			}
			if err := j.markPairs(); err != nil {
				return nil, err
			}
			continue
		}
		o := j.outers[j.oi]
		pairs := j.marks.pairs[j.oi]
		if j.ii < len(pairs) {
			row := pairs[j.ii]
			j.ii++
			return row, nil
		}
		unmatched := len(pairs) == 0
		j.oi, j.ii = j.oi+1, 0
		if j.left && unmatched {
			return j.pair(o, nil), nil
		}
	}
}
