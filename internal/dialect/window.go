package dialect

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// The pinned parser reads no OVER clause. The router reads window
// functions from the text itself and writes each as a call of
// vitessdo_window, which the parser reads as any function, so that the
// planner's rewrites reach the window's expressions too:
//
//	vitessdo_window('spec', args…, partition exprs…, order exprs…)
//
// spec says what the expressions are: name|nargs|npartition|dirs|frame,
// dirs one letter per ORDER BY term (a or d, or A or D when its NULLs
// order the other way from the default: ASC NULLS LAST, DESC NULLS
// FIRST), frame empty for the
// default or unit:start:end[:exclude] with unit rows, range or groups,
// each bound up (UNBOUNDED PRECEDING), pN (N PRECEDING), c (CURRENT
// ROW), fN (N FOLLOWING) or uf (UNBOUNDED FOLLOWING), and exclude, when
// the frame excludes rows, xc (EXCLUDE CURRENT ROW), xg (EXCLUDE GROUP)
// or xt (EXCLUDE TIES).

// WindowFunc is the name of the call a window function is written as.
const WindowFunc = "vitessdo_window"

// windowNames are the functions a window function's call may name.
var windowNames = map[string]bool{
	"row_number": true, "rank": true, "dense_rank": true, "percent_rank": true, "cume_dist": true,
	"ntile": true, "lag": true, "lead": true, "first_value": true, "last_value": true, "nth_value": true,
	"count": true, "sum": true, "avg": true, "min": true, "max": true,
}

// Window is a window function: name(args) OVER (PARTITION BY partition
// ORDER BY order frame).
type Window struct {
	// Name is the function's name, lower case; COUNT(*) has no Args.
	Name      string
	Args      []sqlparser.Expr
	Partition []sqlparser.Expr
	Order     sqlparser.OrderBy
	// NullsFlipped reports, by ORDER BY term, NULLs ordered the other
	// way from the default, which is first ascending and last
	// descending (MySQL's order): ASC NULLS LAST or DESC NULLS FIRST.
	NullsFlipped []bool
	// Frame is nil for the default frame.
	Frame *WindowFrame
}

// WindowFrame is a frame clause: ROWS, RANGE or GROUPS BETWEEN Start
// AND End, and what it excludes.
type WindowFrame struct {
	// Rows and Groups say the unit; neither is RANGE.
	Rows, Groups bool
	Start, End   WindowBound
	Exclude      Exclusion
}

// Exclusion is a frame's EXCLUDE clause.
type Exclusion int8

// The exclusions: NO OTHERS (the default), CURRENT ROW, GROUP, TIES.
const (
	ExcludeNoOthers Exclusion = iota
	ExcludeCurrentRow
	ExcludeGroup
	ExcludeTies
)

// exclusionSpecs are the exclusions' letters in a spec.
var exclusionSpecs = map[Exclusion]string{ExcludeCurrentRow: "xc", ExcludeGroup: "xg", ExcludeTies: "xt"}

// String writes the exclusion as SQL does, "" for NO OTHERS.
func (x Exclusion) String() string {
	switch x {
	case ExcludeCurrentRow:
		return "EXCLUDE CURRENT ROW"
	case ExcludeGroup:
		return "EXCLUDE GROUP"
	case ExcludeTies:
		return "EXCLUDE TIES"
	}
	return ""
}

// Unit is the frame's unit as SQL writes it: ROWS, RANGE or GROUPS.
func (f *WindowFrame) Unit() string {
	switch {
	case f.Rows:
		return "ROWS"
	case f.Groups:
		return "GROUPS"
	}
	return "RANGE"
}

// WindowBound is one end of a frame.
type WindowBound struct {
	Kind BoundKind
	// N is the offset of Preceding and Following.
	N int64
}

// BoundKind is the kind of a frame bound.
type BoundKind int8

// The kinds of frame bound.
const (
	UnboundedPreceding BoundKind = iota + 1
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

// WindowSpec returns the spec of a window function's call (see above):
// desc and nullsFlipped (which may be nil) by ORDER BY term.
func WindowSpec(name string, nargs, npartition int, desc, nullsFlipped []bool, frame *WindowFrame) string {
	var b strings.Builder
	b.WriteString(name + "|" + strconv.Itoa(nargs) + "|" + strconv.Itoa(npartition) + "|")
	for i, d := range desc {
		c := byte('a')
		if d {
			c = 'd'
		}
		if i < len(nullsFlipped) && nullsFlipped[i] {
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
	b.WriteByte('|')
	if frame != nil {
		b.WriteString(strings.ToLower(frame.Unit()))
		for _, bd := range []WindowBound{frame.Start, frame.End} {
			b.WriteByte(':')
			switch bd.Kind {
			case UnboundedPreceding:
				b.WriteString("up")
			case Preceding:
				b.WriteString("p" + strconv.FormatInt(bd.N, 10))
			case CurrentRow:
				b.WriteString("c")
			case Following:
				b.WriteString("f" + strconv.FormatInt(bd.N, 10))
			case UnboundedFollowing:
				b.WriteString("uf")
			}
		}
		if x := exclusionSpecs[frame.Exclude]; x != "" {
			b.WriteString(":" + x)
		}
	}
	return b.String()
}

// WindowOf returns the window function a vitessdo_window call stands
// for; ok is false for any other expression or a malformed call.
func WindowOf(e sqlparser.Expr) (w *Window, ok bool) {
	f, isFunc := e.(*sqlparser.FuncExpr)
	if !isFunc || !f.Qualifier.IsEmpty() || !f.Name.EqualString(WindowFunc) || len(f.Exprs) == 0 {
		return nil, false
	}
	exprs := make([]sqlparser.Expr, len(f.Exprs))
	for i, se := range f.Exprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok || !ae.As.IsEmpty() {
			return nil, false
		}
		exprs[i] = ae.Expr
	}
	spec, isStr := exprs[0].(*sqlparser.SQLVal)
	if !isStr || spec.Type != sqlparser.StrVal {
		return nil, false
	}
	parts := strings.Split(string(spec.Val), "|")
	if len(parts) != 5 {
		return nil, false
	}
	nargs, err1 := strconv.Atoi(parts[1])
	npart, err2 := strconv.Atoi(parts[2])
	dirs := parts[3]
	if err1 != nil || err2 != nil || nargs < 0 || npart < 0 || 1+nargs+npart+len(dirs) != len(exprs) || !windowNames[parts[0]] {
		return nil, false
	}
	w = &Window{Name: parts[0], Args: exprs[1 : 1+nargs], Partition: exprs[1+nargs : 1+nargs+npart]}
	for i, d := range []byte(dirs) {
		o := &sqlparser.Order{Expr: exprs[1+nargs+npart+i], Direction: sqlparser.AscScr}
		switch d {
		case 'a', 'A':
		case 'd', 'D':
			o.Direction = sqlparser.DescScr
		default:
			return nil, false
		}
		w.Order = append(w.Order, o)
		w.NullsFlipped = append(w.NullsFlipped, d == 'A' || d == 'D')
	}
	if parts[4] != "" {
		fr := strings.Split(parts[4], ":")
		if len(fr) != 3 && len(fr) != 4 || fr[0] != "rows" && fr[0] != "range" && fr[0] != "groups" {
			return nil, false
		}
		w.Frame = &WindowFrame{Rows: fr[0] == "rows", Groups: fr[0] == "groups"}
		if len(fr) == 4 {
			for x, t := range exclusionSpecs {
				if t == fr[3] {
					w.Frame.Exclude = x
				}
			}
			if w.Frame.Exclude == ExcludeNoOthers {
				return nil, false
			}
		}
		for i, t := range fr[1:3] {
			var bd WindowBound
			switch {
			case t == "up":
				bd.Kind = UnboundedPreceding
			case t == "uf":
				bd.Kind = UnboundedFollowing
			case t == "c":
				bd.Kind = CurrentRow
			case len(t) > 1 && (t[0] == 'p' || t[0] == 'f'):
				n, err := strconv.ParseInt(t[1:], 10, 64)
				if err != nil || n < 0 {
					return nil, false
				}
				bd.Kind, bd.N = Preceding, n
				if t[0] == 'f' {
					bd.Kind = Following
				}
			default:
				return nil, false
			}
			if i == 0 {
				w.Frame.Start = bd
			} else {
				w.Frame.End = bd
			}
		}
	}
	return w, true
}

// IsWindow reports a window function's call.
func IsWindow(e sqlparser.Expr) bool {
	_, ok := WindowOf(e)
	return ok
}

// window renders a window function's call in the dialect.
func (r *renderer) window(f *sqlparser.FuncExpr) {
	w, ok := WindowOf(f)
	if !ok {
		r.fail(errorf("malformed %s call", WindowFunc))
		return
	}
	args := w.Args
	if w.Name == "count" && len(args) == 0 {
		args = []sqlparser.Expr{nil}
	}
	in := r.inClause
	r.inClause = clauseOther
	defer func() { r.inClause = in }()
	r.call(w.Name, false, args)
	r.write(" OVER (")
	sep := ""
	if len(w.Partition) > 0 {
		r.write("PARTITION BY ")
		for i, e := range w.Partition {
			if i > 0 {
				r.write(", ")
			}
			r.value(e)
		}
		sep = " "
	}
	if len(w.Order) > 0 {
		r.write(sep + "ORDER BY ")
		for i, o := range w.Order {
			if i > 0 {
				r.write(", ")
			}
			if !w.NullsFlipped[i] {
				r.orderTerms(sqlparser.OrderBy{o})
				continue
			}
			// Both backends read NULLS FIRST and LAST (SQLite from
			// 3.30).
			r.value(o.Expr)
			if o.Direction == sqlparser.DescScr {
				r.write(" DESC NULLS FIRST")
			} else {
				r.write(" ASC NULLS LAST")
			}
		}
		sep = " "
	}
	if w.Frame != nil {
		r.write(sep)
		r.write(w.Frame.Unit() + " BETWEEN ")
		r.write(w.Frame.Start.String())
		r.write(" AND ")
		r.write(w.Frame.End.String())
		if x := w.Frame.Exclude.String(); x != "" {
			r.write(" " + x)
		}
	}
	r.write(")")
}

// String writes the bound as SQL does.
func (b WindowBound) String() string {
	switch b.Kind {
	case UnboundedPreceding:
		return "UNBOUNDED PRECEDING"
	case Preceding:
		return strconv.FormatInt(b.N, 10) + " PRECEDING"
	case CurrentRow:
		return "CURRENT ROW"
	case Following:
		return strconv.FormatInt(b.N, 10) + " FOLLOWING"
	case UnboundedFollowing:
		return "UNBOUNDED FOLLOWING"
	}
	return "?"
}
