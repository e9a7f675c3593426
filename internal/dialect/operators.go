package dialect

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// jsonExtract renders doc->path and doc->>path (MySQL JSON paths such as
// '$.a[0]'). SQLite has both operators; its JSON text is put in MySQL's
// form (mysql_json), and ->> made text. PostgreSQL's jsonpath reads the
// same paths, and jsonb prints as MySQL does.
func (r *renderer) jsonExtract(doc, path sqlparser.Expr, unquote bool) {
	if r.d == SQLite {
		if unquote {
			// ->> yields SQL values; MySQL's yields text, true and false
			// spelt so.
			r.write("CASE json_type(")
			r.value(doc)
			r.write(", ")
			r.value(path)
			r.write(") WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(")
			r.operand(doc)
			r.write(" ->> ")
			r.operand(path)
			r.write(" AS TEXT) END")
			return
		}
		r.write("mysql_json(")
		r.operand(doc)
		r.write(" -> ")
		r.operand(path)
		r.write(")")
		return
	}
	if unquote {
		r.write("(")
	}
	r.write("jsonb_path_query_first(CAST(")
	r.value(doc)
	r.write(" AS jsonb), CAST(")
	r.value(path)
	r.write(" AS jsonpath))")
	if unquote {
		r.write(" #>> '{}')")
	}
}

func (r *renderer) binary(b *sqlparser.BinaryExpr) {
	if r.intervalArith(b) {
		return
	}
	switch b.Operator {
	case sqlparser.PlusStr, sqlparser.MinusStr, sqlparser.MultStr,
		sqlparser.BitAndStr, sqlparser.BitOrStr, sqlparser.ShiftLeftStr, sqlparser.ShiftRightStr:
		r.binaryOperand(b.Left, b.Operator, true)
		r.write(" " + b.Operator + " ")
		r.binaryOperand(b.Right, b.Operator, false)
	case sqlparser.JSONExtractOp, sqlparser.JSONUnquoteExtractOp:
		r.jsonExtract(b.Left, b.Right, b.Operator == sqlparser.JSONUnquoteExtractOp)
	case sqlparser.DivStr:
		r.divide(b.Left, b.Right)
	case sqlparser.IntDivStr:
		r.intDivide(b.Left, b.Right)
	case sqlparser.ModStr:
		r.modulo(b.Left, b.Right)
	case sqlparser.BitXorStr:
		if r.d == PostgreSQL {
			r.write("(")
			r.operand(b.Left)
			r.write(" # ")
			r.operand(b.Right)
			r.write(")")
			return
		}
		// SQLite has no XOR: a ^ b = (a | b) - (a & b).
		r.write("((")
		r.operand(b.Left)
		r.write(" | ")
		r.operand(b.Right)
		r.write(") - (")
		r.operand(b.Left)
		r.write(" & ")
		r.operand(b.Right)
		r.write("))")
	default:
		r.unsupported("operator " + b.Operator)
	}
}

// binaryOperand keeps a + b + c and a * b * c flat; anything else that is
// not atomic goes in parentheses.
func (r *renderer) binaryOperand(e sqlparser.Expr, op string, left bool) {
	if child, ok := e.(*sqlparser.BinaryExpr); ok && left && child.Operator == op &&
		(op == sqlparser.PlusStr || op == sqlparser.MultStr || op == sqlparser.BitAndStr || op == sqlparser.BitOrStr) {
		r.value(e)
		return
	}
	r.operand(e)
}

// divide renders MySQL's '/', which divides exactly (7 / 2 = 3.5) and
// yields NULL for a zero divisor. SQLite and PostgreSQL divide integers
// as integers, and PostgreSQL raises an error on zero.
func (r *renderer) divide(left, right sqlparser.Expr) {
	if r.d == SQLite {
		r.write("(CAST(")
		r.value(left)
		r.write(" AS REAL) / ")
		r.operand(right)
		r.write(")")
		return
	}
	r.write("(CAST(")
	r.value(left)
	r.write(" AS numeric) / ")
	r.nonZero(right)
	r.write(")")
}

// nonZero renders a PostgreSQL divisor so that zero yields NULL, as in
// MySQL, instead of an error; a non-zero literal stays as it is.
func (r *renderer) nonZero(e sqlparser.Expr) {
	if v, ok := e.(*sqlparser.SQLVal); ok && (v.Type == sqlparser.IntVal || v.Type == sqlparser.FloatVal) && strings.Trim(string(v.Val), "0.") != "" && !strings.ContainsAny(string(v.Val), "eE") {
		r.value(e)
		return
	}
	r.write("NULLIF(")
	r.value(e)
	r.write(", 0)")
}

// intDivide renders MySQL's DIV: integer division truncating toward zero,
// NULL for a zero divisor.
func (r *renderer) intDivide(left, right sqlparser.Expr) {
	if r.d == SQLite {
		r.write("CAST(")
		r.operand(left)
		r.write(" / ")
		r.operand(right)
		r.write(" AS INTEGER)")
		return
	}
	r.write("CAST(div(CAST(")
	r.value(left)
	r.write(" AS numeric), ")
	r.nonZero(right)
	r.write(") AS bigint)")
}

// modulo renders '%' and MOD(): NULL for a zero divisor, as in MySQL.
func (r *renderer) modulo(left, right sqlparser.Expr) {
	r.write("(")
	r.operand(left)
	r.write(" % ")
	if r.d == PostgreSQL {
		r.nonZero(right)
	} else {
		r.operand(right)
	}
	r.write(")")
}

func (r *renderer) unary(u *sqlparser.UnaryExpr) {
	switch u.Operator {
	case sqlparser.UPlusStr:
		r.operand(u.Expr)
	case sqlparser.UMinusStr:
		r.write("-")
		if v, ok := u.Expr.(*sqlparser.SQLVal); ok && (v.Type == sqlparser.IntVal || v.Type == sqlparser.FloatVal) && !strings.HasPrefix(string(v.Val), "-") {
			r.value(v)
			return
		}
		r.write("(")
		r.value(u.Expr)
		r.write(")")
	case sqlparser.TildaStr:
		r.write("~")
		r.operand(u.Expr)
	case sqlparser.BangStr:
		r.write("NOT ")
		r.condOperand(u.Expr, true)
	case sqlparser.BinaryStr:
		// BINARY x makes MySQL compare bytewise; SQLite and PostgreSQL
		// columns already do (see COLLATE "C" in the DDL).
		r.value(u.Expr)
	case sqlparser.UBinaryStr:
		if v, ok := u.Expr.(*sqlparser.SQLVal); ok && v.Type == sqlparser.StrVal {
			r.blob(v.Val)
			return
		}
		r.value(u.Expr)
	default:
		r.unsupported("operator " + u.Operator)
	}
}

// collate maps MySQL collations: the binary ones to the dialect's bytewise
// collation, the case-insensitive ones to SQLite's NOCASE (ASCII only);
// PostgreSQL has no built-in case-insensitive collation.
func (r *renderer) collate(c *sqlparser.CollateExpr) {
	name := strings.ToLower(c.Charset)
	var to string
	switch {
	case name == "binary" || strings.HasSuffix(name, "_bin"):
		to = "BINARY"
		if r.d == PostgreSQL {
			to = `"C"`
		}
	case strings.HasSuffix(name, "_ci") && r.d == SQLite:
		to = "NOCASE"
	default:
		r.unsupported("COLLATE " + c.Charset)
		return
	}
	r.operand(c.Expr)
	r.write(" COLLATE " + to)
}
