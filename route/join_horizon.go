package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/vschema"
)

// needsHorizon reports a SELECT over a join whose select list or clauses
// the join alone does not run: DISTINCT, GROUP BY, HAVING, ORDER BY,
// LIMIT, aggregates, or a select item over more than one table or computed
// without an alias.
func needsHorizon(sel *sqlparser.Select) bool {
	if sel.Distinct != "" || len(sel.GroupBy) > 0 || sel.Having != nil || len(sel.OrderBy) > 0 || sel.Limit != nil || hasAggregate(sel.SelectExprs) {
		return true
	}
	for _, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			continue
		}
		if _, isCol := ae.Expr.(*sqlparser.ColName); !isCol && ae.As.IsEmpty() {
			return true
		}
		if len(qualifiersIn(ae.Expr)) > 1 {
			return true
		}
	}
	return false
}

// qualifiersIn returns the table qualifiers of the names under n.
func qualifiersIn(n sqlparser.SQLNode) map[string]bool {
	qs := map[string]bool{}
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if c, ok := n.(*sqlparser.ColName); ok {
			qs[strings.ToLower(c.Qualifier.Name.String())] = true
		}
		return true, nil
	}, n)
	return qs
}

// planJoinHorizon plans a SELECT over a join with a horizon (see
// needsHorizon): the join runs as `SELECT <every column the horizon
// names> FROM <the same FROM> WHERE <the same WHERE>`, a projection the
// join planner runs, and a relationSelect evaluates the select list,
// grouping, HAVING, DISTINCT, ORDER BY and LIMIT over its rows with the
// value rules of the tables' backend (eng).
func (p *Planner) planJoinHorizon(sel *sqlparser.Select, s *Session, nargs int, eng eval.Engine) (Plan, error) {
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	user := c.(*sqlparser.Select)
	type column struct{ qualifier, name string }
	var cols []column
	at := map[string]int{}
	var exprs sqlparser.SelectExprs
	var bad error
	collect := func(n sqlparser.SQLNode) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			cn, ok := n.(*sqlparser.ColName)
			if !ok || cn.Qualifier.IsEmpty() {
				return true, nil
			}
			if !cn.Qualifier.Qualifier.IsEmpty() && bad == nil {
				bad = joinRefusal("qualify column %s with its table's name or alias", sqlparser.String(cn))
			}
			col := column{strings.ToLower(cn.Qualifier.Name.String()), cn.Name.Lowered()}
			key := col.qualifier + "." + col.name
			if _, ok := at[key]; !ok {
				at[key] = len(cols)
				cols = append(cols, col)
				exprs = append(exprs, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: cn.Name, Qualifier: cn.Qualifier}})
			}
			return true, nil
		}, n)
	}
	for _, se := range user.SelectExprs {
		if _, ok := se.(*sqlparser.StarExpr); ok {
			return nil, joinRefusal("* in a join across shards: name the columns")
		}
	}
	collect(user.SelectExprs)
	collect(user.GroupBy)
	if user.Having != nil {
		collect(user.Having)
	}
	collect(user.OrderBy)
	if bad != nil {
		return nil, bad
	}
	if len(exprs) == 0 {
		exprs = sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: sqlparser.NewIntVal([]byte("1")), As: sqlparser.NewColIdent("vh_one")}}
	}
	rows := &sqlparser.Select{SelectExprs: exprs, From: sel.From, Where: sel.Where, Lock: sel.Lock}
	text := sqlparser.String(rows)
	stmt, err := Parse(text)
	if err != nil {
		return nil, err
	}
	input, err := p.planJoin(stmt.(*sqlparser.Select), s, nargs)
	if err != nil {
		return nil, err
	}
	named := nameColumns(user)
	width := len(exprs)
	src := relationSource{
		what:  "a join across shards",
		width: width,
		eng:   eng,
		resolve: func(cn *sqlparser.ColName) (int, error) {
			if cn.Qualifier.IsEmpty() {
				return 0, joinRefusal("qualify column %s with its table's name or alias", sqlparser.String(cn))
			}
			i, ok := at[strings.ToLower(cn.Qualifier.Name.String())+"."+cn.Name.Lowered()]
			if !ok {
				return 0, joinRefusal("column %s is not one the join reads", sqlparser.String(cn))
			}
			return i, nil
		},
		isColumn: p.fromColumnProbe(sel.From, s, nargs),
		itemName: userItemName(named),
		strict:   true,
	}
	user.Where = nil
	rel, err := compileRelationSelect(user, src)
	if err != nil {
		return nil, err
	}
	return &relationPlan{input: input, rel: rel, what: "join", nargs: nargs, maxRows: p.memoryRows()}, nil
}

// fromColumnProbe returns a function reporting whether a bare name is a
// column of one of the named tables of a FROM clause, asking each table's
// keyspace (see columnProbe).
func (p *Planner) fromColumnProbe(from sqlparser.TableExprs, s *Session, nargs int) func(string) (bool, error) {
	type table struct {
		ks  *vschema.Keyspace
		sel *sqlparser.Select
	}
	var tables []table
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		ate, ok := n.(*sqlparser.AliasedTableExpr)
		if !ok {
			return true, nil
		}
		tn, ok := ate.Expr.(sqlparser.TableName)
		if !ok {
			bad = unsupportedf("a name that is both a select alias and perhaps a column of %s: name the column qualified", sqlparser.String(ate))
			return false, nil
		}
		vt, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
		if err != nil {
			bad = err
			return false, nil
		}
		one := &sqlparser.AliasedTableExpr{Expr: sqlparser.TableName{Name: tn.Name}, As: ate.As}
		tables = append(tables, table{ks: vt.Keyspace, sel: &sqlparser.Select{From: sqlparser.TableExprs{one}}})
		return false, nil
	}, from)
	return func(name string) (bool, error) {
		if bad != nil {
			return false, bad
		}
		for _, t := range tables {
			ok, err := p.columnProbe(t.ks, t.sel, nargs)(name)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
}
