package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestMultiRowInsertOfPlaceholdersSendsEachShardItsRows checks the rows of
// one INSERT of ? placeholders split over the shards: each shard gets its
// rows with their own values, whatever the order of the rows, the row
// counts per shard and the arguments after the rows.
func TestMultiRowInsertOfPlaceholdersSendsEachShardItsRows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newPair(t, e, hotVSchema)
		p.exec(t, "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v INT, s VARCHAR(16))")
		tests := []struct {
			name string
			ids  []int
			dup  bool // ON DUPLICATE KEY UPDATE v = v + ?
		}{
			{"two rows", []int{1, 2}, false},
			{"rows in descending order", []int{40, 39, 38, 37, 36, 35, 34, 33, 32, 31}, false},
			{"interleaved", []int{101, 250, 102, 249, 103, 248, 104, 247}, false},
			{"fifty rows", seq(300, 50), false},
			{"again with the same row count", seq(400, 50), false},
			{"upsert with an argument after the rows", []int{1, 2, 40, 39, 500}, true},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var sb strings.Builder
				sb.WriteString("INSERT INTO t (id, v, s) VALUES ")
				var args []any
				for i, id := range tc.ids {
					if i > 0 {
						sb.WriteString(", ")
					}
					sb.WriteString("(?, ?, ?)")
					args = append(args, id, id*7%101, fmt.Sprintf("s%d", id))
				}
				if tc.dup {
					sb.WriteString(" ON DUPLICATE KEY UPDATE v = v + ?")
					args = append(args, 1000)
				}
				p.exec(t, sb.String(), args...)
				p.compareRows(t, "SELECT id, v, s FROM t")
			})
		}
	})
}

func seq(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}
