package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// HAVING COUNT(*) > 1 AND SUM(v) IS NOT NULL over grouped rows.
func TestFilterKeepsRowsWherePredicateIsTrue(t *testing.T) {
	pred := eval.And(eval.Gt(eval.Col(1), eval.Lit(1)), eval.IsNotNull(eval.Col(2)))
	for _, eng := range []eval.Engine{eval.SQLite, eval.PostgreSQL} {
		src := lit(t, "k:TEXT c:INT8 s:NUMERIC", "a|2|1.5", "b|1|3", "c|5|NULL", "d|3|-2")
		wantRows(t, NewFilter(src, pred, eng), "a|2|1.5", "d|3|-2")
		checkClosedOnce(t, src)
	}
}

// HAVING SUM(n) > 2 compares the NUMERIC text as a number on PostgreSQL.
func TestFilterComparesNumericAsDecimal(t *testing.T) {
	src := lit(t, "s:NUMERIC", "10.00", "9.5", "2", "NULL", "NaN")
	wantRows(t, NewFilter(src, eval.Gt(eval.Col(0), eval.Lit(2)), eval.PostgreSQL), "10.00", "9.5", "NaN")
}

func TestFilterStopsOnEvaluationError(t *testing.T) {
	src := lit(t, "c:INT8 d:INT8", "4|2", "1|0", "6|3")
	f := NewFilter(src, eval.Gt(eval.Div(eval.Col(0), eval.Col(1)), eval.Lit(0)), eval.PostgreSQL)
	got, err := drain(t, f)
	if !errors.Is(err, eval.ErrDivisionByZero) || len(got) != 1 {
		t.Fatalf("got %d rows, %v; want 1 row, %v", len(got), err, eval.ErrDivisionByZero)
	}
	if _, err := f.Next(); !errors.Is(err, eval.ErrDivisionByZero) {
		t.Fatalf("Next after error: %v", err)
	}
	f.Close()
	checkClosedOnce(t, src)
	// SQLite's x/0 is NULL, which is not true.
	wantRows(t, NewFilter(lit(t, "c: d:", "4|2", "1|0", "6|3"), eval.IsNull(eval.Div(eval.Col(0), eval.Col(1))), eval.SQLite), "1|0")
}
