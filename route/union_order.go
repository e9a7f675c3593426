package route

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// A UNION's ORDER BY orders the union's rows, not one SELECT's: neither
// backend computes an expression there. PostgreSQL takes a position or
// a name of the first SELECT's columns and refuses anything else; SQLite
// also takes, SELECT by SELECT from the first, a term that is the alias
// of a column or the very expression of one (`ORDER BY LOWER(name)` over
// `SELECT LOWER(name) …`, `ORDER BY tag` over a second SELECT's `tag`),
// and refuses the rest. The merge sorts by the column the term names;
// a term the backend refuses gets the backend's own error, from the union
// sent to one shard (see orderRefusalPlan).

// sqliteUnionColumn resolves an ORDER BY term of a UNION as SQLite does
// beyond positions and names of the first SELECT: the first SELECT, from
// the left, one of whose columns the term is the alias or the expression
// of gives the column.
func sqliteUnionColumn(e sqlparser.Expr, u sqlparser.SelectStatement) (int, bool) {
	for _, sel := range unionSelects(u, nil) {
		if c, ok := e.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
			for i, se := range sel.SelectExprs {
				if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() && ae.As.Lowered() == c.Name.Lowered() {
					return i, true
				}
			}
		}
		want := orderTermText(e, sel)
		for i, se := range sel.SelectExprs {
			if ae, ok := se.(*sqlparser.AliasedExpr); ok && orderTermText(ae.Expr, sel) == want {
				return i, true
			}
		}
	}
	return 0, false
}

// unionSelects lists the SELECTs of a union from the left.
func unionSelects(sel sqlparser.SelectStatement, out []*sqlparser.Select) []*sqlparser.Select {
	switch sel := sel.(type) {
	case *sqlparser.Union:
		return unionSelects(sel.Right, unionSelects(sel.Left, out))
	case *sqlparser.ParenSelect:
		return unionSelects(sel.Select, out)
	case *sqlparser.Select:
		return append(out, sel)
	}
	return out
}

// orderTermText is an expression's text as SQLite compares terms with a
// SELECT's columns: case aside, and without the qualifiers of a SELECT
// of one table (where a qualified and a bare column are one column).
func orderTermText(e sqlparser.Expr, sel *sqlparser.Select) string {
	if len(sel.From) == 1 {
		if _, ok := sel.From[0].(*sqlparser.AliasedTableExpr); ok {
			c := cloneExpr(e)
			_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
				if col, ok := n.(*sqlparser.ColName); ok {
					col.Qualifier = sqlparser.TableName{}
				}
				return true, nil
			}, c)
			e = c
		}
	}
	return strings.ToLower(sqlparser.String(e))
}

// cloneExpr copies an expression by printing and parsing it.
func cloneExpr(e sqlparser.Expr) sqlparser.Expr {
	stmt, err := Parse("SELECT " + sqlparser.String(e))
	if err != nil {
		return e
	}
	return stmt.(*sqlparser.Select).SelectExprs[0].(*sqlparser.AliasedExpr).Expr
}

// orderRefusalPlan answers a statement the backend refuses (a UNION's
// ORDER BY term, an ungrouped column beside windows) with the backend's
// error: the statement runs on one shard of the keyspace holding its
// tables, which fails as one database would. Should that shard not
// fail, the statement is refused as unsupported.
type orderRefusalPlan struct {
	probe   *selectPlan
	refusal error
}

var _ Plan = (*orderRefusalPlan)(nil)

func (op *orderRefusalPlan) NumArgs() int { return op.probe.nargs }

func (op *orderRefusalPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	it, err := op.probe.Query(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	if _, err := it.Next(); err != nil && !errors.Is(err, io.EOF) {
		it.Close()
		return nil, err
	}
	if err := it.Close(); err != nil {
		return nil, err
	}
	return nil, op.refusal
}

func (op *orderRefusalPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, op, vc, args)
}

func (op *orderRefusalPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	_, err := op.Query(ctx, vc, args)
	return nil, err
}

// unionOrder resolves the ORDER BY of a union over several shards into
// sort keys; ok is false when a term is one the backend refuses.
func unionOrder(u *sqlparser.Union, eng eval.Engine) ([]eval.SortKey, sqlparser.Expr, bool) {
	names := outputNames(u.Left)
	var keys []eval.SortKey
	for _, o := range u.OrderBy {
		col, ok := unionColumn(o.Expr, names)
		if !ok && eng == eval.SQLite {
			col, ok = sqliteUnionColumn(o.Expr, u)
		}
		if !ok {
			return nil, o.Expr, false
		}
		desc := o.Direction == sqlparser.DescScr
		keys = append(keys, eval.SortKey{Col: col, Desc: desc, Nulls: nullOrder(desc)})
	}
	return keys, nil, true
}

// newOrderRefusal plans the refusal of a union's ORDER BY term: the
// backend's error when the union's tables are in one keyspace ks (u, a
// copy the caller owns, runs on one of its shards), else unsupported.
func (p *Planner) newOrderRefusal(u *sqlparser.Union, term sqlparser.Expr, ks *vschema.Keyspace, nargs int) (Plan, error) {
	refusal := unsupportedf("ORDER BY %s of a UNION over several shards: order by a column of the first SELECT, by name or position", sqlparser.String(term))
	if ks == nil {
		return nil, refusal
	}
	stripQualifiers(u, ks)
	probe := &selectPlan{p: p, routing: &routing{keyspace: ks, opcode: Reference}, nargs: nargs, stmt: newShardStmt(u)}
	probe.impossible = probe.stmt
	return &orderRefusalPlan{probe: probe, refusal: refusal}, nil
}
