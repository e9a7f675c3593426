package mysqlfunc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// writeJSON writes the JSON text s in MySQL's normal form: object keys
// ordered by length then bytes (the last of duplicate keys wins), ", "
// between members and ": " after keys, numbers as written.
func writeJSON(b *strings.Builder, s string) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := readJSON(dec)
	if err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return fmt.Errorf("trailing data after JSON value")
	}
	return printJSON(b, v)
}

type jsonMember struct {
	key string
	val any
}

func readJSON(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var members []jsonMember
			at := map[string]int{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := readJSON(dec)
				if err != nil {
					return nil, err
				}
				if i, dup := at[k]; dup {
					members[i].val = v
					continue
				}
				at[k] = len(members)
				members = append(members, jsonMember{k, v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			sort.SliceStable(members, func(i, j int) bool {
				a, b := members[i].key, members[j].key
				if len(a) != len(b) {
					return len(a) < len(b)
				}
				return a < b
			})
			return members, nil
		case '[':
			var items []any
			for dec.More() {
				v, err := readJSON(dec)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if items == nil {
				items = []any{}
			}
			return items, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

func printJSON(b *strings.Builder, v any) error {
	switch v := v.(type) {
	case []jsonMember:
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := printJSON(b, m.key); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := printJSON(b, m.val); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := printJSON(b, x); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case json.Number:
		b.WriteString(v.String())
	case nil:
		b.WriteString("null")
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Write(bytes.TrimRight(buf.Bytes(), "\n"))
	}
	return nil
}
