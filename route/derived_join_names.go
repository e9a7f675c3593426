package route

import (
	"strconv"

	"github.com/xwb1989/sqlparser"
)

// unnamedColumnError is the refusal of a derived table of a join with
// columns computed without an alias, which each backend names its own
// way; derivedJoinColumns asks a shard for their names before it gives
// up (see backendNamedColumns).
type unnamedColumnError struct {
	refusal error
	// names are the derived table's columns, "" at each position in at.
	names []string
	at    []int
	// items are the select items computed without an alias, one for
	// each position of at.
	items []*sqlparser.AliasedExpr
}

func (e *unnamedColumnError) Error() string { return e.refusal.Error() }
func (e *unnamedColumnError) Unwrap() error { return e.refusal }

// backendNamedColumns names the columns of a derived table of a join
// computed without an alias as its backend does, asked of one shard of
// its keyspace: SELECT * FROM (the derived table) AS alias WHERE 1 = 0
// reads no row and reports the names one database would give (SQLite the
// item's text as the shard statement writes it, PostgreSQL `count`,
// `?column?`…). Each such item gets its name as its alias in te, so the
// leaf statement, the join and its horizon all read it by that name.
// The refusal is returned when no shard can be asked or the names it
// reports do not fit.
func (p *Planner) backendNamedColumns(te *sqlparser.AliasedTableExpr, s *Session, u *unnamedColumnError) ([]string, error) {
	tables, err := p.fromTables(sqlparser.TableExprs{te}, s)
	if err != nil || len(tables) == 0 || hasQualifiedTable(te) {
		return nil, u
	}
	shards := p.topo.Shards(tables[0].Keyspace.Name)
	if len(shards) == 0 || shards[0].Backend == nil || shards[0].Backend.DB == nil {
		return nil, u
	}
	probe := &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.StarExpr{}}, From: sqlparser.TableExprs{te}}
	reported, err := probeColumns(shards[0], probe, argCount(te))
	if err != nil || len(reported) != len(u.names) {
		return nil, u
	}
	names := append([]string(nil), u.names...)
	for k, i := range u.at {
		names[i] = reported[i]
		u.items[k].As = sqlparser.NewColIdent(reported[i])
	}
	if err := distinctNames(names, te.As.String()); err != nil {
		return nil, err
	}
	return names, nil
}

// argCount is the number of bind arguments a node's placeholders (:v1,
// :v2, …) need: the highest one's number.
func argCount(n sqlparser.SQLNode) int {
	most := 0
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if v, ok := n.(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg && len(v.Val) > 2 {
			if i, err := strconv.Atoi(string(v.Val[2:])); err == nil && i > most {
				most = i
			}
		}
		return true, nil
	}, n)
	return most
}
