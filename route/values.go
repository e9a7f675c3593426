package route

import (
	"encoding/hex"
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
	case sqlparser.HexNum, sqlparser.HexVal, sqlparser.BitVal:
		// MySQL's 0x04, X'04' and b'100' are binary strings, and the
		// renderer sends them to the shards as blobs (bytea): a vindex
		// maps them, and the router compares them, as those bytes, so
		// that a row is looked for where the backend finds it.
		return binaryLiteral(v)
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

// binaryLiteral returns the bytes of a hexadecimal or bit literal.
func binaryLiteral(v *sqlparser.SQLVal) ([]byte, error) {
	s := string(v.Val)
	switch v.Type {
	case sqlparser.HexVal:
		return v.HexDecode()
	case sqlparser.HexNum:
		s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
		if len(s)%2 == 1 {
			s = "0" + s
		}
		return hex.DecodeString(s)
	}
	for len(s)%8 != 0 {
		s = "0" + s
	}
	out := make([]byte, len(s)/8)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '1':
			out[i/8] |= 1 << (7 - uint(i%8))
		case '0':
		default:
			return nil, fmt.Errorf("malformed bit literal %q", v.Val)
		}
	}
	return out, nil
}
