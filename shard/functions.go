package shard

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
	rename := func(sqlite, pg string) funcRule {
		return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
			r.call(r.pick(sqlite, pg), f.Distinct, args)
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

		"ifnull": rename("coalesce", "coalesce"),
		"if":     ifRule,
		"concat": concat,
		"concat_ws": func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
			if r.argc(f, args, 2, -1) {
				r.castArgs("concat_ws", args)
			}
		},
		"length":           rename("octet_length", "octet_length"),
		"octet_length":     rename("octet_length", "octet_length"),
		"char_length":      rename("length", "char_length"),
		"character_length": rename("length", "char_length"),
		"lcase":            rename("lower", "lower"),
		"ucase":            rename("upper", "upper"),
		"substr":           substrRule,
		"substring":        substrRule,
		"mid":              substrRule,
		"left":             leftRule,
		"right":            rightRule,
		"trim":             oneArg("trim"),
		"ltrim":            oneArg("ltrim"),
		"rtrim":            oneArg("rtrim"),
		"round":            roundRule,
		"ceiling":          rename("ceil", "ceil"),
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
		"instr":          rename("instr", "strpos"),
		"locate": func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
			if r.argc(f, args, 2, 2) {
				r.call(r.pick("instr", "strpos"), false, []sqlparser.Expr{args[1], args[0]})
			}
		},
		"json_extract": func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
			if r.argc(f, args, 2, 2) {
				r.jsonExtract(args[0], args[1], false)
			}
		},
		"count": countRule,
	}
}

// conflicting are MySQL functions a backend knows by the same name with a
// different meaning (PostgreSQL's format is printf-like, its
// to_char-style and positional functions differ).
var conflicting = map[string]bool{
	"format": true, "position": true, "insert": true, "char": true,
	"truncate": true, "encode": true, "decode": true, "password": true,
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
	if !r.argc(f, args, 1, -1) {
		return
	}
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
		r.call(name, false, args)
	}
}

// roundRule: PostgreSQL rounds to a number of places only in numeric.
func roundRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 1, 2) {
		return
	}
	if r.d == SQLite || len(args) == 1 {
		r.call("round", false, args)
		return
	}
	r.write("round(CAST(")
	r.value(args[0])
	r.write(" AS numeric), ")
	r.value(args[1])
	r.write(")")
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

// substrRule renders SUBSTRING(s, pos[, len]) and its SubstrExpr form.
func substrRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 2, 3) {
		return
	}
	var n sqlparser.Expr
	if len(args) == 3 {
		n = args[2]
	}
	r.substr(args[0], args[1], n)
}

// substr renders MySQL's SUBSTRING: positions count from 1, a negative
// position counts from the end, position 0 or one before the start yields
// ”, a negative length yields ”. SQLite and PostgreSQL differ on all but
// the first, so only a positive literal position (and no or a
// non-negative literal length) renders as plain substr; anything else gets
// a CASE that spells the rule out (its operands may repeat, and so may
// their placeholders).
func (r *renderer) substr(s, pos, n sqlparser.Expr) {
	if positiveInt(pos) && (n == nil || nonNegativeInt(n)) {
		args := []sqlparser.Expr{s, pos}
		if n != nil {
			args = append(args, n)
		}
		r.call("substr", false, args)
		return
	}
	empty := func() {
		r.write("substr(")
		r.value(s)
		r.write(", 1, 0)")
	}
	length := r.pick("length", "char_length")
	sub := func(from func()) {
		r.write("substr(")
		r.value(s)
		r.write(", ")
		from()
		if n != nil {
			r.write(", ")
			r.value(n)
		}
		r.write(")")
	}
	r.write("CASE WHEN ")
	r.cmpOperand(pos)
	r.write(" = 0 OR ")
	r.cmpOperand(pos)
	r.write(" < -" + length + "(")
	r.value(s)
	r.write(")")
	if n != nil {
		r.write(" OR ")
		r.cmpOperand(n)
		r.write(" < 0")
	}
	r.write(" THEN ")
	empty()
	if r.d == SQLite {
		r.write(" ELSE ")
		sub(func() { r.value(pos) })
		r.write(" END")
		return
	}
	r.write(" WHEN ")
	r.cmpOperand(pos)
	r.write(" > 0 THEN ")
	sub(func() { r.value(pos) })
	r.write(" ELSE ")
	sub(func() {
		r.write("char_length(")
		r.value(s)
		r.write(") + ")
		r.operand(pos)
		r.write(" + 1")
	})
	r.write(" END")
}

func positiveInt(e sqlparser.Expr) bool {
	v, ok := e.(*sqlparser.SQLVal)
	if !ok || v.Type != sqlparser.IntVal {
		return false
	}
	n, err := strconv.ParseInt(string(v.Val), 10, 64)
	return err == nil && n > 0
}

func nonNegativeInt(e sqlparser.Expr) bool {
	v, ok := e.(*sqlparser.SQLVal)
	if !ok || v.Type != sqlparser.IntVal {
		return false
	}
	n, err := strconv.ParseInt(string(v.Val), 10, 64)
	return err == nil && n >= 0
}

// leftRule renders LEFT(s, n); MySQL gives ” for a negative n.
func leftRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 2, 2) {
		return
	}
	if r.d == SQLite {
		r.write("substr(")
		r.value(args[0])
		r.write(", 1, ")
		r.value(args[1])
		r.write(")")
		return
	}
	r.write("CASE WHEN ")
	r.cmpOperand(args[1])
	r.write(" < 0 THEN substr(")
	r.value(args[0])
	r.write(", 1, 0) ELSE left(")
	r.value(args[0])
	r.write(", ")
	r.value(args[1])
	r.write(") END")
}

// rightRule renders RIGHT(s, n); MySQL gives ” for n <= 0.
func rightRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 2, 2) {
		return
	}
	r.write("CASE WHEN ")
	r.cmpOperand(args[1])
	r.write(" <= 0 THEN substr(")
	r.value(args[0])
	r.write(", 1, 0) ELSE ")
	if r.d == SQLite {
		r.write("substr(")
		r.value(args[0])
		r.write(", -")
		r.operand(args[1])
		r.write(")")
	} else {
		r.write("right(")
		r.value(args[0])
		r.write(", ")
		r.value(args[1])
		r.write(")")
	}
	r.write(" END")
}

// groupConcat renders GROUP_CONCAT: SQLite's group_concat, PostgreSQL's
// string_agg over text. Several expressions are concatenated first, as in
// MySQL (and, as there, a row with a NULL among them is skipped).
func (r *renderer) groupConcat(g *sqlparser.GroupConcatExpr) {
	sep := ","
	if g.Separator != "" {
		const pre = " separator '"
		if !strings.HasPrefix(g.Separator, pre) || !strings.HasSuffix(g.Separator, "'") {
			r.fail(errorf("malformed GROUP_CONCAT separator %q", g.Separator))
			return
		}
		sep = g.Separator[len(pre) : len(g.Separator)-1]
	}
	var args []sqlparser.Expr
	for _, se := range g.Exprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			r.fail(errorf("unexpected GROUP_CONCAT argument %T", se))
			return
		}
		args = append(args, ae.Expr)
	}
	if len(args) == 0 {
		r.fail(errorf("GROUP_CONCAT without an argument"))
		return
	}
	distinct := g.Distinct != ""
	if r.d == SQLite && distinct && sep != "," {
		r.unsupported("GROUP_CONCAT(DISTINCT … SEPARATOR)")
		return
	}
	r.write(r.pick("group_concat(", "string_agg("))
	if distinct {
		r.write("DISTINCT ")
	}
	if len(args) == 1 {
		r.textArg(args[0])
	} else {
		concat(r, nil, args)
	}
	if !(r.d == SQLite && distinct) {
		r.write(", ")
		if r.err == nil {
			if err := writeString(r.buf.Buffer, []byte(sep)); err != nil {
				r.fail(err)
			}
		}
	}
	if len(g.OrderBy) > 0 {
		in := r.inClause
		r.inClause = clauseOther
		if r.d == PostgreSQL && distinct {
			// PostgreSQL orders a DISTINCT aggregate only by its
			// arguments, which are cast to text.
			r.write(" ORDER BY ")
			for i, o := range g.OrderBy {
				if i > 0 {
					r.write(", ")
				}
				r.textArg(o.Expr)
				if o.Direction == sqlparser.DescScr {
					r.write(" DESC NULLS LAST")
				} else {
					r.write(" ASC NULLS FIRST")
				}
			}
		} else {
			r.orderBy(g.OrderBy)
		}
		r.inClause = in
	}
	r.write(")")
}
