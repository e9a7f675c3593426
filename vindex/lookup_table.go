package vindex

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dot-do/vitessdo/key"
)

// lookupTable is what the lookup vindexes share: the lookup table they read
// and write, the SQL they send through the Cursor and the session each
// statement runs in. The vindex types differ in what the "to" column holds
// (toValue, toKeyspaceID), in how many rows a value may have, and in the
// transactions they write in.
//
// Statements are MySQL dialect with ? placeholders and backquoted
// identifiers, as Vitess sends them:
//
//	select `from1`, `to` from `t` where `from1` in (?, ?)   -- Map
//	select `from1` from `t` where `from1` = ? and `to` = ?  -- Verify
//	insert into `t`(`from1`, `from2`, `to`) values (?, ?, ?), (?, ?, ?)
//	delete from `t` where `from1` = ? and `from2` = ? and `to` = ?
type lookupTable struct {
	name, typ string

	table string   // the table as given, possibly keyspace-qualified
	from  []string // the "from" columns; Map and Verify use the first
	to    string
	owner string

	ignoreNulls bool // rows with a NULL "from" value get no lookup row
	batch       bool // one query for all values, even non-integers
	writeOnly   bool // Map scatters, Verify accepts: the table is being filled
	noVerify    bool // Verify accepts without reading
	autocommit  bool // writes commit at once, outside the transaction
	upsert      bool // inserts overwrite (non-unique autocommit lookups)
	readLock    string
	consistent  bool // reads in CommitPre, writes in CommitPre/CommitPost

	// toValue turns a keyspace id into the value stored in the "to"
	// column; toKeyspaceID turns a value read from it back, false when
	// the value has no keyspace id.
	toValue      func(ksid []byte) (any, error)
	toKeyspaceID func(v any) ([]byte, bool, error)

	selectPrefix string // "select `f`, `t` from `tbl` where `f` in ("
	verifySQL    string
	deleteSQL    string
}

// newLookupTable reads the params every lookup type takes. The types that
// take autocommit, multi_shard_autocommit and no_verify read them after.
func newLookupTable(name string, p paramSet) (*lookupTable, error) {
	l := &lookupTable{name: name, typ: p.typ, readLock: " for update"}
	var err error
	if l.table, err = p.required("table"); err != nil {
		return nil, err
	}
	if err := checkTableName(p, "table", l.table); err != nil {
		return nil, err
	}
	from, err := p.required("from")
	if err != nil {
		return nil, err
	}
	for _, col := range strings.Split(from, ",") {
		col = strings.TrimSpace(col)
		if err := checkIdent(p, "from", col); err != nil {
			return nil, err
		}
		l.from = append(l.from, col)
	}
	if l.to, err = p.required("to"); err != nil {
		return nil, err
	}
	l.to = strings.TrimSpace(l.to)
	if err := checkIdent(p, "to", l.to); err != nil {
		return nil, err
	}
	if owner, ok := p.get("owner"); ok {
		if err := checkTableName(p, "owner", owner); err != nil {
			return nil, err
		}
		l.owner = owner
	}
	for _, b := range []struct {
		param string
		dst   *bool
	}{
		{"ignore_nulls", &l.ignoreNulls},
		{"batch_lookup", &l.batch},
		{"write_only", &l.writeOnly},
	} {
		if *b.dst, err = p.boolean(b.param); err != nil {
			return nil, err
		}
	}
	if lock, ok := p.get("read_lock"); ok {
		switch lock {
		case "exclusive":
		case "shared":
			l.readLock = " lock in share mode"
		case "none":
			l.readLock = ""
		default:
			return nil, p.errorf("param \"read_lock\" must be \"exclusive\", \"shared\" or \"none\", not %q", lock)
		}
	}
	l.toValue = func(ksid []byte) (any, error) { return ksid, nil }
	l.toKeyspaceID = binaryKeyspaceID
	l.buildSQL()
	return l, nil
}

// readWriteParams reads the params of the lookups that are not consistent:
// autocommit (multi_shard_autocommit is Vitess's variant of it, which the
// router runs the same way) and no_verify. upsert is set for non-unique
// lookups, which overwrite on insert when they autocommit, as in Vitess.
func (l *lookupTable) readWriteParams(p paramSet, unique bool) error {
	auto, err := p.boolean("autocommit")
	if err != nil {
		return err
	}
	multi, err := p.boolean("multi_shard_autocommit")
	if err != nil {
		return err
	}
	l.autocommit = auto || multi
	l.upsert = l.autocommit && !unique
	l.noVerify, err = p.boolean("no_verify")
	return err
}

func (l *lookupTable) buildSQL() {
	from0 := quoteIdent(l.from[0])
	l.selectPrefix = fmt.Sprintf("select %s, %s from %s where %s in (", from0, quoteIdent(l.to), quoteTable(l.table), from0)
	l.verifySQL = fmt.Sprintf("select %s from %s where %s = ? and %s = ?", from0, quoteTable(l.table), from0, quoteIdent(l.to))
	var b strings.Builder
	fmt.Fprintf(&b, "delete from %s where ", quoteTable(l.table))
	for _, col := range l.from {
		fmt.Fprintf(&b, "%s = ? and ", quoteIdent(col))
	}
	fmt.Fprintf(&b, "%s = ?", quoteIdent(l.to))
	l.deleteSQL = b.String()
}

// Owner returns the owner table, or "".
func (l *lookupTable) Owner() string { return l.owner }

// NeedsCursor returns true.
func (*lookupTable) NeedsCursor() bool { return true }

// String returns the vindex's name.
func (l *lookupTable) String() string { return l.name }

func (l *lookupTable) errorf(format string, args ...any) error {
	return newError(l.name, l.typ, format, args...)
}

func (l *lookupTable) wrap(op string, err error) error {
	return wrapError(l.name, l.typ, fmt.Errorf("%s: %w", op, err))
}

// scatter reports whether Map answers every shard without reading: a
// write-only table is incomplete, and with ignore_nulls a lone NULL has no
// lookup rows although owner rows may hold it (as in Vitess).
func (l *lookupTable) scatter(values []any) bool {
	return l.writeOnly || (l.ignoreNulls && len(values) == 1 && values[0] == nil)
}

// fullRange is the destination of every shard.
func fullRange(values []any) []key.Destination {
	out := make([]key.Destination, len(values))
	for i := range out {
		out[i] = key.DestinationKeyRange{}
	}
	return out
}

// lookup returns the keyspace ids the table holds for each value. Values
// are read in one query when the first is an integer or batch_lookup is
// set, matching rows back by their text as Vitess does; otherwise one
// query per value, so the backend's collation decides what matches.
func (l *lookupTable) lookup(ctx context.Context, c Cursor, values []any) ([][][]byte, error) {
	if c == nil {
		return nil, l.errorf("cannot look up values without a cursor")
	}
	out := make([][][]byte, len(values))
	if len(values) == 0 {
		return out, nil
	}
	lock := ""
	if sc, ok := c.(SessionCursor); ok && sc.InTransactionAndIsDML() {
		lock = l.readLock
	}
	if !l.batch && !isIntegral(values[0]) {
		for i, v := range values {
			if v == nil {
				continue
			}
			rows, err := l.read(ctx, c, l.selectPrefix+"?)"+lock, v)
			if err != nil {
				return nil, l.wrap("map", err)
			}
			for _, row := range rows {
				if err := l.collect(&out[i], row); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	}
	args := make([]any, 0, len(values))
	for _, v := range values {
		if v != nil {
			args = append(args, v)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	var q strings.Builder
	q.WriteString(l.selectPrefix)
	for i := range args {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('?')
	}
	q.WriteByte(')')
	q.WriteString(lock)
	rows, err := l.read(ctx, c, q.String(), args...)
	if err != nil {
		return nil, l.wrap("map", err)
	}
	byText := make(map[string][][]byte, len(rows))
	for _, row := range rows {
		if len(row) < 2 {
			return nil, l.errorf("map: the lookup query returned %d columns, want 2", len(row))
		}
		text, ok := textKey(row[0])
		if !ok {
			continue
		}
		ids := byText[text]
		if err := l.collect(&ids, row); err != nil {
			return nil, err
		}
		byText[text] = ids
	}
	for i, v := range values {
		if text, ok := textKey(v); ok {
			out[i] = byText[text]
		}
	}
	return out, nil
}

// collect appends the keyspace id of a (from, to) row.
func (l *lookupTable) collect(ids *[][]byte, row []any) error {
	if len(row) < 2 {
		return l.errorf("map: the lookup query returned %d columns, want 2", len(row))
	}
	id, ok, err := l.toKeyspaceID(row[1])
	if err != nil {
		return l.errorf("map: column %q: %v", l.to, err)
	}
	if ok {
		*ids = append(*ids, id)
	}
	return nil
}

// mapUnique turns looked-up keyspace ids into the destinations of a unique
// vindex: none, one, or an error for a value with several.
func (l *lookupTable) mapUnique(values []any, ids [][][]byte) ([]key.Destination, error) {
	out := make([]key.Destination, len(values))
	for i, found := range ids {
		switch len(found) {
		case 0:
			out[i] = key.DestinationNone{}
		case 1:
			out[i] = key.DestinationKeyspaceID(found[0])
		default:
			return nil, l.errorf("table %s holds %d rows for %s, a unique vindex allows one", l.table, len(found), describe(values[i]))
		}
	}
	return out, nil
}

// mapNonUnique turns looked-up keyspace ids into the destinations of a
// non-unique vindex.
func mapNonUnique(ids [][][]byte) []key.Destination {
	out := make([]key.Destination, len(ids))
	for i, found := range ids {
		if len(found) == 0 {
			out[i] = key.DestinationNone{}
			continue
		}
		out[i] = key.DestinationKeyspaceIDs(found)
	}
	return out
}

// verify reports whether the table maps each value to its keyspace id.
func (l *lookupTable) verify(ctx context.Context, c Cursor, values []any, ksids [][]byte) ([]bool, error) {
	if len(values) != len(ksids) {
		return nil, l.errorf("verify: %d values but %d keyspace ids", len(values), len(ksids))
	}
	out := make([]bool, len(values))
	if l.writeOnly || l.noVerify {
		for i := range out {
			out[i] = true
		}
		return out, nil
	}
	if c == nil {
		return nil, l.errorf("cannot verify values without a cursor")
	}
	for i, v := range values {
		if v == nil && l.ignoreNulls {
			// NULL has no lookup row to verify: it maps nowhere, and
			// ignore_nulls lets its owner rows be.
			out[i] = true
			continue
		}
		to, err := l.toValue(ksids[i])
		if err != nil {
			return nil, l.wrap("verify", err)
		}
		rows, err := l.read(ctx, c, l.verifySQL, v, to)
		if err != nil {
			return nil, l.wrap("verify", err)
		}
		out[i] = len(rows) > 0
	}
	return out, nil
}

// create inserts one lookup row per owner row, in a statement sorted by
// value so that concurrent inserts lock rows in the same order.
func (l *lookupTable) create(ctx context.Context, c Cursor, rows [][]any, ksids [][]byte, ignoreMode bool, order CommitOrder) error {
	if len(rows) != len(ksids) {
		return l.errorf("create: %d rows but %d keyspace ids", len(rows), len(ksids))
	}
	type entry struct {
		from []any
		to   any
	}
	entries := make([]entry, 0, len(rows))
	for i, row := range rows {
		if len(row) != len(l.from) {
			return l.errorf("create: a row of %d values for the %d \"from\" columns %s", len(row), len(l.from), strings.Join(l.from, ", "))
		}
		if col := nullColumn(row); col >= 0 {
			if l.ignoreNulls {
				continue
			}
			return l.errorf("create: row %d has NULL in column %q (ignore_nulls skips such rows)", i, l.from[col])
		}
		to, err := l.toValue(ksids[i])
		if err != nil {
			return l.wrap("create", err)
		}
		entries = append(entries, entry{from: row, to: to})
	}
	if len(entries) == 0 {
		return nil
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		for j := range a.from {
			if c := compareText(a.from[j], b.from[j]); c != 0 {
				return c
			}
		}
		return compareText(a.to, b.to)
	})
	var q strings.Builder
	if ignoreMode {
		q.WriteString("insert ignore into ")
	} else {
		q.WriteString("insert into ")
	}
	q.WriteString(quoteTable(l.table))
	q.WriteByte('(')
	for _, col := range l.from {
		q.WriteString(quoteIdent(col))
		q.WriteString(", ")
	}
	q.WriteString(quoteIdent(l.to))
	q.WriteString(") values ")
	args := make([]any, 0, len(entries)*(len(l.from)+1))
	for i, e := range entries {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for range e.from {
			q.WriteString("?, ")
		}
		q.WriteString("?)")
		args = append(args, e.from...)
		args = append(args, e.to)
	}
	if l.upsert {
		q.WriteString(" on duplicate key update ")
		for i, col := range append(slices.Clone(l.from), l.to) {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "%s = values(%s)", quoteIdent(col), quoteIdent(col))
		}
	}
	if _, err := l.write(ctx, c, order, q.String(), args...); err != nil {
		return l.wrap("create", err)
	}
	return nil
}

// remove deletes the lookup row of each owner row with keyspace id ksid.
func (l *lookupTable) remove(ctx context.Context, c Cursor, rows [][]any, ksid []byte, order CommitOrder) error {
	to, err := l.toValue(ksid)
	if err != nil {
		return l.wrap("delete", err)
	}
	for _, row := range rows {
		if len(row) != len(l.from) {
			return l.errorf("delete: a row of %d values for the %d \"from\" columns %s", len(row), len(l.from), strings.Join(l.from, ", "))
		}
		args := append(slices.Clone(row), to)
		if _, err := l.write(ctx, c, order, l.deleteSQL, args...); err != nil {
			return l.wrap("delete", err)
		}
	}
	return nil
}

// read runs a SELECT in the session the vindex reads in: the pre-commit
// transaction for consistent lookups, a transaction of its own for
// autocommit lookups (when the cursor has sessions), else the statement's.
func (l *lookupTable) read(ctx context.Context, c Cursor, query string, args ...any) ([][]any, error) {
	if sc, ok := c.(SessionCursor); ok {
		switch {
		case l.consistent:
			return sc.QueryOrder(ctx, CommitPre, query, args...)
		case l.autocommit:
			return sc.QueryOrder(ctx, CommitAutocommit, query, args...)
		}
	}
	return c.Query(ctx, query, args...)
}

// write runs a write in the transaction named by order.
func (l *lookupTable) write(ctx context.Context, c Cursor, order CommitOrder, query string, args ...any) (int64, error) {
	if c == nil {
		return 0, fmt.Errorf("no cursor")
	}
	switch order {
	case CommitNormal:
		return c.Exec(ctx, query, args...)
	case CommitAutocommit:
		return c.ExecAutocommit(ctx, query, args...)
	}
	sc, ok := c.(SessionCursor)
	if !ok {
		return 0, fmt.Errorf("writing in the %s transaction needs a cursor that implements vindex.SessionCursor", order)
	}
	return sc.ExecOrder(ctx, order, query, args...)
}

// writeOrder is the transaction lookup rows are written in.
func (l *lookupTable) writeOrder() CommitOrder {
	if l.autocommit {
		return CommitAutocommit
	}
	return CommitNormal
}

// nullColumn returns the index of the first NULL in row, or -1.
func nullColumn(row []any) int {
	for i, v := range row {
		if v == nil {
			return i
		}
	}
	return -1
}

// binaryKeyspaceID reads a keyspace id stored as bytes.
func binaryKeyspaceID(v any) ([]byte, bool, error) {
	switch x := v.(type) {
	case []byte:
		return bytes.Clone(x), true, nil
	case string:
		return []byte(x), true, nil
	case nil:
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("a keyspace id must be binary, not %T", v)
}

// compareText orders two values by their SQL text, as Vitess sorts lookup
// rows before inserting them.
func compareText(a, b any) int {
	ta, _ := appendSQLText(nil, a)
	tb, _ := appendSQLText(nil, b)
	return bytes.Compare(ta, tb)
}

// checkIdent accepts a column name that can be backquoted as is.
func checkIdent(p paramSet, param, name string) error {
	if name == "" {
		return p.errorf("param %q holds an empty column name", param)
	}
	if strings.ContainsAny(name, "`'\"\\;. \t\r\n\x00") {
		return p.errorf("param %q: %q is not a column name", param, name)
	}
	return nil
}

// checkTableName accepts a table name, possibly qualified by a keyspace.
func checkTableName(p paramSet, param, name string) error {
	parts := strings.Split(strings.TrimSpace(name), ".")
	if len(parts) > 2 {
		return p.errorf("param %q: %q is not a table name", param, name)
	}
	for _, part := range parts {
		if part == "" || strings.ContainsAny(part, "`'\"\\; \t\r\n\x00") {
			return p.errorf("param %q: %q is not a table name", param, name)
		}
	}
	return nil
}

func quoteIdent(name string) string { return "`" + name + "`" }

// quoteTable backquotes a table name and its keyspace qualifier.
func quoteTable(name string) string {
	parts := strings.Split(strings.TrimSpace(name), ".")
	for i, p := range parts {
		parts[i] = quoteIdent(p)
	}
	return strings.Join(parts, ".")
}
