package vschema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadVSchemaForms(t *testing.T) {
	multi := `{"keyspaces": {
		"main": {"tables": {"seq": {"type": "sequence"}}},
		"app": {
			"sharded": true,
			"shards": {"80-": "sqlite:b.db", "-80": "sqlite:a.db"},
			"vindexes": {"hash": {"type": "hash"}},
			"tables": {
				"Users": {"column_vindexes": [{"column": "ID", "name": "hash"}], "auto_increment": {"column": "id", "sequence": "seq"}},
				"ref": {"type": "reference"},
				"pin": {"pinned": "80"}
			}
		}
	}}`
	vs, err := Load(Source{File: "v.json", Data: []byte(multi)})
	if err != nil {
		t.Fatal(err)
	}
	app := vs.Keyspace("app")
	if diff := cmp.Diff([]string{"-80", "80-"}, app.Shards); diff != "" {
		t.Errorf("shards (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"-80": "sqlite:a.db", "80-": "sqlite:b.db"}, app.ShardURLs); diff != "" {
		t.Errorf("shard URLs (-want +got):\n%s", diff)
	}
	users, err := vs.FindTable("", "users", "")
	if err != nil {
		t.Fatal(err)
	}
	if users.Primary().Columns[0] != "id" || users.AutoIncrement.Sequence.Name != "seq" || !users.IsSharded() {
		t.Errorf("users = %+v", users)
	}
	if pin := app.Tables["pin"]; pin.IsSharded() || pin.Pinned[0] != 0x80 {
		t.Errorf("pinned table = %+v", pin)
	}
	if main := vs.Keyspace("main"); main.Sharded || len(main.Shards) != 1 || main.Shards[0] != "0" {
		t.Errorf("main = %+v", main)
	}

	single := `{"sharded": true, "shards": ["-"], "vindexes": {"h": {"type": "xxhash"}}, "tables": {"t": {"column_vindexes": [{"column": "k", "name": "h"}]}}}`
	vs, err = Load(Source{Data: []byte(single), Keyspace: "one"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vs.FindTable("one", "t", ""); err != nil {
		t.Error(err)
	}
}

func TestLoadVSchemaErrors(t *testing.T) {
	tests := []struct {
		name, json, keyspace, want string
	}{
		{"not json", `{`, "", `vschema v.json: not a JSON object: unexpected end of JSON input (at byte 1)`},
		{"single form without keyspace", `{"sharded": false}`, "", `vschema v.json: a single-keyspace vschema needs the keyspace name: add keyspace=NAME to the dsn`},
		{"dsn keyspace missing", `{"keyspaces": {"a": {}}}`, "b", `vschema v.json: keyspace "b" (from the dsn) is not in the vschema`},
		{"extra top-level field", `{"keyspaces": {"a": {}}, "x": 1}`, "", `vschema v.json: a multi-keyspace vschema holds only "keyspaces"; found also "x"`},
		{"no keyspaces", `{"keyspaces": {}}`, "", `vschema v.json: keyspaces: no keyspaces`},
		{"unknown keyspace field", `{"keyspaces": {"a": {"shardd": true}}}`, "", `vschema v.json: keyspace "a": shardd: unknown field (known: sharded, vindexes, tables, shards)`},
		{"sharded without shards", `{"keyspaces": {"a": {"sharded": true}}}`, "", `vschema v.json: keyspace "a": shards: a sharded keyspace needs its shards: add "shards": ["-80", "80-"] or shard= entries to the dsn`},
		{"gap", `{"keyspaces": {"a": {"sharded": true, "shards": ["-40", "80-"]}}}`, "", `vschema v.json: keyspace "a": shards: gap: no shard covers keyspace ids from 40 to 80 (between "-40" and "80-")`},
		{"overlap", `{"keyspaces": {"a": {"sharded": true, "shards": ["-80", "40-"]}}}`, "", `vschema v.json: keyspace "a": shards: overlap: shards "-80" and "40-"`},
		{"unsharded with two shards", `{"keyspaces": {"a": {"shards": ["-80", "80-"]}}}`, "", `vschema v.json: keyspace "a": shards: an unsharded keyspace has one shard (named 0 or -), not 2`},
		{"unknown vindex type", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "vindexes": {"v": {"type": "hsh"}}}}}`, "", `vschema v.json: keyspace "a": vindex "v": unknown type "hsh"`},
		{"vindex without type", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "vindexes": {"v": {}}}}}`, "", `vschema v.json: keyspace "a": vindex "v": type: missing`},
		{"bad vindex param", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "vindexes": {"v": {"type": "lookup", "params": {"from": "x", "to": "y"}}}}}}`, "", `vschema v.json: keyspace "a": vindex "v": lookup: missing param "table"`},
		{"no primary vindex", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "tables": {"t": {}}}}}`, "", `vschema v.json: keyspace "a": table "t": column_vindexes: a table in a sharded keyspace needs a primary vindex (or "type": "reference")`},
		{"undefined vindex", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "tables": {"t": {"column_vindexes": [{"column": "id", "name": "nope"}]}}}}}`, "", `vschema v.json: keyspace "a": table "t": vindex "nope": column_vindexes[0]: vindex is not defined in the keyspace's vindexes`},
		{"column vindex without column", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "vindexes": {"h": {"type": "hash"}}, "tables": {"t": {"column_vindexes": [{"name": "h"}]}}}}}`, "", `vschema v.json: keyspace "a": table "t": vindex "h": column_vindexes[0]: missing column`},
		{"non-unique primary", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "vindexes": {"l": {"type": "lookup", "params": {"table": "x", "from": "a", "to": "b"}}}, "tables": {"t": {"column_vindexes": [{"column": "id", "name": "l"}]}}}}}`, "", `vschema v.json: keyspace "a": table "t": vindex "l": column_vindexes[0]: the primary vindex must be unique`},
		{"owner missing", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "vindexes": {"h": {"type": "hash"}, "l": {"type": "lookup_unique", "params": {"table": "x", "from": "a", "to": "b"}, "owner": "ghost"}}}}}`, "", `vschema v.json: keyspace "a": vindex "l": owner: owner table "ghost" is not in keyspace "a"`},
		{"sequence missing", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "vindexes": {"h": {"type": "hash"}}, "tables": {"t": {"column_vindexes": [{"column": "id", "name": "h"}], "auto_increment": {"column": "id", "sequence": "s"}}}}}}`, "", `vschema v.json: keyspace "a": table "t": auto_increment.sequence: sequence "s" is not a table of "type": "sequence" in any keyspace`},
		{"sequence in sharded keyspace", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "tables": {"s": {"type": "sequence"}}}}}`, "", `vschema v.json: keyspace "a": table "s": type: a sequence table must be in an unsharded keyspace`},
		{"unknown table type", `{"keyspaces": {"a": {"tables": {"t": {"type": "view"}}}}}`, "", `vschema v.json: keyspace "a": table "t": type: unknown table type "view" (want reference or sequence, or none)`},
		{"unknown table field", `{"keyspaces": {"a": {"tables": {"t": {"colum_vindexes": []}}}}}`, "", `vschema v.json: keyspace "a": table "t": colum_vindexes: unknown field (known: type, column_vindexes, auto_increment, columns, pinned)`},
		{"vindex in unsharded keyspace", `{"keyspaces": {"a": {"vindexes": {"h": {"type": "hash"}}, "tables": {"t": {"column_vindexes": [{"column": "id", "name": "h"}]}}}}}`, "", `vschema v.json: keyspace "a": table "t": column_vindexes: a table in an unsharded keyspace has no vindexes`},
		{"duplicate table", `{"keyspaces": {"a": {"tables": {"t": {}, "T": {}}}}}`, "", `vschema v.json: keyspace "a": table "t": listed twice (as "T" and "t"; table names are case-insensitive)`},
		{"bad pinned", `{"keyspaces": {"a": {"sharded": true, "shards": ["-"], "tables": {"t": {"pinned": "xyz"}}}}}`, "", `vschema v.json: keyspace "a": table "t": pinned: "xyz" is not a keyspace id in hexadecimal`},
		{"bad keyspace name", `{"keyspaces": {"a/b": {}}}`, "", `vschema v.json: keyspace "a/b": keyspace names may not contain '/', ':', '.', '[', ']', '` + "`" + `' or spaces`},
		{"auto_increment without sequence", `{"keyspaces": {"a": {"tables": {"t": {"auto_increment": {"column": "id"}}}}}}`, "", `vschema v.json: keyspace "a": table "t": auto_increment: needs both column and sequence`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(Source{File: "v.json", Data: []byte(tt.json), Keyspace: tt.keyspace})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error:\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestFindTable(t *testing.T) {
	vs, err := Load(Source{Data: []byte(`{"keyspaces": {
		"u1": {"tables": {"dup": {}, "only1": {}}},
		"u2": {"tables": {"dup": {}}},
		"s": {"sharded": true, "shards": ["-"], "vindexes": {"h": {"type": "hash"}}, "tables": {"t": {"column_vindexes": [{"column": "id", "name": "h"}]}}}
	}}`)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		qual, name, def string
		want, err       string
	}{
		{name: "T", want: "s.t"},
		{name: "only1", want: "u1.only1"},
		{name: "dup", err: `vitessdo: table "dup" is ambiguous: it is in u1.dup and u2.dup; qualify it as keyspace.table or USE a keyspace`},
		{name: "dup", def: "u2", want: "u2.dup"},
		{qual: "u1", name: "dup", want: "u1.dup"},
		{qual: "u1", name: "unlisted", want: "u1.unlisted"},
		{qual: "s", name: "unlisted", err: `vitessdo: table "unlisted" not found in sharded keyspace "s": a sharded keyspace's tables must be listed in its vschema`},
		{qual: "nope", name: "t", err: `vitessdo: keyspace "nope" not found in the vschema (keyspaces: s, u1, u2)`},
		{name: "unlisted", err: `vitessdo: table "unlisted" not found in any keyspace of the vschema`},
		{name: "unlisted", def: "u2", want: "u2.unlisted"},
	}
	for _, tt := range tests {
		got, err := vs.FindTable(tt.qual, tt.name, tt.def)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("FindTable(%q, %q, %q) error = %v, want %s", tt.qual, tt.name, tt.def, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("FindTable(%q, %q, %q) = %v, %v; want %s", tt.qual, tt.name, tt.def, got, err, tt.want)
		}
	}
}

func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		`{"keyspaces": {"a": {"sharded": true, "shards": ["-80", "80-"], "vindexes": {"h": {"type": "hash"}}, "tables": {"t": {"column_vindexes": [{"column": "id", "name": "h"}]}}}}}`,
		`{"sharded": false, "tables": {"s": {"type": "sequence"}}}`,
		`{"keyspaces": {"a": {"vindexes": {"l": {"type": "lookup", "params": {"table": "x", "from": "a", "to": "b"}, "owner": "t"}}}}}`,
		`[]`, `null`, `{"keyspaces": null}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		vs, err := Load(Source{File: "f.json", Data: []byte(data), Keyspace: "ks"})
		if err != nil {
			return
		}
		for _, ks := range vs.KeyspaceNames() {
			for name := range vs.Keyspace(ks).Tables {
				if _, err := vs.FindTable(ks, name, ""); err != nil {
					t.Fatalf("table %s.%s listed but not found: %v", ks, name, err)
				}
			}
		}
	})
}
