package route

import (
	"reflect"
	"time"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
)

// SQLite's driver gives a column declared DATETIME (or DATE, TIMESTAMP) as
// a time.Time only where the result column is that table column itself:
// `made`, `d.made` of a derived table, a group key. An expression over it
// (MIN(made), COALESCE(made, …), CASE) has no declared type, and SQLite
// returns the text the row holds. The router computing such an
// expression over time.Time values gives that text back, as vitessdo
// binds a time.Time to SQLite (MySQL's datetime text, in UTC).

// boundTimeText is the text vitessdo binds a time.Time as on SQLite
// (internal/dialect's timeArg), which a shard then holds.
const boundTimeText = "2006-01-02 15:04:05.999999"

// isBareColumn reports a select item that is a column itself.
func isBareColumn(e sqlparser.Expr) bool {
	for {
		switch x := e.(type) {
		case *sqlparser.ParenExpr:
			e = x.Expr
		case *sqlparser.ColName:
			return true
		default:
			return false
		}
	}
}

// timeText gives the time.Time values of the marked columns of its
// source's rows as SQLite's text of them.
type timeText struct {
	src  merge.Iterator
	cols []merge.Column
	mark []bool
}

var _ merge.Iterator = (*timeText)(nil)

// newTimeText returns src with the time.Time values of the columns
// marked given as text; src itself when none is marked.
func newTimeText(src merge.Iterator, mark []bool) merge.Iterator {
	cols := append([]merge.Column(nil), src.Columns()...)
	marked := false
	for i, m := range mark {
		if m && i < len(cols) {
			marked = true
			if cols[i].ScanType == reflect.TypeOf(time.Time{}) {
				cols[i].ScanType = reflect.TypeOf("")
				cols[i].DatabaseType = "TEXT"
			}
		}
	}
	if !marked {
		return src
	}
	return &timeText{src: src, cols: cols, mark: mark}
}

func (t *timeText) Columns() []merge.Column { return t.cols }

func (t *timeText) Next() (merge.Row, error) {
	row, err := t.src.Next()
	if err != nil {
		return nil, err
	}
	for i, m := range t.mark {
		if !m || i >= len(row) {
			continue
		}
		if ts, ok := row[i].(time.Time); ok {
			row[i] = ts.UTC().Format(boundTimeText)
		}
	}
	return row, nil
}

func (t *timeText) Close() error { return t.src.Close() }
