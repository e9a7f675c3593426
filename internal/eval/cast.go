package eval

import (
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// CastType is the target type of Cast.
type CastType int8

const (
	// CastReal is CAST(x AS REAL) on SQLite and CAST(x AS float8) on
	// PostgreSQL.
	CastReal CastType = iota + 1
	// CastNumeric is CAST(x AS numeric) on PostgreSQL; on SQLite it is
	// CAST(x AS NUMERIC), which keeps numbers as they are.
	CastNumeric
	// CastInteger is CAST(x AS INTEGER) on SQLite (truncating) and CAST(x
	// AS integer) on PostgreSQL (rounding, 1/0 for booleans, int4 range).
	CastInteger
	// CastText is CAST(x AS TEXT): a number as the engine prints it, a
	// time as the text the engine holds or prints for it.
	CastText
)

// Cast is CAST(a AS t) with the engine's conversion: the router writes
// these where the shard renderer writes them, so that an expression
// evaluated at the merge means what it means on a shard (MySQL's exact
// '/' is CAST(a AS REAL) / b on SQLite, CAST(a AS numeric) / b on
// PostgreSQL; a comparison used as a value is CAST(… AS integer) on
// PostgreSQL). NULL stays NULL.
func Cast(a Expr, t CastType) Expr { return Expr{op: opCast, val: t, args: []Expr{a}} }

// NullIf is NULLIF(a, b): NULL when a equals b, else a.
func NullIf(a, b Expr) Expr { return binary(opNullIf, a, b) }

func (ev *Evaluator) cast(t CastType, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t == CastText {
		return ev.text(v), nil
	}
	if ev.eng == SQLite {
		return sqliteCast(t, v), nil
	}
	return pgCast(t, v)
}

// text is CAST(v AS TEXT) of a non-NULL value.
func (ev *Evaluator) text(v any) string { return ev.eng.Text(v) }

// Text is a non-NULL value as text, as the engine converts it where text
// is wanted (CAST(v AS TEXT), a GROUP_CONCAT): a number as the engine
// prints it, a blob's bytes, a time as the text the engine holds (SQLite)
// or prints (PostgreSQL's timestamp output).
func (e Engine) Text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case numText:
		return string(x)
	case []byte:
		if e == PostgreSQL {
			// bytea's output: \x and the bytes in hex.
			return `\x` + hex.EncodeToString(x)
		}
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if e == SQLite {
			return textAffinity(x).(string)
		}
		return pgFloatText(x)
	case bool:
		if e == SQLite {
			return strconv.FormatInt(boolInt(x), 10)
		}
		return strconv.FormatBool(x)
	case time.Time:
		if e == SQLite {
			return textOf(x)
		}
		// timestamp output: ISO date and time, fractional seconds only
		// when there are some.
		return x.Format("2006-01-02 15:04:05.999999")
	}
	return ""
}

// TextColumn is the column of a text result (a GROUP_CONCAT) on the
// engine.
func (e Engine) TextColumn(name string) Column {
	c := castColumn(e, CastText)
	c.Name = name
	return c
}

// pgSpecialFloat is PostgreSQL's text of a NaN or an infinity, ok false
// for any other float.
func pgSpecialFloat(f float64) (string, bool) {
	switch {
	case math.IsNaN(f):
		return "NaN", true
	case math.IsInf(f, 1):
		return "Infinity", true
	case math.IsInf(f, -1):
		return "-Infinity", true
	}
	return "", false
}

// pgFloatText is PostgreSQL's float8 output: the shortest text that reads
// back as the same float, in exponent form when the decimal exponent is
// below -4 or at least 15.
func pgFloatText(f float64) string {
	if t, ok := pgSpecialFloat(f); ok {
		return t
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	if e < -4 || e >= 15 {
		sign := "+"
		if e < 0 {
			sign, e = "-", -e
		}
		return mant + "e" + sign + fmt.Sprintf("%02d", e)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// sqliteCast converts as SQLite's CAST does.
func sqliteCast(t CastType, v any) any {
	switch t {
	case CastReal:
		return floatOf(sqliteNumberFloat(v))
	case CastInteger:
		switch v.(type) {
		case string, []byte, time.Time:
			// The text's integer prefix: CAST('1e1' AS INTEGER) is 1.
			return sqliteIntValue(v, 0)
		}
		switch x := sqliteArithNumber(v).(type) {
		case int64:
			return x
		case float64:
			return sqliteFloatToInt(x)
		}
		return int64(0)
	}
	// NUMERIC affinity: text that looks like a number becomes one.
	switch v.(type) {
	case string, []byte, time.Time:
		n := sqliteNumber(v)
		if f, ok := n.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f)
		}
		return n
	case bool:
		return sqliteNumber(v)
	}
	return v
}

func sqliteNumberFloat(v any) any {
	switch n := sqliteNumber(v).(type) {
	case int64:
		return float64(n)
	default:
		return n
	}
}

// pgCast converts as PostgreSQL's casts between the types a merge sees.
func pgCast(t CastType, v any) (any, error) {
	switch t {
	case CastReal:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case numText:
			var d decimal
			if !d.setText(string(x)) {
				return nil, valueError("float8", v)
			}
			return d.float64(), nil
		}
		return nil, valueError("float8", v)
	case CastNumeric:
		switch x := v.(type) {
		case numText:
			return x, nil
		case int64:
			return numText(strconv.FormatInt(x, 10)), nil
		case float64:
			return numText(float8Numeric(x)), nil
		}
		return nil, valueError("numeric", v)
	case CastInteger:
		var r float64
		switch x := v.(type) {
		case bool:
			return boolInt(x), nil
		case int64:
			if x < math.MinInt32 || x > math.MaxInt32 {
				return nil, ErrIntegerOutOfRange
			}
			return x, nil
		case float64:
			r = math.RoundToEven(x)
		case numText:
			var d decimal
			if !d.setText(string(x)) {
				return nil, valueError("integer", v)
			}
			r = math.Round(d.float64())
		default:
			return nil, valueError("integer", v)
		}
		if math.IsNaN(r) || r < math.MinInt32 || r > math.MaxInt32 {
			return nil, ErrIntegerOutOfRange
		}
		return int64(r), nil
	}
	return nil, &specError{"unknown cast " + strconv.Itoa(int(t))}
}

// float8Numeric is PostgreSQL's float8 → numeric: the value printed with
// 15 significant digits (%.15g), as plain decimal text.
func float8Numeric(f float64) string {
	if t, ok := pgSpecialFloat(f); ok {
		return t
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	mant, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	e, _ := strconv.Atoi(exp)
	neg := strings.HasPrefix(mant, "-")
	out := shiftPoint(strings.TrimPrefix(mant, "-"), e)
	if neg {
		out = "-" + out
	}
	return out
}

// shiftPoint writes an unsigned decimal mantissa ("1.50") times ten to
// the power e as plain decimal text, keeping every digit ("15.0").
func shiftPoint(mant string, e int) string {
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	point := len(intPart) + e
	switch {
	case point <= 0:
		return "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		return digits + strings.Repeat("0", point-len(digits))
	}
	return digits[:point] + "." + digits[point:]
}

func castColumn(eng Engine, t CastType) Column {
	pg := eng == PostgreSQL
	switch {
	case t == CastReal && pg:
		return Column{DatabaseType: "FLOAT8", ScanType: scanFloat64}
	case t == CastReal:
		return Column{ScanType: scanFloat64}
	case t == CastNumeric && pg:
		return numericColumn("")
	case t == CastInteger && pg:
		return Column{DatabaseType: "INT4", ScanType: reflect.TypeFor[int32]()}
	case t == CastInteger:
		return Column{ScanType: scanInt64}
	case t == CastText && pg:
		return Column{DatabaseType: "TEXT", ScanType: scanString}
	case t == CastText:
		return Column{ScanType: scanString}
	}
	return Column{}
}

// numericRank orders PostgreSQL's numeric types by implicit promotion:
// integers (1) → numeric (2) → float8 (3); 0 for anything else.
func numericRank(c Column) int {
	switch c.DatabaseType {
	case "INT2", "INT4", "INT8":
		return 1
	case "NUMERIC":
		return 2
	case "FLOAT4", "FLOAT8":
		return 3
	}
	return 0
}

// unify resolves the type of a COALESCE or CASE as PostgreSQL does when
// it parses the statement (see commonType): branches of different type
// categories are an error, unknown-typed ones (Param) take the common
// type, and numeric branches are converted to the common numeric type:
// COALESCE(SUM(numeric), 0) returns the numeric 0, not the integer.
func (ev *Evaluator) unify(e *Expr) error {
	var branches []int
	for i := range e.args {
		if e.op == opCase && i%2 == 0 && i != len(e.args)-1 {
			continue // a condition
		}
		branches = append(branches, i)
	}
	what := "COALESCE"
	if e.op == opCase {
		// The server resolves the ELSE first.
		what = "CASE"
		last := branches[len(branches)-1]
		branches = append([]int{last}, branches[:len(branches)-1]...)
	}
	types := make([]string, len(branches))
	for k, i := range branches {
		if a := &e.args[i]; !isNullExpr(a) && !a.unresolved() {
			types[k] = ev.ColumnOf(a, ev.cols).DatabaseType
		}
	}
	common, err := commonType(what, types)
	if err != nil {
		return err
	}
	for _, i := range branches {
		if err := resolveParam(&e.args[i], common); err != nil {
			return err
		}
	}
	top := numericRank(typeColumn(common))
	target := map[int]CastType{2: CastNumeric, 3: CastReal}[top]
	if target == 0 {
		return nil
	}
	for _, i := range branches {
		if r := numericRank(ev.ColumnOf(&e.args[i], ev.cols)); r != 0 && r < top {
			e.args[i] = Cast(e.args[i], target)
		}
	}
	return nil
}

func isNullExpr(e *Expr) bool {
	return e.op == opNull || e.op == opLit && e.val == nil
}

// pgTimestampLayouts are the ISO forms of PostgreSQL's timestamp input.
var pgTimestampLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// pgTimestampOf reads a string as PostgreSQL reads a timestamp literal
// compared with a timestamp (without time zone) column: its date and time
// of day, any zone suffix ignored, as the wall clock pgx hands out in UTC.
func pgTimestampOf(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	s = strings.TrimSpace(s)
	// A zone suffix (+02, -07:00, Z) after the time of day is ignored.
	if len(s) > 10 {
		if i := strings.LastIndexAny(s, "+-Z"); i > 10 {
			s = strings.TrimSpace(s[:i])
		}
	}
	for _, layout := range pgTimestampLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
