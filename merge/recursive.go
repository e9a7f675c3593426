package merge

import (
	"fmt"
	"io"
	"time"

	"github.com/dot-do/vitessdo/internal/eval"
)

// RecursiveStep opens the rows a recursive query block gives over the
// rows of the round before it (the working table).
type RecursiveStep func(work []Row) (Iterator, error)

// Recursive evaluates a recursive common table expression round by
// round, as PostgreSQL evaluates WITH RECURSIVE: the anchor's rows are
// the first round; each later round is the step over the rows the round
// before added; the rows of every round are the result, and the
// recursion ends with the first round that adds no row.
//
// With distinct (UNION between the anchor and the recursive block) a row
// equal to one already held is dropped before it is added, so it starts
// no round of its own; equality is the engine's, as a UNION's (NULL
// equals NULL, 1 equals 1.0, a number never equals a text). Without it
// (UNION ALL) every row is kept.
//
// Memory: every row of the result, at most maxRows; one more is a
// MemoryRowsError naming what, and no partial result is returned. The
// rounds are bounded by the rows: each adds at least one.
func Recursive(anchor Iterator, step RecursiveStep, distinct bool, eng eval.Engine, maxRows int64, what string) ([]Column, []Row, error) {
	cols := append([]Column(nil), anchor.Columns()...)
	r := &recursion{eng: eng, distinct: distinct, maxRows: maxRows, what: what, cols: cols}
	if distinct {
		r.seen = map[string]bool{}
		r.numeric = make([]bool, len(cols))
		for i, c := range cols {
			r.numeric[i] = eng.IsNumeric(c)
		}
	}
	work, err := r.round(anchor)
	if err != nil {
		return nil, nil, err
	}
	for len(work) > 0 {
		it, err := step(work)
		if err != nil {
			return nil, nil, err
		}
		if work, err = r.round(it); err != nil {
			return nil, nil, err
		}
	}
	return cols, r.rows, nil
}

// recursion is the state of one evaluation.
type recursion struct {
	eng      eval.Engine
	distinct bool
	maxRows  int64
	what     string
	cols     []Column
	numeric  []bool
	seen     map[string]bool
	rows     []Row
	buf      []byte
}

// round reads one round's rows, closes it, adds the new ones to the
// result and returns them.
func (r *recursion) round(it Iterator) ([]Row, error) {
	defer it.Close()
	start := len(r.rows)
	for {
		row, err := it.Next()
		if err == io.EOF {
			return r.rows[start:len(r.rows):len(r.rows)], nil
		}
		if err != nil {
			return nil, err
		}
		if len(row) != len(r.cols) {
			return nil, fmt.Errorf("merge: %s: a round gives %d columns, the anchor %d", r.what, len(row), len(r.cols))
		}
		if r.distinct {
			key, err := r.key(row)
			if err != nil {
				return nil, err
			}
			if r.seen[key] {
				continue
			}
			r.seen[key] = true
		}
		if r.maxRows > 0 && int64(len(r.rows)) >= r.maxRows {
			return nil, &MemoryRowsError{Limit: r.maxRows, What: r.what}
		}
		r.rows = append(r.rows, row)
	}
}

// key encodes a row so that two rows are equal by the engine's rules
// exactly when their keys are equal (see HashTable).
func (r *recursion) key(row Row) (string, error) {
	r.buf = r.buf[:0]
	for i, v := range row {
		switch v.(type) {
		case nil:
			r.buf = append(r.buf, 'N')
			continue
		case bool, int64, float64, string, []byte, time.Time:
		default:
			return "", fmt.Errorf("merge: %s: a value of type %T is not compared for UNION", r.what, v)
		}
		r.buf = appendHashKey(r.buf, v, r.numeric[i])
	}
	return string(r.buf), nil
}
