package merge

import (
	"errors"
	"io"
	"reflect"

	"github.com/dot-do/vitessdo/internal/eval"
)

// SubqueryKind says which value an uncorrelated subquery stands for.
type SubqueryKind int8

const (
	// ScalarSubquery is the value of the subquery's one column in its
	// row; NULL when it has no row.
	ScalarSubquery SubqueryKind = iota
	// ExistsSubquery is whether the subquery has a row: 1 or 0 on SQLite,
	// true or false on PostgreSQL.
	ExistsSubquery
)

// Subquery is one uncorrelated subquery: Open runs it.
type Subquery struct {
	Name string
	Kind SubqueryKind
	Open func() (Iterator, error)
	// FirstDecided is set when the stream's first row is the one a
	// database holding every row takes first: the subquery orders its
	// rows, or runs whole on one shard. Otherwise a scalar subquery on
	// SQLite, which takes the first row, must have one value.
	FirstDecided bool
}

// ErrSubqueryRows is PostgreSQL's error for a scalar subquery with more
// than one row (SQLite takes the first row, see ErrSubqueryRowOrder).
var ErrSubqueryRows = errors.New("more than one row returned by a subquery used as an expression")

// ErrSubqueryColumns is the error for a scalar subquery with more than one
// column.
var ErrSubqueryColumns = errors.New("subquery has too many columns")

// SubqueryRow runs uncorrelated subqueries once each and returns a stream
// of one row holding their values, column i for subquery i: what a
// statement over those values (a SELECT without tables, a condition)
// computes from with Project and Filter.
//
// Algorithm: open each subquery in turn; a scalar one reads at most two
// rows on PostgreSQL (a second is an error), on SQLite, which takes the
// first row, one when that row is decided (FirstDecided) and otherwise
// every row, refusing several different values with ErrSubqueryRowOrder
// (the shards' streams interleave in no order one database shares); an
// EXISTS one reads at most one row; each is closed before the next
// opens, so at most one runs at a time and no row is held but the values.
func SubqueryRow(subs []Subquery, eng eval.Engine) (*Static, error) {
	cols := make([]Column, len(subs))
	row := make(Row, len(subs))
	for i, sq := range subs {
		col, v, err := subqueryValue(sq, eng)
		if err != nil {
			return nil, err
		}
		cols[i], row[i] = col, v
	}
	return NewStatic(cols, []Row{row}), nil
}

func subqueryValue(sq Subquery, eng eval.Engine) (Column, any, error) {
	it, err := sq.Open()
	if err != nil {
		return Column{}, nil, err
	}
	defer it.Close()
	first, err := it.Next()
	if err != nil && err != io.EOF {
		return Column{}, nil, err
	}
	found := err == nil
	if sq.Kind == ExistsSubquery {
		if eng == eval.PostgreSQL {
			return Column{Name: sq.Name, DatabaseType: "BOOL", ScanType: reflect.TypeOf(false)}, found, nil
		}
		return Column{Name: sq.Name, DatabaseType: "INTEGER", ScanType: reflect.TypeOf(int64(0))}, existsInt(found), nil
	}
	cs := it.Columns()
	if len(cs) != 1 {
		return Column{}, nil, ErrSubqueryColumns
	}
	col := cs[0]
	col.Name = sq.Name
	if !found {
		return col, nil, nil
	}
	switch {
	case eng == eval.PostgreSQL:
		if _, err := it.Next(); err == nil {
			return Column{}, nil, ErrSubqueryRows
		} else if err != io.EOF {
			return Column{}, nil, err
		}
	case !sq.FirstDecided:
		if err := sameValues(it, first[0]); err != nil {
			return Column{}, nil, err
		}
	}
	return col, first[0], it.Close()
}

// sameValues reads the rest of a scalar subquery's stream and reports
// ErrSubqueryRowOrder when a row's value differs from v.
func sameValues(it Iterator, v any) error {
	for {
		row, err := it.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !sameValue(v, row[0]) {
			return ErrSubqueryRowOrder
		}
	}
}

func existsInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
