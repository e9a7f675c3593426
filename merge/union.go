package merge

import (
	"errors"
	"strings"
)

// ErrUnionColumns is the error for a UNION whose SELECTs have different
// numbers of columns.
var ErrUnionColumns = errors.New("the SELECTs of a UNION have different numbers of columns")

// Union combines the rows of the SELECTs of a UNION: UNION ALL keeps
// every row, UNION (DISTINCT) one of each set of equal rows. The columns
// are the first source's.
//
// Algorithm: UNION ALL concatenates the sources (Concat: nothing held).
// UNION sorts the concatenation by every column (Sort: every row held)
// and drops rows equal to their predecessor (Distinct), equality being
// the engine's (NULL equals NULL, SQLite's 1 equals 1.0).
//
// On PostgreSQL the server converts the columns of a UNION to one type
// (integer and numeric to numeric, text and varchar to text); NewUnion
// refuses sources whose types would convert values, which the merge does
// not reproduce.
//
// UNION holds every row it deduplicates: maxRows (when > 0) bounds them,
// past it the stream fails with a MemoryRowsError.
func NewUnion(sources []Iterator, distinct bool, eng Engine, maxRows int64) (Iterator, error) {
	if err := checkUnion(sources, eng); err != nil {
		closeIterators(sources)
		return nil, err
	}
	var it Iterator = &named{Iterator: NewConcat(sources), first: sources[0].Columns()}
	if !distinct {
		return it, nil
	}
	n := len(sources[0].Columns())
	keys := make([]SortKey, n)
	for i := range keys {
		keys[i] = SortKey{Col: i}
	}
	return NewDistinct(NewSort(NewBound(it, maxRows, "UNION"), keys, eng), nil, eng), nil
}

// named gives a union's columns the first SELECT's names (Concat may
// describe a column by another source, which knows its type).
type named struct {
	Iterator
	first []Column
	cols  []Column
}

func (n *named) Columns() []Column {
	if n.cols == nil {
		n.cols = append([]Column(nil), n.Iterator.Columns()...)
		for i := range n.cols {
			if i < len(n.first) {
				n.cols[i].Name = n.first[i].Name
			}
		}
	}
	return n.cols
}

func checkUnion(sources []Iterator, eng Engine) error {
	if len(sources) == 0 {
		return &specError{"union of no sources"}
	}
	first := sources[0].Columns()
	for _, s := range sources[1:] {
		cs := s.Columns()
		if len(cs) != len(first) {
			return ErrUnionColumns
		}
		if eng != PostgreSQL {
			continue
		}
		for i := range cs {
			a, b := typeFamily(first[i].DatabaseType), typeFamily(cs[i].DatabaseType)
			if a != b {
				return &UnionTypeError{Column: first[i].Name, Left: first[i].DatabaseType, Right: cs[i].DatabaseType}
			}
		}
	}
	return nil
}

// UnionTypeError reports UNION columns of types PostgreSQL would convert
// to a common type.
type UnionTypeError struct {
	Column, Left, Right string
}

func (e *UnionTypeError) Error() string {
	return "UNION column " + e.Column + " is " + e.Left + " in one SELECT and " + e.Right + " in another: PostgreSQL would convert them to one type"
}

// typeFamily groups PostgreSQL types whose values a UNION keeps as they
// are.
func typeFamily(t string) string {
	switch t = strings.ToUpper(t); t {
	case "INT2", "INT4", "INT8":
		return "integer"
	case "TEXT", "VARCHAR":
		return "text"
	}
	return t
}

func closeIterators(its []Iterator) {
	for _, it := range its {
		it.Close()
	}
}
