package dialect

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// Functions. A MySQL function whose name or meaning differs in the
// backend is rendered by a rule of its own below. Any other function
// passes through by its lower-cased name with its arguments rendered, so
// the backend either knows it or reports "no such function": names that a
// backend knows with another meaning are in conflicting and are
// unsupported rather than passed through.
//
// Times are UTC on every backend: SQLite has no session time zone, and
// PostgreSQL's is the session's, so NOW() is rendered against UTC there.

type funcRule func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr)

var funcRules map[string]funcRule

func init() {
	now := func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if r.argc(f, args, 0, 0) {
			r.write(r.pick("datetime('now')", "date_trunc('second', now() AT TIME ZONE 'UTC')"))
		}
	}
	today := func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if r.argc(f, args, 0, 0) {
			r.write(r.pick("date('now')", "CAST(now() AT TIME ZONE 'UTC' AS date)"))
		}
	}
	clock := func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if r.argc(f, args, 0, 0) {
			r.write(r.pick("time('now')", "CAST(date_trunc('second', now() AT TIME ZONE 'UTC') AS time)"))
		}
	}
	funcRules = map[string]funcRule{
		"now": now, "current_timestamp": now, "localtime": now, "localtimestamp": now,
		"sysdate": now, "utc_timestamp": now,
		"curdate": today, "current_date": today, "utc_date": today,
		"curtime": clock, "current_time": clock, "utc_time": clock,
		"unix_timestamp": unixTimestamp,
		"date":           castRule("date", "date", "date"),
		"time":           castRule("time", "time", "time"),
		"timestamp":      castRule("datetime", "timestamp", "timestamp"),
		"year":           datePart("%Y", "year"),
		"month":          datePart("%m", "month"),
		"day":            datePart("%d", "day"),
		"dayofmonth":     datePart("%d", "day"),
		"hour":           datePart("%H", "hour"),
		"minute":         datePart("%M", "minute"),
		"second":         datePart("%S", "second"),

		"ifnull":   coalesceRule,
		"coalesce": coalesceRule,
		"if":       ifRule,
		"concat":   concat,
		"concat_ws": func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
			if r.argc(f, args, 2, -1) {
				r.castArgs("concat_ws", args)
			}
		},
		"length":           textFunc("octet_length", "octet_length", 0),
		"octet_length":     textFunc("octet_length", "octet_length", 0),
		"char_length":      textFunc("length", "char_length", 0),
		"character_length": textFunc("length", "char_length", 0),
		"lower":            textFunc("lower", "lower", 0),
		"upper":            textFunc("upper", "upper", 0),
		"lcase":            textFunc("lower", "lower", 0),
		"ucase":            textFunc("upper", "upper", 0),
		"replace":          textFunc("replace", "replace", 0, 1, 2),
		"lpad":             padRule("mysql_lpad", "lpad"),
		"rpad":             padRule("mysql_rpad", "rpad"),
		"substr":           substrRule,
		"substring":        substrRule,
		"mid":              substrRule,
		"left":             leftRule,
		"right":            rightRule,
		"trim":             oneArg("trim"),
		"ltrim":            oneArg("ltrim"),
		"rtrim":            oneArg("rtrim"),
		"round":            roundRule,
		"truncate":         truncateRule,
		"ceil":             toDouble("ceil"),
		"ceiling":          toDouble("ceil"),
		"floor":            toDouble("floor"),
		"mod": func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
			if r.argc(f, args, 2, 2) {
				r.modulo(args[0], args[1])
			}
		},
		"greatest":       extremum("max", "greatest"),
		"least":          extremum("min", "least"),
		"last_insert_id": lastInsertID,
		"database":       schemaName,
		"schema":         schemaName,
		"rand":           randRule,
		"log":            logRule,
		"instr": func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
			if r.argc(f, args, 2, 2) {
				textFunc("instr", "strpos", 0, 1)(r, f, args)
			}
		},
		"locate":        locateRule,
		"date_format":   dateFormatRule,
		"date_add":      dateAddRule(1),
		"adddate":       dateAddRule(1),
		"date_sub":      dateAddRule(-1),
		"subdate":       dateAddRule(-1),
		"datediff":      dateDiff,
		"timestampdiff": timestampDiff,
		"from_unixtime": fromUnixtime,
		"last_day":      lastDay,
		"json_extract": func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
			if r.argc(f, args, 2, 2) {
				r.jsonExtract(args[0], args[1], false)
			}
		},
		"count": countRule,
		// MySQL's VARIANCE, STD and STDDEV are the population
		// statistics; PostgreSQL's variance and stddev the sample ones.
		// SQLite has none: the SQLite backend registers them.
		"variance":    spreadRule("mysql_var_pop", "var_pop"),
		"var_pop":     spreadRule("mysql_var_pop", "var_pop"),
		"var_samp":    spreadRule("mysql_var_samp", "var_samp"),
		"std":         spreadRule("mysql_stddev_pop", "stddev_pop"),
		"stddev":      spreadRule("mysql_stddev_pop", "stddev_pop"),
		"stddev_pop":  spreadRule("mysql_stddev_pop", "stddev_pop"),
		"stddev_samp": spreadRule("mysql_stddev_samp", "stddev_samp"),
	}
}

// spreadRule renders a MySQL variance or standard deviation by the name
// each backend gives the same statistic.
func spreadRule(sqlite, pg string) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		r.call(r.pick(sqlite, pg), f.Distinct, args)
	}
}

// conflicting are MySQL functions a backend knows by the same name with a
// different meaning (PostgreSQL's format is printf-like, its
// to_char-style and positional functions differ).
var conflicting = map[string]bool{
	"format": true, "position": true, "insert": true, "char": true,
	"encode": true, "decode": true, "password": true,
}

func (r *renderer) pick(sqlite, pg string) string {
	if r.d == SQLite {
		return sqlite
	}
	return pg
}

func (r *renderer) function(f *sqlparser.FuncExpr) {
	if !f.Qualifier.IsEmpty() {
		r.unsupported("qualified function " + f.Qualifier.String() + "." + f.Name.String())
		return
	}
	name := f.Name.Lowered()
	args, ok := r.funcArgs(f)
	if !ok {
		return
	}
	if conflicting[name] {
		r.unsupported("function " + name)
		return
	}
	if name == nativeCastFunc {
		r.nativeCast(f)
		return
	}
	if name == inJSONFunc {
		r.inJSON(f)
		return
	}
	if name == WindowFunc {
		r.window(f)
		return
	}
	if f.Distinct && name != "count" && !sqlparser.Aggregates[name] {
		r.unsupported("DISTINCT in " + name)
		return
	}
	if rule, ok := funcRules[name]; ok {
		rule(r, f, args)
		return
	}
	if !validFuncName(name) {
		r.fail(errorf("malformed function name %q", name))
		return
	}
	r.call(name, f.Distinct, args)
}

func validFuncName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || c >= '0' && c <= '9' && i > 0) {
			return false
		}
	}
	return true
}

// funcArgs unwraps the arguments; only COUNT(*) takes a star.
func (r *renderer) funcArgs(f *sqlparser.FuncExpr) ([]sqlparser.Expr, bool) {
	args := make([]sqlparser.Expr, 0, len(f.Exprs))
	for _, se := range f.Exprs {
		switch se := se.(type) {
		case *sqlparser.AliasedExpr:
			if !se.As.IsEmpty() {
				r.unsupported("aliased function argument")
				return nil, false
			}
			args = append(args, se.Expr)
		case *sqlparser.StarExpr:
			if f.Name.Lowered() != "count" || len(f.Exprs) != 1 || !se.TableName.IsEmpty() {
				r.fail(errorf("* is not an argument of %s", f.Name.String()))
				return nil, false
			}
			args = append(args, nil)
		default:
			r.fail(errorf("unexpected argument %T of %s", se, f.Name.String()))
			return nil, false
		}
	}
	return args, true
}

// argc checks the argument count (max < 0: no maximum).
func (r *renderer) argc(f *sqlparser.FuncExpr, args []sqlparser.Expr, min, max int) bool {
	if len(args) < min || max >= 0 && len(args) > max {
		r.fail(errorf("wrong number of arguments to %s: %d", f.Name.String(), len(args)))
		return false
	}
	return true
}

// call writes name(args…), a nil argument being COUNT's star.
func (r *renderer) call(name string, distinct bool, args []sqlparser.Expr) {
	r.write(name)
	r.write("(")
	if distinct {
		r.write("DISTINCT ")
	}
	for i, a := range args {
		if i > 0 {
			r.write(", ")
		}
		if a == nil {
			r.write("*")
			continue
		}
		r.value(a)
	}
	r.write(")")
}

// castArgs writes name(args…) with every argument cast to text on
// PostgreSQL, whose variadic "any" functions cannot type a placeholder.
func (r *renderer) castArgs(name string, args []sqlparser.Expr) {
	r.write(name + "(")
	for i, a := range args {
		if i > 0 {
			r.write(", ")
		}
		r.textArg(a)
	}
	r.write(")")
}

func (r *renderer) textArg(a sqlparser.Expr) {
	if r.d == SQLite {
		r.value(a)
		return
	}
	if r.temporalText(a) {
		return
	}
	r.write("CAST(")
	r.textValue(a)
	r.write(" AS text)")
}

// textValue renders e where PostgreSQL types it as text. A placeholder
// there is marked so that Bind passes numbers as their decimal text:
// pgx encodes no Go number into a text parameter.
func (r *renderer) textValue(e sqlparser.Expr) {
	if v, ok := e.(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg && r.d == PostgreSQL {
		r.textParam = true
	}
	r.value(e)
}

func countRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if f.Distinct && len(args) > 1 {
		r.unsupported("COUNT(DISTINCT) of several expressions")
		return
	}
	if r.argc(f, args, 1, 1) {
		r.call("count", f.Distinct, args)
	}
}

// concat renders CONCAT with ||, which like MySQL's CONCAT yields NULL
// when any argument is NULL (PostgreSQL's concat() skips NULLs instead).
func concat(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if r.argc(f, args, 1, -1) {
		r.concat(args)
	}
}

func (r *renderer) concat(args []sqlparser.Expr) {
	r.write("(")
	for i, a := range args {
		if i > 0 {
			r.write(" || ")
		}
		if r.d == SQLite {
			r.operand(a)
		} else {
			r.textArg(a)
		}
	}
	r.write(")")
}

func ifRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 3, 3) {
		return
	}
	r.write("CASE WHEN ")
	r.cond(args[0])
	r.write(" THEN ")
	r.value(args[1])
	r.write(" ELSE ")
	r.value(args[2])
	r.write(" END")
}

func oneArg(name string) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if len(args) != 1 {
			r.unsupported(name + " with " + strconv.Itoa(len(args)) + " arguments")
			return
		}
		textFunc(name, name, 0)(r, f, args)
	}
}

// extremum renders GREATEST/LEAST, NULL when any argument is NULL as in
// MySQL. SQLite's multi-argument max/min behave so; PostgreSQL's
// greatest/least skip NULLs and are guarded.
func extremum(sqlite, pg string) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if !r.argc(f, args, 2, -1) {
			return
		}
		if r.d == SQLite {
			r.call(sqlite, false, args)
			return
		}
		r.write("CASE WHEN ")
		for i, a := range args {
			if i > 0 {
				r.write(" OR ")
			}
			r.cmpOperand(a)
			r.write(" IS NULL")
		}
		r.write(" THEN NULL ELSE ")
		r.call(pg, false, args)
		r.write(" END")
	}
}

func lastInsertID(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if len(args) != 0 {
		r.unsupported("LAST_INSERT_ID(expr)")
		return
	}
	r.write(r.pick("last_insert_rowid()", "lastval()"))
}

func schemaName(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if r.argc(f, args, 0, 0) {
		r.write(r.pick("'main'", "current_schema()"))
	}
}

// randRule renders RAND(), a float in [0, 1). SQLite's random() is a
// 64-bit integer.
func randRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if len(args) != 0 {
		r.unsupported("RAND(seed)")
		return
	}
	r.write(r.pick("(random() / 18446744073709551616.0 + 0.5)", "random()"))
}

// logRule: MySQL's LOG(x) is the natural logarithm, PostgreSQL's is base 10.
func logRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 1, 2) {
		return
	}
	if len(args) == 1 {
		r.call("ln", false, args)
		return
	}
	r.call("log", false, args)
}

func unixTimestamp(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 0, 1) {
		return
	}
	if r.d == SQLite {
		r.call("unixepoch", false, args)
		return
	}
	if len(args) == 0 {
		r.write("CAST(extract(epoch FROM now()) AS bigint)")
		return
	}
	r.write("CAST(extract(epoch FROM CAST(")
	r.value(args[0])
	r.write(" AS timestamp)) AS bigint)")
}

// castRule renders DATE(x), TIME(x), TIMESTAMP(x): SQLite's date and time
// functions, PostgreSQL casts.
func castRule(sqlite, pgType, mysql string) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if len(args) != 1 {
			r.unsupported(strings.ToUpper(mysql) + " with " + strconv.Itoa(len(args)) + " arguments")
			return
		}
		if r.d == SQLite {
			r.call(sqlite, false, args)
			return
		}
		r.write("CAST(")
		r.value(args[0])
		r.write(" AS " + pgType + ")")
	}
}

// datePart renders YEAR(x), MONTH(x)…: integers, as in MySQL.
func datePart(strftime, field string) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if !r.argc(f, args, 1, 1) {
			return
		}
		if r.d == SQLite {
			r.write("CAST(strftime('" + strftime + "', ")
			r.value(args[0])
			r.write(") AS INTEGER)")
			return
		}
		r.write("CAST(floor(extract(" + field + " FROM CAST(")
		r.value(args[0])
		r.write(" AS timestamp))) AS integer)")
	}
}

// CoalescesAsText reports whether a COALESCE or IFNULL of args mixes a
// string literal with values of other kinds, so that every other argument
// is taken as text (see coalesceRule).
func CoalescesAsText(args []sqlparser.Expr) bool {
	literal, other := false, false
	for _, a := range args {
		switch v := a.(type) {
		case *sqlparser.SQLVal:
			if v.Type == sqlparser.StrVal {
				literal = true
			} else {
				other = true
			}
		case *sqlparser.NullVal:
		default:
			other = true
		}
	}
	return literal && other
}

// coalesceRule renders COALESCE and IFNULL. With a string literal among
// values of other types MySQL's result is a string (IFNULL(n, 'none') is
// '7' or 'none'): every argument is then taken as text, where PostgreSQL
// would refuse to mix the types and SQLite would keep each value's own.
func coalesceRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 1, -1) {
		return
	}
	if !CoalescesAsText(args) {
		r.call("coalesce", false, args)
		return
	}
	r.write("coalesce(")
	for i, a := range args {
		if i > 0 {
			r.write(", ")
		}
		if v, ok := a.(*sqlparser.SQLVal); ok && v.Type == sqlparser.StrVal {
			r.value(a)
			continue
		}
		r.write("CAST(")
		r.textValue(a)
		r.write(r.pick(" AS TEXT)", " AS text)"))
	}
	r.write(")")
}
