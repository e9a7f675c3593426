package vitessdo_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// Generated statements whose expressions the merge computes over merged
// groups: arguments (floats beside integer aggregates, text beside
// numbers and times), quoted and binary literals, COALESCE and CASE of
// mixed types, GROUP_CONCAT with its ORDER BY, and the aggregates that
// merge exactly. Where one database fails (a type it cannot match, an
// argument it cannot convert), the sharded database must fail too.

// evalAggs are aggregates over the items with the kind of their values.
var evalAggs = []struct {
	expr string
	kind genKind
}{
	{"SUM(qty)", kindInt}, {"MAX(qty)", kindInt}, {"MIN(id)", kindInt}, {"COUNT(*)", kindInt},
	{"SUM(price)", kindDecimal}, {"MAX(price)", kindDecimal}, {"SUM(ratio)", kindFloat},
	{"MAX(made)", kindTime}, {"MIN(made)", kindTime}, {"MAX(name)", kindText}, {"MIN(kind)", kindText},
}

// evalOperand is an argument, a literal or a binary literal to stand
// beside an aggregate.
func (g *queryGen) evalOperand() string {
	switch g.pickWeighted(5, 2, 2, 1, 1) {
	case 0:
		// A float argument, now and then an integer or a numeric text.
		switch g.r.Intn(5) {
		case 0:
			g.args = append(g.args, int64(g.r.Intn(21)-10))
		case 1:
			g.args = append(g.args, fmt.Sprint(g.r.Intn(9)))
		default:
			g.args = append(g.args, float64(g.r.Intn(81)-40)/4)
		}
		return "?"
	case 1:
		return fmt.Sprint(g.r.Intn(21) - 10)
	case 2:
		return fmt.Sprintf("%.2f", float64(g.r.Intn(81)-40)/4)
	case 3:
		return []string{"x'35'", "0x31", "b'110010'", "X'41'"}[g.r.Intn(4)]
	}
	return "'" + []string{"7", "2.5", "x"}[g.r.Intn(3)] + "'"
}

// evalBranch is a COALESCE or CASE branch: mostly an aggregate of the
// kind the others have, sometimes an aggregate, an argument or a literal
// of any kind.
func (g *queryGen) evalBranch(kind genKind) string {
	switch g.pickWeighted(6, 3, 2, 2, 1) {
	case 0:
		for {
			if a := evalAggs[g.r.Intn(len(evalAggs))]; a.kind == kind || a.kind.numeric() && kind.numeric() {
				return a.expr
			}
		}
	case 1:
		return evalAggs[g.r.Intn(len(evalAggs))].expr
	case 2:
		return "'" + []string{"2024-05-01", "2024-01-01 10:30:00", "none", "12", ""}[g.r.Intn(5)] + "'"
	case 3:
		switch g.r.Intn(3) {
		case 0:
			g.args = append(g.args, float64(g.r.Intn(41)-20)/4)
		case 1:
			g.args = append(g.args, genTimes[g.r.Intn(len(genTimes))])
		default:
			g.args = append(g.args, genTexts[g.r.Intn(len(genTexts))])
		}
		return "?"
	}
	return []string{"0", "1.5", "x'41'"}[g.r.Intn(3)]
}

// evalItem is one select item over the groups' aggregates; concat says
// whether a GROUP_CONCAT may still be added (one a statement).
func (g *queryGen) evalItem(concat *bool) string {
	num := func() string {
		for {
			a := evalAggs[g.r.Intn(len(evalAggs))]
			if a.kind.numeric() {
				return a.expr
			}
		}
	}
	switch g.pickWeighted(4, 3, 2, 2, 1) {
	case 0:
		ops := []string{"+", "-", "*", "/"}
		if g.chance(0.5) {
			return num() + " " + ops[g.r.Intn(len(ops))] + " " + g.evalOperand()
		}
		return g.evalOperand() + " " + ops[g.r.Intn(len(ops))] + " " + num()
	case 1:
		n := 2 + g.r.Intn(2)
		kind := evalAggs[g.r.Intn(len(evalAggs))].kind
		var bs []string
		for i := 0; i < n; i++ {
			bs = append(bs, g.evalBranch(kind))
		}
		f := "COALESCE"
		if n == 2 && g.chance(0.3) {
			f = "IFNULL"
		}
		return f + "(" + strings.Join(bs, ", ") + ")"
	case 2:
		kind := evalAggs[g.r.Intn(len(evalAggs))].kind
		return fmt.Sprintf("CASE WHEN COUNT(*) > %d THEN %s ELSE %s END", g.r.Intn(12), g.evalBranch(kind), g.evalBranch(kind))
	case 3:
		if *concat {
			*concat = false
			col := []string{"name", "qty", "kind", "price", "made", "ratio"}[g.r.Intn(6)]
			dir := ""
			if g.chance(0.4) {
				dir = " DESC"
			}
			if g.chance(0.25) {
				return "GROUP_CONCAT(DISTINCT " + col + " ORDER BY " + col + dir + ")"
			}
			by := col + dir
			if g.chance(0.3) {
				by = "qty, " + by
			}
			sep := ""
			if g.chance(0.5) {
				sep = " SEPARATOR '" + []string{"|", "", ", "}[g.r.Intn(3)] + "'"
			}
			return "GROUP_CONCAT(" + col + " ORDER BY " + by + sep + ")"
		}
		return "COUNT(*)"
	}
	return []string{"TOTAL(qty)", "BIT_OR(qty)", "BIT_AND(id)", "BIT_XOR(qty)"}[g.r.Intn(4)]
}

// evalCond is a HAVING condition over the groups' aggregates.
func (g *queryGen) evalCond() string {
	switch g.r.Intn(7) {
	case 6:
		// An argument IN a subquery's values, which only their column
		// types.
		g.args = append(g.args, int64(g.r.Intn(9)-4))
		return fmt.Sprintf("? IN (SELECT qty FROM items WHERE qty < %d) OR COUNT(*) > %d", g.r.Intn(9)-4, g.r.Intn(6))
	case 5:
		return g.likeCond([]string{"MAX(name)", "MIN(kind)", "MIN(grp)", "MAX(name)"}[g.r.Intn(4)])
	case 0:
		return "SUM(qty) > " + g.evalOperand()
	case 1:
		return "COUNT(*) >= " + g.evalOperand()
	case 2:
		return "MAX(made) > '" + genTimes[g.r.Intn(len(genTimes))] + "'"
	case 3:
		g.args = append(g.args, float64(g.r.Intn(24))/2)
		return fmt.Sprintf("COUNT(*) IN (?, %d)", g.r.Intn(12))
	}
	return "COALESCE(MIN(qty), " + g.evalOperand() + ") < 3"
}

// evalQuery is a grouped SELECT over items with expressions the merge
// computes.
func (g *queryGen) evalQuery() genQuery {
	g.f = genFroms()[0]
	key := []string{"grp", "kind", "name"}[g.r.Intn(3)]
	items := []string{key}
	concat := true
	for i := 0; i < 1+g.r.Intn(3); i++ {
		items = append(items, fmt.Sprintf("%s AS e%d", g.evalItem(&concat), i))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "SELECT %s FROM items%s GROUP BY %s", strings.Join(items, ", "), g.where(), key)
	if g.chance(0.3) {
		sb.WriteString(" HAVING " + g.evalCond())
	}
	q := genQuery{}
	if g.chance(0.3) {
		// The group key orders the groups totally.
		fmt.Fprintf(&sb, " ORDER BY %s%s LIMIT %d", key, direction(g.r), 1+g.r.Intn(8))
		q.ordered = true
	}
	q.sql, q.args = sb.String(), g.args
	return q
}

// TestQueryGenEvalEqualsOneDatabase compares generated statements whose
// expressions the merge computes: both databases return the same rows,
// or both fail.
func TestQueryGenEvalEqualsOneDatabase(t *testing.T) {
	n := 300
	if *queryGenN != 0 {
		n = *queryGenN
	} else if testing.Short() {
		n = 100
	}
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newMergePair(t, e, genData())
		var run, unsupported, failed, mismatches int
		reasons, failures := map[string]int{}, map[string]int{}
		for i := 0; i < n; i++ {
			seed := *queryGenSeed + int64(i)
			g := &queryGen{r: rand.New(rand.NewSource(seed))}
			q := g.evalQuery()
			run++
			got, gerr := queryAll(p.sharded, q.sql, q.args...)
			want, werr := queryAll(p.oracle, q.sql, q.args...)
			switch {
			case gerr != nil && isUnsupported(gerr):
				unsupported++
				msg := gerr.Error()
				msg = msg[strings.Index(msg, "unsupported:")+len("unsupported:"):]
				reasons[strings.TrimSpace(msg[:min(len(msg), 70)])]++
				continue
			case werr != nil && gerr != nil:
				failed++
				msg := werr.Error()
				if i := strings.LastIndex(msg, ": "); i >= 0 && !strings.Contains(msg[i:], "SQLSTATE") {
					msg = msg[i+2:]
				}
				failures[msg[:min(len(msg), 60)]]++
				continue
			case werr != nil || gerr != nil:
				mismatches++
				t.Errorf("seed %d: sharded error %v, one database error %v\n%s %v", seed, gerr, werr, q.sql, q.args)
				continue
			}
			if !sameGenRows(t, seed, q, got, want) {
				mismatches++
			}
			if mismatches >= 20 {
				t.Fatalf("stopping after %d mismatches", mismatches)
			}
		}
		t.Logf("%s: %d generated statements, %d failed on both, %d unsupported, %d mismatches", e.name, run, failed, unsupported, mismatches)
		logTally(t, "unsupported", reasons)
		logTally(t, "failed on both", failures)
		if unsupported*10 > run {
			t.Errorf("%d of %d generated statements are unsupported", unsupported, run)
		}
		if failed*2 > run {
			t.Errorf("%d of %d generated statements fail on both databases: keep the generator within what answers", failed, run)
		}
	})
}
