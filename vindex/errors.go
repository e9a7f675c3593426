package vindex

import (
	"errors"
	"fmt"
	"strings"
)

// Error is an error of one vindex: building it from its params, or mapping
// or writing values through it.
type Error struct {
	Vindex string // the vindex's name in the VSchema
	Type   string // its Vitess type
	Err    error
}

// Error returns `vindex "NAME": TYPE: message`.
func (e *Error) Error() string {
	return fmt.Sprintf("vindex %q: %s: %v", e.Vindex, e.Type, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// wrapError wraps err, which already says what failed, with the vindex.
func wrapError(name, typ string, err error) error {
	return &Error{Vindex: name, Type: typ, Err: err}
}

// ErrDuplicateKey is the error of a write that would duplicate a unique key
// of a lookup table. A Cursor should return an error that wraps it (or
// carries the backend's own duplicate-key message, see IsDuplicateKey) when
// an INSERT hits a unique key, and the consistent lookups return an error
// wrapping it when a value is already owned by a live row.
var ErrDuplicateKey = errors.New("duplicate key")

// IsDuplicateKey reports whether err is a unique-key violation: it wraps
// ErrDuplicateKey, or it carries the message of MySQL ("Duplicate entry"),
// SQLite ("UNIQUE constraint failed") or PostgreSQL ("duplicate key value
// violates unique constraint").
func IsDuplicateKey(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrDuplicateKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "Duplicate entry") ||
		strings.Contains(msg, "UNIQUE constraint failed") ||
		strings.Contains(msg, "duplicate key value violates unique constraint")
}
