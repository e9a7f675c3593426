package merge

import (
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// benchSource streams prepared rows without copying them.
type benchSource struct {
	cols []Column
	rows []Row
	next int
}

func (s *benchSource) Columns() []Column { return s.cols }
func (s *benchSource) Close() error      { return nil }
func (s *benchSource) Next() (Row, error) {
	if s.next >= len(s.rows) {
		return nil, io.EOF
	}
	r := s.rows[s.next]
	s.next++
	return r, nil
}

// perRow runs op b.N times over rows rows each and reports ns/row and
// allocs/row; prepare runs before each op, untimed.
func perRow(b *testing.B, rows int, prepare func(), op func() int) {
	b.Helper()
	var before, after runtime.MemStats
	var mallocs uint64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		prepare()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		if n := op(); n == 0 {
			b.Fatal("no rows")
		}
		b.StopTimer()
		runtime.ReadMemStats(&after)
		mallocs += after.Mallocs - before.Mallocs
		b.StartTimer()
	}
	total := float64(b.N) * float64(rows)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/row")
	b.ReportMetric(float64(mallocs)/total, "allocs/row")
}

// BenchmarkOrdered merges 4 shards of 250,000 rows each, sorted by an
// int64 key then a text key.
func BenchmarkOrdered(b *testing.B) {
	const shards, total = 4, 1_000_000
	cols := []Column{{Name: "id", DatabaseType: "INTEGER"}, {Name: "name", DatabaseType: "TEXT"}}
	data := make([][]Row, shards)
	for i := range total {
		s := i % shards
		data[s] = append(data[s], Row{int64(i / 3), "user" + strconv.Itoa(i%1000)})
	}
	srcs := make([]*benchSource, shards)
	its := make([]Iterator, shards)
	for s := range srcs {
		srcs[s] = &benchSource{cols: cols, rows: data[s]}
		its[s] = srcs[s]
	}
	keys := []eval.SortKey{{Col: 0}, {Col: 1, Desc: true}}
	for _, eng := range []eval.Engine{eval.SQLite, eval.PostgreSQL} {
		b.Run(eng.String(), func(b *testing.B) {
			perRow(b, total, func() {
				for _, s := range srcs {
					s.next = 0
				}
			}, func() int {
				o := NewOrdered(its, keys, eng)
				n := 0
				for {
					if _, err := o.Next(); err != nil {
						break
					}
					n++
				}
				o.Close()
				return n
			})
		})
	}
}

// BenchmarkAggregate groups 1,000,000 partial rows (4 shards' rows per
// group, already merged in key order) computing COUNT, SUM, MAX and AVG.
func BenchmarkAggregate(b *testing.B) {
	const total = 1_000_000
	for _, tc := range []struct {
		eng  eval.Engine
		cols []Column
		sum  func(i int) any
	}{
		{eval.SQLite, cols("k:TEXT c: s: m: as: ac:"), func(i int) any { return int64(i) }},
		{eval.PostgreSQL, cols("k:TEXT c:INT8 s:INT8 m:INT8 as:INT8 ac:INT8"), func(i int) any { return int64(i) }},
		{eval.PostgreSQL, cols("k:TEXT c:INT8 s:NUMERIC m:INT8 as:NUMERIC ac:INT8"), func(i int) any { return strconv.Itoa(i) + ".25" }},
	} {
		name := tc.eng.String() + "/" + tc.cols[2].DatabaseType
		b.Run(name, func(b *testing.B) {
			orig := make([]Row, total)
			for i := range orig {
				orig[i] = Row{"group" + strconv.Itoa(100000000+i/4), int64(3), tc.sum(i), int64(i % 97), tc.sum(i), int64(3)}
			}
			src := &benchSource{cols: tc.cols, rows: make([]Row, total)}
			for i := range src.rows {
				src.rows[i] = make(Row, len(orig[i]))
			}
			aggs := []Aggregate{{Func: AggCount, Col: 1}, {Func: AggSum, Col: 2}, {Func: AggMax, Col: 3}, {Func: AggAvg, Col: 4, CountCol: 5}}
			perRow(b, total, func() {
				src.next = 0
				for i, r := range src.rows {
					copy(r, orig[i])
				}
			}, func() int {
				a := NewAggregate(src, []int{0}, aggs, tc.eng)
				n := 0
				for {
					if _, err := a.Next(); err != nil {
						if err != io.EOF {
							b.Fatal(err)
						}
						break
					}
					n++
				}
				a.Close()
				return n
			})
		})
	}
}
