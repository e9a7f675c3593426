package workflow

import (
	"context"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// keyspaceIDs computes the keyspace id of a table's rows from the columns
// of its primary vindex, as the driver does for an INSERT. Only vindexes
// that need no lookup table route here: the rows being moved are the
// ones a lookup table would be read for.
type keyspaceIDs struct {
	table *vschema.Table
	cv    *vschema.ColumnVindex
	// cols are the row positions of the vindex's columns.
	cols []int
}

// newKeyspaceIDs returns the keyspace-id function of a sharded table
// whose rows have the named columns.
func newKeyspaceIDs(t *vschema.Table, columns []string) (*keyspaceIDs, error) {
	k := &keyspaceIDs{table: t}
	if t.Pinned != nil {
		return k, nil
	}
	cv := t.Primary()
	if cv == nil {
		return nil, fmt.Errorf("vitessdo: table %s has no primary vindex", t)
	}
	if cv.Vindex.NeedsCursor() {
		return nil, fmt.Errorf("vitessdo: unsupported: table %s's primary vindex %q reads a lookup table; workflows route by functional primary vindexes only", t, cv.Name)
	}
	k.cv = cv
	for _, c := range cv.Columns {
		idx := -1
		for i, n := range columns {
			if strings.EqualFold(n, c) {
				idx = i
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("vitessdo: table %s has no column %q, which its primary vindex %q reads", t, c, cv.Name)
		}
		k.cols = append(k.cols, idx)
	}
	return k, nil
}

// of returns the keyspace id of each row.
func (k *keyspaceIDs) of(ctx context.Context, rows [][]any) ([][]byte, error) {
	out := make([][]byte, len(rows))
	if k.cv == nil {
		for i := range out {
			out[i] = k.table.Pinned
		}
		return out, nil
	}
	if h, ok := k.cv.Vindex.(vindex.Hashing); ok && len(k.cols) == 1 {
		for i, r := range rows {
			id, err := h.Hash(r[k.cols[0]])
			if err != nil {
				return nil, fmt.Errorf("vitessdo: table %s: vindex %q: %w", k.table, k.cv.Name, err)
			}
			out[i] = id
		}
		return out, nil
	}
	var dests []key.Destination
	var err error
	switch v := k.cv.Vindex.(type) {
	case vindex.SingleColumn:
		vals := make([]any, len(rows))
		for i, r := range rows {
			vals[i] = r[k.cols[0]]
		}
		dests, err = v.Map(ctx, nil, vals)
	case vindex.MultiColumn:
		vals := make([][]any, len(rows))
		for i, r := range rows {
			vr := make([]any, len(k.cols))
			for j, c := range k.cols {
				vr[j] = r[c]
			}
			vals[i] = vr
		}
		dests, err = v.Map(ctx, nil, vals)
	default:
		return nil, fmt.Errorf("vitessdo: table %s: vindex %q cannot route", k.table, k.cv.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("vitessdo: table %s: vindex %q: %w", k.table, k.cv.Name, err)
	}
	for i, d := range dests {
		id, ok := d.(key.DestinationKeyspaceID)
		if !ok {
			return nil, fmt.Errorf("vitessdo: table %s: vindex %q maps %v to no single keyspace id", k.table, k.cv.Name, rows[i])
		}
		out[i] = id
	}
	return out, nil
}

// shardIndex returns the index of the range that holds id, or -1.
func shardIndex(ranges []key.KeyRange, id []byte) int {
	for i, r := range ranges {
		if r.Contains(id) {
			return i
		}
	}
	return -1
}
