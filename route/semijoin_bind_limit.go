package route

import (
	"strconv"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// boundLimit shapes the LIMIT and ORDER BY of a bound subquery's
// statement so the semi-join decides what one database decides, or
// refuses:
//   - EXISTS needs one row: LIMIT 1 goes to the shards;
//   - an unordered LIMIT of IN or a scalar is taken off (out.cut): which
//     rows it keeps is arbitrary, refused when they differ;
//   - an ORDER BY of IN (with a LIMIT) or of a scalar (with a LIMIT, or
//     on SQLite, which takes the first row) selects its terms too, and
//     its LIMIT is taken off (out.keep, out.orderCols): the semi-join
//     reads the sorted rows to the end of the ones tied with the last
//     kept, and a tie across the cut between rows of different values is
//     refused rather than answered by an arbitrary row.
func boundLimit(kind merge.CorrelatedKind, sel *sqlparser.Select, out *correlation, eng eval.Engine, text string) error {
	exists := kind == merge.SemiExists || kind == merge.SemiNotExists
	if exists {
		if sel.Limit == nil {
			sel.Limit = &sqlparser.Limit{Rowcount: sqlparser.NewIntVal([]byte("1"))}
		}
		return nil
	}
	out.ordered = kind == merge.SemiValue && len(sel.OrderBy) > 0
	count, literal := 0, false
	if sel.Limit != nil {
		if n, ok := sel.Limit.Rowcount.(*sqlparser.SQLVal); ok && n.Type == sqlparser.IntVal {
			c, err := strconv.Atoi(string(n.Val))
			count, literal = c, err == nil && c >= 1
		}
	}
	if sel.Limit != nil && len(sel.OrderBy) == 0 {
		if sel.Limit.Offset != nil || !literal {
			return semiRefusalf("LIMIT %s without ORDER BY in the subquery %s: which rows it keeps is arbitrary", sqlparser.String(sel.Limit.Rowcount), text)
		}
		out.cut, sel.Limit = count, nil
		return nil
	}
	if len(sel.OrderBy) == 0 || sel.Distinct != "" || !plainOrder(sel) {
		return nil
	}
	switch {
	case sel.Limit != nil && sel.Limit.Offset == nil && literal:
		out.keep, sel.Limit = count, nil
	case sel.Limit == nil && kind == merge.SemiValue && eng == eval.SQLite:
		out.keep = 1
	default:
		return nil
	}
	for i, o := range sel.OrderBy {
		out.orderCols = append(out.orderCols, 1+i)
		sel.SelectExprs = append(sel.SelectExprs, &sqlparser.AliasedExpr{Expr: o.Expr, As: sqlparser.NewColIdent("vso_" + strconv.Itoa(i))})
	}
	return nil
}

// plainOrder reports an ORDER BY whose terms name no select item (by
// position or alias), so they can be selected as they are.
func plainOrder(sel *sqlparser.Select) bool {
	aliases := map[string]bool{}
	for _, se := range sel.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() {
			aliases[ae.As.Lowered()] = true
		}
	}
	for _, o := range sel.OrderBy {
		if v, ok := o.Expr.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			return false
		}
		if c, ok := o.Expr.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() && aliases[c.Name.Lowered()] {
			return false
		}
	}
	return true
}
