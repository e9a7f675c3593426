package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// A join key may pair columns of different kinds (a number column with a
// text one). One database compares the two columns by its own rules, and
// the join must follow them both in the inner statement, which compares
// the column with bound outer values, and at the merge, which compares
// the values:
//
//   - SQLite gives the text operand of a comparison with a column of
//     numeric affinity that affinity: '04' = 4 is true for t.note =
//     a.qty. A bound value has no affinity, so `t.note IN (4)` compares
//     text with '4' instead: the inner statement then also matches the
//     column as a number, `(t.note IN (…) OR t.note + 0 IN (…))`, a
//     superset of the matches, and the merge compares the key as numbers
//     (merge.JoinKey.Numeric), text that is a well-formed number as that
//     number. A numeric inner column gives the bound text the affinity
//     itself; the bound text that is a number is bound as the number, so
//     a vindex routes it as one.
//   - PostgreSQL has no = between a number and a text: the join fails as
//     one database fails.
//
// The kinds are the columns' declared types, read from the shards (a
// statement reading no row) when the plan is made; a derived table's
// plain column has its source column's. A computed column of a derived
// table has none known, and values of different kinds there are refused
// when they meet (merge.JoinKeyTypeError).

// keyKind is how the backend compares the two columns of a join key.
type keyKind struct {
	// numeric says they compare as numbers; castInner that the inner
	// column is the one without numeric affinity; unknown that a
	// column's type is not known.
	numeric, castInner, unknown bool
}

// keyKinds returns how eng compares each key of a step, or the error one
// database gives for the comparison.
func (jt *joinPlanner) keyKinds(st *joinStep, eng eval.Engine) ([]keyKind, error) {
	out := make([]keyKind, len(st.keys))
	for k, key := range st.keys {
		ot, oknown, err := jt.columnType(key[0])
		if err != nil {
			return nil, err
		}
		it, iknown, err := jt.columnType(key[1])
		if err != nil {
			return nil, err
		}
		if !oknown || !iknown {
			out[k].unknown = true
			continue
		}
		if eng == eval.PostgreSQL {
			if oc, ic := pgTypeCategory(ot), pgTypeCategory(it); oc != "" && ic != "" && oc != ic {
				return nil, planErrorf("operator does not exist: %s = %s", pgTypeName(ot), pgTypeName(it))
			}
			continue
		}
		if on, in := eval.HasNumericAffinity(ot), eval.HasNumericAffinity(it); on != in {
			out[k] = keyKind{numeric: true, castInner: on}
		}
	}
	return out, nil
}

// numericKeys marks the merge's keys the backend compares as numbers.
func numericKeys(keys []merge.JoinKey, kinds []keyKind) {
	for k := range keys {
		keys[k].Numeric = kinds[k].numeric
	}
}

// boundKey returns the condition binding the inner column col of a key
// to the batch's values list (see above).
func boundKey(col *sqlparser.ColName, list sqlparser.ValTuple, kind keyKind) sqlparser.Expr {
	in := &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: col, Right: list}
	if !kind.castInner {
		return in
	}
	asNumber := &sqlparser.BinaryExpr{Operator: sqlparser.PlusStr, Left: col, Right: sqlparser.NewIntVal([]byte("0"))}
	return &sqlparser.ParenExpr{Expr: &sqlparser.OrExpr{Left: in, Right: &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: asNumber, Right: list}}}
}

// columnType returns the declared type of a column of the join, that of
// its source for a plain column of a derived table; known is false for
// another column of a derived table.
func (jt *joinPlanner) columnType(c *sqlparser.ColName) (string, bool, error) {
	r, err := jt.refs(c)
	if err != nil {
		return "", false, err
	}
	t := jt.tables[leafIndex(r)]
	from, col, vt := t.expr, c, t.table
	if t.derived {
		var ok bool
		if from, col, ok = derivedColumnSource(t.expr, c.Name); !ok {
			return "", false, nil
		}
		tn := from.Expr.(sqlparser.TableName)
		if jt.p.heldTable(tn) != nil {
			return "", false, nil
		}
		if vt, err = jt.p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), jt.s.Keyspace); err != nil {
			return "", false, err
		}
	}
	return jt.p.probeColumnType(vt, from, col)
}

// derivedColumnSource returns the table and column of a derived
// table's SELECT that its output column name is (see derivedSource): a
// plain column of a table of its FROM, whose type the output keeps.
func derivedColumnSource(d *sqlparser.AliasedTableExpr, name sqlparser.ColIdent) (*sqlparser.AliasedTableExpr, *sqlparser.ColName, bool) {
	sel, ok := d.Expr.(*sqlparser.Subquery).Select.(*sqlparser.Select)
	if !ok {
		return nil, nil, false
	}
	col, ok := derivedSource(sel, name.String())
	if !ok {
		return nil, nil, false
	}
	var from *sqlparser.AliasedTableExpr
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		ate, ok := n.(*sqlparser.AliasedTableExpr)
		if !ok || from != nil {
			return from == nil, nil
		}
		alias := ate.As.String()
		if tn, ok := ate.Expr.(sqlparser.TableName); ok && alias == "" {
			alias = tn.Name.String()
		}
		if col.Qualifier.IsEmpty() && len(sel.From) == 1 || strings.EqualFold(alias, col.Qualifier.Name.String()) {
			from = ate
		}
		return false, nil
	}, sel.From)
	if from == nil {
		return nil, nil, false
	}
	if _, derived := from.Expr.(*sqlparser.Subquery); derived {
		return derivedColumnSource(from, col.Name)
	}
	if col.Qualifier.IsEmpty() {
		col = &sqlparser.ColName{Name: col.Name}
	}
	return from, col, true
}

// probeColumnType returns the declared type of column col of the table
// from (a FROM item of vt) as its first shard reports it for `SELECT col
// FROM from WHERE 1 = 0`; known is false when that shard has no database.
func (p *Planner) probeColumnType(vt *vschema.Table, from *sqlparser.AliasedTableExpr, col *sqlparser.ColName) (string, bool, error) {
	shards := p.topo.Shards(vt.Keyspace.Name)
	if len(shards) == 0 || shards[0].Backend == nil || shards[0].Backend.DB == nil {
		return "", false, nil
	}
	sh := shards[0]
	// The shard's database holds the table without its keyspace's name.
	if tn, ok := from.Expr.(sqlparser.TableName); ok && !tn.Qualifier.IsEmpty() {
		as := from.As
		if as.IsEmpty() {
			as = tn.Name
		}
		from = &sqlparser.AliasedTableExpr{Expr: sqlparser.TableName{Name: tn.Name}, As: as}
	}
	types, err := probeColumnTypes(sh, &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: col}}, From: sqlparser.TableExprs{from}}, 0)
	if err != nil || len(types) != 1 {
		return "", false, planErrorf("reading the type of %s on shard %s: %v", sqlparser.String(col), sh, err)
	}
	return types[0].DatabaseTypeName(), true, nil
}

// pgTypeCategory is "number" or "text" for PostgreSQL's types of those
// kinds, "" for the others.
func pgTypeCategory(t string) string {
	switch strings.ToUpper(t) {
	case "INT2", "INT4", "INT8", "NUMERIC", "FLOAT4", "FLOAT8", "OID":
		return "number"
	case "TEXT", "VARCHAR", "BPCHAR", "NAME":
		return "text"
	}
	return ""
}

// pgTypeName is PostgreSQL's name of a type in its error messages.
func pgTypeName(t string) string {
	switch strings.ToUpper(t) {
	case "INT2":
		return "smallint"
	case "INT4":
		return "integer"
	case "INT8":
		return "bigint"
	case "FLOAT4":
		return "real"
	case "FLOAT8":
		return "double precision"
	case "VARCHAR":
		return "character varying"
	case "BPCHAR":
		return "character"
	}
	return strings.ToLower(t)
}
