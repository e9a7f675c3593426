package route

import (
	"github.com/xwb1989/sqlparser"
)

// A derived table's column computed without an alias is named by each
// backend its own way (SQLite by the item's text as the shard statement
// writes it, `count(*)`, PostgreSQL by the function, `count`, or
// `?column?`). The router asks the backend: it runs SELECT * FROM
// (the derived table) AS alias WHERE 1 = 0 on one shard of the derived
// table's keyspace, which reads no row, and takes the names the shard
// reports, as one database would give them. Plans are dropped on DDL, so
// the names hold as long as the plan.

// nameUnnamed gives the unnamed columns of a derived table the names the
// backend gives them; cols is returned unchanged when none is unnamed,
// and with the unnamed ones still marked when the backend cannot be asked
// (the caller's refusal then says why).
func (p *Planner) nameUnnamed(ate *sqlparser.AliasedTableExpr, cols []derivedColumn, s *Session, nargs int) []derivedColumn {
	unnamed := false
	for _, c := range cols {
		unnamed = unnamed || c.unnamed
	}
	if !unnamed {
		return cols
	}
	tables, err := p.fromTables(sqlparser.TableExprs{ate}, s)
	if err != nil || len(tables) == 0 || hasQualifiedTable(ate) {
		return cols
	}
	shards := p.topo.Shards(tables[0].Keyspace.Name)
	if len(shards) == 0 || shards[0].Backend == nil || shards[0].Backend.DB == nil {
		return cols
	}
	probe := &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.StarExpr{}}, From: sqlparser.TableExprs{ate}}
	names, err := probeColumns(shards[0], probe, nargs)
	if err != nil || len(names) != len(cols) {
		return cols
	}
	out := make([]derivedColumn, len(cols))
	for i, c := range cols {
		out[i] = c
		if c.unnamed {
			out[i] = derivedColumn{name: names[i], backend: true}
		}
	}
	return out
}

// hasQualifiedTable reports a table named with its keyspace in n, which
// a statement sent to a shard as it is would not find.
func hasQualifiedTable(n sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		if tn, ok := n.(sqlparser.TableName); ok && !tn.Qualifier.IsEmpty() {
			found = true
		}
		return !found, nil
	}, n)
	return found
}
