package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
)

// On PostgreSQL, `x IN (SELECT y …)` resolves the operator `x = y` by the
// two columns' types when the statement is parsed: a text x and an
// integer y have none, and one database fails with "operator does not
// exist: character varying = bigint" whatever the rows, an empty
// subquery too. Once the subquery has run apart, its values are bound
// in a list, `x IN ($1, $2)`, whose placeholders the server types as x:
// integers then fail to encode as text, texts that are numbers compare
// as numbers with an integer x, and an empty list is no comparison at
// all. So the plan reads x's type from a shard of its table when it is a
// column of the outer FROM (leftPGType), and the subquery's values
// compare with it as one database compares the columns: types of two
// kinds (a number and a text) fail with one database's error, whatever
// the values; values a placeholder of x's type holds as they are (of its
// own type, a narrower integer, text beside varchar) are bound so, a
// vindex still routing by them. Other values, and those beside an x
// whose type is not known (an expression, a column of a join without its
// table), are each cast to the subquery column's type, and an empty list
// still compares x with a NULL of that type, so the server resolves the
// operator as for the subquery (timestamp = character varying fails).

// leftPGType returns the PostgreSQL type of the left operand of an IN
// slot when it is a column of a table of the outer FROM, "" when not
// known.
func (p *Planner) leftPGType(sl pulloutSlot, sel *sqlparser.Select, s *Session) string {
	cmp, ok := sl.node.(*sqlparser.ComparisonExpr)
	if !ok || (sl.kind != inSlot && sl.kind != notInSlot) {
		return ""
	}
	col, ok := cmp.Left.(*sqlparser.ColName)
	if !ok {
		return ""
	}
	from, vt := p.columnTable(sel, col, s)
	if from == nil || p.engineOfKeyspace(vt.Keyspace) != eval.PostgreSQL {
		return ""
	}
	declared, known, err := p.probeColumnType(vt, from, col)
	if err != nil || !known {
		return ""
	}
	return declared
}

// checkListKinds returns one database's error for an IN slot whose left
// column and subquery column are of kinds PostgreSQL has no = between.
func checkListKinds(sq pulledSubquery, r subResult) error {
	if sq.leftPGType == "" || r.colType == "" {
		return nil
	}
	if lc, rc := pgTypeCategory(sq.leftPGType), pgTypeCategory(r.colType); lc != "" && rc != "" && lc != rc {
		return planErrorf("operator does not exist: %s = %s", pgTypeName(sq.leftPGType), pgTypeName(r.colType))
	}
	return nil
}

// bindsAsLeft reports that values of PostgreSQL type col, bound beside a
// left operand of type left, keep their values and compare as one
// database compares the two columns: the same type, an integer no wider
// than left's (or any integer beside a NUMERIC), text beside varchar.
func bindsAsLeft(left, col string) bool {
	rank := map[string]int{"INT2": 1, "INT4": 2, "INT8": 3, "NUMERIC": 4}
	l, c := strings.ToUpper(left), strings.ToUpper(col)
	switch {
	case l == "":
		return false
	case l == c:
		return true
	case rank[l] > 0 && rank[c] > 0 && rank[c] <= 3:
		return rank[c] <= rank[l]
	}
	text := func(t string) bool { return t == "TEXT" || t == "VARCHAR" }
	return text(l) && text(c)
}
