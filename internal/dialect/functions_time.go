package dialect

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// Date and time functions. Values are UTC on every backend. A function
// whose result is a date or a datetime yields MySQL's text for it in the
// outermost select list ('2024-01-15', '2024-01-15 10:20:30', as a MySQL
// client without parseTime reads it): SQLite's date functions yield text,
// and PostgreSQL's typed result is formatted there (see outputValue).
// Inside a statement the PostgreSQL value keeps its type, so it compares
// with date and timestamp columns.
//
// SQLite lacks DATE_FORMAT, DATE_ADD, DATEDIFF and TIMESTAMPDIFF with
// MySQL's rules: shard/sqlite registers Go functions under the names
// SQLiteFunctions lists, and the renderer writes calls to them.

// SQLiteFunctions returns the names of the functions the renderer writes
// for SQLite that SQLite does not have: the SQLite backend registers each
// of them with the driver.
func SQLiteFunctions() []string {
	return []string{
		"mysql_date_format", "mysql_date_add", "mysql_datediff", "mysql_timestampdiff",
		"mysql_lpad", "mysql_rpad", "mysql_round", "mysql_truncate", "mysql_json",
	}
}

// SQLiteAggregates returns the names of the aggregate functions the
// renderer writes for SQLite that SQLite does not have (MySQL's variances
// and standard deviations, and the moments a shard sends for them over
// several shards): the SQLite backend registers each of them.
func SQLiteAggregates() []string {
	return []string{"mysql_var_pop", "mysql_var_samp", "mysql_stddev_pop", "mysql_stddev_samp", "mysql_moments"}
}

// intervalUnits are the INTERVAL units DATE_ADD, DATE_SUB and
// TIMESTAMPDIFF accept, lower-cased, with PostgreSQL's interval for one.
var intervalUnits = map[string]string{
	"second": "1 second", "minute": "1 minute", "hour": "1 hour", "day": "1 day",
	"week": "7 days", "month": "1 month", "quarter": "3 months", "year": "1 year",
}

// dateFormatPG maps the DATE_FORMAT specifiers vitessdo supports to
// PostgreSQL to_char patterns; the SQLite function implements the same
// set. Others (%D, %U, %u, %V, %v, %w, %X, %x) are refused on both.
var dateFormatPG = map[byte]string{
	'a': "Dy", 'b': "Mon", 'c': "FMMM", 'd': "DD", 'e': "FMDD", 'f': "US",
	'H': "HH24", 'h': "HH12", 'I': "HH12", 'i': "MI", 'j': "DDD", 'k': "FMHH24",
	'l': "FMHH12", 'M': "FMMonth", 'm': "MM", 'p': "AM", 'r': "HH12:MI:SS AM",
	'S': "SS", 's': "SS", 'T': "HH24:MI:SS", 'W': "FMDay", 'Y': "YYYY", 'y': "YY",
}

// toCharPattern translates a DATE_FORMAT format into a to_char pattern,
// text outside specifiers quoted.
func toCharPattern(format string) (string, bool) {
	var b strings.Builder
	literal := func(c byte) {
		b.WriteByte('"')
		if c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
		b.WriteByte('"')
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			literal(c)
			continue
		}
		if i+1 == len(format) {
			return "", false
		}
		i++
		if format[i] == '%' {
			literal('%')
			continue
		}
		p, ok := dateFormatPG[format[i]]
		if !ok {
			return "", false
		}
		b.WriteString(p)
	}
	return b.String(), true
}

// dateFormatRule renders DATE_FORMAT(t, format) for a literal format.
func dateFormatRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if r.argc(f, args, 2, 2) {
		r.dateFormat(args[0], args[1])
	}
}

func (r *renderer) dateFormat(t, format sqlparser.Expr) {
	lit, ok := format.(*sqlparser.SQLVal)
	if !ok || lit.Type != sqlparser.StrVal {
		r.unsupported("DATE_FORMAT with a format that is not a string literal")
		return
	}
	pattern, ok := toCharPattern(string(lit.Val))
	if !ok {
		r.unsupported("DATE_FORMAT format " + sqlparser.String(lit) + " (supported: %a %b %c %d %e %f %H %h %I %i %j %k %l %M %m %p %r %S %s %T %W %Y %y %%)")
		return
	}
	if r.d == SQLite {
		r.call("mysql_date_format", false, []sqlparser.Expr{t, format})
		return
	}
	r.write("to_char(")
	r.timestamp(t)
	r.write(", ")
	r.literal(pattern)
	r.write(")")
}

// literal writes s as a string literal of the statement's own text.
func (r *renderer) literal(s string) {
	if r.err == nil {
		if err := writeString(r.buf.Buffer, []byte(s)); err != nil {
			r.fail(err)
		}
	}
}

// timestamp renders t as a PostgreSQL timestamp.
func (r *renderer) timestamp(t sqlparser.Expr) {
	r.write("CAST(")
	r.value(t)
	r.write(" AS timestamp)")
}

// intervalUnit returns the lower-cased unit of INTERVAL n unit.
func (r *renderer) intervalUnit(unit string) (string, bool) {
	u := strings.ToLower(unit)
	if _, ok := intervalUnits[u]; !ok {
		r.unsupported("INTERVAL unit " + unit + " (supported: SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR)")
		return "", false
	}
	return u, true
}

// dateAddRule renders DATE_ADD(t, INTERVAL n unit) and DATE_SUB (sign
// -1); ADDDATE/SUBDATE(t, n) add days.
func dateAddRule(sign int) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if !r.argc(f, args, 2, 2) {
			return
		}
		iv, ok := args[1].(*sqlparser.IntervalExpr)
		if !ok {
			name := f.Name.Lowered()
			if name != "adddate" && name != "subdate" {
				r.unsupported(strings.ToUpper(name) + " without INTERVAL")
				return
			}
			iv = &sqlparser.IntervalExpr{Expr: args[1], Unit: "day"}
		}
		r.dateAdd(args[0], iv, sign)
	}
}

// dateAdd renders t ± INTERVAL n unit. MySQL clamps the day of the month
// (2024-01-31 + 1 MONTH is 2024-02-29), as PostgreSQL's interval
// arithmetic does.
func (r *renderer) dateAdd(t sqlparser.Expr, iv *sqlparser.IntervalExpr, sign int) {
	unit, ok := r.intervalUnit(iv.Unit)
	if !ok {
		return
	}
	if r.d == SQLite {
		r.write("mysql_date_add(")
		r.value(t)
		r.write(", ")
		if sign < 0 {
			r.write("-")
			r.operand(iv.Expr)
		} else {
			r.value(iv.Expr)
		}
		r.write(", '" + unit + "')")
		return
	}
	r.write("(")
	r.timestamp(t)
	if sign < 0 {
		r.write(" - ")
	} else {
		r.write(" + ")
	}
	r.write("CAST(")
	r.value(iv.Expr)
	r.write(" AS integer) * interval '" + intervalUnits[unit] + "')")
}

// intervalArith renders t + INTERVAL …, INTERVAL … + t and t - INTERVAL ….
func (r *renderer) intervalArith(b *sqlparser.BinaryExpr) bool {
	if iv, ok := b.Right.(*sqlparser.IntervalExpr); ok && (b.Operator == sqlparser.PlusStr || b.Operator == sqlparser.MinusStr) {
		sign := 1
		if b.Operator == sqlparser.MinusStr {
			sign = -1
		}
		r.dateAdd(b.Left, iv, sign)
		return true
	}
	if iv, ok := b.Left.(*sqlparser.IntervalExpr); ok && b.Operator == sqlparser.PlusStr {
		r.dateAdd(b.Right, iv, 1)
		return true
	}
	return false
}

// dateDiff renders DATEDIFF(a, b): days between the dates of a and b.
func dateDiff(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 2, 2) {
		return
	}
	if r.d == SQLite {
		r.call("mysql_datediff", false, args)
		return
	}
	r.write("(CAST(")
	r.value(args[0])
	r.write(" AS date) - CAST(")
	r.value(args[1])
	r.write(" AS date))")
}

// timestampDiff renders TIMESTAMPDIFF(unit, a, b): b - a in whole units,
// truncated toward zero; a month counts once b's day and time of month
// reach a's (PostgreSQL's age() counts so).
func timestampDiff(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 3, 3) {
		return
	}
	col, ok := args[0].(*sqlparser.ColName)
	if !ok || !col.Qualifier.IsEmpty() {
		r.unsupported("TIMESTAMPDIFF unit " + sqlparser.String(args[0]))
		return
	}
	unit, ok := r.intervalUnit(col.Name.String())
	if !ok {
		return
	}
	if r.d == SQLite {
		r.write("mysql_timestampdiff('" + unit + "', ")
		r.value(args[1])
		r.write(", ")
		r.value(args[2])
		r.write(")")
		return
	}
	seconds := map[string]string{"second": "1", "minute": "60", "hour": "3600", "day": "86400", "week": "604800"}
	if s, ok := seconds[unit]; ok {
		r.write("CAST(trunc(extract(epoch FROM (")
		r.timestamp(args[2])
		r.write(" - ")
		r.timestamp(args[1])
		r.write(")) / " + s + ") AS bigint)")
		return
	}
	age := func() {
		r.write("age(")
		r.timestamp(args[2])
		r.write(", ")
		r.timestamp(args[1])
		r.write(")")
	}
	r.write("CAST(trunc((extract(year FROM ")
	age()
	r.write(") * 12 + extract(month FROM ")
	age()
	r.write(")) / " + map[string]string{"month": "1", "quarter": "3", "year": "12"}[unit] + ") AS bigint)")
}

// fromUnixtime renders FROM_UNIXTIME(n[, format]): the UTC datetime n
// seconds after the epoch, formatted as DATE_FORMAT with a format.
func fromUnixtime(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 1, 2) {
		return
	}
	if len(args) == 2 {
		inner := &sqlparser.FuncExpr{Name: sqlparser.NewColIdent("from_unixtime"), Exprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: args[0]}}}
		r.dateFormat(inner, args[1])
		return
	}
	if r.d == SQLite {
		r.write("datetime(")
		r.value(args[0])
		r.write(", 'unixepoch')")
		return
	}
	r.write("(to_timestamp(")
	r.value(args[0])
	r.write(") AT TIME ZONE 'UTC')")
}

// lastDay renders LAST_DAY(t): the date of the last day of t's month.
func lastDay(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if !r.argc(f, args, 1, 1) {
		return
	}
	if r.d == SQLite {
		r.write("date(")
		r.value(args[0])
		r.write(", 'start of month', '+1 month', '-1 day')")
		return
	}
	r.write("CAST(date_trunc('month', ")
	r.timestamp(args[0])
	r.write(") + interval '1 month' - interval '1 day' AS date)")
}

// temporal is what a date or time expression yields.
type temporal int

const (
	notTemporal temporal = iota
	tDate
	tDatetime
	// tDateShaped is a date when the shape argument is one (its text has
	// no time part), else a datetime: DATE_ADD of a day or longer.
	tDateShaped
)

// temporalOf classifies e's result, and for tDateShaped the argument
// whose shape decides.
func temporalOf(e sqlparser.Expr) (temporal, sqlparser.Expr) {
	switch e := e.(type) {
	case *sqlparser.ParenExpr:
		return temporalOf(e.Expr)
	case *sqlparser.BinaryExpr:
		iv, ok := e.Right.(*sqlparser.IntervalExpr)
		t := e.Left
		if !ok {
			iv, ok = e.Left.(*sqlparser.IntervalExpr)
			t = e.Right
		}
		if ok {
			return intervalResult(t, iv.Unit)
		}
	case *sqlparser.FuncExpr:
		args := make([]sqlparser.Expr, 0, len(e.Exprs))
		for _, se := range e.Exprs {
			if ae, ok := se.(*sqlparser.AliasedExpr); ok {
				args = append(args, ae.Expr)
			}
		}
		switch name := e.Name.Lowered(); name {
		case "now", "current_timestamp", "localtime", "localtimestamp", "sysdate", "utc_timestamp", "timestamp":
			return tDatetime, nil
		case "curdate", "current_date", "utc_date", "date", "last_day":
			return tDate, nil
		case "from_unixtime":
			if len(args) == 1 {
				return tDatetime, nil
			}
		case "date_add", "date_sub", "adddate", "subdate":
			if len(args) == 2 {
				if iv, ok := args[1].(*sqlparser.IntervalExpr); ok {
					return intervalResult(args[0], iv.Unit)
				}
				return intervalResult(args[0], "day")
			}
		case "min", "max":
			if len(args) == 1 && !e.Distinct {
				k, shape := temporalOf(args[0])
				if shape != nil {
					// The shape of the extreme's argument, inside the
					// aggregate as the statement groups.
					shape = &sqlparser.FuncExpr{Name: e.Name, Exprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: shape}}}
				}
				return k, shape
			}
		}
	}
	return notTemporal, nil
}

func intervalResult(t sqlparser.Expr, unit string) (temporal, sqlparser.Expr) {
	switch strings.ToLower(unit) {
	case "second", "minute", "hour":
		return tDatetime, nil
	}
	switch k, _ := temporalOf(t); k {
	case tDate:
		return tDate, nil
	case tDatetime:
		return tDatetime, nil
	}
	return tDateShaped, t
}

// outputValue renders an item of the outermost select list. On
// PostgreSQL a date or datetime function's value becomes MySQL's text for
// it, as SQLite yields it, and a JSON value its text; a bare placeholder
// is text.
func (r *renderer) outputValue(e sqlparser.Expr) {
	if r.d == SQLite {
		r.value(e)
		return
	}
	if isJSONExtract(e) {
		r.write("CAST(")
		r.value(e)
		r.write(" AS text)")
		return
	}
	if !r.temporalText(e) {
		r.textValue(e)
	}
}

// temporalText writes a PostgreSQL date or datetime function's value as
// MySQL's text for it (what SQLite yields), reporting whether e is one.
// String functions take such a value so too.
func (r *renderer) temporalText(e sqlparser.Expr) bool {
	kind, shape := temporalOf(e)
	switch kind {
	case tDate:
		r.write("to_char(")
		r.value(e)
		r.write(", 'YYYY-MM-DD')")
	case tDatetime:
		r.write("to_char(")
		r.value(e)
		r.write(", 'YYYY-MM-DD HH24:MI:SS')")
	case tDateShaped:
		if r.grouped && !hasAggregate(shape) {
			// Grouped rows share the shape of their group's argument;
			// outside an aggregate PostgreSQL would not let it be read.
			shape = &sqlparser.FuncExpr{Name: sqlparser.NewColIdent("min"), Exprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: shape}}}
		}
		r.write("to_char(")
		r.value(e)
		r.write(", CASE WHEN char_length(")
		r.textArg(shape)
		r.write(") <= 10 THEN 'YYYY-MM-DD' ELSE 'YYYY-MM-DD HH24:MI:SS' END)")
	default:
		return false
	}
	return true
}

// isJSONExtract reports JSON_EXTRACT(doc, path) and doc -> path.
func isJSONExtract(e sqlparser.Expr) bool {
	switch e := e.(type) {
	case *sqlparser.ParenExpr:
		return isJSONExtract(e.Expr)
	case *sqlparser.BinaryExpr:
		return e.Operator == sqlparser.JSONExtractOp
	case *sqlparser.FuncExpr:
		return e.Name.Lowered() == "json_extract"
	}
	return false
}
