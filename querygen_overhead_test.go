package vitessdo_test

import (
	"fmt"
	"strings"
	"testing"
)

// Point statements route without building the routing's slices (the
// vindex's 8-byte keyspace id, one shard statement), and quick scatters
// read their rows past the first batch on the caller's goroutine. The
// generator here sends both kinds with the primary vindex value as an
// argument of every Go type the driver takes (as an ORM or a hand-written
// caller would: int, int64, uint64, a decimal string, a float that holds
// an integer or not, NULL), and scatters, on whose largest shard the
// rows outlast the first batch, each compared with one database.

// pointArg returns an argument for an integer vindex column: on
// PostgreSQL only the integer types and NULL, which its server takes for
// a bigint parameter.
func (g *queryGen) pointArg(engine string) any {
	n := g.r.Intn(90) + 1
	if engine != "sqlite" {
		switch g.r.Intn(4) {
		case 0:
			return n
		case 1:
			return nil
		}
		return int64(n)
	}
	switch g.r.Intn(9) {
	case 0:
		return n
	case 1:
		return uint64(n)
	case 2:
		return fmt.Sprint(n)
	case 3:
		return float64(n)
	case 4:
		return float64(n) + 0.5
	case 5:
		return nil
	case 6:
		return int64(-n)
	case 7:
		return "x" + fmt.Sprint(n)
	}
	return int64(n)
}

// pointQuery returns a SELECT of a single-table FROM by its vindex value,
// with a further condition now and then; or a scatter of every row (or
// those with a vindex value), which on the largest shard of genData
// outlast the first batch.
func (g *queryGen) pointQuery(engine string) genQuery {
	var froms []genFrom
	for _, f := range genFroms() {
		if !strings.Contains(f.from, "JOIN") {
			froms = append(froms, f)
		}
	}
	g.f = froms[g.r.Intn(len(froms))]
	g.args = nil
	n := 1 + g.r.Intn(min(3, len(g.f.cols)))
	cols := make([]string, n)
	for i := range cols {
		cols[i] = g.column(notBlob).expr
	}
	var q genQuery
	sql := "SELECT " + strings.Join(cols, ", ") + " FROM " + g.f.from
	if g.chance(0.7) {
		if g.f.vindexKind == kindInt {
			sql += " WHERE " + g.f.vindex + " = ?"
			g.args = append(g.args, g.pointArg(engine))
		} else {
			sql += " WHERE " + g.f.vindex + " = " + g.vindexValue()
		}
		if g.chance(0.3) {
			sql += " AND " + g.predicate(1)
		}
	} else if g.chance(0.5) {
		sql += " WHERE " + g.f.vindex + " IS NOT NULL"
	}
	if g.chance(0.4) {
		sql += " ORDER BY " + strings.Join(g.f.unique, ", ")
		q.ordered = true
	}
	q.sql, q.args = sql, g.args
	return q
}

// Each statement runs twice: the first run measures the shard
// statements, the second runs the quick ones inline.
func TestQueryGenPointStatementsAndQuickScattersEqualOneDatabase(t *testing.T) {
	compareGenerated(t, 300, "point statements and scatters", 2, (*queryGen).pointQuery)
}
