package route

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// A WITH inside parentheses (a subquery, a derived table, a CTE's body
// or an INSERT's SELECT in parentheses) scopes its CTEs to the SELECT it
// starts. The parser reads no WITH, so before parsing the router writes
// each such SELECT, innermost first, as the same SELECT with its CTEs
// substituted (derived tables, see cte.go) and puts its text back in
// the parentheses:
//
//	SELECT * FROM (WITH c AS (SELECT id FROM t) SELECT id FROM c) AS d
//	SELECT * FROM (select id from (select id from t) as c) AS d
//
// The names the SELECT reads that are none of its CTEs stay names, for
// the CTEs of an enclosing WITH or the tables. The ? placeholders of the
// whole text become :v1, :v2, … first, in text order, so that the
// rewritten pieces keep reading their own arguments.

// maxNestedWith bounds the WITH clauses inside parentheses one statement
// may hold.
const maxNestedWith = 64

// hasNestedWith reports a text that may hold WITH inside parentheses.
func hasNestedWith(sql string) bool {
	return unparsedForms[0].re.MatchString(sql)
}

// inlineNestedWith returns the text with every WITH inside parentheses
// substituted, its ? placeholders written :vN; a text without one is
// returned as it is.
func inlineNestedWith(sql string) (string, error) {
	if _, _, ok, err := lastNestedWith(sql); err != nil || !ok {
		return sql, nil
	}
	text, err := absoluteArgs(sql)
	if err != nil {
		return "", err
	}
	for range maxNestedWith {
		open, end, ok, err := lastNestedWith(text)
		if err != nil {
			return "", err
		}
		if !ok {
			return text, nil
		}
		inner, err := expandNested(text[open+1 : end])
		if err != nil {
			return "", err
		}
		text = text[:open+1] + inner + text[end:]
	}
	return "", unsupportedf("more than %d WITH clauses inside parentheses", maxNestedWith)
}

// expandNested returns the SELECT a WITH inside parentheses starts, its
// CTEs substituted.
func expandNested(text string) (string, error) {
	x, err := expand(text, 0)
	if err != nil {
		return "", err
	}
	if x.w.recursive {
		return "", unsupportedf("WITH RECURSIVE inside parentheses: write the recursive common table expression in the statement's own WITH clause")
	}
	sel, ok := x.stmt.(sqlparser.SelectStatement)
	if !ok {
		return "", planErrorf("WITH inside parentheses before %s: want a SELECT", firstWords(x.main, 1))
	}
	return sqlparser.String(sel), nil
}

// absoluteArgs writes the ? placeholders of a text :v1, :v2, … in text
// order, leaving strings, comments and names as they are. A text that
// already names :vN placeholders is refused: the two would collide.
func absoluteArgs(sql string) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = "", &SyntaxError{SQL: sql, Msg: fmt.Sprint(r)}
		}
	}()
	sc := newCTEScanner(sql)
	var b strings.Builder
	prev := 0
	for {
		t, err := sc.next()
		if err != nil {
			return "", err
		}
		if t.typ == 0 {
			break
		}
		if t.typ == sqlparser.VALUE_ARG && t.start < len(sql) && sql[t.start] == '?' {
			b.WriteString(sql[prev:t.start])
			b.WriteString(":v" + strconv.Itoa(sc.args))
			prev = t.start + 1
		}
	}
	if sc.named > 0 {
		return "", unsupportedf("WITH inside parentheses beside :vN placeholders")
	}
	b.WriteString(sql[prev:])
	return b.String(), nil
}

// lastNestedWith returns where the last WITH inside parentheses of a
// text is: the offsets of its opening and closing parentheses. The last
// holds no other: one inside it would come after it.
func lastNestedWith(sql string) (open, end int, ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			open, end, ok, err = 0, 0, false, &SyntaxError{SQL: sql, Msg: fmt.Sprint(r)}
		}
	}()
	sc := newCTEScanner(sql)
	var stack []int
	cand, prev := -1, 0
	for {
		t, err := sc.next()
		if err != nil {
			return 0, 0, false, err
		}
		switch t.typ {
		case 0:
			return cand, end, ok, nil
		case '(':
			stack = append(stack, t.start)
		case ')':
			if n := len(stack); n > 0 {
				if stack[n-1] == cand {
					end, ok = t.start, true
				}
				stack = stack[:n-1]
			}
		case sqlparser.WITH:
			if prev == '(' {
				cand, ok = stack[len(stack)-1], false
			}
		}
		prev = t.typ
	}
}
