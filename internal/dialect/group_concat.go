package dialect

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// groupConcat renders GROUP_CONCAT: SQLite's group_concat, PostgreSQL's
// string_agg over text. Several expressions are concatenated first, as in
// MySQL (and, as there, a row with a NULL among them is skipped).
func (r *renderer) groupConcat(g *sqlparser.GroupConcatExpr) {
	sep := ","
	if g.Separator != "" {
		const pre = " separator '"
		if !strings.HasPrefix(g.Separator, pre) || !strings.HasSuffix(g.Separator, "'") {
			r.fail(errorf("malformed GROUP_CONCAT separator %q", g.Separator))
			return
		}
		sep = g.Separator[len(pre) : len(g.Separator)-1]
	}
	var args []sqlparser.Expr
	for _, se := range g.Exprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			r.fail(errorf("unexpected GROUP_CONCAT argument %T", se))
			return
		}
		args = append(args, ae.Expr)
	}
	if len(args) == 0 {
		r.fail(errorf("GROUP_CONCAT without an argument"))
		return
	}
	distinct := g.Distinct != ""
	if r.d == SQLite && distinct && sep != "," {
		r.unsupported("GROUP_CONCAT(DISTINCT … SEPARATOR)")
		return
	}
	r.write(r.pick("group_concat(", "string_agg("))
	if distinct {
		r.write("DISTINCT ")
	}
	if len(args) == 1 {
		r.textArg(args[0])
	} else {
		r.concat(args)
	}
	if !(r.d == SQLite && distinct) {
		r.write(", ")
		if r.err == nil {
			if err := writeString(r.buf.Buffer, []byte(sep)); err != nil {
				r.fail(err)
			}
		}
	}
	if len(g.OrderBy) > 0 {
		in := r.inClause
		r.inClause = clauseOther
		if r.d == PostgreSQL && distinct {
			// PostgreSQL orders a DISTINCT aggregate only by its
			// arguments, which are cast to text.
			r.write(" ORDER BY ")
			for i, o := range g.OrderBy {
				if i > 0 {
					r.write(", ")
				}
				r.textArg(o.Expr)
				if o.Direction == sqlparser.DescScr {
					r.write(" DESC NULLS LAST")
				} else {
					r.write(" ASC NULLS FIRST")
				}
			}
		} else {
			r.orderBy(g.OrderBy)
		}
		r.inClause = in
	}
	r.write(")")
}
