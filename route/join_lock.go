package route

import (
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/eval"
)

// A SELECT … FOR UPDATE (or LOCK IN SHARE MODE) over a join across shards
// locks as Vitess does: every leaf statement carries the lock clause and
// runs in the session's transaction, so each shard locks the rows it
// returns. The backends decide as one database would:
//
//   - SQLite has no row locks (a writer locks the whole database file),
//     and the clause is dropped on it, as on a single shard;
//   - PostgreSQL refuses a lock on the nullable side of an outer join,
//     and on grouped, DISTINCT or aggregated rows; the join refuses the
//     same with PostgreSQL's words.
//
// Joins that lock bind their inner side by batches (no hash join), so
// only rows whose keys the outer rows name are read and locked.

// joinLock returns the lock clause the leaf statements of the join jt
// plans carry, "" when none does, or the error one database gives.
func (p *Planner) joinLock(jt *joinPlanner, lock string) (string, error) {
	if lock == "" || len(jt.tables) == 0 || p.engineOfKeyspace(jt.tables[0].table.Keyspace) != eval.PostgreSQL {
		return "", nil
	}
	for _, t := range jt.tables {
		if t.nullable {
			return "", planErrorf("%s cannot be applied to the nullable side of an outer join", lockName(lock))
		}
	}
	for _, t := range jt.tables {
		if t.derived {
			return "", joinRefusal("%s over the derived table %s joined across shards: lock the rows in a statement of their own", lockName(lock), t.name)
		}
	}
	return lock, nil
}

// joinHorizonLock returns the error PostgreSQL gives a lock over a join
// whose rows are grouped, DISTINCT or aggregated, nil when it has none.
func (p *Planner) joinHorizonLock(sel *sqlparser.Select, eng eval.Engine) error {
	if sel.Lock == "" || eng != eval.PostgreSQL {
		return nil
	}
	clause := ""
	switch {
	case sel.Distinct != "":
		clause = "DISTINCT clause"
	case len(sel.GroupBy) > 0:
		clause = "GROUP BY clause"
	case sel.Having != nil:
		clause = "HAVING clause"
	case hasAggregate(sel.SelectExprs):
		clause = "aggregate functions"
	default:
		return nil
	}
	return planErrorf("%s is not allowed with %s", lockName(sel.Lock), clause)
}

// lockName is the lock clause as PostgreSQL names it.
func lockName(lock string) string {
	if strings.Contains(strings.ToLower(lock), "share") {
		return "FOR SHARE"
	}
	return "FOR UPDATE"
}
