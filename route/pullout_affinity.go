package route

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/vschema"
)

// On SQLite, `x IN (SELECT y …)` compares x with y as `x = y` does: when y
// is a column of numeric affinity and x a column of TEXT or no affinity,
// x's text that is a number is compared as that number ('07' = 7). The
// list of bound values standing for y once the subquery has run has no
// affinity: `x IN (7)` gives 7 x's TEXT affinity instead and compares
// '7' with '07'. Such an x is compared with each value cast to NUMERIC,
// `(x = CAST(? AS NUMERIC) OR …)`, which is `x = y` again, up to
// maxAffinityValues values; past them, with the values bound as one JSON
// array, `x IN (SELECT CAST(value AS NUMERIC) FROM json_each(?))`, whose
// column has NUMERIC affinity as y has (dialect.InJSON). An operand
// whose affinity is not known (an expression such as LOWER(x), a column
// of a join named without its table) is compared so too: NUMERIC
// affinity beside a numeric column is what one database applies to an
// operand of TEXT, BLOB or no affinity, and changes no number. An
// operand of no affinity (x + 0) IN a subquery of a TEXT column takes
// TEXT affinity, as on one database: the values are cast to TEXT so.

// maxAffinityValues bounds the values compared one by one.
const maxAffinityValues = 64

// leftKind is what is known of the affinity of an IN slot's left
// operand that reads a column.
type leftKind int8

const (
	// leftPlain: no column, a column of numeric affinity, or a subquery
	// that selects no plain column: the list of values compares as one
	// database does.
	leftPlain leftKind = iota
	// leftText: a column of TEXT or no affinity.
	leftText
	// leftUnknown: a column whose table is not found, an expression that
	// may have an affinity (a CAST, a COLLATE).
	leftUnknown
	// leftNone: an expression over columns of no affinity (LOWER(x),
	// x + 0), which a subquery's TEXT column gives TEXT affinity.
	leftNone
)

// leftColumnKind returns the kind of the left operand of an IN slot over
// sub selecting one plain column: a column's declared type is read from
// a shard of its table (found among the FROM's tables of sel).
func (p *Planner) leftColumnKind(sl pulloutSlot, sel *sqlparser.Select, sub sqlparser.SelectStatement, s *Session) leftKind {
	cmp, ok := sl.node.(*sqlparser.ComparisonExpr)
	if !ok || (sl.kind != inSlot && sl.kind != notInSlot) || !readsColumn(cmp.Left) || exprHasSubquery(cmp.Left) {
		// An operand holding a subquery (a scalar pulled out once, an
		// aggregate of no affinity) is written once, in the list.
		return leftPlain
	}
	if _, plain := selectedAffinity(sub); !plain {
		return leftPlain
	}
	col, ok := cmp.Left.(*sqlparser.ColName)
	if !ok {
		if noAffinity(cmp.Left) {
			return leftNone
		}
		return leftUnknown
	}
	from, vt := p.columnTable(sel, col, s)
	if from == nil {
		return leftUnknown
	}
	declared, known, err := p.probeColumnType(vt, from, col)
	switch {
	case err != nil || !known:
		return leftUnknown
	case eval.HasNumericAffinity(declared):
		return leftPlain
	}
	return leftText
}

// columnTable returns the table of sel's FROM a column names, by its
// qualifier or as the FROM's only table; nil when it is none of them (a
// derived table's, one of a join without a qualifier).
func (p *Planner) columnTable(sel *sqlparser.Select, col *sqlparser.ColName, s *Session) (*sqlparser.AliasedTableExpr, *vschema.Table) {
	if !col.Qualifier.Qualifier.IsEmpty() {
		return nil, nil
	}
	found, err := findTableRef(sel.From, col.Qualifier.Name.String())
	if err != nil {
		return nil, nil
	}
	tn, ok := found.Expr.(sqlparser.TableName)
	if !ok || p.heldTable(tn) != nil {
		return nil, nil
	}
	vt, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
	if err != nil {
		return nil, nil
	}
	return found, vt
}

// noAffinity reports an expression SQLite gives no affinity: neither a
// column nor a CAST, nor one of those in parentheses or with a COLLATE.
func noAffinity(e sqlparser.Expr) bool {
	switch e := e.(type) {
	case *sqlparser.ColName, *sqlparser.ConvertExpr:
		return false
	case *sqlparser.ParenExpr:
		return noAffinity(e.Expr)
	case *sqlparser.CollateExpr:
		return noAffinity(e.Expr)
	case *sqlparser.FuncExpr:
		return !strings.EqualFold(e.Name.String(), "cast")
	}
	return true
}

// numericChain is `(x = CAST(v1 AS typ) OR …)` over the elements of an
// IN list, `x = NULL` for its NULL: typ is NUMERIC, or TEXT (see
// withTextLeft).
func numericChain(x sqlparser.Expr, list sqlparser.ValTuple, typ string) sqlparser.Expr {
	var out sqlparser.Expr
	for _, e := range list {
		if _, null := e.(*sqlparser.NullVal); !null {
			e = dialect.NativeCast(e, typ)
		}
		var eq sqlparser.Expr = &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: x, Right: e}
		if out != nil {
			eq = &sqlparser.OrExpr{Left: out, Right: eq}
		}
		out = eq
	}
	return &sqlparser.ParenExpr{Expr: out}
}

// withTextLeft marks an SQLite result whose values a left operand of
// text (or of unknown) affinity compares as numbers (see above), or
// refuses too many of them for a text column.
func withTextLeft(r subResult, sq pulledSubquery) (subResult, error) {
	declared := r.sqliteType
	if sq.left.declared != "" {
		declared = sq.left.declared
	}
	if sq.leftColumn == leftNone && eval.HasTextAffinity(declared) && len(r.values) > 0 {
		// TEXT affinity applied to x (x + 0 IN (SELECT note …)
		// compares 5 with '5' as text).
		for _, v := range r.values {
			if _, ok := v.(string); !ok {
				return r, nil
			}
		}
		return castValues(r, "TEXT")
	}
	if sq.leftColumn == leftPlain || !eval.HasNumericAffinity(declared) || len(r.values) == 0 {
		return r, nil
	}
	for _, v := range r.values {
		switch v.(type) {
		case int64, float64:
		default:
			// A time or text the column holds is no number a CAST
			// keeps ('2024-01-01' would be 2024), and affinity makes
			// text that is no number equal only itself: the list
			// compares it as one database does.
			return r, nil
		}
	}
	return castValues(r, "NUMERIC")
}

// castValues marks a result whose values compare with x as values of a
// column of type typ: one by one, or past maxAffinityValues as one JSON
// array (see dialect.InJSON).
func castValues(r subResult, typ string) (subResult, error) {
	r.affinity = typ
	if len(r.values) > maxAffinityValues {
		js, err := json.Marshal(r.values)
		if err != nil {
			return r, fmt.Errorf("vitessdo: IN subquery values as JSON: %w", err)
		}
		r.values, r.jsonNumbers = []any{string(js)}, true
		return r, nil
	}
	r.numbers = true
	return r, nil
}

// jsonNumbersCondition is `x [NOT] IN` the numbers of a JSON array bound
// as one argument, given NUMERIC affinity; a NULL the list held (outside
// a conjunct of WHERE) makes a comparison that matches nothing NULL.
func jsonNumbersCondition(sl pulloutSlot, r subResult, list sqlparser.ValTuple) sqlparser.Expr {
	x := sl.node.(*sqlparser.ComparisonExpr).Left
	var cond sqlparser.Expr = dialect.InJSON(x, list[0], r.affinity)
	if len(list) > 1 {
		// The list's NULL, last.
		cond = &sqlparser.OrExpr{Left: cond, Right: &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: x, Right: list[len(list)-1]}}
	}
	cond = &sqlparser.ParenExpr{Expr: cond}
	if sl.kind == notInSlot {
		return &sqlparser.NotExpr{Expr: cond}
	}
	return cond
}
