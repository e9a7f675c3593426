package eval

import (
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrLikeEscapeEnd is PostgreSQL's error for a LIKE pattern whose escape
// character ends it, raised when the match reaches it.
var ErrLikeEscapeEnd = errors.New("LIKE pattern must not end with escape character")

// Like is a LIKE p ESCAPE '\', as the shards run it: % matches any run of
// characters, _ one character, a backslash quotes the next character, and
// the case of ASCII letters is ignored (SQLite's LIKE, PostgreSQL's ILIKE
// over COLLATE "C" text). See LikeEscape.
func Like(a, p Expr) Expr { return LikeEscape(a, p, Lit(`\`), true) }

// LikeEscape is a LIKE p ESCAPE esc. On SQLite a number is matched as the
// text SQLite renders it, the escape must be one character, and a pattern
// that ends with it matches nothing. On PostgreSQL both sides must be
// text, the escape is one character or none (empty), and a match that
// reaches an escape ending the pattern fails with ErrLikeEscapeEnd; ascii
// says whether only ASCII letters fold (an operand is a column, COLLATE
// "C"), otherwise every letter folds as lower() does under the database's
// default collation. NULL in any operand is NULL.
func LikeEscape(a, p, esc Expr, ascii bool) Expr {
	var v any
	if !ascii {
		v = true
	}
	return Expr{op: opLike, args: []Expr{a, p, esc}, val: v}
}

func (ev *Evaluator) like(e *Expr, row Row) (any, error) {
	var vs [3]any
	for i := range e.args {
		v, err := ev.eval(&e.args[i], row)
		if err != nil {
			return nil, err
		}
		vs[i] = v
	}
	a, p, esc := vs[0], vs[1], vs[2]
	if ev.eng == SQLite {
		// SQLite checks the escape before the operands.
		if len(e.args) < 3 {
			esc = `\`
		}
		if esc == nil {
			return nil, nil
		}
		escText, _ := likeText(esc)
		if utf8.RuneCountInString(escText) != 1 {
			return nil, errors.New("ESCAPE expression must be a single character")
		}
		if a == nil || p == nil {
			return nil, nil
		}
		s, ok := likeText(a)
		pat, pok := likeText(p)
		if !ok || !pok {
			return nil, &specError{"LIKE over " + TypeName(a) + " and " + TypeName(p)}
		}
		r, _ := utf8.DecodeRuneInString(escText)
		return ev.boolean(sqliteLike(cutNUL(pat), cutNUL(s), r)), nil
	}
	if a == nil || p == nil || (len(e.args) == 3 && esc == nil) {
		return nil, nil
	}
	// PostgreSQL has no LIKE for numbers.
	s, ok := a.(string)
	pat, pok := p.(string)
	if !ok || !pok {
		return nil, &specError{"LIKE over " + TypeName(a) + " and " + TypeName(p)}
	}
	r := '\\'
	if len(e.args) == 3 {
		escText, ok := esc.(string)
		if !ok {
			return nil, &specError{"LIKE ESCAPE " + TypeName(esc)}
		}
		switch utf8.RuneCountInString(escText) {
		case 0:
			r = -1
		case 1:
			r, _ = utf8.DecodeRuneInString(escText)
		default:
			return nil, errors.New("invalid escape string")
		}
	}
	fold := asciiLower
	if e.val == true {
		fold = unicode.ToLower
	}
	m, err := pgLike([]rune(s), []rune(pat), r, fold)
	if err != nil {
		return nil, err
	}
	return ev.boolean(m == likeTrue), nil
}

// likeText is the text LIKE matches for a value on SQLite.
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
	case time.Time:
		// The text a shard holds for a DATETIME column modernc hands
		// out as a time.Time.
		return textOf(x), true
	}
	return "", false
}

// cutNUL is s up to its first NUL, the text SQLite's LIKE reads.
func cutNUL(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

func asciiLower(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// sqliteLike is SQLite's patternCompare for LIKE with an escape
// character: ASCII letters fold, an escape equal to % or _ takes that
// wildcard's place, and an escape ending the pattern matches nothing.
func sqliteLike(p, s string, esc rune) bool {
	all, one := '%', '_'
	if esc == all {
		all = -1
	}
	if esc == one {
		one = -1
	}
	return sqlitePattern(p, s, all, one, esc) == likeTrue
}

// Match results: likeAbort is a failure no shorter text can turn into a
// match, so the callers of a % stop trying.
const (
	likeFalse = iota
	likeTrue
	likeAbort
)

func sqlitePattern(p, s string, all, one, esc rune) int {
	same := func(c, d rune) bool {
		return c == d || c < utf8.RuneSelf && d < utf8.RuneSelf && asciiLower(c) == asciiLower(d)
	}
	next := func(x *string) rune {
		if *x == "" {
			return 0
		}
		r, n := utf8.DecodeRuneInString(*x)
		*x = (*x)[n:]
		return r
	}
	for p != "" {
		c := next(&p)
		if c == all {
			for {
				c = next(&p)
				if c != all && (c != one || c == 0) {
					break
				}
				if c == one && next(&s) == 0 {
					return likeAbort
				}
			}
			if c == 0 {
				return likeTrue
			}
			if c == esc {
				if c = next(&p); c == 0 {
					return likeAbort
				}
			}
			for s != "" {
				d := next(&s)
				if !same(c, d) {
					continue
				}
				if m := sqlitePattern(p, s, all, one, esc); m != likeFalse {
					return m
				}
			}
			return likeAbort
		}
		escaped := false
		if c == esc {
			if c = next(&p); c == 0 {
				return likeFalse
			}
			escaped = true
		}
		d := next(&s)
		if d != 0 && same(c, d) {
			continue
		}
		if c == one && !escaped && d != 0 {
			continue
		}
		return likeFalse
	}
	if s == "" {
		return likeTrue
	}
	return likeFalse
}

// pgLike is PostgreSQL's MatchText over text and pattern folded by fold
// (ILIKE); esc is the escape character, or -1 for none.
func pgLike(t, p []rune, esc rune, fold func(rune) rune) (int, error) {
	for len(t) > 0 && len(p) > 0 {
		switch {
		case p[0] == esc:
			p = p[1:]
			if len(p) == 0 {
				return likeFalse, ErrLikeEscapeEnd
			}
			if fold(p[0]) != fold(t[0]) {
				return likeFalse, nil
			}
		case p[0] == '%':
			p = p[1:]
			for len(p) > 0 && p[0] != esc {
				if p[0] == '%' {
					p = p[1:]
				} else if p[0] == '_' {
					if len(t) == 0 {
						return likeAbort, nil
					}
					t, p = t[1:], p[1:]
				} else {
					break
				}
			}
			if len(p) == 0 {
				return likeTrue, nil
			}
			first := p[0]
			if first == esc {
				if len(p) < 2 {
					return likeFalse, ErrLikeEscapeEnd
				}
				first = p[1]
			}
			for ; len(t) > 0; t = t[1:] {
				if fold(t[0]) == fold(first) {
					if m, err := pgLike(t, p, esc, fold); err != nil || m != likeFalse {
						return m, err
					}
				}
			}
			return likeAbort, nil
		case p[0] == '_':
		default:
			if fold(p[0]) != fold(t[0]) {
				return likeFalse, nil
			}
		}
		t, p = t[1:], p[1:]
	}
	if len(t) > 0 {
		return likeFalse, nil
	}
	for len(p) > 0 && p[0] == '%' && esc != '%' {
		p = p[1:]
	}
	if len(p) == 0 {
		return likeTrue, nil
	}
	return likeAbort, nil
}
