package route

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// Opcode is a routing variant, named as in Vitess.
type Opcode int

// The routing variants.
const (
	// Unsharded sends the statement to the one shard of an unsharded
	// keyspace.
	Unsharded Opcode = iota
	// EqualUnique sends it to the one shard a unique vindex gives for one
	// value.
	EqualUnique
	// Equal sends it to the shards a non-unique vindex gives for one value.
	Equal
	// IN sends each shard only the values of an IN list that map to it.
	IN
	// MultiEqual routes tuples of a multi-column vindex.
	MultiEqual
	// Scatter sends it to every shard of the keyspace.
	Scatter
	// Reference sends it to one shard: every shard holds the tables.
	Reference
	// None queries no shard: the conditions cannot match a row.
	None
	// ByDestination sends it to shards the session targets (USE ks:shard).
	ByDestination
)

var opcodeNames = [...]string{"Unsharded", "EqualUnique", "Equal", "IN", "MultiEqual", "Scatter", "Reference", "None", "ByDestination"}

func (o Opcode) String() string {
	if int(o) < len(opcodeNames) {
		return opcodeNames[o]
	}
	return fmt.Sprintf("Opcode(%d)", int(o))
}

// listArgName is the list argument an IN condition on a vindex column is
// rewritten to: each shard receives only its own values.
const listArgName = "__vals"

// routing says which shards of a keyspace a statement goes to.
type routing struct {
	keyspace *vschema.Keyspace
	opcode   Opcode
	// vindex is the vindex used for EqualUnique, Equal, IN, MultiEqual.
	vindex *vschema.ColumnVindex
	// hash8 is vindex's Vindex when it is a vindex.Hashing8 (see
	// hash8Of), asserted once when the routing is made: pointShard's.
	hash8 vindex.Hashing8
	// values are the vindex values: one for Equal(Unique), the list for
	// IN; for MultiEqual each entry of tuples is one row of column values.
	values []valueExpr
	tuples [][]valueExpr
	// rewritten reports that the IN list was replaced by ::__vals.
	rewritten bool
	// pinned is the keyspace id of a pinned table's rows.
	pinned []byte
	// destination is the session's target (ByDestination).
	destination key.Destination
	// within restricts the shards to a session's key range (USE ks[-80]).
	within *key.KeyRange
	// optional says no row of the statement needs a row of the routed
	// tables (they are only in subqueries or on an outer join's
	// nullable side): routed to no shard, the statement still runs, on
	// one shard, where they have no rows.
	optional bool
}

// hash8Of returns cv's vindex as a vindex.Hashing8, or nil when it is
// none (or cv is nil).
func hash8Of(cv *vschema.ColumnVindex) vindex.Hashing8 {
	if cv == nil {
		return nil
	}
	h, _ := cv.Vindex.(vindex.Hashing8)
	return h
}

// target is one shard a routed statement runs on, with the IN values that
// belong to it when the IN list was rewritten.
type target struct {
	shard *shard.Shard
	vals  []any
}

// resolve computes the shards for one execution.
func (r *routing) resolve(ctx context.Context, vc Cursor, topo *shard.Topology, args []any) ([]target, error) {
	if r.within == nil {
		return r.resolveAll(ctx, vc, topo, args)
	}
	if r.opcode == Reference || r.opcode == Unsharded {
		for _, s := range topo.Shards(r.keyspace.Name) {
			if s.KeyRange.Intersects(*r.within) {
				return []target{{shard: s}}, nil
			}
		}
		return nil, nil
	}
	ts, err := r.resolveAll(ctx, vc, topo, args)
	if err != nil {
		return nil, err
	}
	out := ts[:0:0]
	for _, t := range ts {
		if t.shard.KeyRange.Intersects(*r.within) {
			out = append(out, t)
		}
	}
	return out, nil
}

// resolveAll computes the shards of the routing in the whole keyspace.
func (r *routing) resolveAll(ctx context.Context, vc Cursor, topo *shard.Topology, args []any) ([]target, error) {
	ks := r.keyspace.Name
	switch r.opcode {
	case None:
		return nil, nil
	case Unsharded, Reference:
		shards := topo.Shards(ks)
		if len(shards) == 0 {
			return nil, planErrorf("keyspace %q has no shards", ks)
		}
		return []target{{shard: shards[0]}}, nil
	case Scatter:
		shards := topo.Shards(ks)
		out := make([]target, len(shards))
		for i, s := range shards {
			out[i] = target{shard: s}
		}
		return out, nil
	case ByDestination:
		shards, err := topo.Resolve(ks, r.destination)
		if err != nil {
			return nil, planErrorf("%v", err)
		}
		return targetsOf(shards), nil
	}
	if r.pinned != nil {
		return []target{{shard: topo.ShardFor(ks, r.pinned)}}, nil
	}
	if r.opcode == MultiEqual {
		return r.resolveMulti(ctx, vc, topo, args)
	}
	vals := make([]any, len(r.values))
	for i, v := range r.values {
		x, err := v.eval(args)
		if err != nil {
			return nil, err
		}
		vals[i] = x
	}
	dests, err := mapValues(ctx, vc, r.vindex, routingValues(topo, ks, r.vindex, vals))
	if err != nil {
		return nil, err
	}
	if r.opcode != IN || !r.rewritten {
		shards, err := topo.Resolve(ks, dests...)
		if err != nil {
			return nil, planErrorf("%v", err)
		}
		return targetsOf(shards), nil
	}
	// IN: group the values by the shard they map to.
	var out []target
	index := map[*shard.Shard]int{}
	for i, d := range dests {
		shards, err := topo.Resolve(ks, d)
		if err != nil {
			return nil, planErrorf("%v", err)
		}
		for _, s := range shards {
			j, ok := index[s]
			if !ok {
				j = len(out)
				index[s] = j
				out = append(out, target{shard: s})
			}
			out[j].vals = append(out[j].vals, vals[i])
		}
	}
	sortTargets(out)
	return out, nil
}

func (r *routing) resolveMulti(ctx context.Context, vc Cursor, topo *shard.Topology, args []any) ([]target, error) {
	mc, ok := r.vindex.Vindex.(vindex.MultiColumn)
	if !ok {
		return nil, planErrorf("vindex %q is not multi-column", r.vindex.Name)
	}
	rows := make([][]any, len(r.tuples))
	for i, t := range r.tuples {
		rows[i] = make([]any, len(t))
		for j, v := range t {
			x, err := v.eval(args)
			if err != nil {
				return nil, err
			}
			rows[i][j] = x
		}
	}
	dests, err := mc.Map(ctx, vc, rows)
	if err != nil {
		return nil, vindexErr(r.vindex, err)
	}
	shards, err := topo.Resolve(r.keyspace.Name, dests...)
	if err != nil {
		return nil, planErrorf("%v", err)
	}
	return targetsOf(shards), nil
}

// routingValues are the values a vindex maps for the shards of keyspace
// ks: on PostgreSQL a float with a fraction is the integer pgx truncates
// it to for an integer column (id = 5.25 finds id 5 there), so it routes
// where that row is; the shards still receive the value itself, and on a
// column of another type find what they find with it. Elsewhere the
// values are themselves (on SQLite 5.25 equals no integer). For a
// vindex of numbers, text is the integer the backend reads it as beside
// an integer column (see textInteger): ' 8' and '-8' are 8 and -8, and
// on SQLite '8.0' is 8, where Vitess maps such text nowhere though the
// row is found; on PostgreSQL other text reaches one shard, whose
// server rejects it as one database's does.
func routingValues(topo *shard.Topology, ks string, cv *vschema.ColumnVindex, vals []any) []any {
	shards := topo.Shards(ks)
	if len(shards) == 0 {
		return vals
	}
	eng := engineOf(shards[0])
	numbers := numericVindex(cv)
	var out []any
	for i, v := range vals {
		var x any
		switch y := v.(type) {
		case float64:
			if eng != eval.PostgreSQL || y == math.Trunc(y) || math.IsNaN(y) || y > math.MaxInt64 || y < math.MinInt64 {
				continue
			}
			x = int64(y)
		case string, []byte:
			if !numbers {
				continue
			}
			n, ok := textInteger(eng, y)
			switch {
			case ok:
				x = n
			case eng == eval.PostgreSQL:
				// No integer: the server rejects the text beside an
				// integer column, on any one shard as on one database.
				x = int64(0)
			default:
				continue
			}
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), vals...)
		}
		out[i] = x
	}
	if out == nil {
		return vals
	}
	return out
}

// numericVindex reports a vindex that maps numbers (hash, numeric,
// reverse_bits, numeric_static_map), whose text values the backends read
// as numbers beside the integer column.
func numericVindex(cv *vschema.ColumnVindex) bool {
	if cv == nil {
		return false
	}
	switch cv.Vindex.(type) {
	case *vindex.Hash, *vindex.Numeric, *vindex.ReverseBits, *vindex.NumericStaticMap:
		return true
	}
	return false
}

// textInteger is the integer a text value is compared as beside an
// integer column: both backends skip white space around an optional sign
// and digits (SQLite's INTEGER affinity, PostgreSQL's int8 input), and
// SQLite reads a real that is an integer ('8.0', '8e0') as that integer.
func textInteger(eng eval.Engine, v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	}
	s = strings.Trim(s, " \t\n\v\f\r")
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if eng != eval.SQLite || s == "" || !strings.ContainsAny(s, ".eE") || strings.ContainsAny(s, "xXnN_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

// mapValues maps values through a single-column vindex.
func mapValues(ctx context.Context, vc Cursor, cv *vschema.ColumnVindex, vals []any) ([]key.Destination, error) {
	sc, ok := cv.Vindex.(vindex.SingleColumn)
	if !ok {
		return nil, planErrorf("vindex %q needs %d columns", cv.Name, len(cv.Columns))
	}
	dests, err := sc.Map(ctx, vc, vals)
	if err != nil {
		return nil, vindexErr(cv, err)
	}
	return dests, nil
}

func vindexErr(cv *vschema.ColumnVindex, err error) error {
	if strings.Contains(err.Error(), cv.Name) {
		return fmt.Errorf("vitessdo: %w", err)
	}
	return fmt.Errorf("vitessdo: vindex %q on %s: %w", cv.Name, strings.Join(cv.Columns, ", "), err)
}

func targetsOf(shards []*shard.Shard) []target {
	out := make([]target, len(shards))
	for i, s := range shards {
		out[i] = target{shard: s}
	}
	return out
}

// sortTargets orders targets as the keyspace orders its shards, so shard
// statements are issued in a deterministic order.
func sortTargets(ts []target) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && key.Compare(ts[j].shard.KeyRange.Start, ts[j-1].shard.KeyRange.Start) < 0; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// single reports whether the routing always reaches at most one shard.
func (r *routing) single() bool {
	switch r.opcode {
	case Unsharded, EqualUnique, Reference, None:
		return true
	case ByDestination:
		return false
	}
	return r.pinned != nil
}
