package mysqlfunc

import (
	"database/sql/driver"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/internal/dialect"
)

func TestEveryRenderedFunctionIsDefined(t *testing.T) {
	for _, name := range dialect.SQLiteFunctions() {
		if _, ok := sqliteFunctions[name]; !ok {
			t.Errorf("%s is written by the renderer but not defined", name)
		}
	}
}

// The rules of MySQL's reference manual, one case per edge.
func TestFunctionsFollowMySQL(t *testing.T) {
	for _, tt := range []struct {
		fn   string
		args []driver.Value
		want driver.Value
	}{
		{"mysql_round", []driver.Value{2.5, int64(0)}, 3.0},
		{"mysql_round", []driver.Value{-2.5, int64(0)}, -3.0},
		{"mysql_round", []driver.Value{12.35, int64(1)}, 12.4},
		{"mysql_round", []driver.Value{1.005, int64(2)}, 1.01},
		{"mysql_round", []driver.Value{1234.5678, int64(-2)}, 1200.0},
		{"mysql_round", []driver.Value{int64(7), int64(1)}, 7.0},
		{"mysql_round", []driver.Value{0.0004, int64(2)}, 0.0},
		{"mysql_round", []driver.Value{9.99, int64(1)}, 10.0},
		{"mysql_round", []driver.Value{nil, int64(1)}, nil},
		{"mysql_truncate", []driver.Value{1.999, int64(2)}, 1.99},
		{"mysql_truncate", []driver.Value{-1.999, int64(1)}, -1.9},
		{"mysql_truncate", []driver.Value{int64(122), int64(-2)}, 100.0},
		{"mysql_date_add", []driver.Value{"2024-01-31", int64(1), "month"}, "2024-02-29"},
		{"mysql_date_add", []driver.Value{"2024-03-31", int64(-1), "month"}, "2024-02-29"},
		{"mysql_date_add", []driver.Value{"2024-02-29", int64(1), "year"}, "2025-02-28"},
		{"mysql_date_add", []driver.Value{"2024-02-29", int64(1), "hour"}, "2024-02-29 01:00:00"},
		{"mysql_date_add", []driver.Value{"2024-02-29 10:00:00+02:00", int64(1), "day"}, "2024-03-01 08:00:00"},
		{"mysql_date_add", []driver.Value{"not a date", int64(1), "day"}, nil},
		{"mysql_datediff", []driver.Value{"2024-03-01 00:00:01", "2024-02-28 23:59:59"}, int64(2)},
		{"mysql_timestampdiff", []driver.Value{"month", "2024-01-31", "2024-02-29"}, int64(0)},
		{"mysql_timestampdiff", []driver.Value{"month", "2024-01-31", "2024-03-31"}, int64(2)},
		{"mysql_timestampdiff", []driver.Value{"month", "2024-03-31", "2024-02-29"}, int64(-1)},
		{"mysql_timestampdiff", []driver.Value{"month", "2024-03-30", "2024-02-29"}, int64(-1)},
		{"mysql_timestampdiff", []driver.Value{"month", "2024-03-28", "2024-02-29"}, int64(0)},
		{"mysql_timestampdiff", []driver.Value{"year", "2020-02-29", "2021-02-28"}, int64(0)},
		{"mysql_timestampdiff", []driver.Value{"second", "2024-01-01 00:00:10", "2024-01-01 00:00:00"}, int64(-10)},
		{"mysql_lpad", []driver.Value{"hi", int64(5), "ab"}, "abahi"},
		{"mysql_lpad", []driver.Value{"héllo", int64(2), "*"}, "hé"},
		{"mysql_rpad", []driver.Value{"hi", int64(5), ""}, nil},
		{"mysql_rpad", []driver.Value{"hi", int64(-1), "x"}, nil},
		{"mysql_date_format", []driver.Value{"2024-01-05 13:04:09", "%l %h %p %e %c %y %j"}, "1 01 PM 5 1 24 005"},
		{"mysql_json", []driver.Value{`{"bb":1,"a":[true,null,"x\u00e9"],"c":{"k":1.50}}`}, `{"a": [true, null, "xé"], "c": {"k": 1.50}, "bb": 1}`},
		{"mysql_json", []driver.Value{`{"a":1,"a":2}`}, `{"a": 2}`},
		{"mysql_json", []driver.Value{"not json"}, "not json"},
	} {
		got, err := sqliteFunctions[tt.fn].fn(tt.args)
		if err != nil {
			t.Errorf("%s%v: %v", tt.fn, tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s%v = %v, want %v", tt.fn, tt.args, got, tt.want)
		}
	}
}
