package merge

import (
	"io"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*Project)(nil)

// ProjectColumn is one output column: its name as the user sees it and the
// expression computing it from the input row.
type ProjectColumn struct {
	Name string
	Expr eval.Expr
}

// Project turns merged rows into the rows the user selected: it computes
// each output column from the input row and drops everything else (the
// hidden helper columns the shards were sent for ORDER BY, AVG counts,
// HAVING), so Columns shows exactly the user's select list.
//
// A column that is a plain Col keeps the input column's type, renamed;
// a computed one gets the type the engine gives such an expression (see
// Expr). Algorithm: evaluate into a scratch row and copy it over the
// input row, which the caller then owns; rows are not reallocated unless
// the output is wider than the input.
type Project struct {
	src     source
	outs    []ProjectColumn
	eng     eval.Engine
	ev      *eval.Evaluator
	cols    []Column
	scratch Row
	err     error
}

// NewProject returns src's rows projected onto outs under eng's semantics.
// A column reference out of range is reported by the first Next.
func NewProject(src Iterator, outs []ProjectColumn, eng eval.Engine) *Project {
	p := &Project{src: source{it: src}, outs: outs, eng: eng, scratch: make(Row, len(outs))}
	in := src.Columns()
	p.ev = eval.NewEvaluator(eng, in)
	p.cols = make([]Column, len(outs))
	for i := range outs {
		if err := p.ev.Check(&outs[i].Expr); err != nil {
			p.err = err
			// An error of the data (a constant out of range) leaves
			// the column's type known: the operators above are built
			// on it, and the error comes at the first Next.
			if !eval.IsComputed(err) {
				continue
			}
		}
		c := p.ev.ColumnOf(&outs[i].Expr, in)
		c.Name = outs[i].Name
		p.cols[i] = c
	}
	return p
}

// Columns describes the output columns, with the user's names.
func (p *Project) Columns() []Column { return p.cols }

// Next returns the next projected row.
func (p *Project) Next() (Row, error) {
	if p.err != nil {
		return nil, p.err
	}
	row, err := p.src.it.Next()
	if err != nil {
		p.err = err
		return nil, err
	}
	for i := range p.outs {
		v, err := p.ev.Value(&p.outs[i].Expr, row)
		if err != nil {
			p.err = err
			return nil, err
		}
		p.scratch[i] = v
	}
	if len(p.outs) > cap(row) {
		row = make(Row, len(p.outs))
	}
	row = row[:len(p.outs)]
	copy(row, p.scratch)
	clear(p.scratch)
	return row, nil
}

// Close closes the source.
func (p *Project) Close() error {
	if p.err == nil {
		p.err = io.EOF
	}
	return p.src.close()
}
