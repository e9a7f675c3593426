package merge_test

import (
	"fmt"
	"io"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// shardRows stands in for one shard's result stream.
type shardRows struct {
	cols []merge.Column
	rows []merge.Row
}

func (s *shardRows) Columns() []merge.Column { return s.cols }
func (s *shardRows) Close() error            { return nil }
func (s *shardRows) Next() (merge.Row, error) {
	if len(s.rows) == 0 {
		return nil, io.EOF
	}
	r := s.rows[0]
	s.rows = s.rows[1:]
	return r, nil
}

// SELECT country, COUNT(*), AVG(age) FROM users GROUP BY country
// HAVING COUNT(*) > 1 ORDER BY AVG(age) DESC, over two PostgreSQL shards
// sent: SELECT country, count(*), sum(age), count(age) … GROUP BY country
// ORDER BY country.
func Example() {
	cols := []merge.Column{
		{Name: "country", DatabaseType: "TEXT"}, {Name: "count", DatabaseType: "INT8"},
		{Name: "sum", DatabaseType: "INT8"}, {Name: "count", DatabaseType: "INT8"},
	}
	shards := []merge.Iterator{
		&shardRows{cols, []merge.Row{{"DE", int64(2), int64(70), int64(2)}, {"FR", int64(1), int64(30), int64(1)}}},
		&shardRows{cols, []merge.Row{{"DE", int64(1), int64(41), int64(1)}, {"JP", int64(2), int64(50), int64(2)}}},
	}
	pg := eval.PostgreSQL
	var it merge.Iterator = merge.NewOrdered(shards, []eval.SortKey{{Col: 0}}, pg)
	it = merge.NewAggregate(it, []int{0}, []merge.Aggregate{
		{Func: merge.AggCount, Col: 1},
		{Func: merge.AggAvg, Col: 2, CountCol: 3},
	}, pg)
	it = merge.NewFilter(it, eval.Gt(eval.Col(1), eval.Lit(1)), pg)
	it = merge.NewSort(it, []eval.SortKey{{Col: 2, Desc: true}}, pg)
	it = merge.NewProject(it, []merge.ProjectColumn{
		{Name: "country", Expr: eval.Col(0)},
		{Name: "count(*)", Expr: eval.Col(1)},
		{Name: "avg(age)", Expr: eval.Col(2)},
	}, pg)
	defer it.Close()
	for i, c := range it.Columns() {
		if i > 0 {
			fmt.Print(" ")
		}
		fmt.Printf("%s:%s", c.Name, c.DatabaseType)
	}
	fmt.Println()
	for {
		row, err := it.Next()
		if err != nil {
			if err != io.EOF {
				fmt.Println(err)
			}
			break
		}
		fmt.Println(row...)
	}
	// Output:
	// country:TEXT count(*):INT8 avg(age):NUMERIC
	// DE 3 37.0000000000000000
	// JP 2 25.0000000000000000
}
