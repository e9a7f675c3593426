package merge

import (
	"io"
	"reflect"
	"slices"
	"strconv"

	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*Window)(nil)

// FrameUnit is how a window frame's bounds count: ROWS counts rows, RANGE
// compares the value of the window's one ORDER BY key, GROUPS counts
// peer groups.
type FrameUnit int8

const (
	// FrameRange counts peers and ORDER BY values (the default frame's unit).
	FrameRange FrameUnit = iota
	// FrameRows counts rows.
	FrameRows
	// FrameGroups counts peer groups (rows whose ORDER BY keys are
	// equal); CURRENT ROW is the row's group, as in RANGE.
	FrameGroups
)

// Exclusion is a frame's EXCLUDE clause: the rows of the frame a row's
// value leaves out.
type Exclusion int8

const (
	// ExcludeNoOthers leaves out no row (the default).
	ExcludeNoOthers Exclusion = iota
	// ExcludeCurrentRow leaves out the row itself.
	ExcludeCurrentRow
	// ExcludeGroup leaves out the row and its peers.
	ExcludeGroup
	// ExcludeTies leaves out the row's peers but not the row.
	ExcludeTies
)

// BoundKind is one end of a window frame.
type BoundKind int8

const (
	// UnboundedPreceding is the partition's first row.
	UnboundedPreceding BoundKind = iota + 1
	// Preceding is N rows (ROWS) or the value N (RANGE) before the row.
	Preceding
	// CurrentRow is the row (ROWS) or its first or last peer (RANGE).
	CurrentRow
	// Following is N rows (ROWS) or the value N (RANGE) after the row.
	Following
	// UnboundedFollowing is the partition's last row.
	UnboundedFollowing
)

// FrameBound is one end of a frame; N is the offset of Preceding and
// Following.
type FrameBound struct {
	Kind BoundKind
	N    int64
}

// Frame is the rows of its partition an aggregate, FIRST_VALUE,
// LAST_VALUE or NTH_VALUE reads for one row. The zero Frame is the
// default: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW, which is the
// whole partition when the window has no ORDER BY.
type Frame struct {
	Unit       FrameUnit
	Start, End FrameBound
	Exclude    Exclusion
}

func (f Frame) bounds() (FrameBound, FrameBound) {
	if f.Start.Kind == 0 {
		return FrameBound{Kind: UnboundedPreceding}, FrameBound{Kind: CurrentRow}
	}
	return f.Start, f.End
}

// WindowFunc is one window function: its name (lower case: row_number,
// rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead,
// first_value, last_value, nth_value, count, sum, avg, min, max), the
// input columns of its arguments (none for COUNT(*)), and its window's
// PARTITION BY columns, ORDER BY keys and frame.
type WindowFunc struct {
	Name      string
	Args      []int
	Partition []int
	Order     []eval.SortKey
	Frame     Frame
}

// Window appends to each row of its source the value of each window
// function for that row, with each engine's result types: ROW_NUMBER,
// RANK, DENSE_RANK and COUNT are integers, PERCENT_RANK and CUME_DIST
// floats, SUM and AVG have the types eval.SumOf gives an aggregate over
// the column itself, and LAG, LEAD, the value functions, MIN and MAX the
// argument's column.
//
// Algorithm: on the first Next read every source row (the caller bounds
// them with NewBound), then for each function sort the row numbers by the
// partition columns and the ORDER BY keys (stably, so rows that tie keep
// their input order), walk each partition with its peer groups (rows
// whose ORDER BY keys are equal) and compute the function: the ranking
// functions from positions, LAG and LEAD by offset, the frame functions
// over each row's frame, which is added to incrementally when its start
// is UNBOUNDED PRECEDING (or, walking backwards, when its end is
// UNBOUNDED FOLLOWING) and recomputed per row otherwise, and always
// when the frame excludes rows (EXCLUDE CURRENT ROW, GROUP or TIES: the
// frame less a run of peers, as SQLite computes it). Rows come out in
// input order. Memory: every row.
type Window struct {
	src    source
	funcs  []WindowFunc
	eng    eval.Engine
	cols   []Column
	rows   []Row
	pos    int
	loaded bool
	err    error
}

// NewWindow returns src's rows with one column appended per function. A
// function that does not fit the input (a column out of range, a SUM
// over a type the engine cannot add, a RANGE offset without exactly one
// ORDER BY key) is reported by the first Next.
func NewWindow(src Iterator, funcs []WindowFunc, eng eval.Engine) *Window {
	w := &Window{src: source{it: src}, funcs: funcs, eng: eng}
	w.cols, w.err = w.plan(src.Columns())
	return w
}

// Columns returns the source's columns, then one per function.
func (w *Window) Columns() []Column { return w.cols }

var scanFloat = reflect.TypeFor[float64]()

func (w *Window) plan(in []Column) ([]Column, error) {
	cols := append([]Column(nil), in...)
	check := func(c int, what string) error {
		if c < 0 || c >= len(in) {
			return columnError(what, c, len(in))
		}
		return nil
	}
	for _, f := range w.funcs {
		for _, c := range f.Args {
			if err := check(c, "window argument"); err != nil {
				return cols, err
			}
		}
		for _, c := range f.Partition {
			if err := check(c, "window partition"); err != nil {
				return cols, err
			}
		}
		for _, k := range f.Order {
			if err := check(k.Col, "window order"); err != nil {
				return cols, err
			}
		}
		start, end := f.Frame.bounds()
		if f.Frame.Unit == FrameRange && (start.Kind == Preceding || start.Kind == Following || end.Kind == Preceding || end.Kind == Following) && len(f.Order) != 1 {
			return cols, &specError{"a RANGE frame with an offset needs exactly one ORDER BY key"}
		}
		if f.Frame.Unit == FrameGroups && len(f.Order) == 0 && w.eng == eval.PostgreSQL {
			// SQLite makes every row a peer of every other.
			return cols, &specError{"GROUPS mode requires an ORDER BY clause (as PostgreSQL says)"}
		}
		col, err := w.resultColumn(f, in)
		if err != nil {
			return cols, err
		}
		cols = append(cols, col)
	}
	return cols, nil
}

// wantArgs is the number of arguments each function takes, at least and
// at most.
var wantArgs = map[string][2]int{
	"row_number": {0, 0}, "rank": {0, 0}, "dense_rank": {0, 0}, "percent_rank": {0, 0}, "cume_dist": {0, 0},
	"ntile": {1, 1}, "lag": {1, 3}, "lead": {1, 3}, "first_value": {1, 1}, "last_value": {1, 1}, "nth_value": {2, 2},
	"count": {0, 1}, "sum": {1, 1}, "avg": {1, 1}, "min": {1, 1}, "max": {1, 1},
}

func (w *Window) resultColumn(f WindowFunc, in []Column) (Column, error) {
	n, ok := wantArgs[f.Name]
	if !ok {
		return Column{}, &specError{"unknown window function " + strconv.Quote(f.Name)}
	}
	if len(f.Args) < n[0] || len(f.Args) > n[1] {
		return Column{}, &specError{"window function " + f.Name + " takes " + strconv.Itoa(n[0]) + " to " + strconv.Itoa(n[1]) + " arguments, not " + strconv.Itoa(len(f.Args))}
	}
	name := f.Name
	switch f.Name {
	case "row_number", "rank", "dense_rank", "count":
		return w.eng.CountColumn(name), nil
	case "ntile":
		if w.eng == eval.PostgreSQL {
			return Column{Name: name, DatabaseType: "INT4", ScanType: reflect.TypeFor[int64]()}, nil
		}
		return w.eng.CountColumn(name), nil
	case "percent_rank", "cume_dist":
		if w.eng == eval.PostgreSQL {
			return Column{Name: name, DatabaseType: "FLOAT8", ScanType: scanFloat}, nil
		}
		return Column{Name: name, ScanType: scanFloat}, nil
	case "sum", "avg":
		_, col, err := w.eng.SumOf(in[f.Args[0]], f.Name == "avg", true)
		col.Name = name
		return col, err
	}
	col := in[f.Args[0]]
	col.Name = name
	if w.eng == eval.SQLite {
		// A function's value has no declared type, so no affinity.
		col.DatabaseType = ""
	}
	return col, nil
}

// Next returns the next row with the functions' values appended.
func (w *Window) Next() (Row, error) {
	if w.err != nil {
		return nil, w.err
	}
	if !w.loaded {
		w.loaded = true
		if err := w.load(); err != nil {
			w.err = err
			return nil, err
		}
	}
	if w.pos >= len(w.rows) {
		w.err = io.EOF
		return nil, io.EOF
	}
	row := w.rows[w.pos]
	w.rows[w.pos] = nil
	w.pos++
	return row, nil
}

// Close releases the rows and closes the source.
func (w *Window) Close() error {
	w.rows = nil
	return w.src.close()
}

func (w *Window) load() error {
	width := len(w.src.it.Columns())
	for {
		row, err := w.src.it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if len(row) != width {
			return &specError{"window input row has " + strconv.Itoa(len(row)) + " columns, want " + strconv.Itoa(width)}
		}
		out := make(Row, width, width+len(w.funcs))
		copy(out, row)
		w.rows = append(w.rows, out)
	}
	_ = w.src.close()
	for i := range w.funcs {
		vals, err := w.compute(&w.funcs[i])
		if err != nil {
			return err
		}
		for r, v := range vals {
			w.rows[r] = append(w.rows[r], v)
		}
	}
	return nil
}

// compute returns the values of one function, by input row.
func (w *Window) compute(f *WindowFunc) ([]any, error) {
	in := w.src.it.Columns()
	part := make([]eval.SortKey, len(f.Partition))
	for i, c := range f.Partition {
		part[i] = eval.SortKey{Col: c, Nulls: eval.NullsFirst}
	}
	partKeys, err := w.eng.ResolveKeys(part, in)
	if err != nil {
		return nil, err
	}
	orderKeys, err := w.eng.ResolveKeys(f.Order, in)
	if err != nil {
		return nil, err
	}
	all := append(append([]eval.KeyOrder(nil), partKeys...), orderKeys...)
	ix := make([]int, len(w.rows))
	for i := range ix {
		ix[i] = i
	}
	slices.SortStableFunc(ix, func(a, b int) int { return eval.CompareRows(all, w.rows[a], w.rows[b]) })
	c := &windowCalc{w: w, f: f, ix: ix, order: orderKeys, out: make([]any, len(w.rows))}
	if len(f.Order) == 1 {
		c.key = in[f.Order[0].Col]
	}
	for lo := 0; lo < len(ix); {
		hi := lo + 1
		for hi < len(ix) && eval.CompareRows(partKeys, w.rows[ix[lo]], w.rows[ix[hi]]) == 0 {
			hi++
		}
		if err := c.partition(lo, hi); err != nil {
			return nil, err
		}
		lo = hi
	}
	return c.out, nil
}

// windowCalc computes one function over the rows sorted by its window.
type windowCalc struct {
	w     *Window
	f     *WindowFunc
	ix    []int
	order []eval.KeyOrder
	key   Column // the one ORDER BY key's column, for RANGE offsets
	out   []any
	// peerStart and peerEnd are, by sorted position, the bounds of the
	// position's peer group within the partition.
	peerStart, peerEnd []int
	// group is, by sorted position, the number of the position's peer
	// group within its partition, and groupStart the first position of
	// each of the partition's groups.
	group      []int
	groupStart []int
}

func (c *windowCalc) row(pos int) Row { return c.w.rows[c.ix[pos]] }

func (c *windowCalc) arg(pos, i int) any {
	if i >= len(c.f.Args) {
		return nil
	}
	return c.row(pos)[c.f.Args[i]]
}

func (c *windowCalc) set(pos int, v any) { c.out[c.ix[pos]] = v }

func (c *windowCalc) partition(lo, hi int) error {
	if c.peerStart == nil {
		c.peerStart, c.peerEnd, c.group = make([]int, len(c.ix)), make([]int, len(c.ix)), make([]int, len(c.ix))
	}
	c.groupStart = c.groupStart[:0]
	for s := lo; s < hi; {
		e := s + 1
		for e < hi && eval.CompareRows(c.order, c.row(s), c.row(e)) == 0 {
			e++
		}
		for k := s; k < e; k++ {
			c.peerStart[k], c.peerEnd[k], c.group[k] = s, e, len(c.groupStart)
		}
		c.groupStart = append(c.groupStart, s)
		s = e
	}
	n := int64(hi - lo)
	switch c.f.Name {
	case "row_number":
		for k := lo; k < hi; k++ {
			c.set(k, int64(k-lo+1))
		}
	case "rank":
		for k := lo; k < hi; k++ {
			c.set(k, int64(c.peerStart[k]-lo+1))
		}
	case "dense_rank":
		rank := int64(0)
		for k := lo; k < hi; k++ {
			if c.peerStart[k] == k {
				rank++
			}
			c.set(k, rank)
		}
	case "percent_rank":
		for k := lo; k < hi; k++ {
			v := 0.0
			if n > 1 {
				v = float64(c.peerStart[k]-lo) / float64(n-1)
			}
			c.set(k, v)
		}
	case "cume_dist":
		for k := lo; k < hi; k++ {
			c.set(k, float64(c.peerEnd[k]-lo)/float64(n))
		}
	case "ntile":
		return c.ntile(lo, hi)
	case "lag", "lead":
		return c.lagLead(lo, hi)
	default:
		return c.framed(lo, hi)
	}
	return nil
}

// intArg returns an integer argument of a row: ok is false for NULL.
// SQLite's NTILE reads a real as its integer part; a real elsewhere must
// be an integer.
func (c *windowCalc) intArg(pos, i int, what string) (int64, bool, error) {
	v := c.arg(pos, i)
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case int64:
		return x, true, nil
	case float64:
		if c.w.eng == eval.SQLite && c.f.Name == "ntile" || x == float64(int64(x)) {
			return int64(x), true, nil
		}
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n, true, nil
		}
	}
	return 0, false, &specError{"the " + what + " of " + c.f.Name + " must be an integer, not " + strconv.Quote(c.w.eng.Text(v))}
}

// ntile splits the partition into the number of buckets its first row
// gives (SQLite and PostgreSQL read it once a partition): NULL is an
// error on SQLite and NULL buckets on PostgreSQL.
func (c *windowCalc) ntile(lo, hi int) error {
	n := int64(hi - lo)
	buckets, ok, err := c.intArg(lo, 0, "argument")
	if err != nil {
		return err
	}
	if !ok && c.w.eng == eval.SQLite || ok && buckets <= 0 {
		return &specError{"the argument of ntile must be a positive integer"}
	}
	for k := lo; k < hi; k++ {
		if !ok {
			c.set(k, nil)
			continue
		}
		r := int64(k - lo)
		size, extra := n/buckets, n%buckets
		var b int64
		switch {
		case size == 0:
			b = r + 1
		case r < extra*(size+1):
			b = r/(size+1) + 1
		default:
			b = (r-extra*(size+1))/size + extra + 1
		}
		c.set(k, b)
	}
	return nil
}

// lagLead reads the row offset rows before (LAG) or after (LEAD). On
// PostgreSQL a negative offset goes the other way and a NULL one gives
// NULL; on SQLite a NULL offset gives the default, and a negative or
// fractional one is refused (SQLite answers differently for a literal
// and a bound value).
func (c *windowCalc) lagLead(lo, hi int) error {
	for k := lo; k < hi; k++ {
		off := int64(1)
		if len(c.f.Args) > 1 && c.w.eng == eval.SQLite {
			// SQLite's answer for a negative or fractional offset
			// depends on whether it is a literal or bound.
			o, ok, err := c.intArg(k, 1, "offset")
			if err != nil || ok && o < 0 {
				return &specError{"unsupported: the offset of " + c.f.Name + " is " + strconv.Quote(c.w.eng.Text(c.arg(k, 1))) + ": the router evaluates a non-negative integer"}
			}
			if f, isFloat := c.arg(k, 1).(float64); isFloat && f != float64(o) {
				return &specError{"unsupported: the offset of " + c.f.Name + " is " + strconv.Quote(c.w.eng.Text(f)) + ": the router evaluates a non-negative integer"}
			}
			off = o
			if !ok {
				off = int64(hi) // NULL: the default
			}
		} else if len(c.f.Args) > 1 {
			o, ok, err := c.intArg(k, 1, "offset")
			if err != nil {
				return err
			}
			if !ok {
				c.set(k, nil)
				continue
			}
			off = o
		}
		t := int64(k) - off
		if c.f.Name == "lead" {
			t = int64(k) + off
		}
		if t < int64(lo) || t >= int64(hi) {
			v := c.arg(k, 2)
			if c.w.eng == eval.PostgreSQL && v != nil {
				var err error
				if v, err = pgDefault(c.w.src.it.Columns()[c.f.Args[0]], v); err != nil {
					return err
				}
			}
			c.set(k, v)
			continue
		}
		c.set(k, c.row(int(t))[c.f.Args[0]])
	}
	return nil
}

// pgDefault converts the default of LAG or LEAD to the type of the
// value, which on PostgreSQL is the result's type. A default that would
// make the result another type (a NUMERIC default for an integer value)
// is an error.
func pgDefault(col Column, v any) (any, error) {
	fail := func() (any, error) {
		return nil, &specError{"unsupported: a LAG or LEAD default " + strconv.Quote(eval.PostgreSQL.Text(v)) + " of another type than the value's (" + col.DatabaseType + ")"}
	}
	switch col.DatabaseType {
	case "INT2", "INT4", "INT8":
		switch x := v.(type) {
		case int64:
			return x, nil
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n, nil
			}
		}
	case "NUMERIC":
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10), nil
		case string:
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return x, nil
			}
		}
	case "FLOAT4", "FLOAT8":
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		case string:
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f, nil
			}
		}
	case "TEXT", "VARCHAR", "BPCHAR":
		if x, ok := v.(string); ok {
			return x, nil
		}
	default:
		if reflect.TypeOf(v) == col.ScanType {
			return v, nil
		}
	}
	return fail()
}

// frameBounds returns the first position of row k's frame and the
// position after its last, within the partition [lo, hi).
func (c *windowCalc) frameBounds(k, lo, hi int) (int, int, error) {
	start, end := c.f.Frame.bounds()
	if len(c.f.Order) == 0 && c.f.Frame.Unit != FrameRows {
		// Without ORDER BY every row is a peer of every other.
		if start.Kind == CurrentRow {
			start.Kind = UnboundedPreceding
		}
		if end.Kind == CurrentRow {
			end.Kind = UnboundedFollowing
		}
	}
	fs, err := c.bound(start, k, lo, hi, true)
	if err != nil {
		return 0, 0, err
	}
	fe, err := c.bound(end, k, lo, hi, false)
	if err != nil {
		return 0, 0, err
	}
	return max(fs, lo), min(fe, hi), nil
}

// frame returns the positions [fs, fe) of row k's frame, empty when its
// end comes before its start.
func (c *windowCalc) frame(k, lo, hi int) (int, int, error) {
	fs, fe, err := c.frameBounds(k, lo, hi)
	return fs, max(fe, fs), err
}

// bound returns a frame's first position (start) or the position after
// its last (end) for row k of the partition [lo, hi).
func (c *windowCalc) bound(b FrameBound, k, lo, hi int, start bool) (int, error) {
	edge := func(pos int) int {
		if start {
			return pos
		}
		return pos + 1
	}
	switch b.Kind {
	case UnboundedPreceding:
		return lo, nil
	case UnboundedFollowing:
		return hi, nil
	case CurrentRow:
		if c.f.Frame.Unit == FrameRows {
			return edge(k), nil
		}
		if start {
			return c.peerStart[k], nil
		}
		return c.peerEnd[k], nil
	}
	if c.f.Frame.Unit == FrameRows {
		p := int64(k) - b.N
		if b.Kind == Following {
			p = int64(k) + b.N
		}
		if p < int64(lo) {
			return lo, nil
		}
		if p >= int64(hi) {
			return hi, nil
		}
		return edge(int(p)), nil
	}
	if c.f.Frame.Unit == FrameGroups {
		return c.groupBound(b, k, lo, hi, start), nil
	}
	return c.rangeBound(b, k, lo, hi, start)
}

// groupBound is a GROUPS N PRECEDING or FOLLOWING bound: the first
// position of the peer group N groups before or after row k's (start),
// or the position after its last (end); past the partition's groups,
// its first or last position.
func (c *windowCalc) groupBound(b FrameBound, k, lo, hi int, start bool) int {
	g := int64(c.group[k]) - b.N
	if b.Kind == Following {
		g = int64(c.group[k]) + b.N
	}
	switch {
	case g < 0:
		return lo
	case g >= int64(len(c.groupStart)):
		return hi
	case start:
		return c.groupStart[g]
	}
	return c.peerEnd[c.groupStart[g]]
}

// segments returns the positions of row k's frame [fs, fe) that its
// EXCLUDE clause leaves in, as up to three runs [from, to) in order.
func (c *windowCalc) segments(k, fs, fe int) [][2]int {
	var xs, xe int
	switch c.f.Frame.Exclude {
	case ExcludeNoOthers:
		return [][2]int{{fs, fe}}
	case ExcludeCurrentRow:
		xs, xe = k, k+1
	default:
		xs, xe = c.peerStart[k], c.peerEnd[k]
	}
	var out [][2]int
	if fs < min(fe, xs) {
		out = append(out, [2]int{fs, min(fe, xs)})
	}
	if c.f.Frame.Exclude == ExcludeTies && k >= fs && k < fe {
		out = append(out, [2]int{k, k + 1})
	}
	if max(fs, xe) < fe {
		out = append(out, [2]int{max(fs, xe), fe})
	}
	return out
}

// rangeBound is a RANGE N PRECEDING or FOLLOWING bound: the rows whose
// ORDER BY value lies within N of row k's. A NULL value's frame end is
// its peers (the NULLs); a value's never reaches the NULLs.
func (c *windowCalc) rangeBound(b FrameBound, k, lo, hi int, start bool) (int, error) {
	key := c.f.Order[0]
	v := c.row(k)[key.Col]
	switch v.(type) {
	case int64, float64:
	case nil:
	default:
		if c.w.eng == eval.SQLite {
			return 0, &specError{"unsupported: a RANGE frame with an offset over the value " + strconv.Quote(c.w.eng.Text(v)) + ", which is not a number"}
		}
	}
	if v == nil {
		if start {
			return c.peerStart[k], nil
		}
		return c.peerEnd[k], nil
	}
	// The NULLs are first ascending and last descending: the values lie
	// in [vlo, vhi).
	vlo, vhi := lo, hi
	for vlo < hi && c.row(vlo)[key.Col] == nil {
		vlo++
	}
	for vhi > vlo && c.row(vhi - 1)[key.Col] == nil {
		vhi--
	}
	// In sort order the values move forward by adding for ASC and by
	// subtracting for DESC; PRECEDING goes backwards.
	add := (b.Kind == Following) != key.Desc
	ev := eval.NewEvaluator(c.w.eng, []Column{c.key})
	x := eval.Sub(eval.Col(0), eval.Lit(b.N))
	if add {
		x = eval.Add(eval.Col(0), eval.Lit(b.N))
	}
	if err := ev.Check(&x); err != nil {
		return 0, err
	}
	target, err := ev.Value(&x, Row{v})
	if err != nil {
		return 0, err
	}
	// before reports a position whose value lies before the target in
	// sort order (or, for an end, at it).
	before := func(pos int) bool {
		cmp := c.w.eng.Compare(c.row(pos)[key.Col], target, c.key)
		if key.Desc {
			cmp = -cmp
		}
		if start {
			return cmp < 0
		}
		return cmp <= 0
	}
	i, j := vlo, vhi
	for i < j {
		m := int(uint(i+j) >> 1)
		if before(m) {
			i = m + 1
		} else {
			j = m
		}
	}
	return i, nil
}

// framed computes an aggregate or a value function over each row's frame.
func (c *windowCalc) framed(lo, hi int) error {
	switch c.f.Name {
	case "first_value", "last_value", "nth_value":
		return c.valueFunc(lo, hi)
	}
	start, end := c.f.Frame.bounds()
	acc, err := c.newAcc()
	if err != nil {
		return err
	}
	switch {
	case c.f.Frame.Exclude != ExcludeNoOthers:
		// Each row's frame, less what it excludes, is added afresh,
		// as SQLite computes it too (so a SUM is an integer unless a
		// real is among those rows).
		for k := lo; k < hi; k++ {
			fs, fe, err := c.frame(k, lo, hi)
			if err != nil {
				return err
			}
			acc.reset()
			for _, seg := range c.segments(k, fs, fe) {
				for at := seg[0]; at < seg[1]; at++ {
					if err := acc.add(c.arg(at, 0)); err != nil {
						return err
					}
				}
			}
			v, err := acc.value()
			if err != nil {
				return err
			}
			c.set(k, v)
		}
		return nil
	case start.Kind == UnboundedPreceding || len(c.f.Order) == 0 && c.f.Frame.Unit == FrameRange && start.Kind == CurrentRow:
		// The frame only grows: add the rows its end passes.
		at := lo
		for k := lo; k < hi; k++ {
			_, fe, err := c.frame(k, lo, hi)
			if err != nil {
				return err
			}
			for ; at < fe; at++ {
				if err := acc.add(c.arg(at, 0)); err != nil {
					return err
				}
			}
			v, err := acc.value()
			if err != nil {
				return err
			}
			c.set(k, v)
		}
	case end.Kind == UnboundedFollowing:
		// Walking backwards the frame only grows at its start.
		at := hi
		for k := hi - 1; k >= lo; k-- {
			fs, _, err := c.frame(k, lo, hi)
			if err != nil {
				return err
			}
			for at > fs {
				at--
				if err := acc.add(c.arg(at, 0)); err != nil {
					return err
				}
			}
			v, err := acc.value()
			if err != nil {
				return err
			}
			c.set(k, v)
		}
	default:
		for k := lo; k < hi; k++ {
			fs, fe, err := c.frame(k, lo, hi)
			if err != nil {
				return err
			}
			acc.reset()
			for at := fs; at < fe; at++ {
				if err := acc.add(c.arg(at, 0)); err != nil {
					return err
				}
			}
			v, err := acc.value()
			if err != nil {
				return err
			}
			c.set(k, v)
		}
	}
	if c.w.eng == eval.SQLite && c.f.Name == "sum" {
		return c.sqliteApprox(lo, hi)
	}
	return nil
}

// sqliteApprox makes a SUM a float where SQLite's would be: SQLite adds
// the rows that enter the frame and subtracts those that leave it, and
// once a real value has entered, the sum stays a float for the rest of
// the partition. The rows that have entered by row k are those before
// the end of its frame.
func (c *windowCalc) sqliteApprox(lo, hi int) error {
	in := c.w.src.it.Columns()[c.f.Args[0]]
	kind, _, err := c.w.eng.SumOf(in, false, true)
	if err != nil {
		return err
	}
	entered := eval.NewSum(kind)
	at, approx := lo, false
	for k := lo; k < hi; k++ {
		_, fe, err := c.frameBounds(k, lo, hi)
		if err != nil {
			return err
		}
		for ; !approx && at < fe; at++ {
			if v := c.arg(at, 0); v != nil {
				if err := entered.Add(v); err != nil {
					return err
				}
			}
			t, _ := entered.Total()
			_, approx = t.(float64)
		}
		if n, isInt := c.out[c.ix[k]].(int64); isInt && approx {
			c.set(k, float64(n))
		}
	}
	return nil
}

func (c *windowCalc) valueFunc(lo, hi int) error {
	for k := lo; k < hi; k++ {
		fs, fe, err := c.frame(k, lo, hi)
		if err != nil {
			return err
		}
		segs := c.segments(k, fs, fe)
		n := 0
		for _, seg := range segs {
			n += seg[1] - seg[0]
		}
		// nth is the frame's nth row left in (from 0), at its position.
		nth := func(i int) int {
			if i < 0 {
				return -1
			}
			for _, seg := range segs {
				if i < seg[1]-seg[0] {
					return seg[0] + i
				}
				i -= seg[1] - seg[0]
			}
			return -1
		}
		at := -1
		switch c.f.Name {
		case "first_value":
			at = nth(0)
		case "last_value":
			at = nth(n - 1)
		case "nth_value":
			n, ok, err := c.intArg(k, 1, "position")
			if err != nil {
				return err
			}
			if ok && n <= 0 || !ok && c.w.eng == eval.SQLite {
				return &specError{"the position of nth_value must be a positive integer"}
			}
			if ok && n <= int64(hi-lo) {
				at = nth(int(n) - 1)
			}
		}
		if at >= 0 {
			c.set(k, c.arg(at, 0))
		} else {
			c.set(k, nil)
		}
	}
	return nil
}

// windowAcc folds the argument values of a frame into COUNT, SUM, AVG,
// MIN or MAX.
type windowAcc struct {
	fn      string
	star    bool
	eng     eval.Engine
	numeric bool
	count   int64
	sum     eval.Sum
	best    any
}

func (c *windowCalc) newAcc() (*windowAcc, error) {
	a := &windowAcc{fn: c.f.Name, eng: c.w.eng, star: len(c.f.Args) == 0}
	if a.star {
		return a, nil
	}
	in := c.w.src.it.Columns()[c.f.Args[0]]
	a.numeric = c.w.eng.IsNumeric(in)
	if a.fn == "sum" || a.fn == "avg" {
		kind, _, err := c.w.eng.SumOf(in, a.fn == "avg", true)
		if err != nil {
			return nil, err
		}
		a.sum = eval.NewSum(kind)
	}
	return a, nil
}

func (a *windowAcc) reset() {
	a.count, a.best = 0, nil
	a.sum.Reset()
}

func (a *windowAcc) add(v any) error {
	if a.star {
		a.count++
		return nil
	}
	if v == nil {
		return nil
	}
	a.count++
	switch a.fn {
	case "sum", "avg":
		return a.sum.Add(v)
	case "min", "max":
		if a.best == nil {
			a.best = v
			return nil
		}
		cmp := a.eng.CompareValues(a.numeric, v, a.best)
		if a.fn == "min" && cmp < 0 || a.fn == "max" && cmp > 0 {
			a.best = v
		}
	}
	return nil
}

func (a *windowAcc) value() (any, error) {
	switch a.fn {
	case "count":
		return a.count, nil
	case "sum":
		return a.sum.Total()
	case "avg":
		return a.sum.Mean(a.count)
	}
	return a.best, nil
}
