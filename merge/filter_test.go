package merge

import (
	"errors"
	"testing"
)

// HAVING COUNT(*) > 1 AND SUM(v) IS NOT NULL over grouped rows.
func TestFilterKeepsRowsWherePredicateIsTrue(t *testing.T) {
	pred := And(Gt(Col(1), Lit(1)), IsNotNull(Col(2)))
	for _, eng := range []Engine{SQLite, PostgreSQL} {
		src := lit(t, "k:TEXT c:INT8 s:NUMERIC", "a|2|1.5", "b|1|3", "c|5|NULL", "d|3|-2")
		wantRows(t, NewFilter(src, pred, eng), "a|2|1.5", "d|3|-2")
		checkClosedOnce(t, src)
	}
}

// HAVING SUM(n) > 2 compares the NUMERIC text as a number on PostgreSQL.
func TestFilterComparesNumericAsDecimal(t *testing.T) {
	src := lit(t, "s:NUMERIC", "10.00", "9.5", "2", "NULL", "NaN")
	wantRows(t, NewFilter(src, Gt(Col(0), Lit(2)), PostgreSQL), "10.00", "9.5", "NaN")
}

func TestFilterStopsOnEvaluationError(t *testing.T) {
	src := lit(t, "c:INT8 d:INT8", "4|2", "1|0", "6|3")
	f := NewFilter(src, Gt(Div(Col(0), Col(1)), Lit(0)), PostgreSQL)
	got, err := drain(t, f)
	if !errors.Is(err, ErrDivisionByZero) || len(got) != 1 {
		t.Fatalf("got %d rows, %v; want 1 row, %v", len(got), err, ErrDivisionByZero)
	}
	if _, err := f.Next(); !errors.Is(err, ErrDivisionByZero) {
		t.Fatalf("Next after error: %v", err)
	}
	f.Close()
	checkClosedOnce(t, src)
	// SQLite's x/0 is NULL, which is not true.
	wantRows(t, NewFilter(lit(t, "c: d:", "4|2", "1|0", "6|3"), IsNull(Div(Col(0), Col(1))), SQLite), "1|0")
}
