package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"
)

// MySQL names an unaliased select item by its text as the statement
// spells it: SUBSTR(created_at,1,7) is the column's name, not the
// parser's reprint substr(created_at, 1, 7). nameItemsByText recovers
// that text from the statement for the outermost select list (the first
// SELECT of a UNION, which names the union's columns) and makes it the
// item's alias before planning, so every backend reports it. An item
// whose text cannot be recovered exactly keeps the reprint (nameColumns).

// nameItemsByText aliases the unaliased expression items of stmt's
// outermost select list with their text in sql.
func nameItemsByText(sql string, stmt sqlparser.Statement) {
	sel := firstSelect(stmt)
	if sel == nil {
		return
	}
	texts := selectItemTexts(sql)
	if len(texts) != len(sel.SelectExprs) {
		return
	}
	for i, se := range sel.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok || !ae.As.IsEmpty() {
			continue
		}
		if _, isCol := ae.Expr.(*sqlparser.ColName); isCol {
			continue
		}
		if sameExpr(texts[i], ae.Expr) {
			ae.As = sqlparser.NewColIdent(texts[i])
		}
	}
}

func firstSelect(stmt sqlparser.Statement) *sqlparser.Select {
	switch s := stmt.(type) {
	case *sqlparser.Select:
		return s
	case *sqlparser.Union:
		return firstSelect(s.Left)
	case *sqlparser.ParenSelect:
		return firstSelect(s.Select)
	}
	return nil
}

// sameExpr reports whether text parses as the expression e (placeholders
// aside, which the parser numbers by position).
func sameExpr(text string, e sqlparser.Expr) bool {
	if text == "" || len(text) > 256 {
		return false
	}
	stmt, err := Parse("SELECT " + text)
	if err != nil {
		return false
	}
	s, ok := stmt.(*sqlparser.Select)
	if !ok || len(s.SelectExprs) != 1 {
		return false
	}
	ae, ok := s.SelectExprs[0].(*sqlparser.AliasedExpr)
	if !ok || !ae.As.IsEmpty() {
		return false
	}
	norm := func(n sqlparser.SQLNode) string { return argPattern.ReplaceAllString(sqlparser.String(n), "?") }
	return norm(ae.Expr) == norm(e)
}

// selectItemTexts returns the text of each item of the first select list
// of sql, split at its top-level commas; nil when the statement is not
// one the split understands (MySQL comments /*! … */ among them).
func selectItemTexts(sql string) []string {
	if strings.Contains(sql, "/*!") {
		return nil
	}
	tkn := sqlparser.NewStringTokenizer(sql)
	// end is the offset just after the token Scan returned.
	end := func() int { return tkn.Position - 1 }
	for {
		typ, _ := tkn.Scan()
		switch typ {
		case sqlparser.SELECT:
		case sqlparser.COMMENT, '(':
			continue
		default:
			return nil
		}
		break
	}
	start := end()
	// Skip the SELECT options before the first item.
	for {
		save := *tkn
		typ, _ := tkn.Scan()
		switch typ {
		case sqlparser.DISTINCT, sqlparser.ALL, sqlparser.STRAIGHT_JOIN, sqlparser.SQL_NO_CACHE,
			sqlparser.SQL_CACHE, sqlparser.COMMENT:
			start = end()
			continue
		}
		*tkn = save
		break
	}
	var texts []string
	depth, last := 0, start
	item := func() bool {
		if last > start && last <= len(sql) {
			texts = append(texts, strings.TrimSpace(sql[start:last]))
			return true
		}
		return false
	}
	for {
		typ, _ := tkn.Scan()
		switch {
		case typ == sqlparser.LEX_ERROR || typ == sqlparser.COMMENT:
			return nil
		case typ == '(':
			depth++
		case typ == ')':
			depth--
			if depth < 0 {
				if !item() {
					return nil
				}
				return texts
			}
		case depth == 0 && typ == ',':
			if !item() {
				return nil
			}
			start = end()
			last = start
			continue
		case depth == 0 && endsSelectList(typ):
			if !item() {
				return nil
			}
			return texts
		}
		last = end()
	}
}

func endsSelectList(typ int) bool {
	switch typ {
	case 0, ';', sqlparser.FROM, sqlparser.WHERE, sqlparser.GROUP, sqlparser.HAVING, sqlparser.ORDER,
		sqlparser.LIMIT, sqlparser.UNION, sqlparser.FOR, sqlparser.LOCK, sqlparser.INTO:
		return true
	}
	return false
}
