package merge

import (
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
)

var _ Iterator = (*Aggregator)(nil)

// AggFunc names how a column of per-shard partial results combines.
type AggFunc int8

const (
	// AggCount combines COUNT(*) or COUNT(x): each shard sends its count,
	// the result is their sum (int64; 0 for an empty scalar aggregate).
	AggCount AggFunc = iota + 1
	// AggSum combines SUM(x): each shard sends SUM(x).
	AggSum
	// AggMin combines MIN(x): each shard sends MIN(x).
	AggMin
	// AggMax combines MAX(x): each shard sends MAX(x).
	AggMax
	// AggAvg combines AVG(x): Col holds each shard's SUM(x) and CountCol its
	// COUNT(x); the result is total sum / total count in the engine's type.
	AggAvg
	// AggCountDistinct is COUNT(DISTINCT x): Col holds x itself, and the
	// input is sorted by the group keys then x (each shard sends
	// GROUP BY keys, x), so duplicates across shards are adjacent.
	AggCountDistinct
	// AggSumDistinct is SUM(DISTINCT x), with input as for AggCountDistinct.
	AggSumDistinct
	// AggAvgDistinct is AVG(DISTINCT x), with input as for AggCountDistinct.
	AggAvgDistinct
	// AggGroupConcat is GROUP_CONCAT(x ORDER BY …): Col holds x's text as
	// the backend writes it (or a value the engine converts to text),
	// CountCol how many rows had it, and the input is sorted by the group
	// keys then the GROUP_CONCAT's ORDER BY, so a group's values arrive
	// in the order they concatenate; NULLs are skipped, Separator goes
	// between values, and the result is NULL when there are none.
	AggGroupConcat
	// AggGroupConcatDistinct is GROUP_CONCAT(DISTINCT x ORDER BY …), with
	// input as for AggGroupConcat but no CountCol: a text equal to the
	// previous one of the group is skipped.
	//
	// A GROUP_CONCAT whose Order is set reads input sorted otherwise (by
	// another GROUP_CONCAT's ORDER BY, or a DISTINCT aggregate's
	// argument): it keeps its group's values with their Order columns
	// and sorts them by those when the group ends, then concatenates.
	AggGroupConcatDistinct
	// AggTotal combines SQLite's TOTAL(x): each shard sends its total, a
	// float; the result is their float sum (0.0 for no rows).
	AggTotal
	// AggBitAnd combines BIT_AND(x) (PostgreSQL): each shard sends
	// BIT_AND(x); the result is their bitwise AND, NULL when every
	// partial is.
	AggBitAnd
	// AggBitOr combines BIT_OR(x) as AggBitAnd does, with OR.
	AggBitOr
	// AggBitXor combines BIT_XOR(x) as AggBitAnd does, with XOR.
	AggBitXor
	// AggVarPop is VAR_POP(x). On PostgreSQL, over integers or NUMERIC:
	// Col holds each shard's SUM(x), CountCol its COUNT(x) and
	// SquaresCol its SUM(x·x) in NUMERIC; the result is computed from
	// the exact totals as the server computes it (eval.Moments). Over
	// floats it is unsupported: the server adds them in its scan order.
	// On SQLite Col holds each shard's exact moments as text
	// (eval.RealMoments.State), and the result is the float the SQLite
	// backend's own aggregate computes from all the values. With Values,
	// Col holds the values themselves.
	AggVarPop
	// AggVarSamp is var_samp(x), with input as for AggVarPop.
	AggVarSamp
	// AggStddevPop is stddev_pop(x), with input as for AggVarPop.
	AggStddevPop
	// AggStddevSamp is stddev_samp(x), with input as for AggVarPop.
	AggStddevSamp
)

// spreads are the statistics of the variance aggregates.
var spreads = map[AggFunc]struct {
	name   string
	spread eval.Spread
}{
	AggVarPop:     {"var_pop", eval.VarPop},
	AggVarSamp:    {"var_samp", eval.VarSamp},
	AggStddevPop:  {"stddev_pop", eval.StddevPop},
	AggStddevSamp: {"stddev_samp", eval.StddevSamp},
}

// Aggregate is one aggregate of a grouped or scalar merge.
type Aggregate struct {
	Func AggFunc
	// Col is the input column the aggregate reads; the result replaces it.
	Col int
	// CountCol is, for AggAvg and the variance aggregates, the column
	// holding the shards' COUNT(x), and for AggGroupConcat the number of
	// rows with the value; the total count replaces it.
	CountCol int
	// SquaresCol is, for the variance aggregates, the column holding the
	// shards' sums of squares.
	SquaresCol int
	// Separator goes between the values of an AggGroupConcat.
	Separator string
	// Order, for an AggGroupConcat or AggGroupConcatDistinct, are the
	// columns of its ORDER BY terms when the input is not sorted by
	// them within a group: the aggregate sorts its values by them. Rows
	// equal on Order must have the same text.
	Order []eval.SortKey
	// Values says Col holds the aggregated values themselves (rows the
	// router evaluates a SELECT over), not each shard's partial result:
	// a SUM of PostgreSQL INT8 values is then NUMERIC, as the backend
	// sums them, where a sum of shards' INT8 partial sums of INT4 is INT8.
	Values bool
}

// Aggregator is GROUP BY (or a scalar aggregate, with no group keys) over
// per-shard partial aggregates: COUNT, SUM, MIN, MAX, AVG and their
// DISTINCT forms, and GROUP_CONCAT, with each engine's result types and errors.
//
// Input: the shards' rows merged in group-key order (an Ordered over the
// shards' GROUP BY … ORDER BY keys), so the rows of one group are
// adjacent though they come from several shards. Output: one row per
// group, in input order, with the same columns as the input: each
// aggregate's result replaces its Col (and an AVG's total count its
// CountCol), and every other column keeps its value from the group's
// first row (on SQLite, when there is exactly one MIN or MAX, from the row
// that supplied the winning value, as SQLite fills bare columns).
//
// Group keys are equal when the engine's comparison says so: SQLite puts 1
// and 1.0 in one group, PostgreSQL NUMERIC 1.5 and 1.50; text is bytewise;
// NULLs form one group. With no group keys the whole input is one group,
// and an empty input still yields one row: COUNT 0, everything else NULL,
// as the engine returns for a scalar aggregate over no rows.
//
// Algorithm: read rows while the group keys stay equal, folding each row
// into one accumulator per aggregate; on the first row of the next group
// emit the finished one. Memory: one group. DISTINCT aggregates skip a
// value equal to the previous one in the group (the input is sorted by it).
type Aggregator struct {
	src       source
	groupKeys []int
	aggs      []Aggregate
	eng       eval.Engine
	cols      []Column

	keys    []eval.KeyOrder
	states  []aggState
	bare    []int // columns that are neither aggregates nor AVG counts
	winner  int   // the single MIN/MAX whose row fills bare columns (SQLite), or -1
	cur     Row   // the open group: its first row, becoming its output
	srcDone bool
	started bool
	emitted bool
	err     error
}

// NewAggregate returns the aggregation of src grouped by the groupKeys
// columns (none for a scalar aggregate). A spec that does not fit the
// input (a column out of range, an AVG without its count column, a SUM
// over a PostgreSQL type it cannot add) is reported by the first Next.
func NewAggregate(src Iterator, groupKeys []int, aggs []Aggregate, eng eval.Engine) *Aggregator {
	a := &Aggregator{src: source{it: src}, groupKeys: groupKeys, aggs: aggs, eng: eng, winner: -1}
	a.cols, a.states, a.err = a.plan(src.Columns())
	return a
}

// Columns returns the input columns with each aggregate's column retyped
// to the aggregate's result.
func (a *Aggregator) Columns() []Column { return a.cols }

// accKind is how an aggregate accumulates.
type accKind int8

const (
	accCount accKind = iota // sum of int64 counts
	accSum                  // the engine's addition (eval.Sum)
	accMin
	accMax
	accConcat // texts appended in input order
	accBits   // a bitwise AND, OR or XOR of int64 partials
	accSpread // exact moments of a variance or standard deviation
)

type aggState struct {
	Aggregate
	kind     accKind
	avg      bool
	distinct bool
	numeric  bool // compare MIN/MAX values as NUMERIC text

	count   int64 // COUNT total, or the values an AVG divides by
	sum     eval.Sum
	best    any
	last    any // DISTINCT: the previous value of the group
	hasLast bool
	text    []byte           // GROUP_CONCAT: the texts so far
	total   bool             // TOTAL: the sum as a float, 0.0 for none
	moments eval.Moments     // a variance on PostgreSQL
	real    eval.RealMoments // a variance on SQLite

	order   []eval.KeyOrder // GROUP_CONCAT with Order: over a held value's keys
	pending []heldConcat    // GROUP_CONCAT with Order: the group's values
}

// heldConcat is a value a GROUP_CONCAT with an Order holds until its
// group ends: the value, how many rows had it, and its ORDER BY terms.
type heldConcat struct {
	v     any
	times int64
	keys  Row
}

func (a *Aggregator) plan(in []Column) ([]Column, []aggState, error) {
	cols := append([]Column(nil), in...)
	for _, k := range a.groupKeys {
		if k < 0 || k >= len(in) {
			return cols, nil, columnError("group key", k, len(in))
		}
	}
	used := make([]bool, len(in))
	claim := func(c int) error {
		if c < 0 || c >= len(in) {
			return columnError("aggregate", c, len(in))
		}
		if used[c] {
			return &specError{"two aggregates write column " + strconv.Itoa(c)}
		}
		used[c] = true
		return nil
	}
	states := make([]aggState, len(a.aggs))
	minmax := 0
	for i, ag := range a.aggs {
		if err := claim(ag.Col); err != nil {
			return cols, nil, err
		}
		st := aggState{Aggregate: ag}
		col, err := a.planAgg(&st, in[ag.Col])
		if err != nil {
			return cols, nil, err
		}
		cols[ag.Col] = col
		if err := a.planConcatOrder(&st, in); err != nil {
			return cols, nil, err
		}
		pgSpread := st.kind == accSpread && a.eng == eval.PostgreSQL && !ag.Values
		if ag.Func == AggAvg || ag.Func == AggGroupConcat || pgSpread {
			if err := claim(ag.CountCol); err != nil {
				return cols, nil, err
			}
			cols[ag.CountCol] = a.eng.CountColumn(in[ag.CountCol].Name)
		}
		if pgSpread {
			if err := claim(ag.SquaresCol); err != nil {
				return cols, nil, err
			}
		}
		if st.kind == accMin || st.kind == accMax {
			minmax++
			a.winner = i
		}
		states[i] = st
	}
	if a.eng != eval.SQLite || minmax != 1 {
		a.winner = -1
	}
	for c := range in {
		if !used[c] {
			a.bare = append(a.bare, c)
		}
	}
	return cols, states, nil
}

// planAgg chooses the accumulator and the result column of one aggregate
// from the type of the column it reads.
func (a *Aggregator) planAgg(st *aggState, in Column) (Column, error) {
	st.numeric = a.eng.IsNumeric(in)
	switch st.Func {
	case AggCount, AggCountDistinct:
		st.kind = accCount
		st.distinct = st.Func == AggCountDistinct
		return a.eng.CountColumn(in.Name), nil
	case AggMin, AggMax:
		st.kind = accMin
		if st.Func == AggMax {
			st.kind = accMax
		}
		if a.eng == eval.SQLite {
			// An aggregate has no declared type, so no affinity: MIN(x)
			// > '2.5' compares a number with text, as one database does.
			in.DatabaseType = ""
		}
		return in, nil
	case AggGroupConcat, AggGroupConcatDistinct:
		st.kind = accConcat
		return a.eng.TextColumn(in.Name), nil
	case AggBitAnd, AggBitOr, AggBitXor:
		st.kind = accBits
		return in, nil
	case AggVarPop, AggVarSamp, AggStddevPop, AggStddevSamp:
		st.kind = accSpread
		col, exact, err := a.eng.MomentsColumn(in)
		if err == nil && !exact {
			err = &dialect.UnsupportedError{Msg: strings.ToUpper(spreads[st.Func].name) + " of floating-point values over several shards: " +
				"PostgreSQL adds their squares in float8 in the order it reads the rows, which no merge of the shards' partial results reproduces"}
		}
		return col, err
	case AggTotal:
		st.kind, st.total = accSum, true
		kind, _, err := a.eng.SumOf(in, false, false)
		st.sum = eval.NewSum(kind)
		return eval.Column{Name: in.Name, DatabaseType: in.DatabaseType, ScanType: reflect.TypeFor[float64]()}, err
	case AggSum, AggSumDistinct, AggAvg, AggAvgDistinct:
		st.kind = accSum
		st.avg = st.Func == AggAvg || st.Func == AggAvgDistinct
		st.distinct = st.Func == AggSumDistinct || st.Func == AggAvgDistinct
		kind, col, err := a.eng.SumOf(in, st.avg, st.distinct || st.Values)
		st.sum = eval.NewSum(kind)
		return col, err
	}
	return in, &specError{"unknown aggregate function " + strconv.Itoa(int(st.Func))}
}

// Next returns the next group's row.
func (a *Aggregator) Next() (Row, error) {
	if a.err != nil {
		return nil, a.err
	}
	if !a.started {
		a.started = true
		keys := make([]eval.SortKey, len(a.groupKeys))
		for i, k := range a.groupKeys {
			keys[i] = eval.SortKey{Col: k}
		}
		a.keys, a.err = a.eng.ResolveKeys(keys, a.src.it.Columns())
		if a.err != nil {
			return nil, a.err
		}
	}
	for !a.srcDone {
		row, err := a.src.it.Next()
		if err == io.EOF {
			a.srcDone = true
			break
		}
		if err != nil {
			a.err = err
			return nil, err
		}
		if len(row) != len(a.cols) {
			a.err = &specError{"aggregate input row has " + strconv.Itoa(len(row)) + " columns, want " + strconv.Itoa(len(a.cols))}
			return nil, a.err
		}
		if a.cur == nil {
			if err := a.begin(row); err != nil {
				a.err = err
				return nil, err
			}
			continue
		}
		if eval.CompareRows(a.keys, a.cur, row) == 0 {
			if err := a.add(row); err != nil {
				a.err = err
				return nil, err
			}
			continue
		}
		out, err := a.finish()
		if err != nil {
			a.err = err
			return nil, err
		}
		if err := a.begin(row); err != nil {
			a.err = err
			return nil, err
		}
		return out, nil
	}
	if a.cur != nil {
		out, err := a.finish()
		a.cur = nil
		if err != nil {
			a.err = err
			return nil, err
		}
		return out, nil
	}
	if len(a.groupKeys) == 0 && !a.emitted {
		a.emitted = true
		return a.emptyScalar(), nil
	}
	a.err = io.EOF
	return nil, io.EOF
}

// begin opens a group with its first row.
func (a *Aggregator) begin(row Row) error {
	a.cur = row
	for i := range a.states {
		a.states[i].reset()
	}
	return a.add(row)
}

func (st *aggState) reset() {
	st.count = 0
	st.sum.Reset()
	st.best, st.last, st.hasLast = nil, nil, false
	st.text = st.text[:0]
	st.pending = st.pending[:0]
	st.moments.Reset()
	st.real.Reset()
}

// add folds one input row into the open group.
func (a *Aggregator) add(row Row) error {
	for i := range a.states {
		st := &a.states[i]
		v := row[st.Col]
		if st.kind == accConcat {
			a.concat(st, row, v)
			continue
		}
		if st.kind == accBits {
			if err := st.bits(v); err != nil {
				return err
			}
			continue
		}
		if st.kind == accSpread {
			if err := a.addMoments(st, row, v); err != nil {
				return err
			}
			continue
		}
		if st.distinct {
			if v == nil {
				continue
			}
			if st.hasLast && a.eng.CompareValues(st.numeric, st.last, v) == 0 {
				continue
			}
			st.last, st.hasLast = v, true
		}
		switch st.kind {
		case accCount:
			if st.distinct {
				st.count++
			} else {
				c, _ := v.(int64)
				st.count += c
			}
			continue
		case accMin, accMax:
			if v == nil {
				continue
			}
			c := 0
			if st.best != nil {
				c = a.eng.CompareValues(st.numeric, v, st.best)
			}
			if st.best == nil || (st.kind == accMin && c < 0) || (st.kind == accMax && c > 0) {
				st.best = v
				if i == a.winner {
					for _, b := range a.bare {
						a.cur[b] = row[b]
					}
				}
			}
			continue
		}
		if st.avg {
			if st.distinct {
				if v != nil {
					st.count++
				}
			} else {
				c, _ := row[st.CountCol].(int64)
				st.count += c
			}
		}
		if v == nil {
			continue
		}
		if err := st.sum.Add(v); err != nil {
			return err
		}
	}
	return nil
}

// planConcatOrder resolves the Order of a GROUP_CONCAT that sorts its
// values itself against the columns its held values keep.
func (a *Aggregator) planConcatOrder(st *aggState, in []Column) error {
	if len(st.Order) == 0 {
		return nil
	}
	if st.kind != accConcat {
		return &specError{"an Order on an aggregate that is no GROUP_CONCAT"}
	}
	keys := make([]eval.SortKey, len(st.Order))
	cols := make([]Column, len(st.Order))
	for i, k := range st.Order {
		if k.Col < 0 || k.Col >= len(in) {
			return columnError("GROUP_CONCAT order", k.Col, len(in))
		}
		keys[i] = eval.SortKey{Col: i, Desc: k.Desc, Nulls: k.Nulls}
		cols[i] = in[k.Col]
	}
	var err error
	st.order, err = a.eng.ResolveKeys(keys, cols)
	return err
}

// concat appends a GROUP_CONCAT's value v, as many times as rows had it,
// or holds it with its ORDER BY terms when the aggregate sorts its
// values itself.
func (a *Aggregator) concat(st *aggState, row Row, v any) {
	if v == nil {
		return
	}
	times := int64(1)
	if st.Func == AggGroupConcat {
		times, _ = row[st.CountCol].(int64)
	}
	if st.order != nil {
		keys := make(Row, len(st.Order))
		for i, k := range st.Order {
			keys[i] = row[k.Col]
		}
		st.pending = append(st.pending, heldConcat{v: v, times: times, keys: keys})
		return
	}
	a.appendText(st, v, times)
}

// appendText appends v's text times times (once for a DISTINCT
// GROUP_CONCAT, and not at all when the previous text is the same).
func (a *Aggregator) appendText(st *aggState, v any, times int64) {
	text := a.eng.Text(v)
	if st.Func == AggGroupConcatDistinct {
		if st.hasLast && st.last == text {
			return
		}
		st.last, st.hasLast, times = text, true, 1
	}
	for ; times > 0; times-- {
		if st.count > 0 {
			st.text = append(st.text, st.Separator...)
		}
		st.text = append(st.text, text...)
		st.count++
	}
}

// flushConcat sorts the values a GROUP_CONCAT held by its ORDER BY terms
// (stably: rows equal on them have the same text) and appends them.
func (a *Aggregator) flushConcat(st *aggState) {
	sort.SliceStable(st.pending, func(i, j int) bool {
		return eval.CompareRows(st.order, st.pending[i].keys, st.pending[j].keys) < 0
	})
	for _, h := range st.pending {
		a.appendText(st, h.v, h.times)
	}
	st.pending = st.pending[:0]
}

// addMoments adds a shard's partial moments to a variance, or a value.
func (a *Aggregator) addMoments(st *aggState, row Row, v any) error {
	switch {
	case a.eng == eval.SQLite && st.Values:
		st.real.AddValue(v, 1)
		return nil
	case a.eng == eval.SQLite:
		return st.real.AddState(v)
	case st.Values:
		return st.moments.AddValue(v)
	}
	c, _ := row[st.CountCol].(int64)
	return st.moments.Add(c, v, row[st.SquaresCol])
}

// bits folds a BIT_AND, BIT_OR or BIT_XOR partial into the group's.
func (st *aggState) bits(v any) error {
	if v == nil {
		return nil
	}
	x, ok := v.(int64)
	if !ok {
		return &specError{"bitwise aggregate of a " + eval.TypeName(v)}
	}
	if st.best == nil {
		st.best = x
		return nil
	}
	b := st.best.(int64)
	switch st.Func {
	case AggBitAnd:
		b &= x
	case AggBitOr:
		b |= x
	default:
		b ^= x
	}
	st.best = b
	return nil
}

func (a *Aggregator) finish() (Row, error) {
	row := a.cur
	a.emitted = true
	for i := range a.states {
		st := &a.states[i]
		v, err := a.result(st)
		if err != nil {
			return nil, err
		}
		row[st.Col] = v
		if st.Func == AggAvg || st.Func == AggGroupConcat {
			row[st.CountCol] = st.count
		}
		if st.kind == accSpread && a.eng == eval.PostgreSQL && !st.Values {
			row[st.CountCol] = st.moments.Count()
		}
	}
	return row, nil
}

func (a *Aggregator) result(st *aggState) (any, error) {
	switch st.kind {
	case accCount:
		return st.count, nil
	case accMin, accMax, accBits:
		return st.best, nil
	case accSpread:
		if a.eng == eval.SQLite {
			return st.real.Result(spreads[st.Func].spread), nil
		}
		return st.moments.Result(spreads[st.Func].spread)
	case accConcat:
		if st.order != nil {
			a.flushConcat(st)
		}
		if st.count == 0 {
			return nil, nil
		}
		return string(st.text), nil
	}
	if st.avg {
		return st.sum.Mean(st.count)
	}
	if st.total {
		v, err := st.sum.Total()
		switch x := v.(type) {
		case int64:
			return float64(x), err
		case nil:
			return 0.0, err
		}
		return v, err
	}
	return st.sum.Total()
}

// emptyScalar is a scalar aggregate's row over no input rows.
func (a *Aggregator) emptyScalar() Row {
	row := make(Row, len(a.cols))
	for _, st := range a.states {
		if st.kind == accCount {
			row[st.Col] = int64(0)
		}
		if st.total {
			row[st.Col] = 0.0
		}
		if st.Func == AggAvg || st.Func == AggGroupConcat || st.kind == accSpread && a.eng == eval.PostgreSQL && !st.Values {
			row[st.CountCol] = int64(0)
		}
	}
	return row
}

// Close closes the source.
func (a *Aggregator) Close() error {
	if a.err == nil {
		a.err = io.EOF
	}
	return a.src.close()
}
