package shard

import (
	"fmt"
)

// UnsupportedError reports a construct that has no correct rendering in a
// dialect. Its text is "vitessdo: unsupported: <what> on <dialect>".
type UnsupportedError struct {
	What    string
	Dialect Dialect
}

func (e *UnsupportedError) Error() string {
	return "vitessdo: unsupported: " + e.What + " on " + e.Dialect.String()
}

func unsupported(d Dialect, what string) error {
	return &UnsupportedError{What: what, Dialect: d}
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("vitessdo: render: "+format, args...)
}
