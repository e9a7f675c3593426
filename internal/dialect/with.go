package dialect

import (
	"errors"
	"fmt"

	"github.com/xwb1989/sqlparser"
)

// CTE is one common table expression of a statement rendered with its
// WITH clause: name [(columns)] AS (body).
type CTE struct {
	Name    string
	Columns []string
	Body    sqlparser.SelectStatement
}

// RenderWith renders a SELECT with a WITH clause in front of it (the
// parser reads no WITH, so the clause travels beside the statement):
// WITH [RECURSIVE] name (columns) AS (body), … SELECT …. The bodies'
// and the SELECT's placeholders are recorded in the order the text
// holds them, as Render records one statement's.
func RenderWith(d Dialect, recursive bool, ctes []CTE, stmt sqlparser.SelectStatement, s Schema) (*Template, error) {
	if !d.valid() {
		return nil, fmt.Errorf("vitessdo: render: unknown dialect %v", d)
	}
	if len(ctes) == 0 || stmt == nil {
		return nil, errors.New("vitessdo: render: WITH without common table expressions or statement")
	}
	r := &renderer{d: d, schema: s}
	r.buf = sqlparser.NewTrackedBuffer(r.format)
	r.write("WITH ")
	if recursive {
		r.write("RECURSIVE ")
	}
	for i, c := range ctes {
		if i > 0 {
			r.write(", ")
		}
		r.ident(c.Name)
		if len(c.Columns) > 0 {
			r.write(" (")
			for j, col := range c.Columns {
				if j > 0 {
					r.write(", ")
				}
				r.ident(col)
			}
			r.write(")")
		}
		r.write(" AS (")
		r.top = false
		body := c.Body
		if ps, ok := body.(*sqlparser.ParenSelect); ok {
			body = ps.Select
		}
		r.node(body)
		r.write(")")
	}
	r.write(" ")
	r.top = true
	if ps, ok := stmt.(*sqlparser.ParenSelect); ok {
		stmt = ps.Select
	}
	r.node(stmt)
	if r.err != nil {
		return nil, r.err
	}
	return newTemplate(d, r.buf.String(), r.marks), nil
}
