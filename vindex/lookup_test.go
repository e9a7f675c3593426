package vindex

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

func lkpParams(extra ...string) map[string]string {
	p := map[string]string{"table": "t", "from": "fromc", "to": "toc"}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i]] = extra[i+1]
	}
	return p
}

func TestLookupMapBatchesIntegersAndMatchesRowsBack(t *testing.T) {
	v := mustNew(t, "lookup", lkpParams(), Env{})
	c := &fakeCursor{replies: []reply{{rows: rowsOf(
		[2]any{int64(1), []byte("k1")},
		[2]any{[]byte("1"), []byte("k2")}, // a backend may return the number as text
		[2]any{int64(3), "k3"},
	)}}}
	got := mapValues(t, v, c, int64(1), int64(2), uint64(3), nil)
	want := []key.Destination{
		key.DestinationKeyspaceIDs{[]byte("k1"), []byte("k2")},
		key.DestinationNone{},
		key.DestinationKeyspaceIDs{[]byte("k3")},
		key.DestinationNone{},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
	wantCalls := []call{{Via: "Query", SQL: "select `fromc`, `toc` from `t` where `fromc` in (?, ?, ?)", Args: []any{int64(1), int64(2), uint64(3)}}}
	if diff := cmp.Diff(wantCalls, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestLookupMapQueriesStringsOneByOneUnlessBatched(t *testing.T) {
	v := mustNew(t, "lookup_unique", lkpParams(), Env{})
	c := &fakeCursor{replies: []reply{{rows: rowsOf([2]any{"ALICE", []byte("k1")})}, {}}}
	got := mapValues(t, v, c, "alice", "bob")
	want := []key.Destination{key.DestinationKeyspaceID("k1"), key.DestinationNone{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
	wantCalls := []call{
		{Via: "Query", SQL: "select `fromc`, `toc` from `t` where `fromc` in (?)", Args: []any{"alice"}},
		{Via: "Query", SQL: "select `fromc`, `toc` from `t` where `fromc` in (?)", Args: []any{"bob"}},
	}
	if diff := cmp.Diff(wantCalls, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}

	batched := mustNew(t, "lookup_unique", lkpParams("batch_lookup", "true"), Env{})
	c = &fakeCursor{replies: []reply{{rows: rowsOf([2]any{"bob", []byte("k2")})}}}
	got = mapValues(t, batched, c, "alice", "bob")
	want = []key.Destination{key.DestinationNone{}, key.DestinationKeyspaceID("k2")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batched Map (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("Query select `fromc`, `toc` from `t` where `fromc` in (?, ?)\n", sqlOf(c.calls)); diff != "" {
		t.Errorf("batched calls (-want +got):\n%s", diff)
	}
}

func TestLookupUniqueMapRefusesSeveralRows(t *testing.T) {
	v := mustNew(t, "lookup_unique", lkpParams(), Env{}).(SingleColumn)
	c := &fakeCursor{replies: []reply{{rows: rowsOf([2]any{int64(1), []byte("a")}, [2]any{int64(1), []byte("b")})}}}
	_, err := v.Map(t.Context(), c, []any{int64(1)})
	want := `vindex "lookup_unique_vdx": lookup_unique: table t holds 2 rows for 1, a unique vindex allows one`
	if err == nil || err.Error() != want {
		t.Errorf("Map error = %v, want %s", err, want)
	}
}

func TestLookupMapScattersWhenWriteOnlyOrLoneNull(t *testing.T) {
	full := key.DestinationKeyRange{}
	writeOnly := mustNew(t, "lookup", lkpParams("write_only", "true"), Env{})
	c := &fakeCursor{}
	if diff := cmp.Diff([]key.Destination{full, full}, mapValues(t, writeOnly, c, int64(1), int64(2))); diff != "" {
		t.Errorf("write_only Map (-want +got):\n%s", diff)
	}
	ignoreNulls := mustNew(t, "lookup_unique", lkpParams("ignore_nulls", "true"), Env{})
	if diff := cmp.Diff([]key.Destination{full}, mapValues(t, ignoreNulls, c, nil)); diff != "" {
		t.Errorf("ignore_nulls Map(NULL) (-want +got):\n%s", diff)
	}
	if len(c.calls) != 0 {
		t.Errorf("scattering Map read the table: %v", c.calls)
	}
	if !key.KeyRange(full).IsFull() {
		t.Error("the write_only destination is not the full key range")
	}
}

func TestLookupMapLocksInsideWritingTransactions(t *testing.T) {
	for _, tt := range []struct {
		readLock string
		dml      bool
		want     string
	}{
		{"", true, "select `fromc`, `toc` from `t` where `fromc` in (?) for update"},
		{"exclusive", true, "select `fromc`, `toc` from `t` where `fromc` in (?) for update"},
		{"shared", true, "select `fromc`, `toc` from `t` where `fromc` in (?) lock in share mode"},
		{"none", true, "select `fromc`, `toc` from `t` where `fromc` in (?)"},
		{"", false, "select `fromc`, `toc` from `t` where `fromc` in (?)"},
	} {
		params := lkpParams()
		if tt.readLock != "" {
			params["read_lock"] = tt.readLock
		}
		v := mustNew(t, "lookup", params, Env{})
		c := &sessionCursor{dml: tt.dml}
		mapValues(t, v, c, int64(5))
		if len(c.calls) != 1 || c.calls[0].SQL != tt.want || c.calls[0].Via != "Query" {
			t.Errorf("read_lock %q dml %v: calls %v, want Query %s", tt.readLock, tt.dml, c.calls, tt.want)
		}
	}
}

func TestLookupAutocommitReadsOutsideTheTransaction(t *testing.T) {
	v := mustNew(t, "lookup", lkpParams("autocommit", "true"), Env{})
	c := &sessionCursor{}
	mapValues(t, v, c, int64(5))
	if diff := cmp.Diff("QueryOrder(autocommit) select `fromc`, `toc` from `t` where `fromc` in (?)\n", sqlOf(c.calls)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestLookupVerifyReadsEachValue(t *testing.T) {
	v := mustNew(t, "lookup", lkpParams(), Env{}).(SingleColumn)
	c := &fakeCursor{replies: []reply{{rows: [][]any{{int64(1)}}}, {}}}
	got, err := v.Verify(t.Context(), c, []any{int64(1), int64(2)}, [][]byte{[]byte("k1"), []byte("k2")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bool{true, false}, got); diff != "" {
		t.Errorf("Verify (-want +got):\n%s", diff)
	}
	wantCalls := []call{
		{Via: "Query", SQL: "select `fromc` from `t` where `fromc` = ? and `toc` = ?", Args: []any{int64(1), []byte("k1")}},
		{Via: "Query", SQL: "select `fromc` from `t` where `fromc` = ? and `toc` = ?", Args: []any{int64(2), []byte("k2")}},
	}
	if diff := cmp.Diff(wantCalls, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	for _, extra := range [][]string{{"no_verify", "true"}, {"write_only", "true"}} {
		v := mustNew(t, "lookup", lkpParams(extra...), Env{}).(SingleColumn)
		c := &fakeCursor{}
		got, err := v.Verify(t.Context(), c, []any{int64(1)}, [][]byte{[]byte("x")})
		if err != nil || !cmp.Equal([]bool{true}, got) || len(c.calls) != 0 {
			t.Errorf("%s: Verify = %v, %v after %d calls, want true without reading", extra[0], got, err, len(c.calls))
		}
	}
}

func TestLookupCreateInsertsSortedRows(t *testing.T) {
	v := mustNew(t, "lookup", lkpParams("from", "from1, from2"), Env{}).(Lookup)
	c := &fakeCursor{}
	err := v.Create(t.Context(), c, [][]any{{int64(3), "b"}, {int64(10), "a"}, {int64(3), "a"}}, [][]byte{[]byte("k1"), []byte("k2"), []byte("k3")}, false)
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by the values' text, as Vitess sorts them: "10" < "3".
	want := []call{{Via: "Exec", SQL: "insert into `t`(`from1`, `from2`, `toc`) values (?, ?, ?), (?, ?, ?), (?, ?, ?)",
		Args: []any{int64(10), "a", []byte("k2"), int64(3), "a", []byte("k3"), int64(3), "b", []byte("k1")}}}
	if diff := cmp.Diff(want, c.calls); diff != "" {
		t.Errorf("Create calls (-want +got):\n%s", diff)
	}

	c = &fakeCursor{}
	if err := v.Create(t.Context(), c, [][]any{{int64(1), "x"}}, [][]byte{[]byte("k")}, true); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("Exec insert ignore into `t`(`from1`, `from2`, `toc`) values (?, ?, ?)\n", sqlOf(c.calls)); diff != "" {
		t.Errorf("ignore-mode Create (-want +got):\n%s", diff)
	}

	err = v.Create(t.Context(), c, [][]any{{int64(1), nil}}, [][]byte{[]byte("k")}, false)
	want2 := `vindex "lookup_vdx": lookup: create: row 0 has NULL in column "from2" (ignore_nulls skips such rows)`
	if err == nil || err.Error() != want2 {
		t.Errorf("Create(NULL) error = %v, want %s", err, want2)
	}
	err = v.Create(t.Context(), c, [][]any{{int64(1)}}, [][]byte{[]byte("k")}, false)
	want3 := `vindex "lookup_vdx": lookup: create: a row of 1 values for the 2 "from" columns from1, from2`
	if err == nil || err.Error() != want3 {
		t.Errorf("Create(short row) error = %v, want %s", err, want3)
	}
}

func TestLookupCreateSkipsNullsWhenIgnoringThem(t *testing.T) {
	v := mustNew(t, "lookup", lkpParams("ignore_nulls", "true"), Env{}).(Lookup)
	c := &fakeCursor{}
	if err := v.Create(t.Context(), c, [][]any{{nil}, {int64(2)}}, [][]byte{[]byte("k1"), []byte("k2")}, false); err != nil {
		t.Fatal(err)
	}
	want := []call{{Via: "Exec", SQL: "insert into `t`(`fromc`, `toc`) values (?, ?)", Args: []any{int64(2), []byte("k2")}}}
	if diff := cmp.Diff(want, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	c = &fakeCursor{}
	if err := v.Create(t.Context(), c, [][]any{{nil}}, [][]byte{[]byte("k1")}, false); err != nil || len(c.calls) != 0 {
		t.Errorf("Create of only NULL rows: %v after %v", err, c.calls)
	}
}

func TestLookupAutocommitUpsertsAndNeverDeletes(t *testing.T) {
	for _, tt := range []struct {
		typ, param string
		want       string
	}{
		{"lookup", "autocommit", "ExecAutocommit insert into `t`(`fromc`, `toc`) values (?, ?) on duplicate key update `fromc` = values(`fromc`), `toc` = values(`toc`)\n"},
		{"lookup", "multi_shard_autocommit", "ExecAutocommit insert into `t`(`fromc`, `toc`) values (?, ?) on duplicate key update `fromc` = values(`fromc`), `toc` = values(`toc`)\n"},
		{"lookup_unique", "autocommit", "ExecAutocommit insert into `t`(`fromc`, `toc`) values (?, ?)\n"},
	} {
		v := mustNew(t, tt.typ, lkpParams(tt.param, "true"), Env{}).(Lookup)
		c := &fakeCursor{}
		if err := v.Create(t.Context(), c, [][]any{{int64(1)}}, [][]byte{[]byte("k")}, false); err != nil {
			t.Fatal(err)
		}
		if err := v.Delete(t.Context(), c, [][]any{{int64(1)}}, []byte("k")); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, sqlOf(c.calls)); diff != "" {
			t.Errorf("%s %s: calls (-want +got):\n%s", tt.typ, tt.param, diff)
		}
	}
}

func TestLookupDeleteAndUpdate(t *testing.T) {
	v := mustNew(t, "lookup_unique", lkpParams("owner", "user"), Env{}).(Lookup)
	if v.Owner() != "user" {
		t.Errorf("Owner() = %q, want user", v.Owner())
	}
	c := &fakeCursor{}
	if err := v.Delete(t.Context(), c, [][]any{{int64(1)}, {int64(2)}}, []byte("k")); err != nil {
		t.Fatal(err)
	}
	if err := v.Update(t.Context(), c, []any{"old"}, []byte("k"), []any{"new"}); err != nil {
		t.Fatal(err)
	}
	want := []call{
		{Via: "Exec", SQL: "delete from `t` where `fromc` = ? and `toc` = ?", Args: []any{int64(1), []byte("k")}},
		{Via: "Exec", SQL: "delete from `t` where `fromc` = ? and `toc` = ?", Args: []any{int64(2), []byte("k")}},
		{Via: "Exec", SQL: "delete from `t` where `fromc` = ? and `toc` = ?", Args: []any{"old", []byte("k")}},
		{Via: "Exec", SQL: "insert into `t`(`fromc`, `toc`) values (?, ?)", Args: []any{"new", []byte("k")}},
	}
	if diff := cmp.Diff(want, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestLookupWrapsCursorErrors(t *testing.T) {
	boom := errors.New("execute failed")
	v := mustNew(t, "lookup", lkpParams(), Env{}).(Lookup)
	err := v.Create(t.Context(), &fakeCursor{replies: []reply{{err: boom}}}, [][]any{{int64(1)}}, [][]byte{[]byte("k")}, false)
	if !errors.Is(err, boom) || err.Error() != `vindex "lookup_vdx": lookup: create: execute failed` {
		t.Errorf("Create error = %v", err)
	}
	_, err = v.(SingleColumn).Map(t.Context(), &fakeCursor{replies: []reply{{err: boom}}}, []any{int64(1)})
	if !errors.Is(err, boom) || err.Error() != `vindex "lookup_vdx": lookup: map: execute failed` {
		t.Errorf("Map error = %v", err)
	}
	_, err = v.(SingleColumn).Map(t.Context(), nil, []any{int64(1)})
	if err == nil || err.Error() != `vindex "lookup_vdx": lookup: cannot look up values without a cursor` {
		t.Errorf("Map(nil cursor) error = %v", err)
	}
}

// lookup_hash stores the hash vindex's number for a keyspace id, and turns
// the stored numbers back into keyspace ids.
func TestLookupHashStoresHashNumbers(t *testing.T) {
	v := mustNew(t, "lookup_hash", lkpParams(), Env{})
	c := &fakeCursor{replies: []reply{{rows: rowsOf(
		[2]any{int64(10), int64(1)},
		[2]any{int64(10), []byte("2")},
		[2]any{int64(10), "not a number"},
		[2]any{int64(20), "garbage"},
	)}}}
	got := mapValues(t, v, c, int64(10), int64(20))
	want := []key.Destination{
		key.DestinationKeyspaceIDs{unhex("166b40b44aba4bd6"), unhex("06e7ea22ce92708f")},
		key.DestinationNone{},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}

	lu := mustNew(t, "lookup_hash_unique", lkpParams(), Env{})
	c = &fakeCursor{}
	if err := lu.(Lookup).Create(t.Context(), c, [][]any{{int64(10)}, {int64(20)}}, [][]byte{unhex("166b40b44aba4bd6"), unhex("355550b2150e2451")}, false); err != nil {
		t.Fatal(err)
	}
	if err := lu.(Lookup).Delete(t.Context(), c, [][]any{{int64(10)}}, unhex("166b40b44aba4bd6")); err != nil {
		t.Fatal(err)
	}
	if _, err := lu.(SingleColumn).Verify(t.Context(), c, []any{int64(10)}, [][]byte{unhex("06e7ea22ce92708f")}); err != nil {
		t.Fatal(err)
	}
	wantCalls := []call{
		{Via: "Exec", SQL: "insert into `t`(`fromc`, `toc`) values (?, ?), (?, ?)", Args: []any{int64(10), int64(1), int64(20), uint64(18446744073709551615)}},
		{Via: "Exec", SQL: "delete from `t` where `fromc` = ? and `toc` = ?", Args: []any{int64(10), int64(1)}},
		{Via: "Query", SQL: "select `fromc` from `t` where `fromc` = ? and `toc` = ?", Args: []any{int64(10), int64(2)}},
	}
	if diff := cmp.Diff(wantCalls, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	err := lu.(Lookup).Create(t.Context(), c, [][]any{{int64(1)}}, [][]byte{[]byte("short")}, false)
	if want := `vindex "lookup_hash_unique_vdx": lookup_hash_unique: create: invalid keyspace id: 73686f7274 (a hash keyspace id is 8 bytes)`; err == nil || err.Error() != want {
		t.Errorf("Create(5-byte ksid) error = %v, want %s", err, want)
	}
}

func TestNewReportsLookupParamErrors(t *testing.T) {
	tests := []struct {
		typ    string
		params map[string]string
		want   string
	}{
		{"lookup", map[string]string{"from": "f", "to": "t"}, `vindex "v": lookup: missing param "table"`},
		{"lookup_unique", map[string]string{"table": "t", "to": "t"}, `vindex "v": lookup_unique: missing param "from"`},
		{"lookup_hash", map[string]string{"table": "t", "from": "f"}, `vindex "v": lookup_hash: missing param "to"`},
		{"lookup", map[string]string{"table": " ", "from": "f", "to": "t"}, `vindex "v": lookup: param "table" is empty`},
		{"lookup", lkpParams("write_only", "yes"), `vindex "v": lookup: param "write_only" must be "true" or "false", not "yes"`},
		{"lookup", lkpParams("autocommit", "1"), `vindex "v": lookup: param "autocommit" must be "true" or "false", not "1"`},
		{"lookup", lkpParams("read_lock", "update"), `vindex "v": lookup: param "read_lock" must be "exclusive", "shared" or "none", not "update"`},
		{"lookup", lkpParams("from", "a,,b"), `vindex "v": lookup: param "from" holds an empty column name`},
		{"lookup", lkpParams("to", "k`; drop"), "vindex \"v\": lookup: param \"to\": \"k`; drop\" is not a column name"},
		{"lookup", lkpParams("table", "a.b.c"), `vindex "v": lookup: param "table": "a.b.c" is not a table name`},
		{"lookup", lkpParams("rear_lock", "none"), `vindex "v": lookup: unknown param "rear_lock"`},
		{"consistent_lookup", lkpParams("autocommit", "true"), `vindex "v": consistent_lookup: unknown param "autocommit"`},
		{"consistent_lookup_unique", lkpParams("no_verify", "true"), `vindex "v": consistent_lookup_unique: unknown param "no_verify"`},
	}
	for _, tt := range tests {
		_, err := New("v", tt.typ, tt.params, Env{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("New(%s, %v) error:\n got %v\nwant %s", tt.typ, tt.params, err, tt.want)
		}
	}
	v := mustNew(t, "lookup", lkpParams("table", "lookup_ks.name_idx", "from", "name"), Env{})
	c := &fakeCursor{}
	mapValues(t, v, c, "x")
	if diff := cmp.Diff("Query select `name`, `toc` from `lookup_ks`.`name_idx` where `name` in (?)\n", sqlOf(c.calls)); diff != "" {
		t.Errorf("qualified table (-want +got):\n%s", diff)
	}
}
