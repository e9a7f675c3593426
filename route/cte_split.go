package route

import (
	"fmt"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// The pinned parser does not read WITH. splitWith cuts a statement that
// starts with WITH into its common table expressions and the statement
// after them, reading the text with the parser's own tokenizer, so that
// strings, comments, backquoted names and nested parentheses are read as
// the parser reads them. Each piece is a contiguous part of the text;
// the parser then reads each piece alone.

// withClause is a statement that starts with WITH, split.
type withClause struct {
	ctes []cteDef
	// main is the text of the statement after the WITH clause; mainArgs
	// the number of ? placeholders in the text before it.
	main     string
	mainArgs int
	// args is the number of ? placeholders in the whole text.
	args int
	// recursive reports WITH RECURSIVE: a CTE may read itself.
	recursive bool
}

// cteDef is one common table expression: name [(cols…)] AS (body).
type cteDef struct {
	name string
	cols []string
	body string
	// argsBefore is the number of ? placeholders in the text before the
	// body; nargs the number in the body.
	argsBefore, nargs int
}

// cteToken is a token of the text and where it lies.
type cteToken struct {
	typ        int
	val        []byte
	start, end int
}

// cteScanner reads the tokens of a statement, skipping comments and
// counting the ? placeholders read so far.
type cteScanner struct {
	sql  string
	tkn  *sqlparser.Tokenizer
	end  int
	args int
	// named counts the :vN placeholders read (the form the router
	// writes ? in when it rewrites a text, see cte_nested.go), maxNamed
	// is the largest N.
	named, maxNamed int
}

func newCTEScanner(sql string) *cteScanner {
	return &cteScanner{sql: sql, tkn: sqlparser.NewStringTokenizer(sql)}
}

// next returns the next token that is not a comment. A named bind
// variable (:name) is refused: the placeholders of the pieces are
// renumbered by position, which only ? placeholders have, and :vN, which
// names the N-th argument wherever it stands.
func (sc *cteScanner) next() (cteToken, error) {
	for {
		typ, val := sc.tkn.Scan()
		start := sc.end
		for start < len(sc.sql) && strings.IndexByte(" \n\r\t", sc.sql[start]) >= 0 {
			start++
		}
		sc.end = sc.tkn.Position - 1
		if sc.end > len(sc.sql) {
			sc.end = len(sc.sql)
		}
		if start > sc.end {
			start = sc.end
		}
		switch typ {
		case sqlparser.COMMENT:
			continue
		case sqlparser.LEX_ERROR:
			return cteToken{}, &SyntaxError{SQL: sc.sql, Msg: fmt.Sprintf("WITH: cannot read the text at position %d near '%s'", start+1, val)}
		case sqlparser.VALUE_ARG, sqlparser.LIST_ARG:
			if start < len(sc.sql) && sc.sql[start] == '?' {
				sc.args++
			} else if i, ok := argIndex(string(val)); ok && typ == sqlparser.VALUE_ARG {
				sc.named++
				sc.maxNamed = max(sc.maxNamed, i+1)
			} else {
				return cteToken{}, unsupportedf("WITH: named bind variable %s (the statement's pieces are numbered by the position of their ? placeholders)", val)
			}
		}
		return cteToken{typ: typ, val: val, start: start, end: sc.end}, nil
	}
}

// splitWith splits a statement that starts with WITH. A panic of the
// tokenizer is a syntax error.
func splitWith(sql string) (w *withClause, err error) {
	defer func() {
		if r := recover(); r != nil {
			w, err = nil, &SyntaxError{SQL: sql, Msg: fmt.Sprintf("WITH: %v", r)}
		}
	}()
	if strings.Contains(sql, "/*!") {
		return nil, unsupportedf("WITH: MySQL comments /*! … */ in a statement with common table expressions")
	}
	sc := newCTEScanner(sql)
	syntax := func(format string, args ...any) error {
		return &SyntaxError{SQL: sql, Msg: "WITH: " + fmt.Sprintf(format, args...)}
	}
	t, err := sc.next()
	if err != nil {
		return nil, err
	}
	if t.typ != sqlparser.WITH {
		return nil, syntax("the statement does not start with WITH")
	}
	w = &withClause{}
	seen := map[string]bool{}
	for first := true; ; first = false {
		t, err = sc.next()
		if err != nil {
			return nil, err
		}
		if first && t.typ == sqlparser.ID && strings.EqualFold(string(t.val), "recursive") {
			w.recursive = true
			if t, err = sc.next(); err != nil {
				return nil, err
			}
		}
		name, ok := cteName(sql, t)
		if !ok {
			return nil, syntax("want the name of a common table expression at position %d", t.start+1)
		}
		c := cteDef{name: name}
		if t, err = sc.next(); err != nil {
			return nil, err
		}
		if t.typ == '.' {
			return nil, unsupportedf("WITH %s.…: a common table expression's name takes no qualifier", name)
		}
		if t.typ == '(' {
			if c.cols, err = cteColumns(sc, name); err != nil {
				return nil, err
			}
			if t, err = sc.next(); err != nil {
				return nil, err
			}
		}
		if t.typ != sqlparser.AS {
			return nil, syntax("want AS after the common table expression %s", name)
		}
		if t, err = sc.next(); err != nil {
			return nil, err
		}
		if t.typ != '(' {
			return nil, syntax("want ( after %s AS", name)
		}
		start, argsBefore := t.end, sc.args
		end, err := closingParen(sc)
		if err != nil {
			return nil, err
		}
		if end < 0 {
			return nil, syntax("the body of %s has no closing parenthesis", name)
		}
		c.body = strings.TrimSpace(sql[start:end])
		c.argsBefore, c.nargs = argsBefore, sc.args-argsBefore
		if c.body == "" {
			return nil, syntax("the common table expression %s has an empty body", name)
		}
		key := strings.ToLower(name)
		if seen[key] {
			return nil, planErrorf("WITH: the common table expression name %s is used twice", name)
		}
		seen[key] = true
		w.ctes = append(w.ctes, c)
		argsBefore = sc.args
		if t, err = sc.next(); err != nil {
			return nil, err
		}
		if t.typ == ',' {
			continue
		}
		if t.typ == 0 {
			return nil, syntax("no statement follows the common table expressions")
		}
		w.main, w.mainArgs = sql[t.start:], argsBefore
		break
	}
	// Read the rest: its placeholders count, its named variables and
	// unreadable text are refused here, as for the pieces before it.
	for t.typ != 0 {
		if t, err = sc.next(); err != nil {
			return nil, err
		}
	}
	w.args = sc.args
	if sc.named > 0 {
		if sc.args > 0 {
			return nil, unsupportedf("WITH: ? placeholders beside :vN ones")
		}
		w.args = sc.maxNamed
	}
	return w, nil
}

// cteName returns the name a token gives a common table expression: an
// identifier, backquoted or not, or a keyword the parser also reads as a
// table name.
func cteName(sql string, t cteToken) (string, bool) {
	if t.typ == sqlparser.ID {
		return string(t.val), len(t.val) > 0
	}
	// A keyword: the text is the word itself, not a string or a number.
	if t.typ < 256 || len(t.val) == 0 || t.val[0] < 'a' || !strings.EqualFold(sql[t.start:t.end], string(t.val)) {
		return "", false
	}
	for _, ch := range t.val {
		if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9') {
			return "", false
		}
	}
	switch string(t.val) {
	case "select", "as", "with", "from", "union":
		return "", false
	}
	return string(t.val), true
}

// cteColumns reads the column list of a common table expression after its
// opening parenthesis, up to and with its closing one.
func cteColumns(sc *cteScanner, name string) ([]string, error) {
	var cols []string
	for {
		t, err := sc.next()
		if err != nil {
			return nil, err
		}
		col, ok := cteName(sc.sql, t)
		if !ok {
			return nil, &SyntaxError{SQL: sc.sql, Msg: fmt.Sprintf("WITH %s (…): want a column name at position %d", name, t.start+1)}
		}
		cols = append(cols, col)
		if t, err = sc.next(); err != nil {
			return nil, err
		}
		switch t.typ {
		case ',':
			continue
		case ')':
			return cols, nil
		}
		return nil, &SyntaxError{SQL: sc.sql, Msg: fmt.Sprintf("WITH %s (…): want , or ) after the column %s", name, col)}
	}
}

// closingParen reads up to the parenthesis that closes one already read
// and returns where it starts, or -1 when the text ends first.
func closingParen(sc *cteScanner) (int, error) {
	depth := 1
	for {
		t, err := sc.next()
		if err != nil {
			return 0, err
		}
		switch t.typ {
		case 0:
			return -1, nil
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return t.start, nil
			}
		}
	}
}

// startsWithWith reports whether a statement's first token (comments
// aside) is WITH. A statement that starts with neither w nor a comment
// is not tokenized.
func startsWithWith(sql string) bool {
	sql = strings.TrimLeft(sql, " \n\r\t")
	if sql == "" || strings.IndexByte("wW/-#", sql[0]) < 0 {
		return false
	}
	tkn := sqlparser.NewStringTokenizer(sql)
	for {
		typ, _ := tkn.Scan()
		if typ != sqlparser.COMMENT {
			return typ == sqlparser.WITH
		}
	}
}

// insertWithAt returns where the WITH of INSERT … WITH … SELECT starts
// (WITH at the top level, before any SELECT or VALUES), or -1.
func insertWithAt(sql string) (at int) {
	defer func() {
		if r := recover(); r != nil {
			at = -1
		}
	}()
	sc := newCTEScanner(sql)
	t, err := sc.next()
	if err != nil || t.typ != sqlparser.INSERT && t.typ != sqlparser.REPLACE {
		return -1
	}
	depth := 0
	for {
		if t, err = sc.next(); err != nil {
			return -1
		}
		switch t.typ {
		case 0, sqlparser.SELECT, sqlparser.VALUES, sqlparser.VALUE, sqlparser.SET:
			if depth == 0 || t.typ == 0 {
				return -1
			}
		case '(':
			depth++
		case ')':
			depth--
		case sqlparser.WITH:
			if depth == 0 {
				return t.start
			}
		}
	}
}

// countPlaceholders returns the ? placeholders of a text.
func countPlaceholders(sql string) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, &SyntaxError{SQL: sql, Msg: fmt.Sprint(r)}
		}
	}()
	sc := newCTEScanner(sql)
	for {
		t, err := sc.next()
		if err != nil {
			return 0, err
		}
		if t.typ == 0 {
			return sc.args, nil
		}
	}
}
