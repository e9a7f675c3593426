package route

import (
	"fmt"

	"github.com/dot-do/vitessdo/merge"
)

// batchArgs returns the statement's arguments followed by n values of
// outer column col of a batch's rows, the IN list an inner statement
// (of a join or a semi-join) is routed and filtered by: the batch's
// distinct non-NULL values, repeated to fill the list, or n NULLs (which
// match no row and route to no shard) when it has none.
func batchArgs(args []any, batch []merge.Row, col, n int) []any {
	out := append(make([]any, 0, len(args)+n), args...)
	var vals []any
	seen := make(map[any]bool, len(batch))
	for _, row := range batch {
		v := row[col]
		if v == nil {
			continue
		}
		// The key of a value: itself when comparable, its text for bytes.
		var k any = v
		switch x := v.(type) {
		case []byte:
			k = "b " + string(x)
		case int64, float64, string, bool:
		default:
			k = fmt.Sprintf("%T %v", v, v)
		}
		if !seen[k] {
			seen[k] = true
			vals = append(vals, v)
		}
	}
	for i := 0; i < n; i++ {
		var v any
		if len(vals) > 0 {
			v = vals[i%len(vals)]
		}
		out = append(out, v)
	}
	return out
}
