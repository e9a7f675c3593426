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

// RenderWith renders a SELECT, UPDATE or DELETE with a WITH clause in
// front of it (the parser reads no WITH, so the clause travels beside
// the statement): WITH [RECURSIVE] name (columns) AS (body), … statement.
// The bodies' and the statement's placeholders are recorded in the order
// the text holds them, as Render records one statement's.
func RenderWith(d Dialect, recursive bool, ctes []CTE, stmt sqlparser.Statement, s Schema) (*Template, error) {
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
	switch st := stmt.(type) {
	case *sqlparser.ParenSelect:
		r.top = true
		r.node(st.Select)
	case *sqlparser.Select, *sqlparser.Union:
		r.top = true
		r.node(st)
	case *sqlparser.Update, *sqlparser.Delete:
		r.node(st)
	default:
		return nil, unsupported(d, fmt.Sprintf("statement %T after WITH", stmt))
	}
	if r.err != nil {
		return nil, r.err
	}
	return newTemplate(d, r.buf.String(), r.marks), nil
}
