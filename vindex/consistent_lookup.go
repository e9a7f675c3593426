package vindex

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/key"
)

var (
	_ SingleColumn  = (*ConsistentLookup)(nil)
	_ Lookup        = (*ConsistentLookup)(nil)
	_ WantOwnerInfo = (*ConsistentLookup)(nil)
	_ SingleColumn  = (*ConsistentLookupUnique)(nil)
	_ Lookup        = (*ConsistentLookupUnique)(nil)
	_ WantOwnerInfo = (*ConsistentLookupUnique)(nil)
)

// ConsistentLookup is Vitess's "consistent_lookup" vindex: a lookup table
// (params as LookupNonUnique, without autocommit and no_verify) kept
// consistent with its owner table without two-phase commit, by ordering
// its writes around the owner's transaction (see CommitOrder):
//
//   - Create inserts lookup rows in the CommitPre transaction, so they are
//     committed before the owner rows: a lookup row may dangle (point to no
//     owner row, if the owner's commit fails) but is never missing.
//   - Delete deletes lookup rows in the CommitPost transaction, after the
//     owner rows are gone: again a lookup row may dangle, never be missing.
//   - Map and Verify read in CommitPre, seeing the lookup rows this
//     session inserted.
//
// A dangling row is taken over: when Create's INSERT fails with a
// duplicate key (IsDuplicateKey), each row is redone alone. The lookup row
// of its value is read and locked (SELECT ... FOR UPDATE, CommitPre). If
// none exists now, it is inserted. If one exists, its owner row is read
// and share-locked on the shard of the lookup row's keyspace id
// (SessionCursor.QueryKeyspaceID: SELECT ... LOCK IN SHARE MODE on the
// owner table, whose columns SetOwnerInfo gave). A live owner row makes the
// value a true duplicate: an error naming the vindex that wraps
// ErrDuplicateKey. Otherwise the lookup row is dangling and is pointed at
// the new keyspace id (UPDATE, CommitPre), unless it already points there.
//
// With ignoreMode (INSERT IGNORE, ON DUPLICATE KEY UPDATE of the owner)
// dangling rows are still taken over, and a value owned by a live row is
// left as it is instead of being an error: the router then finds, by
// Verify, that the value does not map to the new row.
//
// Update does nothing when the values are unchanged, else Delete then
// Create. Writes need a Cursor that implements SessionCursor.
//
// Cost 20, not unique.
type ConsistentLookup struct {
	*consistentLookup
}

// ConsistentLookupUnique is Vitess's "consistent_lookup_unique" vindex:
// ConsistentLookup for unique values, mapping each to one keyspace id.
//
// Cost 10, unique.
type ConsistentLookupUnique struct {
	*consistentLookup
}

// consistentLookup holds what the two consistent types share.
type consistentLookup struct {
	*lookupTable
	keyspace     string
	ownerTable   string
	ownerColumns []string

	lockLookupSQL string // select to from t where from1 = ? ... for update
	insertSQL     string // insert into t(from1, ..., to) values (?, ..., ?)
	updateSQL     string // update t set to = ? where from1 = ? ...
	lockOwnerSQL  string // select oc1 from owner where oc1 = ? ... lock in share mode
}

func newConsistentLookup(name string, p paramSet, env Env) (Vindex, error) {
	cl, err := newConsistentLookupCommon(name, p, env)
	if err != nil {
		return nil, err
	}
	return &ConsistentLookup{cl}, nil
}

func newConsistentLookupUnique(name string, p paramSet, env Env) (Vindex, error) {
	cl, err := newConsistentLookupCommon(name, p, env)
	if err != nil {
		return nil, err
	}
	return &ConsistentLookupUnique{cl}, nil
}

func newConsistentLookupCommon(name string, p paramSet, env Env) (*consistentLookup, error) {
	l, err := newLookupTable(name, p)
	if err != nil {
		return nil, err
	}
	l.consistent = true
	cl := &consistentLookup{lookupTable: l, keyspace: env.Keyspace}
	var b strings.Builder
	fmt.Fprintf(&b, "select %s from %s where %s for update", quoteIdent(l.to), quoteTable(l.table), equalities(l.from))
	cl.lockLookupSQL = b.String()
	b.Reset()
	fmt.Fprintf(&b, "insert into %s(", quoteTable(l.table))
	for _, col := range l.from {
		fmt.Fprintf(&b, "%s, ", quoteIdent(col))
	}
	fmt.Fprintf(&b, "%s) values (%s?)", quoteIdent(l.to), strings.Repeat("?, ", len(l.from)))
	cl.insertSQL = b.String()
	cl.updateSQL = fmt.Sprintf("update %s set %s = ? where %s", quoteTable(l.table), quoteIdent(l.to), equalities(l.from))
	return cl, nil
}

// equalities renders "`a` = ? and `b` = ?" for the columns.
func equalities(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteIdent(c) + " = ?"
	}
	return strings.Join(parts, " and ")
}

// SetOwnerInfo records the owner table and its columns for this vindex,
// in the order of the "from" columns, and the owner's keyspace.
func (cl *consistentLookup) SetOwnerInfo(keyspace, table string, columns []string) error {
	if len(columns) != len(cl.from) {
		return cl.errorf("owner table %s has %d columns for this vindex, the lookup has %d \"from\" columns", table, len(columns), len(cl.from))
	}
	if table == "" {
		return cl.errorf("owner table name is empty")
	}
	cl.keyspace = keyspace
	cl.ownerTable = table
	cl.ownerColumns = append([]string(nil), columns...)
	cl.lockOwnerSQL = fmt.Sprintf("select %s from %s where %s lock in share mode",
		quoteIdent(columns[0]), quoteTable(table), equalities(columns))
	return nil
}

// Verify reports whether the table maps each value to its keyspace id.
func (cl *consistentLookup) Verify(ctx context.Context, c Cursor, values []any, ksids [][]byte) ([]bool, error) {
	return cl.verify(ctx, c, values, ksids)
}

// Create inserts lookup rows in the pre-commit transaction, taking over
// the dangling ones.
func (cl *consistentLookup) Create(ctx context.Context, c Cursor, rows [][]any, ksids [][]byte, ignoreMode bool) error {
	sc, ok := c.(SessionCursor)
	if !ok {
		return cl.errorf("create: a consistent lookup needs a cursor that implements vindex.SessionCursor")
	}
	// Even with ignoreMode the batch is a plain INSERT: a duplicate must
	// surface so that a dangling lookup row is taken over rather than
	// ignored. Only a value owned by a live row is then left alone.
	err := cl.create(ctx, sc, rows, ksids, false, CommitPre)
	if err == nil || !IsDuplicateKey(err) {
		return err
	}
	for i, row := range rows {
		if cl.ignoreNulls && nullColumn(row) >= 0 {
			continue
		}
		if err := cl.takeOver(ctx, sc, row, ksids[i]); err != nil {
			if ignoreMode && errors.Is(err, ErrDuplicateKey) {
				continue
			}
			return err
		}
	}
	return nil
}

// takeOver inserts the lookup row of one owner row whose batch insert hit a
// duplicate, or points the existing row at ksid when its owner is gone.
func (cl *consistentLookup) takeOver(ctx context.Context, sc SessionCursor, row []any, ksid []byte) error {
	existing, err := sc.QueryOrder(ctx, CommitPre, cl.lockLookupSQL, row...)
	if err != nil {
		return cl.wrap("create", err)
	}
	switch len(existing) {
	case 0:
		args := append(append([]any(nil), row...), ksid)
		if _, err := sc.ExecOrder(ctx, CommitPre, cl.insertSQL, args...); err != nil {
			return cl.wrap("create", err)
		}
		return nil
	case 1:
	default:
		return cl.errorf("create: table %s holds %d rows for %s", cl.table, len(existing), describeRow(row))
	}
	if len(existing[0]) < 1 {
		return cl.errorf("create: the lookup row query returned no column")
	}
	owner, ok, err := binaryKeyspaceID(existing[0][0])
	if err != nil || !ok {
		return cl.errorf("create: column %q of the existing lookup row holds no keyspace id", cl.to)
	}
	if cl.ownerTable == "" {
		return cl.errorf("create: value %s is taken and the owner table is unknown (SetOwnerInfo was not called)", describeRow(row))
	}
	live, err := sc.QueryKeyspaceID(ctx, cl.keyspace, owner, cl.lockOwnerSQL, row...)
	if err != nil {
		return cl.wrap("create", err)
	}
	if len(live) > 0 {
		return wrapError(cl.name, cl.typ, fmt.Errorf("%w: %s is already in %s", ErrDuplicateKey, describeRow(row), cl.ownerTable))
	}
	if bytes.Equal(owner, ksid) {
		return nil
	}
	args := append([]any{ksid}, row...)
	if _, err := sc.ExecOrder(ctx, CommitPre, cl.updateSQL, args...); err != nil {
		return cl.wrap("create", err)
	}
	return nil
}

// Delete deletes lookup rows in the post-commit transaction.
func (cl *consistentLookup) Delete(ctx context.Context, c Cursor, rows [][]any, ksid []byte) error {
	if _, ok := c.(SessionCursor); !ok {
		return cl.errorf("delete: a consistent lookup needs a cursor that implements vindex.SessionCursor")
	}
	return cl.remove(ctx, c, rows, ksid, CommitPost)
}

// Update moves an owner row's lookup row when its values change.
func (cl *consistentLookup) Update(ctx context.Context, c Cursor, oldValues []any, ksid []byte, newValues []any) error {
	if len(oldValues) == len(newValues) {
		same := true
		for i := range oldValues {
			if !sameValue(oldValues[i], newValues[i]) {
				same = false
				break
			}
		}
		if same {
			return nil
		}
	}
	if err := cl.Delete(ctx, c, [][]any{oldValues}, ksid); err != nil {
		return err
	}
	return cl.Create(ctx, c, [][]any{newValues}, [][]byte{ksid}, false)
}

// Cost returns 20.
func (*ConsistentLookup) Cost() int { return 20 }

// IsUnique returns false.
func (*ConsistentLookup) IsUnique() bool { return false }

// Map returns the keyspace ids the lookup table holds for each value.
func (v *ConsistentLookup) Map(ctx context.Context, c Cursor, values []any) ([]key.Destination, error) {
	if v.scatter(values) {
		return fullRange(values), nil
	}
	ids, err := v.lookup(ctx, c, values)
	if err != nil {
		return nil, err
	}
	return mapNonUnique(ids), nil
}

// Cost returns 10.
func (*ConsistentLookupUnique) Cost() int { return 10 }

// IsUnique returns true.
func (*ConsistentLookupUnique) IsUnique() bool { return true }

// Map returns the keyspace id the lookup table holds for each value.
func (v *ConsistentLookupUnique) Map(ctx context.Context, c Cursor, values []any) ([]key.Destination, error) {
	if v.scatter(values) {
		return fullRange(values), nil
	}
	ids, err := v.lookup(ctx, c, values)
	if err != nil {
		return nil, err
	}
	return v.mapUnique(values, ids)
}

func describeRow(row []any) string {
	if len(row) == 1 {
		return describe(row[0])
	}
	parts := make([]string, len(row))
	for i, v := range row {
		parts[i] = describe(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
