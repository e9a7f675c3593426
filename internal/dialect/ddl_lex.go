package dialect

import (
	"fmt"
	"strings"
)

// The DDL recogniser reads MySQL DDL with a lexer of its own, because the
// pinned parser drops what it does not understand (CREATE INDEX, ALTER
// TABLE, FOREIGN KEY clauses) rather than failing. The lexer knows
// MySQL's words, `quoted names`, 'strings' and "strings", numbers,
// comments and punctuation, and keeps each token's byte range.

type tokKind int

const (
	tokEOF tokKind = iota
	tokWord
	tokQuoted // `name`
	tokString
	tokNumber
	tokPunct
)

type token struct {
	kind     tokKind
	text     string // the source text
	val      string // a word or quoted name unquoted, a string's value
	pos, end int
}

func lexDDL(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#' || c == '-' && strings.HasPrefix(src[i:], "-- "):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("vitessdo: ddl: unterminated comment")
			}
			if strings.HasPrefix(src[i:], "/*!") {
				return nil, fmt.Errorf("vitessdo: ddl: unsupported: MySQL-specific comment /*! … */")
			}
			i += end + 4
		case isWordByte(c):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			kind := tokWord
			if c >= '0' && c <= '9' && isNumberText(src[i:j]) {
				kind = tokNumber
			}
			toks = append(toks, token{kind: kind, text: src[i:j], val: src[i:j], pos: i, end: j})
			i = j
		case c == '`':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(src) {
					return nil, fmt.Errorf("vitessdo: ddl: unterminated quoted name")
				}
				if src[j] == '`' {
					if j+1 < len(src) && src[j+1] == '`' {
						b.WriteByte('`')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			toks = append(toks, token{kind: tokQuoted, text: src[i : j+1], val: b.String(), pos: i, end: j + 1})
			i = j + 1
		case c == '\'' || c == '"':
			val, j, err := scanDDLString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokString, text: src[i:j], val: val, pos: i, end: j})
			i = j
		default:
			toks = append(toks, token{kind: tokPunct, text: src[i : i+1], val: src[i : i+1], pos: i, end: i + 1})
			i++
		}
	}
	toks = append(toks, token{kind: tokEOF, pos: len(src), end: len(src)})
	return toks, nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}

func isNumberText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// scanDDLString reads a MySQL string literal at src[i] (its quote), with
// backslash escapes and doubled quotes, returning its value and the end.
func scanDDLString(src string, i int) (string, int, error) {
	q := src[i]
	var b strings.Builder
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch {
		case c == q && j+1 < len(src) && src[j+1] == q:
			b.WriteByte(q)
			j += 2
		case c == q:
			return b.String(), j + 1, nil
		case c == '\\' && j+1 < len(src):
			switch e := src[j+1]; e {
			case '0':
				b.WriteByte(0)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			case 'Z':
				b.WriteByte(26)
			case '%', '_':
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				b.WriteByte(e)
			}
			j += 2
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", 0, fmt.Errorf("vitessdo: ddl: unterminated string")
}
