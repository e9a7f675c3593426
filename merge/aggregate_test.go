package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

// The partial rows below are what each shard returned for the shard
// query, and the wanted rows what the same engine returned for the user's
// query over all rows (PostgreSQL 15; SQLite 3.53 through modernc.org/sqlite).
// The data is in testdata-free form: see the comment of each test.

// PostgreSQL, table t(k text collate "C", v int4, w int8, n numeric(10,2), f float8):
//
//	SELECT k, count(*), count(v), sum(v), sum(w), sum(n), sum(f), avg(v), avg(w),
//	       avg(n), avg(f), min(n), max(w) FROM t GROUP BY k ORDER BY k
//
// sent to shards as sum/count pairs for each AVG.
func TestAggregateGroupsPostgreSQLPartials(t *testing.T) {
	const c = "k:TEXT c:INT8 cv:INT8 sv:INT8 sw:NUMERIC sn:NUMERIC sf:FLOAT8 avs:INT8 avc:INT8 aws:NUMERIC awc:INT8 ans:NUMERIC anc:INT8 afs:FLOAT8 afc:INT8 mn:NUMERIC mw:INT8"
	s0 := lit(t, c,
		"B|1|1|-5|9223372036854775807|2.25|0.2|-5|1|9223372036854775807|1|2.25|1|0.2|1|2.25|9223372036854775807",
		"a|2|1|1|10|1.50|0.1|1|1|10|1|1.50|1|0.1|1|1.50|10",
		"é|1|1|3|1|NULL|0.3|3|1|1|1|NULL|0|0.3|1|NULL|1")
	s1 := lit(t, c,
		"a|1|1|2|9223372036854775807|0.10|0.2|2|1|9223372036854775807|1|0.10|1|0.2|1|0.10|9223372036854775807",
		"b|1|1|7|-3|-1.00|NULL|7|1|-3|1|-1.00|1|NULL|0|-1.00|-3")
	s2 := lit(t, c,
		"B|1|1|-5|5|3.00|0.1|-5|1|5|1|3.00|1|0.1|1|3.00|5",
		"a|1|1|4|20|NULL|0.3|4|1|20|1|NULL|0|0.3|1|NULL|20")
	s3 := lit(t, c)
	aggs := []Aggregate{
		{Func: AggCount, Col: 1}, {Func: AggCount, Col: 2},
		{Func: AggSum, Col: 3}, {Func: AggSum, Col: 4}, {Func: AggSum, Col: 5}, {Func: AggSum, Col: 6},
		{Func: AggAvg, Col: 7, CountCol: 8}, {Func: AggAvg, Col: 9, CountCol: 10},
		{Func: AggAvg, Col: 11, CountCol: 12}, {Func: AggAvg, Col: 13, CountCol: 14},
		{Func: AggMin, Col: 15}, {Func: AggMax, Col: 16},
	}
	ordered := NewOrdered(sources(s0, s1, s2, s3), []eval.SortKey{{Col: 0}}, eval.PostgreSQL)
	a := NewAggregate(ordered, []int{0}, aggs, eval.PostgreSQL)
	wantTypes := []string{"TEXT", "INT8", "INT8", "INT8", "NUMERIC", "NUMERIC", "FLOAT8", "NUMERIC", "INT8", "NUMERIC", "INT8", "NUMERIC", "INT8", "FLOAT8", "INT8", "NUMERIC", "INT8"}
	for i, col := range a.Columns() {
		if col.DatabaseType != wantTypes[i] {
			t.Errorf("column %d (%s) type %q, want %q", i, col.Name, col.DatabaseType, wantTypes[i])
		}
	}
	wantRows(t, a,
		"B|2|2|-10|9223372036854775812|5.25|0.30000000000000004|-5.0000000000000000|2|4611686018427387906|2|2.6250000000000000|2|0.15000000000000002|2|2.25|9223372036854775807",
		"a|4|3|7|9223372036854775837|1.60|0.6000000000000001|2.3333333333333333|3|3074457345618258612|3|0.80000000000000000000|2|0.20000000000000004|3|0.10|9223372036854775807",
		"b|1|1|7|-3|-1.00|NULL|7.0000000000000000|1|-3.0000000000000000|1|-1.00000000000000000000|1|NULL|0|-1.00|-3",
		"é|1|1|3|1|NULL|0.3|3.0000000000000000|1|1.00000000000000000000|1|NULL|0|0.3|1|NULL|1",
	)
	checkClosedOnce(t, s0, s1, s2, s3)
}

// PostgreSQL: SELECT count(*), sum(v), sum(w), avg(v), avg(n), min(k), max(k) FROM t
// (the table of the previous test), and the same over no rows.
func TestAggregateScalarPostgreSQL(t *testing.T) {
	const c = "c:INT8 sv:INT8 sw:NUMERIC avs:INT8 avc:INT8 ans:NUMERIC anc:INT8 mk:TEXT xk:TEXT"
	a := NewAggregate(NewConcat(sources(
		lit(t, c, "4|-1|9223372036854775818|-1|3|3.75|2|B|é"),
		lit(t, c, "2|9|9223372036854775804|9|2|-0.90|2|a|b"),
		lit(t, c, "2|-1|25|-1|2|3.00|1|B|a"),
	)), nil, []Aggregate{
		{Func: AggCount, Col: 0}, {Func: AggSum, Col: 1}, {Func: AggSum, Col: 2},
		{Func: AggAvg, Col: 3, CountCol: 4}, {Func: AggAvg, Col: 5, CountCol: 6},
		{Func: AggMin, Col: 7}, {Func: AggMax, Col: 8},
	}, eval.PostgreSQL)
	wantRows(t, a, "8|7|18446744073709551647|1.00000000000000000000|7|1.17000000000000000000|5|B|é")

	// Shards always return a scalar row; an empty input happens when the
	// shard query had to group (a DISTINCT aggregate).
	empty := NewAggregate(lit(t, c), nil, []Aggregate{
		{Func: AggCount, Col: 0}, {Func: AggSum, Col: 1}, {Func: AggSum, Col: 2},
		{Func: AggAvg, Col: 3, CountCol: 4}, {Func: AggMin, Col: 7},
	}, eval.PostgreSQL)
	wantRows(t, empty, "0|NULL|NULL|NULL|0|NULL|NULL|NULL|NULL")
}

// PostgreSQL: SELECT k, count(DISTINCT v), sum(DISTINCT v), avg(DISTINCT v), count(*)
// FROM t GROUP BY k, sent to shards as SELECT k, v, v, v, count(*) … GROUP BY k, v ORDER BY k, v.
func TestAggregateDistinctDeduplicatesAcrossShards(t *testing.T) {
	const c = "k:TEXT cd:INT4 sd:INT4 ad:INT4 c:INT8"
	s0 := lit(t, c, "B|-5|-5|-5|1", "a|1|1|1|1", "a|NULL|NULL|NULL|1", "é|3|3|3|1")
	s1 := lit(t, c, "a|2|2|2|1", "b|7|7|7|1")
	s2 := lit(t, c, "B|-5|-5|-5|1", "a|4|4|4|1")
	ordered := NewOrdered(sources(s0, s1, s2), []eval.SortKey{{Col: 0}, {Col: 1}}, eval.PostgreSQL)
	a := NewAggregate(ordered, []int{0}, []Aggregate{
		{Func: AggCountDistinct, Col: 1}, {Func: AggSumDistinct, Col: 2},
		{Func: AggAvgDistinct, Col: 3}, {Func: AggCount, Col: 4},
	}, eval.PostgreSQL)
	wantRows(t, a,
		"B|1|-5|-5.0000000000000000|2",
		"a|3|7|2.3333333333333333|4",
		"b|1|7|7.0000000000000000|1",
		"é|1|3|3.0000000000000000|1",
	)
}

// SUM(DISTINCT int8) is NUMERIC on PostgreSQL; NUMERIC values equal as
// decimals are one value.
func TestAggregateSumDistinctPostgreSQLTypes(t *testing.T) {
	a := NewAggregate(lit(t, "w:INT8 n:NUMERIC",
		"5|1.5", "9223372036854775807|1.50", "9223372036854775807|2"),
		nil, []Aggregate{{Func: AggSumDistinct, Col: 0}, {Func: AggSumDistinct, Col: 1}}, eval.PostgreSQL)
	if got := a.Columns()[0].DatabaseType; got != "NUMERIC" {
		t.Errorf("SUM(DISTINCT int8) type %q, want NUMERIC", got)
	}
	wantRows(t, a, "9223372036854775812|3.5")
}

func TestAggregatePostgreSQLInt8SumOverflows(t *testing.T) {
	a := NewAggregate(lit(t, "s:INT8", "9223372036854775807", "1"),
		nil, []Aggregate{{Func: AggSum, Col: 0}}, eval.PostgreSQL)
	if _, err := a.Next(); !errors.Is(err, eval.ErrBigintOutOfRange) {
		t.Fatalf("Next: %v, want %v", err, eval.ErrBigintOutOfRange)
	}
}

// SQLite, table t(k text, v integer, f real, x) with mixed-type x:
//
//	SELECT k, count(*), count(v), sum(v), avg(v), sum(f), avg(f), min(x), max(x)
//	FROM t GROUP BY k ORDER BY k
//
// Group é overflows: SQLite fails the statement with "integer overflow"
// after returning the groups before it.
func TestAggregateGroupsSQLitePartials(t *testing.T) {
	const c = "k:TEXT c: cv: sv: avs: avc: sf: afs: afc: mx: xx:"
	s0 := lit(t, c,
		"B|1|1|-5|-5|1|0.2|0.2|1|2.5|2.5",
		"a|2|1|1|1|1|0.1|0.1|1|1|'z'",
		"é|1|1|9223372036854775807|9223372036854775807|1|0.3|0.3|1|NULL|NULL")
	s1 := lit(t, c,
		"a|1|1|2|2|1|0.2|0.2|1|1.0|1.0",
		"b|1|1|7|7|1|NULL|NULL|0|-1|-1",
		"é|1|1|1|1|1|NULL|NULL|0|NULL|NULL")
	s2 := lit(t, c,
		"B|1|1|-5|-5|1|0.1|0.1|1|'10'|'10'",
		"a|1|1|4|4|1|0.3|0.3|1|x'00'|x'00'")
	a := NewAggregate(NewOrdered(sources(s0, s1, s2), []eval.SortKey{{Col: 0}}, eval.SQLite), []int{0}, []Aggregate{
		{Func: AggCount, Col: 1}, {Func: AggCount, Col: 2}, {Func: AggSum, Col: 3},
		{Func: AggAvg, Col: 4, CountCol: 5}, {Func: AggSum, Col: 6}, {Func: AggAvg, Col: 7, CountCol: 8},
		{Func: AggMin, Col: 9}, {Func: AggMax, Col: 10},
	}, eval.SQLite)
	got, err := drain(t, a)
	if !errors.Is(err, eval.ErrIntegerOverflow) {
		t.Fatalf("error %v, want %v", err, eval.ErrIntegerOverflow)
	}
	want := parseRows(t, a.Columns(),
		"B|2|2|-10|-5.0|2|0.30000000000000004|0.15000000000000002|2|2.5|'10'",
		"a|4|3|7|2.3333333333333335|3|0.6|0.19999999999999998|3|1|x'00'",
		"b|1|1|7|7.0|1|NULL|NULL|0|-1|-1",
	)
	if diffRows(t, want, got) {
		t.Error("rows before the overflow differ")
	}
	if _, err := a.Next(); !errors.Is(err, eval.ErrIntegerOverflow) {
		t.Errorf("Next after error: %v", err)
	}
	a.Close()
	checkClosedOnce(t, s0, s1, s2)
}

// SQLite: SELECT count(*), sum(v), avg(v), min(x), max(x) FROM t WHERE k <> 'é',
// and over no rows.
func TestAggregateScalarSQLite(t *testing.T) {
	const c = "c: sv: avs: avc: mx: xx:"
	a := NewAggregate(NewConcat(sources(
		lit(t, c, "3|-4|-4|2|1|'z'"),
		lit(t, c, "2|9|9|2|-1|1.0"),
		lit(t, c, "2|-1|-1|2|'10'|x'00'"),
	)), nil, []Aggregate{
		{Func: AggCount, Col: 0}, {Func: AggSum, Col: 1}, {Func: AggAvg, Col: 2, CountCol: 3},
		{Func: AggMin, Col: 4}, {Func: AggMax, Col: 5},
	}, eval.SQLite)
	wantRows(t, a, "7|4|0.6666666666666666|6|-1|x'00'")

	empty := NewAggregate(lit(t, c), nil, []Aggregate{
		{Func: AggCount, Col: 0}, {Func: AggSum, Col: 1}, {Func: AggAvg, Col: 2, CountCol: 3}, {Func: AggMin, Col: 4},
	}, eval.SQLite)
	wantRows(t, empty, "0|NULL|NULL|0|NULL|NULL")
}

// SQLite: SELECT k, count(DISTINCT x), sum(DISTINCT x), avg(DISTINCT x), count(*)
// FROM t GROUP BY k ORDER BY k. 1 and 1.0 are one value; text and blobs add as
// their numeric prefix (0 here) and make the sum a float.
func TestAggregateDistinctSQLite(t *testing.T) {
	const c = "k:TEXT cd: sd: ad: c:"
	s0 := lit(t, c, "B|2.5|2.5|2.5|1", "a|1|1|1|1", "a|'z'|'z'|'z'|1", "é|NULL|NULL|NULL|1")
	s1 := lit(t, c, "a|1.0|1.0|1.0|1", "b|-1|-1|-1|1", "é|NULL|NULL|NULL|1")
	s2 := lit(t, c, "B|'10'|'10'|'10'|1", "a|x'00'|x'00'|x'00'|1")
	a := NewAggregate(NewOrdered(sources(s0, s1, s2), []eval.SortKey{{Col: 0}, {Col: 1}}, eval.SQLite), []int{0}, []Aggregate{
		{Func: AggCountDistinct, Col: 1}, {Func: AggSumDistinct, Col: 2},
		{Func: AggAvgDistinct, Col: 3}, {Func: AggCount, Col: 4},
	}, eval.SQLite)
	wantRows(t, a,
		"B|2|12.5|6.25|2",
		"a|3|1.0|0.3333333333333333|4",
		"b|1|-1|-1.0|1",
		"é|0|NULL|NULL|2",
	)
}

// SQLite sums exactly while it can, compensates float error (0.1+0.2+0.3 is
// 0.6), and an integer overflow is an error only if no float follows.
func TestAggregateSQLiteSumSemantics(t *testing.T) {
	tests := []struct {
		name  string
		parts []string
		want  string
		err   error
	}{
		{"compensated floats", []string{"0.1", "0.2", "0.3"}, "0.6", nil},
		{"overflow then float", []string{"9223372036854775807", "10", "0.5"}, "9.223372036854776e+18", nil},
		{"float then overflow", []string{"0.5", "9223372036854775807", "10"}, "9.223372036854776e+18", nil},
		{"overflow", []string{"9223372036854775807", "10"}, "", eval.ErrIntegerOverflow},
		{"big int and float", []string{"9007199254740993", "0.5"}, "9007199254740994.0", nil},
		{"all NULL", []string{"NULL", "NULL"}, "NULL", nil},
		{"text with junk adds as float", []string{"'3abc'"}, "3.0", nil},
		{"negative ints", []string{"-9223372036854775807", "-1"}, "-9223372036854775808", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAggregate(lit(t, "s:", tt.parts...), nil, []Aggregate{{Func: AggSum, Col: 0}}, eval.SQLite)
			if tt.err != nil {
				if _, err := a.Next(); !errors.Is(err, tt.err) {
					t.Fatalf("Next: %v, want %v", err, tt.err)
				}
				return
			}
			wantRows(t, a, tt.want)
		})
	}
}

// SQLite fills bare columns of a query with exactly one MIN or MAX from the
// row holding the extreme: SELECT k, max(v) FROM t returns é's k.
func TestAggregateSQLiteBareColumnFollowsMax(t *testing.T) {
	a := NewAggregate(NewConcat(sources(
		lit(t, "k:TEXT m:", "a|4"),
		lit(t, "k:TEXT m:", "é|9223372036854775807"),
		lit(t, "k:TEXT m:", "b|7"),
	)), nil, []Aggregate{{Func: AggMax, Col: 1}}, eval.SQLite)
	wantRows(t, a, "é|9223372036854775807")

	pg := NewAggregate(NewConcat(sources(
		lit(t, "k:TEXT m:INT8", "a|4"),
		lit(t, "k:TEXT m:INT8", "é|9"),
	)), nil, []Aggregate{{Func: AggMax, Col: 1}}, eval.PostgreSQL)
	wantRows(t, pg, "a|9")
}

func TestAggregateNullGroupKeysFormOneGroup(t *testing.T) {
	for _, eng := range []eval.Engine{eval.SQLite, eval.PostgreSQL} {
		s0 := lit(t, "k:INT8 c:INT8", "NULL|1", "1|2")
		s1 := lit(t, "k:INT8 c:INT8", "NULL|3", "1|4", "2|1")
		if eng == eval.PostgreSQL {
			s0 = lit(t, "k:INT8 c:INT8", "1|2", "NULL|1")
			s1 = lit(t, "k:INT8 c:INT8", "1|4", "2|1", "NULL|3")
		}
		a := NewAggregate(NewOrdered(sources(s0, s1), []eval.SortKey{{Col: 0}}, eng), []int{0},
			[]Aggregate{{Func: AggCount, Col: 1}}, eng)
		if eng == eval.SQLite {
			wantRows(t, a, "NULL|4", "1|6", "2|1")
		} else {
			wantRows(t, a, "1|6", "2|1", "NULL|4")
		}
	}
}

func TestAggregateSQLiteIntAndFloatKeysShareAGroup(t *testing.T) {
	a := NewAggregate(NewOrdered(sources(
		lit(t, "k: c:", "1|2", "'1'|1"),
		lit(t, "k: c:", "1.0|3", "1.5|1"),
	), []eval.SortKey{{Col: 0}}, eval.SQLite), []int{0}, []Aggregate{{Func: AggCount, Col: 1}}, eval.SQLite)
	wantRows(t, a, "1|5", "1.5|1", "'1'|1")
}

func TestAggregateRejectsBadSpec(t *testing.T) {
	tests := []struct {
		name string
		keys []int
		aggs []Aggregate
		eng  eval.Engine
	}{
		{"group key out of range", []int{3}, nil, eval.SQLite},
		{"aggregate out of range", nil, []Aggregate{{Func: AggSum, Col: 2}}, eval.SQLite},
		{"avg count column out of range", nil, []Aggregate{{Func: AggAvg, Col: 0, CountCol: 5}}, eval.SQLite},
		{"two aggregates on one column", nil, []Aggregate{{Func: AggSum, Col: 0}, {Func: AggMax, Col: 0}}, eval.SQLite},
		{"sum over text on PostgreSQL", nil, []Aggregate{{Func: AggSum, Col: 1}}, eval.PostgreSQL},
		{"unknown function", nil, []Aggregate{{Col: 0}}, eval.SQLite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := lit(t, "n:INT8 s:TEXT", "1|a")
			a := NewAggregate(src, tt.keys, tt.aggs, tt.eng)
			if _, err := a.Next(); err == nil {
				t.Fatal("no error")
			}
			a.Close()
			checkClosedOnce(t, src)
		})
	}
}

func TestAggregatePropagatesSourceError(t *testing.T) {
	boom := errors.New("boom")
	src := lit(t, "k:TEXT c:INT8", "a|1", "b|1")
	src.err = boom
	a := NewAggregate(src, []int{0}, []Aggregate{{Func: AggCount, Col: 1}}, eval.PostgreSQL)
	got, err := drain(t, a)
	if !errors.Is(err, boom) || len(got) != 1 {
		t.Fatalf("got %d rows, %v; want 1 row (group a), %v", len(got), err, boom)
	}
}
