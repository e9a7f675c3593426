package route

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// valueExpr is a value the router needs before the statement runs, such as
// a vindex column's value: a literal of the SQL text or a ? argument.
type valueExpr struct {
	arg int // index into the arguments, or -1 for a literal
	lit any
}

// newValueExpr returns the value of an expression the router can evaluate
// without a database: literals, NULL, TRUE/FALSE, ? arguments and a
// negated numeric literal. ok is false for anything else.
func newValueExpr(e sqlparser.Expr) (valueExpr, bool) {
	switch e := e.(type) {
	case *sqlparser.SQLVal:
		if e.Type == sqlparser.ValArg {
			i, ok := argIndex(string(e.Val))
			if !ok {
				return valueExpr{}, false
			}
			return valueExpr{arg: i}, true
		}
		v, err := literalValue(e)
		if err != nil {
			return valueExpr{}, false
		}
		return valueExpr{arg: -1, lit: v}, true
	case *sqlparser.NullVal:
		return valueExpr{arg: -1, lit: nil}, true
	case sqlparser.BoolVal:
		if e {
			return valueExpr{arg: -1, lit: int64(1)}, true
		}
		return valueExpr{arg: -1, lit: int64(0)}, true
	case *sqlparser.UnaryExpr:
		if e.Operator != sqlparser.UMinusStr {
			return valueExpr{}, false
		}
		v, ok := e.Expr.(*sqlparser.SQLVal)
		if !ok || (v.Type != sqlparser.IntVal && v.Type != sqlparser.FloatVal) {
			return valueExpr{}, false
		}
		neg := *v
		neg.Val = append([]byte("-"), v.Val...)
		return newValueExpr(&neg)
	case *sqlparser.ParenExpr:
		return newValueExpr(e.Expr)
	}
	return valueExpr{}, false
}

// eval returns the value for one execution.
func (v valueExpr) eval(args []any) (any, error) {
	if v.arg < 0 {
		return v.lit, nil
	}
	if v.arg >= len(args) {
		return nil, planErrorf("statement has %d arguments, but placeholder %d was used", len(args), v.arg+1)
	}
	return args[v.arg], nil
}

// isLiteral reports whether the value is known at plan time.
func (v valueExpr) isLiteral() bool { return v.arg < 0 }

func (v valueExpr) String() string {
	if v.arg >= 0 {
		return fmt.Sprintf("?%d", v.arg+1)
	}
	return fmt.Sprintf("%v", v.lit)
}

// literalValue converts a SQL literal to the Go value a bound argument of
// the same meaning would have.
func literalValue(v *sqlparser.SQLVal) (any, error) {
	s := string(v.Val)
	switch v.Type {
	case sqlparser.StrVal:
		return s, nil
	case sqlparser.IntVal:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return u, nil
		}
		return nil, fmt.Errorf("integer %s is out of range", s)
	case sqlparser.FloatVal:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, err
		}
		return f, nil
	case sqlparser.HexNum:
		u, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 64)
		if err != nil {
			return nil, err
		}
		return u, nil
	case sqlparser.HexVal:
		return v.HexDecode()
	case sqlparser.BitVal:
		u, err := strconv.ParseUint(s, 2, 64)
		if err != nil {
			return nil, err
		}
		return u, nil
	}
	return nil, fmt.Errorf("not a literal")
}

// sameValue reports whether two literals are certainly equal or certainly
// different; known is false when that depends on conversions the backend
// makes (a string against a number).
func sameValue(a, b any) (equal, known bool) {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y, true
		case uint64:
			return x >= 0 && uint64(x) == y, true
		}
	case uint64:
		switch y := b.(type) {
		case uint64:
			return x == y, true
		case int64:
			return y >= 0 && uint64(y) == x, true
		}
	case string:
		if y, ok := b.(string); ok && x == y {
			return true, true
		}
	}
	return false, false
}
