package vindex

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

// newConsistent builds a consistent lookup on t(fromc1, fromc2, toc) owned
// by user(c1, c2) in keyspace ks.
func newConsistent(t *testing.T, typ string) Lookup {
	t.Helper()
	v := mustNew(t, typ, map[string]string{"table": "t", "from": "fromc1,fromc2", "to": "toc", "owner": "user"}, Env{Keyspace: "ks"})
	if err := v.(WantOwnerInfo).SetOwnerInfo("ks", "user", []string{"c1", "c2"}); err != nil {
		t.Fatal(err)
	}
	return v.(Lookup)
}

var duplicate = errors.New("Error 1062 (23000): Duplicate entry '1-2' for key 'PRIMARY'")

func TestConsistentLookupCreateInsertsBeforeTheOwner(t *testing.T) {
	v := newConsistent(t, "consistent_lookup")
	c := &sessionCursor{}
	if err := v.Create(t.Context(), c, [][]any{{int64(1), int64(2)}, {int64(3), int64(4)}}, [][]byte{[]byte("k1"), []byte("k2")}, false); err != nil {
		t.Fatal(err)
	}
	want := []call{{Via: "ExecOrder", Order: "pre", SQL: "insert into `t`(`fromc1`, `fromc2`, `toc`) values (?, ?, ?), (?, ?, ?)",
		Args: []any{int64(1), int64(2), []byte("k1"), int64(3), int64(4), []byte("k2")}}}
	if diff := cmp.Diff(want, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestConsistentLookupTakesOverADanglingRow(t *testing.T) {
	tests := []struct {
		name    string
		replies []reply
		want    []call
		wantErr string
	}{{
		name:    "the row is gone by now: insert it",
		replies: []reply{{err: duplicate}, {}, {}},
		want: []call{
			{Via: "QueryOrder", Order: "pre", SQL: "select `toc` from `t` where `fromc1` = ? and `fromc2` = ? for update", Args: []any{int64(1), int64(2)}},
			{Via: "ExecOrder", Order: "pre", SQL: "insert into `t`(`fromc1`, `fromc2`, `toc`) values (?, ?, ?)", Args: []any{int64(1), int64(2), []byte("new")}},
		},
	}, {
		name:    "the owner row is gone: point the lookup row at the new row",
		replies: []reply{{err: duplicate}, {rows: [][]any{{[]byte("old")}}}, {}, {}},
		want: []call{
			{Via: "QueryOrder", Order: "pre", SQL: "select `toc` from `t` where `fromc1` = ? and `fromc2` = ? for update", Args: []any{int64(1), int64(2)}},
			{Via: "QueryKeyspaceID", Order: "ks/6f6c64", SQL: "select `c1` from `user` where `c1` = ? and `c2` = ? lock in share mode", Args: []any{int64(1), int64(2)}},
			{Via: "ExecOrder", Order: "pre", SQL: "update `t` set `toc` = ? where `fromc1` = ? and `fromc2` = ?", Args: []any{[]byte("new"), int64(1), int64(2)}},
		},
	}, {
		name:    "the lookup row already points at the row",
		replies: []reply{{err: duplicate}, {rows: [][]any{{[]byte("new")}}}, {}},
		want: []call{
			{Via: "QueryOrder", Order: "pre", SQL: "select `toc` from `t` where `fromc1` = ? and `fromc2` = ? for update", Args: []any{int64(1), int64(2)}},
			{Via: "QueryKeyspaceID", Order: "ks/6e6577", SQL: "select `c1` from `user` where `c1` = ? and `c2` = ? lock in share mode", Args: []any{int64(1), int64(2)}},
		},
	}, {
		name:    "the owner row lives: a true duplicate",
		replies: []reply{{err: duplicate}, {rows: [][]any{{[]byte("old")}}}, {rows: [][]any{{int64(1)}}}},
		want: []call{
			{Via: "QueryOrder", Order: "pre", SQL: "select `toc` from `t` where `fromc1` = ? and `fromc2` = ? for update", Args: []any{int64(1), int64(2)}},
			{Via: "QueryKeyspaceID", Order: "ks/6f6c64", SQL: "select `c1` from `user` where `c1` = ? and `c2` = ? lock in share mode", Args: []any{int64(1), int64(2)}},
		},
		wantErr: `vindex "consistent_lookup_unique_vdx": consistent_lookup_unique: duplicate key: (1, 2) is already in user`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newConsistent(t, "consistent_lookup_unique")
			c := &sessionCursor{fakeCursor: fakeCursor{replies: tt.replies}}
			err := v.Create(t.Context(), c, [][]any{{int64(1), int64(2)}}, [][]byte{[]byte("new")}, false)
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrDuplicateKey) || !IsDuplicateKey(err) {
					t.Errorf("Create error = %v, want %s wrapping ErrDuplicateKey", err, tt.wantErr)
				}
			}
			if diff := cmp.Diff(tt.want, c.calls[1:]); diff != "" {
				t.Errorf("calls after the failed insert (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConsistentLookupRecognisesEachBackendsDuplicateError(t *testing.T) {
	for _, msg := range []string{
		"Duplicate entry '1' for key 'PRIMARY'",
		"constraint failed: UNIQUE constraint failed: t.fromc (2067)",
		`ERROR: duplicate key value violates unique constraint "t_pkey" (SQLSTATE 23505)`,
	} {
		if !IsDuplicateKey(errors.New(msg)) {
			t.Errorf("IsDuplicateKey(%q) = false", msg)
		}
	}
	if IsDuplicateKey(errors.New("no such table: t")) || IsDuplicateKey(nil) {
		t.Error("IsDuplicateKey accepts other errors")
	}
	v := newConsistent(t, "consistent_lookup")
	other := errors.New("no such table: t")
	c := &sessionCursor{fakeCursor: fakeCursor{replies: []reply{{err: other}}}}
	if err := v.Create(t.Context(), c, [][]any{{int64(1), int64(2)}}, [][]byte{[]byte("k")}, false); !errors.Is(err, other) || len(c.calls) != 1 {
		t.Errorf("Create with a non-duplicate error = %v after %d calls, want that error at once", err, len(c.calls))
	}
}

func TestConsistentLookupDeletesAfterTheOwnerAndUpdatesOnChange(t *testing.T) {
	v := newConsistent(t, "consistent_lookup")
	c := &sessionCursor{}
	if err := v.Delete(t.Context(), c, [][]any{{int64(1), int64(2)}}, []byte("k")); err != nil {
		t.Fatal(err)
	}
	if err := v.Update(t.Context(), c, []any{int64(1), "x"}, []byte("k"), []any{uint64(1), []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if err := v.Update(t.Context(), c, []any{int64(1), "x"}, []byte("k"), []any{int64(1), "y"}); err != nil {
		t.Fatal(err)
	}
	want := []call{
		{Via: "ExecOrder", Order: "post", SQL: "delete from `t` where `fromc1` = ? and `fromc2` = ? and `toc` = ?", Args: []any{int64(1), int64(2), []byte("k")}},
		// The first Update changes nothing and sends nothing.
		{Via: "ExecOrder", Order: "post", SQL: "delete from `t` where `fromc1` = ? and `fromc2` = ? and `toc` = ?", Args: []any{int64(1), "x", []byte("k")}},
		{Via: "ExecOrder", Order: "pre", SQL: "insert into `t`(`fromc1`, `fromc2`, `toc`) values (?, ?, ?)", Args: []any{int64(1), "y", []byte("k")}},
	}
	if diff := cmp.Diff(want, c.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestConsistentLookupReadsInThePreCommitTransaction(t *testing.T) {
	v := newConsistent(t, "consistent_lookup").(SingleColumn)
	c := &sessionCursor{fakeCursor: fakeCursor{replies: []reply{{rows: rowsOf([2]any{int64(1), []byte("k1")}, [2]any{int64(1), []byte("k2")})}}}}
	got, err := v.Map(t.Context(), c, []any{int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]key.Destination{key.DestinationKeyspaceIDs{[]byte("k1"), []byte("k2")}}, got); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("QueryOrder(pre) select `fromc1`, `toc` from `t` where `fromc1` in (?)\n", sqlOf(c.calls)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestConsistentLookupNeedsSessionsAndOwnerInfo(t *testing.T) {
	v := newConsistent(t, "consistent_lookup")
	err := v.Create(t.Context(), &fakeCursor{}, [][]any{{int64(1), int64(2)}}, [][]byte{[]byte("k")}, false)
	if want := `vindex "consistent_lookup_vdx": consistent_lookup: create: a consistent lookup needs a cursor that implements vindex.SessionCursor`; err == nil || err.Error() != want {
		t.Errorf("Create with a plain Cursor: %v, want %s", err, want)
	}
	err = v.Delete(t.Context(), &fakeCursor{}, [][]any{{int64(1), int64(2)}}, []byte("k"))
	if want := `vindex "consistent_lookup_vdx": consistent_lookup: delete: a consistent lookup needs a cursor that implements vindex.SessionCursor`; err == nil || err.Error() != want {
		t.Errorf("Delete with a plain Cursor: %v, want %s", err, want)
	}

	unowned := mustNew(t, "consistent_lookup", map[string]string{"table": "t", "from": "f", "to": "toc"}, Env{})
	err = unowned.(WantOwnerInfo).SetOwnerInfo("ks", "user", []string{"a", "b"})
	if want := `vindex "consistent_lookup_vdx": consistent_lookup: owner table user has 2 columns for this vindex, the lookup has 1 "from" columns`; err == nil || err.Error() != want {
		t.Errorf("SetOwnerInfo error = %v, want %s", err, want)
	}
	c := &sessionCursor{fakeCursor: fakeCursor{replies: []reply{{err: duplicate}, {rows: [][]any{{[]byte("old")}}}}}}
	err = unowned.(Lookup).Create(t.Context(), c, [][]any{{"v"}}, [][]byte{[]byte("k")}, false)
	if want := `vindex "consistent_lookup_vdx": consistent_lookup: create: value "v" is taken and the owner table is unknown (SetOwnerInfo was not called)`; err == nil || err.Error() != want {
		t.Errorf("Create without owner info: %v, want %s", err, want)
	}
}

// In ignore mode (INSERT IGNORE or ON DUPLICATE KEY UPDATE of the owner)
// the batch is still a plain INSERT, so a dangling row is taken over
// rather than ignored, and a value a live owner row holds is left alone
// without an error: the router's Verify then finds it maps elsewhere.
func TestConsistentLookupIgnoreModeTakesOverDanglingRowsAndSkipsLiveOnes(t *testing.T) {
	tests := []struct {
		name    string
		replies []reply
		want    []call
	}{{
		name:    "dangling: taken over",
		replies: []reply{{err: duplicate}, {rows: [][]any{{[]byte("old")}}}, {}, {}},
		want: []call{
			{Via: "QueryOrder", Order: "pre", SQL: "select `toc` from `t` where `fromc1` = ? and `fromc2` = ? for update", Args: []any{int64(1), int64(2)}},
			{Via: "QueryKeyspaceID", Order: "ks/6f6c64", SQL: "select `c1` from `user` where `c1` = ? and `c2` = ? lock in share mode", Args: []any{int64(1), int64(2)}},
			{Via: "ExecOrder", Order: "pre", SQL: "update `t` set `toc` = ? where `fromc1` = ? and `fromc2` = ?", Args: []any{[]byte("new"), int64(1), int64(2)}},
		},
	}, {
		name:    "live owner: left alone, no error",
		replies: []reply{{err: duplicate}, {rows: [][]any{{[]byte("old")}}}, {rows: [][]any{{int64(1)}}}},
		want: []call{
			{Via: "QueryOrder", Order: "pre", SQL: "select `toc` from `t` where `fromc1` = ? and `fromc2` = ? for update", Args: []any{int64(1), int64(2)}},
			{Via: "QueryKeyspaceID", Order: "ks/6f6c64", SQL: "select `c1` from `user` where `c1` = ? and `c2` = ? lock in share mode", Args: []any{int64(1), int64(2)}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newConsistent(t, "consistent_lookup_unique")
			c := &sessionCursor{fakeCursor: fakeCursor{replies: tt.replies}}
			if err := v.Create(t.Context(), c, [][]any{{int64(1), int64(2)}}, [][]byte{[]byte("new")}, true); err != nil {
				t.Fatalf("Create in ignore mode: %v", err)
			}
			if c.calls[0].SQL != "insert into `t`(`fromc1`, `fromc2`, `toc`) values (?, ?, ?)" {
				t.Errorf("first statement %q, want a plain INSERT", c.calls[0].SQL)
			}
			if diff := cmp.Diff(tt.want, c.calls[1:]); diff != "" {
				t.Errorf("calls after the failed insert (-want +got):\n%s", diff)
			}
		})
	}
}
