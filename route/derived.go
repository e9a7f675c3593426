package route

import (
	"errors"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// A derived table (a SELECT in FROM) whose own GROUP BY, aggregates,
// DISTINCT, LIMIT or UNION cannot run on each shard apart is planned as a
// statement of its own, whose merge gives its rows exactly, and the outer
// SELECT is evaluated by the router over those rows (a relationPlan):
//
//	SELECT d.grp, d.n FROM (SELECT grp, COUNT(*) AS n FROM items GROUP BY grp) AS d WHERE d.n > 1
//	  Evaluate (derived table d) Filter | Project #1, #2
//	    the merge of SELECT grp, COUNT(*) AS n FROM items GROUP BY grp
//
// The outer statement's names resolve to the derived table's columns:
// `d.n`, `n`, `d.*` and `*`.

// derivedFrom returns the derived table of a SELECT reading one derived
// table and nothing else, or nil.
func derivedFrom(sel *sqlparser.Select) *sqlparser.AliasedTableExpr {
	if len(sel.From) != 1 {
		return nil
	}
	ate, ok := sel.From[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return nil
	}
	if _, ok := ate.Expr.(*sqlparser.Subquery); !ok || ate.As.IsEmpty() {
		return nil
	}
	return ate
}

// planDerivedInstead plans sel (a copy the caller owns) with its derived
// table evaluated apart (planDerived), where routing or pushing it down
// as analysed in a failed with cause. When that fails as well for want
// of support, the error gives both reasons.
func (p *Planner) planDerivedInstead(sel *sqlparser.Select, s *Session, nargs int, a *analysis, cause error) (Plan, error) {
	var ue *UnsupportedError
	if !errors.As(cause, &ue) {
		return nil, cause
	}
	eng := p.engineOfKeyspace(p.defaultKeyspace(s))
	if len(a.tables) > 0 {
		eng = p.engineOfKeyspace(a.tables[0].table.Keyspace)
	}
	var pl Plan
	var err error
	if x, y := p.mixedBackends(a.tables); x != nil && !passesRows(sel) {
		err = unsupportedf("evaluating a SELECT over the rows of %s (%s) and %s (%s): the router would compare values by one backend's rules",
			x, x.Backend.Product(), y, y.Backend.Product())
	} else {
		pl, err = p.planDerived(sel, s, nargs, eng)
	}
	var de *UnsupportedError
	if errors.As(err, &de) {
		return nil, unsupportedf("%s; over its rows: %s", ue.Msg, de.Msg)
	}
	return pl, err
}

// passesRows reports an outer SELECT that passes its derived table's
// rows through: plain columns and *, no clause that compares, groups or
// computes.
func passesRows(sel *sqlparser.Select) bool {
	if sel.Where != nil || sel.Having != nil || len(sel.GroupBy) > 0 || len(sel.OrderBy) > 0 || sel.Distinct != "" {
		return false
	}
	for _, se := range sel.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok {
			if _, isCol := ae.Expr.(*sqlparser.ColName); !isCol {
				return false
			}
		}
	}
	return true
}

// planDerived plans a SELECT over one derived table (see derivedFrom):
// the derived table's SELECT is planned on its own, and the outer SELECT
// is evaluated over its rows with the value rules eng of its tables'
// backend.
func (p *Planner) planDerived(sel *sqlparser.Select, s *Session, nargs int, eng eval.Engine) (Plan, error) {
	ate := derivedFrom(sel)
	if ate == nil {
		return nil, planErrorf("%s reads no derived table alone", sqlparser.String(sel))
	}
	alias := ate.As.String()
	if sel.Lock != "" {
		return nil, unsupportedf("%s over the derived table %s evaluated by the router: lock the rows in a statement of their own", strings.TrimSpace(strings.ToUpper(sel.Lock)), alias)
	}
	inner := ate.Expr.(*sqlparser.Subquery).Select
	cols, known := derivedColumns(inner)
	if !known && hasOuterSubquery(sel) {
		// Its columns are named only when its rows arrive: the refusal
		// of compileRelationSelect comes now, so the statement is
		// planned another way (a semi-join) rather than failing when it
		// runs.
		return nil, unsupportedf("a subquery in a SELECT evaluated over the rows of the derived table %s", alias)
	}
	cols = p.nameUnnamed(ate, cols, s, nargs)
	input, err := p.planSelect(inner, s, nargs)
	if err != nil {
		return nil, err
	}
	dp := &derivedPlan{alias: alias, eng: eng}
	rp := &relationPlan{input: input, what: "derived table " + alias, nargs: nargs, maxRows: p.memoryRows()}
	if !known {
		// The derived table selects *: its columns are named by the
		// rows, when they arrive.
		text := sqlparser.String(sel)
		rp.late = func(mc []merge.Column) (*relationSelect, error) {
			names := make([]derivedColumn, len(mc))
			for i, c := range mc {
				names[i] = derivedColumn{name: c.Name}
			}
			c, err := Parse(text)
			if err != nil {
				return nil, err
			}
			return dp.compile(c.(*sqlparser.Select), names)
		}
		return rp, nil
	}
	if rp.rel, err = dp.compile(sel, cols); err != nil {
		return nil, err
	}
	return rp, nil
}

// derivedColumn is one column of a derived table. unnamed marks an item
// computed without an alias, which each backend names its own way;
// backend marks a name the backend gave such an item (derived_names.go),
// which * gives the column.
type derivedColumn struct {
	name    string
	unnamed bool
	backend bool
}

// derivedColumns returns the columns of a derived table's SELECT (the
// first SELECT of a UNION), named as the backends name them; known is
// false when it selects *, whose columns only its rows name.
func derivedColumns(sel sqlparser.SelectStatement) (cols []derivedColumn, known bool) {
	s := firstSelect(sel)
	if s == nil {
		return nil, false
	}
	for _, se := range s.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, false
		}
		switch {
		case !ae.As.IsEmpty():
			cols = append(cols, derivedColumn{name: ae.As.String()})
		default:
			if c, ok := ae.Expr.(*sqlparser.ColName); ok {
				cols = append(cols, derivedColumn{name: c.Name.String()})
			} else {
				cols = append(cols, derivedColumn{name: sqlparser.String(ae.Expr), unnamed: true})
			}
		}
	}
	return cols, true
}

// derivedPlan compiles the outer SELECT of a derived table evaluated by
// the router.
type derivedPlan struct {
	alias string
	eng   eval.Engine
}

// compile compiles the outer SELECT sel over the derived table's columns.
func (dp *derivedPlan) compile(sel *sqlparser.Select, cols []derivedColumn) (*relationSelect, error) {
	what := "the derived table " + dp.alias
	lookup := func(name string) (int, error) {
		found := -1
		for i, c := range cols {
			if strings.EqualFold(c.name, name) {
				if found >= 0 {
					return 0, planErrorf("column %s is ambiguous in %s", name, what)
				}
				found = i
			}
		}
		if found < 0 {
			return 0, planErrorf("unknown column %s in %s", name, what)
		}
		if cols[found].unnamed {
			return 0, unsupportedf("column %s of %s is computed without an alias, which each backend names its own way: name it with AS", name, what)
		}
		return found, nil
	}
	named := nameColumns(sel)
	src := relationSource{
		what:  what,
		width: len(cols),
		eng:   dp.eng,
		resolve: func(c *sqlparser.ColName) (int, error) {
			if !c.Qualifier.IsEmpty() && (!c.Qualifier.Qualifier.IsEmpty() || !strings.EqualFold(c.Qualifier.Name.String(), dp.alias)) {
				return 0, planErrorf("column %s names no table of the query (the derived table is %s)", sqlparser.String(c), dp.alias)
			}
			return lookup(c.Name.String())
		},
		isColumn: func(name string) (bool, error) {
			for _, c := range cols {
				if strings.EqualFold(c.name, name) {
					return true, nil
				}
			}
			return false, nil
		},
		star: func(se *sqlparser.StarExpr) ([]int, []string, error) {
			if !se.TableName.IsEmpty() && (!se.TableName.Qualifier.IsEmpty() || !strings.EqualFold(se.TableName.Name.String(), dp.alias)) {
				return nil, nil, planErrorf("%s names no table of the query (the derived table is %s)", sqlparser.String(se), dp.alias)
			}
			idx := make([]int, len(cols))
			names := make([]string, len(cols))
			for i, c := range cols {
				if c.unnamed {
					return nil, nil, unsupportedf("%s over %s, whose column %s is computed without an alias, which each backend names its own way: name it with AS", sqlparser.String(se), what, c.name)
				}
				idx[i] = i
				if c.backend {
					names[i] = c.name
				}
			}
			return idx, names, nil
		},
		itemName: userItemName(named),
		strict:   true,
	}
	return compileRelationSelect(sel, src)
}

// impossibleDerived returns the impossibleQuery of a SELECT over one
// derived table: the derived table's SELECT gets the WHERE no row
// satisfies, and the outer one keeps its own, so the statement returns
// what one database returns when the tables hold no row it reads (the
// one row of a derived table's scalar aggregate, then filtered by the
// outer WHERE). nil when sel reads no derived table alone.
func impossibleDerived(sel *sqlparser.Select) *sqlparser.Select {
	ate := derivedFrom(sel)
	if ate == nil {
		return nil
	}
	sub := ate.Expr.(*sqlparser.Subquery)
	d := *ate
	d.Expr = &sqlparser.Subquery{Select: impossibleQuery(sub.Select)}
	c := *sel
	c.From = sqlparser.TableExprs{&d}
	return &c
}

// joinedDerivedRefusal adds to an unsupported error of a SELECT that
// joins a derived table with other tables why the router does not run it
// as it runs a derived table read alone: the join across shards takes
// tables only.
func joinedDerivedRefusal(sel sqlparser.SelectStatement, err error) error {
	s, ok := sel.(*sqlparser.Select)
	var ue *UnsupportedError
	if !ok || derivedFrom(s) != nil || !errors.As(err, &ue) {
		return err
	}
	joined := ""
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if ate, ok := n.(*sqlparser.AliasedTableExpr); ok {
			if _, ok := ate.Expr.(*sqlparser.Subquery); ok && joined == "" {
				joined = ate.As.String()
			}
			return false, nil
		}
		return true, nil
	}, s.From)
	if joined == "" {
		return err
	}
	return unsupportedf("%s (the derived table %s is joined with other tables: only a derived table read alone is evaluated over its merged rows, and a join across shards joins tables)", ue.Msg, joined)
}

// hasOuterSubquery reports a subquery in the clauses of sel the router
// would evaluate over its derived table's rows (not in its FROM).
func hasOuterSubquery(sel *sqlparser.Select) bool {
	for _, n := range []sqlparser.SQLNode{sel.SelectExprs, sel.Where, sel.GroupBy, sel.Having, sel.OrderBy, sel.Limit} {
		if n != nil && hasSubqueryIn(n) {
			return true
		}
	}
	return false
}
