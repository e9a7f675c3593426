package shard

import (
	"encoding/hex"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// Truth values. MySQL has no boolean type: TRUE is 1, a comparison yields 1
// or 0, and any number is a condition (WHERE active). SQLite agrees.
// PostgreSQL separates boolean from integer, and vitessdo's DDL stores
// MySQL's BOOL as smallint, so on PostgreSQL the renderer converts at the
// seams: a boolean expression used as a value becomes CAST(… AS integer),
// and a value used as a condition becomes (v <> 0). cond and value are the
// two entry points; expr renders a node in its own natural form.

// isBoolExpr reports whether e yields a truth value in its natural form.
func isBoolExpr(e sqlparser.Expr) bool {
	switch e := e.(type) {
	case *sqlparser.AndExpr, *sqlparser.OrExpr, *sqlparser.NotExpr, *sqlparser.ComparisonExpr,
		*sqlparser.RangeCond, *sqlparser.IsExpr, *sqlparser.ExistsExpr:
		return true
	case *sqlparser.UnaryExpr:
		return e.Operator == sqlparser.BangStr
	case *sqlparser.ParenExpr:
		return isBoolExpr(e.Expr)
	}
	return false
}

// cond renders e where a truth value is wanted.
func (r *renderer) cond(e sqlparser.Expr) {
	switch n := e.(type) {
	case sqlparser.BoolVal:
		r.boolVal(bool(n), true)
		return
	case *sqlparser.ParenExpr:
		r.write("(")
		r.cond(n.Expr)
		r.write(")")
		return
	case *sqlparser.NullVal:
		r.write("NULL")
		return
	}
	if r.d == PostgreSQL && !isBoolExpr(e) {
		r.write("(")
		r.operand(e)
		r.write(" <> 0)")
		return
	}
	r.node(e)
}

// value renders e where a value is wanted.
func (r *renderer) value(e sqlparser.Expr) {
	switch n := e.(type) {
	case sqlparser.BoolVal:
		r.boolVal(bool(n), false)
		return
	case *sqlparser.ParenExpr:
		if !(r.d == PostgreSQL && isBoolExpr(n)) {
			r.write("(")
			r.value(n.Expr)
			r.write(")")
			return
		}
	}
	if r.d == PostgreSQL && isBoolExpr(e) {
		r.write("CAST(")
		r.cond(e)
		r.write(" AS integer)")
		return
	}
	r.node(e)
}

func (r *renderer) boolVal(b, cond bool) {
	switch {
	case cond && r.d == PostgreSQL && b:
		r.write("TRUE")
	case cond && r.d == PostgreSQL:
		r.write("FALSE")
	case b:
		r.write("1")
	default:
		r.write("0")
	}
}

// atomic reports whether e renders as a primary expression that needs no
// parentheses as an operand.
func atomic(e sqlparser.Expr) bool {
	switch e := e.(type) {
	case *sqlparser.ColName, *sqlparser.NullVal, sqlparser.BoolVal,
		*sqlparser.FuncExpr, *sqlparser.GroupConcatExpr, *sqlparser.ParenExpr,
		*sqlparser.Subquery, sqlparser.ValTuple, sqlparser.ListArg, *sqlparser.CaseExpr,
		*sqlparser.ConvertExpr, *sqlparser.ConvertUsingExpr, *sqlparser.SubstrExpr,
		*sqlparser.ValuesFuncExpr, *sqlparser.Default:
		return true
	case *sqlparser.SQLVal:
		return e.Type != sqlparser.IntVal && e.Type != sqlparser.FloatVal || !strings.HasPrefix(string(e.Val), "-")
	}
	return false
}

// operand renders e as an operand of an operator, in parentheses unless it
// is atomic. The AST fixes the structure; MySQL, SQLite and PostgreSQL
// disagree on operator precedence (bit operators above all), so the
// renderer never relies on it.
func (r *renderer) operand(e sqlparser.Expr) {
	if atomic(e) || r.d == PostgreSQL && isBoolExpr(e) {
		r.value(e)
		return
	}
	r.write("(")
	r.value(e)
	r.write(")")
}

// cmpOperand renders an operand of a comparison: arithmetic binds tighter
// than comparison in every dialect, so only truth-valued operands need
// parentheses.
func (r *renderer) cmpOperand(e sqlparser.Expr) {
	switch e.(type) {
	case *sqlparser.BinaryExpr, *sqlparser.UnaryExpr, *sqlparser.CollateExpr:
		if !isBoolExpr(e) {
			r.value(e)
			return
		}
	}
	r.operand(e)
}

// condOperand renders an operand of AND (and, with not set, of NOT):
// AND and OR are associative and AND binds tighter than OR everywhere, so
// only an OR under AND, or any AND/OR under NOT, needs parentheses.
func (r *renderer) condOperand(e sqlparser.Expr, not bool) {
	switch e.(type) {
	case *sqlparser.OrExpr:
		r.write("(")
		r.cond(e)
		r.write(")")
	case *sqlparser.AndExpr:
		if not {
			r.write("(")
			r.cond(e)
			r.write(")")
			return
		}
		r.cond(e)
	default:
		r.cond(e)
	}
}

// expr renders an expression node in its natural form.
func (r *renderer) expr(e sqlparser.Expr) {
	switch n := e.(type) {
	case *sqlparser.AndExpr:
		r.condOperand(n.Left, false)
		r.write(" AND ")
		r.condOperand(n.Right, false)
	case *sqlparser.OrExpr:
		r.cond(n.Left)
		r.write(" OR ")
		r.cond(n.Right)
	case *sqlparser.NotExpr:
		r.write("NOT ")
		r.condOperand(n.Expr, true)
	case *sqlparser.ParenExpr:
		r.write("(")
		r.node(n.Expr)
		r.write(")")
	case *sqlparser.ComparisonExpr:
		r.comparison(n)
	case *sqlparser.RangeCond:
		r.cmpOperand(n.Left)
		if n.Operator == sqlparser.NotBetweenStr {
			r.write(" NOT BETWEEN ")
		} else {
			r.write(" BETWEEN ")
		}
		r.cmpOperand(n.From)
		r.write(" AND ")
		r.cmpOperand(n.To)
	case *sqlparser.IsExpr:
		r.is(n)
	case *sqlparser.ExistsExpr:
		r.write("EXISTS ")
		r.node(n.Subquery)
	case *sqlparser.SQLVal:
		r.sqlVal(n)
	case *sqlparser.NullVal:
		r.write("NULL")
	case sqlparser.BoolVal:
		r.boolVal(bool(n), false)
	case *sqlparser.ColName:
		r.colName(n)
	case sqlparser.ValTuple:
		r.write("(")
		for i, v := range n {
			if i > 0 {
				r.write(", ")
			}
			r.value(v)
		}
		r.write(")")
	case *sqlparser.Subquery:
		top, scope, in, onDup := r.top, r.scope, r.inClause, r.onDup
		r.top, r.scope, r.inClause, r.onDup = false, nil, clauseOther, ""
		r.write("(")
		r.node(n.Select)
		r.write(")")
		r.top, r.scope, r.inClause, r.onDup = top, scope, in, onDup
	case sqlparser.ListArg:
		r.write("(")
		r.placeholder(string(n), true)
		r.write(")")
	case *sqlparser.BinaryExpr:
		r.binary(n)
	case *sqlparser.UnaryExpr:
		r.unary(n)
	case *sqlparser.IntervalExpr:
		r.unsupported("INTERVAL expressions")
	case *sqlparser.CollateExpr:
		r.collate(n)
	case *sqlparser.FuncExpr:
		r.function(n)
	case *sqlparser.GroupConcatExpr:
		r.groupConcat(n)
	case *sqlparser.CaseExpr:
		r.caseExpr(n)
	case *sqlparser.ValuesFuncExpr:
		if r.onDup == "" || n.Name == nil {
			r.unsupported("VALUES() outside ON DUPLICATE KEY UPDATE")
			return
		}
		r.write("excluded.")
		r.ident(n.Name.Name.String())
	case *sqlparser.ConvertExpr:
		r.convert(n)
	case *sqlparser.ConvertUsingExpr:
		// Every backend stores UTF-8 text: a character-set conversion is
		// the identity.
		r.value(n.Expr)
	case *sqlparser.SubstrExpr:
		if n.Name == nil {
			r.fail(errorf("SUBSTRING without an argument"))
			return
		}
		r.substr(n.Name, n.From, n.To)
	case *sqlparser.MatchExpr:
		r.unsupported("MATCH … AGAINST")
	case *sqlparser.Default:
		if r.d == SQLite || n.ColName != "" {
			r.unsupported("DEFAULT as a value")
			return
		}
		r.write("DEFAULT")
	default:
		r.fail(errorf("unexpected expression %T", e))
	}
}

func (r *renderer) comparison(c *sqlparser.ComparisonExpr) {
	switch c.Operator {
	case sqlparser.EqualStr, sqlparser.LessThanStr, sqlparser.GreaterThanStr,
		sqlparser.LessEqualStr, sqlparser.GreaterEqualStr:
		r.cmpOperand(c.Left)
		r.write(" " + c.Operator + " ")
		r.cmpOperand(c.Right)
	case sqlparser.NotEqualStr:
		r.cmpOperand(c.Left)
		r.write(" <> ")
		r.cmpOperand(c.Right)
	case sqlparser.NullSafeEqualStr:
		r.cmpOperand(c.Left)
		if r.d == SQLite {
			r.write(" IS ")
		} else {
			r.write(" IS NOT DISTINCT FROM ")
		}
		r.cmpOperand(c.Right)
	case sqlparser.InStr, sqlparser.NotInStr:
		r.cmpOperand(c.Left)
		r.write(" " + strings.ToUpper(c.Operator) + " ")
		switch c.Right.(type) {
		case sqlparser.ValTuple, *sqlparser.Subquery, sqlparser.ListArg:
			r.node(c.Right)
		default:
			r.fail(errorf("IN needs a list"))
		}
	case sqlparser.LikeStr, sqlparser.NotLikeStr:
		// LIKE is case-insensitive for ASCII on SQLite, as with MySQL's
		// default collations; PostgreSQL's ILIKE over COLLATE "C" text folds
		// the same ASCII letters. MySQL's default escape is the backslash,
		// PostgreSQL's too; SQLite has none unless told.
		r.cmpOperand(c.Left)
		not := ""
		if c.Operator == sqlparser.NotLikeStr {
			not = "NOT "
		}
		if r.d == PostgreSQL {
			r.write(" " + not + "ILIKE ")
		} else {
			r.write(" " + not + "LIKE ")
		}
		r.cmpOperand(c.Right)
		r.write(" ESCAPE ")
		if c.Escape != nil {
			r.cmpOperand(c.Escape)
		} else {
			r.write(`'\'`)
		}
	case sqlparser.RegexpStr, sqlparser.NotRegexpStr:
		if r.d == SQLite {
			r.unsupported("REGEXP")
			return
		}
		r.cmpOperand(c.Left)
		if c.Operator == sqlparser.RegexpStr {
			r.write(" ~* ")
		} else {
			r.write(" !~* ")
		}
		r.cmpOperand(c.Right)
	default:
		r.unsupported("operator " + c.Operator)
	}
}

// jsonExtract renders doc->path and doc->>path (MySQL JSON paths such as
// '$.a[0]'). SQLite has both operators with MySQL's meaning; PostgreSQL's
// jsonpath reads the same paths.
func (r *renderer) jsonExtract(doc, path sqlparser.Expr, unquote bool) {
	if r.d == SQLite {
		r.write("(")
		r.operand(doc)
		if unquote {
			r.write(" ->> ")
		} else {
			r.write(" -> ")
		}
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

func (r *renderer) is(n *sqlparser.IsExpr) {
	switch n.Operator {
	case sqlparser.IsNullStr, sqlparser.IsNotNullStr:
		if v, ok := n.Expr.(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg && r.d == PostgreSQL {
			// PostgreSQL cannot type a bare placeholder here.
			r.write("CAST(")
			r.textValue(v)
			r.write(" AS text)")
			break
		}
		r.cmpOperand(n.Expr)
	case sqlparser.IsTrueStr, sqlparser.IsNotTrueStr, sqlparser.IsFalseStr, sqlparser.IsNotFalseStr:
		if r.d == PostgreSQL && !isBoolExpr(n.Expr) {
			r.cond(n.Expr) // already parenthesized: (x <> 0)
		} else if r.d == PostgreSQL {
			r.write("(")
			r.cond(n.Expr)
			r.write(")")
		} else {
			r.operand(n.Expr)
		}
	default:
		r.unsupported(n.Operator)
		return
	}
	r.write(" " + strings.ToUpper(n.Operator))
}

// sqlVal renders a literal. A string literal is MySQL's (the parser has
// undone its backslash escapes) written in standard SQL. Hexadecimal and
// bit literals are MySQL binary strings and become blobs/bytea.
func (r *renderer) sqlVal(v *sqlparser.SQLVal) {
	switch v.Type {
	case sqlparser.StrVal:
		if r.err == nil {
			if err := writeString(r.buf.Buffer, v.Val); err != nil {
				r.fail(err)
			}
		}
	case sqlparser.IntVal, sqlparser.FloatVal:
		if !isNumber(v.Val) {
			r.fail(errorf("malformed number %q", v.Val))
			return
		}
		r.write(string(v.Val))
	case sqlparser.HexNum, sqlparser.HexVal:
		digits := string(v.Val)
		if v.Type == sqlparser.HexNum {
			digits = strings.TrimPrefix(strings.TrimPrefix(digits, "0x"), "0X")
		}
		if len(digits)%2 == 1 {
			digits = "0" + digits
		}
		b, err := hex.DecodeString(digits)
		if err != nil {
			r.fail(errorf("malformed hexadecimal literal %q", v.Val))
			return
		}
		r.blob(b)
	case sqlparser.BitVal:
		b, ok := bitsToBytes(string(v.Val))
		if !ok {
			r.fail(errorf("malformed bit literal %q", v.Val))
			return
		}
		r.blob(b)
	case sqlparser.ValArg:
		r.placeholder(string(v.Val), false)
	default:
		r.fail(errorf("unexpected literal type %d", v.Type))
	}
}

func (r *renderer) blob(b []byte) {
	if r.err == nil {
		r.d.writeBytes(r.buf.Buffer, b)
	}
}

func isNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E':
		case (c == '-' || c == '+') && (i == 0 || b[i-1] == 'e' || b[i-1] == 'E'):
		default:
			return false
		}
	}
	return true
}

func bitsToBytes(bits string) ([]byte, bool) {
	for len(bits)%8 != 0 {
		bits = "0" + bits
	}
	out := make([]byte, len(bits)/8)
	for i := 0; i < len(bits); i++ {
		switch bits[i] {
		case '1':
			out[i/8] |= 1 << (7 - uint(i%8))
		case '0':
		default:
			return nil, false
		}
	}
	return out, true
}

// colName renders [table.]column. In ORDER BY, GROUP BY and HAVING of the
// outermost SELECT a bare name may be an output alias, which MySQL
// resolves ignoring case: it takes the alias's spelling, and in HAVING on
// PostgreSQL (which cannot see output aliases there) the aliased
// expression itself.
func (r *renderer) colName(c *sqlparser.ColName) {
	name := c.Name.String()
	if strings.HasPrefix(name, "@") {
		r.unsupported("variable " + name)
		return
	}
	if c.Qualifier.IsEmpty() && r.scope != nil && r.inClause != clauseOther {
		if out, ok := r.scope.names[strings.ToLower(name)]; ok {
			if r.inClause == clauseHaving && r.d == PostgreSQL && out.expr != nil {
				in := r.inClause
				r.inClause = clauseOther
				r.write("(")
				r.value(out.expr)
				r.write(")")
				r.inClause = in
				return
			}
			r.exactIdent(out.spelling)
			return
		}
	}
	switch {
	case !c.Qualifier.IsEmpty():
		r.tableName(c.Qualifier)
		r.write(".")
	case r.onDup != "":
		// In ON CONFLICT … DO UPDATE, PostgreSQL finds a bare column
		// ambiguous between the table and excluded: MySQL means the table.
		r.ident(r.onDup)
		r.write(".")
	}
	r.ident(name)
}

func (r *renderer) binary(b *sqlparser.BinaryExpr) {
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

func (r *renderer) caseExpr(c *sqlparser.CaseExpr) {
	r.write("CASE")
	if c.Expr != nil {
		r.write(" ")
		r.value(c.Expr)
	}
	for _, w := range c.Whens {
		if w == nil {
			r.fail(errorf("missing WHEN"))
			return
		}
		r.write(" WHEN ")
		if c.Expr != nil {
			r.value(w.Cond)
		} else {
			r.cond(w.Cond)
		}
		r.write(" THEN ")
		r.value(w.Val)
	}
	if c.Else != nil {
		r.write(" ELSE ")
		r.value(c.Else)
	}
	r.write(" END")
}
