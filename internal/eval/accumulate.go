package eval

import (
	"math"
	"strconv"
	"strings"
)

// SumKind is the addition an engine uses to add the values of a SUM or an
// AVG.
type SumKind int8

const (
	// SQLiteSum is SQLite's sum()/avg() state: exact integers until one
	// overflows or a real arrives, then Kahan-Babuska-Neumaier floats.
	SQLiteSum SumKind = iota + 1
	// Int8Sum is PostgreSQL int8 addition, failing on overflow.
	Int8Sum
	// NumericSum is PostgreSQL NUMERIC addition, exact.
	NumericSum
	// Float8Sum is PostgreSQL float8 addition, failing on overflow.
	Float8Sum
	// Float4Sum is PostgreSQL float4 addition, failing on overflow.
	Float4Sum
)

// SumOf returns the addition the engine uses for SUM (avg false) or AVG
// over values of a column, and the column the result has. distinct says
// the values are the column itself (SUM(DISTINCT x)), not partial sums.
// A column type the engine cannot add is an error.
func (e Engine) SumOf(in Column, avg, distinct bool) (SumKind, Column, error) {
	typ := in.DatabaseType
	if e != PostgreSQL {
		if avg {
			return SQLiteSum, Column{Name: in.Name, ScanType: scanFloat64}, nil
		}
		scan := in.ScanType
		if distinct && strings.Contains(strings.ToUpper(typ), "INT") {
			// The column itself, not a partial sum: a sum of its
			// integers is an integer.
			scan = scanInt64
		}
		return SQLiteSum, Column{Name: in.Name, ScanType: scan}, nil
	}
	if avg {
		switch typ {
		case "INT2", "INT4", "INT8", "NUMERIC":
			return NumericSum, numericColumn(in.Name), nil
		case "FLOAT4", "FLOAT8":
			return Float8Sum, Column{Name: in.Name, DatabaseType: "FLOAT8", ScanType: scanFloat64}, nil
		}
		return 0, in, &specError{"AVG over PostgreSQL type " + strconv.Quote(typ) + " unsupported"}
	}
	switch {
	case typ == "INT2" || typ == "INT4" || typ == "INT8" && !distinct:
		// SUM(int2/int4) is int8; a shard's SUM(int8) would be NUMERIC.
		return Int8Sum, Column{Name: in.Name, DatabaseType: "INT8", ScanType: scanInt64}, nil
	case typ == "INT8" || typ == "NUMERIC":
		return NumericSum, numericColumn(in.Name), nil
	case typ == "FLOAT8":
		return Float8Sum, in, nil
	case typ == "FLOAT4":
		return Float4Sum, in, nil
	}
	return 0, in, &specError{"SUM over PostgreSQL type " + strconv.Quote(typ) + " unsupported"}
}

// CountColumn is the column a COUNT has on the engine.
func (e Engine) CountColumn(name string) Column {
	if e == PostgreSQL {
		return Column{Name: name, DatabaseType: "INT8", ScanType: scanInt64}
	}
	return Column{Name: name, ScanType: scanInt64}
}

// Sum adds values with one of an engine's additions. The zero Sum of a
// kind is empty; Reset empties it again.
type Sum struct {
	kind SumKind
	n    int64 // non-NULL values added
	lite sqliteSum
	i8   int64
	f8   float64
	f4   float32
	dec  decimal
	tmp  decimal
	// working storage for NUMERIC results
	dsc      decScratch
	quo, cnt decimal
}

// NewSum returns an empty Sum of the kind.
func NewSum(kind SumKind) Sum { return Sum{kind: kind} }

// Reset empties the sum.
func (s *Sum) Reset() {
	s.n = 0
	s.lite.reset()
	s.i8, s.f8, s.f4 = 0, 0, 0
	s.dec.setInt64(0)
}

// Add adds one non-NULL value.
func (s *Sum) Add(v any) error {
	s.n++
	switch s.kind {
	case SQLiteSum:
		s.lite.add(v)
	case Int8Sum:
		x, ok := v.(int64)
		if !ok {
			return valueError("int8", v)
		}
		if s.i8, ok = addInt64(s.i8, x); !ok {
			return ErrBigintOutOfRange
		}
	case NumericSum:
		switch x := v.(type) {
		case int64:
			s.tmp.setInt64(x)
		case string:
			if !s.tmp.setText(x) {
				return valueError("numeric", v)
			}
		default:
			return valueError("numeric", v)
		}
		s.dec.add(&s.tmp)
	case Float8Sum:
		x, ok := toFloat(v)
		if !ok {
			return valueError("float8", v)
		}
		r := s.f8 + x
		if math.IsInf(r, 0) && !math.IsInf(s.f8, 0) && !math.IsInf(x, 0) {
			return ErrFloatOverflow
		}
		s.f8 = r
	case Float4Sum:
		x, ok := toFloat(v)
		if !ok {
			return valueError("float4", v)
		}
		x4 := float32(x)
		r := s.f4 + x4
		if math.IsInf(float64(r), 0) && !math.IsInf(float64(s.f4), 0) && !math.IsInf(float64(x4), 0) {
			return ErrFloatOverflow
		}
		s.f4 = r
	}
	return nil
}

// Total is the SUM of the values added: NULL when none was, except on
// SQLite, whose sum() state decides.
func (s *Sum) Total() (any, error) {
	if s.kind == SQLiteSum {
		return s.lite.sum()
	}
	if s.n == 0 {
		return nil, nil
	}
	switch s.kind {
	case Int8Sum:
		return s.i8, nil
	case NumericSum:
		return s.dec.text(&s.dsc), nil
	case Float8Sum:
		return s.f8, nil
	case Float4Sum:
		return float64(s.f4), nil
	}
	return nil, nil
}

// Mean is the AVG of the values added, count being how many there were:
// NULL for none, in the engine's type (NUMERIC text on PostgreSQL for
// integers and NUMERIC).
func (s *Sum) Mean(count int64) (any, error) {
	if count == 0 {
		return nil, nil
	}
	switch s.kind {
	case SQLiteSum:
		return s.lite.float() / float64(count), nil
	case Float8Sum:
		return s.f8 / float64(count), nil
	}
	s.cnt.setInt64(count)
	if err := s.quo.quo(&s.dec, &s.cnt, &s.dsc); err != nil {
		return nil, err
	}
	return s.quo.text(&s.dsc), nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return 0, false
}
