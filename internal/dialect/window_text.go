package dialect

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// WindowString returns the text of node, as sqlparser.String writes it,
// with each window function's call written as the window function it
// stands for, name(args) OVER (PARTITION BY … ORDER BY … frame): the
// text people read (error messages, VEXPLAIN rows, column names).
func WindowString(node sqlparser.SQLNode) string {
	buf := sqlparser.NewTrackedBuffer(formatWindow)
	buf.Myprintf("%v", node)
	return buf.String()
}

// formatWindow writes a window function's call as its OVER form and any
// other node as sqlparser does.
func formatWindow(buf *sqlparser.TrackedBuffer, node sqlparser.SQLNode) {
	e, ok := node.(sqlparser.Expr)
	if !ok {
		node.Format(buf)
		return
	}
	w, ok := WindowOf(e)
	if !ok {
		node.Format(buf)
		return
	}
	buf.WriteString(w.Name + "(")
	if w.Name == "count" && len(w.Args) == 0 {
		buf.WriteString("*")
	}
	for i, a := range w.Args {
		if i > 0 {
			buf.WriteString(", ")
		}
		buf.Myprintf("%v", a)
	}
	buf.WriteString(") OVER (")
	sep := ""
	if len(w.Partition) > 0 {
		buf.WriteString("PARTITION BY ")
		for i, p := range w.Partition {
			if i > 0 {
				buf.WriteString(", ")
			}
			buf.Myprintf("%v", p)
		}
		sep = " "
	}
	if len(w.Order) > 0 {
		buf.WriteString(sep + "ORDER BY ")
		for i, o := range w.Order {
			if i > 0 {
				buf.WriteString(", ")
			}
			buf.Myprintf("%v", o.Expr)
			desc := o.Direction == sqlparser.DescScr
			if desc {
				buf.WriteString(" DESC")
			}
			if w.NullsFlipped[i] && desc {
				buf.WriteString(" NULLS FIRST")
			} else if w.NullsFlipped[i] {
				buf.WriteString(" NULLS LAST")
			}
		}
		sep = " "
	}
	if f := w.Frame; f != nil {
		buf.WriteString(sep + f.Unit() + " BETWEEN " + f.Start.String() + " AND " + f.End.String())
		if x := f.Exclude.String(); x != "" {
			buf.WriteString(" " + x)
		}
	}
	buf.WriteString(")")
}

// WindowText returns text (a message, an operator's description) with
// each window function's call in it, as sqlparser.String writes one,
// written as WindowString writes it. A call it cannot read stays.
func WindowText(text string) string {
	call := WindowFunc + "("
	if !strings.Contains(text, call) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, call)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := callEnd(text, i+len(call))
		if end < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString(windowCallText(text[i:end]))
		text = text[end:]
	}
}

// callEnd returns the offset just past the parenthesis closing the call
// whose arguments begin at from, reading quoted strings and names as
// sqlparser writes them; -1 when the text ends first.
func callEnd(text string, from int) int {
	depth := 1
	for i := from; i < len(text); i++ {
		switch c := text[i]; c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i + 1
			}
		case '\'', '"', '`':
			for i++; i < len(text) && text[i] != c; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		}
	}
	return -1
}

// windowCallText is one call's text as WindowString writes it, or the
// call as it is when it does not parse as a window function's call.
func windowCallText(call string) string {
	stmt, err := sqlparser.Parse("select " + call)
	if err != nil {
		return call
	}
	sel, ok := stmt.(*sqlparser.Select)
	if !ok || len(sel.SelectExprs) != 1 {
		return call
	}
	ae, ok := sel.SelectExprs[0].(*sqlparser.AliasedExpr)
	if !ok || !IsWindow(ae.Expr) {
		return call
	}
	return WindowString(ae.Expr)
}
