package route

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/internal/dialect"

	"github.com/dot-do/vitessdo/vschema"
)

// UnsupportedError reports a statement the router cannot execute correctly.
// Its message starts with "unsupported:" and says why. It is the rendering
// layer's type, so that a construct a dialect cannot render and a
// statement the router cannot plan are one error to errors.As.
type UnsupportedError = dialect.UnsupportedError

func unsupportedf(format string, args ...any) error {
	return &UnsupportedError{Msg: fmt.Sprintf(format, args...)}
}

// planErrorf returns a *vschema.PlanError: the statement is invalid
// against the VSchema.
func planErrorf(format string, args ...any) error {
	return &vschema.PlanError{Msg: fmt.Sprintf(format, args...)}
}

// SyntaxError reports SQL the parser rejects.
type SyntaxError struct {
	SQL string
	Msg string
}

func (e *SyntaxError) Error() string {
	return "vitessdo: syntax error: " + e.Msg + " (the SQL dialect is Vitess/MySQL's: ? placeholders, `backtick` identifiers)"
}

// DDLError reports DDL that failed on some shards: Applied lists the
// shards where it took effect, Failed those where it did not (with Errs).
type DDLError struct {
	Applied []string
	Failed  []string
	Errs    []error
}

func (e *DDLError) Error() string {
	return fmt.Sprintf("vitessdo: DDL failed on shards %s (applied on: %s): %v", strings.Join(e.Failed, ", "), orNone(e.Applied), errors.Join(e.Errs...))
}

// Unwrap returns the shards' errors.
func (e *DDLError) Unwrap() []error { return e.Errs }

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
