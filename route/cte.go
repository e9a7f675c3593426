package route

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// Common table expressions (WITH name [(cols…)] AS (SELECT …), …
// statement) are planned as VTGate plans them: as derived tables. Every
// reference to a CTE's name in the statement (in FROM and JOINs, in
// subqueries at any depth, in derived tables and UNION arms, and in the
// bodies of the CTEs after it) becomes the derived table (body) AS name,
// or AS alias when the reference has one; the rest of the planner sees
// an ordinary statement, so every pushdown and operator across shards
// applies to it. A CTE's name hides a table of that name within the
// statement, as in MySQL and PostgreSQL; a name with a keyspace
// qualifier names the table.
//
// Placeholders: the parser numbers the ? of each piece from :v1, so each
// piece's are renumbered by the ? in the text before it. A CTE read twice
// puts its placeholders twice in the statement under the same names, and
// shard statements bind placeholders by name, so both read the same
// argument.

// maxCTECopies bounds the derived tables one statement's CTEs expand to
// (a chain of CTEs each reading the one before twice doubles at each).
const maxCTECopies = 256

// planWith plans a statement with a WITH clause: at its start, or
// before the SELECT of an INSERT … SELECT (at is where WITH starts).
func (p *Planner) planWith(text string, at int, s *Session) (Plan, error) {
	x, err := expand(text, at)
	if err != nil {
		return nil, err
	}
	return p.planExpansion(x, s)
}

// planExpansion plans a statement with its CTEs substituted.
func (p *Planner) planExpansion(x *expansion, s *Session) (Plan, error) {
	var pl Plan
	var err error
	if len(x.recursive) > 0 {
		pl, err = p.planRecursive(x, s)
	} else {
		pl, err = p.buildStatement(x.main, x.stmt, s)
	}
	if err != nil {
		return nil, err
	}
	return withDirectives(x.stmt, pl)
}

// expansion is a statement with a WITH clause, its CTEs substituted.
type expansion struct {
	w *withClause
	// stmt is the statement; main the text of the statement without the
	// WITH clause (which names the outermost select items).
	stmt sqlparser.Statement
	main string
	// at is where the WITH clause starts in the text.
	at int
	// recursive are the recursive CTEs the statement reads, in the
	// order of the WITH clause (see cte_recursive.go).
	recursive []*recursiveCTE
}

// expandWith returns the statement of a text with a WITH clause at
// offset at (0, or the start of an INSERT's SELECT) with its CTEs
// substituted, and the text of the statement without the WITH clause
// (which names the outermost select items).
func expandWith(text string, at int) (sqlparser.Statement, string, error) {
	x, err := expand(text, at)
	if err != nil {
		return nil, "", err
	}
	return x.stmt, x.main, nil
}

// expand substitutes the CTEs of a text with a WITH clause at offset at.
func expand(text string, at int) (*expansion, error) {
	x := &expansion{at: at}
	w, err := splitWith(text[at:])
	if err != nil {
		return nil, err
	}
	x.w = w
	main := w.main
	if at > 0 {
		// INSERT … WITH … SELECT: the text before WITH holds no ?, so
		// the placeholders of the rest number as they would alone.
		prefix := text[:at]
		if n, err := countPlaceholders(prefix); err != nil || n > 0 {
			return nil, unsupportedf("INSERT … WITH … SELECT with ? placeholders before WITH")
		}
		main = prefix + w.main
	}
	stmt, err := parsePiece(main, w.mainArgs)
	if err != nil {
		return nil, err
	}
	// scope is where the CTEs are read: the statement, or an INSERT's
	// SELECT (never the table it inserts into).
	var scope sqlparser.SQLNode = stmt
	switch st := stmt.(type) {
	case sqlparser.SelectStatement:
		if at > 0 {
			return nil, planErrorf("WITH: want INSERT … WITH … SELECT")
		}
	case *sqlparser.Insert:
		sel, ok := st.Rows.(sqlparser.SelectStatement)
		if !ok {
			return nil, unsupportedf("WITH before INSERT … VALUES: the router runs common table expressions in SELECT statements and INSERT … SELECT only")
		}
		if len(st.OnDup) > 0 {
			return nil, unsupportedf("WITH with INSERT … SELECT … ON DUPLICATE KEY UPDATE: write the subquery in the SELECT instead")
		}
		scope = sel
	case *sqlparser.Update, *sqlparser.Delete:
		if at > 0 {
			return nil, planErrorf("WITH: want INSERT … WITH … SELECT")
		}
	default:
		return nil, unsupportedf("WITH before %s: common table expressions are read in SELECT, INSERT … SELECT, UPDATE and DELETE statements only", firstWords(w.main, 1))
	}
	// Every body is a SELECT, read or not; with RECURSIVE, one that reads
	// its own name is a recursive CTE.
	e := &cteExpander{w: w, used: make([]int, len(w.ctes)), rec: make([]*recursiveCTE, len(w.ctes))}
	for i, c := range w.ctes {
		body, err := parsePiece(c.body, c.argsBefore)
		if err != nil {
			return nil, fmt.Errorf("WITH %s: %w", c.name, err)
		}
		sel, ok := body.(sqlparser.SelectStatement)
		if !ok {
			return nil, planErrorf("WITH %s: the body of a common table expression is a SELECT, not %s", c.name, firstWords(c.body, 1))
		}
		if w.recursive && countTableNamed(sel, c.name, true) > 0 {
			if e.rec[i], err = e.recursive(i, sel); err != nil {
				return nil, err
			}
		}
	}
	if err := e.substitute(scope, len(w.ctes)); err != nil {
		return nil, err
	}
	if err := writesCTE(stmt); err != nil {
		return nil, err
	}
	nargs := countArgs(stmt)
	for i, rc := range e.rec {
		if rc != nil && e.used[i] > 0 {
			x.recursive = append(x.recursive, rc)
			nargs = max(nargs, countArgs(rc.anchor), countArgs(rc.step))
		}
	}
	if nargs < w.args {
		for i, c := range w.ctes {
			if c.nargs > 0 && e.used[i] == 0 {
				return nil, unsupportedf("WITH %s: the common table expression holds ? placeholders but the statement never reads it", c.name)
			}
		}
		return nil, planErrorf("WITH: the statement reads %d of its %d placeholders", nargs, w.args)
	}
	x.stmt, x.main = stmt, main
	return x, nil
}

// writesCTE refuses an UPDATE or DELETE whose table written is a common
// table expression (a derived table once substituted), which no backend
// writes.
func writesCTE(stmt sqlparser.Statement) error {
	var from sqlparser.TableExprs
	var targets sqlparser.TableNames
	switch st := stmt.(type) {
	case *sqlparser.Update:
		from = st.TableExprs
	case *sqlparser.Delete:
		from, targets = st.TableExprs, st.Targets
	default:
		return nil
	}
	derived := map[string]bool{}
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if ate, ok := n.(*sqlparser.AliasedTableExpr); ok {
			if _, ok := ate.Expr.(*sqlparser.Subquery); ok {
				derived[strings.ToLower(ate.As.String())] = true
			}
			return false, nil
		}
		return true, nil
	}, from)
	if len(derived) == 0 {
		return nil
	}
	single := len(from) == 1 && len(targets) == 0
	if ate, ok := from[0].(*sqlparser.AliasedTableExpr); ok && single {
		if _, ok := ate.Expr.(*sqlparser.Subquery); ok {
			return unsupportedf("WITH %s: the statement writes the common table expression %s, which is not a table", ate.As.String(), ate.As.String())
		}
	}
	for _, t := range targets {
		if t.Qualifier.IsEmpty() && derived[strings.ToLower(t.Name.String())] {
			return unsupportedf("WITH %s: the statement writes the common table expression %s, which is not a table", t.Name.String(), t.Name.String())
		}
	}
	return nil
}

// parsePiece parses one piece of a WITH statement and numbers its
// placeholders after the shift ? placeholders before it in the text.
func parsePiece(text string, shift int) (sqlparser.Statement, error) {
	if startsWithWith(text) {
		return nil, unsupportedf("WITH inside a common table expression or after one: write every common table expression in the statement's one WITH clause")
	}
	stmt, err := Parse(text)
	if err != nil {
		if uerr := unsupportedSyntax(text); uerr != nil {
			return nil, uerr
		}
		return nil, err
	}
	if shift > 0 {
		_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
			if v, ok := n.(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg {
				if i, ok := argIndex(string(v.Val)); ok {
					v.Val = []byte(":v" + strconv.Itoa(i+1+shift))
				}
			}
			return true, nil
		}, stmt)
	}
	return stmt, nil
}

// cteExpander substitutes the CTEs of one statement.
type cteExpander struct {
	w *withClause
	// used counts the derived tables made of each CTE; copies all of
	// them.
	used   []int
	copies int
	// rec holds the recursive CTEs, nil for the others.
	rec []*recursiveCTE
}

// substitute replaces, in n, each reference to one of the first visible
// CTEs by a derived table of its body.
func (e *cteExpander) substitute(n sqlparser.SQLNode, visible int) error {
	return sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		ate, ok := n.(*sqlparser.AliasedTableExpr)
		if !ok {
			return true, nil
		}
		tn, ok := ate.Expr.(sqlparser.TableName)
		if !ok || !tn.Qualifier.IsEmpty() {
			return true, nil
		}
		i := e.find(tn.Name.String(), visible)
		if i < 0 {
			if e.w.recursive && e.find(tn.Name.String(), len(e.w.ctes)) >= 0 {
				return false, unsupportedf("WITH RECURSIVE: %s names a common table expression written after the one that reads it (PostgreSQL would read it, MySQL the table): write it before", tn.Name.String())
			}
			return true, nil
		}
		c := e.w.ctes[i]
		if ate.Hints != nil || len(ate.Partitions) > 0 {
			return false, unsupportedf("WITH %s: index hints and partitions name a table, and %s is a common table expression", c.name, tn.Name.String())
		}
		body, err := e.instance(i)
		if err != nil {
			return false, err
		}
		if ate.As.IsEmpty() {
			ate.As = sqlparser.NewTableIdent(tn.Name.String())
		}
		ate.Expr = &sqlparser.Subquery{Select: body}
		// The body is substituted already, with the CTEs before it only.
		return false, nil
	}, n)
}

// find returns the index of the CTE named name among the first visible,
// or -1. Names compare without case, as MySQL's table names on most
// systems and PostgreSQL's unquoted names.
func (e *cteExpander) find(name string, visible int) int {
	for i := visible - 1; i >= 0; i-- {
		if strings.EqualFold(e.w.ctes[i].name, name) {
			return i
		}
	}
	return -1
}

// instance returns a new copy of the i-th CTE's body, its columns renamed
// by its column list and the CTEs before it substituted.
func (e *cteExpander) instance(i int) (sqlparser.SelectStatement, error) {
	c := e.w.ctes[i]
	e.copies++
	if e.copies > maxCTECopies {
		return nil, unsupportedf("WITH: the common table expressions expand to more than %d derived tables", maxCTECopies)
	}
	e.used[i]++
	if rc := e.rec[i]; rc != nil {
		return heldSelect(rc.rel), nil
	}
	stmt, err := parsePiece(c.body, c.argsBefore)
	if err != nil {
		return nil, fmt.Errorf("WITH %s: %w", c.name, err)
	}
	body, ok := stmt.(sqlparser.SelectStatement)
	if !ok {
		return nil, planErrorf("WITH %s: the body of a common table expression is a SELECT, not %s", c.name, firstWords(c.body, 1))
	}
	if len(c.cols) > 0 {
		if err := renameCTEColumns(body, c); err != nil {
			return nil, err
		}
	}
	if err := e.substitute(body, i); err != nil {
		return nil, err
	}
	return body, nil
}

// renameCTEColumns gives the select items of a CTE's body (the first
// SELECT's of a UNION, which name its columns) the names of the CTE's
// column list, as aliases. A name the body's GROUP BY, HAVING or ORDER BY
// reads that the renaming would change the meaning of is refused.
func renameCTEColumns(body sqlparser.SelectStatement, c cteDef) error {
	first := firstSelect(body)
	if first == nil {
		return unsupportedf("WITH %s (%s): the body's select list cannot be renamed", c.name, strings.Join(c.cols, ", "))
	}
	if len(first.SelectExprs) != len(c.cols) {
		return planErrorf("WITH %s (%s): the column list names %d columns but the body selects %d", c.name, strings.Join(c.cols, ", "), len(c.cols), len(first.SelectExprs))
	}
	// names holds the old aliases and the new names, lowercased.
	names := map[string]bool{}
	_, isSelect := body.(*sqlparser.Select)
	for i, se := range first.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return unsupportedf("WITH %s (%s): the body selects *, whose columns the router does not know; name them in the body", c.name, strings.Join(c.cols, ", "))
		}
		if !ae.As.IsEmpty() {
			names[ae.As.Lowered()] = true
		}
		if col, ok := ae.Expr.(*sqlparser.ColName); ok && !isSelect {
			// A UNION's ORDER BY reads its first SELECT's column names.
			names[col.Name.Lowered()] = true
		}
		names[strings.ToLower(c.cols[i])] = true
	}
	var clauses []sqlparser.SQLNode
	switch b := body.(type) {
	case *sqlparser.Select:
		clauses = []sqlparser.SQLNode{b.GroupBy, b.Having, b.OrderBy}
	case *sqlparser.Union:
		clauses = []sqlparser.SQLNode{b.OrderBy, first.GroupBy, first.Having, first.OrderBy}
	case *sqlparser.ParenSelect:
		clauses = []sqlparser.SQLNode{first.GroupBy, first.Having, first.OrderBy}
	}
	for _, cl := range clauses {
		if name := readsName(cl, names); name != "" {
			return unsupportedf("WITH %s (%s): the body's GROUP BY, HAVING or ORDER BY reads %s, a name the column list changes; alias the items in the body instead", c.name, strings.Join(c.cols, ", "), name)
		}
	}
	for i, se := range first.SelectExprs {
		se.(*sqlparser.AliasedExpr).As = sqlparser.NewColIdent(c.cols[i])
	}
	return nil
}

// readsName returns an unqualified column of n whose name is one of
// names, or "".
func readsName(n sqlparser.SQLNode, names map[string]bool) string {
	found := ""
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if col, ok := n.(*sqlparser.ColName); ok && col.Qualifier.IsEmpty() && names[col.Name.Lowered()] {
			found = col.Name.String()
		}
		return found == "", nil
	}, n)
	return found
}
