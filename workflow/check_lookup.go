package workflow

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// lookups checks each owned lookup vindex of the keyspace's tables both
// ways: every owner row has a lookup row that maps its value to the
// row's keyspace id, and every lookup row maps its value to the keyspace
// id of an owner row with that value. A dangling lookup row of a
// consistent_lookup vindex is a warning, as Vitess allows it.
func (c *checker) lookups(ctx context.Context, ks *vschema.Keyspace) error {
	for _, t := range sortedTables(ks) {
		for _, cv := range t.Owned {
			lc, ok := c.lookupCheck(t, cv)
			if !ok {
				continue
			}
			for _, sh := range c.shards(ks) {
				if c.tables[ks.Name][strings.ToLower(t.Name)][sh.Name] == nil {
					continue
				}
				if err := lc.ownerRows(ctx, sh); err != nil {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					c.r.problem(Finding{Kind: KindUnreachable, Keyspace: ks.Name, Shard: sh.Name, Table: t.Name, Message: fmt.Sprintf("checking lookup vindex %s: %v", cv.Name, err)})
				}
			}
			if err := lc.lookupRows(ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.r.problem(Finding{Kind: KindUnreachable, Keyspace: ks.Name, Table: lc.info.Table, Message: fmt.Sprintf("reading lookup table of vindex %s: %v", cv.Name, err)})
			}
		}
	}
	return nil
}

// lookupCheck is the check of one owned lookup vindex.
type lookupCheck struct {
	c     *checker
	owner *vschema.Table
	cv    *vschema.ColumnVindex
	tr    vindex.TableReader
	info  vindex.LookupTableInfo
}

func (c *checker) lookupCheck(t *vschema.Table, cv *vschema.ColumnVindex) (*lookupCheck, bool) {
	tr, ok := cv.Vindex.(vindex.TableReader)
	notChecked := func(why string) (*lookupCheck, bool) {
		c.r.warning(Finding{Kind: KindNotChecked, Keyspace: t.Keyspace.Name, Table: t.Name, Column: strings.Join(cv.Columns, ","), Message: fmt.Sprintf("lookup vindex %s is not checked: %s", cv.Name, why)})
		return nil, false
	}
	if !ok {
		return notChecked("its lookup table is not known")
	}
	info := tr.LookupTable()
	if len(info.From) != 1 || len(cv.Columns) != 1 {
		return notChecked("it has several columns")
	}
	if p := t.Primary(); p == nil || p.Vindex.NeedsCursor() {
		return notChecked("the owner's primary vindex reads a table")
	}
	return &lookupCheck{c: c, owner: t, cv: cv, tr: tr, info: info}, true
}

// table returns the lookup table quoted for the driver.
func (lc *lookupCheck) table() string {
	parts := strings.Split(lc.info.Table, ".")
	for i, p := range parts {
		parts[i] = quoteIdent(strings.Trim(p, "`"))
	}
	return strings.Join(parts, ".")
}

// valueKey compares values of the lookup's column as text.
func valueKey(v any) string { return showValue(v) }

// keyspaceIDs maps each row's primary vindex columns (at cols) to a
// keyspace id, nil where it maps to none.
func (lc *lookupCheck) keyspaceIDs(ctx context.Context, rows [][]any, cols []int) ([][]byte, error) {
	dests, err := mapRows(ctx, lc.owner.Primary().Vindex, rows, cols)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(dests))
	for i, d := range dests {
		if id, ok := d.(key.DestinationKeyspaceID); ok {
			out[i] = id
		}
	}
	return out, nil
}

// ownerRows reads the owner rows of one shard and reports those without a
// lookup row for their keyspace id.
func (lc *lookupCheck) ownerRows(ctx context.Context, sh *shard.Shard) error {
	pk := primaryKey(ctx, lc.owner, sh)
	pv := lc.owner.Primary()
	col := lc.cv.Columns[0]
	cols := union(union(pk, pv.Columns), []string{col})
	vcols := make([]int, len(pv.Columns))
	for i, c := range pv.Columns {
		vcols[i] = indexOf(cols, c)
	}
	vi := indexOf(cols, col)
	var batch [][]any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		defer func() { batch = batch[:0] }()
		ids, err := lc.keyspaceIDs(ctx, batch, vcols)
		if err != nil {
			return err
		}
		var values []any
		for _, r := range batch {
			if r[vi] != nil {
				values = append(values, r[vi])
			}
		}
		found, err := lc.lookupOf(ctx, values)
		if err != nil {
			return err
		}
		for i, r := range batch {
			if r[vi] == nil || ids[i] == nil {
				continue
			}
			if !hasID(found[valueKey(r[vi])], ids[i]) {
				lc.c.r.problem(Finding{Kind: KindLookupMissing, Keyspace: sh.Keyspace, Shard: sh.Name, Table: lc.owner.Name, Column: col, Key: keyOf(pk, r[:len(pk)]),
					Message: fmt.Sprintf("the row's %s %s has no row in lookup table %s (vindex %s) for the row's keyspace id", col, showValue(r[vi]), lc.info.Table, lc.cv.Name)})
			}
		}
		return nil
	}
	err := lc.c.scanShard(ctx, sh, "SELECT "+columnList(cols)+" FROM "+quoteIdent(lc.owner.Name), nil, func(row []any) error {
		batch = append(batch, copyRow(row))
		if len(batch) == rowBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// lookupOf reads the lookup rows of values: the keyspace ids each value
// maps to.
func (lc *lookupCheck) lookupOf(ctx context.Context, values []any) (map[string][][]byte, error) {
	out := map[string][][]byte{}
	if len(values) == 0 {
		return out, nil
	}
	q := "SELECT " + quoteIdent(lc.info.From[0]) + ", " + quoteIdent(lc.info.To) + " FROM " + lc.table() + " WHERE " + quoteIdent(lc.info.From[0]) + " IN (" + placeholders(len(values)) + ")"
	err := scanRows(ctx, lc.c.t.db, q, values, func(row []any) error {
		id, ok, err := lc.tr.KeyspaceIDOf(row[1])
		if err != nil || !ok {
			return nil
		}
		k := valueKey(row[0])
		out[k] = append(out[k], append([]byte(nil), id...))
		return nil
	})
	return out, err
}

// lookupRows reads the whole lookup table, as it streams in, and reports
// the rows whose value no owner row with that keyspace id has.
func (lc *lookupCheck) lookupRows(ctx context.Context) error {
	type lrow struct {
		value any
		id    []byte
	}
	var batch []lrow
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		defer func() { batch = batch[:0] }()
		values := make([]any, len(batch))
		for i, r := range batch {
			values[i] = r.value
		}
		owners, err := lc.ownersOf(ctx, values)
		if err != nil {
			return err
		}
		for _, r := range batch {
			if hasID(owners[valueKey(r.value)], r.id) {
				continue
			}
			f := Finding{Kind: KindLookupDangling, Keyspace: lc.lookupKeyspace(), Table: lc.info.Table, Column: lc.info.From[0], Key: lc.info.From[0] + "=" + showValue(r.value),
				Message: fmt.Sprintf("the lookup row maps %s to a keyspace id where table %s has no row with that value", showValue(r.value), lc.owner.Name)}
			if lc.info.Consistent {
				f.Message += " (a consistent lookup allows it: the next insert of the value takes the row over)"
				lc.c.r.warning(f)
			} else {
				lc.c.r.problem(f)
			}
		}
		return nil
	}
	q := "SELECT " + quoteIdent(lc.info.From[0]) + ", " + quoteIdent(lc.info.To) + " FROM " + lc.table()
	err := scanRows(ctx, lc.c.t.db, q, nil, func(row []any) error {
		if row[0] == nil {
			return nil
		}
		id, ok, err := lc.tr.KeyspaceIDOf(row[1])
		if err != nil || !ok {
			return nil
		}
		lc.c.r.Rows++
		batch = append(batch, lrow{value: copyRow(row[:1])[0], id: append([]byte(nil), id...)})
		if len(batch) == rowBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// lookupKeyspace returns the keyspace of the lookup table.
func (lc *lookupCheck) lookupKeyspace() string {
	if ks, _, ok := strings.Cut(lc.info.Table, "."); ok {
		return strings.Trim(ks, "`")
	}
	return lc.owner.Keyspace.Name
}

// ownersOf reads the owner rows with the values and returns, per value,
// the keyspace ids of those rows.
func (lc *lookupCheck) ownersOf(ctx context.Context, values []any) (map[string][][]byte, error) {
	pv := lc.owner.Primary()
	col := lc.cv.Columns[0]
	cols := union([]string{col}, pv.Columns)
	vcols := make([]int, len(pv.Columns))
	for i, c := range pv.Columns {
		vcols[i] = indexOf(cols, c)
	}
	var rows [][]any
	// Every shard is asked, not the one the lookup names: an owner row
	// on another shard is misplaced (placement reports it), not gone.
	q := "SELECT " + columnList(cols) + " FROM " + quoteIdent(lc.owner.Name) + " WHERE " + quoteIdent(col) + " IN (" + placeholders(len(values)) + ")"
	for _, sh := range lc.c.shards(lc.owner.Keyspace) {
		if lc.c.tables[sh.Keyspace][strings.ToLower(lc.owner.Name)][sh.Name] == nil {
			continue
		}
		if err := lc.c.scanShard(ctx, sh, q, values, func(row []any) error {
			rows = append(rows, copyRow(row))
			return nil
		}); err != nil {
			return nil, err
		}
	}
	out := map[string][][]byte{}
	if len(rows) == 0 {
		return out, nil
	}
	ids, err := lc.keyspaceIDs(ctx, rows, vcols)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if ids[i] != nil {
			k := valueKey(r[0])
			out[k] = append(out[k], ids[i])
		}
	}
	return out, nil
}

func hasID(ids [][]byte, id []byte) bool {
	for _, x := range ids {
		if key.Compare(x, id) == 0 || bytes.Equal(x, id) {
			return true
		}
	}
	return false
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
