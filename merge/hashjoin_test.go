package merge

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/internal/eval"
)

// hashJoinOf builds the inner rows into a table and joins outer with it.
func hashJoinOf(t *testing.T, outer, inner *literal, keys []JoinKey, left bool, maxRows int64, eng eval.Engine) (*HashJoin, error) {
	t.Helper()
	tab, err := BuildHashTable(inner, keys, maxRows, eng)
	if inner.closes == 0 {
		t.Error("build side not closed")
	}
	if err != nil {
		return nil, err
	}
	return NewHashJoin(outer, tab, left), nil
}

func TestHashJoinPairsRowsAsTheNestedLoopDoes(t *testing.T) {
	tests := []struct {
		name         string
		eng          eval.Engine
		left         bool
		ospec, ispec string
		outer, inner []string
		want         []string
	}{
		{name: "inner", ospec: "k:BIGINT v:TEXT", ispec: "ik:BIGINT iv:TEXT",
			outer: []string{"1|'a'", "2|'b'", "3|'c'"}, inner: []string{"3|'z'", "1|'x'", "1|'y'"},
			want: []string{"1|'a'|1|'x'", "1|'a'|1|'y'", "3|'c'|3|'z'"}},
		{name: "NULL keys never match", ospec: "k:BIGINT v:TEXT", ispec: "ik:BIGINT iv:TEXT",
			outer: []string{"NULL|'n'", "1|'a'"}, inner: []string{"NULL|'q'", "1|'x'"},
			want: []string{"1|'a'|1|'x'"}},
		{name: "left extends unmatched and NULL keys", left: true, ospec: "k:BIGINT v:TEXT", ispec: "ik:BIGINT iv:TEXT",
			outer: []string{"1|'a'", "NULL|'n'", "2|'b'"}, inner: []string{"1|'x'", "NULL|'q'"},
			want: []string{"1|'a'|1|'x'", "NULL|'n'|NULL|NULL", "2|'b'|NULL|NULL"}},
		{name: "duplicates on both sides", ospec: "k:BIGINT v:TEXT", ispec: "ik:BIGINT iv:TEXT",
			outer: []string{"1|'a'", "1|'b'"}, inner: []string{"1|'x'", "1|'y'"},
			want: []string{"1|'a'|1|'x'", "1|'a'|1|'y'", "1|'b'|1|'x'", "1|'b'|1|'y'"}},
		{name: "empty outer", ospec: "k:BIGINT v:TEXT", ispec: "ik:BIGINT iv:TEXT", inner: []string{"1|'x'"}},
		{name: "empty inner, left", left: true, ospec: "k:BIGINT v:TEXT", ispec: "ik:BIGINT iv:TEXT",
			outer: []string{"1|'a'"}, want: []string{"1|'a'|NULL|NULL"}},
		{name: "integers equal integral floats", ospec: "k:BIGINT v:TEXT", ispec: "ik:REAL iv:TEXT",
			outer: []string{"1|'a'", "2|'b'", "-0|'z'"}, inner: []string{"1.0|'x'", "2.5|'y'", "-0.0|'m'", "0.0|'p'"},
			want: []string{"1|'a'|1|'x'", "0|'z'|0|'m'", "0|'z'|0|'p'"}},
		{name: "SQLite text is case sensitive", ospec: "k:TEXT v:TEXT", ispec: "ik:TEXT iv:TEXT",
			outer: []string{"'Ab'|'a'", "'ab'|'b'"}, inner: []string{"'ab'|'x'", "'AB'|'y'"},
			want: []string{"'ab'|'b'|'ab'|'x'"}},
		{name: "PostgreSQL text is compared bytewise", eng: eval.PostgreSQL, ospec: "k:TEXT v:TEXT", ispec: "ik:TEXT iv:TEXT",
			outer: []string{"'Ab'|'a'", "'ab '|'b'"}, inner: []string{"'ab'|'x'", "'Ab'|'y'"},
			want: []string{"'Ab'|'a'|'Ab'|'y'"}},
		{name: "PostgreSQL NUMERIC keys compare as decimals", eng: eval.PostgreSQL, ospec: "k:NUMERIC v:TEXT", ispec: "ik:NUMERIC iv:TEXT",
			outer: []string{"1.50|'a'", "-0.00|'z'", "NaN|'n'", "10|'t'"}, inner: []string{"01.5|'x'", "0|'y'", "NaN|'q'", "1|'o'"},
			want: []string{"1.50|'a'|01.5|'x'", "-0.00|'z'|0|'y'", "NaN|'n'|NaN|'q'"}},
		{name: "PostgreSQL booleans", eng: eval.PostgreSQL, ospec: "k:BOOL v:TEXT", ispec: "ik:BOOL iv:TEXT",
			outer: []string{"true|'a'", "false|'b'"}, inner: []string{"false|'x'", "true|'y'", "true|'z'"},
			want: []string{"true|'a'|true|'y'", "true|'a'|true|'z'", "false|'b'|false|'x'"}},
		{name: "blobs", ospec: "k:BLOB v:TEXT", ispec: "ik:BLOB iv:TEXT",
			outer: []string{"ab|'a'", "b|'b'"}, inner: []string{"ab|'x'", "a|'y'"},
			want: []string{"ab|'a'|ab|'x'"}},
		{name: "times are instants", ospec: "k:TIMESTAMP v:TEXT", ispec: "ik:TIMESTAMP iv:TEXT",
			outer: []string{"2024-01-02T03:04:05Z|'a'"}, inner: []string{"2024-01-02T05:04:05+02:00|'x'", "2024-01-02T03:04:05.5Z|'y'"},
			want: []string{"2024-01-02T03:04:05Z|'a'|2024-01-02T05:04:05+02:00|'x'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outer := lit(t, tt.ospec, tt.outer...)
			j, err := hashJoinOf(t, outer, lit(t, tt.ispec, tt.inner...), []JoinKey{{Outer: 0, Inner: 0}}, tt.left, 100, tt.eng)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(j.Columns()); got != 4 {
				t.Fatalf("%d columns, want 4", got)
			}
			got, err := drain(t, j)
			if err != nil {
				t.Fatal(err)
			}
			want := parseRows(t, j.Columns(), tt.want...)
			if diff := cmp.Diff(want, got, equateTimes()); diff != "" && (len(want) > 0 || len(got) > 0) {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			j.Close()
			if outer.closes == 0 {
				t.Error("probe side not closed")
			}
			// The nested loop gives the same rows in the same order.
			open, _, _ := innerOf(t, tt.ispec, tt.inner...)
			nl, err := NewJoin(lit(t, tt.ospec, tt.outer...), open, []JoinKey{{Outer: 0, Inner: 0}}, tt.left, 256, 100, tt.eng)
			if err != nil {
				t.Fatal(err)
			}
			nested, err := drain(t, nl)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(nested, got, equateTimes()); diff != "" {
				t.Errorf("hash join differs from the nested loop (-nested +hash):\n%s", diff)
			}
		})
	}
}

func equateTimes() cmp.Option {
	return cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
}

func TestHashJoinOfTwoKeys(t *testing.T) {
	outer := lit(t, "a:BIGINT b:TEXT", "1|'x'", "1|'y'", "2|'x'")
	inner := lit(t, "c:TEXT d:BIGINT", "'x'|1", "'y'|2", "'x'|2", "'x'|1")
	j, err := hashJoinOf(t, outer, inner, []JoinKey{{Outer: 0, Inner: 1}, {Outer: 1, Inner: 0}}, false, 100, eval.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, j, "1|'x'|'x'|1", "1|'x'|'x'|1", "2|'x'|'x'|2")
}

func TestHashJoinRefusesKeysOfDifferentKinds(t *testing.T) {
	// A build side mixing numbers and text is not hashed: the caller
	// joins another way.
	_, err := hashJoinOf(t, lit(t, "k:BIGINT", "1"), lit(t, "ik:", "1", "'1'"), []JoinKey{{}}, false, 100, eval.SQLite)
	var he *HashKeyError
	if !errors.As(err, &he) {
		t.Errorf("mixed build side: got %v, want a HashKeyError", err)
	}
	// A probe key of another kind than the build side's is refused as the
	// nested loop refuses it, never compared by the merge's rules.
	j, err := hashJoinOf(t, lit(t, "k:", "1", "'1'"), lit(t, "ik:TEXT", "'1'"), []JoinKey{{}}, false, 100, eval.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	var ke *JoinKeyTypeError
	if _, err := drain(t, j); !errors.As(err, &ke) {
		t.Errorf("mixed probe: got %v, want a JoinKeyTypeError", err)
	}
	j.Close()
	// With no non-NULL build key there is nothing to compare with.
	j, err = hashJoinOf(t, lit(t, "k:", "1", "'1'"), lit(t, "ik:TEXT", "NULL"), []JoinKey{{}}, true, 100, eval.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, j, "1|NULL", "'1'|NULL")
}

func TestHashJoinBoundsTheBuildSide(t *testing.T) {
	inner := lit(t, "ik:BIGINT", "1", "NULL", "2", "3")
	_, err := hashJoinOf(t, lit(t, "k:BIGINT", "1"), inner, []JoinKey{{}}, false, 2, eval.SQLite)
	var me *MemoryRowsError
	if !errors.As(err, &me) || me.Limit != 2 {
		t.Fatalf("got %v, want a MemoryRowsError of limit 2", err)
	}
	// NULL keys are not held: three rows of which one is NULL fit in two.
	j, err := hashJoinOf(t, lit(t, "k:BIGINT", "1", "3"), lit(t, "ik:BIGINT", "1", "NULL", "3"), []JoinKey{{}}, false, 2, eval.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, j, "1|1", "3|3")
}

// Two values share a hash key exactly when the engine compares them
// equal, for every pair of a set of values of each kind.
func TestHashKeysAgreeWithTheEngineComparison(t *testing.T) {
	nums := []any{int64(0), int64(1), int64(-1), int64(1 << 53), int64(1<<53 + 1), int64(math.MaxInt64), int64(math.MinInt64),
		0.0, math.Copysign(0, -1), 1.0, 1.5, -1.0, float64(1 << 53), 9223372036854775808.0, -9223372036854775808.0,
		math.Inf(1), math.Inf(-1), math.NaN(), true, false}
	texts := []any{"", "a", "A", "a ", "1", "1.0"}
	decimals := []any{"0", "-0", "0.00", "1", "1.0", "01.50", "1.5", "-1.5", "+1.5", "10", "100", "NaN", "Infinity", "-Infinity", ".5", "0.5"}
	blobs := []any{[]byte{}, []byte("a"), []byte("ab")}
	at := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	times := []any{at, at.In(time.FixedZone("x", 3600)), at.Add(1)}
	for _, eng := range []eval.Engine{eval.SQLite, eval.PostgreSQL} {
		for _, set := range []struct {
			numeric bool
			vals    []any
		}{{false, nums}, {false, texts}, {true, decimals}, {false, blobs}, {false, times}} {
			col := Column{}
			if set.numeric {
				if eng != eval.PostgreSQL {
					continue
				}
				col.DatabaseType = "NUMERIC"
			}
			for _, a := range set.vals {
				for _, b := range set.vals {
					same := string(appendHashKey(nil, a, set.numeric)) == string(appendHashKey(nil, b, set.numeric))
					if eq := eng.Compare(a, b, col) == 0; same != eq {
						t.Errorf("%v: %#v and %#v: same hash key %v, compare equal %v", eng, a, b, same, eq)
					}
				}
			}
		}
	}
}

// On random rows the hash join returns the nested loop's rows in the
// nested loop's order.
func TestHashJoinEqualsTheNestedLoopOnRandomRows(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := []string{"NULL", "1", "2", "3", "1.0", "2.5"}
	for n := 0; n < 200; n++ {
		gen := func() []string {
			var rows []string
			for i := r.IntN(8); i > 0; i-- {
				rows = append(rows, vals[r.IntN(len(vals))]+"|"+vals[r.IntN(3)])
			}
			return rows
		}
		outer, inner := gen(), gen()
		left := r.IntN(2) == 0
		keys := []JoinKey{{Outer: 0, Inner: 0}}
		if r.IntN(2) == 0 {
			keys = append(keys, JoinKey{Outer: 1, Inner: 1})
		}
		hj, err := hashJoinOf(t, lit(t, "a: b:", outer...), lit(t, "c: d:", inner...), keys, left, 100, eval.SQLite)
		if err != nil {
			t.Fatal(err)
		}
		got, err := drain(t, hj)
		if err != nil {
			t.Fatal(err)
		}
		open, _, _ := innerOf(t, "c: d:", inner...)
		nl, err := NewJoin(lit(t, "a: b:", outer...), open, keys, left, 1+r.IntN(4), 100, eval.SQLite)
		if err != nil {
			t.Fatal(err)
		}
		want, err := drain(t, nl)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("outer %q inner %q left %v: (-nested +hash):\n%s", outer, inner, left, diff)
		}
	}
}
