package dialect

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Template is a shard statement rendered for one dialect, with its
// placeholders recorded in the order the renderer emitted them. It is
// immutable and safe for concurrent use; plans cache it.
//
// A template without list arguments holds its final SQL text: Bind only
// gathers the arguments. A template with list arguments (::name, which
// expand to one placeholder per element) keeps the text pieces between
// placeholders and joins them at Bind, because PostgreSQL numbers every
// placeholder.
type Template struct {
	dialect Dialect
	sql     string   // the complete text; for list templates, String's text
	parts   []string // len(params)+1 pieces around the placeholders, list templates only
	params  []param
	// positional: no list argument, and the placeholders read the
	// application's arguments in order (v1, v2, …), so an execution whose
	// values need no conversion binds the application's slice itself.
	positional bool
}

// param is one placeholder: the bind variable it reads (without ':'),
// whether it is a list argument, and whether PostgreSQL types it as text.
type param struct {
	name string
	list bool
	text bool
	// arg is n for the application's vn, 0 for the router's variables.
	arg int
}

// argIndex returns n for a name vn (n > 0), else 0.
func argIndex(name string) int {
	if len(name) < 2 || name[0] != 'v' || name[1] == '0' {
		return 0
	}
	n, err := strconv.Atoi(name[1:])
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// vars is one execution's bind variables: the application's arguments in
// order and the router's by name, which win over an argument of the same
// name.
type vars struct {
	args  []any
	named map[string]any
}

func (vs vars) get(p param) (any, bool) {
	if vs.named != nil {
		if v, ok := vs.named[p.name]; ok {
			return v, true
		}
	}
	if p.arg > 0 && p.arg <= len(vs.args) {
		return vs.args[p.arg-1], true
	}
	return nil, false
}

// mark is where the renderer put a placeholder in its text.
type mark struct {
	offset int
	param
}

func newTemplate(d Dialect, text string, marks []mark) *Template {
	t := &Template{dialect: d, params: make([]param, len(marks))}
	hasList := false
	for i, m := range marks {
		t.params[i] = m.param
		t.params[i].arg = argIndex(m.name)
		hasList = hasList || m.list
	}
	var b strings.Builder
	b.Grow(len(text) + 3*len(marks))
	if hasList {
		t.parts = make([]string, len(marks)+1)
	}
	prev, n := 0, 0
	for i, m := range marks {
		b.WriteString(text[prev:m.offset])
		if hasList {
			t.parts[i] = text[prev:m.offset]
		}
		prev = m.offset
		if m.list {
			b.WriteString("::")
			b.WriteString(m.name)
			continue
		}
		n++
		writePlaceholder(&b, d, n)
	}
	b.WriteString(text[prev:])
	if hasList {
		t.parts[len(marks)] = text[prev:]
	}
	t.sql = b.String()
	t.positional = !hasList
	for i, p := range t.params {
		t.positional = t.positional && p.arg == i+1
	}
	return t
}

func writePlaceholder(b *strings.Builder, d Dialect, n int) {
	if d == PostgreSQL {
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
		return
	}
	b.WriteByte('?')
}

// String returns the SQL with its placeholders, for VEXPLAIN and
// debugging. It is the text Bind returns, except that a list argument
// shows as ::name (on PostgreSQL the numbering then counts the scalar
// placeholders only).
func (t *Template) String() string { return t.sql }

// Dialect returns the dialect the template was rendered for.
func (t *Template) Dialect() Dialect { return t.dialect }

// Bind produces the SQL text and the argument list for one execution,
// the arguments in the order of the placeholders. vars maps bind-variable
// names without the ':' prefix: "v1", "v2"… are the application's '?' in
// text order; other names are the router's. A list argument must hold a
// non-empty []any. A variable the template needs and vars lacks is an
// error naming it.
//
// On PostgreSQL a Go bool becomes the integer 1 or 0: vitessdo stores
// MySQL's BOOL as smallint (see the package documentation).
func (t *Template) Bind(named map[string]any) (query string, args []any, err error) {
	return t.bind(vars{named: named})
}

// BindArgs is Bind with the application's arguments in order (args[0] is
// v1) and the router's variables in extra (nil when there are none),
// without gathering both into one map per execution.
func (t *Template) BindArgs(args []any, extra map[string]any) (query string, bound []any, err error) {
	return t.bind(vars{args: args, named: extra})
}

func (t *Template) bind(vars vars) (query string, args []any, err error) {
	if t.parts == nil {
		if len(t.params) == 0 {
			return t.sql, nil, nil
		}
		if t.positional && vars.named == nil && len(vars.args) >= len(t.params) && t.keepsAll(vars.args[:len(t.params)]) {
			return t.sql, vars.args[:len(t.params):len(t.params)], nil
		}
		args = make([]any, len(t.params))
		for i := range t.params {
			v, ok := vars.get(t.params[i])
			if !ok {
				return "", nil, missingVar(t.params[i].name)
			}
			args[i] = t.arg(v, t.params[i].text)
		}
		return t.sql, args, nil
	}
	return t.bindLists(vars)
}

func (t *Template) bindLists(vars vars) (string, []any, error) {
	var b strings.Builder
	b.Grow(len(t.sql) + 8*len(t.params))
	args := make([]any, 0, len(t.params)+8)
	for i, p := range t.params {
		b.WriteString(t.parts[i])
		v, ok := vars.get(p)
		if !ok {
			return "", nil, missingVar(p.name)
		}
		if !p.list {
			args = append(args, t.arg(v, p.text))
			writePlaceholder(&b, t.dialect, len(args))
			continue
		}
		list, ok := v.([]any)
		if !ok {
			return "", nil, fmt.Errorf("vitessdo: bind: list variable %q holds %T, want []any", p.name, v)
		}
		if len(list) == 0 {
			return "", nil, fmt.Errorf("vitessdo: bind: list variable %q is empty", p.name)
		}
		for j, e := range list {
			if j > 0 {
				b.WriteString(", ")
			}
			args = append(args, t.arg(e, false))
			writePlaceholder(&b, t.dialect, len(args))
		}
	}
	b.WriteString(t.parts[len(t.params)])
	return b.String(), args, nil
}

// keepsAll reports whether arg returns each of the application's
// arguments unchanged, as bound to the template's placeholders in order.
func (t *Template) keepsAll(args []any) bool {
	for i, v := range args {
		switch v.(type) {
		case time.Time:
			return false
		}
		if t.dialect != PostgreSQL {
			continue
		}
		switch v.(type) {
		case bool:
			return false
		case string, []byte, nil:
			continue
		}
		if t.params[i].text {
			return false
		}
	}
	return true
}

// BoundArg is the value a shard of dialect d receives for an argument:
// text says the placeholder stands where PostgreSQL types it as text. An
// expression evaluated by the router over such an argument reads this
// value, as the backend would.
func BoundArg(d Dialect, v any, text bool) any { return (&Template{dialect: d}).arg(v, text) }

func (t *Template) arg(v any, text bool) any {
	if tm, ok := v.(time.Time); ok {
		return timeArg(t.dialect, tm, text)
	}
	if t.dialect == PostgreSQL {
		return pgArg(v, text)
	}
	return v
}

// pgArg adapts a Go value to PostgreSQL: a bool is the integer 1 or 0 (the
// column types vitessdo creates have no boolean), and a number bound where
// PostgreSQL expects text is its decimal text, as MySQL would convert it.
func pgArg(v any, text bool) any {
	switch v := v.(type) {
	case bool:
		switch {
		case text && v:
			return "1"
		case text:
			return "0"
		case v:
			return int64(1)
		}
		return int64(0)
	case string, []byte, nil:
		return v
	}
	if !text {
		return v
	}
	switch v := v.(type) {
	case int:
		return strconv.FormatInt(int64(v), 10)
	case int8:
		return strconv.FormatInt(int64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint:
		return strconv.FormatUint(uint64(v), 10)
	case uint8:
		return strconv.FormatUint(uint64(v), 10)
	case uint16:
		return strconv.FormatUint(uint64(v), 10)
	case uint32:
		return strconv.FormatUint(uint64(v), 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return v
}

// timeArg binds a time.Time in UTC on every backend, as vitessdo renders
// NOW() and reads dates: on SQLite (and where PostgreSQL expects text) as
// MySQL's text for a datetime, which SQLite's date functions and the
// MySQL functions vitessdo adds read, and which compares with dates
// written as text.
func timeArg(d Dialect, t time.Time, text bool) any {
	t = t.UTC()
	if d == SQLite || text {
		return t.Format("2006-01-02 15:04:05.999999")
	}
	return t
}

func missingVar(name string) error {
	return fmt.Errorf("vitessdo: bind: missing bind variable %q", name)
}
