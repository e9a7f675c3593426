package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
)

// mergeValue is an expression over merged columns (HAVING, a select item
// over aggregates, an ORDER BY term computed after grouping), compiled
// when the statement is planned: every name is resolved to a column and
// every conversion of the engine chosen then. An execution only supplies
// the values of the statement's ? placeholders.
type mergeValue struct {
	// fixed is the expression when it holds no placeholder.
	fixed eval.Expr
	// build makes the expression for one execution's arguments; nil when
	// fixed is the expression.
	build exprFn
	// reads are the merged columns the expression reads.
	reads []int
}

// exprFn builds a eval.Expr for one execution's arguments.
type exprFn func(args []any) (eval.Expr, error)

// expr returns the expression for one execution.
func (v *mergeValue) expr(args []any) (eval.Expr, error) {
	if v.build == nil {
		return v.fixed, nil
	}
	return v.build(args)
}

// clause is where an expression over merged columns stands: the names it
// may use differ (a select item sees the FROM columns only, HAVING and
// ORDER BY select aliases too, as the backend resolves them).
type clause int

const (
	clauseSelect clause = iota
	clauseHaving
	clauseOrder
)

// exprCompiler translates an expression over merged columns into a
// eval.Expr for the statement's engine: aggregates and group keys become
// column references; arithmetic, comparisons, AND/OR/NOT, IS [NOT] NULL,
// COALESCE/IFNULL, IF and CASE evaluate at the merge with the engine's
// semantics.
//
// The statement means what MySQL means by it, and the shard renderer
// writes that meaning in each dialect: '/' divides exactly (CAST(a AS
// REAL) / b on SQLite, CAST(a AS numeric) / NULLIF(b, 0) on PostgreSQL),
// '%' by zero is NULL, and on PostgreSQL a truth value used as a value is
// CAST(… AS integer) and a value used as a condition is (v <> 0). The
// translation writes the same conversions, with the same value and
// condition contexts, so that the merge computes what one database would.
type exprCompiler struct {
	b      *mergeBuilder
	clause clause
	// dynamic reports a placeholder somewhere in the expression.
	dynamic bool
	reads   []int
	// textArg is set while compiling a placeholder the shard renderer
	// binds as text (an argument of COALESCE beside a string literal).
	textArg bool
}

// compileValue compiles e where a value is wanted.
func (b *mergeBuilder) compileValue(e sqlparser.Expr, cl clause) (*mergeValue, error) {
	c := &exprCompiler{b: b, clause: cl}
	// A placeholder that is a select item by itself has nothing beside
	// it to type it: PostgreSQL makes it text, the shard renderer binds
	// it as text.
	v, isArg := e.(*sqlparser.SQLVal)
	c.textArg = cl == clauseSelect && b.eng == eval.PostgreSQL && isArg && v.Type == sqlparser.ValArg
	fn, err := c.value(e)
	if err != nil {
		return nil, err
	}
	return c.finish(fn)
}

// compileCond compiles e where a truth value is wanted.
func (b *mergeBuilder) compileCond(e sqlparser.Expr, cl clause) (*mergeValue, error) {
	c := &exprCompiler{b: b, clause: cl}
	fn, err := c.cond(e)
	if err != nil {
		return nil, err
	}
	return c.finish(fn)
}

func (c *exprCompiler) finish(fn exprFn) (*mergeValue, error) {
	v := &mergeValue{reads: c.reads}
	if c.dynamic {
		v.build = fn
		return v, nil
	}
	x, err := fn(nil)
	if err != nil {
		return nil, err
	}
	v.fixed = x
	return v, nil
}

func (c *exprCompiler) eng() eval.Engine { return c.b.eng }

func fixed(x eval.Expr) exprFn {
	return func([]any) (eval.Expr, error) { return x, nil }
}

func (c *exprCompiler) col(i int) exprFn {
	c.reads = append(c.reads, i)
	return fixed(eval.Col(i))
}

// unary and nary apply a constructor to compiled operands.
func unary(a exprFn, f func(eval.Expr) eval.Expr) exprFn {
	return func(args []any) (eval.Expr, error) {
		x, err := a(args)
		if err != nil {
			return x, err
		}
		return f(x), nil
	}
}

func nary(fs []exprFn, f func([]eval.Expr) eval.Expr) exprFn {
	return func(args []any) (eval.Expr, error) {
		xs := make([]eval.Expr, len(fs))
		for i, fn := range fs {
			x, err := fn(args)
			if err != nil {
				return x, err
			}
			xs[i] = x
		}
		return f(xs), nil
	}
}

func binaryFn(l, r exprFn, f func(a, b eval.Expr) eval.Expr) exprFn {
	return nary([]exprFn{l, r}, func(xs []eval.Expr) eval.Expr { return f(xs[0], xs[1]) })
}

// cond compiles e where a truth value is wanted.
func (c *exprCompiler) cond(e sqlparser.Expr) (exprFn, error) {
	switch n := e.(type) {
	case *sqlparser.ParenExpr:
		return c.cond(n.Expr)
	case sqlparser.BoolVal:
		if c.eng() == eval.PostgreSQL {
			return fixed(eval.Lit(bool(n))), nil
		}
		return c.expr(e)
	}
	if c.eng() == eval.PostgreSQL && !isTruthExpr(e) {
		v, err := c.value(e)
		if err != nil {
			return nil, err
		}
		return unary(v, func(x eval.Expr) eval.Expr { return eval.Ne(x, eval.Lit(int64(0))) }), nil
	}
	return c.expr(e)
}

// value compiles e where a value is wanted.
func (c *exprCompiler) value(e sqlparser.Expr) (exprFn, error) {
	if p, ok := e.(*sqlparser.ParenExpr); ok {
		return c.value(p.Expr)
	}
	if x, typ, ok := dialect.NativeCastOf(e); ok && c.eng() == eval.PostgreSQL {
		return c.typedValue(x, typ)
	}
	if c.eng() == eval.PostgreSQL && isTruthExpr(e) {
		v, err := c.cond(e)
		if err != nil {
			return nil, err
		}
		return unary(v, func(x eval.Expr) eval.Expr { return eval.Cast(x, eval.CastInteger) }), nil
	}
	return c.expr(e)
}

// typedValue compiles a bound value cast to a PostgreSQL type (the values
// a subquery run on its own binds, dialect.NativeCast): an argument of
// that type, as the server reads it, or a NULL.
func (c *exprCompiler) typedValue(x sqlparser.Expr, typ string) (exprFn, error) {
	if _, null := x.(*sqlparser.NullVal); null {
		return fixed(eval.Lit(nil)), nil
	}
	v, isArg := x.(*sqlparser.SQLVal)
	if !isArg || v.Type != sqlparser.ValArg {
		return nil, unsupportedf("expression %s at the merge", sqlparser.String(dialect.NativeCast(x, typ)))
	}
	arg, err := c.value(x)
	if err != nil {
		return nil, err
	}
	return func(args []any) (eval.Expr, error) {
		a, err := arg(args)
		if err != nil {
			return a, err
		}
		return eval.TypedParam(a, typ)
	}, nil
}

// isTruthExpr reports whether e yields a truth value in its natural form
// (as the shard renderer decides it).
func isTruthExpr(e sqlparser.Expr) bool {
	switch e := e.(type) {
	case *sqlparser.AndExpr, *sqlparser.OrExpr, *sqlparser.NotExpr, *sqlparser.ComparisonExpr,
		*sqlparser.RangeCond, *sqlparser.IsExpr, *sqlparser.ExistsExpr:
		return true
	case *sqlparser.UnaryExpr:
		return e.Operator == sqlparser.BangStr
	case *sqlparser.ParenExpr:
		return isTruthExpr(e.Expr)
	}
	return false
}

func (c *exprCompiler) values(es ...sqlparser.Expr) ([]exprFn, error) {
	out := make([]exprFn, len(es))
	for i, e := range es {
		v, err := c.value(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (c *exprCompiler) conds(es ...sqlparser.Expr) ([]exprFn, error) {
	out := make([]exprFn, len(es))
	for i, e := range es {
		v, err := c.cond(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// funcArgs returns a function call's arguments as expressions.
func funcArgs(f *sqlparser.FuncExpr) ([]sqlparser.Expr, bool) {
	out := make([]sqlparser.Expr, len(f.Exprs))
	for i, a := range f.Exprs {
		ae, ok := a.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, false
		}
		out[i] = ae.Expr
	}
	return out, true
}

// literal compiles a literal or a ? placeholder.
func (c *exprCompiler) literal(e *sqlparser.SQLVal) (exprFn, error) {
	switch e.Type {
	case sqlparser.FloatVal:
		// PostgreSQL types a literal with a point or an exponent as
		// numeric (2.5e0 is 2.5, exact).
		if c.eng() == eval.PostgreSQL {
			return fixed(eval.NumericLit(string(e.Val))), nil
		}
	case sqlparser.HexNum, sqlparser.HexVal, sqlparser.BitVal:
		// The shard renderer writes a blob (X'41' on SQLite, bytea on
		// PostgreSQL): SQLite's arithmetic reads its bytes as text
		// ('5' is 5, 'A' is 0), PostgreSQL has no arithmetic on bytea and
		// no common type of it with a number, as eval does with the bytes.
		b, err := binaryLiteral(e)
		if err != nil {
			return nil, planErrorf("%v", err)
		}
		return fixed(eval.Lit(b)), nil
	}
	v, ok := newValueExpr(e)
	if !ok {
		return nil, unsupportedf("value %s at the merge", sqlparser.String(e))
	}
	// PostgreSQL types an argument, and a quoted literal, by its context
	// when it parses the statement (a float beside a bigint column drops
	// its fraction, beside a NUMERIC one it is exact): eval.Param takes
	// the type the merged columns give it.
	pg := c.eng() == eval.PostgreSQL
	if v.isLiteral() {
		if _, text := v.lit.(string); text && pg && e.Type == sqlparser.StrVal {
			return fixed(eval.Param(v.lit)), nil
		}
		return fixed(eval.Lit(v.lit)), nil
	}
	c.dynamic = true
	d, text := dialectOf(c.eng()), c.textArg
	return func(args []any) (eval.Expr, error) {
		x, err := v.eval(args)
		if err != nil {
			return eval.Expr{}, err
		}
		// The value the shard would receive: a bool is 1 or 0, a time
		// in UTC, a number bound as text its decimal text.
		x = dialect.BoundArg(d, x, text)
		if pg {
			return eval.Param(x), nil
		}
		if t, ok := x.(bool); ok {
			// The SQLite driver binds a bool as the integer 1 or 0.
			x = map[bool]int64{true: 1, false: 0}[t]
		}
		return eval.Lit(x), nil
	}, nil
}

// substitutes reports a name in e that the PostgreSQL renderer replaces
// by the aliased expression in HAVING (an aggregate or capitalized
// alias): e is then not the group key or aggregate of the same text.
func (c *exprCompiler) substitutes(e sqlparser.Expr) bool {
	if c.clause != clauseHaving || c.eng() != eval.PostgreSQL {
		return false
	}
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if col, ok := n.(*sqlparser.ColName); ok {
			if a := c.b.alias(col); a != nil && (a.aggregate || a.capitalized) && !a.sameColumn() {
				found = true
			}
		}
		return !found, nil
	}, e)
	return found
}

// expr compiles e in its natural form.
func (c *exprCompiler) expr(e sqlparser.Expr) (exprFn, error) {
	if i, ok := c.b.merged(e); ok && !c.substitutes(e) {
		return c.col(i), nil
	}
	eng := c.eng()
	switch e := e.(type) {
	case *sqlparser.Subquery, *sqlparser.ExistsExpr:
		if i, ok := c.b.subqueries[e]; ok {
			return c.col(i), nil
		}
		return nil, unsupportedf("subquery %s in an expression computed over several shards", sqlparser.String(e))
	case *sqlparser.ParenExpr:
		return c.expr(e.Expr)
	case *sqlparser.ColName:
		i, err := c.b.resolveName(e, c.clause)
		if err != nil {
			return nil, err
		}
		return c.col(i), nil
	case *sqlparser.NullVal:
		return fixed(eval.Lit(nil)), nil
	case sqlparser.BoolVal:
		if e {
			return fixed(eval.Lit(int64(1))), nil
		}
		return fixed(eval.Lit(int64(0))), nil
	case *sqlparser.SQLVal:
		return c.literal(e)
	case *sqlparser.UnaryExpr:
		switch e.Operator {
		case sqlparser.UMinusStr:
			v, err := c.value(e.Expr)
			if err != nil {
				return nil, err
			}
			return unary(v, eval.Neg), nil
		case sqlparser.UPlusStr:
			return c.value(e.Expr)
		case sqlparser.BangStr:
			v, err := c.cond(e.Expr)
			if err != nil {
				return nil, err
			}
			return unary(v, eval.Not), nil
		}
	case *sqlparser.BinaryExpr:
		vs, err := c.values(e.Left, e.Right)
		if err != nil {
			return nil, err
		}
		l, r := vs[0], vs[1]
		switch e.Operator {
		case sqlparser.PlusStr:
			return binaryFn(l, r, eval.Add), nil
		case sqlparser.MinusStr:
			return binaryFn(l, r, eval.Sub), nil
		case sqlparser.MultStr:
			return binaryFn(l, r, eval.Mul), nil
		case sqlparser.DivStr:
			if eng == eval.PostgreSQL {
				return binaryFn(l, r, func(a, b eval.Expr) eval.Expr {
					return eval.Div(eval.Cast(a, eval.CastNumeric), eval.NullIf(b, eval.Lit(int64(0))))
				}), nil
			}
			return binaryFn(l, r, func(a, b eval.Expr) eval.Expr { return eval.Div(eval.Cast(a, eval.CastReal), b) }), nil
		case sqlparser.ModStr:
			if eng == eval.PostgreSQL {
				return binaryFn(l, r, func(a, b eval.Expr) eval.Expr { return eval.Mod(a, eval.NullIf(b, eval.Lit(int64(0)))) }), nil
			}
			return binaryFn(l, r, eval.Mod), nil
		}
	case *sqlparser.ComparisonExpr:
		if e.Operator == sqlparser.LikeStr || e.Operator == sqlparser.NotLikeStr {
			return c.like(e)
		}
		if list, ok := e.Right.(sqlparser.ValTuple); ok && (e.Operator == sqlparser.InStr || e.Operator == sqlparser.NotInStr) {
			return c.inList(e, list)
		}
		op, ok := comparisons[e.Operator]
		if !ok {
			break
		}
		l, err := c.value(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := c.value(e.Right)
		if err != nil {
			return nil, err
		}
		return binaryFn(l, r, op), nil
	case *sqlparser.AndExpr:
		cs, err := c.conds(e.Left, e.Right)
		if err != nil {
			return nil, err
		}
		return nary(cs, func(xs []eval.Expr) eval.Expr { return eval.And(xs...) }), nil
	case *sqlparser.OrExpr:
		cs, err := c.conds(e.Left, e.Right)
		if err != nil {
			return nil, err
		}
		return nary(cs, func(xs []eval.Expr) eval.Expr { return eval.Or(xs...) }), nil
	case *sqlparser.NotExpr:
		v, err := c.cond(e.Expr)
		if err != nil {
			return nil, err
		}
		return unary(v, eval.Not), nil
	case *sqlparser.IsExpr:
		var f func(eval.Expr) eval.Expr
		switch e.Operator {
		case sqlparser.IsNullStr:
			f = eval.IsNull
		case sqlparser.IsNotNullStr:
			f = eval.IsNotNull
		default:
			break
		}
		if f != nil {
			v, err := c.value(e.Expr)
			if err != nil {
				return nil, err
			}
			return unary(v, f), nil
		}
	case *sqlparser.FuncExpr:
		return c.function(e)
	case *sqlparser.CaseExpr:
		return c.caseExpr(e)
	case *sqlparser.ConvertExpr:
		if eng == eval.PostgreSQL && boundNumeric(e) {
			return c.castNumeric(e.Expr)
		}
	}
	return nil, routerExprRefusal(e, "")
}

// routerExprRefusal refuses an expression the router would compute over
// rows it merges from several shards (aggregates, joined rows) and does
// not know how to; why, when given, says more.
func routerExprRefusal(e sqlparser.Expr, why string) error {
	msg := "expression " + sqlparser.String(e) + " over the rows of several shards (aggregated or joined at the router), which the router does not compute"
	if why != "" {
		msg += ": " + why
	}
	return unsupportedf("%s", msg)
}

var comparisons = map[string]func(a, b eval.Expr) eval.Expr{
	sqlparser.EqualStr:        eval.Eq,
	sqlparser.NotEqualStr:     eval.Ne,
	sqlparser.LessThanStr:     eval.Lt,
	sqlparser.LessEqualStr:    eval.Le,
	sqlparser.GreaterThanStr:  eval.Gt,
	sqlparser.GreaterEqualStr: eval.Ge,
}

func (c *exprCompiler) function(e *sqlparser.FuncExpr) (exprFn, error) {
	if x, name, ok := dialect.NativeCastOf(e); ok {
		return c.boundCast(e, x, name)
	}
	args, ok := funcArgs(e)
	if ok && !e.Distinct {
		switch e.Name.Lowered() {
		case "coalesce", "ifnull":
			vs, err := c.coalesceArgs(args)
			if err != nil {
				return nil, err
			}
			return nary(vs, func(xs []eval.Expr) eval.Expr { return eval.Coalesce(xs...) }), nil
		case "round", "truncate":
			// The rounding every backend does (eval.RoundDecimal), so
			// ROUND(SUM(x), 1) over the merged sum is what one database
			// gives.
			truncate := e.Name.Lowered() == "truncate"
			if len(args) < 1 || len(args) > 2 || truncate && len(args) != 2 {
				break
			}
			if len(args) == 1 {
				args = append(args, sqlparser.NewIntVal([]byte("0")))
			}
			vs, err := c.values(args...)
			if err != nil {
				return nil, err
			}
			return nary(vs, func(xs []eval.Expr) eval.Expr { return eval.Round(xs[0], xs[1], truncate) }), nil
		case "if":
			if len(args) != 3 {
				break
			}
			cond, err := c.cond(args[0])
			if err != nil {
				return nil, err
			}
			vs, err := c.values(args[1], args[2])
			if err != nil {
				return nil, err
			}
			return nary([]exprFn{cond, vs[0], vs[1]}, func(xs []eval.Expr) eval.Expr {
				return eval.Case([]eval.When{{Cond: xs[0], Then: xs[1]}}, xs[2])
			}), nil
		}
	}
	return nil, routerExprRefusal(e, "")
}

// coalesceArgs compiles the arguments of COALESCE or IFNULL as the shard
// renderer writes them: with a string literal among values of other
// kinds every other argument is CAST(… AS TEXT), a placeholder there
// bound as text, so the result is a string as in MySQL.
func (c *exprCompiler) coalesceArgs(args []sqlparser.Expr) ([]exprFn, error) {
	if !dialect.CoalescesAsText(args) {
		return c.values(args...)
	}
	out := make([]exprFn, len(args))
	for i, a := range args {
		if v, ok := a.(*sqlparser.SQLVal); ok && v.Type == sqlparser.StrVal {
			fn, err := c.value(a)
			if err != nil {
				return nil, err
			}
			out[i] = fn
			continue
		}
		v, isArg := a.(*sqlparser.SQLVal)
		c.textArg = isArg && v.Type == sqlparser.ValArg
		fn, err := c.value(a)
		c.textArg = false
		if err != nil {
			return nil, err
		}
		out[i] = unary(fn, func(x eval.Expr) eval.Expr { return eval.Cast(x, eval.CastText) })
	}
	return out, nil
}

func (c *exprCompiler) caseExpr(e *sqlparser.CaseExpr) (exprFn, error) {
	// parts: [base] cond1 then1 cond2 then2 … else
	var parts []exprFn
	hasBase := e.Expr != nil
	if hasBase {
		v, err := c.value(e.Expr)
		if err != nil {
			return nil, err
		}
		parts = append(parts, v)
	}
	for _, w := range e.Whens {
		var cond exprFn
		var err error
		if hasBase {
			cond, err = c.value(w.Cond)
		} else {
			cond, err = c.cond(w.Cond)
		}
		if err != nil {
			return nil, err
		}
		then, err := c.value(w.Val)
		if err != nil {
			return nil, err
		}
		parts = append(parts, cond, then)
	}
	els := fixed(eval.Expr{})
	if e.Else != nil {
		v, err := c.value(e.Else)
		if err != nil {
			return nil, err
		}
		els = v
	}
	parts = append(parts, els)
	n := len(e.Whens)
	return nary(parts, func(xs []eval.Expr) eval.Expr {
		var base eval.Expr
		if hasBase {
			base, xs = xs[0], xs[1:]
		}
		whens := make([]eval.When, n)
		for i := range whens {
			cond := xs[2*i]
			if hasBase {
				cond = eval.Eq(base, cond)
			}
			whens[i] = eval.When{Cond: cond, Then: xs[2*i+1]}
		}
		return eval.Case(whens, xs[len(xs)-1])
	}), nil
}

// like compiles a LIKE over rows the router holds itself, as the shards
// run it (see internal/dialect): with the ESCAPE given or a backslash,
// ASCII letters folding; over shards' rows the shards evaluate LIKE. On
// PostgreSQL, whose ILIKE folds every letter unless an operand is a
// COLLATE "C" column, only ASCII letters fold when an operand names a
// column.
func (c *exprCompiler) like(e *sqlparser.ComparisonExpr) (exprFn, error) {
	var esc sqlparser.Expr = sqlparser.NewStrVal([]byte(`\`))
	if e.Escape != nil {
		esc = e.Escape
	}
	vs, err := c.values(e.Left, e.Right, esc)
	if err != nil {
		return nil, err
	}
	ascii := readsColumn(e.Left) || readsColumn(e.Right)
	l := nary(vs, func(xs []eval.Expr) eval.Expr { return eval.LikeEscape(xs[0], xs[1], xs[2], ascii) })
	if e.Operator == sqlparser.NotLikeStr {
		return unary(l, eval.Not), nil
	}
	return l, nil
}

// inList compiles x [NOT] IN (a, b, …) (see eval.In).
func (c *exprCompiler) inList(e *sqlparser.ComparisonExpr, list sqlparser.ValTuple) (exprFn, error) {
	x, err := c.value(e.Left)
	if err != nil {
		return nil, err
	}
	items := []exprFn{x}
	for _, v := range list {
		r, err := c.value(v)
		if err != nil {
			return nil, err
		}
		items = append(items, r)
	}
	in := nary(items, func(xs []eval.Expr) eval.Expr { return eval.In(xs[0], xs[1:]...) })
	if e.Operator == sqlparser.NotInStr {
		return unary(in, eval.Not), nil
	}
	return in, nil
}

// dialectOf is the shard dialect of an engine.
func dialectOf(eng eval.Engine) dialect.Dialect {
	if eng == eval.PostgreSQL {
		return dialect.PostgreSQL
	}
	return dialect.SQLite
}

// boundNumeric reports the CAST to DECIMAL(65, 30) a pulled-out
// subquery's NUMERIC value is bound under on PostgreSQL (see
// pulloutPlan): its 30 decimals hold every digit such a value has, so the
// merge compares it as the exact number it is.
func boundNumeric(e *sqlparser.ConvertExpr) bool {
	t := e.Type
	return t != nil && strings.EqualFold(t.Type, "decimal") && t.Length != nil && string(t.Length.Val) == "65" &&
		t.Scale != nil && string(t.Scale.Val) == "30"
}

// boundCast compiles the NativeCast a pulled-out subquery's value is bound
// under on PostgreSQL (see pulloutPlan): the value already is of the
// column's type, an integer, float8 or text as it is and NUMERIC (text
// at the router) as the exact number, and the NULL of an IN list is NULL
// whatever its type; other types are refused.
func (c *exprCompiler) boundCast(e *sqlparser.FuncExpr, x sqlparser.Expr, name string) (exprFn, error) {
	if _, ok := x.(*sqlparser.NullVal); ok {
		return fixed(eval.Lit(nil)), nil
	}
	switch strings.ToLower(name) {
	case "int2", "int4", "int8", "float8", "text", "varchar", "bpchar", "char":
		// Typed by the cast, not by its context as an argument is.
		if sv, ok := x.(*sqlparser.SQLVal); ok {
			if v, ok := newValueExpr(sv); ok && !v.isLiteral() {
				c.dynamic = true
				return func(args []any) (eval.Expr, error) {
					val, err := v.eval(args)
					if err != nil {
						return eval.Expr{}, err
					}
					return eval.Lit(val), nil
				}, nil
			}
		}
	case "numeric":
		return c.castNumeric(x)
	}
	return nil, routerExprRefusal(e, "a value of type "+name)
}

// castNumeric compiles CAST(x AS numeric).
func (c *exprCompiler) castNumeric(x sqlparser.Expr) (exprFn, error) {
	v, err := c.value(x)
	if err != nil {
		return nil, err
	}
	return unary(v, func(x eval.Expr) eval.Expr { return eval.Cast(x, eval.CastNumeric) }), nil
}
