package dialect

import (
	"github.com/xwb1989/sqlparser"
)

// Rounding. ROUND, TRUNCATE, CEIL and FLOOR yield a DOUBLE on every
// backend (MySQL yields an integer for an integer argument and a DECIMAL
// for a DECIMAL one; SQLite holds DECIMAL values as doubles, so a backend
// cannot tell them apart). ROUND rounds half away from zero on the
// argument's shortest decimal form, as MySQL rounds a DECIMAL
// (ROUND(2.5) = 3); MySQL rounds a DOUBLE that lies exactly on a half to
// even instead (ROUND(2.5E0) = 2).

// roundRule renders ROUND(x[, d]).
func roundRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if r.argc(f, args, 1, 2) {
		r.rounding("mysql_round", "round", args)
	}
}

// truncateRule renders TRUNCATE(x, d): x cut to d decimals toward zero.
func truncateRule(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
	if r.argc(f, args, 2, 2) {
		r.rounding("mysql_truncate", "trunc", args)
	}
}

func (r *renderer) rounding(sqlite, pg string, args []sqlparser.Expr) {
	if r.d == SQLite {
		r.write(sqlite + "(")
		r.value(args[0])
		r.write(", ")
		if len(args) == 2 {
			r.value(args[1])
		} else {
			r.write("0")
		}
		r.write(")")
		return
	}
	r.write("CAST(" + pg + "(CAST(")
	r.value(args[0])
	r.write(" AS numeric)")
	if len(args) == 2 {
		r.write(", CAST(")
		r.value(args[1])
		r.write(" AS integer)")
	}
	r.write(") AS double precision)")
}

// toDouble renders name(x) with a DOUBLE result: CEIL, FLOOR.
func toDouble(name string) funcRule {
	return func(r *renderer, f *sqlparser.FuncExpr, args []sqlparser.Expr) {
		if !r.argc(f, args, 1, 1) {
			return
		}
		r.write("CAST(")
		r.call(name, false, args)
		r.write(r.pick(" AS REAL)", " AS double precision)"))
	}
}
