package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// A LEFT JOIN whose right (nullable) side is itself a join,
//
//	a LEFT JOIN (b JOIN c ON c.k = b.k) ON b.x = a.y
//
// (or a RIGHT JOIN whose left side is one, turned around before) cannot
// be flattened into the chain: the ON of the outer LEFT JOIN must filter
// only the rows of b JOIN c, and an a row none of them matches is
// NULL-extended once, whatever b alone matches. Its nullable side is
// planned as a subtree of its own, a derived table
//
//	a LEFT JOIN (SELECT b.x AS b__x, c.v AS c__v FROM b JOIN c ON c.k = b.k) AS vjn0 ON vjn0.b__x = a.y
//
// selecting the columns of b and c the rest of the statement names
// (renamed there to the derived table's columns). As the inner side of
// the join it is bound by each batch of outer key values: the IN list on
// its column moves into its WHERE (see pushIntoDerived), so the subtree
// runs once per batch over the rows that can match, routed by the key
// when it is a vindex column, and the merge NULL-extends the outer rows
// without a match (see joinPlan).

// nestNullableJoins returns sel with the nullable side of every LEFT
// JOIN that is a join replaced by a derived table (see above), and the
// aliases of those derived tables. sel has every column qualified.
func nestNullableJoins(sel *sqlparser.Select) (*sqlparser.Select, map[string]bool, error) {
	if !hasNullableJoin(sel.From) {
		return sel, nil, nil
	}
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, nil, err
	}
	sel = c.(*sqlparser.Select)
	nested := map[string]bool{}
	var walk func(te sqlparser.TableExpr) error
	walk = func(te sqlparser.TableExpr) error {
		switch te := te.(type) {
		case *sqlparser.ParenTableExpr:
			for _, e := range te.Exprs {
				if err := walk(e); err != nil {
					return err
				}
			}
		case *sqlparser.JoinTableExpr:
			if err := walk(te.LeftExpr); err != nil {
				return err
			}
			if te.Join != sqlparser.LeftJoinStr || oneTable(te.RightExpr) != nil {
				return walk(te.RightExpr)
			}
			alias := "vjn" + strconv.Itoa(len(nested))
			d, err := nestSubtree(sel, te.RightExpr, alias)
			if err != nil {
				return err
			}
			nested[alias] = true
			te.RightExpr = d
		}
		return nil
	}
	for _, te := range sel.From {
		if err := walk(te); err != nil {
			return nil, nil, err
		}
	}
	return sel, nested, nil
}

// hasNullableJoin reports a LEFT JOIN whose right side is a join.
func hasNullableJoin(from sqlparser.TableExprs) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if te, ok := n.(*sqlparser.JoinTableExpr); ok && te.Join == sqlparser.LeftJoinStr && oneTable(te.RightExpr) == nil {
			found = true
		}
		_, sub := n.(*sqlparser.Subquery)
		return !found && !sub, nil
	}, from)
	return found
}

// nestSubtree returns the derived table, named alias, that selects the
// columns of the tables of sub that sel names outside sub, and renames
// those names in sel to its columns.
func nestSubtree(sel *sqlparser.Select, sub sqlparser.TableExpr, alias string) (*sqlparser.AliasedTableExpr, error) {
	inside := map[string]bool{}
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if ate, ok := n.(*sqlparser.AliasedTableExpr); ok {
			name := ate.As.String()
			if tn, ok := ate.Expr.(sqlparser.TableName); ok && name == "" {
				name = tn.Name.String()
			}
			inside[strings.ToLower(name)] = true
			return false, nil
		}
		return true, nil
	}, sub)
	// The names outside sub of its tables: every node of sel but sub.
	var names []*sqlparser.ColName
	// hidden are the names of sub's tables a subquery names a table of
	// its own by, which its columns of that name read.
	var visitIn func(n sqlparser.SQLNode, hidden map[string]bool)
	visitIn = func(n sqlparser.SQLNode, hidden map[string]bool) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			switch x := n.(type) {
			case *sqlparser.JoinTableExpr:
				if x.RightExpr == sub {
					visitIn(x.LeftExpr, hidden)
					visitIn(x.Condition.On, hidden)
					return false, nil
				}
				if x.LeftExpr == sub {
					visitIn(x.RightExpr, hidden)
					visitIn(x.Condition.On, hidden)
					return false, nil
				}
			case *sqlparser.Subquery:
				// A subquery reading sub's tables (a correlated one in
				// the ON) reads the derived table's columns too.
				inner := map[string]bool{}
				for name := range hidden {
					inner[name] = true
				}
				for name := range innerNames(x.Select) {
					inner[name] = true
				}
				visitIn(x.Select, inner)
				return false, nil
			case *sqlparser.ColName:
				q := strings.ToLower(x.Qualifier.Name.String())
				if x.Qualifier.Qualifier.IsEmpty() && inside[q] && !hidden[q] {
					names = append(names, x)
				}
			}
			return true, nil
		}, n)
	}
	visit := func(n sqlparser.SQLNode) { visitIn(n, nil) }
	for _, n := range []sqlparser.SQLNode{sel.SelectExprs, sel.From, sel.Where, sel.GroupBy, sel.Having, sel.OrderBy} {
		visit(n)
	}
	if onHasSubquery(sub) {
		return nil, joinRefusal("a subquery in the join condition of the nullable side %s of a LEFT JOIN", sqlparser.String(sub))
	}
	// A select item that is such a name keeps the name one database gives it.
	for _, se := range sel.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && ae.As.IsEmpty() {
			if c, ok := ae.Expr.(*sqlparser.ColName); ok && inside[strings.ToLower(c.Qualifier.Name.String())] {
				ae.As = c.Name
			}
		}
	}
	d := &sqlparser.Select{From: sqlparser.TableExprs{sub}}
	column := map[string]string{}
	for _, c := range names {
		key := strings.ToLower(c.Qualifier.Name.String()) + "." + c.Name.Lowered()
		col, ok := column[key]
		if !ok {
			col = strings.ToLower(c.Qualifier.Name.String()) + "__" + c.Name.Lowered()
			column[key] = col
			d.SelectExprs = append(d.SelectExprs, &sqlparser.AliasedExpr{
				Expr: &sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier}, As: sqlparser.NewColIdent(col)})
		}
		c.Name = sqlparser.NewColIdent(col)
		c.Qualifier = sqlparser.TableName{Name: sqlparser.NewTableIdent(alias)}
	}
	if len(d.SelectExprs) == 0 {
		d.SelectExprs = sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: sqlparser.NewIntVal([]byte("1")), As: sqlparser.NewColIdent("vjone")}}
	}
	return &sqlparser.AliasedTableExpr{Expr: &sqlparser.Subquery{Select: d}, As: sqlparser.NewTableIdent(alias)}, nil
}

// onHasSubquery reports a subquery in a join condition under te (derived
// tables are planned on their own).
func onHasSubquery(te sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.AliasedTableExpr:
			return false, nil
		case *sqlparser.JoinTableExpr:
			if n.Condition.On != nil && exprHasSubquery(n.Condition.On) {
				found = true
			}
		}
		return !found, nil
	}, te)
	return found
}
