package dialect

import (
	"fmt"
)

// UnsupportedError reports SQL vitessdo cannot run correctly: a statement
// the router cannot execute, or a construct with no correct rendering in a
// backend's dialect. Its text is "vitessdo: unsupported: " followed by
// Msg, which says what and why. It is the one type for every such error;
// the router and the root package name it too.
type UnsupportedError struct {
	Msg string
}

func (e *UnsupportedError) Error() string { return "vitessdo: unsupported: " + e.Msg }

// unsupported reports a construct with no correct rendering in d:
// "<what> on <dialect>".
func unsupported(d Dialect, what string) error {
	return &UnsupportedError{Msg: what + " on " + d.String()}
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("vitessdo: render: "+format, args...)
}
