package route

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/vschema"
)

// A SELECT with window functions (read from its text by readWindows)
// runs one of two ways.
//
// Pushed down: when every window's rows lie on one shard, the statement
// goes to the shards with its windows written back in each backend's
// dialect, and their rows merge as any SELECT's do (the outer ORDER BY
// and LIMIT by the merge). That is so when the statement routes to one
// shard, or when it does not aggregate and every window's PARTITION BY
// holds the unique primary vindex column of a sharded table that no
// outer join can leave NULL: all the rows of a partition then come from
// one shard.
//
// Evaluated by the router: otherwise the shards return the rows of the
// statement without its windows (its FROM and WHERE, as a statement of
// its own, planned as any), and the router evaluates the rest over them
// (relationSelect): GROUP BY, HAVING, the windows (merge.Window), the
// select list, DISTINCT, ORDER BY and LIMIT.
//
//	SELECT id, RANK() OVER (PARTITION BY grp ORDER BY qty) AS r FROM items ORDER BY r LIMIT 3
//	  Evaluate (windows) Window 1 | Sort 2 | Limit 3 | Project id, r
//	    the merge of SELECT id AS __vw_c0, grp AS __vw_c1, qty AS __vw_c2 FROM items

// windowRows names the rows the router evaluates windows over, in messages.
const windowRows = "the rows windows are evaluated over"

// hasWindow reports a window function's call under n.
func hasWindow(nodes ...sqlparser.SQLNode) bool {
	found := false
	for _, n := range nodes {
		if n == nil {
			continue
		}
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if e, ok := n.(sqlparser.Expr); ok && dialect.IsWindow(e) {
				found = true
			}
			return !found, nil
		}, n)
	}
	return found
}

// selectHasWindow reports a statement with window functions anywhere.
func selectHasWindow(stmt sqlparser.Statement) bool {
	return hasWindow(stmt)
}

// ownWindows reports window functions in a SELECT's own clauses, not in
// its subqueries or derived tables.
func ownWindows(sel *sqlparser.Select) bool {
	return countWindows(false, sel.SelectExprs, sel.Where, sel.GroupBy, sel.Having, sel.OrderBy) > 0
}

// ownSelects returns a statement's own SELECTs: itself, or each member
// of its UNION.
func ownSelects(sel sqlparser.SelectStatement) []*sqlparser.Select {
	switch st := sel.(type) {
	case *sqlparser.Select:
		return []*sqlparser.Select{st}
	case *sqlparser.Union:
		return append(ownSelects(st.Left), ownSelects(st.Right)...)
	case *sqlparser.ParenSelect:
		return ownSelects(st.Select)
	}
	return nil
}

// nestedWindows reports window functions below a statement's own
// SELECTs: in their derived tables and subqueries, at any depth.
func nestedWindows(sel sqlparser.SelectStatement) bool {
	own := 0
	for _, st := range ownSelects(sel) {
		own += countWindows(false, st.SelectExprs, st.Where, st.GroupBy, st.Having, st.OrderBy)
	}
	return countWindows(true, sel) > own
}

// shardLocalWindows reports a statement whose derived tables' and
// subqueries' windows each shard computes as one database would: every
// SELECT below the statement's own with windows aggregates nothing and
// partitions each window by the unique primary vindex column of a
// sharded table of its FROM that no outer join leaves NULL, so all the
// rows of a partition lie on one shard (see pushWindows).
func (p *Planner) shardLocalWindows(sel sqlparser.SelectStatement, s *Session) bool {
	own := ownSelects(sel)
	local := true
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		inner, ok := n.(*sqlparser.Select)
		if !ok || slices.Contains(own, inner) || !ownWindows(inner) {
			return local, nil
		}
		local = p.partitionedByShardKey(inner, s)
		return local, nil
	}, sel)
	return local
}

// partitionedByShardKey reports a SELECT that aggregates nothing and
// partitions every window of its own by a shard key of its FROM.
func (p *Planner) partitionedByShardKey(sel *sqlparser.Select, s *Session) bool {
	if len(sel.GroupBy) > 0 || sel.Having != nil || hasAggregate(sel.SelectExprs) {
		return false
	}
	keys, err := p.partitionKeys(sel, s)
	if err != nil {
		return false
	}
	for _, f := range windowsIn(sel.SelectExprs, sel.OrderBy) {
		w, _ := dialect.WindowOf(f)
		on := false
		for _, e := range w.Partition {
			if c, ok := e.(*sqlparser.ColName); ok && keys.holds(c) {
				on = true
			}
		}
		if !on {
			return false
		}
	}
	return true
}

// countWindows counts the window functions' calls under the nodes, in
// subqueries too when deep.
func countWindows(deep bool, nodes ...sqlparser.SQLNode) int {
	n := 0
	for _, node := range nodes {
		if node == nil {
			continue
		}
		_ = sqlparser.Walk(func(x sqlparser.SQLNode) (bool, error) {
			if _, ok := x.(*sqlparser.Subquery); ok && !deep {
				return false, nil
			}
			if e, ok := x.(sqlparser.Expr); ok && dialect.IsWindow(e) {
				n++
			}
			return true, nil
		}, node)
	}
	return n
}

// checkWindowScopes refuses window functions where the planner does
// not evaluate them: it evaluates those of a statement's SELECTs (an
// INSERT's, each member of a UNION), of their uncorrelated subqueries
// and of the derived tables and common table expressions they read, at
// any depth, each over the rows of its own FROM and WHERE; not those of
// an UPDATE or DELETE, nor those checkWindowsIn refuses.
func checkWindowScopes(stmt sqlparser.Statement) error {
	switch st := stmt.(type) {
	case sqlparser.SelectStatement:
		return checkSelectWindows(st)
	case *sqlparser.Insert:
		if sel, ok := st.Rows.(sqlparser.SelectStatement); ok {
			return checkSelectWindows(sel)
		}
	case *sqlparser.Update, *sqlparser.Delete:
		// Planned by planWindowWrite.
		return nil
	}
	return unsupportedf("window functions in %s: the router evaluates the windows of SELECT statements, their derived tables and common table expressions, INSERT … SELECT, and an UPDATE's or DELETE's uncorrelated subqueries", strings.ToUpper(firstWords(sqlparser.String(stmt), 1)))
}

// planWindowWrite plans an UPDATE or DELETE with window functions in
// its subqueries: each window must lie in an uncorrelated subquery of
// its WHERE (a compared value, an IN list, an EXISTS) or an uncorrelated
// scalar subquery of its SET, which runs once over every shard before
// the write, in its transaction, its values then bound into the write
// (see pulloutPlan), so its windows see all their rows, as on one
// database. A window elsewhere (a correlated subquery, a derived table
// the write joins) would be computed over each shard's rows alone and
// is refused.
func (p *Planner) planWindowWrite(stmt sqlparser.Statement, s *Session, nargs int) (Plan, error) {
	slots := outerSlots(stmt)
	pulled := 0
	for _, sl := range slots {
		if err := checkSelectWindows(sl.sub.Select); err != nil {
			return nil, err
		}
		pulled += countWindows(true, sl.sub)
	}
	verb := strings.ToUpper(firstWords(sqlparser.String(stmt), 1))
	if pulled < countWindows(true, stmt) {
		return nil, unsupportedf("a window function in %s outside an uncorrelated subquery of its WHERE (compared, IN or EXISTS) or an uncorrelated scalar subquery of its SET: each shard would compute it over its own rows", verb)
	}
	pl, ok, err := p.pullout(stmt, slots, s, nargs, nil)
	if !ok {
		return nil, unsupportedf("window functions in %s outside a subquery", verb)
	}
	return pl, err
}

// checkSelectWindows refuses the window functions of a SELECT (or
// UNION) that no plan would compute over their own rows (see
// checkWindowsIn).
func checkSelectWindows(sel sqlparser.SelectStatement) error {
	return checkWindowsIn(sel)
}

// checkWindowsIn fails, in sel, on window functions in a UNION's own
// ORDER BY (an error on one database too). A correlated subquery's
// windows, its own or a derived table's reading the outer columns, run:
// it is sent whole with its statement only when its rows lie on the
// outer row's shard (shardLocalWindows), and otherwise it runs once per
// distinct tuple of the outer values it reads, bound as arguments
// (correlateOrBind, correlatedWindows), never over a batch of outer
// values at once, so a derived table bound to one tuple is a SELECT of
// its own whose windows see all its rows. An uncorrelated subquery is a
// statement of its own, its windows planned as any SELECT's.
func checkWindowsIn(sel sqlparser.SelectStatement) error {
	switch st := sel.(type) {
	case *sqlparser.ParenSelect:
		return checkWindowsIn(st.Select)
	case *sqlparser.Union:
		if hasWindow(st.OrderBy) {
			// Neither backend computes an expression there, a window
			// least of all, even one a member selects.
			return planErrorf("a window function in the ORDER BY of a UNION: its terms name columns of the union's rows, by name or position (neither SQLite nor PostgreSQL computes an expression there)")
		}
		if err := checkWindowsIn(st.Left); err != nil {
			return err
		}
		return checkWindowsIn(st.Right)
	case *sqlparser.Select:
		var bad error
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if bad != nil {
				return false, nil
			}
			if sq, ok := n.(*sqlparser.Subquery); ok {
				// A derived table, or a subquery of any clause.
				bad = checkWindowsIn(sq.Select)
				return false, nil
			}
			return true, nil
		}, st)
		return bad
	}
	return nil
}

// windowsIn returns the window functions' calls under the nodes, each
// text once.
func windowsIn(nodes ...sqlparser.SQLNode) []*sqlparser.FuncExpr {
	var out []*sqlparser.FuncExpr
	seen := map[string]bool{}
	for _, n := range nodes {
		if n == nil {
			continue
		}
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if f, ok := n.(*sqlparser.FuncExpr); ok && dialect.IsWindow(f) {
				if t := sqlparser.String(f); !seen[t] {
					seen[t] = true
					out = append(out, f)
				}
				return false, nil
			}
			return true, nil
		}, n)
	}
	return out
}

// planWindowText plans a statement whose window functions readWindows
// wrote as calls: text is the statement as written, wtext as rewritten.
func (p *Planner) planWindowText(text, wtext string, s *Session) (Plan, error) {
	if startsWithWith(wtext) {
		return p.planWindowsWith(text, wtext, 0, s)
	}
	stmt, err := Parse(wtext)
	if err != nil {
		if at := insertWithAt(wtext); at > 0 {
			return p.planWindowsWith(text, wtext, at, s)
		}
		// The windows' own texts are in their calls' specs.
		if uerr := unsupportedSyntax(wtext); uerr != nil {
			return nil, uerr
		}
		if se, ok := err.(*SyntaxError); ok {
			return nil, &SyntaxError{SQL: text, Msg: se.Msg}
		}
		return nil, err
	}
	if err := checkWindowScopes(stmt); err != nil {
		return nil, err
	}
	nameWindowItems(text, stmt)
	pl, err := p.buildStatement(wtext, stmt, s)
	if err != nil {
		return nil, err
	}
	return withDirectives(stmt, pl)
}

// planWindowsWith plans a statement with a WITH clause at offset at of
// wtext whose window functions readWindows wrote as calls; text is the
// statement as written, which names the outermost select items.
func (p *Planner) planWindowsWith(text, wtext string, at int, s *Session) (Plan, error) {
	x, err := expand(wtext, at)
	if err != nil {
		return nil, err
	}
	for _, rc := range x.recursive {
		if hasWindow(rc.step) {
			return nil, unsupportedf("a window function in the recursive SELECT of %s: each round would compute it over that round's rows alone (MySQL refuses it)", rc.rel.name)
		}
		if err := checkSelectWindows(rc.anchor); err != nil {
			return nil, err
		}
	}
	if err := checkWindowScopes(x.stmt); err != nil {
		return nil, err
	}
	if at == 0 {
		if w, err := splitWith(text); err == nil {
			nameWindowItems(w.main, x.stmt)
		}
	}
	return p.planExpansion(x, s)
}

// nameWindowItems names each select item with a window function and no
// alias of the statement's first SELECT by its text as written, the
// same on every backend.
func nameWindowItems(text string, stmt sqlparser.Statement) {
	sel := firstSelect(stmt)
	if sel == nil {
		return
	}
	texts := selectItemTexts(text)
	for i, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok || !ae.As.IsEmpty() || !hasWindow(ae.Expr) {
			continue
		}
		name := sqlparser.String(ae.Expr)
		if len(texts) == len(sel.SelectExprs) {
			name = strings.Join(strings.Fields(texts[i]), " ")
		}
		ae.As = sqlparser.NewColIdent(argPattern.ReplaceAllString(name, "?"))
	}
}

// planWindows plans a SELECT with window functions.
func (p *Planner) planWindows(sel *sqlparser.Select, s *Session, nargs int) (Plan, error) {
	if err := checkWindowPlaces(sel); err != nil {
		return nil, err
	}
	if sel.Lock != "" {
		return nil, unsupportedf("%s in a SELECT with window functions: lock the rows in a statement of their own", strings.TrimSpace(strings.ToUpper(sel.Lock)))
	}
	if pl := p.pushWindows(sel, s, nargs); pl != nil {
		return pl, nil
	}
	orig, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	pl, err := p.evaluateWindows(sel, s, nargs)
	var ue *ungroupedError
	if errors.As(err, &ue) {
		return p.ungroupedRefusal(orig.(*sqlparser.Select), s, nargs, ue.err)
	}
	return pl, err
}

// ungroupedRefusal answers a grouped SELECT with windows naming a column
// neither grouped nor aggregated: on PostgreSQL with the backend's own
// error, the statement (sel, a copy the caller owns) run on one shard of
// the keyspace holding its tables failing as one database does; should
// it not fail (the column depends on a grouped primary key), and on
// SQLite, which would take some row's value of the group, the refusal.
func (p *Planner) ungroupedRefusal(sel *sqlparser.Select, s *Session, nargs int, refusal error) (Plan, error) {
	if p.readsHeld(sel.From) != nil {
		return nil, refusal
	}
	tables, err := p.fromTables(sel.From, s)
	if err != nil || len(tables) == 0 {
		return nil, refusal
	}
	ks := tables[0].Keyspace
	for _, t := range tables[1:] {
		if t.Keyspace != ks {
			return nil, refusal
		}
	}
	if p.engineOfKeyspace(ks) != eval.PostgreSQL {
		return nil, refusal
	}
	stripQualifiers(sel, ks)
	probe := &selectPlan{p: p, routing: &routing{keyspace: ks, opcode: Reference}, nargs: nargs, stmt: newShardStmt(sel)}
	probe.impossible = probe.stmt
	return &orderRefusalPlan{probe: probe, refusal: refusal}, nil
}

// checkWindowPlaces refuses a window function where SQL allows none:
// in WHERE, GROUP BY and HAVING (computed before the windows), inside an
// aggregate, or inside another window function.
func checkWindowPlaces(sel *sqlparser.Select) error {
	for _, c := range []struct {
		what string
		n    sqlparser.SQLNode
	}{{"WHERE", sel.Where}, {"GROUP BY", sel.GroupBy}, {"HAVING", sel.Having}} {
		if c.n != nil && countWindows(false, c.n) > 0 {
			return planErrorf("a window function in %s: windows are computed after WHERE, GROUP BY and HAVING", c.what)
		}
	}
	var bad error
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.FuncExpr:
			if w, ok := dialect.WindowOf(n); ok {
				for _, e := range append(append(append([]sqlparser.Expr(nil), w.Args...), w.Partition...), orderExprs(w.Order)...) {
					if hasWindow(e) && bad == nil {
						bad = planErrorf("window functions do not nest: %s", sqlparser.String(n))
					}
				}
				return true, nil
			}
			if dialect.IsAggregate(n) && hasWindow(n) && bad == nil {
				bad = planErrorf("a window function inside the aggregate %s", n.Name.String())
			}
		case *sqlparser.GroupConcatExpr:
			if hasWindow(n) && bad == nil {
				bad = planErrorf("a window function inside GROUP_CONCAT")
			}
		}
		return true, nil
	}, sel.SelectExprs, sel.OrderBy)
	return bad
}

func orderExprs(ob sqlparser.OrderBy) []sqlparser.Expr {
	out := make([]sqlparser.Expr, len(ob))
	for i, o := range ob {
		out[i] = o.Expr
	}
	return out
}

// pushWindows returns the plan that runs the statement whole on the
// shards, when every window's rows lie on one shard; nil otherwise.
func (p *Planner) pushWindows(sel *sqlparser.Select, s *Session, nargs int) Plan {
	c, err := cloneSelect(sel)
	if err != nil {
		return nil
	}
	pl, err := p.planSelectRows(c, s, nargs)
	if err != nil {
		return nil
	}
	sp, ok := pl.(*selectPlan)
	if !ok || sp.apart != nil || len(sp.sameShard) > 0 {
		return nil
	}
	if sp.routing.single() {
		return sp
	}
	if !p.partitionedByShardKey(sel, s) {
		return nil
	}
	return sp
}

// shardKeys are the columns of a FROM clause whose one value puts every
// row it reads on one shard: the unique primary vindex column of each
// sharded table that no outer join leaves NULL.
type shardKeys struct {
	// cols maps a table's lower-cased alias to its key column.
	cols map[string]string
	// alone is the key column when the FROM reads one table.
	alone string
}

func (k *shardKeys) holds(c *sqlparser.ColName) bool {
	name := c.Name.Lowered()
	if c.Qualifier.IsEmpty() {
		return k.alone != "" && k.alone == name
	}
	if !c.Qualifier.Qualifier.IsEmpty() {
		return false
	}
	col, ok := k.cols[strings.ToLower(c.Qualifier.Name.String())]
	return ok && col == name
}

// partitionKeys finds the shard keys of sel's FROM.
func (p *Planner) partitionKeys(sel *sqlparser.Select, s *Session) (*shardKeys, error) {
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	a := newAnalysis(p, s)
	top, err := a.selectScope(c, nil, true)
	if err != nil {
		return nil, err
	}
	nullable := map[string]bool{}
	var mark func(te sqlparser.TableExpr, null bool)
	mark = func(te sqlparser.TableExpr, null bool) {
		switch te := te.(type) {
		case *sqlparser.AliasedTableExpr:
			name := te.As.String()
			if tn, ok := te.Expr.(sqlparser.TableName); ok && name == "" {
				name = tn.Name.String()
			}
			if null {
				nullable[strings.ToLower(name)] = true
			}
		case *sqlparser.ParenTableExpr:
			for _, t := range te.Exprs {
				mark(t, null)
			}
		case *sqlparser.JoinTableExpr:
			mark(te.LeftExpr, null || te.Join == sqlparser.RightJoinStr || te.Join == sqlparser.NaturalRightJoinStr)
			mark(te.RightExpr, null || te.Join == sqlparser.LeftJoinStr || te.Join == sqlparser.NaturalLeftJoinStr)
		}
	}
	for _, te := range sel.From {
		mark(te, false)
	}
	k := &shardKeys{cols: map[string]string{}}
	for _, t := range top.tables {
		if t.table == nil || t.table.Type != vschema.TypeSharded || t.table.Pinned != nil || len(t.table.ColumnVindexes) == 0 || nullable[t.alias] {
			continue
		}
		cv := t.table.ColumnVindexes[0]
		if len(cv.Columns) != 1 || !cv.Vindex.IsUnique() {
			continue
		}
		k.cols[t.alias] = cv.Columns[0]
		if len(top.tables) == 1 {
			k.alone = cv.Columns[0]
		}
	}
	return k, nil
}

// evaluateWindows plans the statement as the rows of its FROM and WHERE,
// read from the shards, with the rest evaluated by the router.
func (p *Planner) evaluateWindows(sel *sqlparser.Select, s *Session, nargs int) (Plan, error) {
	for _, n := range []sqlparser.SQLNode{sel.SelectExprs, sel.Having, sel.OrderBy, sel.GroupBy} {
		if n != nil && hasSubqueryIn(n) {
			return nil, unsupportedf("a subquery in the select list, GROUP BY, HAVING or ORDER BY of a SELECT whose windows the router evaluates across shards")
		}
	}
	var star *sqlparser.StarExpr
	for _, se := range sel.SelectExprs {
		if st, ok := se.(*sqlparser.StarExpr); ok {
			if star != nil {
				return nil, unsupportedf("two * items beside window functions the router evaluates across shards: name the columns")
			}
			star = st
		}
	}
	for _, f := range windowsIn(sel.SelectExprs, sel.OrderBy) {
		w, _ := dialect.WindowOf(f)
		if i, what := countArg(w.Name); i >= 0 && i < len(w.Args) && !constantArg(w.Args[i]) {
			return nil, unsupportedf("%s of %s given as %s, which may differ from row to row: the router evaluating it across shards reads a number or a ?", what, strings.ToUpper(w.Name), sqlparser.String(w.Args[i]))
		}
	}
	outer := copySelect(sel)
	nameColumns(outer)
	aliases := map[string]sqlparser.Expr{}
	for _, se := range outer.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			continue
		}
		if c, isCol := ae.Expr.(*sqlparser.ColName); isCol && ae.As.IsEmpty() {
			ae.As = sqlparser.NewColIdent(c.Name.String())
			continue
		}
		if !ae.As.IsEmpty() {
			aliases[ae.As.Lowered()] = ae.Expr
		}
	}
	// Every column the outer statement reads becomes a column of the
	// inner one, named __vw_cN.
	var inner sqlparser.SelectExprs
	colOf := map[string]string{}
	var bad error
	rename := func(e sqlparser.Expr) sqlparser.Expr {
		c, ok := e.(*sqlparser.ColName)
		if !ok {
			return e
		}
		key := strings.ToLower(sqlparser.String(c))
		name, ok := colOf[key]
		if !ok {
			name = "__vw_c" + strconv.Itoa(len(inner))
			colOf[key] = name
			inner = append(inner, &sqlparser.AliasedExpr{Expr: &sqlparser.ColName{Name: c.Name, Qualifier: c.Qualifier}, As: sqlparser.NewColIdent(name)})
		}
		return &sqlparser.ColName{Name: sqlparser.NewColIdent(name)}
	}
	// aliasRef reports a bare name that is a select alias (not of the
	// same column).
	aliasRef := func(e sqlparser.Expr) bool {
		c, ok := e.(*sqlparser.ColName)
		if !ok || !c.Qualifier.IsEmpty() {
			return false
		}
		x, ok := aliases[c.Name.Lowered()]
		if !ok {
			return false
		}
		if xc, isCol := x.(*sqlparser.ColName); isCol && xc.Name.Equal(c.Name) {
			return false
		}
		return true
	}
	refuseAliases := func(e sqlparser.Expr, where string) {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if c, ok := n.(*sqlparser.ColName); ok && aliasRef(c) && bad == nil {
				bad = unsupportedf("the select alias %s in %s of a SELECT whose windows the router evaluates across shards (an alias or a column, by each backend's rules): write the expression itself", c.Name.String(), where)
			}
			return true, nil
		}, e)
	}
	// A bare GROUP BY name that is a select alias means the column when
	// the FROM tables have one (as on one database), else the alias.
	var probe func(string) (bool, error)
	column := map[int]bool{}
	for i, g := range outer.GroupBy {
		c, ok := g.(*sqlparser.ColName)
		if !ok || !aliasRef(c) {
			continue
		}
		x := aliases[c.Name.Lowered()]
		if hasAggregateExpr(x) || hasWindow(x) {
			continue
		}
		if probe == nil {
			var err error
			if probe, err = p.windowProbe(sel, s, nargs); err != nil {
				return nil, err
			}
		}
		isCol, err := probe(c.Name.String())
		if err != nil {
			return nil, err
		}
		if isCol {
			column[i] = true
		} else {
			outer.GroupBy[i] = cloneExpr(x)
		}
	}
	for _, se := range outer.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok {
			ae.Expr = rewriteExpr(ae.Expr, rename)
		}
	}
	for i, g := range outer.GroupBy {
		if !column[i] {
			refuseAliases(g, "GROUP BY")
		}
		outer.GroupBy[i] = rewriteExpr(g, rename)
	}
	if outer.Having != nil {
		refuseAliases(outer.Having.Expr, "HAVING")
		outer.Having = &sqlparser.Where{Type: sqlparser.HavingStr, Expr: rewriteExpr(outer.Having.Expr, rename)}
	}
	for i, o := range outer.OrderBy {
		if aliasRef(o.Expr) {
			continue
		}
		refuseAliases(o.Expr, "ORDER BY")
		outer.OrderBy[i] = &sqlparser.Order{Expr: rewriteExpr(o.Expr, rename), Direction: o.Direction}
	}
	if bad != nil {
		return nil, bad
	}
	if len(inner) == 0 {
		inner = sqlparser.SelectExprs{&sqlparser.AliasedExpr{Expr: sqlparser.NewIntVal([]byte("1")), As: sqlparser.NewColIdent("__vw_c0")}}
	}
	in := &sqlparser.Select{Comments: sel.Comments, SelectExprs: inner, From: sel.From, Where: sel.Where}
	outer.Where = nil
	eng, err := p.windowEngine(in, s)
	if err != nil {
		return nil, err
	}
	named := len(inner)
	if star != nil {
		// The star's columns come first; how many is known when the
		// rows arrive.
		in.SelectExprs = append(sqlparser.SelectExprs{star}, inner...)
	}
	compile := func(outer *sqlparser.Select, width int) (*relationSelect, error) {
		off := width - named
		src := relationSource{
			what:  windowRows,
			width: width,
			eng:   eng,
			resolve: func(c *sqlparser.ColName) (int, error) {
				name := c.Name.Lowered()
				if c.Qualifier.IsEmpty() && strings.HasPrefix(name, "__vw_c") {
					if i, err := strconv.Atoi(name[len("__vw_c"):]); err == nil && i >= 0 && i < named {
						return off + i, nil
					}
				}
				return 0, planErrorf("column %s is not read by %s", sqlparser.String(c), windowRows)
			},
			isColumn: func(name string) (bool, error) { return strings.HasPrefix(strings.ToLower(name), "__vw_c"), nil },
			star: func(*sqlparser.StarExpr) ([]int, []string, error) {
				idx := make([]int, off)
				for i := range idx {
					idx[i] = i
				}
				return idx, make([]string, off), nil
			},
			itemName: func(ae *sqlparser.AliasedExpr) string { return ae.As.String() },
			strict:   true,
		}
		rs, err := compileRelationSelect(outer, src)
		return rs, restoreColumnNames(err, colOf)
	}
	input, err := p.planSelect(in, s, nargs)
	if err != nil {
		return nil, err
	}
	rp := &relationPlan{input: input, what: "windows", nargs: nargs, maxRows: p.memoryRows()}
	if star == nil {
		if rp.rel, err = compile(outer, named); err != nil {
			return nil, err
		}
		return rp, nil
	}
	text := sqlparser.String(outer)
	// A statement the rows of one width compile to is compiled once.
	var compiled sync.Map
	rp.late = func(cols []merge.Column) (*relationSelect, error) {
		if rs, ok := compiled.Load(len(cols)); ok {
			return rs.(*relationSelect), nil
		}
		if len(cols) < named {
			return nil, planErrorf("%s have %d columns, fewer than the %d read", windowRows, len(cols), named)
		}
		stmt, err := Parse(text)
		if err != nil {
			return nil, err
		}
		rs, err := compile(stmt.(*sqlparser.Select), len(cols))
		if err != nil {
			return nil, err
		}
		compiled.Store(len(cols), rs)
		return rs, nil
	}
	return rp, nil
}

// restoreColumnNames writes the columns a message names as the user
// wrote them, not as the rows windows are evaluated over name them.
func restoreColumnNames(err error, colOf map[string]string) error {
	if err == nil {
		return nil
	}
	fix := func(msg string) string {
		// __vw_c1 is a prefix of __vw_c10: the longest first.
		names := make([]string, 0, len(colOf))
		for orig := range colOf {
			names = append(names, orig)
		}
		slices.SortFunc(names, func(a, b string) int { return len(colOf[b]) - len(colOf[a]) })
		for _, orig := range names {
			msg = strings.ReplaceAll(msg, colOf[orig], orig)
		}
		return strings.ReplaceAll(msg, "the rows of "+windowRows, windowRows)
	}
	var ue *UnsupportedError
	if errors.As(err, &ue) {
		out := error(&UnsupportedError{Msg: fix(ue.Msg)})
		var ug *ungroupedError
		if errors.As(err, &ug) {
			out = &ungroupedError{out}
		}
		return out
	}
	var pe *vschema.PlanError
	if errors.As(err, &pe) {
		return &vschema.PlanError{Msg: fix(pe.Msg)}
	}
	return err
}

// windowProbe returns the function that tells whether a name is a
// column of sel's FROM tables, as their backend resolves it.
func (p *Planner) windowProbe(sel *sqlparser.Select, s *Session, nargs int) (func(string) (bool, error), error) {
	c, err := cloneSelect(sel)
	if err != nil {
		return nil, err
	}
	a := newAnalysis(p, s)
	if _, err := a.selectScope(c, nil, true); err != nil {
		return nil, err
	}
	if len(a.tables) == 0 {
		return func(string) (bool, error) { return false, nil }, nil
	}
	return p.columnProbe(a.tables[0].table.Keyspace, sel, nargs), nil
}

// windowEngine returns the value rules of the tables the rows come from;
// tables of backends with different rules are refused.
func (p *Planner) windowEngine(in *sqlparser.Select, s *Session) (eval.Engine, error) {
	if rel := p.readsHeld(in.From); rel != nil {
		// The rows of a recursive CTE, compared as its tables' backend
		// compares them (the rows of other tables joined with them
		// are refused on another backend by the join).
		return rel.eng, nil
	}
	c, err := cloneSelect(in)
	if err != nil {
		return 0, err
	}
	a := newAnalysis(p, s)
	if _, err := a.selectScope(c, nil, true); err != nil {
		return 0, err
	}
	eng := p.engineOfKeyspace(p.defaultKeyspace(s))
	if len(a.tables) > 0 {
		eng = p.engineOfKeyspace(a.tables[0].table.Keyspace)
	}
	if x, y := p.mixedBackends(a.tables); x != nil {
		return 0, unsupportedf("window functions over the rows of %s (%s) and %s (%s): the router would compare values by one backend's rules",
			x, x.Backend.Product(), y, y.Backend.Product())
	}
	return eng, nil
}

// relationWindows computes a relationSelect's window functions: each
// row gets the values of the windows' expressions appended (from column
// base on), then one column per function.
type relationWindows struct {
	base   int
	inputs []*mergeValue
	funcs  []merge.WindowFunc
}

// compileRelationWindows compiles the window functions of s over rows
// base columns wide (the input, then a grouping's inputs), and
// registers their columns with b, so the select list and ORDER BY read
// them.
func compileRelationWindows(b *mergeBuilder, s *sqlparser.Select, src relationSource, ag *relationAggregate, base int) (*relationWindows, error) {
	rw := &relationWindows{base: base}
	add := func(e sqlparser.Expr) (int, error) {
		if ag != nil && src.strict {
			if err := ag.checkGrouped(b, e, src); err != nil {
				return 0, err
			}
		}
		v, err := b.compileValue(e, clauseSelect)
		if err != nil {
			return 0, err
		}
		rw.inputs = append(rw.inputs, v)
		return base + len(rw.inputs) - 1, nil
	}
	calls := windowsIn(s.SelectExprs, s.OrderBy)
	for _, f := range calls {
		w, ok := dialect.WindowOf(f)
		if !ok {
			return nil, planErrorf("malformed window function %s", sqlparser.String(f))
		}
		if w.Frame != nil && w.Frame.Groups && len(w.Order) == 0 && src.eng == eval.PostgreSQL {
			// SQLite makes every row a peer of every other.
			return nil, planErrorf("GROUPS mode requires an ORDER BY clause (as PostgreSQL says): %s", sqlparser.String(f))
		}
		wf := merge.WindowFunc{Name: w.Name, Frame: mergeFrame(w.Frame)}
		for _, e := range w.Args {
			col, err := add(e)
			if err != nil {
				return nil, err
			}
			wf.Args = append(wf.Args, col)
		}
		for _, e := range w.Partition {
			col, err := add(e)
			if err != nil {
				return nil, err
			}
			wf.Partition = append(wf.Partition, col)
		}
		for i, o := range w.Order {
			col, err := add(o.Expr)
			if err != nil {
				return nil, err
			}
			desc := o.Direction == sqlparser.DescScr
			// NULLS FIRST or LAST as written, else as MySQL orders them.
			wf.Order = append(wf.Order, eval.SortKey{Col: col, Desc: desc, Nulls: nullOrder(desc != w.NullsFlipped[i])})
		}
		rw.funcs = append(rw.funcs, wf)
	}
	for i, f := range calls {
		b.colOf[sqlparser.String(f)] = base + len(rw.inputs) + i
	}
	return rw, nil
}

// countArg returns which argument of a window function counts rows
// (NTILE's buckets, LAG's and LEAD's offset, NTH_VALUE's position), or -1.
func countArg(name string) (int, string) {
	switch name {
	case "ntile":
		return 0, "the bucket count"
	case "lag", "lead":
		return 1, "the offset"
	case "nth_value":
		return 1, "the position"
	}
	return -1, ""
}

// constantArg reports a literal, a ? or NULL, or its negation.
func constantArg(e sqlparser.Expr) bool {
	switch e := e.(type) {
	case *sqlparser.SQLVal:
		return e.Type == sqlparser.IntVal || e.Type == sqlparser.FloatVal || e.Type == sqlparser.ValArg || e.Type == sqlparser.StrVal
	case *sqlparser.NullVal:
		return true
	case *sqlparser.UnaryExpr:
		return e.Operator == sqlparser.UMinusStr && constantArg(e.Expr)
	case *sqlparser.ParenExpr:
		return constantArg(e.Expr)
	}
	return false
}

// mergeFrame is the merge package's form of a frame.
func mergeFrame(f *dialect.WindowFrame) merge.Frame {
	if f == nil {
		return merge.Frame{}
	}
	bound := func(b dialect.WindowBound) merge.FrameBound {
		kinds := map[dialect.BoundKind]merge.BoundKind{
			dialect.UnboundedPreceding: merge.UnboundedPreceding, dialect.Preceding: merge.Preceding,
			dialect.CurrentRow: merge.CurrentRow, dialect.Following: merge.Following, dialect.UnboundedFollowing: merge.UnboundedFollowing,
		}
		return merge.FrameBound{Kind: kinds[b.Kind], N: b.N}
	}
	unit := merge.FrameRange
	switch {
	case f.Rows:
		unit = merge.FrameRows
	case f.Groups:
		unit = merge.FrameGroups
	}
	excludes := map[dialect.Exclusion]merge.Exclusion{
		dialect.ExcludeNoOthers: merge.ExcludeNoOthers, dialect.ExcludeCurrentRow: merge.ExcludeCurrentRow,
		dialect.ExcludeGroup: merge.ExcludeGroup, dialect.ExcludeTies: merge.ExcludeTies,
	}
	return merge.Frame{Unit: unit, Start: bound(f.Start), End: bound(f.End), Exclude: excludes[f.Exclude]}
}
