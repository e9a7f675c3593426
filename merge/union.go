package merge

import (
	"errors"
	"io"
	"strings"

	"github.com/dot-do/vitessdo/internal/eval"
)

// ErrUnionColumns is the error for a UNION whose SELECTs have different
// numbers of columns.
var ErrUnionColumns = errors.New("the SELECTs of a UNION have different numbers of columns")

var _ Iterator = (*Union)(nil)

// Union returns the rows of the SELECTs of a UNION ALL, one SELECT after
// another: the first source's rows, then those of each later source,
// which is opened only when the one before it has ended and been closed
// (so the SELECTs of a transaction never read one shard connection at
// once). The columns are the first source's.
//
// NewUnion with distinct gives UNION (DISTINCT): the rows sorted by every
// column (Sort: every row held, at most maxRows) with rows equal to their
// predecessor dropped (Distinct), equality being the engine's (NULL equals
// NULL, SQLite's 1 equals 1.0).
//
// On PostgreSQL the server converts the columns of a UNION to one type
// (integer and numeric to numeric, text and varchar to text); a later
// source whose types would convert values, which the merge does not
// reproduce, ends the stream with a UnionTypeError.
type Union struct {
	cur  Iterator
	rest []func() (Iterator, error)
	cols []Column
	eng  eval.Engine
	err  error
}

// NewUnion returns the union of first and the sources rest opens, in
// order.
func NewUnion(first Iterator, rest []func() (Iterator, error), distinct bool, eng eval.Engine, maxRows int64) Iterator {
	u := &Union{cur: first, rest: rest, cols: first.Columns(), eng: eng}
	if !distinct {
		return u
	}
	keys := make([]eval.SortKey, len(u.cols))
	for i := range keys {
		keys[i] = eval.SortKey{Col: i}
	}
	return NewDistinct(NewSort(NewBound(u, maxRows, "UNION"), keys, eng), nil, eng)
}

// Columns returns the first source's columns.
func (u *Union) Columns() []Column { return u.cols }

// Next returns the current source's next row, moving to the next source
// at the end of one.
func (u *Union) Next() (Row, error) {
	for u.err == nil && u.cur != nil {
		row, err := u.cur.Next()
		if err == nil {
			return row, nil
		}
		if err != io.EOF {
			u.err = err
			break
		}
		u.cur.Close()
		u.cur = nil
		if len(u.rest) == 0 {
			u.err = io.EOF
			break
		}
		open := u.rest[0]
		u.rest = u.rest[1:]
		next, err := open()
		if err != nil {
			u.err = err
			break
		}
		u.cur = next
		if err := u.check(next.Columns()); err != nil {
			u.err = err
		}
	}
	if u.err == nil {
		u.err = io.EOF
	}
	return nil, u.err
}

// Close closes the current source; sources not yet opened never are.
func (u *Union) Close() error {
	u.rest = nil
	if u.err == nil {
		u.err = io.EOF
	}
	if u.cur == nil {
		return nil
	}
	err := u.cur.Close()
	u.cur = nil
	return err
}

func (u *Union) check(cs []Column) error {
	if len(cs) != len(u.cols) {
		return ErrUnionColumns
	}
	if u.eng != eval.PostgreSQL {
		return nil
	}
	for i := range cs {
		if typeFamily(u.cols[i].DatabaseType) != typeFamily(cs[i].DatabaseType) {
			return &UnionTypeError{Column: u.cols[i].Name, Left: u.cols[i].DatabaseType, Right: cs[i].DatabaseType}
		}
	}
	return nil
}

// UnionTypeError reports UNION columns of types PostgreSQL would convert
// to a common type.
type UnionTypeError struct {
	Column, Left, Right string
}

func (e *UnionTypeError) Error() string {
	return "UNION column " + e.Column + " is " + e.Left + " in one SELECT and " + e.Right + " in another: PostgreSQL would convert them to one type"
}

// typeFamily groups the type names the PostgreSQL driver and the router
// report (INT8 and BIGINT name one type) into the types whose values a
// PostgreSQL UNION keeps as they are: the integers (the server widens
// int2, int4 and int8 to the widest, the same int64), the text types
// (varchar and text to text). Other pairs the server converts with a
// change of value or of Go type: integer or float to numeric, float4 to
// float8 (0.1 becomes 0.100000001490116), char(n) to text (trailing
// blanks dropped), date or timestamp to timestamptz (the session's time
// zone); each of those types is a family of its own.
func typeFamily(t string) string {
	t = strings.ToUpper(strings.TrimSpace(t))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "INT2", "INT4", "INT8", "SMALLINT", "INTEGER", "INT", "BIGINT":
		return "integer"
	case "TEXT", "VARCHAR", "CHARACTER VARYING":
		return "text"
	case "BPCHAR", "CHARACTER":
		return "bpchar"
	case "FLOAT4", "REAL":
		return "float4"
	case "FLOAT8", "DOUBLE PRECISION", "DOUBLE":
		return "float8"
	case "NUMERIC", "DECIMAL":
		return "numeric"
	case "BOOL", "BOOLEAN":
		return "bool"
	case "TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE":
		return "timestamp"
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		return "timestamptz"
	case "BYTEA", "VARBINARY":
		return "bytea"
	}
	return t
}
