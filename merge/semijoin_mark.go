package merge

import (
	"reflect"

	"github.com/dot-do/vitessdo/internal/eval"
)

// truth is a value of SQL's three-valued logic.
type truth int8

const (
	truthFalse truth = iota
	truthTrue
	truthUnknown
)

// conditionTruth is the truth of an EXISTS, NOT EXISTS, IN or NOT IN
// condition for one outer row, from what its inner rows hold: found,
// whether it has any; equal, whether a y equals x; unknown, whether x or
// some y is NULL. x IN S is TRUE when a y equals x, else NULL when S is
// not empty and x or a y is NULL, else FALSE; NOT IN is its negation.
func conditionTruth(kind CorrelatedKind, found, equal, unknown bool) truth {
	in := truthFalse
	switch {
	case kind == SemiExists || kind == SemiNotExists:
		if found {
			in = truthTrue
		}
	case equal:
		in = truthTrue
	case found && unknown:
		in = truthUnknown
	}
	if kind == SemiNotExists || kind == SemiNotIn {
		return in.not()
	}
	return in
}

func (t truth) not() truth {
	switch t {
	case truthTrue:
		return truthFalse
	case truthFalse:
		return truthTrue
	}
	return truthUnknown
}

// markValue is a truth as a condition used as a value is in the
// statement's dialect (MySQL's): 1, 0 or NULL, on PostgreSQL too, whose
// rendering casts a boolean value to integer.
func markValue(t truth) any {
	if t == truthUnknown {
		return nil
	}
	return existsInt(t == truthTrue)
}

// markColumn describes a column of markValues named name, typed as the
// backend types a condition cast to integer (INT4 on PostgreSQL, whose
// SUM of them is then INT8).
func markColumn(name string, eng eval.Engine) Column {
	if eng == eval.PostgreSQL {
		return Column{Name: name, DatabaseType: "INT4", ScanType: reflect.TypeOf(int64(0))}
	}
	return Column{Name: name, DatabaseType: "INTEGER", ScanType: reflect.TypeOf(int64(0))}
}
