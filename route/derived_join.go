package route

import (
	"errors"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/vschema"
)

// A derived table joined with tables, when the statement cannot go to the
// shards as one, is a leaf of the join of its own (see join_tree.go): its
// statement is `SELECT d.x, … FROM (…) AS d [WHERE conditions on d]`,
// planned as any SELECT over one derived table is (pushed down when its
// shards run it, else the derived SELECT merged and the outer one
// evaluated over its rows, see derived.go). Its columns are the derived
// table's output names.
//
// As the first leaf of the chain it is the outer side, and the next leaf
// is bound by its key values. As an inner side it is read in batches
// bound by the outer rows' key values when its key column is, inside
// its SELECT, the primary vindex column of a sharded table and the
// condition on it moves into that SELECT (see derivedBindable): each
// batch then routes to the shards of its keys and computes the derived
// rows of those keys only. Otherwise it is read once, unbound, within
// max_memory_rows, and matched by the join keys at the merge: a batch of
// keys would not narrow what its whole SELECT computes.
//
//	SELECT d.grp, d.n, i.name FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) AS d JOIN items i ON i.id = d.grp
//	  Join (bound i.id) | the derived table d evaluated over its merged rows, then items by id
//	SELECT i.name, d.n FROM items i JOIN (SELECT item_id, COUNT(*) AS n FROM item_tags GROUP BY item_id) AS d ON d.item_id = i.id
//	  Join (bound d.item_id) | items, then d's SELECT WHERE item_id IN (batch), routed by item_id

// joinsDerived reports a SELECT whose FROM joins a derived table with
// other tables (no other kind of FROM item).
func joinsDerived(sel *sqlparser.Select) bool {
	tables, derived, ok := fromItems(sel)
	return ok && derived > 0 && tables+derived > 1
}

// derivedTable returns the first table a derived table's SELECT reads,
// whose keyspace gives the backend its rows are compared by.
func (p *Planner) derivedTable(te *sqlparser.AliasedTableExpr, s *Session) (*vschema.Table, error) {
	var tn *sqlparser.TableName
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if ate, ok := n.(*sqlparser.AliasedTableExpr); ok && tn == nil {
			if t, ok := ate.Expr.(sqlparser.TableName); ok {
				tn = &t
			}
		}
		return tn == nil, nil
	}, te.Expr)
	if tn == nil {
		return nil, joinRefusal("the derived table %s reads no table", te.As.String())
	}
	if rel := p.heldTable(*tn); rel != nil {
		if rel.table == nil {
			return nil, joinRefusal("the common table expression %s reads no table", rel.name)
		}
		return rel.table, nil
	}
	return p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
}

// derivedJoinColumns returns the columns of a derived table in a join,
// named by its alias (see derivedSelectColumns).
//
// A column computed without an alias is named as the backend names it,
// asked of one shard of the derived table's keyspace (see nameUnnamed),
// when the derived table selects no *.
func (p *Planner) derivedJoinColumns(te *sqlparser.AliasedTableExpr, s *Session) ([]joinColumn, error) {
	names, err := p.derivedSelectColumns(te.Expr.(*sqlparser.Subquery).Select, s, te.As.String())
	var unnamed *unnamedColumnError
	if errors.As(err, &unnamed) {
		names, err = p.backendNamedColumns(te, s, unnamed)
	}
	if err != nil {
		return nil, err
	}
	out := make([]joinColumn, len(names))
	for i, n := range names {
		out[i] = joinColumn{table: te.As.String(), name: n}
	}
	return out, nil
}

// derivedSelectColumns returns the names of the columns of a derived
// table's SELECT (the first of a UNION): each item's alias or column
// name, and for * (or t.*) the columns of its FROM tables (or of t) in
// FROM order, a table's as its VSchema declares them or its first shard
// reports them (tableColumns), a derived table's by the same rules. A *
// over a FROM with USING or NATURAL (which merge columns) or over tables
// sharing a column name is refused: its columns are not one name each.
func (p *Planner) derivedSelectColumns(stmt sqlparser.SelectStatement, s *Session, alias string) ([]string, error) {
	sel := firstSelect(stmt)
	if sel == nil {
		return nil, joinRefusal("the derived table %s is not a SELECT", alias)
	}
	var names []string
	var from []starTable
	var unnamed *unnamedColumnError
	for _, se := range sel.SelectExprs {
		switch se := se.(type) {
		case *sqlparser.AliasedExpr:
			name := se.As.String()
			if name == "" {
				c, ok := se.Expr.(*sqlparser.ColName)
				if !ok {
					if unnamed == nil {
						unnamed = &unnamedColumnError{refusal: joinRefusal("the column %s of the derived table %s is computed without an alias, which each backend names its own way: name it with AS", sqlparser.String(se.Expr), alias)}
					}
					unnamed.at = append(unnamed.at, len(names))
					unnamed.items = append(unnamed.items, se)
					names = append(names, "")
					continue
				}
				name = c.Name.String()
			}
			names = append(names, name)
		case *sqlparser.StarExpr:
			if from == nil {
				var err error
				if from, err = p.starTables(sel, s, alias); err != nil {
					return nil, err
				}
			}
			found := false
			for _, t := range from {
				if se.TableName.IsEmpty() || strings.EqualFold(t.name, se.TableName.Name.String()) {
					names = append(names, t.cols...)
					found = true
				}
			}
			if !found {
				return nil, planErrorf("unknown table %s in %s", se.TableName.Name.String(), sqlparser.String(se))
			}
		default:
			return nil, joinRefusal("the derived table %s selects %s", alias, sqlparser.String(se))
		}
	}
	if unnamed != nil {
		unnamed.names = names
		return nil, unnamed
	}
	if err := distinctNames(names, alias); err != nil {
		return nil, err
	}
	return names, nil
}

// distinctNames refuses a derived table of a join with two columns of
// one name.
func distinctNames(names []string, alias string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[strings.ToLower(n)] {
			return joinRefusal("the derived table %s has two columns named %s: name them apart to join it with other tables", alias, n)
		}
		seen[strings.ToLower(n)] = true
	}
	return nil
}

// starTable is a table a * reads: its name (or alias) and its columns.
type starTable struct {
	name string
	cols []string
}

// starTables returns the tables a derived SELECT's * reads, in FROM order.
func (p *Planner) starTables(sel *sqlparser.Select, s *Session, alias string) ([]starTable, error) {
	var out []starTable
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if bad != nil {
			return false, nil
		}
		switch te := n.(type) {
		case *sqlparser.JoinTableExpr:
			if len(te.Condition.Using) > 0 || strings.Contains(te.Join, "natural") {
				bad = joinRefusal("the derived table %s selects * over a join with USING or NATURAL: name its columns to join it with other tables", alias)
			}
		case *sqlparser.AliasedTableExpr:
			var cols []string
			var err error
			name := te.As.String()
			switch x := te.Expr.(type) {
			case sqlparser.TableName:
				if name == "" {
					name = x.Name.String()
				}
				var vt *vschema.Table
				if vt, err = p.vs.FindTable(x.Qualifier.String(), x.Name.String(), s.Keyspace); err == nil {
					cols, err = p.tableColumns(vt)
				}
			case *sqlparser.Subquery:
				cols, err = p.derivedSelectColumns(x.Select, s, name)
			default:
				err = joinRefusal("the derived table %s selects * over %s", alias, sqlparser.String(te))
			}
			bad = err
			out = append(out, starTable{name: name, cols: cols})
			return false, nil
		}
		return true, nil
	}, sel.From)
	return out, bad
}

// planDerivedJoin plans sel (a copy the caller owns), which joins a
// derived table with tables, as a join at the merge, where routing or
// pushing it down as analysed in a failed with cause.
func (p *Planner) planDerivedJoin(sel *sqlparser.Select, s *Session, nargs int, a *analysis, cause error) (Plan, error) {
	var ue *UnsupportedError
	if !errors.As(cause, &ue) {
		return nil, cause
	}
	eng := p.engineOfKeyspace(p.defaultKeyspace(s))
	if len(a.tables) > 0 {
		eng = p.engineOfKeyspace(a.tables[0].table.Keyspace)
	}
	return p.planJoinSelect(sel, s, nargs, eng, cause)
}

// derivedBindable reports whether a derived table in a join may be read
// in batches bound by its key column key: a condition on key moves into
// its SELECT (see pushIntoDerived), so a batch's rows are its rows whose
// key is among the batch's, and lands on the primary vindex column of a
// sharded table there, so each batch routes to its keys' shards.
func (p *Planner) derivedBindable(te *sqlparser.AliasedTableExpr, key *sqlparser.ColName, s *Session) bool {
	sq, ok := te.Expr.(*sqlparser.Subquery)
	if !ok {
		return false
	}
	inner, ok := sq.Select.(*sqlparser.Select)
	if !ok || inner.Limit != nil || inner.Lock != "" || len(inner.From) != 1 {
		return false
	}
	probe := &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: &sqlparser.ColName{Name: key.Name, Qualifier: key.Qualifier}, Right: sqlparser.NewIntVal([]byte("0"))}
	moved, ok := derivedCondition(probe, te.As.String(), inner)
	if !ok || !partitionsHold(inner, moved) {
		return false
	}
	col, ok := moved.(*sqlparser.ComparisonExpr).Left.(*sqlparser.ColName)
	if !ok {
		return false
	}
	ate, ok := inner.From[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return false
	}
	tn, ok := ate.Expr.(sqlparser.TableName)
	if !ok {
		return false
	}
	if q := col.Qualifier.Name.String(); q != "" && !strings.EqualFold(q, ate.As.String()) && !strings.EqualFold(q, tn.Name.String()) {
		return false
	}
	t, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
	if err != nil || !t.IsSharded() {
		return false
	}
	prim := t.Primary()
	return prim != nil && len(prim.Columns) == 1 && prim.Columns[0] == col.Name.Lowered()
}
