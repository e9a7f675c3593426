package route

import (
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
)

// addPostFilter compiles conditions of WHERE holding correlated
// subqueries under OR or NOT, or in expressions, into the semi-join's
// filter: each EXISTS or IN becomes a mark and each scalar subquery a
// value in a hidden column, as does each outer column the conditions
// name, and the router keeps the rows for which they are true. It serves
// a SELECT whose horizon the shards keep (a * select list among them),
// so only its WHERE runs after the semi-join.
func (b *semiBuild) addPostFilter(post []sqlparser.Expr) error {
	at := map[string]int{}
	key := func(c *sqlparser.ColName) string {
		return strings.ToLower(c.Qualifier.Name.String()) + "." + c.Name.Lowered()
	}
	var conds []sqlparser.Expr
	var texts []string
	for _, pc := range post {
		texts = append(texts, sqlparser.String(pc))
		cp, err := Parse("SELECT 1 FROM dual WHERE " + sqlparser.String(pc))
		if err != nil {
			return err
		}
		cond := cp.(*sqlparser.Select).Where.Expr
		value := func(node sqlparser.Expr, f semiFound) error {
			if f.left != nil && exprHasSubquery(f.left) {
				return semiRefusalf("a subquery on the left of IN (%s)", sqlparser.String(f.left))
			}
			k := b.hide(&sqlparser.NullVal{})
			name := "vsq_" + strconv.Itoa(k)
			at["."+name] = k
			cond = sqlparser.ReplaceExpr(cond, node, &sqlparser.ColName{Name: sqlparser.NewColIdent(name)})
			return b.add(semiSubquery{kind: f.kind, text: sqlparser.String(f.sub), into: k, mark: f.mark, hiddenInto: true}, f)
		}
		for _, m := range conditionSubqueries(cond) {
			if err := value(m.node, m.semiFound); err != nil {
				return err
			}
		}
		for _, sq := range subqueriesIn(cond) {
			if err := value(sq, semiFound{kind: merge.SemiValue, sub: sq}); err != nil {
				return err
			}
		}
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if c, ok := n.(*sqlparser.ColName); ok {
				if _, seen := at[key(c)]; !seen {
					at[key(c)] = b.hide(&sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier})
				}
			}
			return true, nil
		}, cond)
		conds = append(conds, cond)
	}
	mb := &mergeBuilder{m: &mergePlan{}, eng: b.sp.eng, colOf: map[string]int{}, columns: map[string]bool{}}
	mb.source = func(c *sqlparser.ColName) (int, error) {
		if i, ok := at[key(c)]; ok {
			return i, nil
		}
		return 0, semiRefusalf("column %s of the condition is not one the semi-join reads", sqlparser.String(c))
	}
	v, err := mb.compileCond(andAll(conds), clauseSelect)
	if err != nil {
		return err
	}
	b.sp.where, b.sp.whereText = v, strings.Join(texts, " AND ")
	return nil
}
