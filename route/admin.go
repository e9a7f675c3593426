package route

import (
	"context"
	"reflect"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/merge"
)

// Version is what SELECT VERSION() and @@version answer: a MySQL version
// (ORMs read it to pick SQL features) marked as vitessdo.
const Version = "8.0.31-vitessdo"

// staticPlan answers a statement from the router's own state. run returns
// the rows; it may change the session.
type staticPlan struct {
	cols  []string
	run   func(vc Cursor, args []any) ([]merge.Row, error)
	nargs int
}

var _ Plan = (*staticPlan)(nil)

func (sp *staticPlan) NumArgs() int { return sp.nargs }

func (sp *staticPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	rows, err := sp.run(vc, args)
	if err != nil {
		return nil, err
	}
	return merge.NewStatic(textColumns(sp.cols, rows), rows), nil
}

func (sp *staticPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	_, err := sp.run(vc, args)
	return Result{}, err
}

func (sp *staticPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	return nil, nil
}

// textColumns describes router-made columns, typed by their first
// non-NULL value.
func textColumns(names []string, rows []merge.Row) []merge.Column {
	cols := make([]merge.Column, len(names))
	for i, n := range names {
		cols[i] = merge.Column{Name: n, DatabaseType: "VARCHAR", ScanType: reflect.TypeFor[string](), Nullable: true, HasNullable: true}
		for _, r := range rows {
			if r[i] == nil {
				continue
			}
			if _, ok := r[i].(int64); ok {
				cols[i].DatabaseType, cols[i].ScanType = "BIGINT", reflect.TypeFor[int64]()
			}
			break
		}
	}
	return cols
}

// planUse parses a USE target: ks, ks:shard, ks/shard, ks[range] or ""
// (no default keyspace), as Vitess writes them.
func planUse(p *Planner, target string) (Plan, error) {
	ksName, shardName, rng := target, "", (*key.KeyRange)(nil)
	if i := strings.IndexAny(target, ":/"); i >= 0 {
		ksName, shardName = target[:i], target[i+1:]
	} else if i := strings.IndexByte(target, '['); i >= 0 && strings.HasSuffix(target, "]") {
		ksName = target[:i]
		kr, err := key.ParseKeyRange(target[i+1 : len(target)-1])
		if err != nil {
			return nil, planErrorf("USE %s: %v", target, err)
		}
		rng = &kr
	}
	if ksName != "" && p.vs.Keyspace(ksName) == nil {
		return nil, planErrorf("USE %s: keyspace %q not found in the vschema (keyspaces: %s)", target, ksName, strings.Join(p.vs.KeyspaceNames(), ", "))
	}
	if shardName != "" {
		if _, err := p.topo.Shard(ksName, shardName); err != nil {
			return nil, planErrorf("USE %s: %v", target, err)
		}
	}
	return &staticPlan{run: func(vc Cursor, _ []any) ([]merge.Row, error) {
		s := vc.Session()
		if s.InTransaction && (s.Keyspace != ksName || s.Shard != shardName) {
			return nil, planErrorf("USE %s: cannot change the target inside a transaction", target)
		}
		s.Keyspace, s.Shard, s.KeyRange = ksName, shardName, rng
		return nil, nil
	}}, nil
}

// useTarget recognises USE statements the parser does not take, such as
// USE ks[-80] without backticks.
func useTarget(sql string) (string, bool) {
	f := strings.Fields(sql)
	if len(f) != 2 || !strings.EqualFold(f[0], "use") {
		return "", false
	}
	return strings.Trim(f[1], "`"), true
}

// planSet handles SET: transaction_mode changes the session; the settings
// MySQL clients send on connect (NAMES, autocommit = 1, sql_mode …) and
// foreign_key_checks are accepted and have no effect; anything else is
// unsupported.
func planSet(st *sqlparser.Set) (Plan, error) {
	type change struct {
		mode string
	}
	var changes []change
	for _, e := range st.Exprs {
		name := strings.ToLower(strings.TrimPrefix(e.Name.String(), "@@session."))
		name = strings.TrimPrefix(name, "@@")
		switch name {
		case "transaction_mode":
			v, ok := newValueExpr(e.Expr)
			s, isStr := v.lit.(string)
			if !ok || !v.isLiteral() || !isStr {
				return nil, planErrorf("SET transaction_mode: want 'single', 'multi' or 'twopc'")
			}
			s = strings.ToLower(s)
			if s != "single" && s != "multi" && s != "twopc" {
				return nil, planErrorf("SET transaction_mode = %q: want 'single', 'multi' or 'twopc'", s)
			}
			changes = append(changes, change{mode: s})
		case "names", "character_set_client", "character_set_results", "character_set_connection", "charset", "sql_mode", "time_zone", "sql_safe_updates", "collation_connection":
		case "foreign_key_checks":
			// Accepted with no effect: the shards always check the
			// foreign keys they keep. Turning the checks off (as GORM's
			// DropTable does around its DROPs) can only make a statement
			// fail that MySQL would run, never change data silently.
		case "autocommit":
			v, ok := newValueExpr(e.Expr)
			if !ok || !v.isLiteral() {
				return nil, unsupportedf("SET autocommit to a non-literal")
			}
			if on, _ := sameValue(v.lit, int64(1)); !on && !strings.EqualFold(sqlparser.String(e.Expr), "on") && !strings.EqualFold(sqlparser.String(e.Expr), "true") {
				return nil, unsupportedf("SET autocommit = 0: use BEGIN or db.BeginTx for transactions")
			}
		default:
			return nil, unsupportedf("SET %s", e.Name.String())
		}
	}
	return &staticPlan{run: func(vc Cursor, _ []any) ([]merge.Row, error) {
		for _, c := range changes {
			if c.mode != "" {
				if vc.Session().InTransaction {
					return nil, planErrorf("SET transaction_mode: not inside a transaction")
				}
				vc.Session().TransactionMode = c.mode
			}
		}
		return nil, nil
	}}, nil
}
