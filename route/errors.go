package route

import (
	"fmt"

	"github.com/dot-do/vitessdo/vschema"
)

// UnsupportedError reports a statement the router cannot execute correctly.
// Its message starts with "unsupported:" and says why.
type UnsupportedError struct {
	Msg string
}

func (e *UnsupportedError) Error() string { return "vitessdo: unsupported: " + e.Msg }

func unsupportedf(format string, args ...any) error {
	return &UnsupportedError{Msg: fmt.Sprintf(format, args...)}
}

// planErrorf returns a *vschema.PlanError: the statement is invalid
// against the VSchema.
func planErrorf(format string, args ...any) error {
	return &vschema.PlanError{Msg: fmt.Sprintf(format, args...)}
}
