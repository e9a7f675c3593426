package mysqlfunc

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"modernc.org/sqlite"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
)

// MySQL functions SQLite lacks, or has with another meaning, are Go
// functions registered with the driver under the names the renderer
// writes for them (dialect.SQLiteFunctions). Their rules are MySQL's, in
// UTC; a value that is not a date gives NULL, as MySQL gives NULL (and a
// warning) for one.
var sqliteFunctions = map[string]struct {
	nargs int32
	fn    func(args []driver.Value) (driver.Value, error)
}{
	"mysql_date_format":   {2, dateFormat},
	"mysql_date_add":      {3, dateAdd},
	"mysql_datediff":      {2, dateDiff},
	"mysql_timestampdiff": {3, timestampDiff},
	"mysql_lpad":          {3, func(a []driver.Value) (driver.Value, error) { return pad(a, true) }},
	"mysql_rpad":          {3, func(a []driver.Value) (driver.Value, error) { return pad(a, false) }},
	"mysql_round":         {2, func(a []driver.Value) (driver.Value, error) { return roundTo(a, false) }},
	"mysql_truncate":      {2, func(a []driver.Value) (driver.Value, error) { return roundTo(a, true) }},
	"mysql_json":          {1, jsonText},
}

func init() {
	for _, name := range dialect.SQLiteFunctions() {
		f, ok := sqliteFunctions[name]
		if !ok {
			panic("vitessdo: the SQLite function " + name + " the renderer writes is not defined")
		}
		fn := f.fn
		sqlite.MustRegisterDeterministicScalarFunction(name, f.nargs, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			return fn(args)
		})
	}
}

// mysqlTime is a date or datetime value and whether it has a time part.
type mysqlTime struct {
	t       time.Time
	hasTime bool
}

// timeLayouts are the texts SQLite shards hold dates in: as MySQL writes
// them, and as modernc.org/sqlite writes a bound time.Time.
var timeLayouts = []struct {
	layout  string
	hasTime bool
}{
	{"2006-01-02", false},
	{"2006-01-02 15:04:05.999999999", true},
	{"2006-01-02T15:04:05.999999999", true},
	{"2006-01-02 15:04:05.999999999-07:00", true},
	{"2006-01-02T15:04:05.999999999Z07:00", true},
	{"2006-01-02 15:04", true},
}

// parseTime reads a date argument; ok is false for NULL or a value that is
// not a date.
func parseTime(v driver.Value) (mysqlTime, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	case time.Time:
		return mysqlTime{t: x.UTC(), hasTime: true}, true
	default:
		return mysqlTime{}, false
	}
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return mysqlTime{t: t.UTC(), hasTime: l.hasTime}, true
		}
	}
	return mysqlTime{}, false
}

func textArg(v driver.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	}
	return "", false
}

func intArg(v driver.Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		return int64(math.Round(x)), true
	case string, []byte:
		s, _ := textArg(x)
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return 0, false
		}
		return int64(math.Round(f)), true
	}
	return 0, false
}

func floatArg(v driver.Value) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string, []byte:
		s, _ := textArg(x)
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return f, err == nil
	}
	return 0, false
}

const (
	dateLayout     = "2006-01-02"
	datetimeLayout = "2006-01-02 15:04:05"
)

// dateFormat is DATE_FORMAT(t, format) for the specifiers the renderer
// accepts (it refuses the others).
func dateFormat(args []driver.Value) (driver.Value, error) {
	t, ok := parseTime(args[0])
	f, fok := textArg(args[1])
	if !ok || !fok {
		return nil, nil
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		if err := formatSpecifier(&b, t.t, f[i]); err != nil {
			return nil, err
		}
	}
	return b.String(), nil
}

func formatSpecifier(b *strings.Builder, t time.Time, c byte) error {
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	ampm := "AM"
	if t.Hour() >= 12 {
		ampm = "PM"
	}
	switch c {
	case 'a':
		b.WriteString(t.Format("Mon"))
	case 'b':
		b.WriteString(t.Format("Jan"))
	case 'c':
		b.WriteString(strconv.Itoa(int(t.Month())))
	case 'd':
		fmt.Fprintf(b, "%02d", t.Day())
	case 'e':
		b.WriteString(strconv.Itoa(t.Day()))
	case 'f':
		fmt.Fprintf(b, "%06d", t.Nanosecond()/1000)
	case 'H':
		fmt.Fprintf(b, "%02d", t.Hour())
	case 'h', 'I':
		fmt.Fprintf(b, "%02d", hour12)
	case 'i':
		fmt.Fprintf(b, "%02d", t.Minute())
	case 'j':
		fmt.Fprintf(b, "%03d", t.YearDay())
	case 'k':
		b.WriteString(strconv.Itoa(t.Hour()))
	case 'l':
		b.WriteString(strconv.Itoa(hour12))
	case 'M':
		b.WriteString(t.Month().String())
	case 'm':
		fmt.Fprintf(b, "%02d", int(t.Month()))
	case 'p':
		b.WriteString(ampm)
	case 'r':
		fmt.Fprintf(b, "%02d:%02d:%02d %s", hour12, t.Minute(), t.Second(), ampm)
	case 'S', 's':
		fmt.Fprintf(b, "%02d", t.Second())
	case 'T':
		b.WriteString(t.Format("15:04:05"))
	case 'W':
		b.WriteString(t.Weekday().String())
	case 'Y':
		fmt.Fprintf(b, "%04d", t.Year())
	case 'y':
		fmt.Fprintf(b, "%02d", t.Year()%100)
	case '%':
		b.WriteByte('%')
	default:
		return fmt.Errorf("vitessdo: DATE_FORMAT specifier %%%c is not supported", c)
	}
	return nil
}

// dateAdd is DATE_ADD(t, INTERVAL n unit), unit one of the renderer's:
// second, minute, hour, day, week, month, quarter, year. Months and years keep the day of the month,
// clamped to the month's last day, as MySQL does. The result is a date
// when t is one and the unit is a day or longer, else a datetime.
func dateAdd(args []driver.Value) (driver.Value, error) {
	t, ok := parseTime(args[0])
	n, nok := intArg(args[1])
	unit, uok := textArg(args[2])
	if !ok || !nok || !uok {
		return nil, nil
	}
	var r time.Time
	dateUnit := true
	switch unit {
	case "second":
		r, dateUnit = t.t.Add(time.Duration(n)*time.Second), false
	case "minute":
		r, dateUnit = t.t.Add(time.Duration(n)*time.Minute), false
	case "hour":
		r, dateUnit = t.t.Add(time.Duration(n)*time.Hour), false
	case "day":
		r = t.t.AddDate(0, 0, int(n))
	case "week":
		r = t.t.AddDate(0, 0, 7*int(n))
	case "month":
		r = addMonths(t.t, n)
	case "quarter":
		r = addMonths(t.t, 3*n)
	case "year":
		r = addMonths(t.t, 12*n)
	default:
		return nil, fmt.Errorf("vitessdo: INTERVAL unit %q is not supported", unit)
	}
	if r.Year() < 1 || r.Year() > 9999 {
		return nil, nil
	}
	if dateUnit && !t.hasTime {
		return r.Format(dateLayout), nil
	}
	return r.Format(datetimeLayout), nil
}

// addMonths adds n months, clamping the day to the last of the month.
func addMonths(t time.Time, n int64) time.Time {
	y, m, d := t.Date()
	months := int64(y)*12 + int64(m-1) + n
	ny, nm := int(months/12), time.Month(months%12+1)
	if last := time.Date(ny, nm+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	return time.Date(ny, nm, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// dateDiff is DATEDIFF(a, b): the days from b's date to a's.
func dateDiff(args []driver.Value) (driver.Value, error) {
	a, aok := parseTime(args[0])
	b, bok := parseTime(args[1])
	if !aok || !bok {
		return nil, nil
	}
	day := func(t time.Time) int64 {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
	}
	return day(a.t) - day(b.t), nil
}

// timestampDiff is TIMESTAMPDIFF(unit, a, b): b - a in whole units,
// truncated toward zero; months count only when b's day and time of the
// month have reached a's.
func timestampDiff(args []driver.Value) (driver.Value, error) {
	unit, uok := textArg(args[0])
	a, aok := parseTime(args[1])
	b, bok := parseTime(args[2])
	if !uok || !aok || !bok {
		return nil, nil
	}
	d := b.t.Sub(a.t)
	switch unit {
	case "second":
		return int64(d / time.Second), nil
	case "minute":
		return int64(d / time.Minute), nil
	case "hour":
		return int64(d / time.Hour), nil
	case "day":
		return int64(d / (24 * time.Hour)), nil
	case "week":
		return int64(d / (7 * 24 * time.Hour)), nil
	}
	months := int64(b.t.Year()-a.t.Year())*12 + int64(b.t.Month()-a.t.Month())
	rest := func(t time.Time) time.Duration {
		return t.Sub(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
	}
	switch {
	case months > 0 && rest(b.t) < rest(a.t):
		months--
	case months < 0 && rest(b.t) > rest(a.t):
		months++
	}
	switch unit {
	case "month":
		return months, nil
	case "quarter":
		return months / 3, nil
	case "year":
		return months / 12, nil
	}
	return nil, fmt.Errorf("vitessdo: TIMESTAMPDIFF unit %q is not supported", unit)
}

// pad is LPAD/RPAD(s, n, p): s cut or padded with p to n characters;
// NULL for a negative n, or when padding is needed and p is empty.
func pad(args []driver.Value, left bool) (driver.Value, error) {
	s, sok := textArg(args[0])
	n, nok := intArg(args[1])
	p, pok := textArg(args[2])
	if !sok || !nok || !pok || n < 0 {
		return nil, nil
	}
	rs := []rune(s)
	if int64(len(rs)) >= n {
		return string(rs[:n]), nil
	}
	if p == "" {
		return nil, nil
	}
	need := int(n) - len(rs)
	var fill []rune
	for pr := []rune(p); len(fill) < need; {
		fill = append(fill, pr...)
	}
	fill = fill[:need]
	if left {
		return string(fill) + s, nil
	}
	return s + string(fill), nil
}

// roundTo is ROUND(x, d) and TRUNCATE(x, d) as every backend computes
// them (eval.RoundDecimal): a double.
func roundTo(args []driver.Value, truncate bool) (driver.Value, error) {
	x, xok := floatArg(args[0])
	d, dok := intArg(args[1])
	if !xok || !dok {
		return nil, nil
	}
	return eval.RoundDecimal(x, d, truncate), nil
}

// jsonText writes a JSON value as MySQL (and PostgreSQL's jsonb) prints
// it: object keys ordered by length then bytes, ", " and ": " between
// members.
func jsonText(args []driver.Value) (driver.Value, error) {
	s, ok := textArg(args[0])
	if !ok {
		return nil, nil
	}
	var b strings.Builder
	if err := writeJSON(&b, s); err != nil || !utf8.ValidString(s) {
		return s, nil
	}
	return b.String(), nil
}
