package dialect

import (
	"github.com/xwb1989/sqlparser"
)

// inJSONFunc is the function an InJSON condition is written as, so that
// the statement prints and parses again as any other.
const inJSONFunc = "vitessdo_in_json"

// InJSON is, on SQLite, `x IN (SELECT CAST(value AS name) FROM
// json_each(list))`: x compared with the elements of a bound JSON array,
// which the CAST gives the affinity of a column of declared type name,
// as one database gives x IN a subquery of such a column, for any number
// of values in one argument (a list of bound values has no affinity).
// It is the call vitessdo_in_json(x, list, 'name'); name must be a plain
// type name. PostgreSQL has no such form.
func InJSON(x, list sqlparser.Expr, name string) sqlparser.Expr {
	return &sqlparser.FuncExpr{Name: sqlparser.NewColIdent(inJSONFunc), Exprs: sqlparser.SelectExprs{
		&sqlparser.AliasedExpr{Expr: x}, &sqlparser.AliasedExpr{Expr: list}, &sqlparser.AliasedExpr{Expr: sqlparser.NewStrVal([]byte(name))},
	}}
}

// inJSON renders an InJSON.
func (r *renderer) inJSON(f *sqlparser.FuncExpr) {
	if r.d != SQLite || len(f.Exprs) != 3 {
		r.fail(errorf("%s is SQLite's, of a value, a list and a type name", inJSONFunc))
		return
	}
	var args [3]sqlparser.Expr
	for i, se := range f.Exprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			r.fail(errorf("%s takes expressions", inJSONFunc))
			return
		}
		args[i] = ae.Expr
	}
	name, ok := args[2].(*sqlparser.SQLVal)
	if !ok || name.Type != sqlparser.StrVal || !PlainTypeName(string(name.Val)) {
		r.fail(errorf("%s takes a plain type name", inJSONFunc))
		return
	}
	r.write("(")
	r.value(args[0])
	r.write(" IN (SELECT CAST(value AS " + string(name.Val) + ") FROM json_each(")
	r.value(args[1])
	r.write(")))")
}
