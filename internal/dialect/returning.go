package dialect

import (
	"bytes"
)

// WithReturning returns the template of an INSERT that also returns the
// values of a column for the rows it inserts (RETURNING, which SQLite and
// PostgreSQL share): how an INSERT into a table with its own
// auto-increment or identity column reports the ids it generated.
func (t *Template) WithReturning(column string) (*Template, error) {
	var b bytes.Buffer
	b.WriteString(" RETURNING ")
	if err := t.dialect.writeIdent(&b, foldIdent(column)); err != nil {
		return nil, err
	}
	r := *t
	r.sql = t.sql + b.String()
	if t.parts != nil {
		r.parts = append([]string(nil), t.parts...)
		r.parts[len(r.parts)-1] += b.String()
	}
	return &r, nil
}
