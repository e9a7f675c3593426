package eval

import (
	"errors"
	"strconv"
)

// Errors the engines raise while computing a result; a merge that computes
// the same value raises the same error, with the engine's own message.
var (
	// ErrIntegerOverflow is SQLite's error for an integer SUM that overflows.
	ErrIntegerOverflow = errors.New("integer overflow")
	// ErrBigintOutOfRange is PostgreSQL's error for int8 arithmetic that overflows.
	ErrBigintOutOfRange = errors.New("bigint out of range")
	// ErrIntegerOutOfRange is PostgreSQL's error for int4 arithmetic, or
	// a cast to integer, whose result leaves the int4 range.
	ErrIntegerOutOfRange = errors.New("integer out of range")
	// ErrSmallintOutOfRange is PostgreSQL's error for int2 arithmetic, or
	// a cast to smallint, whose result leaves the int2 range.
	ErrSmallintOutOfRange = errors.New("smallint out of range")
	// ErrFloatOverflow is PostgreSQL's error for float arithmetic that overflows.
	ErrFloatOverflow = errors.New("value out of range: overflow")
	// ErrDivisionByZero is PostgreSQL's error for x / 0 and x % 0
	// (SQLite returns NULL instead).
	ErrDivisionByZero = errors.New("division by zero")
)

// IsComputed reports one of the errors above: an error of the data, not
// of the expression, which leaves the expression's type known.
func IsComputed(err error) bool {
	for _, e := range []error{ErrIntegerOverflow, ErrBigintOutOfRange, ErrIntegerOutOfRange, ErrSmallintOutOfRange, ErrFloatOverflow, ErrDivisionByZero} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// specError reports a merge spec that does not fit its input, a mistake of
// the caller building the operators rather than of the data.
type specError struct{ msg string }

func (e *specError) Error() string { return "merge: " + e.msg }

func columnError(what string, col, ncols int) error {
	return &specError{what + " column " + strconv.Itoa(col) + " out of range (" + strconv.Itoa(ncols) + " columns)"}
}

func valueError(typ string, v any) error {
	return &specError{"cannot add " + TypeName(v) + " as " + typ}
}

// TypeName names the Go type of a value in errors.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NULL"
	case int64:
		return "int64"
	case float64:
		return "float64"
	case string:
		return "string"
	case []byte:
		return "[]byte"
	case bool:
		return "bool"
	}
	return "value"
}
