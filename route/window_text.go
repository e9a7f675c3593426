package route

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// The pinned parser reads no OVER clause and no WINDOW clause.
// readWindows reads them from the statement's text with the parser's own
// tokenizer (so strings, comments, backquoted names and nested
// parentheses are read as the parser reads them), and writes each window
// function as a call the parser reads (see dialect.WindowFunc) carrying
// its arguments and its window's expressions; a named window (OVER w,
// OVER (w ORDER BY …)) is replaced by its definition, and the WINDOW
// clause is taken out. A window's name is read in the query block that
// defines it: a SELECT (the statement's, a derived table's, a common
// table expression's body) or one member of a UNION. The ? placeholders
// keep their text order, which names them: a placeholder in a named
// window's definition, which moves, is refused.

// windowFuncs are the window functions the router reads, with the
// number of arguments each takes, at least and at most.
var windowFuncs = map[string][2]int{
	"row_number": {0, 0}, "rank": {0, 0}, "dense_rank": {0, 0}, "percent_rank": {0, 0}, "cume_dist": {0, 0},
	"ntile": {1, 1}, "lag": {1, 3}, "lead": {1, 3}, "first_value": {1, 1}, "last_value": {1, 1}, "nth_value": {2, 2},
	"count": {0, 1}, "sum": {1, 1}, "avg": {1, 1}, "min": {1, 1}, "max": {1, 1},
}

// winToken is a token of the text and where it lies.
type winToken struct {
	typ        int
	start, end int
}

// windowText is a statement's text with its window functions read.
type windowText struct {
	sql  string
	toks []winToken
	// match[i] is the index of the parenthesis closing or opening toks[i].
	match []int
	// block[i] numbers the query block toks[i] lies in (see blocks).
	block []int
	// defs holds each query block's named windows.
	defs map[int]map[string]*windowSpec
}

// windowSpec is a window's PARTITION BY, ORDER BY and frame, as texts.
type windowSpec struct {
	partition []string
	order     []string
	desc      []bool
	// nullsFlipped reports an ORDER BY term's NULLs ordered the other
	// way from the default (see dialect.Window).
	nullsFlipped []bool
	frame        *dialect.WindowFrame
	// args reports a ? placeholder among the texts.
	args bool
}

func (wt *windowText) text(i int) string { t := wt.toks[i]; return wt.sql[t.start:t.end] }

func (wt *windowText) word(i int) string {
	if i < 0 || i >= len(wt.toks) {
		return ""
	}
	// A word: an identifier or a keyword, not quoted.
	t := wt.text(i)
	if t == "" || !(t[0] == '_' || t[0] >= 'a' && t[0] <= 'z' || t[0] >= 'A' && t[0] <= 'Z') {
		return ""
	}
	return strings.ToLower(t)
}

// span is the text from toks[i] to toks[j] inclusive.
func (wt *windowText) span(i, j int) string { return wt.sql[wt.toks[i].start:wt.toks[j].end] }

func (wt *windowText) syntax(format string, args ...any) error {
	return &SyntaxError{SQL: wt.sql, Msg: "window function: " + fmt.Sprintf(format, args...)}
}

// readWindows returns sql with its window functions written as calls
// the parser reads; found is false (and text sql) when it has none.
func readWindows(sql string) (text string, found bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, found, err = sql, false, nil
		}
	}()
	lower := strings.ToLower(sql)
	if !strings.Contains(lower, "over") && !strings.Contains(lower, "window") {
		return sql, false, nil
	}
	wt := &windowText{sql: sql, defs: map[int]map[string]*windowSpec{}}
	if !wt.tokenize() {
		// The parser reports what it cannot read.
		return sql, false, nil
	}
	wt.blocks()
	overs := wt.overs()
	clauses, err := wt.windowClauses()
	if err != nil {
		return "", false, err
	}
	if len(overs) == 0 && len(clauses) == 0 {
		return sql, false, nil
	}
	if strings.Contains(sql, "/*!") {
		return "", false, unsupportedf("window functions in a statement with MySQL comments /*! … */")
	}
	// The calls, and the WINDOW clause taken out, in text order.
	type edit struct {
		start, end int
		text, what string
	}
	var edits []edit
	for _, o := range overs {
		fnTok, end, call, err := wt.call(o)
		if err != nil {
			return "", false, err
		}
		edits = append(edits, edit{wt.toks[fnTok].start, wt.toks[end].end, call, wt.span(fnTok, end)})
	}
	for _, c := range clauses {
		edits = append(edits, edit{wt.toks[c[0]].start, wt.toks[c[1]].end, "", "the WINDOW clause"})
	}
	slices.SortStableFunc(edits, func(a, b edit) int { return a.start - b.start })
	var b strings.Builder
	at := 0
	for k, e := range edits {
		if k > 0 && e.start < at {
			return "", false, wt.syntax("window functions do not nest (%s in %s)", e.what, edits[k-1].what)
		}
		b.WriteString(sql[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(sql[at:])
	return b.String(), true, nil
}

// tokenize reads the tokens; false when the text has one the tokenizer
// cannot read.
func (wt *windowText) tokenize() bool {
	tkn := sqlparser.NewStringTokenizer(wt.sql)
	end := 0
	var stack []int
	for {
		typ, _ := tkn.Scan()
		if typ == 0 {
			break
		}
		start := end
		for start < len(wt.sql) && strings.IndexByte(" \n\r\t", wt.sql[start]) >= 0 {
			start++
		}
		end = min(tkn.Position-1, len(wt.sql))
		if start > end {
			start = end
		}
		switch typ {
		case sqlparser.LEX_ERROR:
			return false
		case sqlparser.COMMENT:
			continue
		case ';':
			continue
		}
		i := len(wt.toks)
		wt.toks = append(wt.toks, winToken{typ: typ, start: start, end: end})
		wt.match = append(wt.match, -1)
		switch typ {
		case '(':
			stack = append(stack, i)
		case ')':
			if len(stack) == 0 {
				return false
			}
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			wt.match[i], wt.match[j] = j, i
		}
	}
	return len(stack) == 0
}

// overs returns the indexes of the OVER tokens that follow a call.
func (wt *windowText) overs() []int {
	var out []int
	for i := 1; i+1 < len(wt.toks); i++ {
		if wt.toks[i].typ != sqlparser.ID || wt.word(i) != "over" || wt.toks[i-1].typ != ')' {
			continue
		}
		if next := wt.toks[i+1]; next.typ == '(' || next.typ == sqlparser.ID {
			out = append(out, i)
		}
	}
	return out
}

// blocks numbers the query block of each token: a parenthesis opening
// a SELECT begins one, as does each UNION (the next member), and every
// other token lies in the block of the tokens around it.
func (wt *windowText) blocks() {
	wt.block = make([]int, len(wt.toks))
	stack := []int{0}
	next := 1
	for i, t := range wt.toks {
		top := len(stack) - 1
		switch t.typ {
		case '(':
			wt.block[i] = stack[top]
			b := stack[top]
			if i+1 < len(wt.toks) && wt.toks[i+1].typ == sqlparser.SELECT {
				b, next = next, next+1
			}
			stack = append(stack, b)
			continue
		case ')':
			if top > 0 {
				stack = stack[:top]
				top--
			}
		case sqlparser.UNION:
			stack[top], next = next, next+1
		}
		wt.block[i] = stack[top]
	}
}

// def returns the window named name in the query block of toks[i].
func (wt *windowText) def(i int, name string) (*windowSpec, bool) {
	d, ok := wt.defs[wt.block[i]][name]
	return d, ok
}

// windowClauses reads the WINDOW clauses' definitions into defs and
// returns the indexes of each clause's first and last tokens.
func (wt *windowText) windowClauses() ([][2]int, error) {
	var out [][2]int
	for i := 0; i+3 < len(wt.toks); i++ {
		if wt.toks[i].typ != sqlparser.ID || wt.word(i) != "window" || wt.toks[i+1].typ != sqlparser.ID || wt.toks[i+2].typ != sqlparser.AS || wt.toks[i+3].typ != '(' {
			continue
		}
		block := wt.block[i]
		if wt.defs[block] == nil {
			wt.defs[block] = map[string]*windowSpec{}
		} else {
			return nil, wt.syntax("a second WINDOW clause at position %d", wt.toks[i].start+1)
		}
		k := i + 1
		for {
			if wt.toks[k].typ != sqlparser.ID || k+2 >= len(wt.toks) || wt.toks[k+1].typ != sqlparser.AS || wt.toks[k+2].typ != '(' {
				return nil, wt.syntax("WINDOW: want name AS (…) at position %d", wt.toks[k].start+1)
			}
			name := wt.word(k)
			if _, dup := wt.defs[block][name]; dup {
				return nil, wt.syntax("WINDOW: window %s is defined twice", name)
			}
			open := k + 2
			spec, err := wt.spec(open+1, wt.match[open])
			if err != nil {
				return nil, err
			}
			if len(spec.partition)+len(spec.order) > 0 && spec.args {
				return nil, unsupportedf("a ? placeholder in the definition of window %s (a named window's expressions move where it is used, and placeholders are numbered by position)", name)
			}
			wt.defs[block][name] = spec
			last := wt.match[open]
			if last+1 < len(wt.toks) && wt.toks[last+1].typ == ',' && last+2 < len(wt.toks) && wt.toks[last+2].typ == sqlparser.ID &&
				last+3 < len(wt.toks) && wt.toks[last+3].typ == sqlparser.AS {
				k = last + 2
				continue
			}
			out = append(out, [2]int{i, last})
			i = last
			break
		}
	}
	return out, nil
}

// call reads the window function whose OVER is toks[over] and returns
// the index of its name's token, of its last token, and its call text.
func (wt *windowText) call(over int) (int, int, string, error) {
	closeArgs := over - 1
	openArgs := wt.match[closeArgs]
	fnTok := openArgs - 1
	name := wt.word(fnTok)
	if fnTok < 0 || name == "" {
		return 0, 0, "", wt.syntax("OVER at position %d follows no function call", wt.toks[over].start+1)
	}
	if k := fnTok - 1; k >= 0 && wt.toks[k].typ == '.' {
		return 0, 0, "", unsupportedf("qualified window function %s", wt.span(k-1, closeArgs))
	}
	n, ok := windowFuncs[name]
	if !ok {
		return 0, 0, "", unsupportedf("window function %s: the router evaluates ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG, LEAD, FIRST_VALUE, LAST_VALUE, NTH_VALUE, COUNT, SUM, AVG, MIN and MAX", strings.ToUpper(name))
	}
	var args []string
	star := false
	if openArgs+1 < closeArgs {
		if wt.toks[openArgs+1].typ == sqlparser.DISTINCT {
			return 0, 0, "", unsupportedf("DISTINCT in the window function %s", wt.span(fnTok, closeArgs))
		}
		if openArgs+2 == closeArgs && wt.toks[openArgs+1].typ == '*' {
			if name != "count" {
				return 0, 0, "", wt.syntax("* is not an argument of %s", name)
			}
			star = true
		} else {
			args = wt.split(openArgs+1, closeArgs)
		}
	}
	if name == "count" && !star && len(args) == 0 {
		return 0, 0, "", wt.syntax("COUNT() takes an argument or *")
	}
	if !star && (len(args) < n[0] || len(args) > n[1]) {
		return 0, 0, "", wt.syntax("%s takes %d to %d arguments, not %d", strings.ToUpper(name), n[0], n[1], len(args))
	}
	var spec *windowSpec
	end := over + 1
	if wt.toks[end].typ == '(' {
		var err error
		if spec, err = wt.spec(end+1, wt.match[end]); err != nil {
			return 0, 0, "", err
		}
		end = wt.match[end]
	} else {
		w := wt.word(end)
		def, ok := wt.def(end, w)
		if !ok {
			return 0, 0, "", wt.syntax("window %s is not defined", w)
		}
		spec = def
	}
	exprs := append(append(append([]string(nil), args...), spec.partition...), spec.order...)
	var b strings.Builder
	b.WriteString(dialect.WindowFunc + "('" + dialect.WindowSpec(name, len(args), len(spec.partition), spec.desc, spec.nullsFlipped, spec.frame) + "'")
	for _, e := range exprs {
		b.WriteString(", ")
		b.WriteString(e)
	}
	b.WriteString(")")
	return fnTok, end, b.String(), nil
}

// split returns the texts of the comma-separated expressions from
// toks[from] up to toks[to], exclusive.
func (wt *windowText) split(from, to int) []string {
	var out []string
	start := from
	for k := from; k <= to; k++ {
		if k == to || wt.toks[k].typ == ',' {
			if start < k {
				out = append(out, wt.span(start, k-1))
			}
			start = k + 1
			continue
		}
		if wt.toks[k].typ == '(' {
			k = wt.match[k]
		}
	}
	return out
}

// spec reads a window specification, toks[from] up to toks[to]
// exclusive: [name] [PARTITION BY …] [ORDER BY …] [frame].
func (wt *windowText) spec(from, to int) (*windowSpec, error) {
	s := &windowSpec{}
	k := from
	for i := from; i < to; i++ {
		if wt.toks[i].typ == sqlparser.VALUE_ARG {
			s.args = true
		}
	}
	if k < to && wt.toks[k].typ == sqlparser.ID && !isFrameUnit(wt.word(k)) {
		name := wt.word(k)
		base, ok := wt.def(k, name)
		if !ok {
			return nil, wt.syntax("window %s is not defined", name)
		}
		if base.frame != nil {
			return nil, wt.syntax("window %s has a frame, so no window can be defined on it", name)
		}
		*s = *base
		s.args = s.args || base.args
		k++
	}
	// clauseEnd is the index of the token that ends an expression list
	// begun at k: ORDER, a frame unit, or to.
	clauseEnd := func(k int, order bool) int {
		for ; k < to; k++ {
			switch {
			case wt.toks[k].typ == '(':
				k = wt.match[k]
			case wt.toks[k].typ == sqlparser.ORDER && !order:
				return k
			case isFrameUnit(wt.word(k)):
				return k
			}
		}
		return to
	}
	if k < to && wt.toks[k].typ == sqlparser.PARTITION {
		if len(s.partition) > 0 {
			return nil, wt.syntax("a window defined on another takes no PARTITION BY of its own")
		}
		if k+1 >= to || wt.toks[k+1].typ != sqlparser.BY {
			return nil, wt.syntax("want BY after PARTITION at position %d", wt.toks[k].start+1)
		}
		e := clauseEnd(k+2, false)
		s.partition = wt.split(k+2, e)
		if len(s.partition) == 0 {
			return nil, wt.syntax("PARTITION BY names no expression")
		}
		k = e
	}
	if k < to && wt.toks[k].typ == sqlparser.ORDER {
		if len(s.order) > 0 {
			return nil, wt.syntax("a window defined on one with an ORDER BY takes no ORDER BY of its own")
		}
		if k+1 >= to || wt.toks[k+1].typ != sqlparser.BY {
			return nil, wt.syntax("want BY after ORDER at position %d", wt.toks[k].start+1)
		}
		e := clauseEnd(k+2, true)
		start := k + 2
		for i := start; i <= e; i++ {
			if i < e && wt.toks[i].typ == '(' {
				i = wt.match[i]
				continue
			}
			if i < e && wt.toks[i].typ != ',' {
				continue
			}
			last := i - 1
			if last < start {
				return nil, wt.syntax("ORDER BY has an empty term")
			}
			nulls := ""
			if w := wt.word(last); (w == "first" || w == "last") && last-2 >= start && wt.word(last-1) == "nulls" {
				nulls = w
				last -= 2
			}
			desc := false
			switch wt.toks[last].typ {
			case sqlparser.DESC:
				desc = true
				last--
			case sqlparser.ASC:
				last--
			}
			if last < start {
				return nil, wt.syntax("ORDER BY has a term with no expression")
			}
			s.order = append(s.order, wt.span(start, last))
			s.desc = append(s.desc, desc)
			s.nullsFlipped = append(s.nullsFlipped, desc && nulls == "first" || !desc && nulls == "last")
			start = i + 1
		}
		k = e
	}
	if k < to {
		f, err := wt.frame(k, to)
		if err != nil {
			return nil, err
		}
		if !f.Rows && !f.Groups && (isOffset(f.Start) || isOffset(f.End)) && len(s.order) != 1 {
			return nil, wt.syntax("a RANGE frame with an offset needs exactly one ORDER BY term")
		}
		s.frame = f
	}
	return s, nil
}

func isFrameUnit(w string) bool { return w == "rows" || w == "range" || w == "groups" }

func isOffset(b dialect.WindowBound) bool {
	return b.Kind == dialect.Preceding || b.Kind == dialect.Following
}

// frame reads a frame clause, toks[k] up to toks[to] exclusive.
func (wt *windowText) frame(k, to int) (*dialect.WindowFrame, error) {
	unit := wt.word(k)
	switch unit {
	case "rows", "range", "groups":
	default:
		return nil, wt.syntax("want ROWS, RANGE or GROUPS at position %d, not %s", wt.toks[k].start+1, wt.text(k))
	}
	f := &dialect.WindowFrame{Rows: unit == "rows", Groups: unit == "groups"}
	k++
	bound := func() (dialect.WindowBound, error) {
		if k >= to {
			return dialect.WindowBound{}, wt.syntax("the frame ends before its bound")
		}
		first := wt.word(k)
		second := wt.word(k + 1)
		if k+1 >= to {
			second = ""
		}
		var b dialect.WindowBound
		switch {
		case first == "unbounded" && second == "preceding":
			b.Kind = dialect.UnboundedPreceding
		case first == "unbounded" && second == "following":
			b.Kind = dialect.UnboundedFollowing
		case first == "current" && second == "row":
			b.Kind = dialect.CurrentRow
		case wt.toks[k].typ == sqlparser.VALUE_ARG:
			return b, unsupportedf("a frame offset given as ?: write the number in the text")
		case wt.toks[k].typ == sqlparser.INTEGRAL && (second == "preceding" || second == "following"):
			n, err := strconv.ParseInt(wt.text(k), 10, 64)
			if err != nil {
				return b, wt.syntax("frame offset %s is out of range", wt.text(k))
			}
			b.Kind, b.N = dialect.Preceding, n
			if second == "following" {
				b.Kind = dialect.Following
			}
		default:
			return b, wt.syntax("want UNBOUNDED PRECEDING, N PRECEDING, CURRENT ROW, N FOLLOWING or UNBOUNDED FOLLOWING at position %d", wt.toks[k].start+1)
		}
		k += 2
		return b, nil
	}
	var err error
	if k < to && wt.toks[k].typ == sqlparser.BETWEEN {
		k++
		if f.Start, err = bound(); err != nil {
			return nil, err
		}
		if k >= to || wt.toks[k].typ != sqlparser.AND {
			return nil, wt.syntax("want AND in the frame's BETWEEN")
		}
		k++
		if f.End, err = bound(); err != nil {
			return nil, err
		}
	} else {
		if f.Start, err = bound(); err != nil {
			return nil, err
		}
		f.End = dialect.WindowBound{Kind: dialect.CurrentRow}
	}
	if k < to && wt.word(k) == "exclude" {
		words := []string{}
		for i := k + 1; i < to; i++ {
			words = append(words, wt.word(i))
		}
		switch strings.Join(words, " ") {
		case "current row":
			f.Exclude = dialect.ExcludeCurrentRow
		case "group":
			f.Exclude = dialect.ExcludeGroup
		case "ties":
			f.Exclude = dialect.ExcludeTies
		case "no others":
		default:
			return nil, wt.syntax("want EXCLUDE CURRENT ROW, GROUP, TIES or NO OTHERS at position %d", wt.toks[k].start+1)
		}
		k = to
	}
	if k < to {
		return nil, wt.syntax("unexpected %s after the frame", wt.text(k))
	}
	switch {
	case f.Start.Kind == dialect.UnboundedFollowing:
		return nil, wt.syntax("a frame cannot start at UNBOUNDED FOLLOWING")
	case f.End.Kind == dialect.UnboundedPreceding:
		return nil, wt.syntax("a frame cannot end at UNBOUNDED PRECEDING")
	case f.Start.Kind > f.End.Kind:
		return nil, wt.syntax("a frame starting at %s cannot end at %s", f.Start, f.End)
	}
	return f, nil
}
