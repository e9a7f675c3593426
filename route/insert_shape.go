package route

import (
	"strconv"
	"sync"

	"github.com/xwb1989/sqlparser"
)

// An INSERT whose rows are all tuples of ? placeholders (as ORMs and
// batch loaders write them) renders the same text for any k of its rows:
// only which arguments fill the placeholders changes. Its shard
// statements are then rendered once per row count and bound with the
// arguments rearranged, instead of rendering an INSERT per shard on every
// execution.

// rowShapes holds an insert's per-row-count statements; nil when its rows
// are not all placeholders.
type rowShapes struct {
	// args[r][c] is the application argument (1-based) of row r, column c.
	args [][]int
	// upTo[n] is the highest argument of the first n rows; upTo[len]
	// of all, beyond which come arguments outside the rows.
	upTo []int
	mu   sync.Mutex
	byN  map[int]*shardStmt
}

// newRowShapes returns the shapes of rows, or nil when a value is not a
// ? placeholder.
func newRowShapes(rows sqlparser.Values) *rowShapes {
	if len(rows) < 2 {
		return nil
	}
	args := make([][]int, len(rows))
	upTo := make([]int, len(rows)+1)
	for r, row := range rows {
		if len(row) != len(rows[0]) {
			return nil
		}
		args[r] = make([]int, len(row))
		upTo[r+1] = upTo[r]
		for c, e := range row {
			v, ok := e.(*sqlparser.SQLVal)
			if !ok || v.Type != sqlparser.ValArg {
				return nil
			}
			n := placeholderArg(string(v.Val))
			if n <= 0 {
				return nil
			}
			args[r][c] = n
			upTo[r+1] = max(upTo[r+1], n)
		}
	}
	return &rowShapes{args: args, upTo: upTo}
}

// placeholderArg returns n for the bind variable :vn of the
// application's n-th ?, else 0.
func placeholderArg(name string) int {
	if len(name) < 3 || name[0] != ':' || name[1] != 'v' || name[2] == '0' {
		return 0
	}
	n, err := strconv.Atoi(name[2:])
	if err != nil {
		return 0
	}
	return n
}

// stmt returns the statement of the insert's first n rows, which has the
// text of any n of its rows.
func (rs *rowShapes) stmt(ins *sqlparser.Insert, rows sqlparser.Values, n int) *shardStmt {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if st := rs.byN[n]; st != nil {
		return st
	}
	if rs.byN == nil {
		rs.byN = map[int]*shardStmt{}
	}
	sub := *ins
	sub.Rows = rows[:n:n]
	st := newShardStmt(&sub)
	rs.byN[n] = st
	return st
}

// arrange returns the arguments with which the statement of the first
// len(rows) rows inserts the given rows: each of those rows' arguments
// takes the value of the corresponding row's. Arguments outside the rows
// (ON DUPLICATE KEY UPDATE's) keep their values.
func (rs *rowShapes) arrange(args []any, rows []int) []any {
	all := rs.upTo[len(rs.upTo)-1]
	var out []any
	if len(args) > all {
		out = make([]any, len(args))
		copy(out[all:], args[all:])
	} else {
		// Only the first len(rows) rows' arguments are read.
		out = make([]any, min(rs.upTo[len(rows)], len(args)))
	}
	for i, r := range rows {
		for c, a := range rs.args[i] {
			if src := rs.args[r][c]; a <= len(out) && src <= len(args) {
				out[a-1] = args[src-1]
			}
		}
	}
	return out
}
