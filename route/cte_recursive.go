package route

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// WITH RECURSIVE name [(cols…)] AS (anchor UNION [ALL] step) statement:
// a common table expression whose body reads its own name is the rows of
// its anchor (the SELECTs of its UNION that do not read it), then of its
// step (the last SELECT, which does) over the rows the round before
// added, until a round adds none.
//
// When every table the statement reads is on one shard (an unsharded
// keyspace, reference tables, tables pinned to one keyspace id, a
// session that targets one shard, or no table at all) the statement goes
// whole to that shard, WITH clause and all, in its dialect. Otherwise the
// router runs the recursion (merge.Recursive): the anchor as any SELECT,
// each round the step with the previous round's new rows as the CTE's
// rows (a held relation, see held.go: joined with tables, the rows bind
// the join keys into the tables' statements as any outer rows do), UNION
// ALL keeping every row, UNION dropping rows already held; the rows held
// are bounded by max_memory_rows, which also bounds the rounds. The
// statement then runs over the CTE's rows as over a derived table the
// router evaluates.
//
// The shapes are those SQLite, PostgreSQL and MySQL give one meaning:
// one recursive SELECT, last, reading the CTE once in its FROM, outside
// subqueries and the nullable side of an outer join, without DISTINCT,
// GROUP BY, aggregates, ORDER BY or LIMIT (which each backend applies to
// other rows), and no ORDER BY or LIMIT over the whole UNION.

// recursiveCTE is one recursive common table expression of a statement.
type recursiveCTE struct {
	rel    *heldRel
	anchor sqlparser.SelectStatement
	step   *sqlparser.Select
	// distinct is UNION between the anchor and the step.
	distinct bool
}

// recursive makes the i-th CTE, whose body reads its own name, a
// recursive one: its anchor and step split and substituted, its
// references reading its held rows.
func (e *cteExpander) recursive(i int, body sqlparser.SelectStatement) (*recursiveCTE, error) {
	c := e.w.ctes[i]
	anchor, step, distinct, err := splitRecursive(c.name, body)
	if err != nil {
		return nil, err
	}
	cols := c.cols
	if len(cols) > 0 {
		if err := renameCTEColumns(body, c); err != nil {
			return nil, err
		}
	} else {
		dc, known := derivedColumns(anchor)
		if !known {
			return nil, unsupportedf("WITH RECURSIVE %s: the anchor selects *, whose columns the router does not know; name them", c.name)
		}
		for _, d := range dc {
			if d.unnamed {
				return nil, unsupportedf("WITH RECURSIVE %s: the anchor's column %s is computed without an alias, which each backend names its own way: name it with AS or a column list", c.name, d.name)
			}
			cols = append(cols, d.name)
		}
	}
	seen := map[string]bool{}
	for _, name := range cols {
		if seen[strings.ToLower(name)] {
			return nil, planErrorf("WITH RECURSIVE %s: two columns are named %s", c.name, name)
		}
		seen[strings.ToLower(name)] = true
	}
	if first := firstSelect(anchor); first != nil && len(first.SelectExprs) != len(cols) {
		return nil, planErrorf("WITH RECURSIVE %s: the anchor selects %d columns, the common table expression has %d", c.name, len(first.SelectExprs), len(cols))
	}
	for _, se := range step.SelectExprs {
		if _, ok := se.(*sqlparser.AliasedExpr); !ok {
			return nil, unsupportedf("WITH RECURSIVE %s: the recursive SELECT selects %s: name its columns", c.name, sqlparser.String(se))
		}
	}
	if len(step.SelectExprs) != len(cols) {
		return nil, planErrorf("WITH RECURSIVE %s: the recursive SELECT selects %d columns, the anchor %d", c.name, len(step.SelectExprs), len(cols))
	}
	rc := &recursiveCTE{rel: &heldRel{name: c.name, marker: heldMarkerPrefix + c.name, cols: cols, literals: literalTypes(anchor)}, anchor: anchor, step: step, distinct: distinct}
	e.rec[i] = rc
	if err := e.substitute(anchor, i); err != nil {
		return nil, err
	}
	// The step reads the CTE itself: that is not a use of it.
	used := e.used[i]
	if err := e.substitute(step, i+1); err != nil {
		return nil, err
	}
	e.used[i] = used
	return rc, nil
}

// literalTypes returns, per select item of the anchor's first SELECT, the
// PostgreSQL type of an integer literal ("INT4" when it fits, else
// "INT8"), "" for other items.
func literalTypes(anchor sqlparser.SelectStatement) []string {
	first := firstSelect(anchor)
	if first == nil {
		return nil
	}
	out := make([]string, len(first.SelectExprs))
	for i, se := range first.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			continue
		}
		if v, ok := ae.Expr.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
			out[i] = "INT8"
			if n, err := strconv.ParseInt(string(v.Val), 10, 32); err == nil && n == int64(int32(n)) {
				out[i] = "INT4"
			}
		}
	}
	return out
}

// splitRecursive splits the body of a recursive CTE into its anchor and
// its step, refusing the shapes the backends give different meanings.
func splitRecursive(name string, body sqlparser.SelectStatement) (sqlparser.SelectStatement, *sqlparser.Select, bool, error) {
	for {
		ps, ok := body.(*sqlparser.ParenSelect)
		if !ok {
			break
		}
		body = ps.Select
	}
	u, ok := body.(*sqlparser.Union)
	if !ok {
		return nil, nil, false, unsupportedf("WITH RECURSIVE %s: a common table expression that reads itself is the UNION [ALL] of SELECTs that do not read it and one last SELECT that does", name)
	}
	if len(u.OrderBy) > 0 || u.Limit != nil || u.Lock != "" {
		return nil, nil, false, unsupportedf("WITH RECURSIVE %s: ORDER BY, LIMIT or a lock over the recursion (SQLite, PostgreSQL and MySQL give them different meanings)", name)
	}
	distinct := false
	switch u.Type {
	case sqlparser.UnionAllStr:
	case sqlparser.UnionStr, sqlparser.UnionDistinctStr:
		distinct = true
	default:
		return nil, nil, false, unsupportedf("WITH RECURSIVE %s: %s between the anchor and the recursive SELECT: write UNION or UNION ALL", name, strings.ToUpper(u.Type))
	}
	if countTableNamed(u.Left, name, true) > 0 {
		return nil, nil, false, unsupportedf("WITH RECURSIVE %s: only the last SELECT of its UNION may read %s (one recursive SELECT, as PostgreSQL requires)", name, name)
	}
	right := u.Right
	for {
		ps, ok := right.(*sqlparser.ParenSelect)
		if !ok {
			break
		}
		right = ps.Select
	}
	step, ok := right.(*sqlparser.Select)
	if !ok {
		return nil, nil, false, unsupportedf("WITH RECURSIVE %s: the recursive SELECT is a %s", name, sqlparser.String(right))
	}
	switch {
	case step.Distinct != "", len(step.GroupBy) > 0, step.Having != nil, hasAggregate(step.SelectExprs), len(step.OrderBy) > 0, step.Limit != nil, step.Lock != "":
		return nil, nil, false, unsupportedf("WITH RECURSIVE %s: DISTINCT, GROUP BY, HAVING, aggregates, ORDER BY, LIMIT or a lock in the recursive SELECT (the backends apply them to other rows: one row, or one round)", name)
	}
	if countTableNamed(step, name, true) != 1 || countTableNamed(step.From, name, false) != 1 {
		return nil, nil, false, unsupportedf("WITH RECURSIVE %s: the recursive SELECT reads %s once, in its FROM, outside subqueries and derived tables", name, name)
	}
	if nullableRead(step.From, name) {
		return nil, nil, false, unsupportedf("WITH RECURSIVE %s: the recursive SELECT reads %s on the nullable side of an outer join", name, name)
	}
	return u.Left, step, distinct, nil
}

// countTableNamed counts the unqualified table names name in n, within
// subqueries and derived tables when deep.
func countTableNamed(n sqlparser.SQLNode, name string, deep bool) int {
	count := 0
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return deep, nil
		case *sqlparser.AliasedTableExpr:
			if tn, ok := n.Expr.(sqlparser.TableName); ok && tn.Qualifier.IsEmpty() && strings.EqualFold(tn.Name.String(), name) {
				count++
			}
		}
		return true, nil
	}, n)
	return count
}

// nullableRead reports a FROM that reads name on the nullable side of an
// outer join.
func nullableRead(from sqlparser.TableExprs, name string) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		j, ok := n.(*sqlparser.JoinTableExpr)
		if !ok {
			return !found, nil
		}
		switch j.Join {
		case sqlparser.LeftJoinStr, sqlparser.NaturalLeftJoinStr:
			found = found || countTableNamed(j.RightExpr, name, false) > 0
		case sqlparser.RightJoinStr, sqlparser.NaturalRightJoinStr:
			found = found || countTableNamed(j.LeftExpr, name, false) > 0
		}
		return !found, nil
	}, from)
	return found
}

// planRecursive plans a statement with recursive CTEs: whole on one
// shard when its tables are there, else as the router's recursion.
func (p *Planner) planRecursive(x *expansion, s *Session) (Plan, error) {
	nargs := x.w.args
	if pl, ok, err := p.planRecursiveWhole(x, s, nargs); ok || err != nil {
		return pl, err
	}
	if s.Targeted() {
		return nil, unsupportedf("WITH RECURSIVE in a session that targets a key range: the router's recursion reads every shard; target one shard")
	}
	rels := make([]*heldRel, len(x.recursive))
	for i, rc := range x.recursive {
		rels[i] = rc.rel
	}
	table := p.firstTable(x, s)
	for _, rel := range rels {
		rel.table = table
		if table != nil {
			rel.eng = p.engineOfKeyspace(table.Keyspace)
		} else if ks := p.defaultKeyspace(s); ks != nil {
			rel.eng = p.engineOfKeyspace(ks)
		}
	}
	hp := p.holding(rels)
	wp := &recursivePlan{nargs: nargs, maxRows: p.memoryRows()}
	for _, rc := range x.recursive {
		anchor, err := hp.planSelect(rc.anchor, s, nargs)
		if err != nil {
			return nil, fmt.Errorf("WITH RECURSIVE %s, its anchor: %w", rc.rel.name, err)
		}
		step, err := hp.planSelect(rc.step, s, nargs)
		if err != nil {
			return nil, fmt.Errorf("WITH RECURSIVE %s, its recursive SELECT: %w", rc.rel.name, err)
		}
		wp.ctes = append(wp.ctes, recursiveRun{rc: rc, anchor: anchor, step: step})
	}
	var err error
	switch st := x.stmt.(type) {
	case sqlparser.SelectStatement:
		nameItemsByText(x.main, st)
		wp.main, err = hp.planSelect(st, s, nargs)
	case *sqlparser.Insert:
		wp.main, err = hp.planInsert(st, s, nargs)
	case *sqlparser.Update, *sqlparser.Delete:
		wp.main, err = hp.planHeldWrite(st, s, nargs)
	default:
		err = unsupportedf("WITH RECURSIVE before %s", firstWords(x.main, 1))
	}
	if err != nil {
		return nil, err
	}
	return wp, nil
}

// planHeldWrite plans an UPDATE or DELETE whose subqueries may read held
// relations: those that do and are uncorrelated run first, once, their
// values bound into the write (as a reference table's write binds its
// subqueries', see pullout_write.go), so the write routes by them; the
// rest is planned as any write.
func (p *Planner) planHeldWrite(stmt sqlparser.Statement, s *Session, nargs int) (Plan, error) {
	var slots []pulloutSlot
	for _, sl := range outerSlots(stmt) {
		if p.readsHeld(sl.sub) != nil {
			slots = append(slots, sl)
		}
	}
	if pl, ok, err := p.pullout(stmt, slots, s, nargs, nil); ok {
		return pl, err
	}
	switch st := stmt.(type) {
	case *sqlparser.Update:
		return p.planUpdate(st, s, nargs)
	case *sqlparser.Delete:
		return p.planDelete(st, s, nargs)
	}
	return nil, planErrorf("%s is not an UPDATE or DELETE", firstWords(sqlparser.String(stmt), 1))
}

// pieces returns the statement and the anchors and steps of its
// recursive CTEs.
func (x *expansion) pieces() []sqlparser.SQLNode {
	out := []sqlparser.SQLNode{x.stmt}
	for _, rc := range x.recursive {
		out = append(out, rc.anchor, rc.step)
	}
	return out
}

// tablesOf returns the VSchema tables the pieces of a statement read
// (not its held relations nor dual).
func (p *Planner) tablesOf(x *expansion, s *Session) ([]*vschema.Table, error) {
	var out []*vschema.Table
	var bad error
	for _, n := range x.pieces() {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			ate, ok := n.(*sqlparser.AliasedTableExpr)
			if !ok || bad != nil {
				return bad == nil, nil
			}
			tn, ok := ate.Expr.(sqlparser.TableName)
			if !ok {
				return true, nil
			}
			if tn.Qualifier.IsEmpty() && strings.HasPrefix(tn.Name.String(), heldMarkerPrefix) || isDualName(tn) && ate.As.IsEmpty() {
				return false, nil
			}
			t, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
			if err != nil {
				bad = err
				return false, nil
			}
			out = append(out, t)
			return false, nil
		}, n)
	}
	return out, bad
}

// firstTable returns the first table the statement's pieces read, nil
// when they read none (or one the VSchema lacks: planning says which).
func (p *Planner) firstTable(x *expansion, s *Session) *vschema.Table {
	tables, _ := p.tablesOf(x, s)
	if len(tables) == 0 {
		return nil
	}
	return tables[0]
}

// planRecursiveWhole plans a statement with recursive CTEs as one shard
// statement when every table it reads is on one shard; ok is false when
// they are not.
func (p *Planner) planRecursiveWhole(x *expansion, s *Session, nargs int) (Plan, bool, error) {
	_, read := x.stmt.(sqlparser.SelectStatement)
	switch x.stmt.(type) {
	case sqlparser.SelectStatement, *sqlparser.Update, *sqlparser.Delete:
	default:
		return nil, false, nil
	}
	var r *routing
	switch {
	case s.Targeted():
		if s.KeyRange != nil {
			return nil, false, nil
		}
		ks := p.vs.Keyspace(s.Keyspace)
		if ks == nil {
			return nil, true, planErrorf("keyspace %q not found", s.Keyspace)
		}
		r = &routing{keyspace: ks, opcode: ByDestination, destination: key.DestinationShard(s.Shard)}
	default:
		tables, err := p.tablesOf(x, s)
		if err != nil {
			return nil, true, err
		}
		if r = oneShardRouting(tables); r == nil && len(tables) == 0 {
			// Without tables: on the one shard of an unsharded default
			// keyspace, else at the router, where max_memory_rows
			// bounds a recursion that does not end.
			if ks := p.defaultKeyspace(s); ks != nil && !ks.Sharded {
				r = &routing{keyspace: ks, opcode: Unsharded}
			}
		}
		if r == nil && read {
			r = p.pinnedByValue(x, s)
		}
		if r == nil {
			return nil, false, nil
		}
		// A write of a reference table or a pinned one is a write of
		// every copy, planned as writes are.
		if !read && r.opcode != Unsharded {
			return nil, false, nil
		}
	}
	var ctes []dialect.CTE
	for _, c := range x.w.ctes {
		body, err := parsePiece(c.body, c.argsBefore)
		if err != nil {
			return nil, true, err
		}
		stripQualifiers(body, r.keyspace)
		ctes = append(ctes, dialect.CTE{Name: c.name, Columns: c.cols, Body: body.(sqlparser.SelectStatement)})
	}
	main, err := parsePiece(x.w.main, x.w.mainArgs)
	if err != nil {
		return nil, true, err
	}
	stripQualifiers(main, r.keyspace)
	st := &shardStmt{ast: main, with: ctes}
	sel, ok := main.(sqlparser.SelectStatement)
	if !ok {
		return &passPlan{p: p, routing: r, stmt: st, nargs: nargs}, true, nil
	}
	nameItemsByText(x.main, sel)
	return &selectPlan{p: p, routing: r, nargs: nargs, stmt: st, impossible: st}, true, nil
}

// pinnedByValue returns the routing of a statement every sharded table of
// which is restricted, in the WHERE of each SELECT that reads it, by its
// primary vindex column equal to one value, the same literal or
// placeholder for all, through one unique vindex: every row any SELECT of
// the statement (the anchor, each round, the statement over the CTE)
// reads is then on that value's one shard, which runs the whole
// statement as one database would. nil when that is not so.
func (p *Planner) pinnedByValue(x *expansion, s *Session) *routing {
	var ks *vschema.Keyspace
	var cv *vschema.ColumnVindex
	var text string
	var value valueExpr
	ok, sharded := true, false
	check := func(sel *sqlparser.Select) {
		tables := fromTables(sel.From)
		for _, te := range tables {
			tn := te.Expr.(sqlparser.TableName)
			if tn.Qualifier.IsEmpty() && strings.HasPrefix(tn.Name.String(), heldMarkerPrefix) || isDualName(tn) && te.As.IsEmpty() {
				continue
			}
			t, err := p.vs.FindTable(tn.Qualifier.String(), tn.Name.String(), s.Keyspace)
			if err != nil || ks != nil && t.Keyspace != ks || t.Pinned != nil {
				ok = false
				return
			}
			ks = t.Keyspace
			if !t.IsSharded() {
				continue
			}
			prim := t.Primary()
			if prim == nil || len(prim.Columns) != 1 || !prim.Vindex.IsUnique() || cv != nil && cv.Name != prim.Name {
				ok = false
				return
			}
			cv = prim
			alias := tn.Name.String()
			if !te.As.IsEmpty() {
				alias = te.As.String()
			}
			v := restrictingValue(sel.Where, alias, prim.Columns[0], len(tables) == 1 && len(sel.From) == 1)
			if v == nil {
				ok = false
				return
			}
			vt := sqlparser.String(v)
			if text != "" && vt != text {
				ok = false
				return
			}
			if text == "" {
				if value, ok = newValueExpr(v); !ok {
					return
				}
				text = vt
			}
			sharded = true
		}
	}
	for _, piece := range x.pieces() {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if sel, isSel := n.(*sqlparser.Select); isSel && ok {
				check(sel)
			}
			return ok, nil
		}, piece)
	}
	if !ok || !sharded || ks == nil || !ks.Sharded {
		return nil
	}
	return &routing{keyspace: ks, opcode: EqualUnique, vindex: cv, hash8: hash8Of(cv), values: []valueExpr{value}}
}

// fromTables returns the named tables of a FROM, not those of its derived
// tables.
func fromTables(from sqlparser.TableExprs) []*sqlparser.AliasedTableExpr {
	var out []*sqlparser.AliasedTableExpr
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.AliasedTableExpr:
			if _, ok := n.Expr.(sqlparser.TableName); ok {
				out = append(out, n)
			}
		}
		return true, nil
	}, from)
	return out
}

// restrictingValue returns the literal or placeholder a conjunct of where
// equates the column col of the table alias with (unqualified too when
// the table is alone in its FROM), nil when none does.
func restrictingValue(where *sqlparser.Where, alias, col string, alone bool) sqlparser.Expr {
	if where == nil {
		return nil
	}
	for _, c := range splitAnd(where.Expr) {
		cmp, ok := c.(*sqlparser.ComparisonExpr)
		if !ok || cmp.Operator != sqlparser.EqualStr {
			continue
		}
		for _, pair := range [][2]sqlparser.Expr{{cmp.Left, cmp.Right}, {cmp.Right, cmp.Left}} {
			cn, ok := pair[0].(*sqlparser.ColName)
			if !ok || !cn.Name.EqualString(col) {
				continue
			}
			if q := cn.Qualifier; !q.Qualifier.IsEmpty() || (q.Name.IsEmpty() && !alone) || !q.Name.IsEmpty() && !strings.EqualFold(q.Name.String(), alias) {
				continue
			}
			if v, ok := pair[1].(*sqlparser.SQLVal); ok && (v.Type == sqlparser.IntVal || v.Type == sqlparser.StrVal || v.Type == sqlparser.ValArg) {
				return v
			}
		}
	}
	return nil
}

// oneShardRouting returns the routing to the one shard that holds every
// table of tables, nil when no one shard does: tables of one unsharded
// keyspace, reference tables of one keyspace, or tables pinned to one
// keyspace id of one keyspace.
func oneShardRouting(tables []*vschema.Table) *routing {
	if len(tables) == 0 {
		return nil
	}
	ks := tables[0].Keyspace
	var pinned []byte
	reference := true
	for _, t := range tables {
		if t.Keyspace != ks {
			return nil
		}
		switch {
		case !ks.Sharded:
		case t.Pinned != nil:
			if pinned != nil && string(pinned) != string(t.Pinned) {
				return nil
			}
			pinned, reference = t.Pinned, false
		case t.IsSharded():
			return nil
		}
	}
	switch {
	case !ks.Sharded:
		return &routing{keyspace: ks, opcode: Unsharded}
	case reference:
		return &routing{keyspace: ks, opcode: Reference}
	}
	return &routing{keyspace: ks, opcode: EqualUnique, pinned: pinned}
}

// recursivePlan runs the recursions of a statement's recursive CTEs at
// the router, then the statement over their rows.
type recursivePlan struct {
	ctes    []recursiveRun
	main    Plan
	nargs   int
	maxRows int64
}

// recursiveRun is one recursive CTE's anchor and step, planned.
type recursiveRun struct {
	rc           *recursiveCTE
	anchor, step Plan
}

var _ Plan = (*recursivePlan)(nil)

func (rp *recursivePlan) NumArgs() int { return rp.nargs }

// evaluate runs the recursions in the order of the WITH clause (a later
// one may read an earlier one's rows) and returns ctx holding their rows.
func (rp *recursivePlan) evaluate(ctx context.Context, vc Cursor, args []any) (context.Context, error) {
	for _, run := range rp.ctes {
		rel := run.rc.rel
		it, err := run.anchor.Query(ctx, vc, args)
		if err != nil {
			return nil, fmt.Errorf("vitessdo: WITH RECURSIVE %s, its anchor: %w", rel.name, err)
		}
		cols := rel.columns(it.Columns())
		if len(cols) != len(rel.cols) {
			it.Close()
			return nil, fmt.Errorf("vitessdo: WITH RECURSIVE %s: the anchor gives %d columns, the common table expression has %d", rel.name, len(cols), len(rel.cols))
		}
		step := func(work []merge.Row) (merge.Iterator, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			it, err := run.step.Query(withHeldRows(ctx, rel, cols, work), vc, args)
			if err != nil {
				return nil, err
			}
			if err := rel.agree(cols, it.Columns()); err != nil {
				it.Close()
				return nil, err
			}
			return it, nil
		}
		_, rows, err := merge.Recursive(it, step, run.rc.distinct, rel.eng, rp.maxRows, "WITH RECURSIVE "+rel.name)
		if err != nil {
			return nil, err
		}
		ctx = withHeldRows(ctx, rel, cols, rows)
	}
	return ctx, nil
}

// columns returns the columns of the anchor's rows named as the CTE
// names them. To a PostgreSQL engine, which types the step's expressions
// by them, an integer the router computed (typed BIGINT) is the type
// PostgreSQL gives the anchor's literal, else INT8.
func (rel *heldRel) columns(in []merge.Column) []merge.Column {
	out := append([]merge.Column(nil), in...)
	for i := range out {
		if i < len(rel.cols) {
			out[i].Name = rel.cols[i]
		}
		if rel.eng == eval.PostgreSQL && out[i].DatabaseType == "BIGINT" {
			out[i].DatabaseType = "INT8"
			if i < len(rel.literals) && rel.literals[i] != "" {
				out[i].DatabaseType = rel.literals[i]
			}
		}
	}
	return out
}

// agree refuses, on PostgreSQL, a step whose column types the server
// would not keep as the anchor's: it types a recursive CTE's columns by
// its anchor and refuses a recursive SELECT whose types would widen them
// (an integer anchor, a bigint step).
func (rel *heldRel) agree(anchor, step []merge.Column) error {
	if rel.eng != eval.PostgreSQL {
		return nil
	}
	for i := range min(len(anchor), len(step)) {
		a, b := strings.ToUpper(anchor[i].DatabaseType), strings.ToUpper(step[i].DatabaseType)
		if a == "" || b == "" || a == b || keepsType(a, b) {
			continue
		}
		return unsupportedf("WITH RECURSIVE %s: the column %s is %s in the anchor and %s in the recursive SELECT, which PostgreSQL refuses: CAST the anchor's column to the type of both",
			rel.name, rel.cols[i], strings.ToLower(a), strings.ToLower(b))
	}
	return nil
}

// keepsType reports whether a PostgreSQL UNION of a column of type a with
// one of type b has type a.
func keepsType(a, b string) bool {
	ranks := map[string]int{"INT2": 1, "INT4": 2, "INT8": 3, "NUMERIC": 4, "FLOAT4": 5, "FLOAT8": 6}
	if ra, rb := ranks[a], ranks[b]; ra > 0 && rb > 0 {
		return rb <= ra
	}
	return a == "TEXT" && (b == "VARCHAR" || b == "BPCHAR")
}

func (rp *recursivePlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	ctx, err := rp.evaluate(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	return rp.main.Query(ctx, vc, args)
}

func (rp *recursivePlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	ctx, err := rp.evaluate(ctx, vc, args)
	if err != nil {
		return Result{}, err
	}
	return rp.main.Exec(ctx, vc, args)
}

// Explain shows the anchor and the step of each recursion (the step's
// statements as they run over no rows) and the statement over them.
func (rp *recursivePlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	var out []ExplainRow
	for _, run := range rp.ctes {
		rel := run.rc.rel
		cols := make([]merge.Column, len(rel.cols))
		for i, c := range rel.cols {
			cols[i] = merge.Column{Name: c}
		}
		ctx = withHeldRows(ctx, rel, cols, nil)
		union := "UNION ALL"
		if run.rc.distinct {
			union = "UNION"
		}
		out = append(out, operatorRow("Recursive (WITH RECURSIVE %s) %s, until a round adds no row", rel.name, union))
		for _, pl := range []Plan{run.anchor, run.step} {
			rows, err := pl.Explain(ctx, vc, args)
			if err != nil {
				return nil, err
			}
			out = append(out, nest(rows)...)
		}
	}
	rows, err := rp.main.Explain(ctx, vc, args)
	if err != nil {
		return nil, err
	}
	return append(out, rows...), nil
}
