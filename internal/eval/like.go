package eval

import (
	"strings"
	"unicode/utf8"
)

// Like is a LIKE p: % matches any run of characters, _ one character.
// On SQLite the match ignores the case of ASCII letters and has no escape
// character, and a number is matched as the text SQLite renders it; on
// PostgreSQL it is case-sensitive, a backslash escapes the next
// character, and both sides must be text. NULL on either side is NULL.
func Like(a, p Expr) Expr { return binary(opLike, a, p) }

func (ev *Evaluator) like(e *Expr, row Row) (any, error) {
	a, err := ev.eval(&e.args[0], row)
	if err != nil || a == nil {
		return nil, err
	}
	p, err := ev.eval(&e.args[1], row)
	if err != nil || p == nil {
		return nil, err
	}
	s, ok := likeText(a)
	pat, pok := likeText(p)
	if ev.eng == PostgreSQL {
		// PostgreSQL has no LIKE for numbers.
		_, ok = a.(string)
		_, pok = p.(string)
	}
	if !ok || !pok {
		return nil, &specError{"LIKE over " + TypeName(a) + " and " + TypeName(p)}
	}
	if ev.eng == SQLite {
		return ev.boolean(likeMatch(s, pat, true, false)), nil
	}
	return ev.boolean(likeMatch(s, pat, false, true)), nil
}

// likeText is the text LIKE matches for a value.
func likeText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	case numText:
		return string(x), true
	case int64, float64:
		return textAffinity(x).(string), true
	}
	return "", false
}

// likeMatch matches s against the LIKE pattern p; fold ignores the case
// of ASCII letters, escape makes a backslash quote the next character.
func likeMatch(s, p string, fold, escape bool) bool {
	for len(p) > 0 {
		c, n := utf8.DecodeRuneInString(p)
		switch {
		case c == '%':
			for len(p) > 0 && p[0] == '%' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i <= len(s); {
				if likeMatch(s[i:], p, fold, escape) {
					return true
				}
				if i == len(s) {
					break
				}
				_, m := utf8.DecodeRuneInString(s[i:])
				i += m
			}
			return false
		case c == '_':
			if s == "" {
				return false
			}
			_, m := utf8.DecodeRuneInString(s)
			s, p = s[m:], p[n:]
			continue
		case c == '\\' && escape && len(p) > n:
			p = p[n:]
			c, n = utf8.DecodeRuneInString(p)
		}
		if s == "" {
			return false
		}
		d, m := utf8.DecodeRuneInString(s)
		if c != d && !(fold && c < utf8.RuneSelf && d < utf8.RuneSelf && strings.EqualFold(string(c), string(d))) {
			return false
		}
		s, p = s[m:], p[n:]
	}
	return s == ""
}
