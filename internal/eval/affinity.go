package eval

import (
	"strconv"
	"strings"
)

// Before comparing two values, each engine converts them by the types of
// the operands, and the merge does the same:
//
//   - SQLite applies column affinity: when one operand is a column with
//     INTEGER, REAL or NUMERIC affinity and the other has TEXT or no
//     affinity, text that looks like a number becomes that number
//     (qty > '5' compares 7 with 5); when one is a TEXT column and the
//     other has no affinity, a number becomes text (grp = 5 compares
//     with '5'). Literals, bound values and aggregates have no affinity.
//   - PostgreSQL gives a string literal compared with a number the
//     number's type (qty > '5' is qty > 5).

// affinity is an SQLite column affinity.
type affinity int8

const (
	affNone affinity = iota
	affText
	affNumeric
)

// affinityOf is the affinity of an operand: a column's from its declared
// type (SQLite's rules on the type name), a CAST's from its type, none
// for anything else.
func (ev *Evaluator) affinityOf(e *Expr) affinity {
	switch e.op {
	case opCol:
		return declaredAffinity(ev.cols[e.col].DatabaseType)
	case opCast:
		if e.val.(CastType) == CastText {
			return affText
		}
		return affNumeric
	}
	return affNone
}

// declaredAffinity is the affinity SQLite gives a column of a declared type.
func declaredAffinity(declared string) affinity {
	t := strings.ToUpper(declared)
	switch {
	case strings.Contains(t, "INT"):
		return affNumeric
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return affText
	case t == "", strings.Contains(t, "BLOB"):
		return affNone
	}
	// REAL, FLOA, DOUB and every other declared type: REAL or NUMERIC.
	return affNumeric
}

// HasNumericAffinity reports a column of a declared type to which SQLite
// gives INTEGER, REAL or NUMERIC affinity.
func HasNumericAffinity(declared string) bool {
	return declaredAffinity(declared) == affNumeric
}

// HasTextAffinity reports a column of a declared type to which SQLite
// gives TEXT affinity.
func HasTextAffinity(declared string) bool {
	return declaredAffinity(declared) == affText
}

// ToText converts a number to text as SQLite's TEXT affinity converts
// the operand compared with a TEXT column: a bool is the integer SQLite
// binds it as; any other value is returned as it is.
func ToText(v any) any {
	switch x := v.(type) {
	case bool:
		if x {
			return "1"
		}
		return "0"
	case uint64:
		return strconv.FormatUint(x, 10)
	}
	return textAffinity(v)
}

// ToNumber converts text that is a well-formed number (spaces around
// allowed) to that number, as SQLite's numeric affinity converts the
// text operand compared with a column of numeric affinity; any other
// value is returned as it is.
func ToNumber(v any) any {
	if s, ok := v.(string); ok {
		return numericAffinity(s)
	}
	return v
}

// coerce converts the two non-NULL operands of a comparison as the
// engine does before comparing them.
func (ev *Evaluator) coerce(ea, eb *Expr, a, b any) (any, any) {
	if ev.eng == PostgreSQL {
		return pgCoerce(a, b), pgCoerce(b, a)
	}
	fa, fb := ev.affinityOf(ea), ev.affinityOf(eb)
	switch {
	case fa == affNumeric && fb != affNumeric:
		b = numericAffinity(b)
	case fb == affNumeric && fa != affNumeric:
		a = numericAffinity(a)
	case fa == affText && fb == affNone:
		b = textAffinity(b)
	case fb == affText && fa == affNone:
		a = textAffinity(a)
	}
	return a, b
}

// numericAffinity converts text that is a well-formed number (spaces
// around allowed) to that number; anything else stays as it is.
func numericAffinity(v any) any {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return v
	}
	t := trimSpace(s)
	if i, err := strconv.ParseInt(t, 10, 64); err == nil {
		return i
	}
	if p, _ := numericPrefix(t); p != "" && p == t {
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			return f
		}
	}
	return v
}

// textAffinity converts a number to text as SQLite renders it.
func textAffinity(v any) any {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		s := strconv.FormatFloat(x, 'g', 15, 64)
		if !strings.ContainsAny(s, ".eEnN") {
			s += ".0"
		}
		return s
	}
	return v
}

// pgCoerce converts a string compared with a number to the number's type,
// as PostgreSQL resolves an unknown-typed literal; x is the other operand.
func pgCoerce(v, other any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	switch other.(type) {
	case int64, numText:
		var d decimal
		if d.setText(trimSpace(s)) {
			return numText(trimSpace(s))
		}
	case float64:
		if f, err := strconv.ParseFloat(trimSpace(s), 64); err == nil {
			return f
		}
	}
	return v
}
