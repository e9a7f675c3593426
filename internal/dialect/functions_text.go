package dialect

import (
	"github.com/xwb1989/sqlparser"
)

// String functions take any value as a string, as MySQL does
// (SUBSTR(created_at, 1, 7) of a DATETIME is '2024-01'): PostgreSQL's
// take text only, so their string arguments are cast to text there, which
// writes numbers, dates and timestamps as MySQL does.

// textFunc renders name(args…) with the arguments at the positions in
// text taken as strings.
func textFunc(sqlite, pg string, text ...int) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		name := r.pick(sqlite, pg)
		r.write(name + "(")
		for i, a := range args {
			if i > 0 {
				r.write(", ")
			}
			isText := false
			for _, t := range text {
				isText = isText || t == i
			}
			if isText {
				r.strArg(a)
			} else {
				r.value(a)
			}
		}
		r.write(")")
	}
}

// strArg renders a string argument: as it is on SQLite, cast to text on
// PostgreSQL.
func (r *renderer) strArg(a sqlparser.Expr) {
	if r.d == SQLite {
		r.value(a)
		return
	}
	if v, ok := a.(*sqlparser.SQLVal); ok && v.Type == sqlparser.StrVal {
		r.value(a)
		return
	}
	r.textArg(a)
}

// padRule renders LPAD/RPAD(s, n, pad): s cut or padded to n characters;
// NULL for a negative n, or when s needs padding and pad is ”.
func padRule(sqlite, pg string) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if !r.argc(f, args, 3, 3) {
			return
		}
		if r.d == SQLite {
			r.call(sqlite, false, args)
			return
		}
		r.write("CASE WHEN ")
		r.cmpOperand(args[1])
		r.write(" < 0 OR ")
		r.strArg(args[2])
		r.write(" = '' AND ")
		r.cmpOperand(args[1])
		r.write(" > char_length(")
		r.strArg(args[0])
		r.write(") THEN NULL ELSE " + pg + "(")
		r.strArg(args[0])
		r.write(", CAST(")
		r.value(args[1])
		r.write(" AS integer), ")
		r.strArg(args[2])
		r.write(") END")
	}
}

// locateRule renders LOCATE(sub, s[, pos]): the position of sub in s
// from pos on, 0 when absent; positions count characters from 1.
func locateRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 2, 3) {
		return
	}
	find := r.pick("instr", "strpos")
	if len(args) == 2 {
		r.write(find + "(")
		r.strArg(args[1])
		r.write(", ")
		r.strArg(args[0])
		r.write(")")
		return
	}
	// CASE WHEN pos < 1 THEN 0 WHEN find(substr(s, pos), sub) = 0 THEN 0
	// ELSE find(substr(s, pos), sub) + pos - 1 END
	found := func() {
		r.write(find + "(substr(")
		r.strArg(args[1])
		r.write(", ")
		r.value(args[2])
		r.write("), ")
		r.strArg(args[0])
		r.write(")")
	}
	r.write("CASE WHEN ")
	r.cmpOperand(args[2])
	r.write(" < 1 THEN 0 WHEN ")
	found()
	r.write(" = 0 THEN 0 ELSE ")
	found()
	r.write(" + ")
	r.operand(args[2])
	r.write(" - 1 END")
}
