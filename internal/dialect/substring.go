package dialect

import (
	"strconv"

	"github.com/xwb1989/sqlparser"
)

// substrRule renders SUBSTRING(s, pos[, len]) and its SubstrExpr form.
func substrRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 2, 3) {
		return
	}
	var n sqlparser.Expr
	if len(args) == 3 {
		n = args[2]
	}
	r.substr(args[0], args[1], n)
}

// substr renders MySQL's SUBSTRING: positions count from 1, a negative
// position counts from the end, position 0 or one before the start yields
// ”, a negative length yields ”. SQLite and PostgreSQL differ on all but
// the first, so only a positive literal position (and no or a
// non-negative literal length) renders as plain substr; anything else gets
// a CASE that spells the rule out (its operands may repeat, and so may
// their placeholders).
func (r *renderer) substr(s, pos, n sqlparser.Expr) {
	if positiveInt(pos) && (n == nil || nonNegativeInt(n)) {
		r.write("substr(")
		r.strArg(s)
		r.write(", ")
		r.value(pos)
		if n != nil {
			r.write(", ")
			r.value(n)
		}
		r.write(")")
		return
	}
	empty := func() {
		r.write("substr(")
		r.strArg(s)
		r.write(", 1, 0)")
	}
	length := r.pick("length", "char_length")
	sub := func(from func()) {
		r.write("substr(")
		r.strArg(s)
		r.write(", ")
		from()
		if n != nil {
			r.write(", ")
			r.value(n)
		}
		r.write(")")
	}
	r.write("CASE WHEN ")
	r.cmpOperand(pos)
	r.write(" = 0 OR ")
	r.cmpOperand(pos)
	r.write(" < -" + length + "(")
	r.strArg(s)
	r.write(")")
	if n != nil {
		r.write(" OR ")
		r.cmpOperand(n)
		r.write(" < 0")
	}
	r.write(" THEN ")
	empty()
	if r.d == SQLite {
		r.write(" ELSE ")
		sub(func() { r.value(pos) })
		r.write(" END")
		return
	}
	r.write(" WHEN ")
	r.cmpOperand(pos)
	r.write(" > 0 THEN ")
	sub(func() { r.value(pos) })
	r.write(" ELSE ")
	sub(func() {
		r.write("char_length(")
		r.strArg(s)
		r.write(") + ")
		r.operand(pos)
		r.write(" + 1")
	})
	r.write(" END")
}

func positiveInt(e sqlparser.Expr) bool {
	v, ok := e.(*sqlparser.SQLVal)
	if !ok || v.Type != sqlparser.IntVal {
		return false
	}
	n, err := strconv.ParseInt(string(v.Val), 10, 64)
	return err == nil && n > 0
}

func nonNegativeInt(e sqlparser.Expr) bool {
	v, ok := e.(*sqlparser.SQLVal)
	if !ok || v.Type != sqlparser.IntVal {
		return false
	}
	n, err := strconv.ParseInt(string(v.Val), 10, 64)
	return err == nil && n >= 0
}

// leftRule renders LEFT(s, n); MySQL gives ” for a negative n.
func leftRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 2, 2) {
		return
	}
	if r.d == SQLite {
		r.write("substr(")
		r.strArg(args[0])
		r.write(", 1, ")
		r.value(args[1])
		r.write(")")
		return
	}
	r.write("CASE WHEN ")
	r.cmpOperand(args[1])
	r.write(" < 0 THEN substr(")
	r.strArg(args[0])
	r.write(", 1, 0) ELSE left(")
	r.strArg(args[0])
	r.write(", ")
	r.value(args[1])
	r.write(") END")
}

// rightRule renders RIGHT(s, n); MySQL gives ” for n <= 0.
func rightRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 2, 2) {
		return
	}
	r.write("CASE WHEN ")
	r.cmpOperand(args[1])
	r.write(" <= 0 THEN substr(")
	r.strArg(args[0])
	r.write(", 1, 0) ELSE ")
	if r.d == SQLite {
		r.write("substr(")
		r.strArg(args[0])
		r.write(", -")
		r.operand(args[1])
		r.write(")")
	} else {
		r.write("right(")
		r.strArg(args[0])
		r.write(", ")
		r.value(args[1])
		r.write(")")
	}
	r.write(" END")
}
