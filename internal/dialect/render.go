package dialect

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/xwb1989/sqlparser"
)

// Render renders a parsed statement, possibly rewritten by the router,
// into a Template for the dialect. It accepts SELECT (and UNION), INSERT,
// REPLACE, UPDATE and DELETE; DDL renders with RenderDDL, and session
// statements (SET, USE, SHOW, transaction control) are the router's.
// s may be nil when the statement needs no catalog knowledge; a statement
// that does (an upsert or UPDATE … LIMIT on PostgreSQL) is then an error.
func Render(d Dialect, stmt sqlparser.Statement, s Schema) (*Template, error) {
	if !d.valid() {
		return nil, fmt.Errorf("vitessdo: render: unknown dialect %v", d)
	}
	r := &renderer{d: d, schema: s}
	r.buf = sqlparser.NewTrackedBuffer(r.format)
	switch stmt := stmt.(type) {
	case *sqlparser.Select, *sqlparser.Union:
		r.top = true
		r.node(stmt)
	case *sqlparser.ParenSelect:
		r.top = true
		r.node(stmt.Select)
	case *sqlparser.Insert, *sqlparser.Update, *sqlparser.Delete:
		r.node(stmt)
	case *sqlparser.DDL:
		return nil, errors.New("vitessdo: render: DDL renders with ParseDDL and RenderDDL")
	case nil:
		return nil, errors.New("vitessdo: render: nil statement")
	default:
		return nil, unsupported(d, fmt.Sprintf("statement %T", stmt))
	}
	if r.err != nil {
		return nil, r.err
	}
	return newTemplate(d, r.buf.String(), r.marks), nil
}

// renderer is the NodeFormatter that writes one statement in one dialect.
// Children are written through the TrackedBuffer (Myprintf "%v") so that
// every node, however deep, passes through format. Errors cannot travel
// through the formatter's signature: the first one is kept in err and
// rendering stops writing from then on.
type renderer struct {
	d      Dialect
	schema Schema
	buf    *sqlparser.TrackedBuffer
	marks  []mark
	err    error

	// top is true while rendering the outermost SELECT (or the members of
	// the outermost UNION): only its select-list aliases keep their
	// spelling, because they are the column names the application sees.
	top bool
	// scope resolves ORDER BY, GROUP BY and HAVING references to the
	// outermost select list's aliases; nil elsewhere.
	scope *aliasScope
	// inClause is the clause of scope being rendered.
	inClause clause
	// textParam marks the next placeholder as typed text by PostgreSQL.
	textParam bool
	// grouped is true while rendering a SELECT with GROUP BY or
	// aggregates (its select list reads rows only through them).
	grouped bool
	// onDup is the target table inside ON DUPLICATE KEY UPDATE, where
	// VALUES(col) means the row proposed for insertion; "" elsewhere.
	onDup string
}

type clause int

const (
	clauseOther clause = iota
	clauseGroupBy
	clauseHaving
	clauseOrderBy
)

// aliasScope holds the output names of the outermost select list whose
// spelling differs from the folded identifier rule, by lower-cased name.
type aliasScope struct {
	names map[string]outputName
}

type outputName struct {
	spelling string
	expr     sqlparser.Expr // the aliased expression, or the bare column
}

func (r *renderer) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *renderer) unsupported(what string) { r.fail(unsupported(r.d, what)) }

func (r *renderer) write(s string) {
	if r.err == nil {
		r.buf.WriteString(s)
	}
}

// node renders a child through the formatter.
func (r *renderer) node(n sqlparser.SQLNode) {
	if r.err != nil {
		return
	}
	if n == nil || isNilPointer(n) {
		switch n.(type) {
		case *sqlparser.Where, *sqlparser.Limit:
			return // an absent clause
		}
		r.fail(errors.New("vitessdo: render: missing expression"))
		return
	}
	r.buf.Myprintf("%v", n)
}

// ident writes a table, column, index or alias name under the folding rule.
func (r *renderer) ident(name string) {
	if r.err == nil {
		if err := r.d.writeIdent(r.buf.Buffer, foldIdent(name)); err != nil {
			r.fail(err)
		}
	}
}

// exactIdent writes a name with its spelling kept (an output column name).
func (r *renderer) exactIdent(name string) {
	if r.err == nil {
		if err := r.d.writeIdent(r.buf.Buffer, name); err != nil {
			r.fail(err)
		}
	}
}

// placeholder records a bind variable at the current position. The
// template writes the dialect's placeholder there.
func (r *renderer) placeholder(arg string, list bool) {
	text := r.textParam
	r.textParam = false
	if r.err != nil {
		return
	}
	name := arg
	for len(name) > 0 && name[0] == ':' {
		name = name[1:]
	}
	if name == "" {
		r.fail(errors.New("vitessdo: render: bind variable without a name"))
		return
	}
	r.marks = append(r.marks, mark{offset: r.buf.Len(), param: param{name: name, list: list, text: text}})
}

// format is the NodeFormatter: every node of the statement passes here.
func (r *renderer) format(_ *sqlparser.TrackedBuffer, node sqlparser.SQLNode) {
	if r.err != nil {
		return
	}
	switch n := node.(type) {
	case *sqlparser.Select:
		r.selectStmt(n)
	case *sqlparser.Union:
		r.union(n)
	case *sqlparser.ParenSelect:
		r.write("(")
		r.node(n.Select)
		r.write(")")
	case *sqlparser.Insert:
		r.insert(n)
	case *sqlparser.Update:
		r.update(n)
	case *sqlparser.Delete:
		r.delete(n)
	case sqlparser.TableExprs:
		r.tableExprs(n)
	case *sqlparser.AliasedTableExpr:
		r.aliasedTable(n)
	case *sqlparser.JoinTableExpr:
		r.join(n)
	case *sqlparser.ParenTableExpr:
		r.write("(")
		r.tableExprs(n.Exprs)
		r.write(")")
	case sqlparser.TableName:
		r.tableName(n)
	case *sqlparser.Where:
		if n != nil && n.Expr != nil {
			r.cond(n.Expr)
		}
	case *sqlparser.Limit:
		r.limit(n)
	case sqlparser.OrderBy:
		r.orderBy(n)
	case sqlparser.Expr:
		r.expr(n)
	default:
		r.fail(fmt.Errorf("vitessdo: render: unexpected %T", node))
	}
}

// isNilPointer reports a typed nil, which a rewritten AST may hold where
// a clause is absent.
func isNilPointer(n sqlparser.SQLNode) bool {
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
