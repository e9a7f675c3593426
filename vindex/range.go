package vindex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dot-do/vitessdo/key"
)

var _ SingleColumn = (*Range)(nil)

// Range is the "range" vindex, which Vitess does not have: it picks a
// shard directly (key.DestinationShard) from ranges of values listed in
// its "ranges" param, a JSON list:
//
//	[{"from": 0, "to": 1000, "shard": "-80"}, {"from": 1000, "shard": "80-"}]
//
// Each range holds the values v with from <= v < to; a missing (or null)
// "from" or "to" leaves that side unbounded. The bounds of one vindex are
// all integers (64-bit signed) or all strings. Integer ranges take integer
// values, integral or not floats and decimal strings, compared as numbers;
// string ranges compare the bytes of the value's SQL text (binary
// collation, not the column's). Ranges may leave gaps but must not
// overlap, and each names a shard of the keyspace: New checks both. A
// value in no range is an error at Map; NULL maps to key.DestinationNone.
//
// Cost 1, unique, not reversible. Like consistent_hash, it gives no
// keyspace ids, so it can only be a primary vindex.
type Range struct {
	name    string
	strings bool         // bounds are strings, else integers
	ranges  []valueRange // sorted by from, not overlapping
}

// valueRange is one entry of "ranges". A nil bound is unbounded.
type valueRange struct {
	from, to *rangeBound
	shard    string
}

type rangeBound struct {
	n int64
	s []byte
}

func newRange(name string, p paramSet, env Env) (Vindex, error) {
	text, err := p.required("ranges")
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var specs []struct {
		From  json.RawMessage `json:"from"`
		To    json.RawMessage `json:"to"`
		Shard string          `json:"shard"`
	}
	if err := dec.Decode(&specs); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			err = fmt.Errorf("found a JSON %s", typeErr.Value)
		}
		return nil, p.errorf("param \"ranges\" must be a JSON list of {\"from\", \"to\", \"shard\"} objects: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, p.errorf("param \"ranges\" holds more than one JSON value")
	}
	if len(specs) == 0 {
		return nil, p.errorf("param \"ranges\" lists no range")
	}
	r := &Range{name: name}
	kinds := map[bool]bool{} // which bound kinds appear: true for strings
	for i, spec := range specs {
		from, fromIsString, err := parseBound(spec.From)
		if err != nil {
			return nil, p.errorf("range %d: \"from\": %v", i, err)
		}
		to, toIsString, err := parseBound(spec.To)
		if err != nil {
			return nil, p.errorf("range %d: \"to\": %v", i, err)
		}
		if from != nil {
			kinds[fromIsString] = true
		}
		if to != nil {
			kinds[toIsString] = true
		}
		if spec.Shard == "" {
			return nil, p.errorf("range %d names no shard", i)
		}
		if !slices.Contains(env.Shards, spec.Shard) {
			return nil, p.errorf("range %d: shard %q is not a shard of keyspace %q (%s)", i, spec.Shard, env.Keyspace, strings.Join(env.Shards, ", "))
		}
		r.ranges = append(r.ranges, valueRange{from: from, to: to, shard: spec.Shard})
	}
	if len(kinds) > 1 {
		return nil, p.errorf("param \"ranges\" mixes integer and string bounds")
	}
	r.strings = kinds[true]
	for i, vr := range r.ranges {
		if vr.from != nil && vr.to != nil && r.compare(vr.from, vr.to) >= 0 {
			return nil, p.errorf("range %d: \"from\" %s is not below \"to\" %s", i, r.show(vr.from), r.show(vr.to))
		}
	}
	slices.SortStableFunc(r.ranges, func(a, b valueRange) int { return r.compareFrom(a.from, b.from) })
	for i := 1; i < len(r.ranges); i++ {
		prev, next := r.ranges[i-1], r.ranges[i]
		if prev.to == nil || next.from == nil || r.compare(next.from, prev.to) < 0 {
			return nil, p.errorf("ranges [%s, %s) of shard %q and [%s, %s) of shard %q overlap",
				r.show(prev.from), r.show(prev.to), prev.shard, r.show(next.from), r.show(next.to), next.shard)
		}
	}
	return r, nil
}

// parseBound reads one bound: absent or null is unbounded, a JSON integer
// or a JSON string a bound.
func parseBound(raw json.RawMessage) (*rangeBound, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, false, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, false, err
		}
		return &rangeBound{s: []byte(s)}, true, nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return nil, false, fmt.Errorf("%s is not a 64-bit integer or a string", raw)
	}
	return &rangeBound{n: n}, false, nil
}

func (r *Range) compare(a, b *rangeBound) int {
	if r.strings {
		return bytes.Compare(a.s, b.s)
	}
	switch {
	case a.n < b.n:
		return -1
	case a.n > b.n:
		return 1
	}
	return 0
}

// compareFrom orders lower bounds, unbounded first.
func (r *Range) compareFrom(a, b *rangeBound) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return r.compare(a, b)
}

func (r *Range) show(b *rangeBound) string {
	switch {
	case b == nil:
		return "unbounded"
	case r.strings:
		return strconv.Quote(string(b.s))
	}
	return strconv.FormatInt(b.n, 10)
}

// String returns the vindex's name.
func (r *Range) String() string { return r.name }

// Cost returns 1.
func (*Range) Cost() int { return 1 }

// IsUnique returns true.
func (*Range) IsUnique() bool { return true }

// NeedsCursor returns false.
func (*Range) NeedsCursor() bool { return false }

// Shard returns the shard of the range holding v, or false for NULL.
func (r *Range) Shard(v any) (string, bool, error) {
	if v == nil {
		return "", false, nil
	}
	var pos rangeBound
	below, above := false, false // v is beyond every int64 bound
	if r.strings {
		text, err := appendSQLText(nil, v)
		if err != nil {
			return "", false, wrapError(r.name, "range", err)
		}
		pos.s = text
	} else {
		n, class, err := integerPosition(v)
		if err != nil {
			return "", false, newError(r.name, "range", "%s: %v", describe(v), err)
		}
		pos.n, below, above = n, class < 0, class > 0
	}
	for _, vr := range r.ranges {
		if vr.from != nil && (below || (!above && r.compare(&pos, vr.from) < 0)) {
			continue
		}
		if vr.to != nil && (above || (!below && r.compare(&pos, vr.to) >= 0)) {
			continue
		}
		return vr.shard, true, nil
	}
	return "", false, newError(r.name, "range", "value %s is in no range", describe(v))
}

// integerPosition places a value among int64 bounds: its floor as an int64,
// or class -1 (below every int64) or +1 (above every int64).
func integerPosition(v any) (n int64, class int, err error) {
	switch x := v.(type) {
	case string:
		return decimalPosition(x)
	case []byte:
		return decimalPosition(string(x))
	case float64:
		return floatPosition(x)
	case float32:
		return floatPosition(float64(x))
	case uint64:
		if x > math.MaxInt64 {
			return 0, 1, nil
		}
		return int64(x), 0, nil
	case uint:
		if uint64(x) > math.MaxInt64 {
			return 0, 1, nil
		}
		return int64(x), 0, nil
	}
	u, kind, err := toUint64(v, true)
	if err != nil {
		return 0, 0, err
	}
	if kind != isNumber {
		return 0, 0, fmt.Errorf("not a number")
	}
	return int64(u), 0, nil // a signed integer, cast back
}

func decimalPosition(s string) (int64, int, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, 0, fmt.Errorf("not a number, and the ranges are of integers")
	}
	return floatPosition(f)
}

func floatPosition(f float64) (int64, int, error) {
	switch {
	case math.IsNaN(f):
		return 0, 0, fmt.Errorf("not a number")
	case f < math.MinInt64:
		return 0, -1, nil
	case f >= math.MaxInt64:
		return 0, 1, nil
	}
	return int64(math.Floor(f)), 0, nil
}

// Map returns the shard of each value.
func (r *Range) Map(_ context.Context, _ Cursor, values []any) ([]key.Destination, error) {
	return mapShards(values, r.Shard)
}

// Verify is an error: range gives shards, not keyspace ids, so it can be a
// table's primary vindex but not a secondary one.
func (r *Range) Verify(_ context.Context, _ Cursor, _ []any, _ [][]byte) ([]bool, error) {
	return nil, newError(r.name, "range", "verify: the vindex maps values to shards, not keyspace ids, so it can only be a primary vindex")
}
