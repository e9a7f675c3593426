package merge

import (
	"errors"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

func openers(ls ...*literal) []func() (Iterator, error) {
	out := make([]func() (Iterator, error), len(ls))
	for i, l := range ls {
		out[i] = func() (Iterator, error) {
			if l.closes > 0 || l.reads > 0 {
				return nil, errors.New("opened twice")
			}
			return l, nil
		}
	}
	return out
}

func TestUnionAllConcatenatesAndUnionKeepsOneOfEqualRows(t *testing.T) {
	tests := []struct {
		name     string
		distinct bool
		eng      eval.Engine
		a, b     []string
		want     []string
	}{
		{name: "all", a: []string{"1|x", "2|NULL"}, b: []string{"1|x", "3|y"}, want: []string{"1|x", "2|NULL", "1|x", "3|y"}},
		// UNION sorts to find equal rows: its rows come out sorted.
		{name: "distinct", distinct: true, a: []string{"2|NULL", "1|x", "1|x"}, b: []string{"1|x", "3|y", "2|NULL"}, want: []string{"1|x", "2|NULL", "3|y"}},
		{name: "distinct on PostgreSQL", distinct: true, eng: eval.PostgreSQL, a: []string{"2|b"}, b: []string{"2|b", "1|a"}, want: []string{"1|a", "2|b"}},
		{name: "empty side", distinct: true, a: nil, b: []string{"1|x", "1|x"}, want: []string{"1|x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := "n:INTEGER s:TEXT"
			if tt.eng == eval.PostgreSQL {
				spec = "n:INT8 s:TEXT"
			}
			a, b := lit(t, spec, tt.a...), lit(t, spec, tt.b...)
			it := NewUnion(a, openers(b), tt.distinct, tt.eng, 0)
			got, err := drain(t, it)
			if err != nil {
				t.Fatal(err)
			}
			diffRows(t, parseRows(t, it.Columns(), tt.want...), got)
			it.Close()
			checkClosedOnce(t, a, b)
		})
	}
}

// The next SELECT opens only once the one before it is closed.
func TestUnionOpensEachSourceAfterClosingThePrevious(t *testing.T) {
	a, b := lit(t, "n:INTEGER", "1"), lit(t, "n:INTEGER", "2")
	opened := false
	it := NewUnion(a, []func() (Iterator, error){func() (Iterator, error) {
		if a.closes != 1 {
			t.Errorf("second source opened with the first closed %d times", a.closes)
		}
		opened = true
		return b, nil
	}}, false, eval.SQLite, 0)
	if _, err := it.Next(); err != nil || opened {
		t.Fatalf("first row: err %v, second source opened %v", err, opened)
	}
	wantRows(t, it, "2")
	it.Close()
	checkClosedOnce(t, a, b)
}

func TestUnionRefusesDifferentWidthsAndConvertingTypes(t *testing.T) {
	a, b := lit(t, "n:INTEGER", "1"), lit(t, "n:INTEGER m:INTEGER", "1|2")
	it := NewUnion(a, openers(b), false, eval.SQLite, 0)
	if _, err := drain(t, it); !errors.Is(err, ErrUnionColumns) {
		t.Errorf("widths: err = %v, want ErrUnionColumns", err)
	}
	it.Close()
	checkClosedOnce(t, a, b)
	a, b = lit(t, "n:INT8", "1"), lit(t, "n:NUMERIC", "1.5")
	var te *UnionTypeError
	if _, err := drain(t, NewUnion(a, openers(b), false, eval.PostgreSQL, 0)); !errors.As(err, &te) {
		t.Errorf("types: err = %v, want a UnionTypeError", err)
	}
	a, b = lit(t, "n:INT4", "1"), lit(t, "n:INT8", "2")
	if _, err := drain(t, NewUnion(a, openers(b), false, eval.PostgreSQL, 0)); err != nil {
		t.Errorf("int4 and int8: %v", err)
	}
}

func TestUnionHoldsAtMostMaxRows(t *testing.T) {
	a, b := lit(t, "n:INTEGER", "1", "2"), lit(t, "n:INTEGER", "3")
	it := NewUnion(a, openers(b), true, eval.SQLite, 2)
	_, err := drain(t, it)
	var me *MemoryRowsError
	if !errors.As(err, &me) || me.Limit != 2 || !strings.Contains(err.Error(), "max_memory_rows = 2") {
		t.Fatalf("err = %v, want a MemoryRowsError naming max_memory_rows = 2", err)
	}
	it.Close()
	checkClosedOnce(t, a, b)
}

// The names the driver and the router give one PostgreSQL type are one
// family; types the server converts with a change of value are not.
func TestUnionTypeFamilies(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"INT8", "BIGINT", true},
		{"INT4", "INTEGER", true},
		{"INT2", "SMALLINT", true},
		{"INT4", "INT8", true},
		{"TEXT", "VARCHAR", true},
		{"varchar(16)", "TEXT", true},
		{"BOOL", "BOOLEAN", true},
		{"FLOAT8", "DOUBLE PRECISION", true},
		{"FLOAT4", "REAL", true},
		{"NUMERIC", "DECIMAL", true},
		{"BYTEA", "VARBINARY", true},
		{"TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", true},
		{"INT8", "NUMERIC", false},
		{"INT4", "FLOAT8", false},
		{"FLOAT4", "FLOAT8", false},
		{"NUMERIC", "FLOAT8", false},
		{"BPCHAR", "TEXT", false},
		{"TIMESTAMP", "TIMESTAMPTZ", false},
		{"DATE", "TIMESTAMP", false},
		{"TEXT", "BYTEA", false},
	} {
		if got := typeFamily(tt.a) == typeFamily(tt.b); got != tt.same {
			t.Errorf("%s and %s: one family %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
