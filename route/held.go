package route

import (
	"context"
	"io"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// A held relation is rows the router holds while a statement runs: the
// rows of a recursive common table expression, evaluated round by round
// (see cte_recursive.go). A statement reads it as the derived table
//
//	(SELECT col, … FROM `cte:name`) AS name
//
// whose FROM names no table of the VSchema: a planner that holds the
// relation (Planner.holding) plans a SELECT over it as a SELECT over a
// derived table evaluated by the router, and a join of it with tables
// as a join across shards whose leaf for it reads the rows held; any
// other planner, and any shard, would find no such table. The rows
// travel in the execution's context, so the plan stays immutable.

// heldRel is one held relation of a plan.
type heldRel struct {
	// name is the common table expression's; marker the table name its
	// derived table reads.
	name, marker string
	cols         []string
	// literals are the PostgreSQL types of the anchor's integer
	// literals, by column ("" for other columns).
	literals []string
	// table is the first table the statement's pieces read, which gives
	// the backend whose rules compare the rows (nil when it reads none);
	// eng is that backend's value semantics.
	table *vschema.Table
	eng   eval.Engine
}

// heldMarkerPrefix starts the table name of a held relation's derived
// table: a name no unquoted identifier spells.
const heldMarkerPrefix = "cte:"

// heldSelect returns the body of the derived table that reads a held
// relation.
func heldSelect(rel *heldRel) *sqlparser.Select {
	sel := &sqlparser.Select{From: sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: sqlparser.TableName{Name: sqlparser.NewTableIdent(rel.marker)}}}}
	for _, c := range rel.cols {
		sel.SelectExprs = append(sel.SelectExprs, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: sqlparser.NewColIdent(c)}})
	}
	return sel
}

// holding returns a planner like p that plans over the held relations
// rels too.
func (p *Planner) holding(rels []*heldRel) *Planner {
	hp := *p
	hp.held = make(map[string]*heldRel, len(p.held)+len(rels))
	for k, v := range p.held {
		hp.held[k] = v
	}
	for _, r := range rels {
		hp.held[strings.ToLower(r.marker)] = r
	}
	return &hp
}

// heldTable returns the held relation a table name reads, or nil.
func (p *Planner) heldTable(tn sqlparser.TableName) *heldRel {
	if p.held == nil || !tn.Qualifier.IsEmpty() {
		return nil
	}
	return p.held[strings.ToLower(tn.Name.String())]
}

// readsHeld returns a held relation n reads, nil when it reads none.
func (p *Planner) readsHeld(n sqlparser.SQLNode) *heldRel {
	var rel *heldRel
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if tn, ok := n.(sqlparser.TableName); ok && rel == nil {
			rel = p.heldTable(tn)
		}
		return rel == nil, nil
	}, n)
	return rel
}

// heldRefusal is the error for a held relation read where the router
// does not read it.
func heldRefusal(rel *heldRel, where string) error {
	return unsupportedf("WITH RECURSIVE %s: the router holds its rows and reads them in FROM (alone, as a derived table or joined with tables) and in subqueries run apart from the statement, not %s", rel.name, where)
}

// planHeld plans a SELECT whose FROM reads a held relation; ok is false
// when sel reads none there (a subquery may, planned as subqueries are).
func (p *Planner) planHeld(sel sqlparser.SelectStatement, s *Session, nargs int) (pl Plan, ok bool, err error) {
	if p.held == nil {
		return nil, false, nil
	}
	switch st := sel.(type) {
	case *sqlparser.Select:
		rel := p.readsHeld(st.From)
		if rel == nil {
			return nil, false, nil
		}
		if r := p.heldFrom(st); r != nil {
			pl, err := p.planHeldRows(st, r, nargs)
			return pl, true, err
		}
		c, err := cloneSelect(st)
		if err != nil {
			return nil, true, err
		}
		cs := c.(*sqlparser.Select)
		switch {
		case derivedFrom(cs) != nil:
			pl, err = p.planDerived(cs, s, nargs, rel.eng)
		case joinsDerived(cs):
			pl, err = p.planJoinSelect(cs, s, nargs, rel.eng, unsupportedf("WITH RECURSIVE %s: the router holds its rows, so the statement runs as a join at the router", rel.name))
		default:
			err = heldRefusal(rel, "in "+sqlparser.String(st.From))
		}
		return pl, true, err
	case *sqlparser.Union:
		rel := p.readsHeld(st)
		if rel == nil {
			return nil, false, nil
		}
		c, err := cloneSelect(st)
		if err != nil {
			return nil, true, err
		}
		pl, err := p.planUnion(c.(*sqlparser.Union), s, nargs, nil, rel.eng, nil)
		return pl, true, err
	}
	return nil, false, nil
}

// heldFrom returns the held relation a SELECT reads as its only FROM
// table, or nil.
func (p *Planner) heldFrom(sel *sqlparser.Select) *heldRel {
	if len(sel.From) != 1 {
		return nil
	}
	ate, ok := sel.From[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return nil
	}
	tn, ok := ate.Expr.(sqlparser.TableName)
	if !ok {
		return nil
	}
	return p.heldTable(tn)
}

// planHeldRows plans a SELECT over a held relation alone: evaluated by
// the router over the rows held.
func (p *Planner) planHeldRows(sel *sqlparser.Select, rel *heldRel, nargs int) (Plan, error) {
	if sel.Lock != "" {
		return nil, heldRefusal(rel, "under "+strings.TrimSpace(strings.ToUpper(sel.Lock)))
	}
	alias := rel.marker
	if as := sel.From[0].(*sqlparser.AliasedTableExpr).As; !as.IsEmpty() {
		alias = as.String()
	}
	cols := make([]derivedColumn, len(rel.cols))
	for i, c := range rel.cols {
		cols[i] = derivedColumn{name: c}
	}
	dp := &derivedPlan{alias: alias, eng: rel.eng}
	rs, err := dp.compile(sel, cols)
	if err != nil {
		return nil, err
	}
	return &relationPlan{input: &heldRowsPlan{rel: rel, nargs: nargs}, rel: rs, what: "the rows of " + rel.name, nargs: nargs, maxRows: p.memoryRows()}, nil
}

// heldRowsPlan returns the rows of a held relation from the execution's
// context.
type heldRowsPlan struct {
	rel   *heldRel
	nargs int
}

var _ Plan = (*heldRowsPlan)(nil)

func (hp *heldRowsPlan) NumArgs() int { return hp.nargs }

func (hp *heldRowsPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	h, ok := ctx.Value(heldKey{hp.rel}).(*heldRows)
	if !ok {
		return nil, planErrorf("WITH RECURSIVE %s: its rows are read before they are evaluated", hp.rel.name)
	}
	return &heldIterator{rows: h}, nil
}

func (hp *heldRowsPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, hp, vc, args)
}

// Explain shows no shard statement: the rows are the router's.
func (hp *heldRowsPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	return []ExplainRow{operatorRow("Rows of %s (held by the router)", hp.rel.name)}, nil
}

// heldKey is the context key of a held relation's rows.
type heldKey struct{ rel *heldRel }

// heldRows are the rows of a held relation in one execution.
type heldRows struct {
	cols []merge.Column
	rows []merge.Row
}

// withHeldRows returns ctx holding rows as a held relation's.
func withHeldRows(ctx context.Context, rel *heldRel, cols []merge.Column, rows []merge.Row) context.Context {
	return context.WithValue(ctx, heldKey{rel}, &heldRows{cols: cols, rows: rows})
}

// heldIterator returns copies of held rows: a row returned belongs to
// the caller, and the held ones are read again.
type heldIterator struct {
	rows *heldRows
	pos  int
}

func (it *heldIterator) Columns() []merge.Column { return it.rows.cols }

func (it *heldIterator) Next() (merge.Row, error) {
	if it.pos >= len(it.rows.rows) {
		return nil, io.EOF
	}
	r := it.rows.rows[it.pos]
	it.pos++
	return append(merge.Row(nil), r...), nil
}

func (it *heldIterator) Close() error {
	it.pos = len(it.rows.rows)
	return nil
}
