package merge

import (
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// literal is an Iterator over rows written as compact literals, recording
// how it was used.
type literal struct {
	cols   []Column
	rows   []Row
	next   int
	err    error // returned once the rows are exhausted, instead of io.EOF
	closes int
	reads  int
}

var _ Iterator = (*literal)(nil)

func (l *literal) Columns() []Column { return l.cols }

func (l *literal) Next() (Row, error) {
	if l.closes > 0 {
		return nil, errors.New("literal: Next after Close")
	}
	if l.next >= len(l.rows) {
		if l.err != nil {
			return nil, l.err
		}
		return nil, io.EOF
	}
	r := l.rows[l.next]
	l.next++
	l.reads++
	return append(Row(nil), r...), nil
}

func (l *literal) Close() error {
	l.closes++
	return nil
}

// cols parses "name:TYPE name:TYPE"; TYPE is a database type name
// (INTEGER, REAL, TEXT, BLOB, INT8, NUMERIC, BOOL, TIMESTAMP...) or empty
// ("name:" or "name"), which types each value by its look as an SQLite
// expression column does.
func cols(spec string) []Column {
	var out []Column
	for _, f := range strings.Fields(spec) {
		name, typ, _ := strings.Cut(f, ":")
		out = append(out, Column{Name: name, DatabaseType: typ})
	}
	return out
}

// lit builds a literal iterator: columns as for cols, each row "v|v|v".
// NULL is nil; '…' quotes text and x'…' is a hex blob in an untyped column.
func lit(t testing.TB, colSpec string, rows ...string) *literal {
	t.Helper()
	c := cols(colSpec)
	return &literal{cols: c, rows: parseRows(t, c, rows...)}
}

func parseRows(t testing.TB, c []Column, rows ...string) []Row {
	t.Helper()
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		fields := strings.Split(r, "|")
		if len(fields) != len(c) {
			t.Fatalf("row %q has %d values, want %d", r, len(fields), len(c))
		}
		row := make(Row, len(c))
		for i, f := range fields {
			row[i] = parseValue(t, c[i].DatabaseType, f)
		}
		out = append(out, row)
	}
	return out
}

func parseValue(t testing.TB, typ, s string) any {
	t.Helper()
	if s == "NULL" {
		return nil
	}
	must := func(v any, err error) any {
		t.Helper()
		if err != nil {
			t.Fatalf("literal %q as %s: %v", s, typ, err)
		}
		return v
	}
	switch strings.ToUpper(typ) {
	case "INTEGER", "INT", "INT2", "INT4", "INT8", "BIGINT":
		return must(strconv.ParseInt(s, 10, 64))
	case "REAL", "FLOAT4", "FLOAT8", "DOUBLE":
		return must(strconv.ParseFloat(s, 64))
	case "TEXT", "VARCHAR", "NUMERIC":
		return s
	case "BLOB", "BYTEA":
		return []byte(s)
	case "BOOL":
		return must(strconv.ParseBool(s))
	case "TIMESTAMP", "DATETIME", "TIMESTAMPTZ", "DATE":
		return must(time.Parse(time.RFC3339Nano, s))
	}
	if len(s) >= 3 && s[0] == 'x' && s[1] == '\'' && s[len(s)-1] == '\'' {
		return must(hex.DecodeString(s[2 : len(s)-1]))
	}
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return s[1 : len(s)-1]
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return v
	}
	return s
}

// drain reads it to the end, returning the rows and the error that ended
// the stream (nil for io.EOF).
func drain(t testing.TB, it Iterator) ([]Row, error) {
	t.Helper()
	var out []Row
	for {
		r, err := it.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, r)
		if len(out) > 1e6 {
			t.Fatal("runaway iterator")
		}
	}
}

// wantRows drains it and compares with rows parsed by its own columns' types.
func wantRows(t testing.TB, it Iterator, rows ...string) {
	t.Helper()
	got, err := drain(t, it)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	want := parseRows(t, it.Columns(), rows...)
	if len(want) == 0 {
		want = nil
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if err := it.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// sources returns the literal iterators as Iterators.
func sources(ls ...*literal) []Iterator {
	out := make([]Iterator, len(ls))
	for i, l := range ls {
		out[i] = l
	}
	return out
}

// checkClosedOnce fails unless every literal was closed exactly once.
func checkClosedOnce(t testing.TB, ls ...*literal) {
	t.Helper()
	for i, l := range ls {
		if l.closes != 1 {
			t.Errorf("source %d closed %d times, want 1", i, l.closes)
		}
	}
}

// diffRows reports (and logs) whether got differs from want.
func diffRows(t testing.TB, want, got []Row) bool {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
		t.Logf("rows (-want +got):\n%s", diff)
		return true
	}
	return false
}
