package eval

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Expr is an expression over the columns of a row, evaluated at the merge
// for what the shards cannot compute: HAVING over combined aggregates, and
// select-list expressions over them (COUNT(*) + 1, SUM(x) / COUNT(x)).
// Build one with Col, Lit and the operator functions; the zero Expr is
// NULL. Evaluation follows the engine: NULL propagates through arithmetic
// and comparisons, AND/OR/NOT are three-valued, COALESCE and CASE evaluate
// lazily, and arithmetic has the engine's types and errors (see Add, Div).
type Expr struct {
	op   exprOp
	col  int
	val  any
	args []Expr
	// typ is the PostgreSQL type a Param took from its context.
	typ string
	// narrow is, on PostgreSQL, "INT2" or "INT4" for an arithmetic node
	// whose operands are of those types: its integer result must fit the
	// type, as the server's int2 and int4 operators require.
	narrow string
	// null is set on PostgreSQL for an operator the planner folds to
	// NULL: a strict one with a constant NULL operand, whose other
	// operands are then never computed.
	null bool
}

type exprOp uint8

const (
	opNull exprOp = iota
	opCol
	opLit
	opAdd
	opSub
	opMul
	opDiv
	opMod
	opNeg
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opLike
	opAnd
	opOr
	opNot
	opIsNull
	opIsNotNull
	opCoalesce
	opCase
	opCast
	opNullIf
	opRound
	opParam
	opIn
)

// Col is the value of column i of the input row.
func Col(i int) Expr { return Expr{op: opCol, col: i} }

// Lit is a constant: nil, an integer, a float, a bool, a string or []byte.
// Go ints of every size become int64, float32 becomes float64.
func Lit(v any) Expr {
	switch x := v.(type) {
	case nil:
		return Expr{}
	case int:
		v = int64(x)
	case int8:
		v = int64(x)
	case int16:
		v = int64(x)
	case int32:
		v = int64(x)
	case uint8:
		v = int64(x)
	case uint16:
		v = int64(x)
	case uint32:
		v = int64(x)
	case float32:
		v = float64(x)
	}
	return Expr{op: opLit, val: v}
}

// NumericLit is a PostgreSQL NUMERIC constant written as text ("1.50",
// "2.5e3"), as a PostgreSQL literal with a decimal point or an exponent
// is.
func NumericLit(text string) Expr { return Expr{op: opLit, val: numText(numericInput(text))} }

// numericInput is the value of PostgreSQL numeric input text as the
// server prints it: an exponent is applied, the scale being the digits
// after the point less the exponent (1.50e1 is 15.0, 1e3 is 1000, 25e-1
// is 2.5).
func numericInput(text string) string {
	mant, exp, ok := strings.Cut(strings.ToLower(text), "e")
	e, err := strconv.Atoi(exp)
	if !ok || err != nil {
		return text
	}
	sign := ""
	if mant != "" && (mant[0] == '-' || mant[0] == '+') {
		if mant[0] == '-' {
			sign = "-"
		}
		mant = mant[1:]
	}
	out := shiftPoint(mant, e)
	if whole, _, _ := strings.Cut(out, "."); len(whole) > 1 {
		out = strings.TrimLeft(whole, "0") + out[len(whole):]
		if strings.HasPrefix(out, ".") || out == "" {
			out = "0" + out
		}
	}
	return sign + out
}

// Add is a + b. Integers stay integers: on overflow SQLite continues in
// float, PostgreSQL fails with ErrBigintOutOfRange. NUMERIC (PostgreSQL)
// is exact; float overflow fails on PostgreSQL with ErrFloatOverflow.
func Add(a, b Expr) Expr { return binary(opAdd, a, b) }

// Sub is a - b, with Add's types.
func Sub(a, b Expr) Expr { return binary(opSub, a, b) }

// Mul is a * b, with Add's types.
func Mul(a, b Expr) Expr { return binary(opMul, a, b) }

// Div is a / b: integer division truncates on both engines. Division by
// zero is NULL on SQLite and ErrDivisionByZero on PostgreSQL. NUMERIC
// division has PostgreSQL's result scale.
func Div(a, b Expr) Expr { return binary(opDiv, a, b) }

// Mod is a % b, with the sign of a; zero divisors as for Div. SQLite
// computes it on the integer parts (5.5 % 2 is 1.0).
func Mod(a, b Expr) Expr { return binary(opMod, a, b) }

// Neg is -a.
func Neg(a Expr) Expr { return Expr{op: opNeg, args: []Expr{a}} }

// Eq is a = b. Comparisons use the engine's order (Engine.Compare) and
// return NULL if either side is NULL, else 1/0 on SQLite and true/false on
// PostgreSQL.
func Eq(a, b Expr) Expr { return binary(opEq, a, b) }

// Ne is a <> b.
func Ne(a, b Expr) Expr { return binary(opNe, a, b) }

// Lt is a < b.
func Lt(a, b Expr) Expr { return binary(opLt, a, b) }

// Le is a <= b.
func Le(a, b Expr) Expr { return binary(opLe, a, b) }

// Gt is a > b.
func Gt(a, b Expr) Expr { return binary(opGt, a, b) }

// Ge is a >= b.
func Ge(a, b Expr) Expr { return binary(opGe, a, b) }

// And is the three-valued conjunction of its arguments.
func And(args ...Expr) Expr { return Expr{op: opAnd, args: args} }

// Or is the three-valued disjunction of its arguments.
func Or(args ...Expr) Expr { return Expr{op: opOr, args: args} }

// Not is NOT a (NULL stays NULL).
func Not(a Expr) Expr { return Expr{op: opNot, args: []Expr{a}} }

// IsNull is a IS NULL.
func IsNull(a Expr) Expr { return Expr{op: opIsNull, args: []Expr{a}} }

// IsNotNull is a IS NOT NULL.
func IsNotNull(a Expr) Expr { return Expr{op: opIsNotNull, args: []Expr{a}} }

// Coalesce is the first non-NULL argument (COALESCE, IFNULL).
func Coalesce(args ...Expr) Expr { return Expr{op: opCoalesce, args: args} }

// When is one WHEN cond THEN result arm of a Case.
type When struct{ Cond, Then Expr }

// Case is CASE WHEN … THEN … ELSE els END; the zero Expr as els is no
// ELSE (NULL). A simple CASE x WHEN v is Case with Eq(x, v) conditions.
func Case(whens []When, els Expr) Expr {
	args := make([]Expr, 0, 2*len(whens)+1)
	for _, w := range whens {
		args = append(args, w.Cond, w.Then)
	}
	return Expr{op: opCase, args: append(args, els)}
}

func binary(op exprOp, a, b Expr) Expr { return Expr{op: op, args: []Expr{a, b}} }

// numText is a PostgreSQL NUMERIC value inside an evaluation, as text; it
// leaves the Evaluator as a string, the type pgx hands out.
type numText string

// Evaluator evaluates expressions for one engine over rows of known columns.
type Evaluator struct {
	eng     Engine
	cols    []Column
	numeric []bool // column i holds NUMERIC text
}

func NewEvaluator(eng Engine, cols []Column) *Evaluator {
	ev := &Evaluator{eng: eng, cols: cols, numeric: make([]bool, len(cols))}
	for i, c := range cols {
		ev.numeric[i] = eng.IsNumeric(c)
	}
	return ev
}

// Check reports a column reference outside the input, and prepares e
// for evaluation: on PostgreSQL, the branches of COALESCE and CASE are
// converted to their common type, as the server resolves it, and
// arithmetic over constants alone is computed, as the server's planner
// folds it: its error (1 + 2147483647 is "integer out of range") fails
// the statement whether or not a row reaches it.
func (ev *Evaluator) Check(e *Expr) error {
	var folded error
	if err := ev.check(e, true, &folded); err != nil {
		return err
	}
	return folded
}

// check is Check; fold is unset where the planner drops an expression
// without computing it (see foldsArg). The first error of a constant is
// left in folded, and the whole expression is still prepared, so that its
// type is known.
func (ev *Evaluator) check(e *Expr, fold bool, folded *error) error {
	if e.op == opCol && (e.col < 0 || e.col >= len(ev.numeric)) {
		return columnError("expression", e.col, len(ev.numeric))
	}
	if len(e.args) > 0 {
		// The caller's expression may share its argument slices: work on
		// a copy.
		e.args = append([]Expr(nil), e.args...)
	}
	dropped := false
	for i := range e.args {
		if err := ev.check(&e.args[i], fold && !dropped && ev.foldsArg(e, i), folded); err != nil {
			return err
		}
		dropped = dropped || ev.endsFolding(e, i)
	}
	if e.op == opIn {
		return ev.expandIn(e)
	}
	if ev.eng != PostgreSQL {
		return nil
	}
	if e.op == opCoalesce || e.op == opCase {
		return ev.unify(e)
	}
	if err := ev.resolveParams(e); err != nil {
		return err
	}
	if e.op >= opAdd && e.op <= opNeg {
		if t := ev.ColumnOf(e, ev.cols).DatabaseType; t == "INT2" || t == "INT4" {
			e.narrow = t
		}
		if fold && *folded == nil && constant(e) {
			_, *folded = ev.eval(e, nil)
		}
	}
	if fold && (e.op >= opAdd && e.op <= opGe || e.op == opCast) {
		for i := range e.args {
			if a := &e.args[i]; constant(a) {
				if v, err := ev.eval(a, nil); err == nil && v == nil {
					e.null = true
				}
			}
		}
	}
	return nil
}

// foldsArg reports whether PostgreSQL's planner computes argument i of
// e when it is constant, given that it computed the arguments before: a
// CASE result whose condition is a constant false or NULL is dropped.
// The arguments after one that ends folding (endsFolding) are dropped.
func (ev *Evaluator) foldsArg(e *Expr, i int) bool {
	if e.op != opCase || i%2 == 0 || i == len(e.args)-1 {
		return true
	}
	c := &e.args[i-1]
	if !constant(c) {
		return true
	}
	v, err := ev.eval(c, nil)
	t, null := truthOf(v)
	return err == nil && t && !null
}

// endsFolding reports an argument after which the planner drops the
// rest: a COALESCE argument that is a constant other than NULL, a CASE
// condition that is a constant true (its result is kept).
func (ev *Evaluator) endsFolding(e *Expr, i int) bool {
	a := &e.args[i]
	switch {
	case e.op == opCoalesce && constant(a):
	case e.op == opCase && i%2 == 1 && i != len(e.args)-1 && constant(&e.args[i-1]):
		// The result after a condition: a constant true condition ends.
		v, err := ev.eval(&e.args[i-1], nil)
		t, null := truthOf(v)
		return err == nil && t && !null
	default:
		return false
	}
	v, err := ev.eval(a, nil)
	return err == nil && v != nil
}

// constant reports an expression of literals and arguments alone.
func constant(e *Expr) bool {
	if e.null {
		return true
	}
	switch e.op {
	case opNull, opLit, opParam:
		return true
	case opCol:
		return false
	}
	for i := range e.args {
		if !constant(&e.args[i]) {
			return false
		}
	}
	return len(e.args) > 0
}

// value evaluates e to a result value.
func (ev *Evaluator) Value(e *Expr, row Row) (any, error) {
	if e.op == opCol {
		return row[e.col], nil
	}
	v, err := ev.eval(e, row)
	if n, ok := v.(numText); ok {
		return string(n), err
	}
	return v, err
}

// truth evaluates e as a condition: true only when it is true (not NULL).
func (ev *Evaluator) Truth(e *Expr, row Row) (bool, error) {
	v, err := ev.eval(e, row)
	if err != nil {
		return false, err
	}
	t, null := truthOf(v)
	return t && !null, nil
}

func (ev *Evaluator) eval(e *Expr, row Row) (any, error) {
	if e.null {
		return nil, nil
	}
	switch e.op {
	case opNull:
		return nil, nil
	case opCol:
		v := row[e.col]
		if s, ok := v.(string); ok && ev.numeric[e.col] {
			return numText(s), nil
		}
		return v, nil
	case opLit, opParam:
		return e.val, nil
	case opAdd, opSub, opMul, opDiv, opMod:
		a, err := ev.eval(&e.args[0], row)
		if err != nil {
			return nil, err
		}
		b, err := ev.eval(&e.args[1], row)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		if ev.eng == SQLite {
			return sqliteArith(e.op, a, b), nil
		}
		return narrowed(e.narrow)(pgArith(e.op, a, b))
	case opNeg:
		a, err := ev.eval(&e.args[0], row)
		if err != nil || a == nil {
			return nil, err
		}
		if ev.eng == SQLite {
			return sqliteArith(opSub, int64(0), a), nil
		}
		return narrowed(e.narrow)(pgArith(opSub, int64(0), a))
	case opEq, opNe, opLt, opLe, opGt, opGe:
		a, err := ev.eval(&e.args[0], row)
		if err != nil {
			return nil, err
		}
		b, err := ev.eval(&e.args[1], row)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		a, b = ev.coerce(&e.args[0], &e.args[1], a, b)
		return ev.boolean(compareOp(e.op, ev.compare(a, b))), nil
	case opAnd, opOr:
		return ev.logic(e, row)
	case opLike:
		return ev.like(e, row)
	case opNot:
		a, err := ev.eval(&e.args[0], row)
		if err != nil {
			return nil, err
		}
		t, null := truthOf(a)
		if null {
			return nil, nil
		}
		return ev.boolean(!t), nil
	case opIsNull, opIsNotNull:
		a, err := ev.eval(&e.args[0], row)
		if err != nil {
			return nil, err
		}
		return ev.boolean((a == nil) == (e.op == opIsNull)), nil
	case opCoalesce:
		for i := range e.args {
			v, err := ev.eval(&e.args[i], row)
			if err != nil || v != nil {
				return v, err
			}
		}
		return nil, nil
	case opCast:
		a, err := ev.eval(&e.args[0], row)
		if err != nil {
			return nil, err
		}
		return ev.cast(e.val.(CastType), a)
	case opNullIf:
		a, err := ev.eval(&e.args[0], row)
		if err != nil || a == nil {
			return nil, err
		}
		b, err := ev.eval(&e.args[1], row)
		if err != nil || b == nil {
			return a, err
		}
		if ev.compare(a, b) == 0 {
			return nil, nil
		}
		return a, nil
	case opRound:
		return ev.round(e, row)
	case opCase:
		n := len(e.args) - 1
		for i := 0; i < n; i += 2 {
			c, err := ev.eval(&e.args[i], row)
			if err != nil {
				return nil, err
			}
			if t, null := truthOf(c); t && !null {
				return ev.eval(&e.args[i+1], row)
			}
		}
		return ev.eval(&e.args[n], row)
	}
	return nil, &specError{"unknown expression operator " + strconv.Itoa(int(e.op))}
}

func (ev *Evaluator) logic(e *Expr, row Row) (any, error) {
	// AND: any false is false, else any NULL is NULL. OR: the dual.
	decisive := e.op == opOr
	sawNull := false
	for i := range e.args {
		v, err := ev.eval(&e.args[i], row)
		if err != nil {
			return nil, err
		}
		t, null := truthOf(v)
		switch {
		case null:
			sawNull = true
		case t == decisive:
			return ev.boolean(decisive), nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return ev.boolean(!decisive), nil
}

// boolean is a truth value as the engine returns it.
func (ev *Evaluator) boolean(b bool) any {
	if ev.eng == PostgreSQL {
		return b
	}
	return boolInt(b)
}

// compare orders two non-NULL values; NUMERIC text against numbers
// compares as decimals on PostgreSQL.
func (ev *Evaluator) compare(a, b any) int {
	if ev.eng == PostgreSQL {
		// A timestamp against a string literal: PostgreSQL reads the
		// literal as a timestamp.
		if t, ok := a.(time.Time); ok {
			if u, ok := pgTimestampOf(b); ok {
				return t.Compare(u)
			}
		}
		if u, ok := b.(time.Time); ok {
			if t, ok := pgTimestampOf(a); ok {
				return t.Compare(u)
			}
		}
	}
	an, aok := a.(numText)
	bn, bok := b.(numText)
	if !aok && !bok {
		return ev.eng.CompareValues(false, a, b)
	}
	if aok {
		a = string(an)
	}
	if bok {
		b = string(bn)
	}
	if f, ok := a.(float64); ok {
		return compareFloat(ev.eng, f, numTextFloat(b))
	}
	if f, ok := b.(float64); ok {
		return compareFloat(ev.eng, numTextFloat(a), f)
	}
	return ev.eng.CompareValues(true, a, b)
}

func numTextFloat(v any) float64 {
	s, _ := v.(string)
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func compareOp(op exprOp, c int) bool {
	switch op {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	}
	return c >= 0
}

// truthOf interprets a value as a condition: numbers are true when not
// zero, text by its numeric prefix (as SQLite does).
func truthOf(v any) (t, null bool) {
	switch x := v.(type) {
	case nil:
		return false, true
	case bool:
		return x, false
	case int64:
		return x != 0, false
	case float64:
		return x != 0, false
	case numText:
		return compareDecimalText(string(x), "0") != 0, false
	}
	switch n := sqliteNumber(v).(type) {
	case int64:
		return n != 0, false
	case float64:
		return n != 0, false
	}
	return false, false
}

// sqliteArith is SQLite's arithmetic on two non-NULL values (OP_Add …
// OP_Remainder): text converts to a number (sqliteArithNumber), integers overflow into float,
// division and remainder by zero are NULL, NaN results are NULL.
func sqliteArith(op exprOp, a, b any) any {
	oa, ob := a, b
	a, b = sqliteArithNumber(a), sqliteArithNumber(b)
	x, xi := a.(int64)
	y, yi := b.(int64)
	if xi && yi {
		r, ok, byZero := intArith(op, x, y)
		if byZero {
			return nil
		}
		if ok {
			return r
		}
	}
	fx, fy := floatOf(a), floatOf(b)
	var r float64
	switch op {
	case opAdd:
		r = fx + fy
	case opSub:
		r = fx - fy
	case opMul:
		r = fx * fy
	case opDiv:
		if fy == 0 {
			return nil
		}
		r = fx / fy
	case opMod:
		// The integer values of the operands, an integer one exactly
		// (sqlite3VdbeIntValue), not through its float.
		ix, iy := sqliteIntValue(oa, fx), sqliteIntValue(ob, fy)
		if iy == 0 {
			return nil
		}
		if iy == -1 {
			iy = 1
		}
		r = float64(ix % iy)
	}
	if math.IsNaN(r) {
		return nil
	}
	return r
}

func floatOf(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// sqliteIntValue is the integer value of an operand v whose float value
// is f (sqlite3VdbeIntValue): an integer itself, text its integer prefix
// ('1e1' is 1, not 10), a float truncated.
func sqliteIntValue(v any, f float64) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case bool:
		return boolInt(x)
	case string:
		return sqliteAtoi(x)
	case []byte:
		return sqliteAtoi(string(x))
	case time.Time:
		return sqliteAtoi(textOf(x))
	}
	return sqliteFloatToInt(f)
}

// sqliteAtoi is sqlite3Atoi64's value of text: white space, a sign and
// the digits that follow, saturating at the int64 bounds.
func sqliteAtoi(s string) int64 {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var u uint64
	over := false
	for ; len(s) > 0 && isDigit(s[0]); s = s[1:] {
		d := uint64(s[0] - '0')
		if u > (math.MaxUint64-d)/10 {
			over = true
			continue
		}
		u = u*10 + d
	}
	switch {
	case neg && (over || u > 1<<63):
		return math.MinInt64
	case neg:
		return -int64(u)
	case over || u > math.MaxInt64:
		return math.MaxInt64
	}
	return int64(u)
}

// sqliteFloatToInt converts as sqlite3VdbeIntValue does: saturating.
func sqliteFloatToInt(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f <= -9223372036854775808.0:
		return math.MinInt64
	case f >= 9223372036854775807.0:
		return math.MaxInt64
	}
	return int64(f)
}

// pgArith is PostgreSQL's arithmetic on two non-NULL values: int8, NUMERIC
// or float8 by the usual promotion (int8 → numeric → float8), with the
// server's errors.
func pgArith(op exprOp, a, b any) (any, error) {
	_, af := a.(float64)
	_, bf := b.(float64)
	if af || bf {
		x, ok1 := pgFloat(a)
		y, ok2 := pgFloat(b)
		if !ok1 || !ok2 {
			return nil, operatorError(op, a, b)
		}
		return pgFloatArith(op, x, y, a, b)
	}
	_, an := a.(numText)
	_, bn := b.(numText)
	if an || bn {
		return pgNumericArith(op, a, b)
	}
	x, ok1 := a.(int64)
	y, ok2 := b.(int64)
	if !ok1 || !ok2 {
		return nil, operatorError(op, a, b)
	}
	r, ok, byZero := intArith(op, x, y)
	if byZero {
		return nil, ErrDivisionByZero
	}
	if !ok {
		return nil, ErrBigintOutOfRange
	}
	return r, nil
}

// narrowed checks the result of PostgreSQL integer arithmetic against
// the range of its static type typ ("INT2", "INT4", or "" for bigint,
// which pgArith checks): int2 and int4 operators fail where their result
// leaves the type, with the server's error.
func narrowed(typ string) func(any, error) (any, error) {
	return func(v any, err error) (any, error) {
		n, ok := v.(int64)
		if err != nil || !ok || typ == "" {
			return v, err
		}
		if r := pgIntRange[typ]; n < r[0] || n > r[1] {
			if typ == "INT2" {
				return nil, ErrSmallintOutOfRange
			}
			return nil, ErrIntegerOutOfRange
		}
		return v, nil
	}
}

// intArith is integer arithmetic as both engines do it: truncating
// division, a remainder with the dividend's sign (x % -1 is 0), and ok
// false when the result leaves the int64 range; byZero reports a division
// or remainder by zero, which each engine answers its own way.
func intArith(op exprOp, x, y int64) (r int64, ok, byZero bool) {
	switch op {
	case opAdd:
		r, ok = addInt64(x, y)
	case opSub:
		r, ok = subInt64(x, y)
	case opMul:
		r, ok = mulInt64(x, y)
	case opDiv:
		if y == 0 {
			return 0, false, true
		}
		if y == -1 && x == math.MinInt64 {
			return 0, false, false
		}
		r, ok = x/y, true
	case opMod:
		if y == 0 {
			return 0, false, true
		}
		if y != -1 {
			r = x % y
		}
		ok = true
	}
	return r, ok, false
}

func pgFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case numText:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	}
	return 0, false
}

func pgFloatArith(op exprOp, x, y float64, a, b any) (any, error) {
	var r float64
	switch op {
	case opAdd:
		r = x + y
	case opSub:
		r = x - y
	case opMul:
		r = x * y
	case opDiv:
		if y == 0 {
			return nil, ErrDivisionByZero
		}
		r = x / y
	default:
		return nil, operatorError(op, a, b)
	}
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return nil, ErrFloatOverflow
	}
	return r, nil
}

func pgNumericArith(op exprOp, a, b any) (any, error) {
	var x, y decimal
	if !setDecimal(&x, a) || !setDecimal(&y, b) {
		return nil, operatorError(op, a, b)
	}
	var r *decimal
	var err error
	switch op {
	case opAdd:
		x.add(&y)
		r = &x
	case opSub:
		y.neg()
		x.add(&y)
		r = &x
	case opMul:
		r = decimalMul(&x, &y)
	case opDiv:
		r, err = decimalDiv(&x, &y)
	case opMod:
		r, err = decimalMod(&x, &y)
	}
	if err != nil {
		return nil, err
	}
	return numText(r.String()), nil
}

func setDecimal(d *decimal, v any) bool {
	switch x := v.(type) {
	case int64:
		d.setInt64(x)
		return true
	case numText:
		return d.setText(string(x))
	}
	return false
}

func operatorError(op exprOp, a, b any) error {
	return &specError{"operator does not exist: " + TypeName(a) + " " + opSymbol(op) + " " + TypeName(b)}
}

// column describes e's result over input columns cols, as the engine would
// report it for a select-list expression.
func (ev *Evaluator) ColumnOf(e *Expr, cols []Column) Column {
	pg := ev.eng == PostgreSQL
	switch e.op {
	case opCol:
		return cols[e.col]
	case opLit:
		return literalColumn(ev.eng, e.val)
	case opParam:
		if e.typ != "" {
			return typeColumn(e.typ)
		}
		return literalColumn(ev.eng, e.val)
	case opAdd, opSub, opMul, opDiv, opMod, opNeg:
		if pg && e.op == opNeg && e.args[0].op == opLit && e.args[0].val == int64(-math.MinInt32) {
			// PostgreSQL folds the minus into the literal, which then
			// fits an integer: -2147483648 is an integer.
			return typeColumn("INT4")
		}
		a := ev.ColumnOf(&e.args[0], cols)
		b := a
		if len(e.args) > 1 {
			b = ev.ColumnOf(&e.args[1], cols)
		}
		isFloat := a.ScanType == scanFloat64 && a.DatabaseType != "NUMERIC" || b.ScanType == scanFloat64 && b.DatabaseType != "NUMERIC"
		switch {
		case !pg && isFloat:
			return Column{ScanType: scanFloat64}
		case !pg:
			return Column{ScanType: scanInt64}
		case isFloat:
			return Column{DatabaseType: "FLOAT8", ScanType: scanFloat64}
		case a.DatabaseType == "NUMERIC" || b.DatabaseType == "NUMERIC":
			return numericColumn("")
		}
		// Integers keep the wider of the operands' types (smallint +
		// smallint is smallint, integer + bigint is bigint), as
		// PostgreSQL's operators do; SUM over them depends on it.
		return typeColumn(widerInt(a.DatabaseType, b.DatabaseType))
	case opCoalesce, opCase:
		var first Column
		types := make([]string, 0, len(e.args))
		for i := range e.args {
			if opCase == e.op && i%2 == 0 && i != len(e.args)-1 {
				continue // a condition
			}
			if e.args[i].op != opNull && !(e.args[i].op == opLit && e.args[i].val == nil) {
				c := ev.ColumnOf(&e.args[i], cols)
				if first.ScanType == nil && first.DatabaseType == "" {
					first = c
				}
				types = append(types, c.DatabaseType)
			}
		}
		if pg && categoryOf(first.DatabaseType) == pgNumeric {
			// The branches' common type: CASE WHEN … THEN 1 ELSE 2.5
			// is numeric.
			if typ, err := commonType("CASE", types); err == nil && categoryOf(typ) == pgNumeric {
				if typ == "NUMERIC" {
					return numericColumn("")
				}
				return typeColumn(typ)
			}
		}
		return first
	case opNull:
		return Column{}
	case opCast:
		return castColumn(ev.eng, e.val.(CastType))
	case opNullIf:
		return ev.ColumnOf(&e.args[0], cols)
	case opRound:
		if pg {
			return Column{DatabaseType: "FLOAT8", ScanType: scanFloat64}
		}
		return Column{ScanType: scanFloat64}
	}
	if pg {
		return Column{DatabaseType: "BOOL", ScanType: scanBool}
	}
	return Column{ScanType: scanInt64}
}

// widerInt is the type of PostgreSQL integer arithmetic over operands of
// types a and b: the wider one, bigint for one not known.
func widerInt(a, b string) string {
	ra, okA := pgTypeRank[a]
	rb, okB := pgTypeRank[b]
	if !okA || !okB || ra > pgTypeRank["INT8"] || rb > pgTypeRank["INT8"] {
		return "INT8"
	}
	if ra >= rb {
		return a
	}
	return b
}

func literalColumn(eng Engine, v any) Column {
	pg := eng == PostgreSQL
	var c Column
	switch v.(type) {
	case int64:
		c = Column{DatabaseType: "INT8", ScanType: scanInt64}
		if x := v.(int64); x >= math.MinInt32 && x <= math.MaxInt32 {
			// PostgreSQL types an integer literal that fits as integer.
			c.DatabaseType = "INT4"
		}
	case float64:
		c = Column{DatabaseType: "FLOAT8", ScanType: scanFloat64}
	case numText:
		c = numericColumn("")
	case string:
		c = Column{DatabaseType: "TEXT", ScanType: scanString}
	case bool:
		c = Column{DatabaseType: "BOOL", ScanType: scanBool}
	case []byte:
		c = Column{DatabaseType: "BYTEA", ScanType: reflect.TypeFor[[]byte]()}
	}
	if !pg {
		c.DatabaseType = ""
	}
	return c
}
