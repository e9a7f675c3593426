package dialect

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// convert renders CAST(x AS type) and CONVERT(x, type).
//
//	MySQL type        SQLite                       PostgreSQL
//	CHAR, NCHAR       CAST(x AS TEXT)              CAST(x AS text)
//	CHAR(n)           substr(CAST(x AS TEXT),1,n)  CAST(x AS varchar(n))
//	SIGNED, UNSIGNED  CAST(x AS INTEGER)           CAST(x AS bigint)
//	DECIMAL(p,s)      round(CAST(x AS REAL), s)    CAST(x AS numeric(p,s))
//	DATE              date(x)                      CAST(x AS date)
//	DATETIME          datetime(x)                  CAST(x AS timestamp(0))
//	TIME              time(x)                      CAST(x AS time(0))
//	BINARY            CAST(x AS BLOB)              convert_to(CAST(x AS text), 'UTF8')
//	JSON              json(x)                      CAST(x AS jsonb)
//
// Known differences: SQLite truncates a fraction where MySQL rounds
// (CAST(1.7 AS SIGNED) is 2 in MySQL, 1 on SQLite); PostgreSQL rejects
// text that is not a number where MySQL takes its numeric prefix; UNSIGNED
// does not wrap negative numbers.
func (r *renderer) convert(c *sqlparser.ConvertExpr) {
	t := c.Type
	if t == nil {
		r.fail(errorf("CAST without a type"))
		return
	}
	length, hasLength := 0, t.Length != nil
	if hasLength {
		n, err := strconv.Atoi(string(t.Length.Val))
		if err != nil || n < 0 {
			r.fail(errorf("malformed length in CAST: %q", t.Length.Val))
			return
		}
		length = n
	}
	cast := func(typ string) {
		r.write("CAST(")
		r.value(c.Expr)
		r.write(" AS " + typ + ")")
	}
	fn := func(name string) {
		r.write(name + "(")
		r.value(c.Expr)
		r.write(")")
	}
	switch t.Type {
	case "char", "nchar":
		switch {
		case !hasLength && r.d == SQLite:
			cast("TEXT")
		case !hasLength:
			cast("text")
		case r.d == SQLite:
			r.write("substr(")
			cast("TEXT")
			r.write(", 1, " + strconv.Itoa(length) + ")")
		default:
			cast("varchar(" + strconv.Itoa(length) + ")")
		}
	case "signed", "unsigned":
		cast(r.pick("INTEGER", "bigint"))
	case "decimal":
		precision, scale := 10, 0
		if hasLength {
			precision = length
		}
		if t.Scale != nil {
			s, err := strconv.Atoi(string(t.Scale.Val))
			if err != nil || s < 0 {
				r.fail(errorf("malformed scale in CAST: %q", t.Scale.Val))
				return
			}
			scale = s
		}
		if r.d == SQLite {
			r.write("round(")
			cast("REAL")
			r.write(", " + strconv.Itoa(scale) + ")")
			return
		}
		cast("numeric(" + strconv.Itoa(precision) + "," + strconv.Itoa(scale) + ")")
	case "date":
		if r.d == SQLite {
			fn("date")
		} else {
			cast("date")
		}
	case "datetime":
		if r.d == SQLite {
			fn("datetime")
		} else {
			cast("timestamp(" + strconv.Itoa(length) + ")")
		}
	case "time":
		if r.d == SQLite {
			fn("time")
		} else {
			cast("time(" + strconv.Itoa(length) + ")")
		}
	case "binary":
		if hasLength {
			r.unsupported("CAST to BINARY(n)")
			return
		}
		if r.d == SQLite {
			cast("BLOB")
			return
		}
		r.write("convert_to(")
		cast("text")
		r.write(", 'UTF8')")
	case "json":
		if r.d == SQLite {
			fn("json")
		} else {
			cast("jsonb")
		}
	default:
		r.unsupported("CAST to " + t.Type)
	}
}

// textTypeNames are PostgreSQL's names of text types, which a NativeCast
// collates as text columns are.
var textTypeNames = map[string]bool{"text": true, "varchar": true, "bpchar": true, "char": true}

// nativeCastFunc is the function a NativeCast is written as, so that the
// statement prints and parses again as any other.
const nativeCastFunc = "vitessdo_cast"

// NativeCast is CAST(e AS name) with name a type of the backend the
// statement is rendered for, written as it is (the router types a bind
// argument by the column its value came from: PostgreSQL's INT8, NUMERIC,
// TEXT, BOOL…; text types collate as text columns do). It is the call
// vitessdo_cast(e, 'name'); name must be a plain type name (letters,
// digits, _).
func NativeCast(e sqlparser.Expr, name string) sqlparser.Expr {
	return &sqlparser.FuncExpr{Name: sqlparser.NewColIdent(nativeCastFunc), Exprs: sqlparser.SelectExprs{
		&sqlparser.AliasedExpr{Expr: e}, &sqlparser.AliasedExpr{Expr: sqlparser.NewStrVal([]byte(name))},
	}}
}

// NativeCastOf returns the value and the type name of a NativeCast; ok
// is false for any other expression.
func NativeCastOf(x sqlparser.Expr) (e sqlparser.Expr, name string, ok bool) {
	f, isFunc := x.(*sqlparser.FuncExpr)
	if !isFunc || !f.Name.EqualString(nativeCastFunc) || len(f.Exprs) != 2 {
		return nil, "", false
	}
	v, ok1 := f.Exprs[0].(*sqlparser.AliasedExpr)
	t, ok2 := f.Exprs[1].(*sqlparser.AliasedExpr)
	if !ok1 || !ok2 {
		return nil, "", false
	}
	if s, isStr := t.Expr.(*sqlparser.SQLVal); isStr && s.Type == sqlparser.StrVal {
		return v.Expr, string(s.Val), true
	}
	return nil, "", false
}

// nativeCast renders a NativeCast.
func (r *renderer) nativeCast(f *sqlparser.FuncExpr) {
	e, name, _ := NativeCastOf(f)
	if e == nil || !PlainTypeName(name) {
		r.fail(errorf("%s takes a value and a plain type name", nativeCastFunc))
		return
	}
	r.write("CAST(")
	r.value(e)
	r.write(" AS " + name + ")")
	if r.d == PostgreSQL && textTypeNames[strings.ToLower(name)] {
		// As text columns are (see ddl_types.go).
		r.write(` COLLATE "C"`)
	}
}

// PlainTypeName reports a type name of letters, digits and _ that starts
// with a letter or _.
func PlainTypeName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
