package vitessdo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/vindex"
)

// vindexCase is a table sharded by one vindex type and the values its rows
// take.
type vindexCase struct {
	typ     string
	params  string // JSON object, "" for none
	colType string
	values  []any
}

var vindexShards = []string{"-40", "40-80", "80-c0", "c0-"}

func vindexCases(dir string) []vindexCase {
	ints := []any{int64(1), int64(0), int64(-1), int64(4), int64(100), int64(1000), int64(123456789), int64(42)}
	strs := []any{"alpha", "Beta", "gamma", "Δέλτα", "e", "", "Zeta ", "ümlaut"}
	return []vindexCase{
		{typ: "hash", colType: "BIGINT", values: ints},
		{typ: "xxhash", colType: "BIGINT", values: ints},
		{typ: "numeric", colType: "BIGINT", values: []any{int64(1), int64(0), int64(4), int64(100), int64(1000)}},
		{typ: "reverse_bits", colType: "BIGINT", values: []any{int64(1), int64(0), int64(4), int64(100), int64(1000)}},
		{typ: "null", colType: "BIGINT", values: ints},
		{typ: "unicode_loose_md5", colType: "VARCHAR(32)", values: strs},
		{typ: "unicode_loose_xxhash", colType: "VARCHAR(32)", values: strs},
		{typ: "binary_md5", colType: "VARCHAR(32)", values: strs},
		{typ: "binary", colType: "VARBINARY(16)", values: []any{[]byte("\x10abc"), []byte("\x50x"), []byte("\x90yz"), []byte("\xd0w")}},
		{typ: "numeric_static_map", colType: "BIGINT", params: `{"json_path": "` + filepath.Join(dir, "map.json") + `"}`, values: []any{int64(1), int64(2), int64(3), int64(7)}},
		{typ: "consistent_hash", colType: "BIGINT", values: ints},
		{typ: "range", colType: "BIGINT", params: `{"ranges": [{"from": -1000, "to": 0, "shard": "-40"}, {"from": 0, "to": 10, "shard": "40-80"}, {"from": 10, "to": 500, "shard": "80-c0"}, {"from": 500, "to": 1000000000, "shard": "c0-"}]}`, values: ints},
	}
}

// expectedShard maps a value through the vindex the way Vitess does and
// returns the shard whose key range holds it.
func expectedShard(t *testing.T, v vindex.Vindex, val any) string {
	t.Helper()
	dests, err := v.(vindex.SingleColumn).Map(context.Background(), nil, []any{val})
	if err != nil {
		t.Fatalf("%s.Map(%v): %v", v, val, err)
	}
	switch d := dests[0].(type) {
	case key.DestinationKeyspaceID:
		for _, sh := range vindexShards {
			kr, _ := key.ParseKeyRange(sh)
			if kr.Contains(d) {
				return sh
			}
		}
	case key.DestinationShard:
		return string(d)
	}
	t.Fatalf("%s.Map(%v) = %v", v, val, dests[0])
	return ""
}

func TestEveryFunctionalVindexPlacesRowsOnTheShardItsKeyspaceIDNames(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "map.json"), []byte(`{"1": 1, "2": 9223372036854775808, "3": 4611686018427387904, "7": 13835058055282163712}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := vindexCases(dir)
	var vindexes, tables []string
	for _, c := range cases {
		name := c.typ + "_v"
		params := ""
		if c.params != "" {
			params = `, "params": ` + c.params
		}
		vindexes = append(vindexes, fmt.Sprintf(`%q: {"type": %q%s}`, name, c.typ, params))
		tables = append(tables, fmt.Sprintf(`"t_%s": {"column_vindexes": [{"column": "k", "name": %q}]}`, c.typ, name))
	}
	vschema := `{"keyspaces": {"vx": {"sharded": true, "shards": ["-40", "40-80", "80-c0", "c0-"],
		"vindexes": {` + strings.Join(vindexes, ",") + `}, "tables": {` + strings.Join(tables, ",") + `}}}}`
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, vschema)
		ctx := context.Background()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for _, c := range cases {
			t.Run(c.typ, func(t *testing.T) {
				v, err := vindex.New(c.typ+"_v", c.typ, paramsOf(t, c.params), vindex.Env{Keyspace: "vx", Shards: vindexShards})
				if err != nil {
					t.Fatal(err)
				}
				table := "t_" + c.typ
				if _, err := conn.ExecContext(ctx, "USE vx"); err != nil {
					t.Fatal(err)
				}
				if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (k %s NOT NULL PRIMARY KEY, n INT)", table, c.colType)); err != nil {
					t.Fatal(err)
				}
				want := map[string][]string{}
				for i, val := range c.values {
					if _, err := conn.ExecContext(ctx, "INSERT INTO "+table+" (k, n) VALUES (?, ?)", val, i); err != nil {
						t.Fatalf("insert %v: %v", val, err)
					}
					sh := expectedShard(t, v, val)
					want[sh] = append(want[sh], fmt.Sprint(i))
					// A point query finds the row on that one shard.
					var n int
					if err := conn.QueryRowContext(ctx, "SELECT n FROM "+table+" WHERE k = ?", val).Scan(&n); err != nil || n != i {
						t.Errorf("point query for %v: n = %d, %v", val, n, err)
					}
					if got := explain(t, db, "SELECT n FROM "+table+" WHERE k = ?", val); len(got) != 1 || got[0] != "vx/"+sh {
						t.Errorf("point query for %v reaches %v, want vx/%s", val, got, sh)
					}
				}
				got := map[string][]string{}
				for _, sh := range vindexShards {
					if _, err := conn.ExecContext(ctx, "USE `vx:"+sh+"`"); err != nil {
						t.Fatal(err)
					}
					rows, err := conn.QueryContext(ctx, "SELECT n FROM "+table)
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						var n int
						rows.Scan(&n)
						got[sh] = append(got[sh], fmt.Sprint(n))
					}
					rows.Close()
					sort.Strings(got[sh])
					sort.Strings(want[sh])
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("rows per shard (-keyspace ids say +stored):\n%s", diff)
				}
			})
		}
	})
}

func paramsOf(t *testing.T, js string) map[string]string {
	t.Helper()
	if js == "" {
		return nil
	}
	out := map[string]string{}
	// The test params are flat: decode values as the loader does.
	var raw map[string]any
	if err := jsonUnmarshal(js, &raw); err != nil {
		t.Fatal(err)
	}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		b, _ := jsonMarshal(v)
		out[k] = string(b)
	}
	return out
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
func jsonMarshal(v any) ([]byte, error)   { return json.Marshal(v) }
