package dialect

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Dialect is a backend's SQL dialect.
type Dialect int

// The dialects a shard backend can speak.
const (
	SQLite Dialect = iota + 1
	PostgreSQL
)

// String returns the dialect's name as it appears in errors: "sqlite" or
// "postgresql".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case PostgreSQL:
		return "postgresql"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

func (d Dialect) valid() bool { return d == SQLite || d == PostgreSQL }

// Valid reports whether d is a dialect vitessdo renders.
func (d Dialect) Valid() bool { return d.valid() }

// identQuote is the character that quotes identifiers. PostgreSQL uses the
// standard double quote. SQLite accepts double quotes too, but the SQLite
// that modernc.org/sqlite ships is built with double-quoted string literals
// enabled: a double-quoted name that matches no column silently becomes a
// string constant (even in CREATE INDEX). A backtick-quoted name is always
// an identifier, so a misspelt column is an error as it is in MySQL.
func (d Dialect) identQuote() byte {
	if d == SQLite {
		return '`'
	}
	return '"'
}

// foldIdent is the identifier rule shared by DDL and DML: MySQL column
// names are case-insensitive and vitessdo treats table names the same way,
// so every table, column, index and table-alias name is lower-cased on every
// backend and then quoted. A table created as `Users` is "users" in the
// backend catalog and reachable as users, USERS or Users.
func foldIdent(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			return strings.ToLower(name)
		}
	}
	return name
}

// writeIdent writes name quoted for the dialect, without folding its case.
func (d Dialect) writeIdent(buf *bytes.Buffer, name string) error {
	if name == "" {
		return fmt.Errorf("vitessdo: render: empty identifier")
	}
	if strings.IndexByte(name, 0) >= 0 || !utf8.ValidString(name) {
		return fmt.Errorf("vitessdo: render: identifier %q is not valid UTF-8 text", name)
	}
	q := d.identQuote()
	buf.WriteByte(q)
	for i := 0; i < len(name); i++ {
		if name[i] == q {
			buf.WriteByte(q)
		}
		buf.WriteByte(name[i])
	}
	buf.WriteByte(q)
	return nil
}

// writeString writes s as a standard SQL string literal: single quotes,
// a quote doubled, no backslash escapes (SQLite has none and PostgreSQL has
// none with standard_conforming_strings on, its default since 9.1). Text
// that neither backend can hold in a literal (a NUL byte, invalid UTF-8) is
// an error: such values travel as bind variables.
func writeString(buf *bytes.Buffer, s []byte) error {
	if bytes.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("vitessdo: render: string literal contains a NUL byte; pass it as a bind variable")
	}
	if !utf8.Valid(s) {
		return fmt.Errorf("vitessdo: render: string literal is not valid UTF-8; pass it as a bind variable")
	}
	buf.WriteByte('\'')
	for _, c := range s {
		if c == '\'' {
			buf.WriteByte('\'')
		}
		buf.WriteByte(c)
	}
	buf.WriteByte('\'')
	return nil
}

// writeBytes writes b as a binary literal: X'…' on SQLite, a bytea built
// from hexadecimal on PostgreSQL (decode works whatever
// standard_conforming_strings says).
func (d Dialect) writeBytes(buf *bytes.Buffer, b []byte) {
	const digits = "0123456789ABCDEF"
	if d == SQLite {
		buf.WriteString("X'")
	} else {
		buf.WriteString("decode('")
	}
	for _, c := range b {
		buf.WriteByte(digits[c>>4])
		buf.WriteByte(digits[c&15])
	}
	if d == SQLite {
		buf.WriteByte('\'')
	} else {
		buf.WriteString("', 'hex')")
	}
}
