package vschema

import (
	"fmt"
	"strings"
)

// VSchemaError reports an invalid VSchema. The fields name where the
// problem is; empty fields do not apply.
type VSchemaError struct {
	File     string
	Keyspace string
	Table    string
	Vindex   string
	Field    string
	Msg      string
}

func (e *VSchemaError) Error() string {
	var b strings.Builder
	b.WriteString("vschema")
	if e.File != "" {
		fmt.Fprintf(&b, " %s", e.File)
	}
	if e.Keyspace != "" {
		fmt.Fprintf(&b, ": keyspace %q", e.Keyspace)
	}
	if e.Table != "" {
		fmt.Fprintf(&b, ": table %q", e.Table)
	}
	if e.Vindex != "" {
		fmt.Fprintf(&b, ": vindex %q", e.Vindex)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// PlanError reports a statement that is invalid against the VSchema: an
// unknown table or keyspace, an ambiguous name, a missing vindex value.
type PlanError struct {
	Msg string
}

func (e *PlanError) Error() string { return "vitessdo: " + e.Msg }

func planErrorf(format string, args ...any) error {
	return &PlanError{Msg: fmt.Sprintf(format, args...)}
}
