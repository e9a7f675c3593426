package vschema

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/vindex"
)

// Source is what Load reads.
type Source struct {
	// File names the VSchema in errors; it is not read.
	File string
	// Data is the VSchema JSON, in Vitess's multi-keyspace form
	// ({"keyspaces": {...}}) or single-keyspace form ({"sharded": …}).
	Data []byte
	// Keyspace names the keyspace of a single-keyspace VSchema.
	Keyspace string
	// Dir is where relative vindex files (numeric_static_map) resolve.
	Dir string
	// ExtraShards adds shard names per keyspace, such as shards the DSN
	// names that the VSchema does not.
	ExtraShards map[string][]string
}

// Fields Vitess defines that vitessdo accepts and does not use. Any other
// unknown field is an error, so typos do not pass silently.
var (
	ignoredKeyspaceFields = map[string]bool{"require_explicit_routing": true, "foreign_key_mode": true, "multi_tenant_spec": true}
	ignoredTableFields    = map[string]bool{"column_list_authoritative": true, "source": true}
)

// Load parses and validates a VSchema and creates its vindexes.
func Load(src Source) (*VSchema, error) {
	top, err := decodeObject(src.Data)
	if err != nil {
		return nil, &VSchemaError{File: src.File, Msg: "not a JSON object: " + jsonMsg(err)}
	}
	keyspaces := map[string]json.RawMessage{}
	if raw, ok := top["keyspaces"]; ok {
		if len(top) != 1 {
			return nil, &VSchemaError{File: src.File, Msg: `a multi-keyspace vschema holds only "keyspaces"; found also ` + strings.Join(otherKeys(top, "keyspaces"), ", ")}
		}
		if keyspaces, err = decodeObject(raw); err != nil {
			return nil, &VSchemaError{File: src.File, Field: "keyspaces", Msg: jsonMsg(err)}
		}
		if len(keyspaces) == 0 {
			return nil, &VSchemaError{File: src.File, Field: "keyspaces", Msg: "no keyspaces"}
		}
		if src.Keyspace != "" {
			if _, ok := keyspaces[src.Keyspace]; !ok {
				return nil, &VSchemaError{File: src.File, Msg: fmt.Sprintf("keyspace %q (from the dsn) is not in the vschema", src.Keyspace)}
			}
		}
	} else {
		if src.Keyspace == "" {
			return nil, &VSchemaError{File: src.File, Msg: "a single-keyspace vschema needs the keyspace name: add keyspace=NAME to the dsn"}
		}
		keyspaces[src.Keyspace] = src.Data
	}

	v := &VSchema{File: src.File, Keyspaces: map[string]*Keyspace{}, byTable: map[string][]*Table{}}
	names := make([]string, 0, len(keyspaces))
	for n := range keyspaces {
		names = append(names, n)
	}
	sort.Strings(names)
	l := &loader{src: src, v: v}
	for _, n := range names {
		if err := l.keyspace(n, keyspaces[n]); err != nil {
			return nil, err
		}
	}
	for ks := range src.ExtraShards {
		if v.Keyspaces[ks] == nil {
			return nil, &VSchemaError{File: src.File, Msg: fmt.Sprintf("shard given for keyspace %q, which is not in the vschema", ks)}
		}
	}
	// Sequences and owners may name tables of other keyspaces: resolve
	// them once every keyspace is known.
	for _, n := range names {
		if err := l.links(v.Keyspaces[n]); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		for _, t := range sortedTables(v.Keyspaces[n]) {
			lname := strings.ToLower(t.Name)
			v.byTable[lname] = append(v.byTable[lname], t)
		}
	}
	return v, nil
}

type loader struct {
	src Source
	v   *VSchema
	// pending holds per table the raw fields resolved by links.
	pending map[*Table]pendingLinks
}

type pendingLinks struct {
	autoInc *rawAutoIncrement
	owners  map[string]string // vindex name → owner table
}

type rawColumnVindex struct {
	Column  string   `json:"column"`
	Columns []string `json:"columns"`
	Name    string   `json:"name"`
}

type rawAutoIncrement struct {
	Column   string `json:"column"`
	Sequence string `json:"sequence"`
}

func (l *loader) errf(ks, table, vdx, field, format string, args ...any) error {
	return &VSchemaError{File: l.src.File, Keyspace: ks, Table: table, Vindex: vdx, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (l *loader) keyspace(name string, raw json.RawMessage) error {
	if name == "" {
		return l.errf("", "", "", "keyspaces", "empty keyspace name")
	}
	if strings.ContainsAny(name, "/:.[]` ") {
		return l.errf(name, "", "", "", "keyspace names may not contain '/', ':', '.', '[', ']', '`' or spaces")
	}
	obj, err := decodeObject(raw)
	if err != nil {
		return l.errf(name, "", "", "", "not a JSON object: %s", jsonMsg(err))
	}
	ks := &Keyspace{Name: name, Vindexes: map[string]vindex.Vindex{}, Tables: map[string]*Table{}}
	for f := range obj {
		switch f {
		case "sharded", "vindexes", "tables", "shards":
		default:
			if !ignoredKeyspaceFields[f] {
				return l.errf(name, "", "", f, "unknown field (known: sharded, vindexes, tables, shards)")
			}
		}
	}
	if raw, ok := obj["sharded"]; ok {
		if err := json.Unmarshal(raw, &ks.Sharded); err != nil {
			return l.errf(name, "", "", "sharded", "want true or false")
		}
	}
	if err := l.shards(ks, obj["shards"]); err != nil {
		return err
	}
	if err := l.vindexes(ks, obj["vindexes"]); err != nil {
		return err
	}
	if err := l.tables(ks, obj["tables"]); err != nil {
		return err
	}
	l.v.Keyspaces[name] = ks
	return nil
}

func (l *loader) shards(ks *Keyspace, raw json.RawMessage) error {
	var names []string
	if raw != nil {
		trimmed := bytes.TrimSpace(raw)
		switch {
		case len(trimmed) > 0 && trimmed[0] == '[':
			if err := json.Unmarshal(raw, &names); err != nil {
				return l.errf(ks.Name, "", "", "shards", "want a list of shard names or an object from shard name to backend URL")
			}
		case len(trimmed) > 0 && trimmed[0] == '{':
			urls := map[string]string{}
			if err := json.Unmarshal(raw, &urls); err != nil {
				return l.errf(ks.Name, "", "", "shards", "want a list of shard names or an object from shard name to backend URL")
			}
			ks.ShardURLs = urls
			for n := range urls {
				names = append(names, n)
			}
		default:
			return l.errf(ks.Name, "", "", "shards", "want a list of shard names or an object from shard name to backend URL")
		}
	}
	for _, extra := range l.src.ExtraShards[ks.Name] {
		if !contains(names, extra) {
			names = append(names, extra)
		}
	}
	if len(names) == 0 {
		if ks.Sharded {
			return l.errf(ks.Name, "", "", "shards", `a sharded keyspace needs its shards: add "shards": ["-80", "80-"] or shard= entries to the dsn`)
		}
		names = []string{"0"}
	}
	if !ks.Sharded && len(names) > 1 {
		return l.errf(ks.Name, "", "", "shards", "an unsharded keyspace has one shard (named 0 or -), not %d", len(names))
	}
	sorted, ranges, err := key.Partition(names)
	if err != nil {
		return l.errf(ks.Name, "", "", "shards", "%v", err)
	}
	ks.Shards, ks.KeyRanges = sorted, ranges
	return nil
}

func (l *loader) vindexes(ks *Keyspace, raw json.RawMessage) error {
	if raw == nil {
		return nil
	}
	obj, err := decodeObject(raw)
	if err != nil {
		return l.errf(ks.Name, "", "", "vindexes", "not a JSON object: %s", jsonMsg(err))
	}
	env := vindex.Env{Keyspace: ks.Name, Shards: ks.Shards, Dir: l.src.Dir}
	for _, name := range sortedKeys(obj) {
		def, err := decodeObject(obj[name])
		if err != nil {
			return l.errf(ks.Name, "", name, "", "not a JSON object: %s", jsonMsg(err))
		}
		var typ string
		params := map[string]string{}
		for f, fv := range def {
			switch f {
			case "type":
				if err := json.Unmarshal(fv, &typ); err != nil {
					return l.errf(ks.Name, "", name, "type", "want a string")
				}
			case "params":
				ps, err := decodeObject(fv)
				if err != nil {
					return l.errf(ks.Name, "", name, "params", "not a JSON object: %s", jsonMsg(err))
				}
				for p, pv := range ps {
					params[p] = paramString(pv)
				}
			case "owner":
				var owner string
				if err := json.Unmarshal(fv, &owner); err != nil {
					return l.errf(ks.Name, "", name, "owner", "want a table name")
				}
				if owner != "" {
					params["owner"] = owner
				}
			default:
				return l.errf(ks.Name, "", name, f, "unknown field (known: type, params, owner)")
			}
		}
		if typ == "" {
			return l.errf(ks.Name, "", name, "type", "missing")
		}
		vdx, err := vindex.New(name, typ, params, env)
		if err != nil {
			// The vindex's error names it.
			return l.errf(ks.Name, "", "", "", "%v", err)
		}
		ks.Vindexes[name] = vdx
	}
	return nil
}

func (l *loader) tables(ks *Keyspace, raw json.RawMessage) error {
	if raw == nil {
		return nil
	}
	obj, err := decodeObject(raw)
	if err != nil {
		return l.errf(ks.Name, "", "", "tables", "not a JSON object: %s", jsonMsg(err))
	}
	for _, name := range sortedKeys(obj) {
		lname := strings.ToLower(name)
		if prev := ks.Tables[lname]; prev != nil {
			return l.errf(ks.Name, name, "", "", "listed twice (as %q and %q; table names are case-insensitive)", prev.Name, name)
		}
		t, err := l.table(ks, name, obj[name])
		if err != nil {
			return err
		}
		ks.Tables[lname] = t
	}
	return nil
}

func (l *loader) table(ks *Keyspace, name string, raw json.RawMessage) (*Table, error) {
	t := &Table{Keyspace: ks, Name: name}
	def, err := decodeObject(raw)
	if err != nil {
		return nil, l.errf(ks.Name, name, "", "", "not a JSON object: %s", jsonMsg(err))
	}
	var links pendingLinks
	for f, fv := range def {
		switch f {
		case "type":
			if err := json.Unmarshal(fv, &t.Type); err != nil {
				return nil, l.errf(ks.Name, name, "", "type", "want a string")
			}
			if t.Type != TypeReference && t.Type != TypeSequence && t.Type != TypeSharded {
				return nil, l.errf(ks.Name, name, "", "type", "unknown table type %q (want reference or sequence, or none)", t.Type)
			}
		case "column_vindexes":
			var cvs []rawColumnVindex
			if err := strictUnmarshal(fv, &cvs); err != nil {
				return nil, l.errf(ks.Name, name, "", "column_vindexes", "want a list of {\"column\" or \"columns\", \"name\"}: %s", jsonMsg(err))
			}
			for i, cv := range cvs {
				c, err := l.columnVindex(ks, name, i, cv)
				if err != nil {
					return nil, err
				}
				t.ColumnVindexes = append(t.ColumnVindexes, c)
			}
		case "auto_increment":
			var ai rawAutoIncrement
			if err := strictUnmarshal(fv, &ai); err != nil {
				return nil, l.errf(ks.Name, name, "", "auto_increment", "want {\"column\", \"sequence\"}: %s", jsonMsg(err))
			}
			if ai.Column == "" || ai.Sequence == "" {
				return nil, l.errf(ks.Name, name, "", "auto_increment", "needs both column and sequence")
			}
			links.autoInc = &ai
		case "columns":
			if err := strictUnmarshal(fv, &t.Columns); err != nil {
				return nil, l.errf(ks.Name, name, "", "columns", "want a list of {\"name\", \"type\"}: %s", jsonMsg(err))
			}
			for i := range t.Columns {
				if t.Columns[i].Name == "" {
					return nil, l.errf(ks.Name, name, "", fmt.Sprintf("columns[%d]", i), "missing name")
				}
			}
		case "pinned":
			var pin string
			if err := json.Unmarshal(fv, &pin); err != nil {
				return nil, l.errf(ks.Name, name, "", "pinned", "want a keyspace id in hexadecimal")
			}
			id, err := hex.DecodeString(pin)
			if err != nil || len(id) == 0 {
				return nil, l.errf(ks.Name, name, "", "pinned", "%q is not a keyspace id in hexadecimal", pin)
			}
			t.Pinned = id
		default:
			if !ignoredTableFields[f] {
				return nil, l.errf(ks.Name, name, "", f, "unknown field (known: type, column_vindexes, auto_increment, columns, pinned)")
			}
		}
	}
	switch {
	case t.Type == TypeSequence:
		if ks.Sharded {
			return nil, l.errf(ks.Name, name, "", "type", "a sequence table must be in an unsharded keyspace")
		}
		if len(t.ColumnVindexes) > 0 || links.autoInc != nil {
			return nil, l.errf(ks.Name, name, "", "type", "a sequence table has no column_vindexes or auto_increment")
		}
	case t.Type == TypeReference:
		if len(t.ColumnVindexes) > 0 {
			return nil, l.errf(ks.Name, name, "", "column_vindexes", "a reference table is copied to every shard and has no vindexes")
		}
	case !ks.Sharded:
		if len(t.ColumnVindexes) > 0 {
			return nil, l.errf(ks.Name, name, "", "column_vindexes", "a table in an unsharded keyspace has no vindexes")
		}
	case t.Pinned != nil:
		if len(t.ColumnVindexes) > 0 {
			return nil, l.errf(ks.Name, name, "", "pinned", "a pinned table has no column_vindexes")
		}
	default:
		if len(t.ColumnVindexes) == 0 {
			return nil, l.errf(ks.Name, name, "", "column_vindexes", "a table in a sharded keyspace needs a primary vindex (or \"type\": \"reference\")")
		}
		p := t.ColumnVindexes[0]
		if !p.Vindex.IsUnique() {
			return nil, l.errf(ks.Name, name, p.Name, "column_vindexes[0]", "the primary vindex must be unique")
		}
		if _, ok := p.Vindex.(vindex.Lookup); ok {
			return nil, l.errf(ks.Name, name, p.Name, "column_vindexes[0]", "the primary vindex cannot be a lookup vindex: it computes the keyspace id the lookup rows point to")
		}
	}
	if l.pending == nil {
		l.pending = map[*Table]pendingLinks{}
	}
	l.pending[t] = links
	return t, nil
}

func (l *loader) columnVindex(ks *Keyspace, table string, i int, cv rawColumnVindex) (*ColumnVindex, error) {
	field := fmt.Sprintf("column_vindexes[%d]", i)
	if cv.Name == "" {
		return nil, l.errf(ks.Name, table, "", field, "missing name")
	}
	vdx := ks.Vindexes[cv.Name]
	if vdx == nil {
		return nil, l.errf(ks.Name, table, cv.Name, field, "vindex is not defined in the keyspace's vindexes")
	}
	cols := cv.Columns
	if cv.Column != "" {
		if len(cols) > 0 {
			return nil, l.errf(ks.Name, table, cv.Name, field, "give column or columns, not both")
		}
		cols = []string{cv.Column}
	}
	if len(cols) == 0 {
		return nil, l.errf(ks.Name, table, cv.Name, field, "missing column")
	}
	_, multi := vdx.(vindex.MultiColumn)
	_, lookup := vdx.(vindex.Lookup)
	if len(cols) > 1 && !multi && !lookup {
		return nil, l.errf(ks.Name, table, cv.Name, field, "vindex type takes one column, got %d", len(cols))
	}
	lower := make([]string, len(cols))
	for j, c := range cols {
		if c == "" {
			return nil, l.errf(ks.Name, table, cv.Name, field, "empty column name")
		}
		lower[j] = strings.ToLower(c)
	}
	return &ColumnVindex{Columns: lower, Name: cv.Name, Vindex: vdx}, nil
}

// links resolves what may point across keyspaces: auto_increment sequences
// and lookup vindex owners.
func (l *loader) links(ks *Keyspace) error {
	for _, t := range sortedTables(ks) {
		ai := l.pending[t].autoInc
		if ai == nil {
			continue
		}
		seq, err := l.sequence(ks, ai.Sequence)
		if err != nil {
			return l.errf(ks.Name, t.Name, "", "auto_increment.sequence", "%v", err)
		}
		t.AutoIncrement = &AutoIncrement{Column: strings.ToLower(ai.Column), Sequence: seq}
	}
	for _, vname := range sortedKeys(ks.Vindexes) {
		lk, ok := ks.Vindexes[vname].(vindex.Lookup)
		if !ok || lk.Owner() == "" {
			continue
		}
		owner := ks.Tables[strings.ToLower(lk.Owner())]
		if owner == nil {
			return l.errf(ks.Name, "", vname, "owner", "owner table %q is not in keyspace %q", lk.Owner(), ks.Name)
		}
		var cv *ColumnVindex
		for _, c := range owner.ColumnVindexes {
			if c.Name == vname {
				cv = c
			}
		}
		if cv == nil {
			return l.errf(ks.Name, owner.Name, vname, "owner", "the owner table does not list the vindex in its column_vindexes")
		}
		cv.Owned = true
		owner.Owned = append(owner.Owned, cv)
		if w, ok := lk.(vindex.WantOwnerInfo); ok {
			if err := w.SetOwnerInfo(ks.Name, owner.Name, cv.Columns); err != nil {
				return l.errf(ks.Name, owner.Name, vname, "owner", "%v", err)
			}
		}
	}
	return nil
}

func (l *loader) sequence(from *Keyspace, name string) (*Table, error) {
	ksName, tname, qualified := strings.Cut(name, ".")
	if !qualified {
		tname = name
		var found []*Table
		for _, n := range l.v.KeyspaceNames() {
			if t := l.v.Keyspaces[n].Tables[strings.ToLower(tname)]; t != nil && t.Type == TypeSequence {
				found = append(found, t)
			}
		}
		switch len(found) {
		case 0:
			return nil, fmt.Errorf("sequence %q is not a table of \"type\": \"sequence\" in any keyspace", name)
		case 1:
			return found[0], nil
		default:
			return nil, fmt.Errorf("sequence %q is in several keyspaces: qualify it as keyspace.%s", name, tname)
		}
	}
	ks := l.v.Keyspaces[ksName]
	if ks == nil {
		return nil, fmt.Errorf("sequence %q: keyspace %q is not in the vschema", name, ksName)
	}
	t := ks.Tables[strings.ToLower(tname)]
	if t == nil || t.Type != TypeSequence {
		return nil, fmt.Errorf("sequence %q is not a table of \"type\": \"sequence\" in keyspace %q", name, ksName)
	}
	return t, nil
}

func sortedTables(ks *Keyspace) []*Table {
	ts := make([]*Table, 0, len(ks.Tables))
	for _, n := range sortedKeys(ks.Tables) {
		ts = append(ts, ks.Tables[n])
	}
	return ts
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func otherKeys(m map[string]json.RawMessage, except string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		if k != except {
			out = append(out, fmt.Sprintf("%q", k))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, fmt.Errorf("null")
	}
	return obj, nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// paramString returns a vindex param as Vitess's string map holds it: a
// JSON string unquoted, anything else as its JSON text.
func paramString(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

func jsonMsg(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("field %s: want %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
