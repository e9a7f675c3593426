package mysqlfunc

import (
	"database/sql/driver"

	"modernc.org/sqlite"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
)

// MySQL's variances and standard deviations, which SQLite lacks, are
// aggregates (and window functions) over eval.RealMoments: exact sums,
// rounded once. mysql_moments is the moments themselves as text, which a
// shard sends for a merge to add (eval.RealMoments.AddState).
var sqliteAggregates = map[string]func(m *eval.RealMoments) driver.Value{
	"mysql_var_pop":     func(m *eval.RealMoments) driver.Value { return m.Result(eval.VarPop) },
	"mysql_var_samp":    func(m *eval.RealMoments) driver.Value { return m.Result(eval.VarSamp) },
	"mysql_stddev_pop":  func(m *eval.RealMoments) driver.Value { return m.Result(eval.StddevPop) },
	"mysql_stddev_samp": func(m *eval.RealMoments) driver.Value { return m.Result(eval.StddevSamp) },
	"mysql_moments":     func(m *eval.RealMoments) driver.Value { return m.State() },
}

func init() {
	for _, name := range dialect.SQLiteAggregates() {
		value, ok := sqliteAggregates[name]
		if !ok {
			panic("vitessdo: the SQLite aggregate " + name + " the renderer writes is not defined")
		}
		sqlite.MustRegisterFunction(name, &sqlite.FunctionImpl{
			NArgs:         1,
			Deterministic: true,
			MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) {
				return &momentsAggregate{value: value}, nil
			},
		})
	}
}

// momentsAggregate is one evaluation of a moments aggregate.
type momentsAggregate struct {
	m     eval.RealMoments
	value func(m *eval.RealMoments) driver.Value
}

// Step adds a row's value.
func (a *momentsAggregate) Step(_ *sqlite.FunctionContext, args []driver.Value) error {
	a.m.AddValue(args[0], 1)
	return nil
}

// WindowInverse removes the value of a row leaving the window frame.
func (a *momentsAggregate) WindowInverse(_ *sqlite.FunctionContext, args []driver.Value) error {
	a.m.AddValue(args[0], -1)
	return nil
}

// WindowValue is the aggregate over the rows added.
func (a *momentsAggregate) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	return a.value(&a.m), nil
}

// Final releases nothing: the moments are Go values.
func (a *momentsAggregate) Final(*sqlite.FunctionContext) {}
