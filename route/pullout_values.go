package route

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
)

// Running a pulloutPlan's subqueries: each once, before the outer
// statement, into the values bound as its arguments.

// outerArgs runs the subqueries and returns the outer statement's
// arguments (the user's, then each subquery's values in order), the
// results and their signature.
func (pp *pulloutPlan) outerArgs(ctx context.Context, vc Cursor, args []any) ([]any, []subResult, string, error) {
	res := make([]subResult, len(pp.subs))
	for i, sq := range pp.subs {
		plan := sq.plan
		open := func() (merge.Iterator, error) { return plan.Query(ctx, vc, args) }
		switch sq.slot {
		case scalarSlot:
			r, err := pp.scalarResult(sq.open(ctx, vc, args), sq.typed)
			if err != nil {
				return nil, nil, "", err
			}
			res[i] = r
		case existsSlot:
			found, err := pullExists(open)
			if err != nil {
				return nil, nil, "", fmt.Errorf("vitessdo: EXISTS subquery %s: %w", sq.text, err)
			}
			res[i] = subResult{values: []any{found}}
		default:
			r, err := pp.pullList(open)
			if err != nil {
				return nil, nil, "", fmt.Errorf("vitessdo: IN subquery %s: %w", sq.text, err)
			}
			if err := checkListKinds(sq, r); err != nil {
				return nil, nil, "", err
			}
			if pp.eng == eval.SQLite {
				r = leftWithAffinity(r, sq.left, args)
				if r, err = withTextLeft(r, sq); err != nil {
					return nil, nil, "", err
				}
			}
			res[i] = r
		}
	}
	out := append([]any(nil), args[:pp.nargs]...)
	sig := make([]string, len(res))
	for i, r := range res {
		out = append(out, r.values...)
		sig[i] = r.signature(pp.subs[i].slot)
	}
	return out, res, strings.Join(sig, ","), nil
}

// scalarResult runs a scalar subquery and returns its value; several
// rows on PostgreSQL are their first two (see severalRows). typed casts
// the value to its column's type on PostgreSQL.
func (pp *pulloutPlan) scalarResult(sq merge.Subquery, typed bool) (subResult, error) {
	it, err := merge.SubqueryRow([]merge.Subquery{sq}, pp.eng)
	if errors.Is(err, merge.ErrSubqueryRows) {
		return pp.severalRows(sq)
	}
	if err != nil {
		return subResult{}, scalarRefusal(err)
	}
	defer it.Close()
	row, err := it.Next()
	if err != nil {
		return subResult{}, err
	}
	c := it.Columns()[0]
	_, text := row[0].(string)
	dbType := pp.castType(c)
	if typed {
		dbType = typedCast(pp.eng, c, row[0])
	}
	return subResult{values: []any{row[0]}, numeric: text && pp.eng == eval.PostgreSQL && strings.EqualFold(c.DatabaseType, "NUMERIC"), dbType: dbType}, nil
}

// pullExists reports whether a subquery (run with LIMIT 1) has a row, as
// 1 or 0.
func pullExists(open func() (merge.Iterator, error)) (int64, error) {
	it, err := open()
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if _, err := it.Next(); errors.Is(err, io.EOF) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return 1, it.Close()
}

// pullList reads the one column of an IN subquery: its distinct non-NULL
// values, whether it held a NULL, at most max_memory_rows rows.
func (pp *pulloutPlan) pullList(open func() (merge.Iterator, error)) (subResult, error) {
	it, err := open()
	if err != nil {
		return subResult{}, err
	}
	defer it.Close()
	cols := it.Columns()
	if len(cols) != 1 {
		return subResult{}, unsupportedf("a row of %d values IN a subquery over several shards: its values are bound one column at a time", len(cols))
	}
	limit := pp.p.memoryRows()
	r := subResult{dbType: pp.castType(cols[0]), colType: backendType(pp.eng, cols[0])}
	if pp.eng == eval.SQLite {
		r.sqliteType = cols[0].DatabaseType
	}
	seen := map[string]bool{}
	for n := int64(0); ; n++ {
		row, err := it.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return subResult{}, err
		}
		if n >= limit {
			return subResult{}, &merge.MemoryRowsError{Limit: limit, What: "IN subquery value list"}
		}
		v := row[0]
		if v == nil {
			r.null = true
			continue
		}
		if _, text := v.(string); text && pp.eng == eval.PostgreSQL && strings.EqualFold(cols[0].DatabaseType, "NUMERIC") {
			r.numeric = true
		}
		key := fmt.Sprintf("%T:%v", v, v)
		if b, ok := v.([]byte); ok {
			key = "b:" + string(b)
		}
		if !seen[key] {
			seen[key] = true
			r.values = append(r.values, v)
		}
	}
	if n := len(r.values); n > maxListArgs {
		return subResult{}, unsupportedf("%d distinct values: more than the %d bind arguments an IN list of a shard statement may hold", n, maxListArgs)
	}
	if n := len(r.values); n > 0 {
		for m := 1; ; m *= 2 {
			if m >= n {
				for len(r.values) < m {
					r.values = append(r.values, r.values[n-1])
				}
				break
			}
		}
	}
	return r, it.Close()
}

// leftWithAffinity binds the left operand of `? IN (SELECT col …)` once
// more, after an SQLite result's values, converted as one database
// converts it: SQLite gives an operand of no affinity compared with a
// column that column's affinity ('7' IN (SELECT qty …) compares 7, 7 IN
// (SELECT name …) compares '7'), which the list of bound values standing
// for the column has not. A column of no affinity (BLOB) leaves the
// result as it is.
func leftWithAffinity(r subResult, left leftOperand, args []any) subResult {
	v, ok := left.value(args)
	declared := r.sqliteType
	if left.declared != "" {
		declared = left.declared
	}
	if !ok || declared == "" {
		return r
	}
	switch {
	case eval.HasNumericAffinity(declared):
		v = eval.ToNumber(v)
	case eval.HasTextAffinity(declared):
		v = eval.ToText(v)
	default:
		return r
	}
	r.values = append(r.values[:len(r.values):len(r.values)], v)
	r.leftValue = true
	return r
}

// leftOperand is the left operand of an IN slot whose subquery selects
// one plain column (whose declared type is its affinity; a union's,
// an expression's or an aggregate's is not) or a CAST to text or to an
// integer: the argument at index arg, or the literal lit, when ok.
// declared is the type SQLite gives the CAST's value.
type leftOperand struct {
	ok       bool
	arg      int
	lit      any
	declared string
}

func (l leftOperand) value(args []any) (any, bool) {
	switch {
	case !l.ok:
		return nil, false
	case l.arg < 0:
		return l.lit, true
	case l.arg < len(args):
		return args[l.arg], true
	}
	return nil, false
}

// leftOperandOf is the left operand of an IN slot over sub, among the
// statement's nargs arguments, when it is an argument or a string or
// number literal and sub selects one plain column.
func leftOperandOf(sl pulloutSlot, sub sqlparser.SelectStatement, nargs int) leftOperand {
	cmp, ok := sl.node.(*sqlparser.ComparisonExpr)
	if !ok || (sl.kind != inSlot && sl.kind != notInSlot) {
		return leftOperand{}
	}
	declared, ok := selectedAffinity(sub)
	v, isVal := cmp.Left.(*sqlparser.SQLVal)
	if !ok || !isVal {
		return leftOperand{}
	}
	l := leftOperand{ok: true, arg: -1, declared: declared}
	switch v.Type {
	case sqlparser.ValArg:
		if i, ok := argIndex(string(v.Val)); ok && i < nargs {
			l.arg = i
			return l
		}
	case sqlparser.StrVal:
		l.lit = string(v.Val)
		return l
	case sqlparser.IntVal:
		if n, err := strconv.ParseInt(string(v.Val), 10, 64); err == nil {
			l.lit = n
			return l
		}
	case sqlparser.FloatVal:
		if f, err := strconv.ParseFloat(string(v.Val), 64); err == nil {
			l.lit = f
			return l
		}
	}
	return leftOperand{}
}

// selectedAffinity reports a SELECT (no union) of one column name, or
// of a CAST SQLite gives an affinity of its own: declared is the type
// the CAST is rendered with ("" for a column, whose type the shards
// report).
func selectedAffinity(sub sqlparser.SelectStatement) (declared string, ok bool) {
	sel, isSel := sub.(*sqlparser.Select)
	if !isSel || len(sel.SelectExprs) != 1 {
		return "", false
	}
	ae, isAliased := sel.SelectExprs[0].(*sqlparser.AliasedExpr)
	if !isAliased {
		return "", false
	}
	switch e := ae.Expr.(type) {
	case *sqlparser.ColName:
		return "", true
	case *sqlparser.ConvertExpr:
		// As the dialect renders them (internal/dialect/convert.go).
		switch {
		case e.Type == nil:
		case (e.Type.Type == "char" || e.Type.Type == "nchar") && e.Type.Length == nil:
			return "TEXT", true
		case e.Type.Type == "signed" || e.Type.Type == "unsigned":
			return "INTEGER", true
		}
	}
	return "", false
}

// maxListArgs bounds the values of one IN list, padded to a power of two
// within SQLite's 32766 bind arguments of a statement.
const maxListArgs = 16384

// typedCast is the type a scalar's value v of column c is cast to inside
// arithmetic on PostgreSQL: the column's, else (a column merged at the
// router names none) that of v's kind, an integer INT8 and a float
// FLOAT8; a NUMERIC, which arrives as text, keeps its DECIMAL cast.
func typedCast(eng eval.Engine, c merge.Column, v any) string {
	if t := backendType(eng, c); t != "" || eng != eval.PostgreSQL {
		return t
	}
	switch v.(type) {
	case int64:
		return "INT8"
	case float64:
		return "FLOAT8"
	}
	return ""
}
