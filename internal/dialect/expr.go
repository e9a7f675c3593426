package dialect

import (
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

// colName renders [table.]column. In ORDER BY, GROUP BY and HAVING of
// the outermost SELECT a bare name may be an output alias, which MySQL
// finds ignoring case: ORDER BY prefers the alias, GROUP BY and HAVING a
// column of the FROM tables (as SQLite and PostgreSQL do when the name is
// written as they store it). So:
//
//   - ORDER BY takes the alias's spelling;
//   - GROUP BY and HAVING keep the folded name, which the backend resolves
//     as MySQL does, unless the alias is spelt with capitals (it would not
//     be found): then the spelling, or a FROM column with that name is
//     shadowed by the alias;
//   - HAVING on PostgreSQL, which cannot see output aliases there, writes
//     the aliased expression instead when it is an aggregate or a
//     capitalized alias.
func (r *renderer) colName(c *sqlparser.ColName) {
	name := c.Name.String()
	if strings.HasPrefix(name, "@") {
		r.unsupported("variable " + name)
		return
	}
	if c.Qualifier.IsEmpty() && r.scope != nil && r.inClause != clauseOther {
		if out, ok := r.scope.names[strings.ToLower(name)]; ok {
			capitalized := foldIdent(out.spelling) != out.spelling
			switch {
			case r.inClause == clauseHaving && r.d == PostgreSQL && (capitalized || hasAggregate(out.expr)):
				in := r.inClause
				r.inClause = clauseOther
				r.write("(")
				r.value(out.expr)
				r.write(")")
				r.inClause = in
				return
			case r.inClause == clauseOrderBy || capitalized:
				r.exactIdent(out.spelling)
				return
			}
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

// hasAggregate reports whether e calls an aggregate function outside a
// subquery.
func hasAggregate(e sqlparser.Expr) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.FuncExpr:
			found = found || IsAggregate(n)
		case *sqlparser.GroupConcatExpr:
			found = true
		case *sqlparser.Subquery:
			return false, nil
		}
		return !found, nil
	}, e)
	return found
}
