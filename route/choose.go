package route

import (
	"strings"

	"github.com/dot-do/vitessdo/vschema"
	"github.com/xwb1989/sqlparser"
)

// candidate is one way to route a group of tables: a vindex and the
// values a condition gives it.
type candidate struct {
	opcode Opcode
	cv     *vschema.ColumnVindex
	values []valueExpr
	tuples [][]valueExpr
	// cond is the conjunct the values come from; an IN candidate
	// rewrites it to `col IN ::__vals`.
	cond sqlparser.Expr
	col  *sqlparser.ColName
}

// better reports whether c routes more cheaply than o, as Vitess ranks
// them: lower vindex cost, then unique before non-unique, then the
// variant (one value before a list).
func (c *candidate) better(o *candidate) bool {
	if o == nil {
		return true
	}
	if c.opcode == None || o.opcode == None {
		return c.opcode == None && o.opcode != None
	}
	cc, oc := c.cv.Vindex.Cost(), o.cv.Vindex.Cost()
	if cc != oc {
		return cc < oc
	}
	cu, ou := c.cv.Vindex.IsUnique(), o.cv.Vindex.IsUnique()
	if cu != ou {
		return cu
	}
	return opcodeRank(c.opcode) < opcodeRank(o.opcode)
}

func opcodeRank(o Opcode) int {
	switch o {
	case EqualUnique:
		return 0
	case Equal:
		return 1
	case MultiEqual:
		return 2
	case IN:
		return 3
	}
	return 4
}

// chooseRouting picks the cheapest routing for a group of co-located
// tables among the conditions that restrict the statement's rows.
func (a *analysis) chooseRouting(sc *scope, group []*tableRef, conds []sqlparser.Expr) *candidate {
	var best *candidate
	consider := func(c *candidate) {
		if c != nil && c.better(best) {
			best = c
		}
	}
	if contradicts(a, sc, conds) {
		return &candidate{opcode: None}
	}
	for _, ref := range group {
		for _, cv := range ref.table.ColumnVindexes {
			if len(cv.Columns) == 1 {
				for _, e := range conds {
					consider(a.singleColumn(sc, ref, cv, e))
				}
				continue
			}
			consider(a.multiColumn(sc, ref, cv, conds))
		}
	}
	return best
}

// singleColumn returns the candidate a conjunct gives a one-column vindex.
func (a *analysis) singleColumn(sc *scope, ref *tableRef, cv *vschema.ColumnVindex, e sqlparser.Expr) *candidate {
	switch e := e.(type) {
	case *sqlparser.ComparisonExpr:
		col, other := a.columnSide(sc, ref, cv.Columns[0], e.Left, e.Right)
		if col == nil {
			return nil
		}
		switch e.Operator {
		case sqlparser.EqualStr:
			v, ok := newValueExpr(other)
			if !ok {
				return nil
			}
			if v.isLiteral() && v.lit == nil {
				return &candidate{opcode: None}
			}
			op := Equal
			if cv.Vindex.IsUnique() {
				op = EqualUnique
			}
			return &candidate{opcode: op, cv: cv, values: []valueExpr{v}, cond: e, col: col}
		case sqlparser.InStr:
			if col != e.Left {
				return nil
			}
			tuple, ok := e.Right.(sqlparser.ValTuple)
			if !ok {
				return nil
			}
			vals := make([]valueExpr, 0, len(tuple))
			for _, x := range tuple {
				v, ok := newValueExpr(x)
				if !ok {
					return nil
				}
				vals = append(vals, v)
			}
			return &candidate{opcode: IN, cv: cv, values: vals, cond: e, col: col}
		}
	case *sqlparser.OrExpr:
		// col = a OR col = b … is col IN (a, b, …).
		var vals []valueExpr
		var col *sqlparser.ColName
		for _, d := range splitOr(e) {
			cmp, ok := d.(*sqlparser.ComparisonExpr)
			if !ok || cmp.Operator != sqlparser.EqualStr {
				return nil
			}
			c, other := a.columnSide(sc, ref, cv.Columns[0], cmp.Left, cmp.Right)
			if c == nil {
				return nil
			}
			v, ok := newValueExpr(other)
			if !ok {
				return nil
			}
			col = c
			vals = append(vals, v)
		}
		return &candidate{opcode: IN, cv: cv, values: vals, cond: e, col: col}
	case *sqlparser.ParenExpr:
		return a.singleColumn(sc, ref, cv, e.Expr)
	}
	return nil
}

// multiColumn returns the candidate for a multi-column vindex: equalities
// on every column, or a tuple IN.
func (a *analysis) multiColumn(sc *scope, ref *tableRef, cv *vschema.ColumnVindex, conds []sqlparser.Expr) *candidate {
	row := make([]valueExpr, len(cv.Columns))
	found := make([]bool, len(cv.Columns))
	for _, e := range conds {
		cmp, ok := e.(*sqlparser.ComparisonExpr)
		if !ok {
			continue
		}
		if cmp.Operator == sqlparser.InStr {
			if c := a.tupleIn(sc, ref, cv, cmp); c != nil {
				return c
			}
			continue
		}
		if cmp.Operator != sqlparser.EqualStr {
			continue
		}
		for i, name := range cv.Columns {
			if col, other := a.columnSide(sc, ref, name, cmp.Left, cmp.Right); col != nil {
				if v, ok := newValueExpr(other); ok {
					row[i], found[i] = v, true
				}
			}
		}
	}
	for _, f := range found {
		if !f {
			return nil
		}
	}
	return &candidate{opcode: MultiEqual, cv: cv, tuples: [][]valueExpr{row}}
}

// tupleIn handles (c1, c2) IN ((v1, v2), …) over a multi-column vindex.
func (a *analysis) tupleIn(sc *scope, ref *tableRef, cv *vschema.ColumnVindex, cmp *sqlparser.ComparisonExpr) *candidate {
	left, ok := cmp.Left.(sqlparser.ValTuple)
	if !ok || len(left) != len(cv.Columns) {
		return nil
	}
	for i, e := range left {
		col, ok := e.(*sqlparser.ColName)
		if !ok || a.column(sc, col) != ref || strings.ToLower(col.Name.String()) != cv.Columns[i] {
			return nil
		}
	}
	right, ok := cmp.Right.(sqlparser.ValTuple)
	if !ok {
		return nil
	}
	var tuples [][]valueExpr
	for _, r := range right {
		rt, ok := r.(sqlparser.ValTuple)
		if !ok || len(rt) != len(cv.Columns) {
			return nil
		}
		row := make([]valueExpr, len(rt))
		for i, x := range rt {
			v, ok := newValueExpr(x)
			if !ok {
				return nil
			}
			row[i] = v
		}
		tuples = append(tuples, row)
	}
	return &candidate{opcode: MultiEqual, cv: cv, tuples: tuples}
}

// columnSide returns the side of a comparison that is the table's column
// and the other side, or nil when neither side is.
func (a *analysis) columnSide(sc *scope, ref *tableRef, name string, l, r sqlparser.Expr) (*sqlparser.ColName, sqlparser.Expr) {
	is := func(e sqlparser.Expr) *sqlparser.ColName {
		c, ok := e.(*sqlparser.ColName)
		if !ok || strings.ToLower(c.Name.String()) != name || a.column(sc, c) != ref {
			return nil
		}
		return c
	}
	if c := is(l); c != nil {
		return c, r
	}
	if c := is(r); c != nil {
		return c, l
	}
	return nil, nil
}

func splitOr(e sqlparser.Expr) []sqlparser.Expr {
	switch e := e.(type) {
	case *sqlparser.OrExpr:
		return append(splitOr(e.Left), splitOr(e.Right)...)
	case *sqlparser.ParenExpr:
		return splitOr(e.Expr)
	}
	return []sqlparser.Expr{e}
}

// contradicts reports conditions no row can satisfy: FALSE, a comparison
// of two unequal numeric literals, or one column equal to two different
// numeric literals.
func contradicts(a *analysis, sc *scope, conds []sqlparser.Expr) bool {
	type colKey struct {
		ref *tableRef
		col string
	}
	seen := map[colKey]any{}
	for _, e := range conds {
		switch e := e.(type) {
		case sqlparser.BoolVal:
			if !e {
				return true
			}
		case *sqlparser.ComparisonExpr:
			if e.Operator != sqlparser.EqualStr {
				continue
			}
			lv, lok := newValueExpr(e.Left)
			rv, rok := newValueExpr(e.Right)
			if lok && rok && lv.isLiteral() && rv.isLiteral() {
				if eq, known := sameValue(lv.lit, rv.lit); known && !eq {
					return true
				}
				continue
			}
			col, ok := e.Left.(*sqlparser.ColName)
			val := rv
			if !ok || !rok {
				col, ok = e.Right.(*sqlparser.ColName)
				val = lv
				if !ok || !lok {
					continue
				}
			}
			if !val.isLiteral() {
				continue
			}
			ref := a.column(sc, col)
			if ref == nil {
				continue
			}
			k := colKey{ref, strings.ToLower(col.Name.String())}
			if prev, ok := seen[k]; ok {
				if eq, known := sameValue(prev, val.lit); known && !eq {
					return true
				}
				continue
			}
			seen[k] = val.lit
		}
	}
	return false
}
