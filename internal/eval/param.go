package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Param is a value of unknown type: an argument bound to a ? placeholder,
// or a quoted literal. On PostgreSQL the server types it by its context
// when it parses the statement, and pgx converts the argument to that
// type (a float bound beside a bigint drops its fraction, beside a
// NUMERIC it is the float's shortest decimal text); Check does the same
// (see resolveParams), and the value Check cannot convert is the error
// pgx or the server gives. On SQLite a Param is Lit: bound values and
// literals have no affinity.
func Param(v any) Expr {
	x := Lit(v)
	if x.op == opLit {
		x.op = opParam
	}
	return x
}

// TypedParam is a Param (see Param) of PostgreSQL type typ, its value
// converted as the server reads an argument of that type; an expression
// other than a Param is returned as it is.
func TypedParam(x Expr, typ string) (Expr, error) {
	if err := resolveParam(&x, typ); err != nil {
		return Expr{}, err
	}
	return x, nil
}

// In is x IN (list…): x = a OR x = b …, with SQL's NULL rules. On
// PostgreSQL the unknown-typed values of the list (Param) take the common
// type of x and the whole list, as the server resolves an IN list (x
// bigint IN (?, 2.5) compares a float argument as NUMERIC); when the
// types have none, each comparison types its own, as the server falls
// back to.
func In(x Expr, list ...Expr) Expr {
	return Expr{op: opIn, args: append([]Expr{x}, list...)}
}

// expandIn resolves an In's Params and rewrites it into its comparisons.
func (ev *Evaluator) expandIn(e *Expr) error {
	if ev.eng == PostgreSQL {
		types := make([]string, 0, len(e.args))
		for i := range e.args {
			if a := &e.args[i]; !isNullExpr(a) && !a.unresolved() {
				types = append(types, ev.ColumnOf(a, ev.cols).DatabaseType)
			}
		}
		if common, err := commonType("IN", types); err == nil && len(types) > 0 {
			for i := range e.args {
				if err := resolveParam(&e.args[i], common); err != nil {
					return err
				}
			}
		}
	}
	eqs := make([]Expr, len(e.args)-1)
	for i := range eqs {
		eqs[i] = Eq(e.args[0], e.args[i+1])
		if ev.eng == PostgreSQL {
			if err := ev.resolveParams(&eqs[i]); err != nil {
				return err
			}
		}
	}
	*e = Or(eqs...)
	return nil
}

// unresolved reports a Param whose type its context has not given yet.
func (e *Expr) unresolved() bool { return e.op == opParam && e.typ == "" }

// resolveParams gives the unknown-typed operands of e the type PostgreSQL
// gives them: beside a typed operand of an operator, a comparison or
// NULLIF its type; under a CAST the cast's type; in ROUND numeric and
// integer; under AND, OR and NOT boolean; anywhere else text. Two unknown
// operands of an arithmetic operator, or one of a unary minus, are the
// server's "operator is not unique" error. COALESCE and CASE are resolved
// by unify.
func (ev *Evaluator) resolveParams(e *Expr) error {
	switch e.op {
	case opAdd, opSub, opMul, opDiv, opMod, opEq, opNe, opLt, opLe, opGt, opGe, opNullIf:
		a, b := &e.args[0], &e.args[1]
		switch {
		case a.unresolved() && b.unresolved():
			if e.op <= opMod {
				return &TypeError{"operator is not unique: unknown " + opSymbol(e.op) + " unknown"}
			}
			if err := resolveParam(a, "TEXT"); err != nil {
				return err
			}
			return resolveParam(b, "TEXT")
		case a.unresolved():
			return resolveParam(a, ev.ColumnOf(b, ev.cols).DatabaseType)
		case b.unresolved():
			return resolveParam(b, ev.ColumnOf(a, ev.cols).DatabaseType)
		}
		if e.op > opMod {
			return ev.comparable(e.op, a, b)
		}
		return ev.arithmetic(e.op, a, b)
	case opNeg:
		if e.args[0].unresolved() {
			return &TypeError{"operator is not unique: - unknown"}
		}
		return nil
	case opCast:
		to := castColumn(PostgreSQL, e.val.(CastType)).DatabaseType
		if from := ev.ColumnOf(&e.args[0], ev.cols).DatabaseType; from == "BYTEA" && to != "TEXT" {
			return &TypeError{"cannot cast type bytea to " + pgTypeName(to)}
		}
		return resolveParam(&e.args[0], to)
	case opRound:
		if err := resolveParam(&e.args[0], "NUMERIC"); err != nil {
			return err
		}
		return resolveParam(&e.args[1], "INT4")
	case opCoalesce, opCase:
		return nil
	case opLike:
		// ILIKE is an operator of text: the server has none for a
		// number, a time or bytes beside the pattern.
		for i := range e.args {
			if t := ev.ColumnOf(&e.args[i], ev.cols).DatabaseType; !e.args[i].unresolved() && t != "" && categoryOf(t) != pgString {
				return &TypeError{"operator does not exist: " + pgTypeName(t) + " ~~* text"}
			}
		}
	}
	typ := "TEXT"
	if e.op == opAnd || e.op == opOr || e.op == opNot {
		typ = "BOOL"
	}
	for i := range e.args {
		if err := resolveParam(&e.args[i], typ); err != nil {
			return err
		}
	}
	return nil
}

// comparable reports PostgreSQL's error for a comparison of two typed
// values of different type categories (text > bytea, timestamp = text):
// the server has no such operator.
func (ev *Evaluator) comparable(op exprOp, a, b *Expr) error {
	if isTextLit(a) || isTextLit(b) {
		// A string constant built as a Lit: pgCoerce compares it as the
		// literal the server would type by the other operand.
		return nil
	}
	ta, tb := ev.ColumnOf(a, ev.cols).DatabaseType, ev.ColumnOf(b, ev.cols).DatabaseType
	ca, cb := categoryOf(ta), categoryOf(tb)
	if ca == pgUnknownCategory || cb == pgUnknownCategory || ca == cb && (ca != pgOther || ta == tb) {
		return nil
	}
	return &TypeError{"operator does not exist: " + pgTypeName(ta) + " " + compareSymbol(op) + " " + pgTypeName(tb)}
}

func isTextLit(e *Expr) bool {
	_, ok := e.val.(string)
	return e.op == opLit && ok
}

// arithmetic reports PostgreSQL's error for arithmetic on a typed value
// of a category without it (bytea, text, boolean), which the server
// raises when it parses the statement, whether or not a row reaches it.
// Times are left to the evaluation.
func (ev *Evaluator) arithmetic(op exprOp, a, b *Expr) error {
	if isTextLit(a) || isTextLit(b) {
		return nil
	}
	ta, tb := ev.ColumnOf(a, ev.cols).DatabaseType, ev.ColumnOf(b, ev.cols).DatabaseType
	for _, t := range []string{ta, tb} {
		if c := categoryOf(t); c == pgString || c == pgBoolean || c == pgOther {
			return &TypeError{"operator does not exist: " + pgTypeName(ta) + " " + opSymbol(op) + " " + pgTypeName(tb)}
		}
	}
	return nil
}

// resolveParam gives an unresolved Param the type typ and converts its
// value; a Param already typed, any other expression, and an unknown type
// ("") are left as they are.
func resolveParam(e *Expr, typ string) error {
	if !e.unresolved() || typ == "" {
		return nil
	}
	v, err := pgParamValue(e.val, typ)
	if err != nil {
		return err
	}
	e.val, e.typ = v, typ
	return nil
}

// ParamError is the error pgx or PostgreSQL gives for an argument that
// does not convert to the type its context gives it.
type ParamError struct{ msg string }

func (e *ParamError) Error() string { return e.msg }

func encodeError(v any, typ string, why string) error {
	return &ParamError{fmt.Sprintf("unable to encode %v into %s: %s", v, strings.ToLower(typ), why)}
}

func inputError(typ, s string) error {
	return &ParamError{"invalid input syntax for type " + pgTypeName(typ) + ": " + strconv.Quote(s)}
}

// pgIntRange is the range of PostgreSQL's integer types.
var pgIntRange = map[string][2]int64{
	"INT2": {math.MinInt16, math.MaxInt16},
	"INT4": {math.MinInt32, math.MaxInt32},
	"INT8": {math.MinInt64, math.MaxInt64},
}

// pgParamValue converts an argument (int64, float64, bool, string,
// []byte, time.Time) to a value of a PostgreSQL type as the evaluator
// holds it, the way the one-database path does: pgx encodes Go numbers
// into numeric types itself (a float into an integer type truncates
// toward zero, failing beyond the type's range; into NUMERIC it is its
// shortest decimal form; into real it rounds to float32) and refuses
// them for other types, and it sends text, which the server parses as
// the type's input.
func pgParamValue(v any, typ string) (any, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil {
		return nil, nil
	}
	noPlan := func() error { return encodeError(v, typ, "cannot find encode plan") }
	switch typ {
	case "INT2", "INT4", "INT8":
		r := pgIntRange[typ]
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case float64:
			if x > math.MaxInt64 {
				return nil, encodeError(v, typ, strconv.FormatFloat(x, 'f', 6, 64)+" is greater than maximum value for int64")
			}
			n = int64(x)
		case string:
			s := strings.TrimSpace(x)
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
					return nil, &ParamError{"value " + strconv.Quote(x) + " is out of range for type " + pgTypeName(typ)}
				}
				return nil, inputError(typ, x)
			}
			if i < r[0] || i > r[1] {
				return nil, &ParamError{"value " + strconv.Quote(x) + " is out of range for type " + pgTypeName(typ)}
			}
			return i, nil
		default:
			return nil, noPlan()
		}
		if n > r[1] {
			return nil, encodeError(v, typ, strconv.FormatInt(n, 10)+" is greater than maximum value for "+strings.ToLower(typ))
		}
		if n < r[0] {
			return nil, encodeError(v, typ, strconv.FormatInt(n, 10)+" is less than minimum value for "+strings.ToLower(typ))
		}
		return n, nil
	case "NUMERIC":
		switch x := v.(type) {
		case int64:
			return numText(strconv.FormatInt(x, 10)), nil
		case float64:
			if t, ok := pgSpecialFloat(x); ok {
				return numText(t), nil
			}
			return numText(strconv.FormatFloat(x, 'f', -1, 64)), nil
		case string:
			s := strings.TrimSpace(x)
			var d decimal
			if !d.setText(s) {
				return nil, inputError(typ, x)
			}
			return numText(s), nil
		}
		return nil, noPlan()
	case "FLOAT4", "FLOAT8":
		var f float64
		switch x := v.(type) {
		case int64:
			f = float64(x)
		case float64:
			f = x
		case string:
			p, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, inputError(typ, x)
			}
			f = p
		default:
			return nil, noPlan()
		}
		if typ == "FLOAT4" {
			f = float64(float32(f))
		}
		return f, nil
	case "TEXT", "VARCHAR", "BPCHAR", "NAME":
		switch x := v.(type) {
		case string:
			return x, nil
		case time.Time:
			return x.String(), nil
		}
		return nil, noPlan()
	case "TIMESTAMP", "TIMESTAMPTZ", "DATE":
		switch x := v.(type) {
		case time.Time:
			if typ == "TIMESTAMP" {
				// The wall clock, its zone dropped, as pgx encodes it.
				return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC), nil
			}
			return x, nil
		case string:
			if typ != "TIMESTAMP" {
				return v, nil
			}
			t, ok := pgTimestampOf(x)
			if !ok {
				return nil, inputError(typ, x)
			}
			return t, nil
		}
		return nil, noPlan()
	case "BYTEA":
		if _, ok := v.(string); ok {
			return []byte(v.(string)), nil
		}
		return nil, noPlan()
	case "BOOL":
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "t", "true", "y", "yes", "on", "1":
				return true, nil
			case "f", "false", "n", "no", "off", "0":
				return false, nil
			}
			return nil, inputError(typ, x)
		}
		return nil, noPlan()
	}
	return v, nil
}

func compareSymbol(op exprOp) string {
	switch op {
	case opEq, opNullIf:
		return "="
	case opNe:
		return "<>"
	case opLt:
		return "<"
	case opLe:
		return "<="
	case opGt:
		return ">"
	}
	return ">="
}

func opSymbol(op exprOp) string {
	switch op {
	case opAdd:
		return "+"
	case opSub:
		return "-"
	case opMul:
		return "*"
	case opDiv:
		return "/"
	}
	return "%"
}
