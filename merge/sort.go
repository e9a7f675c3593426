package merge

import (
	"io"
	"slices"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*Sort)(nil)

// Sort orders its source's rows in memory: the merge step for an ORDER BY
// that the shards cannot produce pre-sorted, such as an ORDER BY on an
// aggregate computed only at the merge. Ties keep their input order (the
// sort is stable), so the result is deterministic.
//
// Algorithm: on the first Next read the whole source and close it, then
// return the rows sorted. Memory: every row. With a known LIMIT use
// NewTopN, which keeps only the first n rows: a bounded max-heap of the n
// best rows seen (ties ordered by arrival), sorted at the end; Limit then
// applies the offset and count.
type Sort struct {
	src    source
	spec   []eval.SortKey
	eng    eval.Engine
	n      int64 // rows kept; negative keeps all
	rows   []Row
	seqs   []int64
	pos    int
	loaded bool
	err    error
	keys   []eval.KeyOrder
}

// NewSort returns src's rows sorted by keys under eng's order.
func NewSort(src Iterator, keys []eval.SortKey, eng eval.Engine) *Sort {
	return &Sort{src: source{it: src}, spec: keys, eng: eng, n: -1}
}

// NewTopN returns the first n of src's rows sorted by keys (for LIMIT
// count OFFSET offset, n is offset+count), holding at most n rows.
func NewTopN(src Iterator, keys []eval.SortKey, eng eval.Engine, n int64) *Sort {
	return &Sort{src: source{it: src}, spec: keys, eng: eng, n: max(n, 0)}
}

// Columns returns the source's columns.
func (s *Sort) Columns() []Column { return s.src.it.Columns() }

// Next returns the next row in sorted order.
func (s *Sort) Next() (Row, error) {
	if s.err != nil {
		return nil, s.err
	}
	if !s.loaded {
		s.loaded = true
		if err := s.load(); err != nil {
			s.err = err
			return nil, err
		}
	}
	if s.pos >= len(s.rows) {
		s.err = io.EOF
		return nil, io.EOF
	}
	row := s.rows[s.pos]
	s.rows[s.pos] = nil
	s.pos++
	return row, nil
}

func (s *Sort) load() error {
	keys, err := s.eng.ResolveKeys(s.spec, s.src.it.Columns())
	if err != nil {
		return err
	}
	s.keys = keys
	if s.n == 0 {
		return s.src.close()
	}
	for seq := int64(0); ; seq++ {
		row, err := s.src.it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if s.n < 0 {
			s.rows = append(s.rows, row)
			continue
		}
		s.keep(row, seq)
	}
	if err := s.src.close(); err != nil {
		return err
	}
	if s.n < 0 {
		slices.SortStableFunc(s.rows, func(a, b Row) int { return eval.CompareRows(s.keys, a, b) })
		return nil
	}
	// Sort the kept rows by key, then arrival.
	idx := make([]int, len(s.rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return s.cmp(a, b) })
	sorted := make([]Row, len(idx))
	for i, j := range idx {
		sorted[i] = s.rows[j]
	}
	s.rows, s.seqs = sorted, nil
	return nil
}

// cmp orders kept rows i and j by key, then by arrival.
func (s *Sort) cmp(i, j int) int {
	if c := eval.CompareRows(s.keys, s.rows[i], s.rows[j]); c != 0 {
		return c
	}
	return eval.CompareInt(s.seqs[i], s.seqs[j])
}

// keep offers a row to the top-n heap, whose root is the worst row kept.
func (s *Sort) keep(row Row, seq int64) {
	if int64(len(s.rows)) < s.n {
		s.rows = append(s.rows, row)
		s.seqs = append(s.seqs, seq)
		for j := len(s.rows) - 1; j > 0; {
			p := (j - 1) / 2
			if s.cmp(j, p) <= 0 {
				break
			}
			s.swap(j, p)
			j = p
		}
		return
	}
	// A later row equal to the worst comes after it: it is not better.
	if eval.CompareRows(s.keys, row, s.rows[0]) >= 0 {
		return
	}
	s.rows[0], s.seqs[0] = row, seq
	for j, n := 0, len(s.rows); ; {
		l := 2*j + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s.cmp(r, l) > 0 {
			m = r
		}
		if s.cmp(m, j) <= 0 {
			break
		}
		s.swap(j, m)
		j = m
	}
}

func (s *Sort) swap(i, j int) {
	s.rows[i], s.rows[j] = s.rows[j], s.rows[i]
	s.seqs[i], s.seqs[j] = s.seqs[j], s.seqs[i]
}

// Close closes the source if loading has not already.
func (s *Sort) Close() error {
	if s.err == nil {
		s.err = io.EOF
	}
	s.rows = nil
	return s.src.close()
}
