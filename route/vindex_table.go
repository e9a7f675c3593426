package route

import (
	"context"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// vindexTableColumns are the columns of a vindex queried as a table, as
// Vitess names them: the value, the keyspace id it maps to (or the key
// range, for a vindex that maps to a range), the keyspace id in hex, and
// the shard that holds it.
var vindexTableColumns = []string{"id", "keyspace_id", "range_start", "range_end", "hex_keyspace_id", "shard"}

// vindexTablePlan answers SELECT … FROM <vindex> WHERE id = v (or id IN
// (…)), Vitess's way to ask which shard holds a value: the router maps
// the values through the vindex itself, reading a lookup vindex's table
// through the cursor, and sends no statement of its own to the shards.
type vindexTablePlan struct {
	ks     *vschema.Keyspace
	name   string
	v      vindex.SingleColumn
	out    []int    // positions in vindexTableColumns of the output columns
	names  []string // the output columns' names
	values []valueExpr
	nargs  int
}

var _ Plan = (*vindexTablePlan)(nil)

// planVindexTable plans a SELECT whose one table is a vindex of the
// VSchema, not a table; ok is false for any other SELECT. A table the
// VSchema lists wins over a vindex of the same name.
func (p *Planner) planVindexTable(sel *sqlparser.Select, s *Session, nargs int) (Plan, bool, error) {
	if len(sel.From) != 1 {
		return nil, false, nil
	}
	ate, ok := sel.From[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return nil, false, nil
	}
	tn, ok := ate.Expr.(sqlparser.TableName)
	if !ok {
		return nil, false, nil
	}
	ks, v, err := p.findVindex(tn, s)
	if err != nil || v == nil {
		return nil, err == nil && v != nil, err
	}
	name := tn.Name.String()
	single, ok := v.(vindex.SingleColumn)
	if !ok {
		return nil, true, unsupportedf("vindex %s as a table: it maps several columns; only a vindex of one column can be queried", name)
	}
	if sel.Distinct != "" || len(sel.GroupBy) > 0 || sel.Having != nil || len(sel.OrderBy) > 0 || sel.Limit != nil || sel.Lock != "" {
		return nil, true, unsupportedf("vindex %s as a table: only SELECT columns FROM %s WHERE id = value (or id IN (values)) is answered", name, name)
	}
	vp := &vindexTablePlan{ks: ks, name: name, v: single, nargs: nargs}
	if err := vp.columns(sel.SelectExprs, ate); err != nil {
		return nil, true, err
	}
	if vp.values, err = vindexTableValues(sel.Where, ate, name); err != nil {
		return nil, true, err
	}
	return vp, true, nil
}

// findVindex returns the vindex a table name names, nil when it names a
// table or nothing.
func (p *Planner) findVindex(tn sqlparser.TableName, s *Session) (*vschema.Keyspace, vindex.Vindex, error) {
	name := tn.Name.String()
	lname := strings.ToLower(name)
	lookup := func(ks *vschema.Keyspace) vindex.Vindex {
		if ks == nil || ks.Tables[lname] != nil {
			return nil
		}
		if v := ks.Vindexes[name]; v != nil {
			return v
		}
		for n, v := range ks.Vindexes {
			if strings.EqualFold(n, name) {
				return v
			}
		}
		return nil
	}
	if q := tn.Qualifier.String(); q != "" {
		ks := p.vs.Keyspace(q)
		return ks, lookup(ks), nil
	}
	for _, n := range p.vs.KeyspaceNames() {
		if p.vs.Keyspace(n).Tables[lname] != nil {
			return nil, nil, nil
		}
	}
	if ks := p.vs.Keyspace(s.Keyspace); ks != nil {
		if v := lookup(ks); v != nil {
			return ks, v, nil
		}
	}
	var found []*vschema.Keyspace
	for _, n := range p.vs.KeyspaceNames() {
		if lookup(p.vs.Keyspace(n)) != nil {
			found = append(found, p.vs.Keyspace(n))
		}
	}
	switch len(found) {
	case 0:
		return nil, nil, nil
	case 1:
		return found[0], lookup(found[0]), nil
	}
	return nil, nil, planErrorf("vindex %q is in keyspaces %s and %s: qualify it as keyspace.%s", name, found[0].Name, found[1].Name, name)
}

// columns reads the select list: *, or columns of vindexTableColumns.
func (vp *vindexTablePlan) columns(exprs sqlparser.SelectExprs, ate *sqlparser.AliasedTableExpr) error {
	for _, se := range exprs {
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			for i, c := range vindexTableColumns {
				vp.out = append(vp.out, i)
				vp.names = append(vp.names, c)
			}
		case *sqlparser.AliasedExpr:
			col, ok := se.Expr.(*sqlparser.ColName)
			i := -1
			if ok && qualifies(col, ate) {
				i = indexOf(vindexTableColumns, col.Name.Lowered())
			}
			if i < 0 {
				return unsupportedf("vindex %s as a table: select %s; its columns are %s", vp.name, sqlparser.String(se.Expr), strings.Join(vindexTableColumns, ", "))
			}
			name := se.As.String()
			if name == "" {
				name = col.Name.String()
			}
			vp.out = append(vp.out, i)
			vp.names = append(vp.names, name)
		default:
			return unsupportedf("vindex %s as a table: select %s", vp.name, sqlparser.String(se))
		}
	}
	return nil
}

// qualifies reports whether a column's qualifier, if any, names the
// vindex table.
func qualifies(col *sqlparser.ColName, ate *sqlparser.AliasedTableExpr) bool {
	q := col.Qualifier.Name.String()
	if q == "" {
		return true
	}
	if !ate.As.IsEmpty() {
		return strings.EqualFold(q, ate.As.String())
	}
	tn, _ := ate.Expr.(sqlparser.TableName)
	return strings.EqualFold(q, tn.Name.String())
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// vindexTableValues reads WHERE id = value or WHERE id IN (values).
func vindexTableValues(where *sqlparser.Where, ate *sqlparser.AliasedTableExpr, name string) ([]valueExpr, error) {
	bad := unsupportedf("vindex %s as a table needs WHERE id = value or WHERE id IN (values), values literals or ?", name)
	if where == nil {
		return nil, bad
	}
	cmp, ok := where.Expr.(*sqlparser.ComparisonExpr)
	if !ok {
		return nil, bad
	}
	col, ok := cmp.Left.(*sqlparser.ColName)
	if !ok || col.Name.Lowered() != "id" || !qualifies(col, ate) {
		return nil, bad
	}
	var exprs []sqlparser.Expr
	switch cmp.Operator {
	case sqlparser.EqualStr:
		exprs = []sqlparser.Expr{cmp.Right}
	case sqlparser.InStr:
		tuple, ok := cmp.Right.(sqlparser.ValTuple)
		if !ok {
			return nil, bad
		}
		exprs = tuple
	default:
		return nil, bad
	}
	out := make([]valueExpr, len(exprs))
	for i, e := range exprs {
		v, ok := newValueExpr(e)
		if !ok {
			return nil, bad
		}
		out[i] = v
	}
	return out, nil
}

func (vp *vindexTablePlan) NumArgs() int { return vp.nargs }

// Query maps the values and returns a row per keyspace id (or key range,
// or shard) each maps to; a value that maps to nothing has no row.
func (vp *vindexTablePlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	values := make([]any, len(vp.values))
	for i, v := range vp.values {
		x, err := v.eval(args)
		if err != nil {
			return nil, err
		}
		values[i] = x
	}
	dests, err := vp.v.Map(ctx, vc, values)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: vindex %s: %w", vp.name, err)
	}
	shards := vp.ks.Shards
	var rows []merge.Row
	add := func(full []any) {
		row := make(merge.Row, len(vp.out))
		for i, j := range vp.out {
			row[i] = full[j]
		}
		rows = append(rows, row)
	}
	shardOf := func(id []byte) any {
		for i, kr := range vp.ks.KeyRanges {
			if kr.Contains(id) {
				return shards[i]
			}
		}
		return nil
	}
	keyspaceID := func(v any, id []byte) {
		if len(id) > 0 {
			add([]any{v, append([]byte(nil), id...), nil, nil, hex.EncodeToString(id), shardOf(id)})
		}
	}
	keyRange := func(v any, kr key.KeyRange) {
		for i, skr := range vp.ks.KeyRanges {
			if skr.Intersects(kr) {
				add([]any{v, nil, bound(kr.Start), bound(kr.End), nil, shards[i]})
			}
		}
	}
	for i, d := range dests {
		v := values[i]
		switch d := d.(type) {
		case key.DestinationKeyspaceID:
			keyspaceID(v, d)
		case key.DestinationKeyspaceIDs:
			for _, id := range d {
				keyspaceID(v, id)
			}
		case key.DestinationKeyRange:
			keyRange(v, key.KeyRange(d))
		case key.DestinationAllShards:
			keyRange(v, key.KeyRange{})
		case key.DestinationShard:
			for j, s := range shards {
				if s == string(d) {
					kr := vp.ks.KeyRanges[j]
					add([]any{v, nil, bound(kr.Start), bound(kr.End), nil, s})
				}
			}
		}
	}
	return merge.NewStatic(vp.resultColumns(rows), rows), nil
}

// bound returns a key-range bound as bytes, empty for an open end.
func bound(b []byte) []byte { return append([]byte{}, b...) }

// resultColumns describes the output columns: the values' type for id,
// binary for the keyspace ids and bounds, text for the rest.
func (vp *vindexTablePlan) resultColumns(rows []merge.Row) []merge.Column {
	cols := make([]merge.Column, len(vp.out))
	for i, j := range vp.out {
		c := merge.Column{Name: vp.names[i], DatabaseType: "VARCHAR", ScanType: reflect.TypeFor[string](), Nullable: true, HasNullable: true}
		switch vindexTableColumns[j] {
		case "keyspace_id", "range_start", "range_end":
			c.DatabaseType, c.ScanType = "VARBINARY", reflect.TypeFor[[]byte]()
		case "id":
			for _, r := range rows {
				if _, ok := r[i].(int64); ok {
					c.DatabaseType, c.ScanType = "BIGINT", reflect.TypeFor[int64]()
				}
				break
			}
		}
		cols[i] = c
	}
	return cols
}

func (vp *vindexTablePlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, vp, vc, args)
}

// Explain returns one row saying that the router maps the values: the
// vindex sends no statement of its own (a lookup vindex reads its table,
// as it does to route any statement).
func (vp *vindexTablePlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	how := "computed by the router"
	if tr, ok := vp.v.(vindex.TableReader); ok {
		how = "read from lookup table " + tr.LookupTable().Table
	}
	return []ExplainRow{{Keyspace: vp.ks.Name, Shard: "-", Query: fmt.Sprintf("-- vindex %s: keyspace ids of %d value(s) %s", vp.name, len(vp.values), how)}}, nil
}
