package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// correlation is a correlated subquery's inner statement: it selects the
// inner key columns (equal to outerCols), then the value at value.
type correlation struct {
	plan      Plan
	outerCols []sqlparser.Expr
	value     int
	dflt      any
	// residual is the rest of the correlation, over residualOuter
	// followed by the inner row (see semiSubquery).
	residual      *mergeValue
	residualOuter []sqlparser.Expr
	residualText  string
	// bound marks a plan run per tuple of outerCols bound as arguments
	// (see bindCorrelation); ordered, a scalar one whose ORDER BY decides
	// its row.
	bound, ordered bool
	// cut is an unordered LIMIT taken off a bound subquery; keep the
	// rows an ORDER BY keeps, over the inner columns orderCols (see
	// merge.Correlated).
	cut, keep int
	orderCols []int
}

// correlate checks that a subquery is correlated only by equalities of an
// inner and an outer column among the conditions of its WHERE joined by
// AND, and plans its inner statement: `SELECT <inner key columns>[,
// <value>] FROM <its FROM> WHERE <its other conditions> AND <a key
// column> IN (<batch>)`, grouped by the key columns for a scalar
// aggregate. The key bound is the one on the inner table's primary
// vindex column when there is one, so the batch routes the statement.
func (p *Planner) correlate(f semiFound, s *Session, nargs, batch int, eng eval.Engine) (*correlation, error) {
	sub, ok := f.sub.Select.(*sqlparser.Select)
	if !ok {
		return nil, semiRefusalf("a UNION in a correlated subquery (%s)", sqlparser.String(f.sub))
	}
	text := sqlparser.String(f.sub)
	switch {
	case len(sub.GroupBy) > 0 || sub.Having != nil:
		return nil, semiRefusalf("GROUP BY or HAVING in the correlated subquery %s", text)
	case sub.Limit != nil:
		return nil, semiRefusalf("LIMIT in the correlated subquery %s", text)
	case sub.Lock != "":
		return nil, semiRefusalf("a locking correlated subquery %s", text)
	}
	inner := innerNames(sub)
	isOuter := func(c *sqlparser.ColName) bool {
		return !c.Qualifier.IsEmpty() && !inner[strings.ToLower(c.Qualifier.Name.String())]
	}
	outerRef := func(n sqlparser.SQLNode) bool {
		found := false
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if c, ok := n.(*sqlparser.ColName); ok && isOuter(c) {
				found = true
			}
			return !found, nil
		}, n)
		return found
	}
	innerRef := func(n sqlparser.SQLNode) bool {
		found := false
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if c, ok := n.(*sqlparser.ColName); ok && !isOuter(c) {
				found = true
			}
			return !found, nil
		}, n)
		return found
	}
	if outerRef(sub.From) || outerRef(sub.SelectExprs) || outerRef(sub.OrderBy) {
		return nil, semiRefusalf("the subquery %s names outer columns outside its WHERE", text)
	}
	var value sqlparser.Expr
	agg := ""
	if f.kind == merge.SemiIn || f.kind == merge.SemiNotIn || f.kind == merge.SemiValue {
		if len(sub.SelectExprs) != 1 {
			return nil, semiRefusalf("the subquery %s selects %d columns, want 1", text, len(sub.SelectExprs))
		}
		ae, ok := sub.SelectExprs[0].(*sqlparser.AliasedExpr)
		if !ok {
			return nil, semiRefusalf("* in the subquery %s", text)
		}
		value = ae.Expr
		if hasAggregate(sub.SelectExprs) {
			fn, ok := value.(*sqlparser.FuncExpr)
			if f.kind != merge.SemiValue || !ok || !dialect.IsAggregate(fn) {
				return nil, semiRefusalf("the aggregate in %s: only a scalar subquery selecting one aggregate call runs per outer row", text)
			}
			agg = fn.Name.Lowered()
			switch agg {
			case "count", "sum", "min", "max", "avg":
			default:
				return nil, semiRefusalf("the aggregate %s of a correlated subquery", strings.ToUpper(agg))
			}
		} else if f.kind == merge.SemiValue && (sub.Distinct != "" || len(sub.OrderBy) > 0) {
			return nil, semiRefusalf("DISTINCT or ORDER BY in the scalar subquery %s", text)
		}
	} else if hasAggregate(sub.SelectExprs) {
		return nil, semiRefusalf("the aggregate in the EXISTS subquery %s (it always has a row)", text)
	}
	var innerCols, outerCols []sqlparser.Expr
	var conds, residual []sqlparser.Expr
	if sub.Where != nil {
		for _, c := range splitAnd(sub.Where.Expr) {
			if !outerRef(c) {
				conds = append(conds, c)
				continue
			}
			if hasSubqueryIn(c) {
				return nil, semiRefusalf("the condition %s: a subquery in a correlation", sqlparser.String(c))
			}
			cmp, ok := c.(*sqlparser.ComparisonExpr)
			if ok && cmp.Operator == sqlparser.EqualStr {
				a, b := cmp.Left, cmp.Right
				if outerRef(a) {
					a, b = b, a
				}
				if !outerRef(a) && !innerRef(b) {
					innerCols = append(innerCols, a)
					outerCols = append(outerCols, b)
					continue
				}
			}
			residual = append(residual, c)
		}
	}
	if len(innerCols) == 0 {
		if len(residual) > 0 {
			return nil, semiRefusalf("the condition %s: a correlated subquery runs by an equality of an inner and an outer value, and this one has none", sqlparser.String(andAll(residual)))
		}
		return nil, semiRefusalf("the subquery %s names outer columns outside the conditions of its WHERE", text)
	}
	if len(residual) > 0 && agg != "" {
		return nil, semiRefusalf("the condition %s of the aggregating subquery %s: only equalities of an inner and an outer value correlate an aggregate", sqlparser.String(andAll(residual)), text)
	}
	innerTables, err := p.fromTables(sub.From, s)
	if err != nil {
		return nil, err
	}
	for _, t := range innerTables {
		if p.engineOfKeyspace(t.Keyspace) != eng {
			return nil, semiRefusalf("the subquery's tables are on a backend that compares values by other rules than the statement's")
		}
	}
	// Bind the key on a primary vindex column of an inner table, else the first.
	bindAt := 0
	for k, c := range innerCols {
		if cn, ok := c.(*sqlparser.ColName); ok && p.isPrimaryVindexColumn(sub.From, cn, s) {
			bindAt = k
			break
		}
	}
	innerCols[0], innerCols[bindAt] = innerCols[bindAt], innerCols[0]
	outerCols[0], outerCols[bindAt] = outerCols[bindAt], outerCols[0]
	var list sqlparser.ValTuple
	for b := 0; b < batch; b++ {
		list = append(list, sqlparser.NewValArg([]byte(":v"+strconv.Itoa(nargs+b+1))))
	}
	conds = append(conds, &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: innerCols[0], Right: list})
	is := &sqlparser.Select{From: sub.From, Where: sqlparser.NewWhere(sqlparser.WhereStr, andAll(conds))}
	for k, c := range innerCols {
		is.SelectExprs = append(is.SelectExprs, &sqlparser.AliasedExpr{Expr: c, As: sqlparser.NewColIdent("vsk_" + strconv.Itoa(k))})
	}
	out := &correlation{outerCols: outerCols, value: len(innerCols)}
	if value != nil {
		is.SelectExprs = append(is.SelectExprs, &sqlparser.AliasedExpr{Expr: value, As: sqlparser.NewColIdent("vsv")})
	}
	if len(residual) > 0 {
		if err := compileResidual(out, is, residual, isOuter, eng); err != nil {
			return nil, err
		}
	}
	if agg != "" {
		for _, c := range innerCols {
			is.GroupBy = append(is.GroupBy, c)
		}
		if agg == "count" {
			out.dflt = int64(0)
		}
	}
	stmt, err := Parse(sqlparser.String(is))
	if err != nil {
		return nil, err
	}
	if out.plan, err = p.planSelect(stmt.(*sqlparser.Select), s, nargs+batch); err != nil {
		return nil, err
	}
	return out, nil
}

// innerNames returns the names and aliases of the tables a SELECT (and
// its subqueries) reads, lowercased.
func innerNames(sel sqlparser.SQLNode) map[string]bool {
	names := map[string]bool{}
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if at, ok := n.(*sqlparser.AliasedTableExpr); ok {
			if !at.As.IsEmpty() {
				names[strings.ToLower(at.As.String())] = true
			}
			if tn, ok := at.Expr.(sqlparser.TableName); ok {
				names[strings.ToLower(tn.Name.String())] = true
			}
		}
		return true, nil
	}, sel)
	return names
}

// isPrimaryVindexColumn reports whether c is the one-column primary
// vindex column of the table of from it names (by qualifier, or the only
// table).
func (p *Planner) isPrimaryVindexColumn(from sqlparser.TableExprs, c *sqlparser.ColName, s *Session) bool {
	var tables []*sqlparser.AliasedTableExpr
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.AliasedTableExpr:
			tables = append(tables, n)
		}
		return true, nil
	}, from)
	q := strings.ToLower(c.Qualifier.Name.String())
	for _, at := range tables {
		tn, ok := at.Expr.(sqlparser.TableName)
		if !ok {
			continue
		}
		name := strings.ToLower(tn.Name.String())
		if !at.As.IsEmpty() {
			name = strings.ToLower(at.As.String())
		}
		if q != "" && q != name || q == "" && len(tables) != 1 {
			continue
		}
		vt, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
		if err != nil || !vt.IsSharded() || len(vt.ColumnVindexes) == 0 {
			return false
		}
		cols := vt.ColumnVindexes[0].Columns
		return len(cols) == 1 && cols[0] == c.Name.Lowered()
	}
	return false
}

// compileResidual compiles the correlation conditions other than key
// equalities into out.residual, evaluated by the router over a row of
// the outer columns they name (out.residualOuter, hidden in the outer
// statement) followed by the inner row, to whose select list is adds
// the inner columns they name.
func compileResidual(out *correlation, is *sqlparser.Select, residual []sqlparser.Expr, isOuter func(*sqlparser.ColName) bool, eng eval.Engine) error {
	key := func(c *sqlparser.ColName) string {
		return strings.ToLower(c.Qualifier.Name.String()) + "." + c.Name.Lowered()
	}
	outerAt, innerAt := map[string]int{}, map[string]int{}
	cond := andAll(residual)
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		c, ok := n.(*sqlparser.ColName)
		if !ok {
			return true, nil
		}
		k := key(c)
		if isOuter(c) {
			if _, ok := outerAt[k]; !ok {
				outerAt[k] = len(out.residualOuter)
				out.residualOuter = append(out.residualOuter, &sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier})
			}
		} else if _, ok := innerAt[k]; !ok {
			innerAt[k] = len(is.SelectExprs)
			is.SelectExprs = append(is.SelectExprs, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier}, As: sqlparser.NewColIdent("vsr_" + strconv.Itoa(len(innerAt)))})
		}
		return false, nil
	}, cond)
	width := len(out.residualOuter)
	b := &mergeBuilder{m: &mergePlan{}, eng: eng, colOf: map[string]int{}, columns: map[string]bool{}}
	b.source = func(c *sqlparser.ColName) (int, error) {
		if i, ok := outerAt[key(c)]; ok && isOuter(c) {
			return i, nil
		}
		if i, ok := innerAt[key(c)]; ok {
			return width + i, nil
		}
		return 0, semiRefusalf("column %s of the correlation is not one the semi-join reads", sqlparser.String(c))
	}
	// The condition is compiled from a copy: the inner statement's text
	// holds its columns as written.
	c, err := Parse("SELECT 1 FROM dual WHERE " + sqlparser.String(cond))
	if err != nil {
		return err
	}
	v, err := b.compileCond(c.(*sqlparser.Select).Where.Expr, clauseSelect)
	if err != nil {
		return err
	}
	out.residual, out.residualText = v, sqlparser.String(cond)
	return nil
}
