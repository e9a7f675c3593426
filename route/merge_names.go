package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
)

// Names in GROUP BY, HAVING and ORDER BY may be select aliases or columns
// of the FROM tables, and when a name is both, each clause and backend
// decides differently. The merge must pick what one database picks, for
// the shards' statements are sent as written and resolved by the backend:
//
//   - ORDER BY name: the alias (SQLite, PostgreSQL, and the renderer
//     writes the alias's spelling).
//   - GROUP BY name: the column of the FROM tables, else the alias; on
//     PostgreSQL a capitalized alias is written with its spelling, which no
//     folded column matches, so the alias.
//   - HAVING name: on SQLite the column, else the alias; on PostgreSQL,
//     which sees no aliases in HAVING, the renderer writes the aliased
//     expression of an aggregate or capitalized alias, and any other name
//     is a column.
//   - a name inside an expression of ORDER BY: on SQLite the column, else
//     the alias; on PostgreSQL a column.
//
// Whether a name is a column of the FROM tables the planner learns from
// the backend itself (see columnProbe) when it matters: only for a name
// that is also an alias of another expression.

// userAlias is an alias the user wrote in the select list.
type userAlias struct {
	name string // lower-cased
	col  int
	expr sqlparser.Expr
	// aggregate reports an aggregate in expr; capitalized an alias whose
	// spelling is not the folded name.
	aggregate, capitalized bool
}

// sameColumn reports an alias of a bare column of its own name (`grp AS
// grp`, `i.grp AS grp`): column and alias are then one value.
func (a *userAlias) sameColumn() bool {
	c, ok := a.expr.(*sqlparser.ColName)
	return ok && c.Name.Lowered() == a.name
}

// alias returns the user alias a bare name spells, if any.
func (b *mergeBuilder) alias(c *sqlparser.ColName) *userAlias {
	if !c.Qualifier.IsEmpty() || b.m.star {
		return nil
	}
	name := c.Name.Lowered()
	for i := range b.aliases {
		if b.aliases[i].name == name {
			return &b.aliases[i]
		}
	}
	return nil
}

// isColumn reports whether a name is a column of the statement's FROM
// tables, asking the backend once per name.
func (b *mergeBuilder) isColumn(name string) (bool, error) {
	if v, ok := b.columns[name]; ok {
		return v, nil
	}
	if b.probe == nil {
		return false, unsupportedf("%s is both a select alias and perhaps a column: name the column qualified or the expression in full", name)
	}
	v, err := b.probe(name)
	if err != nil {
		return false, err
	}
	b.columns[name] = v
	return v, nil
}

// aliasWins reports whether a bare name that is a user alias means the
// alias in a clause (see the rules above).
func (b *mergeBuilder) aliasWins(a *userAlias, cl clause) (bool, error) {
	if a.sameColumn() {
		return false, nil
	}
	pg := b.eng == eval.PostgreSQL
	switch {
	case cl == clauseHaving && pg:
		return a.aggregate || a.capitalized, nil
	case cl == clauseOrder && pg:
		return false, nil
	case cl == clauseSelect:
		return false, nil
	}
	isCol, err := b.isColumn(a.name)
	return !isCol, err
}

// groupTermIsColumn reports whether a bare GROUP BY name that is a user
// alias means the column of the FROM tables.
func (b *mergeBuilder) groupTermIsColumn(a *userAlias) (bool, error) {
	if a.sameColumn() {
		return true, nil
	}
	if a.aggregate {
		// No backend groups by an aggregate: the name is a column, or
		// the statement an error, as on one database.
		return true, nil
	}
	if a.capitalized && b.eng == eval.PostgreSQL {
		return false, nil
	}
	return b.isColumn(a.name)
}

// merged returns the merged column of an aggregate or of a group key
// that is an expression (names resolve by resolveName).
func (b *mergeBuilder) merged(e sqlparser.Expr) (int, bool) {
	switch e.(type) {
	case *sqlparser.FuncExpr, *sqlparser.BinaryExpr, *sqlparser.UnaryExpr,
		*sqlparser.CaseExpr, *sqlparser.ParenExpr, *sqlparser.ConvertExpr, *sqlparser.GroupConcatExpr:
		i, ok := b.colOf[sqlparser.String(e)]
		return i, ok
	}
	return 0, false
}

// resolveName returns the merged column a bare or qualified name in an
// expression over merged columns reads.
func (b *mergeBuilder) resolveName(c *sqlparser.ColName, cl clause) (int, error) {
	if b.source != nil {
		return b.source(c)
	}
	if a := b.alias(c); a != nil {
		wins, err := b.aliasWins(a, cl)
		if err != nil {
			return 0, err
		}
		if wins {
			return a.col, nil
		}
	}
	if i, ok := b.groupKeyColumn(c); ok {
		return i, nil
	}
	return 0, unsupportedf("column %s in an expression over aggregates over several shards: it must be selected or grouped by", sqlparser.String(c))
}

// groupKeyColumn returns the merged column of a group key the name is.
func (b *mergeBuilder) groupKeyColumn(c *sqlparser.ColName) (int, bool) {
	if b.m.agg == nil {
		return 0, false
	}
	for j, g := range b.groupKeys {
		gc, ok := g.(*sqlparser.ColName)
		if !ok || !b.keyIsColumn[j] {
			continue
		}
		if gc.Name.Equal(c.Name) && (gc.Qualifier == c.Qualifier || gc.Qualifier.IsEmpty() || c.Qualifier.IsEmpty()) {
			return b.m.agg.groupKeys[j], true
		}
	}
	return 0, false
}

// isCapitalized reports an alias spelt otherwise than its folded name.
func isCapitalized(s string) bool { return strings.ToLower(s) != s }
