package eval

import "strings"

// cols parses "name:TYPE name:TYPE"; TYPE is a database type name
// (INTEGER, REAL, TEXT, BLOB, INT8, NUMERIC, BOOL, TIMESTAMP...) or empty
// ("name:" or "name").
func cols(spec string) []Column {
	var out []Column
	for _, f := range strings.Fields(spec) {
		name, typ, _ := strings.Cut(f, ":")
		out = append(out, Column{Name: name, DatabaseType: typ})
	}
	return out
}
