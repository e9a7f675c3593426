package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// cteQuery is a generated derived-table statement (derivedQuery's inner
// and outer SELECTs) written with WITH, which the sharded database runs,
// and as its derived tables, which one database runs: the CTE alone, with
// a column list that renames its columns, read through a second CTE, or
// read twice.
func (g *queryGen) cteQuery() genQuery {
	g.f = genFroms()[g.pickWeighted(5, 3, 2, 2, 2, 1)]
	inner, cols := g.derivedInner()
	innerArgs := append([]any(nil), g.args...)
	switch g.pickWeighted(3, 2, 2, 1) {
	case 0:
		q := g.derivedOuter(inner, cols, "d")
		return cteForm(q.genQuery, "WITH d AS ("+inner+") ", inner)
	case 1:
		// A column list: the derived form renames in a derived table.
		renamed := make([]derivedCol, len(cols))
		var names, items []string
		for i, c := range cols {
			renamed[i] = derivedCol{fmt.Sprintf("x%d", i), c.kind}
			names = append(names, renamed[i].name)
			items = append(items, c.name+" AS "+renamed[i].name)
		}
		wrapped := "SELECT " + strings.Join(items, ", ") + " FROM (" + inner + ") AS d0"
		q := g.derivedOuter(wrapped, renamed, "d")
		return cteForm(q.genQuery, "WITH d ("+strings.Join(names, ", ")+") AS ("+inner+") ", wrapped)
	case 2:
		// A second CTE over the first, with a condition of its own.
		c := cols[g.r.Intn(len(cols))]
		second := "SELECT * FROM d0 WHERE " + c.name + " IS NOT NULL"
		wrapped := "SELECT * FROM (" + inner + ") AS d0 WHERE " + c.name + " IS NOT NULL"
		q := g.derivedOuter(wrapped, cols, "d")
		return cteForm(q.genQuery, "WITH d0 AS ("+inner+"), d AS ("+second+") ", wrapped)
	default:
		// Read twice: in FROM and in an IN subquery; one database reads
		// the derived table's placeholders twice.
		c := cols[g.r.Intn(len(cols))]
		for _, k := range cols {
			if k.kind != kindBlob && k.kind != kindFloat {
				c = k
				break
			}
		}
		outer := "SELECT COUNT(*) AS n, COUNT(d.%[1]s) AS cn FROM %[2]s WHERE d.%[1]s IN (SELECT e.%[1]s FROM %[3]s)"
		return genQuery{
			sql:        "WITH d AS (" + inner + ") " + fmt.Sprintf(outer, c.name, "d", "d AS e"),
			args:       innerArgs,
			oracle:     fmt.Sprintf(outer, c.name, "("+inner+") AS d", "("+inner+") AS e"),
			oracleArgs: append(append([]any(nil), innerArgs...), innerArgs...),
		}
	}
}

// cteForm returns q, a statement over the derived table (body) d, as the
// same statement over the CTE d that with defines, one database running
// q itself.
func cteForm(q genQuery, with, body string) genQuery {
	sql := q.sql
	for _, from := range []string{" FROM (" + body + ") AS d", " FROM (" + body + ") d"} {
		if i := strings.Index(sql, from); i >= 0 {
			sql = sql[:i] + " FROM d" + sql[i+len(from):]
			break
		}
	}
	return genQuery{sql: with + sql, args: q.args, ordered: q.ordered, oracle: q.sql}
}

// Generated statements with common table expressions, run as their
// derived tables, return the rows one database returns for the same
// statement written with derived tables.
func TestQueryGenCTEsEqualOneDatabase(t *testing.T) {
	compareGeneratedJoins(t, 100, "common table expressions", (*queryGen).cteQuery)
}
