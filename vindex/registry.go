package vindex

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// constructor builds a vindex of one type from its checked params.
type constructor func(name string, p paramSet, env Env) (Vindex, error)

// kind is one registered vindex type: its constructor and the params it
// accepts. New rejects any other param.
type kind struct {
	build  constructor
	params []string
}

// Params common to the lookup family, as Vitess documents them.
var (
	lookupTableParams = []string{"table", "from", "to", "owner", "ignore_nulls", "batch_lookup", "read_lock", "write_only"}
	lookupParams      = append(slices.Clone(lookupTableParams), "autocommit", "multi_shard_autocommit", "no_verify")
)

// kindOf returns the registered vindex type named typ. The registry is
// this switch: it never changes at run time.
func kindOf(typ string) (kind, bool) {
	switch typ {
	case "hash":
		return kind{build: newHash}, true
	case "xxhash":
		return kind{build: newXXHash}, true
	case "unicode_loose_md5":
		return kind{build: newUnicodeLooseMD5}, true
	case "unicode_loose_xxhash":
		return kind{build: newUnicodeLooseXXHash}, true
	case "binary":
		return kind{build: newBinary}, true
	case "binary_md5":
		return kind{build: newBinaryMD5}, true
	case "numeric":
		return kind{build: newNumeric}, true
	case "reverse_bits":
		return kind{build: newReverseBits}, true
	case "null":
		return kind{build: newNull}, true
	case "numeric_static_map":
		return kind{build: newNumericStaticMap, params: []string{"json_path", "json", "fallback_type"}}, true
	case "multicol":
		return kind{build: newMultiCol, params: []string{"column_count", "column_bytes", "column_vindex"}}, true
	case "lookup":
		return kind{build: newLookup, params: lookupParams}, true
	case "lookup_unique":
		return kind{build: newLookupUnique, params: lookupParams}, true
	case "lookup_hash":
		return kind{build: newLookupHash, params: lookupParams}, true
	case "lookup_hash_unique":
		return kind{build: newLookupHashUnique, params: lookupParams}, true
	case "consistent_lookup":
		return kind{build: newConsistentLookup, params: lookupTableParams}, true
	case "consistent_lookup_unique":
		return kind{build: newConsistentLookupUnique, params: lookupTableParams}, true
	case "consistent_hash":
		return kind{build: newConsistentHash}, true
	case "range":
		return kind{build: newRange, params: []string{"ranges"}}, true
	}
	return kind{}, false
}

// typeNames lists every type kindOf knows, sorted.
var typeNames = []string{
	"binary", "binary_md5", "consistent_hash", "consistent_lookup",
	"consistent_lookup_unique", "hash", "lookup", "lookup_hash",
	"lookup_hash_unique", "lookup_unique", "multicol", "null", "numeric",
	"numeric_static_map", "range", "reverse_bits", "unicode_loose_md5",
	"unicode_loose_xxhash", "xxhash",
}

// New creates the vindex named name of the Vitess type typ from its VSchema
// params. Params that are JSON strings in the VSchema arrive as the
// string; other JSON values (the "ranges" list of range) arrive as their
// raw JSON text. A param the type does not take is an error, where Vitess
// only warns. Errors name the vindex, the type and the param:
//
//	vindex "user_idx": unknown type "hsh"
//	vindex "name_idx": lookup: missing param "table"
func New(name, typ string, params map[string]string, env Env) (Vindex, error) {
	k, ok := kindOf(typ)
	if !ok {
		return nil, fmt.Errorf("vindex %q: unknown type %q", name, typ)
	}
	var unknown []string
	for p := range params {
		if !slices.Contains(k.params, p) {
			unknown = append(unknown, p)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, newError(name, typ, "unknown %s %s", plural(len(unknown), "param", "params"), quoteList(unknown))
	}
	return k.build(name, paramSet{m: params, name: name, typ: typ}, env)
}

// Types returns the names of every vindex type New accepts, sorted.
func Types() []string {
	return slices.Clone(typeNames)
}

// paramSet reads the VSchema params of one vindex and phrases its errors.
type paramSet struct {
	m    map[string]string
	name string
	typ  string
}

func (p paramSet) get(key string) (string, bool) {
	v, ok := p.m[key]
	return v, ok
}

func (p paramSet) required(key string) (string, error) {
	v, ok := p.m[key]
	if !ok {
		return "", p.errorf("missing param %q", key)
	}
	if strings.TrimSpace(v) == "" {
		return "", p.errorf("param %q is empty", key)
	}
	return v, nil
}

// boolean reads a "true"/"false" param; absent is false, as in Vitess.
func (p paramSet) boolean(key string) (bool, error) {
	v, ok := p.m[key]
	if !ok {
		return false, nil
	}
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, p.errorf("param %q must be \"true\" or \"false\", not %q", key, v)
}

func (p paramSet) errorf(format string, args ...any) error {
	return newError(p.name, p.typ, format, args...)
}

// newError phrases an error of vindex name of type typ.
func newError(name, typ, format string, args ...any) error {
	return &Error{Vindex: name, Type: typ, Err: fmt.Errorf(format, args...)}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
